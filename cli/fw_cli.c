// SPDX-License-Identifier: MIT
/*
 * fw_cli.c - the firewall on an interface, as an operator types it:
 *
 *   firewall attach IFACE [OBJ]   load the built-in firewall (or OBJ), its
 *                                 maps pinned under PIN_BASE/IFACE, attach
 *   firewall upgrade IFACE [OBJ]  swap the program atomically, maps kept
 *   firewall detach IFACE         take it off; --purge also drops the state
 *   firewall set IFACE            change the policy or options on purpose
 *
 * The state (rules, counters, policy) lives in the pinned maps, never in the
 * program, so a reload or an upgrade cannot lose or reinterpret it.  The
 * rules and what they catch are rules_cli.c's.  Part of the command line:
 * this file prints; fw.c does the work.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The firewall's control plane (fw/), until it has a public API of its own. */
#include "fw/fw.h"
#include "cli/cli.h"

#define FW_EVENTS_DEFAULT 100 /* drop events per second and CPU */

static const char *const policy_names[] = { "deny", "allow-only" };

const char *policy_name(uint32_t policy)
{
	return policy <= FW_POLICY_ALLOW_ONLY ? policy_names[policy] : "?";
}

/* PIN_BASE/IFACE: where one interface's firewall keeps its state. */
int fw_dir(const struct opts *o, const char *iface, char *dir, size_t len)
{
	if (!iface || !iface[0] || strchr(iface, '/') || strlen(iface) >= IF_NAMESIZE ||
	    !strcmp(iface, ".") || !strcmp(iface, "..")) {
		fprintf(stderr, "xdpload: firewall: %s is not an interface name\n", iface ? iface : "\"\"");
		return EXIT_USAGE;
	}
	if ((size_t)snprintf(dir, len, "%s/%s", o->pin_base, iface) >= len) {
		fprintf(stderr, "xdpload: firewall: %s/%s is too long\n", o->pin_base, iface);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * Open IFACE's firewall state; explain what to do when there is none or it
 * is foreign.  lock: 0, LOCK_SH (reading), LOCK_EX (changing).  A state an
 * attach left unfinished (fw_meta never filled in) is refused unless `fresh`.
 */
int fw_open_iface(struct fw *fw, const struct opts *o, const char *iface, int lock, bool fresh)
{
	struct xdpl_error e = { 0 };
	char dir[4096];
	int code;

	memset(fw, 0, sizeof(*fw));
	memset(fw->fds, 0xff, sizeof(fw->fds));
	fw->dir_fd = -1;
	code = fw_dir(o, iface, dir, sizeof(dir));
	if (code)
		return code;
	if (fw_open(fw, dir, lock, &e)) {
		int err = e.errnum;

		fw_close(fw);
		code = report(&e, EXIT_ENV);
		if (err == ENOENT)
			fprintf(stderr, "xdpload: hint: no firewall was attached to %s with this --pin-maps; attach one with `xdpload firewall attach %s`\n",
				iface, iface);
		else if (!err)
			fprintf(stderr, "xdpload: hint: %s was made by another version of xdpload's firewall. Export its rules with the xdpload that made it (`xdpload rules --dev %s > rules.txt`), remove it with `xdpload firewall detach %s --purge`, attach again and `xdpload rules load rules.txt --dev %s`\n",
				dir, iface, iface, iface);
		return code == EXIT_OBJECT ? EXIT_ENV : code;
	}
	if (fw->meta.layout == 0 && !fresh) {
		fprintf(stderr, "xdpload: firewall: %s/fw_meta was never filled in (an attach did not finish); run `xdpload firewall attach %s` again\n",
			dir, iface);
		fw_close(fw);
		return EXIT_ENV;
	}
	return EXIT_OK;
}

/* Options given on the command line that disagree with the stored settings. */
static int fw_settings_conflict(const struct fw *fw, const struct opts *o, const char *iface)
{
	const char *what = NULL, *stored = NULL;
	char want[32], have[32];

	if (o->policy >= 0 && (uint32_t)o->policy != fw->meta.policy) {
		what = "--policy";
		stored = "policy";
		snprintf(want, sizeof(want), "%s", policy_name((uint32_t)o->policy));
		snprintf(have, sizeof(have), "%s", policy_name(fw->meta.policy));
	} else if (o->malformed >= 0 && o->malformed != !!(fw->meta.flags & FW_F_MALFORMED_DROP)) {
		what = "--malformed";
		stored = "malformed-packet verdict";
		snprintf(want, sizeof(want), "%s", o->malformed ? "drop" : "pass");
		snprintf(have, sizeof(have), "%s", o->malformed ? "pass" : "drop");
	} else if (o->events_rate >= 0 && (uint32_t)o->events_rate != fw->meta.events_per_sec) {
		what = "--events-rate";
		stored = "event rate";
		snprintf(want, sizeof(want), "%ld", o->events_rate);
		snprintf(have, sizeof(have), "%u", fw->meta.events_per_sec);
	}
	if (!what)
		return EXIT_OK;
	fprintf(stderr, "xdpload: firewall: %s keeps the %s %s with its rules; %s %s would change what they mean on a reload\n",
		fw->dir, stored, have, what, want);
	fprintf(stderr, "xdpload: hint: to change it on purpose: `xdpload firewall set %s %s %s`\n",
		iface, what, want);
	return EXIT_USAGE;
}

/* A fresh firewall's settings: from the options, or the defaults. */
int fw_meta_ready(const char *dir, const struct opts *o)
{
	struct xdpl_error e = { 0 };
	struct fw fw;
	int err = fw_open(&fw, dir, LOCK_EX, &e);

	if (!err && fw.meta.layout == 0) {
		fw.meta.layout = FW_LAYOUT;
		fw.meta.policy = o->policy >= 0 ? (uint32_t)o->policy : FW_POLICY_DENY;
		fw.meta.flags = o->malformed == 1 ? FW_F_MALFORMED_DROP : 0;
		fw.meta.events_per_sec = o->events_rate >= 0 ? (uint32_t)o->events_rate
							     : FW_EVENTS_DEFAULT;
		fw.meta.next_rule = 1;
		err = fw_meta_write(&fw, &e);
		if (!err)
			cli_log("firewall: %s: layout %d, policy %s, events %u/s per CPU", dir,
				 FW_LAYOUT, policy_name(fw.meta.policy), fw.meta.events_per_sec);
	}
	fw_close(&fw);
	return err ? report(&e, EXIT_ENV) : EXIT_OK;
}

/* run/attach --builtin: the firewall's maps go where the firewall verbs look. */
int fw_builtin_prepare(struct opts *o, const char *iface, char *dir, size_t len)
{
	int code = fw_dir(o, iface, dir, len);

	if (!code)
		o->load.pin_dir = dir;
	return code;
}

/* Whether program prog_id uses the map map_id: is it the firewall of this state? */
static bool prog_uses_map(uint32_t prog_id, uint32_t map_id)
{
	struct xdpl_prog_info pi;

	if (xdpl_prog_info_by_id(prog_id, &pi, NULL))
		return false;
	for (uint32_t i = 0; i < pi.nr_map_ids && i < 64; i++)
		if (pi.map_ids[i] == map_id)
			return true;
	return false;
}

static int fw_attach(struct opts *o, const char *iface, const char *path)
{
	struct opts lo = *o;
	struct loaded l;
	struct fw fw;
	struct stat st;
	char dir[4096], meta[4200];
	int code = fw_dir(o, iface, dir, sizeof(dir));

	if (code)
		return code;
	/* Existing state: it must be readable, and the options must not flip its meaning. */
	snprintf(meta, sizeof(meta), "%s/fw_meta", dir);
	if (stat(meta, &st) == 0) {
		code = fw_open_iface(&fw, o, iface, 0, true);
		if (code)
			return code;
		/* Settings an unfinished attach never wrote cannot conflict. */
		code = fw.meta.layout ? fw_settings_conflict(&fw, o, iface) : EXIT_OK;
		fw_close(&fw);
		if (code)
			return code;
	}
	lo.load.pin_dir = dir;
	code = load_program(&l, path, iface, &lo);
	if (!code)
		code = fw_meta_ready(dir, &lo);
	if (!code)
		code = attach_netlink(&l, iface, &lo);
	if (!code && (code = fw_open_iface(&fw, o, iface, 0, false)) == EXIT_OK) {
		print_attached(&l, iface, lo.mode);
		printf("firewall on %s: policy %s, malformed packets %s, events %u/s per CPU; rules and counters in %s\n",
		       iface, policy_name(fw.meta.policy),
		       fw.meta.flags & FW_F_MALFORMED_DROP ? "dropped" : "passed",
		       fw.meta.events_per_sec, dir);
		fw_close(&fw);
	}
	loaded_close(&l, code != EXIT_OK);
	return code;
}

static void fw_purge(const char *dir)
{
	char path[4200];
	int removed = 0;

	for (int i = 0; i < FW_MAP_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, fw_map_names[i]);
		removed += unlink(path) == 0;
	}
	if (rmdir(dir) == 0)
		printf("removed %s (%d pinned maps: rules, counters, settings)\n", dir, removed);
	else if (errno != ENOENT)
		printf("removed %d pinned maps from %s; it still holds other files\n", removed, dir);
}

/*
 * The id of the fw_meta map pinned in dir: all detach needs to know its
 * program.  Read leniently, so that a state of another layout, or one an
 * attach left unfinished, can still be detached and purged.
 */
static int fw_meta_map_id(const char *dir, uint32_t *id)
{
	struct xdpl_map_info info;
	char path[4200];
	int fd, err;

	snprintf(path, sizeof(path), "%s/fw_meta", dir);
	fd = xdpl_map_open_pinned(path, NULL);
	if (fd < 0)
		return fd;
	err = xdpl_map_info(fd, &info, NULL);
	close(fd);
	*id = info.id;
	return err;
}

/* The mode in which IFACE runs a program using map_id, or XDPL_XDP_AUTO. */
static enum xdpl_xdp_mode attached_mode_using(const struct xdpl_xdp_info *info, uint32_t map_id)
{
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++)
		if (info->prog_id[m] && prog_uses_map(info->prog_id[m], map_id))
			return (enum xdpl_xdp_mode)m;
	return XDPL_XDP_AUTO;
}

