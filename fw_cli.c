// SPDX-License-Identifier: MIT
/*
 * fw_cli.c - the firewall's verbs: the control path an operator types.
 *
 *   firewall attach IFACE [OBJ]   load the built-in firewall (or OBJ), its
 *                                 maps pinned under PIN_BASE/IFACE, attach
 *   firewall upgrade IFACE [OBJ]  swap the program atomically, maps kept
 *   firewall detach IFACE         take it off; --purge also drops the state
 *   firewall set IFACE            change the policy or options on purpose
 *   block/allow/unblock CIDR...   one rule at a time (--dev IFACE)
 *   rules [load FILE]             list, or replace the whole set by its diff
 *   stats, events                 counters, and drop events as they happen
 *
 * The state (rules, counters, policy) lives in the pinned maps, never in the
 * program, so a reload or an upgrade cannot lose or reinterpret it.  Part of
 * the command line: this file prints; fw.c and rules.c do the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fw.h"

#define FW_EVENTS_DEFAULT 100 /* drop events per second and CPU */

extern const uint8_t xdpl_builtin_obj[], xdpl_builtin_obj_end[];

static const char *const policy_names[] = { "deny", "allow-only" };

static const char *policy_name(uint32_t policy)
{
	return policy <= FW_POLICY_ALLOW_ONLY ? policy_names[policy] : "?";
}

/* PIN_BASE/IFACE: where one interface's firewall keeps its state. */
static int fw_dir(const struct opts *o, const char *iface, char *dir, size_t len)
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

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Open IFACE's firewall state; explain what to do when there is none or it is foreign. */
static int fw_open_iface(struct fw *fw, const struct opts *o, const char *iface, bool lock)
{
	struct errbuf e = { 0 };
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
	if (fw->meta.layout == 0) {
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
	struct errbuf e = { 0 };
	struct fw fw;
	int err = fw_open(&fw, dir, true, &e);

	if (!err && fw.meta.layout == 0) {
		fw.meta.layout = FW_LAYOUT;
		fw.meta.policy = o->policy >= 0 ? (uint32_t)o->policy : FW_POLICY_DENY;
		fw.meta.flags = o->malformed == 1 ? FW_F_MALFORMED_DROP : 0;
		fw.meta.events_per_sec = o->events_rate >= 0 ? (uint32_t)o->events_rate
							     : FW_EVENTS_DEFAULT;
		fw.meta.next_rule = 1;
		err = fw_meta_write(&fw, &e);
		if (!err)
			xdpl_log("firewall: %s: layout %d, policy %s, events %u/s per CPU", dir,
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
	uint32_t ids[64];
	struct bpf_prog_info info;
	struct bpf_info_by_fd_attr attr;
	int fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, prog_id);
	bool found = false;

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = 64;
	info.map_ids = bpf_ptr(ids);
	memset(&attr, 0, sizeof(attr));
	attr.bpf_fd = (uint32_t)fd;
	attr.info_len = sizeof(info);
	attr.info = bpf_ptr(&info);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0)
		for (uint32_t i = 0; i < info.nr_map_ids && i < 64; i++)
			found |= ids[i] == map_id;
	close(fd);
	return found;
}

/* The mode in which IFACE runs the firewall of `fw`, or XDP_MODE_NONE. */
static int fw_attached_mode(const struct fw *fw, const struct xdp_state *st)
{
	for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++)
		if (st->mode_ids[m] && prog_uses_map(st->mode_ids[m], fw->map_ids[FW_MAP_META]))
			return m;
	return XDP_MODE_NONE;
}

/* The bpf_link holding prog_id on ifindex, as an fd, or -1 when netlink holds it. */
static int xdp_link_find(int ifindex, uint32_t prog_id)
{
	uint32_t id = 0;

	while (bpf_next_id(BPF_LINK_GET_NEXT_ID, id, &id) == 0) {
		struct bpf_link_info info;
		int fd = bpf_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);

		if (fd < 0)
			continue;
		if (bpf_obj_info(fd, &info, sizeof(info)) == 0 && info.type == BPF_LINK_TYPE_XDP &&
		    info.prog_id == prog_id && (int)info.xdp_ifindex == ifindex)
			return fd;
		close(fd);
	}
	return -1;
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
		code = fw_open_iface(&fw, o, iface, false);
		if (code)
			return code;
		code = fw_settings_conflict(&fw, o, iface);
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
	if (!code && (code = fw_open_iface(&fw, o, iface, false)) == EXIT_OK) {
		print_attached(&l, iface, lo.mode_flags);
		printf("firewall on %s: policy %s, malformed packets %s, events %u/s per CPU; rules and counters in %s\n",
		       iface, policy_name(fw.meta.policy),
		       fw.meta.flags & FW_F_MALFORMED_DROP ? "dropped" : "passed",
		       fw.meta.events_per_sec, dir);
		fw_close(&fw);
	}
	loaded_close(&l, &lo, code != EXIT_OK);
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

