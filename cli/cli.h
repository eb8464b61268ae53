/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the command-line files share.  loader.c holds main, the
 * options and the load every verb shares; report.c the error report and the
 * -v log; attach.c the verbs that attach and detach (run, attach, detach);
 * testrun.c `test`; loadall.c `load`; show.c the verbs that only look
 * (inspect, status, map dump), with core_show.c for inspect --core; gen.c
 * `gen skeleton`; fw_cli.c and rules_cli.c the firewall's verbs, metrics.c
 * its Prometheus metrics (stats --format prometheus, --textfile) and
 * watch.c `rules load --watch`.  These twelve are the only files that print
 * or exit.
 */
#ifndef XDPLOAD_CLI_H
#define XDPLOAD_CLI_H

#include <stdio.h>

/*
 * The command line is a client of the library: it calls the public API
 * alone.  bpf_sys.h only lends it the kernel's names for program and map
 * kinds.  (show.c's inspect, core_show.c and gen.c reach further; each says
 * why at its top.)
 */
#include "bpf_sys.h"
#include "xdpload.h"

#ifndef XDPLOAD_INTERNAL_H /* show.c has the library's own */
#define err_set(e, err, ...) xdpl_error_set(e, err, false, __VA_ARGS__)
#define err_sys(e, err, ...) xdpl_error_set(e, err, true, __VA_ARGS__)
#endif

/*
 * Every write to standard output goes through out_note(), which keeps the
 * errno of the first one that failed (a full disk, /dev/full, a closed
 * descriptor); main() checks it, and ferror(), once the verb is done, so a
 * verb whose output did not all arrive exits 5 (out_finish).  The macros
 * keep the call sites plain printf; out_note() returns the call's value.
 */
extern int out_errno;
int out_note(FILE *f, int ret);
int out_finish(int code);
void out_forget(void); /* a verb that said so itself: main says nothing more */
#undef printf
#undef fprintf
#undef vprintf
#undef putchar
#undef fputc
#undef fputs
#undef fflush
#define printf(...) out_note(stdout, printf(__VA_ARGS__))
#define fprintf(f, ...) out_note(f, fprintf(f, __VA_ARGS__))
#define vprintf(fmt, ap) out_note(stdout, vprintf(fmt, ap))
#define putchar(c) out_note(stdout, putchar(c))
#define fputc(c, f) out_note(f, fputc(c, f))
#define fputs(s, f) out_note(f, fputs(s, f))
#define fflush(f) out_note(f, fflush(f))

enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,  /* the command line is wrong */
	EXIT_OBJECT = 2, /* the object is missing, invalid or unsupported */
	EXIT_KERNEL = 3, /* the kernel refused a map, BTF or the program (verifier) */
	EXIT_ATTACH = 4, /* attaching or detaching failed */
	EXIT_ENV = 5,    /* no such interface, no permission, pins, bpffs */
};

#define MAX_SETS 32

struct opts {
	const char **args; /* positional arguments; args[0] is NULL for --builtin */
	int nargs;
	const char *prog;
	enum xdpl_xdp_mode mode; /* --mode; XDPL_XDP_AUTO: let the kernel choose */
	bool force, json, unpin;
	long duration;       /* seconds; -1: until a signal */
	const char *sets[MAX_SETS];
	int nsets;
	const char *progs[MAX_SETS]; /* load: every --prog */
	int nprogs;
	const char *map_sizes[MAX_SETS]; /* --map-size NAME=N */
	int nmap_sizes;
	const char *pin_dir;  /* load --pin-dir: pin every program and map here */
	const char *pin;     /* attach: pin the program here */
	const char *packet;  /* test: hex bytes or a file */
	unsigned long repeat;
	struct xdpl_load_opts load;
	const char *pin_base; /* --pin-maps as given; the firewall keeps IFACE's state in PIN_BASE/fw-state/IFACE */
	/* The firewall's verbs. */
	const char *dev;      /* --dev: whose rules */
	enum xdpl_fw_policy policy;     /* --policy; XDPL_FW_POLICY_UNSET when not given */
	enum xdpl_fw_verdict malformed; /* --malformed; XDPL_FW_VERDICT_UNSET when not given */
	long events_rate;     /* --events-rate, -1 when not given */
	long count;           /* events --count: stop after this many, -1: never */
	bool dry_run, purge, builtin, pin_maps_given;
	bool core;            /* inspect --core */
	/* Running it for real: metrics.c and watch.c. */
	enum stats_format { STATS_TEXT, STATS_JSON, STATS_PROMETHEUS } format; /* stats --format */
	const char *textfile; /* stats --textfile DIR: DIR/xdpload_IFACE.prom */
	long top;             /* stats --top N: the N rules with the most packets; -1: none */
	long interval;        /* stats --interval SECONDS: write again and again; -1: once */
	bool watch;           /* rules load --watch: follow the file */
	bool upgrade;         /* firewall attach --upgrade: upgrade this firewall if attached */
};

