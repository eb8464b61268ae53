// SPDX-License-Identifier: MIT
/*
 * fw_cli.c - the firewall on an interface, as an operator types it:
 *
 *   firewall attach IFACE [OBJ]   load the built-in firewall (or OBJ), its
 *                                 maps pinned in IFACE's state directory, attach
 *                                 (--upgrade: upgrade it if it is attached)
 *   firewall upgrade IFACE [OBJ]  swap the program atomically, maps kept
 *   firewall detach IFACE         take it off; --purge also drops the state
 *   firewall set IFACE            change the policy or options on purpose
 *
 * The state (rules, counters, policy) lives in the pinned maps, never in the
 * program, so a reload or an upgrade cannot lose or reinterpret it.  The
 * rules and what they catch are rules_cli.c's.  Part of the command line:
 * this file prints and chooses exit codes; the firewall section of the
 * library (fw/) does the work.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* PIN_BASE's state directory for iface. */
int fw_dir(const struct opts *o, const char *iface, char *dir, size_t len)
{
	struct xdpl_error e = { 0 };

	return xdpl_fw_dir(dir, len, o->pin_base, iface, &e) ? report(&e, EXIT_USAGE) : EXIT_OK;
}

double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * xdpload 0.2 kept a firewall's state in PIN_BASE/IFACE, where a
 * generic object's pin could take its name; it is PIN_BASE/fw-state/IFACE
 * now.  A state left at the old place is not used silently (its rules would
 * be lost to a new, empty one): the hint says how to move it.
 */
static bool legacy_hint(const struct opts *o, const char *iface, const char *dir)
{
	char old[4096], meta[4200];
	struct stat st;

	if ((size_t)snprintf(old, sizeof(old), "%s/%s", o->pin_base, iface) >= sizeof(old))
		return false;
	snprintf(meta, sizeof(meta), "%s/fw_meta", old);
	if (stat(meta, &st) < 0)
		return false;
	if (dir) /* the caller was about to start a new state there */
		fprintf(stderr, "xdpload: firewall: the state of %s is in %s, where an older xdpload kept it; attaching now would start an empty one in %s\n",
			iface, old, dir);
	fprintf(stderr, "xdpload: hint: move it where this xdpload looks: `mkdir -p %s/" XDPL_FW_STATE_DIR " && mv %s %s/" XDPL_FW_STATE_DIR "/`\n",
		o->pin_base, old, o->pin_base);
	return true;
}

/* Before a new state is made for iface: none may be left at the old place. */
static int legacy_check(const struct opts *o, const char *iface, const char *dir)
{
	char meta[4200];
	struct stat st;

	snprintf(meta, sizeof(meta), "%s/fw_meta", dir);
	return stat(meta, &st) < 0 && legacy_hint(o, iface, dir) ? EXIT_ENV : EXIT_OK;
}

/* A state that cannot be used: the library's words, then what to do about it. */
static int fw_state_report(struct xdpl_error *e, int err, const struct opts *o, const char *iface,
			   const char *dir)
{
	int code = report(e, EXIT_ENV);

	if (err == -EAGAIN)
		fprintf(stderr, "xdpload: hint: an attach of the firewall on %s did not finish: `xdpload firewall attach %s` completes it, `xdpload firewall detach %s --purge` removes it\n",
			iface, iface, iface);
	else if (err == -EUCLEAN)
		fprintf(stderr, "xdpload: hint: only `xdpload firewall detach %s --purge` (its rules go with it) and a new attach make the state of %s whole again\n",
			iface, iface);
	else if (err == -EINVAL && !e->errnum)
		fprintf(stderr, "xdpload: hint: %s holds a pin the firewall did not make; remove it, or the whole state with `xdpload firewall detach %s --purge`\n",
			dir, iface);
	else if (e->errnum == ENOENT && !legacy_hint(o, iface, NULL))
		fprintf(stderr, "xdpload: hint: no firewall was attached to %s with this --pin-maps; attach one with `xdpload firewall attach %s`\n",
			iface, iface);
	else if (!e->errnum)
		fprintf(stderr, "xdpload: hint: %s was made by another version of xdpload's firewall. Export its rules with the xdpload that made it (`xdpload rules --dev %s > rules.txt`), remove it with `xdpload firewall detach %s --purge`, attach again and `xdpload rules load rules.txt --dev %s`\n",
			dir, iface, iface, iface);
	return code == EXIT_OBJECT ? EXIT_ENV : code;
}