/* The program an interface runs, in the first mode that has one, or 0. */
static uint32_t first_prog(const struct xdpl_xdp_info *info)
{
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++)
		if (info->prog_id[m])
			return info->prog_id[m];
	return 0;
}

static int fw_detach(struct opts *o, const char *iface)
{
	struct xdpl_error e = { 0 };
	struct xdpl_xdp_info info;
	enum xdpl_xdp_mode mode;
	struct stat sb;
	char dir[4096];
	uint32_t meta_id = 0;
	int code, ifindex;

	code = fw_dir(o, iface, dir, sizeof(dir));
	if (code)
		return code;
	if (stat(dir, &sb) < 0) {
		fprintf(stderr, "xdpload: firewall detach: no firewall state for %s in %s\n", iface, dir);
		return EXIT_ENV;
	}
	fw_meta_map_id(dir, &meta_id);
	ifindex = xdpl_nl_ifindex(cli_nl(), iface, NULL);
	if (ifindex < 0) {
		printf("no interface %s in this network namespace: nothing to detach\n", iface);
	} else if (xdpl_xdp_query(cli_nl(), ifindex, &info, &e)) {
		return report(&e, EXIT_ATTACH);
	} else if (!meta_id || (mode = attached_mode_using(&info, meta_id)) == XDPL_XDP_AUTO) {
		if (first_prog(&info))
			printf("%s runs XDP program %u, not the firewall of %s: left alone (`xdpload detach %s` removes it)\n",
			       iface, first_prog(&info), dir, iface);
		else
			printf("no firewall attached to %s\n", iface);
	} else {
		/* Only if it is still our program: the library names it to the kernel. */
		struct xdpl_xdp_detach_opts det = { .sz = sizeof(det),
						    .expected_prog_id = info.prog_id[mode] };

		if (xdpl_xdp_detach(cli_nl(), ifindex, &det, &e)) {
			if (e.errnum)
				snprintf(e.msg, sizeof(e.msg), "firewall detach: program %u from %s (%s mode): RTM_SETLINK refused",
					 info.prog_id[mode], iface, xdpl_xdp_mode_name(mode));
			code = report(&e, EXIT_ATTACH);
			if (strstr(e.kernel, "link"))
				fprintf(stderr, "xdpload: hint: a bpf_link holds it (`xdpload run`); stop that process to detach\n");
			return code;
		}
		printf("detached the firewall (id %u) from %s (%s mode)\n", info.prog_id[mode], iface,
		       xdpl_xdp_mode_name(mode));
	}
	if (o->purge)
		fw_purge(dir);
	else
		printf("rules and counters stay in %s for the next `xdpload firewall attach %s`; --purge removes them\n",
		       dir, iface);
	return EXIT_OK;
}

