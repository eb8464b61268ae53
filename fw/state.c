// SPDX-License-Identifier: MIT
/*
 * state.c - one interface's firewall state: a directory on a bpffs
 * holding the ten maps firewall.h describes, pinned by name.
 *
 *   xdpl_fw_dir         where the state of an interface lives: PIN_BASE/fw-state/
 *                       IFACE, a name no map of a C object can have, so that
 *                       generic pins in PIN_BASE never stand in its way
 *   xdpl_fw_open        the directory locked (flock: shared to read, alone to
 *                       change), every map opened and checked against the
 *                       layout (map shapes and fw_meta's version)
 *   xdpl_fw_settings*   the policy and options in fw_meta
 *   xdpl_fw_events_open the drop-event ring, for the generic ring reader
 *
 * The lock is the one thing that keeps two processes from handing out the
 * same rule id or reading half a change; every change checks the handle
 * holds it alone.  Nothing here prints.
 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "fw/fw.h"

#define OPT(opts, field, dflt) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field) \
		 ? (opts)->field : (dflt))

#define PIN_BASE_DEFAULT "/sys/fs/bpf/xdpload"

const char *const fw_map_names[FW_MAP_COUNT] = {
	"fw_meta", "fw_v4", "fw_v6", "fw_lpm4", "fw_lpm6",
	"fw_hits", "fw_stats", "fw_limit", "fw_events", "fw_svc",
};

/* What firewall.h says each map is; a pinned map of another shape is refused. */
static const struct {
	uint32_t type, key_size, value_size;
} fw_map_shapes[FW_MAP_COUNT] = {
	[FW_MAP_META] = { BPF_MAP_TYPE_ARRAY, 4, sizeof(struct fw_meta) },
	[FW_MAP_V4] = { BPF_MAP_TYPE_HASH, 4, sizeof(struct fw_exact) },
	[FW_MAP_V6] = { BPF_MAP_TYPE_HASH, 16, sizeof(struct fw_exact) },
	[FW_MAP_LPM4] = { BPF_MAP_TYPE_LPM_TRIE, sizeof(struct fw_lpm4_key), 4 },
	[FW_MAP_LPM6] = { BPF_MAP_TYPE_LPM_TRIE, sizeof(struct fw_lpm6_key), 4 },
	[FW_MAP_HITS] = { BPF_MAP_TYPE_PERCPU_HASH, 4, sizeof(struct fw_counter) },
	[FW_MAP_STATS] = { BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct fw_counter) },
	[FW_MAP_LIMIT] = { BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct fw_limiter) },
	[FW_MAP_EVENTS] = { BPF_MAP_TYPE_RINGBUF, 0, 0 },
	[FW_MAP_SVC] = { BPF_MAP_TYPE_ARRAY, 4, 4 },
};

/* The public event is the data path's, field for field. */
_Static_assert(sizeof(struct xdpl_fw_event) == sizeof(struct fw_event), "fw_event layout");
_Static_assert(offsetof(struct xdpl_fw_event, src) == offsetof(struct fw_event, src),
	       "fw_event layout");
_Static_assert(offsetof(struct xdpl_fw_event, family) == offsetof(struct fw_event, family),
	       "fw_event layout");

