// SPDX-License-Identifier: MIT
/*
 * pin.c - maps pinned by name on a bpffs (libbpf's LIBBPF_PIN_BY_NAME):
 * where their pins go, making the directory for them (on a bpffs, or a
 * clear error saying how to mount one), reusing a pin only when the map in
 * it is the one the object describes, and removing the pins a failed load
 * made, so nothing is left behind.  The directory of a pin is the caller's
 * choice (--pin-maps); nothing here decides which maps to pin.
 * Nothing here prints.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

#define BPF_FS_MAGIC 0xcafe4a11

/*
 * What a pinned file holds.  The kernel names a BPF fd's file after its kind
 * ("anon_inode:bpf-map", "anon_inode:bpf-prog", "anon_inode:bpf_link"), and
 * /proc/self/fd shows that name: one readlink tells, whatever the kind.
 */
static int fd_kind(int fd, enum xdpl_pin_kind *kind)
{
	char link[64], target[64];
	ssize_t n;

	*kind = XDPL_PIN_OTHER;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	*kind = strstr(target, "bpf-map")    ? XDPL_PIN_MAP
		: strstr(target, "bpf-prog") ? XDPL_PIN_PROG
		: strstr(target, "bpf_link") || strstr(target, "bpf-link") ? XDPL_PIN_LINK
					     : XDPL_PIN_OTHER;
	return 0;
}

int xdpl_pin_open(const char *path, enum xdpl_pin_kind *kind, struct xdpl_error *e)
{
	int fd = bpf_obj_get(path), err;

	*kind = XDPL_PIN_OTHER;
	if (fd < 0) {
		if (e)
			e->environment = true;
		return err_sys(e, fd, "pin: cannot open the pin %s", path);
	}
	err = fd_kind(fd, kind);
	if (err) {
		close(fd);
		return err_sys(e, err, "pin: cannot tell what the pin %s holds (is /proc mounted?)",
			       path);
	}
	return fd;
}

int load_pin_path(char *buf, size_t len, const char *dir, const char *name, struct xdpl_error *e)
{
	e->environment = true;
	if (strchr(name, '/') || !*name)
		return err_set(e, -EINVAL, "load: map name %s cannot be a file name under %s", name, dir);
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return err_set(e, -ENAMETOOLONG, "load: pin path %s/%s is too long", dir, name);
	e->environment = false;
	return 0;
}

/*
 * The pin directory must be on bpffs; create it if it is missing, and its
 * parents too when `parents` allows (/sys/fs/bpf/xdpload/fw-state/IFACE for the
 * firewall).  `created` counts the levels made, so a failed load can remove
 * them again.
 */
int pin_dir_ready(const char *dir, int parents, unsigned int *created, struct xdpl_error *e)
{
	struct statfs fs;
	char parent[4096];
	char *slash;
	int err;

	if (statfs(dir, &fs) == 0) {
		if ((uint32_t)fs.f_type != BPF_FS_MAGIC)
			goto not_bpffs;
		return 0;
	}
	e->environment = true;
	if (errno != ENOENT)
		return err_sys(e, -errno, "load: pin directory %s", dir);
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (parents > 0 && statfs(parent, &fs) < 0 && errno == ENOENT) {
		err = pin_dir_ready(parent, parents - 1, created, e);
		if (err)
			return err;
	}
	if (statfs(parent, &fs) < 0 || (uint32_t)fs.f_type != BPF_FS_MAGIC)
		goto not_bpffs;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_sys(e, -errno, "load: cannot create pin directory %s", dir);
	e->environment = false;
	(*created)++;
	return 0;
not_bpffs:
	e->environment = true;
	return err_set(e, -ENOTDIR,
		       "load: %s is not on a bpf filesystem; mount one with `mount -t bpf bpf /sys/fs/bpf` or choose another --pin-maps",
		       dir);
}

/* Reuse a pinned map only if it is the map the object describes: -EEXIST naming each difference. */
int pin_reuse_check(const struct obj_map *m, const char *path, int fd, struct xdpl_error *e)
{
	struct bpf_map_info info;
	enum xdpl_pin_kind kind;
	char diff[400] = "";
	size_t n = 0;
	int err;

	/* A program's info read as a map's would be nonsense sizes: say what the pin is. */
	if (fd_kind(fd, &kind) == 0 && kind != XDPL_PIN_MAP) {
		e->environment = true;
		return err_set(e, -EEXIST, "load: map %s: the pin %s is a %s, not a map; remove it to start afresh",
			       m->name, path, kind == XDPL_PIN_PROG ? "program"
					      : kind == XDPL_PIN_LINK ? "link" : "BPF object of another kind");
	}
	err = bpf_obj_info(fd, &info, sizeof(info));

#define CHECK(field, label)                                                                  \
	if (info.field != m->field)                                                          \
		n += (size_t)snprintf(diff + n, n < sizeof(diff) ? sizeof(diff) - n : 0,     \
				      "%s" label " %u (pinned) != %u (object)", n ? ", " : "", \
				      info.field, m->field);
	if (err)
		return err_sys(e, err, "load: map %s: cannot read the pinned map at %s", m->name, path);
	CHECK(type, "type")
	CHECK(key_size, "key size")
	CHECK(value_size, "value size")
	CHECK(max_entries, "max entries")
#undef CHECK
	if (info.map_flags != m->flags)
		n += (size_t)snprintf(diff + n, n < sizeof(diff) ? sizeof(diff) - n : 0,
				      "%sflags 0x%x (pinned) != 0x%x (object)", n ? ", " : "",
				      info.map_flags, m->flags);
	if (info.map_extra != m->map_extra)
		n += (size_t)snprintf(diff + n, n < sizeof(diff) ? sizeof(diff) - n : 0,
				      "%smap_extra %llu (pinned) != %llu (object)", n ? ", " : "",
				      (unsigned long long)info.map_extra,
				      (unsigned long long)m->map_extra);
	if (n) {
		e->environment = true;
		return err_set(e, -EEXIST,
			       "load: map %s: the map pinned at %s does not match the object: %s; remove the pin to start afresh",
			       m->name, path, diff);
	}
	xdpl_log("load: map %s: reusing the map pinned at %s (id %u)", m->name, path, info.id);
	return 0;
}

/* After a failure, remove the pins this load made, so nothing is left behind. */
void load_unpin(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds)
{
	char path[4096];
	struct xdpl_error ignored;

	for (uint32_t i = 0; fds->map_pinned_here && i < fds->nmaps; i++) {
		if (!fds->map_pinned_here[i] ||
		    load_pin_path(path, sizeof(path), opts->pin_dir, obj->maps[i].name, &ignored))
			continue;
		if (unlink(path) == 0)
			xdpl_log("load: removed the pin %s made by this failed load", path);
		fds->map_pinned_here[i] = false;
	}
	if (fds->pin_dir_created && rmdir(opts->pin_dir) == 0)
		xdpl_log("load: removed the pin directory %s made by this failed load", opts->pin_dir);
	if (fds->pin_dir_created == 2) {
		char parent[4096];
		char *slash;

		snprintf(parent, sizeof(parent), "%s", opts->pin_dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			rmdir(parent);
		}
	}
	fds->pin_dir_created = 0;
}