static int fw_upgrade(struct opts *o, const char *iface, const char *path)
{
	struct xdpl_error e = { 0 };
	struct opts lo = *o;
	struct xdpl_xdp_info info;
	enum xdpl_xdp_mode mode;
	struct loaded l;
	struct fw fw;
	char dir[4096];
	int code, ifindex, link_fd = -1, err;
	uint32_t old_id;

	code = fw_open_iface(&fw, o, iface, 0, false);
	if (code)
		return code;
	snprintf(dir, sizeof(dir), "%s", fw.dir);
	ifindex = iface_index(iface, &e);
	if (ifindex < 0) {
		fw_close(&fw);
		return report(&e, EXIT_ENV);
	}
	if (xdpl_xdp_query(cli_nl(), ifindex, &info, &e)) {
		fw_close(&fw);
		return report(&e, EXIT_ATTACH);
	}
	mode = attached_mode_using(&info, fw.map_ids[FW_MAP_META]);
	fw_close(&fw);
	if (mode == XDPL_XDP_AUTO) {
		fprintf(stderr, "xdpload: firewall upgrade: no firewall of %s is attached to %s; attach it with `xdpload firewall attach %s`\n",
			dir, iface, iface);
		return EXIT_ATTACH;
	}
	old_id = info.prog_id[mode];
	lo.load.pin_dir = dir;
	code = load_program(&l, path, iface, &lo);
	if (code)
		goto out;
	/* The kernel swaps only if the old program is still there: never a gap, never a race. */
	link_fd = xdpl_xdp_link_find(ifindex, old_id, NULL);
	if (link_fd >= 0) {
		err = xdpl_link_update(link_fd, xdpl_prog_fd(l.prog), old_id, &e);
		if (err && e.errnum)
			snprintf(e.msg, sizeof(e.msg), "firewall upgrade: %s: BPF_LINK_UPDATE refused", iface);
	} else {
		struct xdpl_xdp_attach_opts at = { .sz = sizeof(at), .expected_prog_id = old_id };

		err = xdpl_xdp_attach(cli_nl(), ifindex, xdpl_prog_fd(l.prog), &at, &e);
		if (err && e.errnum)
			snprintf(e.msg, sizeof(e.msg), "firewall upgrade: %s: RTM_SETLINK refused", iface);
	}
	if (err == -ENOENT && !e.errnum) {
		fprintf(stderr, "xdpload: firewall upgrade: %s: the firewall it replaces (program %u) was detached meanwhile; nothing was attached\n",
			iface, old_id);
		code = EXIT_ATTACH;
		goto out;
	}
	if (err) {
		code = report(&e, EXIT_ATTACH);
		goto out;
	}
	printf("upgraded the firewall on %s: program %u -> %u (%s mode, via %s); rules and counters kept in %s\n",
	       iface, old_id, l.id, xdpl_xdp_mode_name(mode), link_fd >= 0 ? "link" : "netlink", dir);
out:
	if (link_fd >= 0)
		close(link_fd);
	loaded_close(&l, code != EXIT_OK);
	return code;
}

