// SPDX-License-Identifier: MIT
/*
 * loader.c - the xdpload command line, and the story of one load:
 *
 *   open + validate the object (elf.c, object.c) -> apply --set -> pick the
 *   program -> find the interface -> load BTF, maps, the program (load.c) ->
 *   attach with rtnetlink (netlink.c) or a bpf_link -> report.
 *
 * It holds main, the options and the load every verb shares; report.c the
 * error report and the -v log; attach.c run, attach and detach; testrun.c
 * `test`; show.c the verbs that only look; fw_cli.c and rules_cli.c the
 * firewall's, metrics.c and watch.c its metrics and `rules load --watch`.
 * These are the only files that print or exit (cli.h).  Every
 * other step returns -errno with an explanation in struct xdpl_error.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* The run's one rtnetlink handle, opened on first use and closed as main returns. */
static struct xdpl_nl *nl_handle;

struct xdpl_nl *cli_nl(void)
{
	struct xdpl_error e = { 0 };

	if (!nl_handle && xdpl_nl_open(&nl_handle, &e)) {
		report(&e, EXIT_ENV);
		exit(EXIT_ENV);
	}
	return nl_handle;
}

/* Name and tag of a loaded program; "?" when we may not look (not root). */
void prog_info_by_id(uint32_t id, struct xdpl_prog_info *info)
{
	if (xdpl_prog_info_by_id(id, info, NULL))
		snprintf(info->name, sizeof(info->name), "?");
}

int iface_index(const char *name, struct xdpl_error *e)
{
	int idx;

	if (strlen(name) >= IF_NAMESIZE)
		return err_set(e, -ENODEV, "attach: interface name %s is longer than %d characters",
			       name, IF_NAMESIZE - 1);
	idx = xdpl_nl_ifindex(cli_nl(), name, e);
	if (idx < 0)
		return err_sys(e, idx, "attach: no interface %s in this network namespace", name);
	return idx;
}

/* How messages name an object: its path, or the firewall built into xdpload. */
const char *obj_display_name(const char *path)
{
	return path ? path : "the built-in firewall";
}

/* --map-size NAME=N: the map's max_entries, before the load. */
static int map_size_apply(struct xdpl_obj *obj, const char *path, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct xdpl_map *m;
	char name[256], *end;
	unsigned long n;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		fprintf(stderr, "xdpload: --map-size %s: expected NAME=N\n", arg);
		return EXIT_USAGE;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	errno = 0;
	n = strtoul(eq + 1, &end, 0);
	if (errno || end == eq + 1 || *end || n == 0 || n > UINT32_MAX || eq[1] == '-') {
		fprintf(stderr, "xdpload: --map-size %s: expected a number of entries from 1 to %u\n",
			arg, UINT32_MAX);
		return EXIT_USAGE;
	}
	m = xdpl_obj_map_find(obj, name);
	if (!m) {
		fprintf(stderr, "xdpload: --map-size %s: %s has no map named %s\n", arg,
			obj_display_name(path), name);
		return EXIT_USAGE;
	}
	xdpl_map_set_max_entries(m, (uint32_t)n);
	cli_log("map %s: max_entries %lu (--map-size)", name, n);
	return EXIT_OK;
}

/* Open and describe the object (NULL: the built-in one), then apply every --set and --map-size. */
int obj_open_with_sets(struct xdpl_obj **obj, const char *path, const struct opts *o)
{
	struct xdpl_error e = { 0 };
	struct xdpl_open_opts open = { .sz = sizeof(open), .name = obj_display_name(path) };
	size_t size;
	const void *builtin = path ? NULL : xdpl_fw_builtin(&size);
	int err = path ? xdpl_obj_open(obj, path, NULL, &e)
		       : xdpl_obj_open_mem(obj, builtin, size, &open, &e);

	if (err)
		return report(&e, EXIT_OBJECT);
	for (int i = 0; i < o->nsets; i++) {
		char name[256];
		const char *eq = strchr(o->sets[i], '=');

		if (!eq || eq == o->sets[i] || (size_t)(eq - o->sets[i]) >= sizeof(name)) {
			fprintf(stderr, "xdpload: --set %s: expected NAME=VALUE\n", o->sets[i]);
			xdpl_obj_close(*obj);
			*obj = NULL;
			return EXIT_USAGE;
		}
		memcpy(name, o->sets[i], (size_t)(eq - o->sets[i]));
		name[eq - o->sets[i]] = '\0';
		if (xdpl_obj_set_global(*obj, name, eq + 1, &e)) {
			xdpl_obj_close(*obj);
			*obj = NULL;
			return report(&e, EXIT_USAGE);
		}
	}
	for (int i = 0; i < o->nmap_sizes; i++) {
		int code = map_size_apply(*obj, path, o->map_sizes[i]);

		if (code) {
			xdpl_obj_close(*obj);
			*obj = NULL;
			return code;
		}
	}
	return EXIT_OK;
}