int xdpl_fw_dir(char *buf, size_t len, const char *pin_base, const char *ifname,
		struct xdpl_error *e)
{
	if (!pin_base)
		pin_base = PIN_BASE_DEFAULT;
	if (!ifname || !ifname[0] || strchr(ifname, '/') || strlen(ifname) >= IF_NAMESIZE ||
	    !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return err_set(e, -EINVAL, "firewall: %s is not an interface name",
			       ifname && ifname[0] ? ifname : "\"\"");
	if ((size_t)snprintf(buf, len, "%s/" XDPL_FW_STATE_DIR "/%s", pin_base, ifname) >= len)
		return err_set(e, -ENAMETOOLONG, "firewall: %s/" XDPL_FW_STATE_DIR "/%s is too long",
			       pin_base, ifname);
	return 0;
}

int fw_state_new(struct xdpl_fw **out, const char *dir, struct xdpl_error *e)
{
	struct xdpl_fw *fw;

	*out = NULL;
	fw = calloc(1, sizeof(*fw));
	if (!fw)
		return err_set(e, -ENOMEM, "firewall: out of memory");
	fw->dir_fd = -1;
	for (int i = 0; i < FW_MAP_COUNT; i++)
		fw->fds[i] = -1;
	if ((size_t)snprintf(fw->dir, sizeof(fw->dir), "%s", dir) >= sizeof(fw->dir)) {
		free(fw);
		return err_set(e, -ENAMETOOLONG, "firewall: directory %s is too long", dir);
	}
	*out = fw;
	return 0;
}

/*
 * Open the directory and flock it (how: 0, LOCK_SH or LOCK_EX); with
 * create, make it first, and its parents on the bpffs.  A purge may remove
 * the directory while we wait for its lock: the lock is then on a directory
 * no longer at the path, so start again with the one there now, or none.
 */
int fw_state_lock(struct xdpl_fw *fw, int how, bool create, struct xdpl_error *e)
{
	for (int tries = 0;; tries++) {
		struct stat held, now;
		unsigned int made = 0;
		int fd, err;

		if (create) {
			err = pin_dir_ready(fw->dir, 2, &made, e);
			if (err == -ENOENT && tries < 100)
				continue; /* a parent went between our mkdir calls */
			if (err)
				return err;
			fw->dirs_made = made > fw->dirs_made ? made : fw->dirs_made;
		}
		fd = open(fw->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create && tries < 100)
			continue;
		if (fd < 0) {
			if (e)
				e->environment = true;
			return err_sys(e, -errno, "firewall: no firewall state in %s", fw->dir);
		}
		if (how && flock(fd, how) < 0) {
			err = -errno;
			close(fd);
			if (e)
				e->environment = true;
			return err_sys(e, err, "firewall: cannot lock %s", fw->dir);
		}
		if (fstat(fd, &held) == 0 && stat(fw->dir, &now) == 0 && held.st_dev == now.st_dev &&
		    held.st_ino == now.st_ino) {
			fw->dir_fd = fd;
			fw->lock = how;
			return 0;
		}
		close(fd);
		if (!create || tries >= 100) {
			if (e)
				e->environment = true;
			return err_set(e, -ENOENT, "firewall: %s was removed while this process waited for it",
				       fw->dir);
		}
	}
}

/* After a failed attach: the directory levels it made go again, if nothing else is in them. */
void fw_state_dirs_remove(struct xdpl_fw *fw)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s", fw->dir);
	for (unsigned int i = 0; i < fw->dirs_made; i++) {
		char *slash = strrchr(path, '/');

		if (rmdir(path) < 0 || !slash || slash == path)
			break;
		xdpl_log("firewall: removed the directory %s this failed attach made", path);
		*slash = '\0';
	}
	fw->dirs_made = 0;
}

int fw_meta_read(struct xdpl_fw *fw, struct xdpl_error *e)
{
	uint32_t zero = 0;
	int err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[FW_MAP_META], &zero, &fw->meta, 0);

	return err ? err_sys(e, err, "firewall: %s/fw_meta: cannot read it", fw->dir) : 0;
}

int fw_meta_write(struct xdpl_fw *fw, struct xdpl_error *e)
{
	uint32_t zero = 0;
	int err = bpf_map_elem(BPF_MAP_UPDATE_ELEM, fw->fds[FW_MAP_META], &zero, &fw->meta, 0);

	return err ? err_sys(e, err, "firewall: %s/fw_meta: cannot write it", fw->dir) : 0;
}

/*
 * Open the ten maps pinned in the directory and check each is what
 * firewall.h says.  What is missing tells what happened: all of them, there
 * is no state (-ENOENT, an empty directory included); some, with fw_meta
 * never filled in, an attach that did not finish (-EAGAIN); some of a state
 * an attach had finished, a loss only a purge repairs (-EUCLEAN).
 */