static int fw_detach(struct opts *o, const char *iface)
{
	struct errbuf e = { 0 };
	struct xdp_state st;
	struct fw fw;
	char dir[4096];
	int code, ifindex, mode;

	code = fw_open_iface(&fw, o, iface, true);
	if (code)
		return code;
	snprintf(dir, sizeof(dir), "%s", fw.dir);
	ifindex = (int)if_nametoindex(iface);
	if (!ifindex) {
		printf("no interface %s in this network namespace: nothing to detach\n", iface);
	} else if (nl_xdp_get(ifindex, &st, &e)) {
		fw_close(&fw);
		return report(&e, EXIT_ATTACH);
	} else if ((mode = fw_attached_mode(&fw, &st)) == XDP_MODE_NONE) {
		if (st.attached)
			printf("%s runs XDP program %u, not the firewall of %s: left alone (`xdpload detach %s` removes it)\n",
			       iface, st.prog_id ? st.prog_id : st.mode_ids[XDP_MODE_NATIVE], dir, iface);
		else
			printf("no firewall attached to %s\n", iface);
	} else if (nl_xdp_set(ifindex, -1, mode_flag(mode), -1, &e)) {
		snprintf(e.msg, sizeof(e.msg), "firewall detach: program %u from %s (%s mode): RTM_SETLINK refused",
			 st.mode_ids[mode], iface, mode_name(mode));
		fw_close(&fw);
		code = report(&e, EXIT_ATTACH);
		if (strstr(e.kernel, "link"))
			fprintf(stderr, "xdpload: hint: a bpf_link holds it (`xdpload run`); stop that process to detach\n");
		return code;
	} else {
		printf("detached the firewall (id %u) from %s (%s mode)\n", st.mode_ids[mode], iface,
		       mode_name(mode));
	}
	fw_close(&fw);
	if (o->purge)
		fw_purge(dir);
	else
		printf("rules and counters stay in %s for the next `xdpload firewall attach %s`; --purge removes them\n",
		       dir, iface);
	return EXIT_OK;
}

static int fw_upgrade(struct opts *o, const char *iface, const char *path)
{
	struct errbuf e = { 0 };
	struct opts lo = *o;
	struct xdp_state st;
	struct loaded l;
	struct fw fw;
	char dir[4096];
	int code, ifindex, mode, old_fd = -1, link_fd = -1, err;
	uint32_t old_id;

	code = fw_open_iface(&fw, o, iface, false);
	if (code)
		return code;
	snprintf(dir, sizeof(dir), "%s", fw.dir);
	ifindex = iface_index(iface, &e);
	if (ifindex < 0) {
		fw_close(&fw);
		return report(&e, EXIT_ENV);
	}
	if (nl_xdp_get(ifindex, &st, &e)) {
		fw_close(&fw);
		return report(&e, EXIT_ATTACH);
	}
	mode = fw_attached_mode(&fw, &st);
	fw_close(&fw);
	if (mode == XDP_MODE_NONE) {
		fprintf(stderr, "xdpload: firewall upgrade: no firewall of %s is attached to %s; attach it with `xdpload firewall attach %s`\n",
			dir, iface, iface);
		return EXIT_ATTACH;
	}
	old_id = st.mode_ids[mode];
	lo.load.pin_dir = dir;
	code = load_program(&l, path, iface, &lo);
	if (code)
		goto out;
	old_fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, old_id);
	link_fd = xdp_link_find(ifindex, old_id);
	/* The kernel swaps only if the old program is still there: never a gap, never a race. */
	if (link_fd >= 0) {
		xdpl_log("upgrade: BPF_LINK_UPDATE: prog %u -> fd %d", old_id, l.fds.prog_fd);
		err = bpf_link_update(link_fd, l.fds.prog_fd, old_fd);
		if (err)
			err_sys(&e, err, "firewall upgrade: %s: BPF_LINK_UPDATE refused", iface);
	} else {
		xdpl_log("upgrade: RTM_SETLINK IFLA_XDP with XDP_FLAGS_REPLACE: prog %u -> fd %d",
			 old_id, l.fds.prog_fd);
		err = nl_xdp_set(ifindex, l.fds.prog_fd, mode_flag(mode) | XDP_FLAGS_REPLACE, old_fd, &e);
		if (err)
			snprintf(e.msg, sizeof(e.msg), "firewall upgrade: %s: RTM_SETLINK refused", iface);
	}
	if (err) {
		code = report(&e, EXIT_ATTACH);
		goto out;
	}
	printf("upgraded the firewall on %s: program %u -> %u (%s mode, via %s); rules and counters kept in %s\n",
	       iface, old_id, l.info.id, mode_name(mode), link_fd >= 0 ? "link" : "netlink", dir);