static int fw_set(struct opts *o, const char *iface)
{
	struct xdpl_error e = { 0 };
	struct fw fw;
	int code;

	if (o->policy < 0 && o->malformed < 0 && o->events_rate < 0) {
		fprintf(stderr, "xdpload: firewall set: give --policy, --malformed or --events-rate\n");
		return EXIT_USAGE;
	}
	code = fw_open_iface(&fw, o, iface, LOCK_EX, false);
	if (code)
		return code;
	if (o->policy >= 0)
		fw.meta.policy = (uint32_t)o->policy;
	if (o->malformed >= 0)
		fw.meta.flags = (fw.meta.flags & ~FW_F_MALFORMED_DROP) |
				(o->malformed ? FW_F_MALFORMED_DROP : 0);
	if (o->events_rate >= 0)
		fw.meta.events_per_sec = (uint32_t)o->events_rate;
	if (fw_meta_write(&fw, &e))
		code = report(&e, EXIT_KERNEL);
	else
		printf("firewall on %s: policy %s, malformed packets %s, events %u/s per CPU\n", iface,
		       policy_name(fw.meta.policy),
		       fw.meta.flags & FW_F_MALFORMED_DROP ? "dropped" : "passed",
		       fw.meta.events_per_sec);
	fw_close(&fw);
	return code;
}

int cmd_firewall(struct opts *o)
{
	const char *sub = o->args[0], *iface = o->nargs > 1 ? o->args[1] : NULL;
	const char *path = o->nargs > 2 ? o->args[2] : NULL;
	bool takes_obj = !strcmp(sub, "attach") || !strcmp(sub, "upgrade");

	if (!iface || (o->nargs > 2 && !takes_obj)) {
		fprintf(stderr, "xdpload: usage: xdpload firewall attach|upgrade IFACE [OBJ], firewall detach|set IFACE\n");
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "attach"))
		return fw_attach(o, iface, path);
	if (!strcmp(sub, "upgrade"))
		return fw_upgrade(o, iface, path);
	if (!strcmp(sub, "detach"))
		return fw_detach(o, iface);
	if (!strcmp(sub, "set"))
		return fw_set(o, iface);
	fprintf(stderr, "xdpload: firewall: unknown command %s; expected attach, upgrade, detach or set\n",
		sub);
	return EXIT_USAGE;
}