int fw_state_maps(struct xdpl_fw *fw, struct xdpl_error *e)
{
	const char *first = NULL;
	int missing = 0, cpus, err;

	memset(&fw->meta, 0, sizeof(fw->meta));
	for (int i = 0; i < FW_MAP_COUNT; i++) {
		enum xdpl_pin_kind kind;
		struct bpf_map_info info;
		char path[4200];

		if (fw->fds[i] >= 0)
			close(fw->fds[i]);
		snprintf(path, sizeof(path), "%s/%s", fw->dir, fw_map_names[i]);
		fw->fds[i] = xdpl_pin_open(path, &kind, NULL);
		if (fw->fds[i] == -ENOENT) {
			first = first ? first : fw_map_names[i];
			missing++;
			continue;
		}
		e->environment = true;
		if (fw->fds[i] < 0)
			return err_sys(e, fw->fds[i], "firewall: %s: cannot open the pin %s", fw->dir,
				       fw_map_names[i]);
		if (kind != XDPL_PIN_MAP)
			return err_set(e, -EINVAL, "firewall: %s: this pin is a %s, not a map", path,
				       kind == XDPL_PIN_PROG   ? "program"
				       : kind == XDPL_PIN_LINK ? "link"
							       : "BPF object of another kind");
		e->environment = false;
		err = bpf_obj_info(fw->fds[i], &info, sizeof(info));
		if (err)
			return err_sys(e, err, "firewall: %s: cannot read what %s is", path,
				       fw_map_names[i]);
		if (info.type != fw_map_shapes[i].type || info.key_size != fw_map_shapes[i].key_size ||
		    info.value_size != fw_map_shapes[i].value_size)
			return err_set(e, -EPROTO,
				       "firewall: %s is a %s map with %u-byte keys and %u-byte values; firewall layout %d needs a %s map with %u and %u",
				       path, obj_map_type_name(info.type), info.key_size, info.value_size,
				       FW_LAYOUT, obj_map_type_name(fw_map_shapes[i].type),
				       fw_map_shapes[i].key_size, fw_map_shapes[i].value_size);
		fw->map_ids[i] = info.id;
		fw->max_entries[i] = info.max_entries;
	}
	if (missing == FW_MAP_COUNT) {
		e->environment = true;
		return err_sys(e, -ENOENT, "firewall: no firewall state in %s", fw->dir);
	}
	if (fw->fds[FW_MAP_META] >= 0 && (err = fw_meta_read(fw, e)))
		return err;
	/* Another layout first: a state of the last one lacks the maps this one added. */
	if (fw->meta.layout != FW_LAYOUT && fw->meta.layout != 0)
		return err_set(e, -EPROTO,
			       "firewall: %s/fw_meta says layout %u; this xdpload reads layout %d",
			       fw->dir, fw->meta.layout, FW_LAYOUT);
	if (missing) {
		e->environment = true;
		if (fw->meta.layout)
			return err_set(e, -EUCLEAN,
				       "firewall: %s: the pinned map %s is gone from a state an attach had finished",
				       fw->dir, first);
		return err_set(e, -EAGAIN,
			       "firewall: %s: an attach did not finish: %d of the %d maps are not pinned (%s the first)",
			       fw->dir, missing, FW_MAP_COUNT, first);
	}
	cpus = xdpl_possible_cpus();
	if (cpus < 0) {
		e->environment = true;
		return err_sys(e, cpus, "firewall: cannot read /sys/devices/system/cpu/possible (is sysfs mounted?)");
	}
	fw->ncpus = (unsigned int)cpus;
	return 0;
}

int xdpl_fw_open(struct xdpl_fw **out, const char *dir, const struct xdpl_fw_open_opts *opts,
		 struct xdpl_error *e)
{
	static const int how[] = { [XDPL_FW_LOCK_SHARED] = LOCK_SH,
				   [XDPL_FW_LOCK_EXCLUSIVE] = LOCK_EX, [XDPL_FW_LOCK_NONE] = 0 };
	enum xdpl_fw_lock lock = OPT(opts, lock, XDPL_FW_LOCK_SHARED);
	struct xdpl_error ignored = { 0 };
	struct xdpl_fw *fw;
	int err;