/* A loaded program, ready to attach or run: what attach, run and test share. */
struct loaded {
	struct xdpl_obj *obj;
	struct xdpl_prog *prog;
	int ifindex;
	uint32_t id; /* the program's */
};

int program_open(struct loaded *l, const char *path, const char *iface, const struct opts *o);
int load_program(struct loaded *l, const char *path, const char *iface, const struct opts *o);
int load_report(struct xdpl_error *e);
const char *obj_display_name(const char *path);
int attach_mode_check(const struct loaded *l, const char *iface, const struct opts *o);
int attach_report(const struct loaded *l, const char *iface, int err, struct xdpl_error *e);
int attach_netlink(struct loaded *l, const char *iface, const struct opts *o);
void print_attached(const struct loaded *l, const char *iface, enum xdpl_xdp_mode mode);
void loaded_close(struct loaded *l, bool failed);
struct xdpl_nl *cli_nl(void); /* the run's rtnetlink handle */

extern bool xdpl_verbose; /* -v */
void verbose_on(void);   /* -v: the library's log hook prints, and so does cli_log() */
__attribute__((format(printf, 1, 2))) void cli_log(const char *fmt, ...);
int report(struct xdpl_error *e, int code);
const char *text(const char *s); /* a name escaped to print: \n, \x1b, \\ */
int iface_index(const char *name, struct xdpl_error *e);
void prog_info_by_id(uint32_t id, struct xdpl_prog_info *info);
const char *attached_via(int ifindex, uint32_t prog_id); /* "link", "netlink" or "?" */
void json_string(const char *s);
void hex_print(const uint8_t *p, size_t n, const char *sep);
int obj_open_with_sets(struct xdpl_obj **obj, const char *path, const struct opts *o);
unsigned int globals_print(const struct xdpl_obj *obj, bool json);
bool obj_has_btf(const struct xdpl_obj *obj);

int cmd_attach(struct opts *o);
int cmd_run(struct opts *o);
int cmd_detach(struct opts *o);
int cmd_test(struct opts *o);
int cmd_inspect(struct opts *o);
int inspect_core(const struct xdpl_obj *obj, const char *path, const struct opts *o); /* core_show.c */
int cmd_status(struct opts *o);
int cmd_map(struct opts *o);
int cmd_load(struct opts *o); /* loadall.c */
int cmd_gen(struct opts *o); /* gen.c: gen skeleton */

/* fw_cli.c: the firewall's verbs, and what run/attach --builtin and rules_cli.c share. */
struct timespec;
int fw_dir(const struct opts *o, const char *iface, char *dir, size_t len);
int fw_open_iface(struct xdpl_fw **fw, const struct opts *o, const char *iface,
		  enum xdpl_fw_lock lock);
int fw_load_builtin(struct xdpl_fw **fw, struct loaded *l, const struct opts *o,
		    const char *iface);
double seconds_since(const struct timespec *t0);
int cmd_firewall(struct opts *o);

/* rules_cli.c: the firewall's rules, counters and events. */
int cmd_block(struct opts *o);
int cmd_allow(struct opts *o);
int cmd_unblock(struct opts *o);
int cmd_rules(struct opts *o);
int cmd_stats(struct opts *o);
int cmd_events(struct opts *o);
int rules_file_read(const char *path, char **buf, size_t *len, struct xdpl_error *e);
int rules_read_report(struct xdpl_error *e, int err);
int rules_apply_text(struct opts *o, const char *path, const char *buf, size_t len);

/* metrics.c: stats in Prometheus' exposition format, to stdout or a textfile. */
int stats_metrics(struct opts *o);

/* watch.c: rules load FILE --watch. */
int rules_watch(struct opts *o, const char *path);

#endif