/* Open iface's firewall state; explain what to do when there is none or it is foreign. */
int fw_open_iface(struct xdpl_fw **fw, const struct opts *o, const char *iface,
		  enum xdpl_fw_lock lock)
{
	struct xdpl_fw_open_opts oo = { .sz = sizeof(oo), .lock = lock };
	struct xdpl_error e = { 0 };
	char dir[4096];
	int code = fw_dir(o, iface, dir, sizeof(dir)), err;

	*fw = NULL;
	if (code)
		return code;
	err = xdpl_fw_open(fw, dir, &oo, &e);
	return err ? fw_state_report(&e, err, o, iface, dir) : EXIT_OK;
}

static void settings_from_opts(const struct opts *o, struct xdpl_fw_settings_opts *s)
{
	memset(s, 0, sizeof(*s));
	s->sz = sizeof(*s);
	s->policy = o->policy;
	s->malformed = o->malformed;
	s->events_rate_set = o->events_rate >= 0;
	s->events_per_sec = s->events_rate_set ? (uint32_t)o->events_rate : 0;
}

static const char *verdict_word(enum xdpl_fw_verdict v)
{
	return v == XDPL_FW_DROP ? "drop" : "pass";
}

/* Options given on the command line that disagree with the stored settings. */
static int settings_conflict(const struct xdpl_fw_settings *have, const struct opts *o,
			     const char *dir, const char *iface)
{
	struct xdpl_fw_settings_opts want;
	const char *what, *stored;
	char wanted[32], had[32];
	unsigned int differ;

	settings_from_opts(o, &want);
	differ = xdpl_fw_settings_differ(have, &want);
	if (differ & XDPL_FW_SETTING_POLICY) {
		what = "--policy";
		stored = "policy";
		snprintf(wanted, sizeof(wanted), "%s", xdpl_fw_policy_name(o->policy));
		snprintf(had, sizeof(had), "%s", xdpl_fw_policy_name(have->policy));
	} else if (differ & XDPL_FW_SETTING_MALFORMED) {
		what = "--malformed";
		stored = "malformed-packet verdict";
		snprintf(wanted, sizeof(wanted), "%s", verdict_word(o->malformed));
		snprintf(had, sizeof(had), "%s", verdict_word(have->malformed));
	} else if (differ & XDPL_FW_SETTING_EVENTS) {
		what = "--events-rate";
		stored = "event rate";
		snprintf(wanted, sizeof(wanted), "%ld", o->events_rate);
		snprintf(had, sizeof(had), "%u", have->events_per_sec);
	} else {
		return EXIT_OK;
	}
	fprintf(stderr, "xdpload: firewall: %s keeps the %s %s with its rules; %s %s would change what they mean on a reload\n",
		dir, stored, had, what, wanted);
	fprintf(stderr, "xdpload: hint: to change it on purpose: `xdpload firewall set %s %s %s`\n",
		iface, what, wanted);
	return EXIT_USAGE;
}

/* A failed xdpl_fw_load(), before any attach: the state's fault, or the object's. */
static int fw_load_report(struct xdpl_error *e, int err, const struct xdpl_fw_result *res,
			  const struct opts *o, const char *iface, const char *dir)
{
	if (res->step == XDPL_FW_STEP_LOAD)
		return load_report(e);
	if (err == -EEXIST)
		return report(e, EXIT_USAGE);
	return fw_state_report(e, err, o, iface, dir);
}

/* run/attach --builtin: the built-in firewall loaded against iface's state, locked. */
int fw_load_builtin(struct xdpl_fw **fw, struct loaded *l, const struct opts *o,
		    const char *iface)
{
	struct xdpl_fw_load_opts lo = { .sz = sizeof(lo), .load = &o->load };
	struct xdpl_fw_result res = { .sz = sizeof(res) };
	struct xdpl_error e = { 0 };
	char dir[4096];
	int code, err;

	*fw = NULL;
	memset(l, 0, sizeof(*l));
	code = fw_dir(o, iface, dir, sizeof(dir));
	if (!code)
		code = legacy_check(o, iface, dir);
	if (!code)
		code = program_open(l, NULL, iface, o);
	if (code)
		return code;
	err = xdpl_fw_load(fw, dir, l->obj, &lo, &res, &e);
	if (err)
		return fw_load_report(&e, err, &res, o, iface, dir);
	l->id = xdpl_prog_id(l->prog);
	return EXIT_OK;
}

static int fw_upgrade(struct opts *o, const char *iface, const char *path);