	if (!e)
		e = &ignored;
	*out = NULL;
	if ((unsigned int)lock > XDPL_FW_LOCK_NONE)
		return err_set(e, -EINVAL, "firewall: lock %d is none of enum xdpl_fw_lock", lock);
	err = fw_state_new(&fw, dir, e);
	if (err)
		return err;
	err = fw_state_lock(fw, how[lock], false, e);
	if (!err)
		err = fw_state_maps(fw, e);
	if (!err && fw->meta.layout == 0) {
		e->environment = true;
		err = err_set(e, -EAGAIN,
			      "firewall: %s/fw_meta was never filled in (an attach did not finish)",
			      dir);
	}
	if (err) {
		xdpl_fw_close(fw);
		return err;
	}
	*out = fw;
	return 0;
}

void xdpl_fw_close(struct xdpl_fw *fw)
{
	if (!fw)
		return;
	for (int i = 0; i < FW_MAP_COUNT; i++)
		if (fw->fds[i] >= 0)
			close(fw->fds[i]);
	if (fw->dir_fd >= 0)
		close(fw->dir_fd); /* and so unlock */
	free(fw);
}

const char *xdpl_fw_path(const struct xdpl_fw *fw)
{
	return fw->dir;
}

/* Changes need the lock alone: two at once could hand out one rule id twice. */
int fw_change_check(const struct xdpl_fw *fw, struct xdpl_error *e)
{
	if (fw->lock == LOCK_EX)
		return 0;
	return err_set(e, -ENOLCK,
		       "firewall: %s: a change needs the state opened with XDPL_FW_LOCK_EXCLUSIVE",
		       fw->dir);
}

/* ---- settings ---- */

void fw_settings_of(const struct fw_meta *meta, struct xdpl_fw_settings *s)
{
	s->policy = meta->policy == FW_POLICY_ALLOW_ONLY ? XDPL_FW_POLICY_ALLOW_ONLY
							 : XDPL_FW_POLICY_DENY;
	s->malformed = meta->flags & FW_F_MALFORMED_DROP ? XDPL_FW_DROP : XDPL_FW_PASS;
	s->events_per_sec = meta->events_per_sec;
	s->services = meta->services == FW_SVC_ALLOW_ONLY ? XDPL_FW_SERVICES_ALLOW_ONLY
		      : meta->services == FW_SVC_BLOCK	   ? XDPL_FW_SERVICES_BLOCK
							   : XDPL_FW_SERVICES_NONE;
}

int xdpl_fw_settings(struct xdpl_fw *fw, struct xdpl_fw_settings *s, struct xdpl_error *e)
{
	int err = fw_meta_read(fw, e);

	if (!err)
		fw_settings_of(&fw->meta, s);
	return err;
}

unsigned int xdpl_fw_settings_differ(const struct xdpl_fw_settings *have,
				     const struct xdpl_fw_settings_opts *opts)
{
	enum xdpl_fw_policy policy = OPT(opts, policy, XDPL_FW_POLICY_UNSET);
	enum xdpl_fw_verdict malformed = OPT(opts, malformed, XDPL_FW_VERDICT_UNSET);
	unsigned int differ = 0;

	if (policy != XDPL_FW_POLICY_UNSET && policy != have->policy)
		differ |= XDPL_FW_SETTING_POLICY;
	if (malformed != XDPL_FW_VERDICT_UNSET && malformed != have->malformed)
		differ |= XDPL_FW_SETTING_MALFORMED;
	if (OPT(opts, events_rate_set, false) && opts->events_per_sec != have->events_per_sec)
		differ |= XDPL_FW_SETTING_EVENTS;
	return differ;
}

/* The options given, onto fw->meta (not yet written). */
static int settings_apply(struct xdpl_fw *fw, const struct xdpl_fw_settings_opts *opts,
			  struct xdpl_error *e)
{
	enum xdpl_fw_policy policy = OPT(opts, policy, XDPL_FW_POLICY_UNSET);
	enum xdpl_fw_verdict malformed = OPT(opts, malformed, XDPL_FW_VERDICT_UNSET);