out:
	if (old_fd >= 0)
		close(old_fd);
	if (link_fd >= 0)
		close(link_fd);
	loaded_close(&l, &lo, code != EXIT_OK);
	return code;
}

static int fw_set(struct opts *o, const char *iface)
{
	struct errbuf e = { 0 };
	struct fw fw;
	int code;

	if (o->policy < 0 && o->malformed < 0 && o->events_rate < 0) {
		fprintf(stderr, "xdpload: firewall set: give --policy, --malformed or --events-rate\n");
		return EXIT_USAGE;
	}
	code = fw_open_iface(&fw, o, iface, true);
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

/* ---- rules ---- */

static int need_dev(const struct opts *o, const char *verb)
{
	if (o->dev)
		return EXIT_OK;
	fprintf(stderr, "xdpload: %s: which interface's firewall? give --dev IFACE\n", verb);
	return EXIT_USAGE;
}

/* The command line's CIDRs, parsed and checked before anything changes. */
static int rules_from_args(const struct opts *o, const char *verb, struct fw_rules *set)
{
	memset(set, 0, sizeof(*set));
	for (int i = 0; i < o->nargs; i++) {
		struct fw_rule r;
		char why[160];

		if (fw_rule_parse(o->args[i], &r, why, sizeof(why))) {
			fprintf(stderr, "xdpload: %s: %s: %s\n", verb, o->args[i], why);
			fw_rules_free(set);
			return EXIT_USAGE;
		}
		if (fw_rules_push(set, &r)) {
			fw_rules_free(set);
			return EXIT_ENV;
		}
	}
	fw_rules_sort(set);
	for (size_t i = 1; i < set->n; i++) {
		if (!fw_rule_cmp(&set->v[i - 1], &set->v[i])) {
			char text[FW_CIDR_MAX];

			fw_rule_format(&set->v[i], text, sizeof(text));
			fprintf(stderr, "xdpload: %s: %s is given twice\n", verb, text);
			fw_rules_free(set);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/* block and allow add rules; unblock removes them.  All or nothing. */
static int rules_change_args(struct opts *o, const char *verb, int policy, bool add)
{
	struct fw_rules set, none = { 0 };
	struct errbuf e = { 0 };
	struct fw fw;
	int code = need_dev(o, verb);

	if (code || (code = rules_from_args(o, verb, &set)))
		return code;
	code = fw_open_iface(&fw, o, o->dev, true);
	if (code)
		goto out;
	if (policy >= 0 && fw.meta.policy != (uint32_t)policy) {
		fprintf(stderr, "xdpload: %s: the firewall on %s is %s: its rules are the sources it %s; use `xdpload %s`\n",
			verb, o->dev, policy_name(fw.meta.policy),
			fw.meta.policy == FW_POLICY_DENY ? "drops" : "lets in",
			fw.meta.policy == FW_POLICY_DENY ? "block" : "allow");
		code = EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < set.n; i++) {
		char text[FW_CIDR_MAX];
		uint32_t id;
		int found = fw_rule_find(&fw, &set.v[i], &id) == 0;

		fw_rule_format(&set.v[i], text, sizeof(text));
		if (add && found && fw_rule_is_exact(&set.v[i])) {
			fprintf(stderr, "xdpload: %s: %s is already a rule on %s (rule %u); nothing changed\n",
				verb, text, o->dev, id);
			code = EXIT_USAGE;
			goto out;
		}
		if (!add && !found) {
			fprintf(stderr, "xdpload: %s: %s is not a rule on %s; nothing changed\n", verb,
				text, o->dev);
			code = EXIT_USAGE;
			goto out;
		}
		set.v[i].id = id;
	}
	if (fw_rules_apply(&fw, add ? &set : &none, add ? &none : &set, &e)) {
		code = report(&e, e.errnum == EEXIST || e.errnum == ENOENT ? EXIT_USAGE : EXIT_KERNEL);
		if (e.errnum == EEXIST || e.errnum == ENOENT)
			fprintf(stderr, "xdpload: %s: nothing changed\n", verb);
		goto out;
	}
	for (size_t i = 0; i < set.n; i++) {
		char text[FW_CIDR_MAX];

		fw_rule_format(&set.v[i], text, sizeof(text));
		printf("%s %s on %s (rule %u)\n", add ? (policy == FW_POLICY_DENY ? "blocked" : "allowed")
					       : "unblocked", text, o->dev, set.v[i].id);
	}
out:
	fw_close(&fw);
	fw_rules_free(&set);
	return code;
}

int cmd_block(struct opts *o)
{
	return rules_change_args(o, "block", FW_POLICY_DENY, true);
}

int cmd_allow(struct opts *o)
{
	return rules_change_args(o, "allow", FW_POLICY_ALLOW_ONLY, true);
}

int cmd_unblock(struct opts *o)
{
	return rules_change_args(o, "unblock", -1, false);
}

static int file_read(const char *path, char **buf, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t cap = 1 << 16;
	ssize_t n;

	*len = 0;
	*buf = NULL;
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!*buf || *len == cap) {
			char *p = realloc(*buf, *buf ? cap *= 2 : cap);

			if (!p) {
				n = -ENOMEM;
				break;
			}
			*buf = p;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			n = n < 0 ? -errno : 0;
			break;
		}
		*len += (size_t)n;
	}
	if (fd > 0)
		close(fd);
	if (n < 0) {
		free(*buf);
		*buf = NULL;
	}
	return (int)n;
}

static int rules_load(struct opts *o, const char *path)
{
	struct fw_rules want = { 0 }, have = { 0 }, add = { 0 }, del = { 0 };
	struct errbuf e = { 0 };
	struct timespec t0;
	struct fw fw;
	size_t len, kept = 0;
	char *buf;
	int code = EXIT_OK, err;

	memset(&fw, 0, sizeof(fw));
	memset(fw.fds, 0xff, sizeof(fw.fds));
	fw.dir_fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = file_read(path, &buf, &len);
	if (err) {
		err_sys(&e, err, "rules: cannot read %s", path);
		e.environment = true;
		return report(&e, EXIT_ENV);
	}
	err = fw_rules_parse_text(strcmp(path, "-") ? path : "stdin", buf, len, &want, &e);
	free(buf);
	if (err)
		return report(&e, EXIT_USAGE);
	code = fw_open_iface(&fw, o, o->dev, true);
	if (code)
		goto out;
	if (fw_rules_read(&fw, &have, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	if (fw_rules_diff(&have, &want, &add, &del, &kept)) {
		fprintf(stderr, "xdpload: rules: out of memory\n");
		code = EXIT_ENV;
		goto out;
	}
	if (!o->dry_run && fw_rules_apply(&fw, &add, &del, &e)) {
		code = report(&e, EXIT_KERNEL);
		fprintf(stderr, "xdpload: rules: nothing changed on %s\n", o->dev);
		goto out;
	}
	printf("rules %s on %s: %zu rules: %zu kept, %zu %sadded, %zu %sremoved (%.3f s)\n", path,
	       o->dev, want.n, kept, add.n, o->dry_run ? "to be " : "", del.n,
	       o->dry_run ? "to be " : "", seconds_since(&t0));
	if (o->dry_run)
		printf("dry run: nothing changed\n");
out:
	fw_close(&fw);
	fw_rules_free(&want);
	fw_rules_free(&have);
	fw_rules_free(&add);
	fw_rules_free(&del);
	return code;
}

/* Display order: by address, IPv4 first; a prefix just before the addresses in it. */
static int rule_display_cmp(const void *a, const void *b)
{
	const struct fw_rule *x = a, *y = b;
	int c = x->family != y->family ? x->family - y->family
					: memcmp(x->addr, y->addr, sizeof(x->addr));

	return c ? c : x->prefixlen - y->prefixlen;
}

/*
 * The rule list: "CIDR  # rule N: P packets, B bytes" per line, so the list
 * saved to a file is itself a rules file `rules load` takes back.
 */
static int rules_list(struct opts *o)
{
	struct fw_rules have = { 0 };
	struct errbuf e = { 0 };
	struct fw_hit *hits = NULL;
	struct fw fw;
	size_t nhits = 0;
	int code = fw_open_iface(&fw, o, o->dev, false);

	if (code)
		return code;
	if (fw_rules_read(&fw, &have, &e) || fw_hits_read(&fw, &hits, &nhits, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	fw_rules_sort_by(&have, rule_display_cmp);
	if (o->json) {
		printf("{\"dev\":");
		json_string(o->dev);
		printf(",\"policy\":\"%s\",\"rules\":[", policy_name(fw.meta.policy));
	} else {
		printf("# %zu rules on %s, policy %s\n", have.n, o->dev, policy_name(fw.meta.policy));
	}
	for (size_t i = 0; i < have.n; i++) {
		const struct fw_hit *h = fw_hit_find(hits, nhits, have.v[i].id);
		struct fw_counter c = h ? h->total : (struct fw_counter){ 0, 0 };
		char text[FW_CIDR_MAX];

		fw_rule_format(&have.v[i], text, sizeof(text));
		if (o->json)
			printf("%s{\"cidr\":\"%s\",\"rule\":%u,\"packets\":%llu,\"bytes\":%llu}",
			       i ? "," : "", text, have.v[i].id, (unsigned long long)c.packets,
			       (unsigned long long)c.bytes);
		else
			printf("%-42s # rule %u: %llu packets, %llu bytes\n", text, have.v[i].id,
			       (unsigned long long)c.packets, (unsigned long long)c.bytes);
	}
	if (o->json)
		printf("]}\n");
out:
	free(hits);
	fw_rules_free(&have);
	fw_close(&fw);
	return code;
}

int cmd_rules(struct opts *o)
{
	int code = need_dev(o, "rules");

	if (code)
		return code;
	if (o->nargs == 0)
		return rules_list(o);
	if (!strcmp(o->args[0], "load") && o->nargs == 2)
		return rules_load(o, o->args[1]);
	fprintf(stderr, "xdpload: usage: xdpload rules --dev IFACE [-j], xdpload rules load FILE --dev IFACE [--dry-run]\n");
	return EXIT_USAGE;
}

/* ---- counters and events ---- */

int cmd_stats(struct opts *o)
{
	static const char *const names[FW_STAT_COUNT] = {
		"pass", "drop", "malformed", "events_sent", "events_rate_limited",
		"events_lost", "hits_not_counted",
	};
	struct fw_counter stats[FW_STAT_COUNT];
	struct fw_rules have = { 0 };
	struct errbuf e = { 0 };
	struct fw fw;
	int code = need_dev(o, "stats");

	if (code || (code = fw_open_iface(&fw, o, o->dev, false)))
		return code;
	if (fw_stats_read(&fw, stats, &e) || fw_rules_read(&fw, &have, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	if (o->json) {
		printf("{\"dev\":");
		json_string(o->dev);
		printf(",\"policy\":\"%s\",\"malformed_verdict\":\"%s\",\"events_per_sec\":%u,\"rules\":%zu",
		       policy_name(fw.meta.policy),
		       fw.meta.flags & FW_F_MALFORMED_DROP ? "drop" : "pass", fw.meta.events_per_sec,
		       have.n);
		for (int i = 0; i < FW_STAT_COUNT; i++)
			printf(",\"%s\":{\"packets\":%llu,\"bytes\":%llu}", names[i],
			       (unsigned long long)stats[i].packets, (unsigned long long)stats[i].bytes);
		printf("}\n");
	} else {
		printf("firewall on %s: policy %s, %zu rules, malformed packets %s, events %u/s per CPU\n",
		       o->dev, policy_name(fw.meta.policy), have.n,
		       fw.meta.flags & FW_F_MALFORMED_DROP ? "dropped" : "passed",
		       fw.meta.events_per_sec);
		printf("%-20s %14s %16s\n", "COUNTER", "PACKETS", "BYTES");
		for (int i = 0; i < FW_STAT_COUNT; i++)
			printf("%-20s %14llu %16llu\n", names[i], (unsigned long long)stats[i].packets,
			       (unsigned long long)stats[i].bytes);
	}
out:
	fw_rules_free(&have);
	fw_close(&fw);
	return code;
}

static volatile sig_atomic_t events_stop;

static void events_signal(int sig)
{
	(void)sig;
	events_stop = 1;
}

struct events_print {
	bool json;
	int64_t realtime_offset; /* ns to add to CLOCK_MONOTONIC_COARSE for the wall clock */
};

static void event_print(const struct fw_event *ev, void *ctx)
{
	const struct events_print *p = ctx;
	int64_t ns = (int64_t)ev->time_ns + p->realtime_offset;
	time_t secs = (time_t)(ns / 1000000000);
	struct fw_rule src = { .family = ev->family == 6 ? 6 : 4 };
	char when[32], addr[FW_CIDR_MAX];
	struct tm tm;

	src.prefixlen = src.family == 4 ? 32 : 128;
	memcpy(src.addr, ev->src, sizeof(src.addr));
	fw_rule_format(&src, addr, sizeof(addr));
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (p->json)
		printf("{\"time\":\"%s.%03dZ\",\"action\":\"drop\",\"src\":\"%s\",\"rule\":%u,\"len\":%u,\"ifindex\":%u}\n",
		       when, (int)(ns / 1000000 % 1000), addr, ev->rule, ev->len, ev->ifindex);
	else
		printf("%s.%03dZ drop %-39s rule %-8u %5u bytes  ifindex %u\n", when,
		       (int)(ns / 1000000 % 1000), addr, ev->rule, ev->len, ev->ifindex);
}

int cmd_events(struct opts *o)
{
	struct events_print p = { o->json, 0 };
	struct fw_counter before[FW_STAT_COUNT], after[FW_STAT_COUNT];
	struct sigaction sa;
	struct timespec real, mono, t0;
	struct errbuf e = { 0 };
	struct fw_ring ring;
	struct fw fw;
	size_t shown = 0;
	int code = need_dev(o, "events");

	if (code || (code = fw_open_iface(&fw, o, o->dev, false)))
		return code;
	if (fw_stats_read(&fw, before, &e) ||
	    fw_ring_open(&ring, fw.fds[FW_MAP_EVENTS], fw.max_entries[FW_MAP_EVENTS], &e)) {
		fw_close(&fw);
		return report(&e, EXIT_KERNEL);
	}
	/* Like tail -f: from now on; what nobody read before is history. */
	__atomic_store_n(ring.consumer, __atomic_load_n(ring.producer, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	if (!fw.meta.events_per_sec)
		fprintf(stderr, "xdpload: events: the firewall on %s sends no events (rate 0); `xdpload firewall set %s --events-rate N` turns them on\n",
			o->dev, o->dev);
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &mono);
	p.realtime_offset = ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000 +
			    (real.tv_nsec - mono.tv_nsec);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = events_signal; /* no SA_RESTART: poll() returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!events_stop) {
		size_t max = o->count >= 0 ? (size_t)o->count - shown : (size_t)-1;

		shown += fw_ring_drain(&ring, event_print, &p, max);
		fflush(stdout);
		if ((o->count >= 0 && shown >= (size_t)o->count) ||
		    (o->duration >= 0 && seconds_since(&t0) >= (double)o->duration))
			break;
		if (fw_ring_wait(&ring, 200) == -EINTR)
			break;
	}
	if (fw_stats_read(&fw, after, &e) == 0)
		fprintf(stderr, "xdpload: events: %zu shown; meanwhile the firewall sent %llu, held back %llu over the rate, lost %llu to a full ring\n",
			shown,
			(unsigned long long)(after[FW_STAT_EVENT_SENT].packets - before[FW_STAT_EVENT_SENT].packets),
			(unsigned long long)(after[FW_STAT_EVENT_LIMITED].packets - before[FW_STAT_EVENT_LIMITED].packets),
			(unsigned long long)(after[FW_STAT_EVENT_LOST].packets - before[FW_STAT_EVENT_LOST].packets));
	fw_ring_close(&ring);
	fw_close(&fw);
	return EXIT_OK;
}