/* An XDP program an interface can run: not one for devmap or cpumap entries. */
static bool prog_for_iface(const struct xdpl_prog *p)
{
	return xdpl_prog_type(p) == BPF_PROG_TYPE_XDP && !xdpl_prog_expected_attach_type(p);
}

/* " a b" (XDP programs for an interface), or " a (sec), b (sec)" (all programs). */
static void list_programs(const struct xdpl_obj *obj, bool xdp_only)
{
	struct xdpl_prog *p;

	for (size_t i = 0, n = 0; (p = xdpl_obj_prog(obj, i)); i++) {
		if (!xdp_only)
			fprintf(stderr, "%s %s (%s)", n++ ? "," : "", text(xdpl_prog_name(p)),
				text(xdpl_prog_section(p)));
		else if (prog_for_iface(p))
			fprintf(stderr, " %s", text(xdpl_prog_name(p)));
	}
}

/* The program to load: --prog, or the object's only XDP program for an interface. */
static struct xdpl_prog *prog_choose(const struct xdpl_obj *obj, const char *path,
				     const char *want, bool for_iface, int *code)
{
	struct xdpl_prog *p = NULL, *q;
	uint32_t n = 0;

	*code = EXIT_OBJECT;
	if (want) {
		p = xdpl_obj_prog_find(obj, want);
		if (!p) {
			fprintf(stderr, "xdpload: %s has no program or section named %s; it has:",
				path, want);
			for (size_t i = 0; (q = xdpl_obj_prog(obj, i)); i++)
				fprintf(stderr, " %s (%s)", text(xdpl_prog_name(q)), text(xdpl_prog_section(q)));
			fputc('\n', stderr);
			*code = EXIT_USAGE;
			return NULL;
		}
		if (xdpl_prog_type(p) != BPF_PROG_TYPE_XDP) {
			fprintf(stderr,
				"xdpload: %s: program %s (section %s) is %s %s program, not XDP; this verb takes XDP programs (xdpload load takes any)\n",
				path, text(xdpl_prog_name(p)), text(xdpl_prog_section(p)),
				xdpl_prog_type(p) ? "a" : "not a", xdpl_prog_type(p) ? xdpl_prog_type_name(p) : "known");
			return NULL;
		}
		if (xdpl_prog_expected_attach_type(p) && for_iface) {
			fprintf(stderr,
				"xdpload: %s: program %s (section %s) runs on %s entries and cannot attach to an interface\n",
				path, text(xdpl_prog_name(p)), text(xdpl_prog_section(p)),
				xdpl_prog_expected_attach_type(p) == BPF_XDP_DEVMAP ? "devmap" : "cpumap");
			return NULL;
		}
		return p;
	}
	for (size_t i = 0; (q = xdpl_obj_prog(obj, i)); i++) {
		if (prog_for_iface(q)) {
			p = q;
			n++;
		}
	}
	if (n == 1)
		return p;
	if (n == 0) {
		fprintf(stderr, "xdpload: %s: no XDP program (no function in a section whose name starts with \"xdp\")",
			path);
		if (xdpl_obj_prog_count(obj)) {
			fprintf(stderr, "; found");
			list_programs(obj, false);
		}
		fputc('\n', stderr);
		return NULL;
	}
	fprintf(stderr, "xdpload: %s holds %u XDP programs:", path, n);
	list_programs(obj, true);
	fprintf(stderr, "; choose one with --prog NAME\n");
	*code = EXIT_USAGE;
	return NULL;
}

/* After a failure, pins made by this load go too: nothing is left behind. */
void loaded_close(struct loaded *l, bool failed)
{
	if (failed && l->obj)
		xdpl_obj_unpin(l->obj);
	xdpl_obj_close(l->obj);
	memset(l, 0, sizeof(*l));
}