/* attach --upgrade: whether iface runs this state's firewall already, and its settings. */
static bool fw_attached_already(const char *iface, const char *dir, struct xdpl_fw_settings *have)
{
	struct xdpl_fw_open_opts oo = { .sz = sizeof(oo), .lock = XDPL_FW_LOCK_SHARED };
	struct xdpl_fw *fw;
	int ifindex = xdpl_nl_ifindex(cli_nl(), iface, NULL);
	bool found;

	if (ifindex < 0 || xdpl_fw_open(&fw, dir, &oo, NULL))
		return false;
	found = xdpl_fw_prog_find(fw, cli_nl(), ifindex, NULL, NULL, NULL) == 0 &&
		xdpl_fw_settings(fw, have, NULL) == 0;
	xdpl_fw_close(fw);
	return found;
}

static int fw_attach(struct opts *o, const char *iface, const char *path)
{
	struct xdpl_fw_settings have;
	struct xdpl_fw_settings_opts settings;
	struct xdpl_fw_attach_opts at = { .sz = sizeof(at), .load = &o->load,
					  .settings = &settings, .mode = o->mode,
					  .replace = o->force };
	struct xdpl_fw_result res = { .sz = sizeof(res) };
	struct xdpl_error e = { 0 };
	struct loaded l;
	char dir[4096];
	int code = fw_dir(o, iface, dir, sizeof(dir)), err;

	if (code)
		return code;
	/* A boot unit's start, and its restart: never detach first, never a gap.
	 * Settings given must be the stored ones, as for any attach. */
	if (o->upgrade && fw_attached_already(iface, dir, &have)) {
		code = settings_conflict(&have, o, dir, iface);
		return code ? code : fw_upgrade(o, iface, path);
	}
	settings_from_opts(o, &settings);
	code = legacy_check(o, iface, dir);
	if (code)
		return code;
	code = program_open(&l, path, iface, o);
	if (!code)
		code = attach_mode_check(&l, iface, o);
	if (code)
		goto out;
	err = xdpl_fw_attach(cli_nl(), dir, l.ifindex, l.obj, l.prog, &at, &res, &e);
	if (err == -EEXIST && res.step == XDPL_FW_STEP_STATE) {
		/* The state keeps other settings: say which, and how to change them on purpose. */
		code = settings_conflict(&res.settings, o, dir, iface);
		goto out;
	}
	if (err) {
		code = res.step == XDPL_FW_STEP_ATTACH ? attach_report(&l, iface, err, &e)
						       : fw_load_report(&e, err, &res, o, iface, dir);
		goto out;
	}
	if (e.kernel[0])
		fprintf(stderr, "xdpload: kernel says: %s\n", e.kernel);
	l.id = res.prog_id;
	print_attached(&l, iface, res.mode);
	printf("firewall on %s: policy %s, malformed packets %s, events %u/s per CPU; rules and counters in %s\n",
	       iface, xdpl_fw_policy_name(res.settings.policy),
	       res.settings.malformed == XDPL_FW_DROP ? "dropped" : "passed",
	       res.settings.events_per_sec, dir);
out:
	loaded_close(&l, false); /* the library undid a failed attach itself */
	return code;
}

static int fw_detach(struct opts *o, const char *iface)
{
	struct xdpl_fw_detach_opts det = { .sz = sizeof(det), .purge = o->purge };
	struct xdpl_fw_result res = { .sz = sizeof(res) };
	struct xdpl_error e = { 0 };
	char dir[4096];
	int code = fw_dir(o, iface, dir, sizeof(dir)), ifindex, err;

	if (code)
		return code;
	ifindex = xdpl_nl_ifindex(cli_nl(), iface, NULL);
	err = xdpl_fw_detach(cli_nl(), dir, ifindex < 0 ? -1 : ifindex, &det, &res, &e);
	if (err && res.step == XDPL_FW_STEP_STATE && err == -ENOENT) {
		fprintf(stderr, "xdpload: firewall detach: no firewall state for %s in %s\n", iface, dir);
		legacy_hint(o, iface, NULL);
		return EXIT_ENV;
	}
	if (err && res.step == XDPL_FW_STEP_ATTACH) {
		if (e.errnum)
			snprintf(e.msg, sizeof(e.msg), "firewall detach: program %u from %s (%s mode): RTM_SETLINK refused",
				 res.prog_id, iface, xdpl_xdp_mode_name(res.mode));
		code = report(&e, EXIT_ATTACH);
		if (strstr(e.kernel, "link"))
			fprintf(stderr, "xdpload: hint: a bpf_link holds it (`xdpload run`); stop that process to detach\n");
		return code;
	}
	if (err)
		return report(&e, res.step == XDPL_FW_STEP_STATE ? EXIT_ENV : EXIT_ATTACH);
	if (ifindex < 0)
		printf("no interface %s in this network namespace: nothing to detach\n", iface);
	else if (res.prog_id)
		printf("detached the firewall (id %u) from %s (%s mode)\n", res.prog_id, iface,
		       xdpl_xdp_mode_name(res.mode));
	else if (res.old_prog_id)
		printf("%s runs XDP program %u, not the firewall of %s: left alone (`xdpload detach %s` removes it)\n",
		       iface, res.old_prog_id, dir, iface);
	else
		printf("no firewall attached to %s\n", iface);
	if (!o->purge)
		printf("rules and counters stay in %s for the next `xdpload firewall attach %s`; --purge removes them\n",
		       dir, iface);
	else if (res.dir_removed)
		printf("removed %s (%u pinned maps: rules, counters, settings)\n", dir, res.pins_removed);
	else
		printf("removed %u pinned maps from %s; it still holds other files\n", res.pins_removed,
		       dir);
	return EXIT_OK;
}