	if ((unsigned int)policy > XDPL_FW_POLICY_ALLOW_ONLY ||
	    (unsigned int)malformed > XDPL_FW_DROP)
		return err_set(e, -EINVAL, "firewall: policy %d or malformed verdict %d is unknown",
			       policy, malformed);
	if (policy != XDPL_FW_POLICY_UNSET)
		fw->meta.policy = policy == XDPL_FW_POLICY_ALLOW_ONLY ? FW_POLICY_ALLOW_ONLY
								      : FW_POLICY_DENY;
	if (malformed != XDPL_FW_VERDICT_UNSET)
		fw->meta.flags = (fw->meta.flags & ~FW_F_MALFORMED_DROP) |
				 (malformed == XDPL_FW_DROP ? FW_F_MALFORMED_DROP : 0);
	if (OPT(opts, events_rate_set, false))
		fw->meta.events_per_sec = opts->events_per_sec;
	return 0;
}

int xdpl_fw_settings_set(struct xdpl_fw *fw, const struct xdpl_fw_settings_opts *opts,
			 struct xdpl_error *e)
{
	int err = fw_change_check(fw, e);

	if (!err)
		err = fw_meta_read(fw, e);
	if (!err)
		err = settings_apply(fw, opts, e);
	return err ? err : fw_meta_write(fw, e);
}

/* A new state's fw_meta: the layout, the defaults, then what opts gives. */
int fw_meta_init(struct xdpl_fw *fw, const struct xdpl_fw_settings_opts *opts,
		 struct xdpl_error *e)
{
	int err;

	if (fw->meta.layout)
		return 0;
	memset(&fw->meta, 0, sizeof(fw->meta));
	fw->meta.layout = FW_LAYOUT;
	fw->meta.policy = FW_POLICY_DENY;
	fw->meta.events_per_sec = FW_EVENTS_DEFAULT;
	fw->meta.next_rule = 1;
	fw->meta.flags = fw_prefix_flags(fw);
	err = settings_apply(fw, opts, e);
	if (!err)
		err = fw_meta_write(fw, e);
	if (err)
		fw->meta.layout = 0;
	else
		xdpl_log("firewall: %s: layout %d, policy %s, events %u/s per CPU", fw->dir,
			 FW_LAYOUT,
			 fw->meta.policy == FW_POLICY_ALLOW_ONLY ? "allow-only" : "deny",
			 fw->meta.events_per_sec);
	return err;
}

/* ---- events ---- */

/*
 * A ring buffer has one read position, so a second reader would take
 * events from the first.  A reader claims the ring with an open file
 * description lock (a read lock on byte 1 of the state directory): it goes
 * with the handle's directory fd, so with the handle or the process, and
 * it is independent of the flock.  The look and the claim are made under
 * the flock alone, so two readers starting together cannot both see none.
 */
int xdpl_fw_events_open(struct xdpl_fw *fw, struct xdpl_ring **ring, struct xdpl_error *e)
{
	struct flock claim = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 1, .l_len = 1 };
	struct flock other = claim;
	int err = 0;

	*ring = NULL;
	other.l_type = F_WRLCK;
	if (fw->lock != LOCK_EX && flock(fw->dir_fd, LOCK_EX) < 0)
		return err_sys(e, -errno, "firewall: cannot lock %s", fw->dir);
	if (fcntl(fw->dir_fd, F_OFD_GETLK, &other) < 0)
		err = err_sys(e, -errno, "firewall: %s: cannot tell who reads its events", fw->dir);
	else if (other.l_type != F_UNLCK)
		err = err_set(e, -EBUSY, "firewall: %s: another process reads its drop events", fw->dir);
	else if (fcntl(fw->dir_fd, F_OFD_SETLK, &claim) < 0)
		err = err_sys(e, -errno, "firewall: %s: cannot claim its events", fw->dir);
	if (fw->lock != LOCK_EX)
		flock(fw->dir_fd, fw->lock ? fw->lock : LOCK_UN);
	if (!err)
		err = xdpl_ring_open(ring, fw->fds[FW_MAP_EVENTS], e);
	if (err && err != -EBUSY) {
		claim.l_type = F_UNLCK;
		fcntl(fw->dir_fd, F_OFD_SETLK, &claim);
	}
	if (err == -EBUSY && e)
		e->environment = true;
	return err;
}