/* The object opened and described, --set applied, its program chosen: all but the load. */
int program_open(struct loaded *l, const char *path, const char *iface, const struct opts *o)
{
	struct xdpl_error e = { 0 };
	struct xdpl_prog *p;
	int code;

	memset(l, 0, sizeof(*l));
	code = obj_open_with_sets(&l->obj, path, o);
	if (code)
		return code;
	l->prog = prog_choose(l->obj, obj_display_name(path), o->prog, iface != NULL, &code);
	if (!l->prog)
		return code;
	if (iface) {
		l->ifindex = iface_index(iface, &e);
		if (l->ifindex < 0)
			return report(&e, EXIT_ENV);
	}
	cli_log("object %s: program %s (section %s)%s%s", obj_display_name(path),
		xdpl_prog_name(l->prog), xdpl_prog_section(l->prog), iface ? ", interface " : "",
		iface ? iface : "");
	/*
	 * Only the chosen program, and the programs of its kind its prog arrays
	 * hold from the start (its tail calls; not those in '?' sections): the
	 * object's others may be of kinds these verbs do not run.
	 */
	for (size_t i = 0; (p = xdpl_obj_prog(l->obj, i)); i++)
		xdpl_prog_set_autoload(p, p == l->prog ||
					      (xdpl_prog_autoload(p) && xdpl_prog_tail_call_target(p) &&
					       xdpl_prog_type(p) == xdpl_prog_type(l->prog)));
	return EXIT_OK;
}

/* A load's failure: one we found ourselves is in the object, one the kernel found the kernel's. */
int load_report(struct xdpl_error *e)
{
	return report(e, e->errnum ? EXIT_KERNEL : EXIT_OBJECT);
}

int load_program(struct loaded *l, const char *path, const char *iface, const struct opts *o)
{
	struct xdpl_error e = { 0 };
	int code = program_open(l, path, iface, o);

	if (code)
		return code;
	if (xdpl_obj_load(l->obj, &o->load, &e))
		return load_report(&e);
	l->id = xdpl_prog_id(l->prog);
	return EXIT_OK;
}

/* ---- the command line ---- */

/* One bit per option; 64 of them, as a verb's options are a uint64_t. */
#define OPT_PROG (UINT64_C(1) << 0)
#define OPT_MODE (UINT64_C(1) << 1)
#define OPT_FORCE (UINT64_C(1) << 2)
#define OPT_DURATION (UINT64_C(1) << 3)
#define OPT_JSON (UINT64_C(1) << 4)
#define OPT_SET (UINT64_C(1) << 5)
#define OPT_PIN_MAPS (UINT64_C(1) << 6)
#define OPT_PIN (UINT64_C(1) << 7)
#define OPT_UNPIN (UINT64_C(1) << 8)
#define OPT_PACKET (UINT64_C(1) << 9)
#define OPT_REPEAT (UINT64_C(1) << 10)
#define OPT_DEV (UINT64_C(1) << 11)
#define OPT_POLICY (UINT64_C(1) << 12)
#define OPT_MALFORMED (UINT64_C(1) << 13)
#define OPT_EVENTS_RATE (UINT64_C(1) << 14)
#define OPT_DRY_RUN (UINT64_C(1) << 15)
#define OPT_PURGE (UINT64_C(1) << 16)
#define OPT_COUNT (UINT64_C(1) << 17)
#define OPT_BUILTIN (UINT64_C(1) << 18)
#define OPT_BTF (UINT64_C(1) << 19)
#define OPT_CORE (UINT64_C(1) << 20)
#define OPT_KCONFIG (UINT64_C(1) << 21)
#define OPT_PIN_DIR (UINT64_C(1) << 22)
#define OPT_MAP_SIZE (UINT64_C(1) << 23)
#define OPT_FORMAT (UINT64_C(1) << 24)
#define OPT_TEXTFILE (UINT64_C(1) << 25)
#define OPT_TOP (UINT64_C(1) << 26)
#define OPT_INTERVAL (UINT64_C(1) << 27)
#define OPT_WATCH (UINT64_C(1) << 28)
#define OPT_UPGRADE (UINT64_C(1) << 29)

#define MANY (1 << 20) /* arguments a verb like block takes at most */
#define OPTS_FW_STATE (OPT_DEV | OPT_PIN_MAPS)

#define OPTS_LOAD (OPT_PROG | OPT_SET | OPT_PIN_MAPS | OPT_BTF | OPT_KCONFIG | OPT_MAP_SIZE)