static int fw_upgrade(struct opts *o, const char *iface, const char *path)
{
	struct xdpl_fw_result res = { .sz = sizeof(res) };
	struct xdpl_error e = { 0 };
	struct loaded l;
	char dir[4096];
	int code = fw_dir(o, iface, dir, sizeof(dir)), err;

	if (code)
		return code;
	code = program_open(&l, path, iface, o);
	if (code)
		goto out;
	err = xdpl_fw_upgrade(cli_nl(), dir, l.ifindex, l.obj, l.prog, &o->load, &res, &e);
	if (!err) {
		printf("upgraded the firewall on %s: program %u -> %u (%s mode, via %s); rules and counters kept in %s\n",
		       iface, res.old_prog_id, res.prog_id, xdpl_xdp_mode_name(res.mode),
		       res.via_link ? "link" : "netlink", dir);
	} else if (res.step == XDPL_FW_STEP_STATE) {
		code = fw_state_report(&e, err, o, iface, dir);
	} else if (res.step == XDPL_FW_STEP_FIND && err == -ENOENT && !e.errnum) {
		fprintf(stderr, "xdpload: firewall upgrade: no firewall of %s is attached to %s; attach it with `xdpload firewall attach %s`\n",
			dir, iface, iface);
		code = EXIT_ATTACH;
	} else if (res.step == XDPL_FW_STEP_LOAD) {
		code = load_report(&e);
	} else if (res.step == XDPL_FW_STEP_ATTACH && err == -ENOENT && !e.errnum) {
		fprintf(stderr, "xdpload: firewall upgrade: %s: the firewall it replaces (program %u) was detached meanwhile; nothing was attached\n",
			iface, res.old_prog_id);
		code = EXIT_ATTACH;
	} else {
		if (e.errnum && res.step == XDPL_FW_STEP_ATTACH)
			snprintf(e.msg, sizeof(e.msg), "firewall upgrade: %s: %s refused", iface,
				 res.via_link ? "BPF_LINK_UPDATE" : "RTM_SETLINK");
		code = report(&e, EXIT_ATTACH);
	}
out:
	loaded_close(&l, false); /* the library undid a failed upgrade itself */
	return code;
}

static int fw_set(struct opts *o, const char *iface)
{
	struct xdpl_fw_settings_opts settings;
	struct xdpl_fw_settings now;
	struct xdpl_error e = { 0 };
	struct xdpl_fw *fw;
	int code;

	if (o->policy == XDPL_FW_POLICY_UNSET && o->malformed == XDPL_FW_VERDICT_UNSET &&
	    o->events_rate < 0) {
		fprintf(stderr, "xdpload: firewall set: give --policy, --malformed or --events-rate\n");
		return EXIT_USAGE;
	}
	code = fw_open_iface(&fw, o, iface, XDPL_FW_LOCK_EXCLUSIVE);
	if (code)
		return code;
	settings_from_opts(o, &settings);
	if (xdpl_fw_settings_set(fw, &settings, &e) || xdpl_fw_settings(fw, &now, &e))
		code = report(&e, EXIT_KERNEL);
	else
		printf("firewall on %s: policy %s, malformed packets %s, events %u/s per CPU\n", iface,
		       xdpl_fw_policy_name(now.policy),
		       now.malformed == XDPL_FW_DROP ? "dropped" : "passed", now.events_per_sec);
	xdpl_fw_close(fw);
	return code;
}

int cmd_firewall(struct opts *o)
{
	const char *sub = o->args[0], *iface = o->nargs > 1 ? o->args[1] : NULL;
	const char *path = o->nargs > 2 ? o->args[2] : NULL;
	bool takes_obj = !strcmp(sub, "attach") || !strcmp(sub, "upgrade");

	if (o->upgrade && strcmp(sub, "attach")) {
		fprintf(stderr, "xdpload: firewall %s: --upgrade is for firewall attach\n", sub);
		return EXIT_USAGE;
	}
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