struct verb {
	const char *name;
	int (*fn)(struct opts *o);
	int min_args, max_args;
	uint64_t options;
	const char *args;
	const char *help;
};

static const struct verb verbs[] = {
	{ "run", cmd_run, 0, 2, OPTS_LOAD | OPT_MODE | OPT_FORCE | OPT_DURATION | OPT_BUILTIN,
	  "[OBJ] [IFACE]",
	  "load, attach with a bpf_link, detach on SIGINT/SIGTERM/--duration (OBJ: the built-in firewall, IFACE: eth0)" },
	{ "attach", cmd_attach, 2, 2, OPTS_LOAD | OPT_MODE | OPT_FORCE | OPT_PIN | OPT_BUILTIN,
	  "OBJ IFACE", "load and attach over rtnetlink; stays attached after exit" },
	{ "detach", cmd_detach, 1, 1, OPT_MODE | OPT_UNPIN | OPT_PIN_MAPS, "IFACE",
	  "remove the XDP program from IFACE" },
	{ "status", cmd_status, 0, 1, OPT_JSON, "[IFACE]",
	  "list interfaces with XDP: mode, program id, name, tag, link or netlink" },
	{ "inspect", cmd_inspect, 1, 1, OPT_JSON | OPT_SET | OPT_BUILTIN | OPT_CORE | OPT_BTF, "OBJ",
	  "describe an object: programs, maps, BTF, globals (no kernel needed)" },
	{ "test", cmd_test, 1, 1, OPTS_LOAD | OPT_PACKET | OPT_REPEAT | OPT_JSON | OPT_BUILTIN | OPT_DEV,
	  "OBJ",
	  "load and run once on a packet (BPF_PROG_TEST_RUN): verdict, time, globals" },
	{ "load", cmd_load, 1, 1, OPTS_LOAD | OPT_PIN_DIR | OPT_JSON, "OBJ",
	  "load every program and map of any type, attach nothing (--pin-dir keeps them): id, name, type, tag" },
	{ "map", cmd_map, 2, 2, OPT_JSON, "dump PIN_PATH", "print every entry of a pinned map" },
	{ "gen", cmd_gen, 2, 3, 0, "skeleton OBJ [NAME]",
	  "print NAME.skel.h: a C header embedding OBJ, with typed programs, maps and globals" },
	{ "firewall", cmd_firewall, 2, 3,
	  OPT_PROG | OPT_MODE | OPT_FORCE | OPT_PIN_MAPS | OPT_POLICY | OPT_MALFORMED |
		  OPT_EVENTS_RATE | OPT_PURGE | OPT_UPGRADE,
	  "attach|upgrade|detach|set IFACE [OBJ]",
	  "the firewall (built in, or OBJ): attach, upgrade with no gap, detach (--purge: drop its rules), set" },
	{ "block", cmd_block, 1, MANY, OPTS_FW_STATE, "CIDR...",
	  "drop packets from these sources on --dev IFACE (a deny firewall)" },
	{ "allow", cmd_allow, 1, MANY, OPTS_FW_STATE, "CIDR...",
	  "let these sources in on --dev IFACE (an allow-only firewall)" },
	{ "unblock", cmd_unblock, 1, MANY, OPTS_FW_STATE, "CIDR...", "remove these rules from --dev IFACE" },
	{ "rules", cmd_rules, 0, 2, OPTS_FW_STATE | OPT_JSON | OPT_DRY_RUN | OPT_FORCE | OPT_WATCH,
	  "[load FILE]",
	  "list --dev IFACE's rules and hits, or make them a file's (only the difference changes)" },
	{ "stats", cmd_stats, 0, 0,
	  OPTS_FW_STATE | OPT_JSON | OPT_FORMAT | OPT_TEXTFILE | OPT_TOP | OPT_INTERVAL, "",
	  "the firewall's counters on --dev IFACE: pass, drop, malformed, events (or Prometheus metrics)" },
	{ "events", cmd_events, 0, 0, OPTS_FW_STATE | OPT_JSON | OPT_COUNT | OPT_DURATION, "",
	  "print drop events on --dev IFACE as they happen, until Ctrl-C" },
};

static const struct {
	const char *name;
	uint64_t bit;
	const char *arg, *help;
} options[] = {
	{ "--prog", OPT_PROG, "NAME", "program (function or section name) to load (load: each one given)" },
	{ "--mode", OPT_MODE, "MODE", "skb, native or hw (default: the kernel chooses)" },
	{ "--force", OPT_FORCE, NULL, "replace a program already attached (rules load: accept an empty file)" },
	{ "--duration", OPT_DURATION, "SECONDS", "run: detach after SECONDS" },
	{ "--set", OPT_SET, "NAME=VALUE", "set a global variable (const volatile) before load" },
	{ "--pin-maps", OPT_PIN_MAPS, "DIR", "where maps pinned by name live (/sys/fs/bpf/xdpload)" },
	{ "--kconfig", OPT_KCONFIG, "FILE", "__kconfig externs from FILE (gzip or not), not the running kernel's config" },
	{ "--pin-dir", OPT_PIN_DIR, "DIR", "load: pin every program and map in DIR, named after it" },
	{ "--map-size", OPT_MAP_SIZE, "NAME=N", "give map NAME N entries (max_entries) before load" },
	{ "--pin", OPT_PIN, "PATH", "attach: pin the program at PATH on bpffs" },
	{ "--unpin", OPT_UNPIN, NULL, "detach: also remove the program's pins under --pin-maps" },
	{ "--packet", OPT_PACKET, "HEX|FILE", "test: the packet (default: 64-byte IPv4 UDP)" },
	{ "--repeat", OPT_REPEAT, "N", "test: run N times, report the mean time" },
	{ "--builtin", OPT_BUILTIN, NULL, "use the firewall built into xdpload instead of OBJ" },
	{ "--dev", OPT_DEV, "IFACE", "the interface whose firewall rules, counters or events (test: run against its state)" },
	{ "--policy", OPT_POLICY, "POLICY", "deny (default: drop listed sources) or allow-only" },
	{ "--malformed", OPT_MALFORMED, "pass|drop", "verdict for truncated or malformed packets (pass)" },
	{ "--events-rate", OPT_EVENTS_RATE, "N", "drop events per second and CPU (100; 0: none)" },
	{ "--dry-run", OPT_DRY_RUN, NULL, "rules load: say what would change, change nothing" },
	{ "--purge", OPT_PURGE, NULL, "firewall detach: also remove the rules and counters" },
	{ "--count", OPT_COUNT, "N", "events: stop after N events" },
	{ "--btf", OPT_BTF, "FILE", "CO-RE: relocate against FILE's types (raw BTF or an ELF with .BTF), not the kernel's" },
	{ "--core", OPT_CORE, NULL, "inspect: show each CO-RE relocation and what it resolves to" },
	{ "--format", OPT_FORMAT, "FORMAT", "stats: text, json (as -j) or prometheus (the exposition format)" },
	{ "--textfile", OPT_TEXTFILE, "DIR", "stats: Prometheus metrics into DIR/xdpload_IFACE.prom (node_exporter), atomically" },
	{ "--top", OPT_TOP, "N", "stats, Prometheus: also the hits of the N rules that matched most (at most 1000)" },
	{ "--interval", OPT_INTERVAL, "SECONDS", "stats --textfile: write it again every SECONDS until SIGTERM" },
	{ "--watch", OPT_WATCH, NULL, "rules load: stay, and apply FILE again when it changes (SIGHUP: now)" },
	{ "--upgrade", OPT_UPGRADE, NULL, "firewall attach: a firewall of this state already attached is upgraded in place" },
	{ "-j", OPT_JSON, NULL, "print JSON" },
};

static void usage(FILE *f, const struct verb *only)
{
	fprintf(f, "usage: xdpload VERB [ARGS] [OPTIONS]\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char head[64];

		if (only && only != &verbs[i])
			continue;
		snprintf(head, sizeof(head), "%s %s", verbs[i].name, verbs[i].args);
		if (strlen(head) > 22)
			fprintf(f, "  %s\n  %-22s %s\n", head, "", verbs[i].help);
		else
			fprintf(f, "  %-22s %s\n", head, verbs[i].help);
	}
	fprintf(f, "\noptions:\n");
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		char head[40];

		if (only && !(only->options & options[i].bit))
			continue;
		snprintf(head, sizeof(head), "%s %s", options[i].name,
			 options[i].arg ? options[i].arg : "");
		fprintf(f, "  %-22s %s\n", head, options[i].help);
	}
	fprintf(f, "  %-22s %s\n  %-22s %s\n  %-22s %s\n", "-v", "log each step to stderr",
		"-h, --help", "show this help", "--version", "print the version");
}

static int usage_error(const struct verb *v, const char *fmt, const char *what)
{
	fprintf(stderr, "xdpload: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	usage(stderr, v);
	return EXIT_USAGE;
}

static int option_value(const struct verb *v, struct opts *o, uint64_t bit, const char *opt,
			const char *val)
{
	char *end;
	long number;

	if (!val)
		return usage_error(v, "option %s needs a value", opt);
	switch (bit) {
	case OPT_PROG:
		if (o->nprogs == MAX_SETS)
			return usage_error(v, "--prog %s: at most 32 --prog options", val);
		o->prog = o->progs[o->nprogs++] = val;
		break;
	case OPT_PIN_DIR:
		o->pin_dir = val;
		break;
	case OPT_MAP_SIZE:
		if (o->nmap_sizes == MAX_SETS)
			return usage_error(v, "--map-size %s: at most 32 --map-size options", val);
		o->map_sizes[o->nmap_sizes++] = val;
		break;
	case OPT_MODE:
		if (!strcmp(val, "skb") || !strcmp(val, "generic"))
			o->mode = XDPL_XDP_SKB;
		else if (!strcmp(val, "native") || !strcmp(val, "drv"))
			o->mode = XDPL_XDP_NATIVE;
		else if (!strcmp(val, "hw") || !strcmp(val, "offload"))
			o->mode = XDPL_XDP_HW;
		else
			return usage_error(v, "--mode %s: expected skb, native or hw", val);
		break;
	case OPT_DURATION:
		errno = 0;
		o->duration = strtol(val, &end, 10);
		if (errno || *end || end == val || o->duration < 0)
			return usage_error(v, "--duration %s: expected whole seconds", val);
		break;
	case OPT_REPEAT:
		errno = 0;
		o->repeat = strtoul(val, &end, 10);
		if (errno || *end || end == val || o->repeat == 0 || o->repeat > UINT32_MAX ||
		    val[0] == '-')
			return usage_error(v, "--repeat %s: expected a count from 1", val);
		break;
	case OPT_SET:
		if (o->nsets == MAX_SETS)
			return usage_error(v, "--set %s: at most 32 --set options", val);
		o->sets[o->nsets++] = val;
		break;
	case OPT_PIN_MAPS:
		o->load.pin_dir = o->pin_base = val;
		o->pin_maps_given = true;
		break;
	case OPT_PIN:
		o->pin = val;
		break;
	case OPT_KCONFIG:
		o->load.kconfig = val;
		break;
	case OPT_PACKET:
		o->packet = val;
		break;
	case OPT_DEV:
		o->dev = val;
		break;
	case OPT_BTF:
		o->load.target_btf = val;
		break;
	case OPT_POLICY:
		if (!strcmp(val, "deny"))
			o->policy = XDPL_FW_POLICY_DENY;
		else if (!strcmp(val, "allow-only"))
			o->policy = XDPL_FW_POLICY_ALLOW_ONLY;
		else
			return usage_error(v, "--policy %s: expected deny or allow-only", val);
		break;
	case OPT_MALFORMED:
		if (strcmp(val, "pass") && strcmp(val, "drop"))
			return usage_error(v, "--malformed %s: expected pass or drop", val);
		o->malformed = strcmp(val, "drop") ? XDPL_FW_PASS : XDPL_FW_DROP;
		break;
	case OPT_FORMAT:
		if (!strcmp(val, "text"))
			o->format = STATS_TEXT;
		else if (!strcmp(val, "json"))
			o->format = STATS_JSON;
		else if (!strcmp(val, "prometheus"))
			o->format = STATS_PROMETHEUS;
		else
			return usage_error(v, "--format %s: expected text, json or prometheus", val);
		break;
	case OPT_TEXTFILE:
		o->textfile = val;
		break;
	case OPT_TOP:
	case OPT_INTERVAL:
		errno = 0;
		number = strtol(val, &end, 10);
		if (errno || *end || end == val || number < 0 || number > UINT32_MAX)
			return usage_error(v, bit == OPT_TOP ? "--top %s: expected a number of rules"
							    : "--interval %s: expected whole seconds",
					   val);
		*(bit == OPT_TOP ? &o->top : &o->interval) = number;
		break;
	case OPT_EVENTS_RATE:
	case OPT_COUNT:
		errno = 0;
		number = strtol(val, &end, 10);
		if (errno || *end || end == val || number < 0 || number > UINT32_MAX)
			return usage_error(v, bit == OPT_COUNT ? "--count %s: expected a number"
							      : "--events-rate %s: expected events per second from 0",
					   val);
		*(bit == OPT_COUNT ? &o->count : &o->events_rate) = number;
		break;
	}
	return 0;
}

/*
 * XDPLOAD_BTF_LACKS=float,...: rewrite BTF as for a kernel that lacks those
 * kinds (and, like any real kernel, every newer one).  For tests: it proves on
 * a new kernel that the rewritten BTF an old kernel would get is accepted.
 */
static unsigned int btf_lacks_from_env(void)
{
	static const char *const names[] = { "func", "datasec", "global_func", "float",
					     "decl_tag", "type_tag", "enum64" };
	const char *env = getenv("XDPLOAD_BTF_LACKS");
	unsigned int mask = 0;

	for (size_t i = 0; env && i < sizeof(names) / sizeof(names[0]); i++) {
		const char *at = strstr(env, names[i]);
		size_t n = strlen(names[i]);

		/* "func" must not match inside "global_func". */
		while (at && ((at != env && at[-1] != ',') || (at[n] && at[n] != ',')))
			at = strstr(at + 1, names[i]);
		if (at || !strcmp(env, "all"))
			mask |= 1U << i;
	}
	return mask;
}

static int verb_run(int argc, char **argv)
{
	struct opts o = { .duration = -1, .repeat = 1, .events_rate = -1, .count = -1, .top = -1,
			  .interval = -1 };
	const struct verb *v = NULL;
	bool options_done = false;

	o.load.sz = sizeof(o.load);
	o.load.pin_dir = o.pin_base = "/sys/fs/bpf/xdpload";
	/* Positional arguments are gathered in place, in argv after the verb. */
	o.args = (const char **)argv + 2;
	o.load.btf_lacks = btf_lacks_from_env();
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* -v may come before the verb too: `xdpload -v attach ...`. */
	while (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose_on();
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (argc < 2)
		return usage_error(NULL, "%s", "no verb given");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout, NULL);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("xdpload %s\n", XDPLOAD_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			v = &verbs[i];
	if (!v)
		return usage_error(NULL, "unknown verb %s", argv[1]);

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		uint64_t bit = 0;

		if (options_done || a[0] != '-' || !a[1]) {
			if (o.nargs >= v->max_args)
				return usage_error(v, "unexpected argument %s", a);
			o.args[o.nargs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout, v);
			return EXIT_OK;
		}
		if (!strcmp(a, "-v")) {
			verbose_on();
			continue;
		}
		for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (!strcmp(a, options[k].name) ||
			    (!strcmp(a, "--json") && options[k].bit == OPT_JSON))
				bit = options[k].bit;
		if (!bit)
			return usage_error(v, "unknown option %s", a);
		if (!(v->options & bit))
			return usage_error(v, "option %s does not apply to this verb", a);
		if (bit == OPT_FORCE) {
			o.force = true;
		} else if (bit == OPT_JSON) {
			o.json = true;
		} else if (bit == OPT_UNPIN) {
			o.unpin = true;
		} else if (bit == OPT_DRY_RUN) {
			o.dry_run = true;
		} else if (bit == OPT_PURGE) {
			o.purge = true;
		} else if (bit == OPT_BUILTIN) {
			o.builtin = true;
		} else if (bit == OPT_CORE) {
			o.core = true;
		} else if (bit == OPT_WATCH) {
			o.watch = true;
		} else if (bit == OPT_UPGRADE) {
			o.upgrade = true;
		} else {
			int code = option_value(v, &o, bit, a, i + 1 < argc ? argv[i + 1] : NULL);

			if (code)
				return code;
			i++;
		}
	}
	if (o.builtin) {
		/* The built-in object takes OBJ's place: args[0] is NULL. */
		if (o.nargs >= v->max_args)
			return usage_error(v, "%s: --builtin takes the place of OBJ", v->name);
		o.args--; /* into argv[1]: the verb, read already */
		o.args[0] = NULL;
		o.nargs++;
	}
	if (o.nargs < v->min_args)
		return usage_error(v, "%s needs more arguments", v->name);
	if (o.nprogs > 1 && v->fn != cmd_load)
		return usage_error(v, "%s takes one --prog (load takes several)", v->name);
	return v->fn(&o);
}

int main(int argc, char **argv)
{
	int code = verb_run(argc, argv);

	xdpl_nl_close(nl_handle);
	return out_finish(code);
}
