/* SPDX-License-Identifier: MIT */
/*
 * xdpload.h - libxdpload, an eBPF/XDP loader with no dependencies: the one
 * public header.  Link libxdpload.a (`pkg-config --static --cflags --libs
 * xdpload`); nothing else is needed at build time or at run time.
 *
 * The story of a load, as the calls below tell it:
 *
 *   xdpl_obj_open()        read and validate a `clang -target bpf` object
 *   xdpl_obj_prog_find()   take a program by function or section name
 *   xdpl_obj_set_global()  set `const volatile` globals before the load
 *   xdpl_obj_load()        BTF, maps (or their pins), then the programs
 *   xdpl_xdp_link()        attach for as long as the returned fd is open
 *     or xdpl_xdp_attach() attach over rtnetlink, to stay after the process
 *   xdpl_obj_close()       close every fd the object made
 *
 * The Aya book's first program in C (examples/hello_xdp.c is the whole of it):
 *
 *   struct xdpl_error err = { 0 };
 *   struct xdpl_obj *obj;
 *   struct xdpl_prog *prog;
 *   int link;
 *
 *   if (xdpl_obj_open(&obj, "hello.o", NULL, &err) ||
 *       !(prog = xdpl_obj_prog_find(obj, "xdp_hello")) ||
 *       xdpl_obj_load(obj, NULL, &err) ||
 *       (link = xdpl_xdp_link(xdpl_prog_fd(prog), if_nametoindex("eth0"), 0, &err)) < 0)
 *           fprintf(stderr, "%s\n", err.msg);
 *
 * Conventions, for every function here:
 * - It returns 0 (or a count, an fd, an index) on success and a negative
 *   errno on failure, and then explains the failure in the struct xdpl_error
 *   the caller passed (NULL is allowed where the caller does not want it).
 * - It never prints, never exits and keeps no state outside the handles it
 *   gives out; the only global is the log hook the caller sets.
 * - Every fd it makes has one owner, named where it is made: a handle's
 *   fds close with the handle; an fd returned to the caller is the caller's.
 * - Options structs begin with `sz`, which the caller sets to the struct's
 *   sizeof, so fields can be added later without breaking older callers.
 *   A NULL options pointer means every default.
 * - The header is C99 without extensions; the library is thread-compatible
 *   (distinct handles may be used from distinct threads).
 */
#ifndef XDPLOAD_H
#define XDPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XDPLOAD_VERSION_MAJOR 0
#define XDPLOAD_VERSION_MINOR 2
#define XDPLOAD_VERSION_PATCH 0
#define XDPLOAD_VERSION "0.2.0"

/* The version of the library linked, (MAJOR << 16) | (MINOR << 8) | PATCH:
 * compare it with the XDPLOAD_VERSION_* this header was compiled with. */
unsigned int xdpl_version(void);

/* ---- errors and the log ---- */

/* A failure, explained: what the library tells a caller beside the -errno. */
struct xdpl_error {
	char msg[512];    /* "step: object: the rule broken", e.g. "load: map counts: ..." */
	int errnum;       /* errno of the system call that failed; 0 when the library found the fault */
	char kernel[512]; /* the kernel's own words (netlink extended ack), or "" */
	char *log;        /* the verifier's log, malloc'd, or NULL: free with xdpl_error_clear() */
	char where[512];  /* the source line where the verifier stopped (BTF line info), or "" */
	bool environment; /* the fault lies around the caller (bpffs, pins, capabilities) */
};

/*
 * Fill e as the library does, for a caller's own steps: msg from fmt, and
 * errnum -err when sys says the failure is a system call's (else 0).
 * Returns err.  e may be NULL.
 */
int xdpl_error_set(struct xdpl_error *e, int err, bool sys, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Free what an error holds (its verifier log) and zero it for reuse. */
void xdpl_error_clear(struct xdpl_error *e);

/* The errno's name, "EPERM", for err or -err; "E?" for a number not in the
 * library's table.  The same on every libc. */
const char *xdpl_errno_name(int err);

/* A short description of the errno ("Operation not permitted"), the same on
 * every libc; "unknown error" for a number not in the table. */
const char *xdpl_errno_text(int err);

enum xdpl_log_level {
	XDPL_LOG_WARN,  /* something was given up on and the load went on (BTF refused) */
	XDPL_LOG_INFO,  /* each step of a load, attach or detach (what `xdpload -v` prints) */
	XDPL_LOG_DEBUG, /* finer detail: each netlink message, each relocation */
};

/* Called with one line (no trailing newline), valid only during the call. */
typedef void (*xdpl_log_fn)(enum xdpl_log_level level, const char *msg, void *ctx);

/* Send the library's log to fn (NULL: silence, the default).  Set it before
 * other calls: it is the library's one global, and is not locked. */
void xdpl_log_set(xdpl_log_fn fn, void *ctx);

/* ---- objects, programs and maps ---- */

struct xdpl_obj;  /* an object file read and validated, and what it loaded */
struct xdpl_prog; /* one program of an object; lives as long as its object */
struct xdpl_map;  /* one map of an object; lives as long as its object */

struct xdpl_open_opts {
	size_t sz;        /* sizeof(struct xdpl_open_opts) */
	const char *name; /* how messages name the object (xdpl_obj_open_mem: default "object") */
};

/*
 * Read the object at path and validate all of it (ELF, BTF, maps,
 * relocations) without a system call beyond reading the file.  On success
 * *obj is the caller's, to close with xdpl_obj_close().
 */
int xdpl_obj_open(struct xdpl_obj **obj, const char *path, const struct xdpl_open_opts *opts,
		  struct xdpl_error *e);

/* The same for an object already in memory; the bytes are copied. */
int xdpl_obj_open_mem(struct xdpl_obj **obj, const void *bytes, size_t size,
		      const struct xdpl_open_opts *opts, struct xdpl_error *e);

/* Close every fd the object made (programs, maps, BTF) and free it.  A
 * program stays attached only where something else holds it: an rtnetlink
 * attachment, a pin, or a bpf_link fd the caller keeps.  NULL is allowed. */
void xdpl_obj_close(struct xdpl_obj *obj);

/* The path it was opened from, or its open_mem name. */
const char *xdpl_obj_name(const struct xdpl_obj *obj);

/* Its programs: every function in an executable section other than .text. */
size_t xdpl_obj_prog_count(const struct xdpl_obj *obj);
struct xdpl_prog *xdpl_obj_prog(const struct xdpl_obj *obj, size_t i); /* NULL past the end */

/* A program by function name, or by section name when that is unique; NULL if none. */
struct xdpl_prog *xdpl_obj_prog_find(const struct xdpl_obj *obj, const char *name);

/* Its maps: legacy `maps`, BTF `.maps`, and one per global data section. */
size_t xdpl_obj_map_count(const struct xdpl_obj *obj);
struct xdpl_map *xdpl_obj_map(const struct xdpl_obj *obj, size_t i);
struct xdpl_map *xdpl_obj_map_find(const struct xdpl_obj *obj, const char *name);

/*
 * Set a global variable's initial value from text before the load, shaped
 * by its BTF type: integers range-checked for their size and signedness,
 * bools (true, false, 1, 0), enums by enumerator name or number, char arrays
 * as strings.  -ENOENT when there is no such variable, -EINVAL or -ERANGE
 * when the value does not fit, -EBUSY after the load.
 */
int xdpl_obj_set_global(struct xdpl_obj *obj, const char *name, const char *value,
			struct xdpl_error *e);

/* Where a global variable lives: its data map and the byte offset and size
 * within that map's one value.  -ENOENT when there is none of that name. */
struct xdpl_global {
	struct xdpl_map *map;
	uint32_t offset, size;
};
int xdpl_obj_global_find(const struct xdpl_obj *obj, const char *name, struct xdpl_global *g);

struct xdpl_load_opts {
	size_t sz;               /* sizeof(struct xdpl_load_opts) */
	const char *pin_dir;     /* maps with pinning by name live here (default /sys/fs/bpf/xdpload) */
	bool pin_none;           /* maps pinned by name are made private to this load instead */
	bool pin_reuse_only;     /* reuse the pins that exist, make no new ones or directories */
	const char *target_btf;  /* CO-RE: a BTF file to relocate against (default: the kernel's) */
	unsigned int btf_lacks;  /* tests: rewrite BTF as for a kernel lacking these BTF_FEAT_* */
	const char *kconfig;     /* __kconfig externs from this kernel config file (gzip or not),
				  * not the running kernel's /proc/config.gz or /boot/config-* */
};

/*
 * Load the object: its BTF (rewritten for a kernel that lacks newer kinds),
 * its maps (created, or a pin reused once it matches), global data written
 * and .rodata frozen, then every program whose autoload is on, each
 * relocated and linked with the functions it calls.  Programs the kernel
 * refuses come back with the verifier's log in e->log.  On failure
 * everything this call made is closed again and its pins removed; the
 * object may then be closed, or loaded again.
 */
int xdpl_obj_load(struct xdpl_obj *obj, const struct xdpl_load_opts *opts, struct xdpl_error *e);

/* Remove the pins xdpl_obj_load() made (not the ones it reused): to undo a
 * load whose next step, an attach for instance, failed. */
int xdpl_obj_unpin(struct xdpl_obj *obj);

const char *xdpl_prog_name(const struct xdpl_prog *prog);    /* its function's name */
const char *xdpl_prog_section(const struct xdpl_prog *prog); /* "xdp", "xdp.frags", ... */
uint32_t xdpl_prog_type(const struct xdpl_prog *prog);       /* BPF_PROG_TYPE_*; 0: not one we load */
const char *xdpl_prog_type_name(const struct xdpl_prog *prog); /* its section's rule: "xdp", "xdp/devmap", "kprobe", ... */
uint32_t xdpl_prog_expected_attach_type(const struct xdpl_prog *prog);
/* The expected attach type its section sets, as the kernel names it
 * ("cgroup_inet4_connect"), or NULL when the section sets none. */
const char *xdpl_prog_attach_type_name(const struct xdpl_prog *prog);
/* Whether a prog array of the object holds it from the start (a BTF map's
 * `.values`, an iproute2 "MAP_ID/KEY" section): the programs that tail-call
 * it need it loaded too. */
bool xdpl_prog_tail_call_target(const struct xdpl_prog *prog);
int xdpl_prog_fd(const struct xdpl_prog *prog);    /* -1 until loaded; owned by the object */
uint32_t xdpl_prog_id(const struct xdpl_prog *prog); /* the kernel's id once loaded, else 0 */

/* Whether xdpl_obj_load() loads this program (default: yes).  Before the load only. */
int xdpl_prog_set_autoload(struct xdpl_prog *prog, bool autoload);
bool xdpl_prog_autoload(const struct xdpl_prog *prog);

/* Pin the loaded program at path on a bpffs; the pin holds it after the object closes. */
int xdpl_prog_pin(const struct xdpl_prog *prog, const char *path, struct xdpl_error *e);

/* The kernel's names for a BPF_PROG_TYPE_* ("sched_cls"), BPF_* attach type
 * ("cgroup_inet_ingress") and BPF_MAP_TYPE_* ("hash"); "unknown" for a
 * number the library does not know. */
const char *xdpl_prog_type_str(uint32_t type);
const char *xdpl_attach_type_str(uint32_t type);
const char *xdpl_map_type_str(uint32_t type);

const char *xdpl_map_name(const struct xdpl_map *map);
uint32_t xdpl_map_type(const struct xdpl_map *map); /* BPF_MAP_TYPE_* */
uint32_t xdpl_map_key_size(const struct xdpl_map *map);
uint32_t xdpl_map_value_size(const struct xdpl_map *map);
uint32_t xdpl_map_max_entries(const struct xdpl_map *map);
int xdpl_map_fd(const struct xdpl_map *map); /* -1 until loaded; owned by the object */

/* Pin the loaded map at path on a bpffs, as xdpl_prog_pin() does a program. */
int xdpl_map_pin(const struct xdpl_map *map, const char *path, struct xdpl_error *e);

/* Size a map before the load, for instance one the object declares with
 * max_entries 0.  -EBUSY after the load. */
int xdpl_map_set_max_entries(struct xdpl_map *map, uint32_t max_entries);

/*
 * A global data map's (.data, .rodata, .bss, .data.NAME, ...) initial
 * value: the object's own copy of its section, *size bytes (value_size),
 * laid out as the section's BTF says.  What is written there before the
 * load is what the map is created with; afterwards it is only the copy the
 * load wrote.  NULL (and *size 0) for a map that is not global data.
 * It lives as long as the object.  size may be NULL.
 */
void *xdpl_map_initial_value(struct xdpl_map *map, size_t *size);

/*
 * After the load, the map's values mapped into this process (mmap
 * MAP_SHARED): what programs write is seen there at once, and what is
 * written there programs read next.  The load asks the kernel to make every
 * global data map mappable (BPF_F_MMAPABLE, Linux 5.5); where it could not
 * (an older kernel, or a map not made so), *mem is NULL and the call
 * returns 0: use xdpl_map_lookup() and xdpl_map_update() with key 0 then.
 * A frozen map (.rodata) is mapped read-only: writing it faults.  The
 * mapping is made once (later calls give the same address) and is the
 * object's: xdpl_obj_close() unmaps it.  -EINVAL before the load.
 */
int xdpl_map_mmap(struct xdpl_map *map, void **mem, struct xdpl_error *e);

/* ---- pins ---- */

enum xdpl_pin_kind { XDPL_PIN_MAP, XDPL_PIN_PROG, XDPL_PIN_LINK, XDPL_PIN_OTHER };

/* Open what the pin at path on a bpffs holds: an fd (the caller's), and in
 * *kind whether it is a map, a program or a link. */
int xdpl_pin_open(const char *path, enum xdpl_pin_kind *kind, struct xdpl_error *e);

/* ---- maps by fd: an object's, a pinned one's, or one opened by id ---- */

/*
 * Open the map pinned at path; the fd is the caller's.  A pin that holds a
 * program instead is refused with -EINVAL, saying so.
 */
int xdpl_map_open_pinned(const char *path, struct xdpl_error *e);

struct xdpl_map_info {
	uint32_t id, type, key_size, value_size, max_entries, flags;
	char name[16];
	bool percpu;          /* one value per possible CPU */
	uint32_t lookup_size; /* the bytes a lookup writes: value_size, or for a per-CPU
			       * map one value per possible CPU, each rounded up to 8 bytes */
};
int xdpl_map_info(int map_fd, struct xdpl_map_info *info, struct xdpl_error *e);

/* The kernel's possible CPUs (/sys/devices/system/cpu/possible): how many
 * copies of a value a per-CPU map holds.  -errno when it cannot be read. */
int xdpl_possible_cpus(void);

/* The usual element operations, 0 or -errno (-ENOENT: no such key).  value
 * has room for the map's lookup_size bytes. */
int xdpl_map_lookup(int map_fd, const void *key, void *value, struct xdpl_error *e);
int xdpl_map_update(int map_fd, const void *key, const void *value, uint64_t flags,
		    struct xdpl_error *e); /* flags: 0 any, 1 only new, 2 only existing */
int xdpl_map_delete(int map_fd, const void *key, struct xdpl_error *e);

/* The key after key (NULL: the first) into next; -ENOENT after the last. */
int xdpl_map_next_key(int map_fd, const void *key, void *next, struct xdpl_error *e);

/* Called for each element; a non-zero return stops the walk and is returned. */
typedef int (*xdpl_map_fn)(const void *key, const void *value, void *ctx);

/*
 * Every element of the map, in the kernel's order: many at a time
 * (BPF_MAP_LOOKUP_BATCH) where the kernel has batches for the map's kind,
 * otherwise key by key.  value is lookup_size bytes.  An element deleted
 * during the walk may or may not be seen; none is seen twice by a batch.
 */
int xdpl_map_walk(int map_fd, xdpl_map_fn fn, void *ctx, struct xdpl_error *e);

/* ---- XDP on interfaces ---- */

struct xdpl_nl; /* an rtnetlink conversation: one socket, opened on first use */

/* A handle for the XDP calls below; close it with xdpl_nl_close(). */
int xdpl_nl_open(struct xdpl_nl **nl, struct xdpl_error *e);
void xdpl_nl_close(struct xdpl_nl *nl); /* NULL is allowed */

/* The index of the interface called ifname in this network namespace, or -ENODEV. */
int xdpl_nl_ifindex(struct xdpl_nl *nl, const char *ifname, struct xdpl_error *e);

/*
 * Watch links come and go: subscribe a second socket of the handle to
 * RTNLGRP_LINK.  Returns its fd, to poll(2) for POLLIN (the handle's: closed
 * by xdpl_nl_close()); calling it again returns the same fd.
 */
int xdpl_nl_link_watch(struct xdpl_nl *nl, struct xdpl_error *e);

/*
 * Read every notification waiting on the watch (it never blocks): 1 when
 * ifindex got RTM_DELLINK (deleted, or moved to another network namespace),
 * 0 when not, -errno.  After the kernel dropped notifications (ENOBUFS) it
 * asks whether the link still exists instead.
 */
int xdpl_nl_link_gone(struct xdpl_nl *nl, int ifindex, struct xdpl_error *e);

enum xdpl_xdp_mode {
	XDPL_XDP_AUTO,   /* the kernel chooses: native when the driver has it, else skb */
	XDPL_XDP_NATIVE, /* in the driver */
	XDPL_XDP_SKB,    /* generic, after the stack has built an skb */
	XDPL_XDP_HW,     /* offloaded to the NIC */
};

/* Which programs an interface runs, by mode (prog_id[XDPL_XDP_NATIVE], ...). */
struct xdpl_xdp_info {
	int ifindex;
	char ifname[16];
	uint32_t prog_id[4]; /* [XDPL_XDP_AUTO] is unused */
};

/* The XDP state of one interface. */
int xdpl_xdp_query(struct xdpl_nl *nl, int ifindex, struct xdpl_xdp_info *info,
		   struct xdpl_error *e);

/* Every interface of this network namespace that runs an XDP program;
 * *list is malloc'd, the caller's to free(). */
int xdpl_xdp_list(struct xdpl_nl *nl, struct xdpl_xdp_info **list, size_t *count,
		  struct xdpl_error *e);

/* The mode in which info shows prog_id, or XDPL_XDP_AUTO when it does not. */
enum xdpl_xdp_mode xdpl_xdp_mode_of(const struct xdpl_xdp_info *info, uint32_t prog_id);

/* "native", "skb", "hw" ("auto" for XDPL_XDP_AUTO). */
const char *xdpl_xdp_mode_name(enum xdpl_xdp_mode mode);

struct xdpl_xdp_attach_opts {
	size_t sz;                /* sizeof(struct xdpl_xdp_attach_opts) */
	enum xdpl_xdp_mode mode;  /* default: the kernel chooses, or the replaced program's mode */
	bool replace;             /* replace whatever program is there, atomically, in its mode */
	uint32_t expected_prog_id; /* replace exactly this program; refused (-ENOENT) once it is
				    * gone, and by the kernel (-EEXIST) if another took its place */
};

/*
 * Attach prog_fd to ifindex over rtnetlink; it stays after the process ends,
 * until detached.  The one attach policy: a program already there is never
 * replaced silently (-EBUSY) unless replace or expected_prog_id says so, and
 * then the swap is one atomic kernel call that names the program it
 * replaces (XDP_FLAGS_REPLACE), so the interface is never without one.
 * replace keeps the replaced program's mode: asking another mode is -EINVAL.
 */
int xdpl_xdp_attach(struct xdpl_nl *nl, int ifindex, int prog_fd,
		    const struct xdpl_xdp_attach_opts *opts, struct xdpl_error *e);

struct xdpl_xdp_detach_opts {
	size_t sz;                 /* sizeof(struct xdpl_xdp_detach_opts) */
	enum xdpl_xdp_mode mode;   /* the mode to clear; default: the program's own */
	uint32_t expected_prog_id; /* only this program: left alone once another replaced it */
};

/*
 * Remove the XDP program from ifindex (the one in opts->mode, or with
 * expected_prog_id exactly that one, whatever its mode).  -ENOENT when there
 * was none to remove; -EBUSY when a bpf_link holds it, since only the link's
 * owner can end that.
 */
int xdpl_xdp_detach(struct xdpl_nl *nl, int ifindex, const struct xdpl_xdp_detach_opts *opts,
		    struct xdpl_error *e);

/*
 * Attach with a bpf_link instead: the program stays attached exactly as long
 * as the returned fd (the caller's) is open, so even a kill -9 detaches it.
 * mode as for xdpl_xdp_attach(); a link never replaces another program.
 */
int xdpl_xdp_link(int prog_fd, int ifindex, enum xdpl_xdp_mode mode, struct xdpl_error *e);

/* Swap the program of an XDP bpf_link atomically, only while it still runs
 * expected_prog_id; -ENOENT when that program is gone. */
int xdpl_link_update(int link_fd, int new_prog_fd, uint32_t expected_prog_id,
		     struct xdpl_error *e);

/* The fd (the caller's) of the bpf_link holding prog_id on ifindex: -ENOENT
 * when none does (netlink attached it), -EPERM when some links could not be
 * looked at. */
int xdpl_xdp_link_find(int ifindex, uint32_t prog_id, struct xdpl_error *e);

/* ---- programs the kernel has ---- */

struct xdpl_prog_info {
	uint32_t id, type;
	char name[16];
	uint8_t tag[8];
	uint32_t nr_map_ids;   /* how many maps it uses; up to 64 are in map_ids */
	uint32_t map_ids[64];
};

/* An fd (the caller's) for the loaded program with this id; -ENOENT once it is gone. */
int xdpl_prog_open_id(uint32_t id, struct xdpl_error *e);

int xdpl_prog_info_by_fd(int prog_fd, struct xdpl_prog_info *info, struct xdpl_error *e);
int xdpl_prog_info_by_id(uint32_t id, struct xdpl_prog_info *info, struct xdpl_error *e);

/* ---- running a program on a packet (BPF_PROG_TEST_RUN) ---- */

struct xdpl_test_run {
	size_t sz;            /* sizeof(struct xdpl_test_run) */
	const void *data_in;  /* the packet */
	uint32_t size_in;
	void *data_out;       /* where the packet as the program left it goes, or NULL */
	uint32_t size_out;    /* in: room at data_out; out: the bytes the program left */
	uint32_t repeat;      /* run this many times (0 and 1: once) */
	uint32_t retval;      /* out: the program's return value (XDP_PASS, ...) */
	uint32_t duration_ns; /* out: the mean time of one run */
};

int xdpl_prog_test_run(int prog_fd, struct xdpl_test_run *run, struct xdpl_error *e);

/* ---- BPF ring buffers ---- */

struct xdpl_ring; /* a ring buffer map, mapped into this process */

/* Map the ring buffer map_fd for reading; the handle owns its own fd. */
int xdpl_ring_open(struct xdpl_ring **ring, int map_fd, struct xdpl_error *e);
void xdpl_ring_close(struct xdpl_ring *ring); /* NULL is allowed */

/* An fd to poll or epoll for readability: records are waiting. */
int xdpl_ring_fd(const struct xdpl_ring *ring);

/* Skip every record waiting now: read from here on, like tail -f. */
void xdpl_ring_skip(struct xdpl_ring *ring);

/* Called for each record, in order; the data is valid only during the call.
 * A non-zero return stops the reading (the record counts as read). */
typedef int (*xdpl_ring_fn)(const void *data, uint32_t size, void *ctx);

/*
 * Wait up to timeout_ms (-1: forever, 0: not at all) for records, then hand
 * at most max of them (0: all there are) to fn.  Returns how many were read,
 * or -errno (-EINTR when a signal came).  Every reader of one ring shares
 * its read position: two readers split the records between them.
 */
int xdpl_ring_poll(struct xdpl_ring *ring, int timeout_ms, xdpl_ring_fn fn, void *ctx, size_t max);

/* ---- the firewall: its rules, counters and events, from any program ---- */

/*
 * The XDP firewall xdpload carries (xdpl_fw_builtin()) keeps all its state
 * in maps pinned in one directory per interface, xdpl_fw_dir(): the
 * settings (fw_meta), the rules (fw_v4, fw_v6, fw_lpm4, fw_lpm6), the
 * counters (fw_stats, fw_hits) and the drop events (fw_events).  The
 * program holds none of it, so a reload or an upgrade keeps it all.
 *
 *   xdpl_fw_attach()       load the firewall, its maps pinned in the directory, attach it
 *   xdpl_fw_open()         open the state: rules, counters, settings, events
 *   xdpl_fw_rules_add()    ...and the other rule calls, all or nothing
 *   xdpl_fw_close()
 *   xdpl_fw_upgrade(), xdpl_fw_detach()
 *
 * Every process that uses a state takes a lock on its directory (flock):
 * readers share it; rule and settings changes, attach, upgrade and detach
 * hold it alone, so two of them never interleave and a reader never sees
 * half of one.
 */

struct xdpl_fw; /* one interface's firewall state, opened */

#define XDPL_FW_STATE_DIR "fw-state" /* under a pin base: the firewalls' states */

/*
 * The state directory of ifname's firewall under pin_base (NULL: the
 * default, /sys/fs/bpf/xdpload), into buf: PIN_BASE/fw-state/IFNAME, apart
 * from the maps other objects pin by name in PIN_BASE (a map of a C object
 * cannot be called "fw-state").  -EINVAL when ifname cannot be an
 * interface's name (empty, ".", "..", a '/', too long); -ENAMETOOLONG when
 * the path does not fit.
 */
int xdpl_fw_dir(char *buf, size_t len, const char *pin_base, const char *ifname,
		struct xdpl_error *e);

/* The firewall object built into the library: bytes for xdpl_obj_open_mem(),
 * valid for as long as the program runs.  *size is set to their number. */
const void *xdpl_fw_builtin(size_t *size);

enum xdpl_fw_policy {
	XDPL_FW_POLICY_UNSET,      /* in options: as it is (a new firewall: deny) */
	XDPL_FW_POLICY_DENY,       /* drop sources that match a rule, pass the rest */
	XDPL_FW_POLICY_ALLOW_ONLY, /* pass sources that match, ARP and IPv6 neighbour
				    * discovery; drop the rest */
};

enum xdpl_fw_verdict {
	XDPL_FW_VERDICT_UNSET, /* in options: as it is (a new firewall: pass) */
	XDPL_FW_PASS,
	XDPL_FW_DROP,
};

/* "deny", "allow-only"; "?" for another value. */
const char *xdpl_fw_policy_name(enum xdpl_fw_policy policy);

/*
 * What the service rules (port and protocol) do, which follows from them:
 * no service rules, none; any allow rule, allow-only (the services allowed
 * pass, every other service is dropped); block rules alone, block.
 */
enum xdpl_fw_services {
	XDPL_FW_SERVICES_NONE,
	XDPL_FW_SERVICES_BLOCK,
	XDPL_FW_SERVICES_ALLOW_ONLY,
};

/* "none", "block", "allow-only"; "?" for another value. */
const char *xdpl_fw_services_name(enum xdpl_fw_services services);

/* What a firewall does, as its state keeps it (fw_meta). */
struct xdpl_fw_settings {
	enum xdpl_fw_policy policy;
	enum xdpl_fw_verdict malformed; /* for truncated or malformed packets */
	uint32_t events_per_sec;        /* drop events per second and CPU; 0: none */
	enum xdpl_fw_services services; /* set by the service rules, not by options */
};

/* Settings to give a new firewall, or to change: each field left unset stays. */
struct xdpl_fw_settings_opts {
	size_t sz;                      /* sizeof(struct xdpl_fw_settings_opts) */
	enum xdpl_fw_policy policy;     /* XDPL_FW_POLICY_UNSET: as it is (new: deny) */
	enum xdpl_fw_verdict malformed; /* XDPL_FW_VERDICT_UNSET: as it is (new: pass) */
	bool events_rate_set;           /* events_per_sec is given (else as it is; new: 100) */
	uint32_t events_per_sec;
};

#define XDPL_FW_SETTING_POLICY (1U << 0)
#define XDPL_FW_SETTING_MALFORMED (1U << 1)
#define XDPL_FW_SETTING_EVENTS (1U << 2)

/* The settings opts asks for that differ from have: XDPL_FW_SETTING_* bits,
 * 0 when they agree.  NULL opts agree with anything. */
unsigned int xdpl_fw_settings_differ(const struct xdpl_fw_settings *have,
				     const struct xdpl_fw_settings_opts *opts);

enum xdpl_fw_lock {
	XDPL_FW_LOCK_SHARED,    /* reading: others may read too, nobody changes it meanwhile */
	XDPL_FW_LOCK_EXCLUSIVE, /* changing: the one user until the handle closes */
	XDPL_FW_LOCK_NONE,      /* no lock: only to read events and counters */
};

struct xdpl_fw_open_opts {
	size_t sz;              /* sizeof(struct xdpl_fw_open_opts) */
	enum xdpl_fw_lock lock; /* default: shared */
};

/*
 * Open the firewall state in dir: lock it (waiting for a holder of the
 * other kind), open its ten maps and check them against the layout this
 * library reads.  On success *fw is the caller's, to close with
 * xdpl_fw_close().  The failures that say what to do next:
 *   -ENOENT   no state in dir (e->errnum ENOENT): attach a firewall first;
 *   -EAGAIN   an attach did not finish (maps missing, or fw_meta never
 *             filled in): xdpl_fw_attach() completes the state;
 *   -EUCLEAN  a finished state lost a map's pin: only removing it all
 *             (xdpl_fw_detach() with purge) gets a working state back;
 *   -EPROTO   another layout, or a map of another shape: another version
 *             of the firewall made it;
 *   -EINVAL   a pin holds something that is not a map (e->msg names it).
 */
int xdpl_fw_open(struct xdpl_fw **fw, const char *dir, const struct xdpl_fw_open_opts *opts,
		 struct xdpl_error *e);

/* Close the maps and the directory, and so release the lock.  NULL is allowed. */
void xdpl_fw_close(struct xdpl_fw *fw);

/* The state directory it was opened from. */
const char *xdpl_fw_path(const struct xdpl_fw *fw);

/* The settings as fw_meta holds them now. */
int xdpl_fw_settings(struct xdpl_fw *fw, struct xdpl_fw_settings *s, struct xdpl_error *e);

/* Change the settings opts gives, at once for the running program.  Needs
 * XDPL_FW_LOCK_EXCLUSIVE (-ENOLCK otherwise), as every change does. */
int xdpl_fw_settings_set(struct xdpl_fw *fw, const struct xdpl_fw_settings_opts *opts,
			 struct xdpl_error *e);

/* ---- the firewall: rules as text ---- */

/*
 * One rule: a source address (a /32 or /128) or prefix, or a service (family
 * XDPL_FW_SERVICE): a protocol and, for TCP and UDP, a destination port range.
 */
struct xdpl_fw_rule {
	uint8_t family;    /* 4 or 6; XDPL_FW_SERVICE */
	uint8_t prefixlen; /* 0..32 or 0..128 */
	uint8_t addr[16];  /* network byte order; IPv4 in the first 4 bytes; no host bits */
	uint32_t id;       /* the id its hits are counted under; 0 outside a firewall */
	uint32_t line;     /* where a rules file says it; 0 elsewhere */
	uint8_t proto;     /* a service's: XDPL_FW_TCP, _UDP, _ICMP, _ICMPV6 (IP numbers) */
	uint8_t allow;     /* a service's: 1 an allow rule (allow:tcp/22), 0 a block rule */
	uint16_t port_lo;  /* TCP and UDP: the destination ports port_lo..port_hi */
	uint16_t port_hi;
};

#define XDPL_FW_SERVICE 255 /* family of a service rule; they sort after both families */
#define XDPL_FW_ICMP 1
#define XDPL_FW_TCP 6
#define XDPL_FW_UDP 17
#define XDPL_FW_ICMPV6 58

/* A set of rules; zero it before first use, free it with xdpl_fw_rules_free(). */
struct xdpl_fw_rules {
	struct xdpl_fw_rule *v; /* malloc'd */
	size_t n, cap;
};

#define XDPL_FW_RULE_TEXT 64 /* room for the longest CIDR text, with its NUL */

/*
 * "203.0.113.7", "198.51.100.0/24", "2001:db8::/32" into *r, or a service:
 * "tcp/22", "udp/53", "tcp/8000-8100", "icmp", "icmpv6", each of them with
 * "allow:" before it for an allow rule ("allow:tcp/22").  Refused with
 * -EINVAL: not an address, a prefix length out of range, and host bits
 * after the prefix (a typo, which masking would turn into a wide rule).
 * An IPv4-mapped IPv6 address becomes the IPv4 rule.  e->msg is
 * "TEXT: what is wrong", for the caller to put its step before.
 */
int xdpl_fw_rule_parse(const char *text, struct xdpl_fw_rule *r, struct xdpl_error *e);

/* "203.0.113.7" for an address, "198.51.100.0/24" for a prefix. */
void xdpl_fw_rule_format(const struct xdpl_fw_rule *r, char *buf, size_t len);

/* Append a copy of r to set: -ENOMEM when it cannot grow. */
int xdpl_fw_rules_push(struct xdpl_fw_rules *set, const struct xdpl_fw_rule *r);

enum xdpl_fw_order {
	XDPL_FW_ORDER_SET,     /* IPv4 first, then by prefix length, then by address:
				* the order the calls below keep and expect */
	XDPL_FW_ORDER_ADDRESS, /* by address, IPv4 first; a prefix just before the
				* addresses in it: the order for people */
};

/*
 * Sort the set, stably.  -EEXIST when a rule is in it twice, and then
 * *dup (when not NULL) is the index of the second one.
 */
int xdpl_fw_rules_sort(struct xdpl_fw_rules *set, enum xdpl_fw_order order, size_t *dup);

void xdpl_fw_rules_free(struct xdpl_fw_rules *set); /* and zero it */

/*
 * A whole rules file (len bytes of text, named name in messages), all or
 * nothing, into *out in XDPL_FW_ORDER_SET: one CIDR per line, # comments,
 * ipset save files ("add SET CIDR"; "create" lines are skipped, a nomatch
 * entry is refused), a UTF-8 byte-order mark skipped.  The first bad line
 * fails it with its number, and so does a rule given twice (naming both
 * lines).  A file that begins as an export (xdpl_fw_export_header()) must
 * hold its end line (xdpl_fw_export_end()): -EBADMSG when it stops before,
 * as an export cut short by a full disk or a killed writer does.
 */
int xdpl_fw_rules_parse(const char *name, const char *text, size_t len,
			struct xdpl_fw_rules *out, struct xdpl_error *e);

/* ---- the firewall: rules and counters in the kernel ---- */

/* Every rule of the firewall with its id, in XDPL_FW_ORDER_SET, into *out (zeroed first). */
int xdpl_fw_rules_list(struct xdpl_fw *fw, struct xdpl_fw_rules *out, struct xdpl_error *e);

/* Whether r itself is a rule (a prefix covering it is not): 0 and its id,
 * or -ENOENT. */
int xdpl_fw_rule_lookup(struct xdpl_fw *fw, const struct xdpl_fw_rule *r, uint32_t *id,
			struct xdpl_error *e);

/*
 * Add the rules of set (sorted in XDPL_FW_ORDER_SET, no rule twice), all or
 * nothing: each gets a new id, in set->v[i].id; the ids are never handed
 * out again.  -EEXIST when one is a rule already, -E2BIG when its map is
 * full (e names the rule); nothing changed then.
 */
int xdpl_fw_rules_add(struct xdpl_fw *fw, struct xdpl_fw_rules *set, struct xdpl_error *e);

/* Remove the rules of set, all or nothing; their ids are filled in, and
 * their hit counters go.  -ENOENT when one is not a rule. */
int xdpl_fw_rules_remove(struct xdpl_fw *fw, struct xdpl_fw_rules *set, struct xdpl_error *e);

struct xdpl_fw_replace_opts {
	size_t sz;        /* sizeof(struct xdpl_fw_replace_opts) */
	bool dry_run;     /* only count what would change */
	bool allow_empty; /* an empty set may remove every rule (else -ENOTEMPTY) */
};

/* What a replace changed, or, dry, would change. */
struct xdpl_fw_diff {
	size_t kept, added, removed;
};

/*
 * Make the firewall's rules want's (sorted in XDPL_FW_ORDER_SET, no rule
 * twice), changing only the difference: the new rules go in first, then the
 * gone ones go out, so a rule in both is never absent, not even for a
 * moment, and keeps its id and hits.  A failure undoes what was done.  An
 * empty want with rules in the firewall is -ENOTEMPTY unless allow_empty;
 * *diff (when not NULL) is filled in then too.
 */
int xdpl_fw_rules_replace(struct xdpl_fw *fw, const struct xdpl_fw_rules *want,
			  const struct xdpl_fw_replace_opts *opts, struct xdpl_fw_diff *diff,
			  struct xdpl_error *e);

struct xdpl_fw_counter {
	uint64_t packets, bytes;
};

/* A rule's hits, summed over CPUs; a rule gets them at its first hit. */
struct xdpl_fw_hit {
	uint32_t rule;
	struct xdpl_fw_counter total;
};

/* Every rule's hits, sorted by rule id: *hits malloc'd, the caller's to free(). */
int xdpl_fw_hits(struct xdpl_fw *fw, struct xdpl_fw_hit **hits, size_t *n, struct xdpl_error *e);

/* The hits of one rule in what xdpl_fw_hits() gave, or NULL. */
const struct xdpl_fw_hit *xdpl_fw_hit_find(const struct xdpl_fw_hit *hits, size_t n,
					   uint32_t rule);

enum xdpl_fw_stat {
	XDPL_FW_STAT_PASS,          /* well-formed, passed */
	XDPL_FW_STAT_DROP,          /* dropped by the policy */
	XDPL_FW_STAT_MALFORMED,     /* truncated or malformed: passed, or dropped */
	XDPL_FW_STAT_EVENT_SENT,    /* drop events written to the ring */
	XDPL_FW_STAT_EVENT_LIMITED, /* drop events held back: over the rate */
	XDPL_FW_STAT_EVENT_LOST,    /* drop events lost: the ring was full */
	XDPL_FW_STAT_HITS_FULL,     /* rule hits not counted: no room for a counter */
	XDPL_FW_STAT_COUNT,
};

/* "pass", "drop", "malformed", "events_sent", "events_rate_limited",
 * "events_lost", "hits_not_counted"; "?" for another value. */
const char *xdpl_fw_stat_name(enum xdpl_fw_stat stat);

/* Packets and bytes per counter, summed over CPUs. */
int xdpl_fw_stats(struct xdpl_fw *fw, struct xdpl_fw_counter stats[XDPL_FW_STAT_COUNT],
		  struct xdpl_error *e);

/*
 * The lines of a rules export, each with its newline, into buf (snprintf's
 * return): a header ("# N rules on IFNAME, policy P"), one line per rule
 * ("CIDR  # rule ID: P packets, B bytes"; hits may be NULL), and the end
 * line ("# end").  xdpl_fw_rules_parse() takes the export back, and refuses
 * one that begins with the header but lacks the end line: a cut-short
 * export never loads as a smaller set of rules.  A writer should still
 * check that every line was written (fflush, ferror) before trusting it.
 */
int xdpl_fw_export_header(char *buf, size_t len, size_t nrules, const char *ifname,
			  enum xdpl_fw_policy policy);
int xdpl_fw_export_rule(char *buf, size_t len, const struct xdpl_fw_rule *r,
			const struct xdpl_fw_counter *hits);
int xdpl_fw_export_end(char *buf, size_t len);

/* ---- the firewall: how full it is, for monitoring ---- */

enum xdpl_fw_table_role {
	XDPL_FW_TABLE_RULES, /* rules of one family and kind */
	XDPL_FW_TABLE_HITS,  /* the rules' hit counters */
};

/* One of a state's maps that fill up: what it holds and how full it is. */
struct xdpl_fw_table {
	const char *map;   /* the pinned map's name, "fw_v4" (static) */
	enum xdpl_fw_table_role role;
	uint8_t family;    /* rules: 4 or 6; hits: 0 */
	const char *kind;  /* rules: "address" (a /32 or /128) or "prefix"; hits:
			    * "hits" (static strings) */
	uint64_t entries;  /* in it now */
	uint64_t capacity; /* the most it holds (its max entries) */
};

/*
 * Every map of the state that fills up, and how full each is now, in a
 * fixed order: *tables malloc'd, the caller's to free(), *n of them.  The
 * rules of each family and kind are one table, so a monitor counts rules
 * by kind without knowing the kinds.  Each map is walked, which costs
 * about what xdpl_fw_rules_list() does.
 */
int xdpl_fw_tables(struct xdpl_fw *fw, struct xdpl_fw_table **tables, size_t *n,
		   struct xdpl_error *e);

/* The layout version of the state's maps, as its fw_meta says (the one this
 * library reads: xdpl_fw_open() refuses another). */
uint32_t xdpl_fw_layout(const struct xdpl_fw *fw);

/*
 * Whether ifindex runs this state's firewall (the program using the
 * state's fw_meta): 0 with its id and mode (either pointer may be NULL),
 * or -ENOENT (e->errnum 0) when it runs another program or none.
 */
int xdpl_fw_prog_find(struct xdpl_fw *fw, struct xdpl_nl *nl, int ifindex, uint32_t *prog_id,
		      enum xdpl_xdp_mode *mode, struct xdpl_error *e);

/* ---- the firewall: drop events ---- */

/* One drop, as the firewall writes it into its ring buffer. */
struct xdpl_fw_event {
	uint64_t time_ns; /* CLOCK_MONOTONIC_COARSE */
	uint32_t rule;    /* the rule that matched; 0 when none did (allow-only) */
	uint32_t len;     /* frame length in bytes */
	uint32_t ifindex;
	uint8_t family;   /* 4 or 6 */
	uint8_t reserved[3];
	uint8_t src[16];  /* network byte order; IPv4 in the first 4 bytes */
};

/*
 * The firewall's drop events, for xdpl_ring_poll(): each record a struct
 * xdpl_fw_event.  A ring has one read position, so a second reader would
 * take events from the first: this handle claims the ring for as long as
 * it is open, and another claim is refused with -EBUSY.  *ring is the
 * caller's; close it before the handle.
 */
int xdpl_fw_events_open(struct xdpl_fw *fw, struct xdpl_ring **ring, struct xdpl_error *e);

/* ---- the firewall on an interface ---- */

/* How far an attach, upgrade or detach got: on failure, the step that failed. */
enum xdpl_fw_step {
	XDPL_FW_STEP_STATE,  /* the state directory: made, locked, checked */
	XDPL_FW_STEP_FIND,   /* the interface's program: is it this state's firewall? */
	XDPL_FW_STEP_LOAD,   /* the object, its maps pinned in the state */
	XDPL_FW_STEP_ATTACH, /* the kernel call that attaches, swaps or detaches */
	XDPL_FW_STEP_PURGE,  /* detach: the state removed */
	XDPL_FW_STEP_DONE,
};

struct xdpl_fw_result {
	size_t sz;               /* sizeof(struct xdpl_fw_result), set by the caller */
	enum xdpl_fw_step step;
	uint32_t prog_id;        /* the firewall now attached (detach: the one detached; 0: none) */
	uint32_t old_prog_id;    /* upgrade: the one replaced; detach: a program that is not
				  * this state's firewall, left alone */
	enum xdpl_xdp_mode mode; /* where prog_id is (was) attached */
	bool via_link;           /* a bpf_link holds it: upgrade swapped it with BPF_LINK_UPDATE */
	struct xdpl_fw_settings settings; /* attach: the settings in effect, or those stored */
	unsigned int pins_removed; /* detach with purge: the pinned maps removed */
	bool dir_removed;          /* ...and the directory with them */
};

struct xdpl_fw_load_opts {
	size_t sz;                                    /* sizeof(struct xdpl_fw_load_opts) */
	const struct xdpl_load_opts *load;            /* BTF and CO-RE as for xdpl_obj_load();
						       * the pins are always the state's */
	const struct xdpl_fw_settings_opts *settings; /* a new state's; an existing one's must
						       * agree (-EEXIST) */
};

/*
 * The first half of an attach, for a caller that attaches the program its
 * own way (a bpf_link, a pin first): make dir if need be and lock it alone
 * (waiting for another attach, upgrade or detach to finish), load obj
 * (opened, its program chosen) with its maps pinned there, reused or made,
 * and fill in a new state's fw_meta.  On success *fw holds the lock, so no
 * other process uses the new pins yet: attach while it is open, then
 * xdpl_fw_close(), or after a failed attach xdpl_fw_abandon().  On failure
 * nothing this call made is left; res (when not NULL) says how far it
 * got, and the settings stored.
 */
int xdpl_fw_load(struct xdpl_fw **fw, const char *dir, struct xdpl_obj *obj,
		 const struct xdpl_fw_load_opts *opts, struct xdpl_fw_result *res,
		 struct xdpl_error *e);

/* After xdpl_fw_load() when the attach failed: remove the pins and
 * directories the load made (nobody else can have used them: the lock is
 * still held), then close fw and so release it. */
void xdpl_fw_abandon(struct xdpl_fw *fw, struct xdpl_obj *obj);

struct xdpl_fw_attach_opts {
	size_t sz;                                    /* sizeof(struct xdpl_fw_attach_opts) */
	const struct xdpl_load_opts *load;            /* as in struct xdpl_fw_load_opts */
	const struct xdpl_fw_settings_opts *settings; /* as in struct xdpl_fw_load_opts */
	enum xdpl_xdp_mode mode;                      /* as for xdpl_xdp_attach() */
	bool replace;                                 /* as for xdpl_xdp_attach() */
};

/*
 * xdpl_fw_load(), then xdpl_xdp_attach() of prog (obj's program to attach;
 * which others load is the caller's choice, with their autoload) with the
 * library's one policy: a program already there is -EBUSY unless replace.
 * The state's lock is held from before the first pin to after the attach.
 * On failure nothing this call made is left: no program attached, no pin
 * made.  obj stays the caller's (the attachment holds the program after it
 * closes).  res (when not NULL) says how far it got.
 */
int xdpl_fw_attach(struct xdpl_nl *nl, const char *dir, int ifindex, struct xdpl_obj *obj,
		   struct xdpl_prog *prog, const struct xdpl_fw_attach_opts *opts,
		   struct xdpl_fw_result *res, struct xdpl_error *e);

/*
 * Swap the firewall the interface runs on this state for prog (obj's), in
 * one kernel call that names the program it replaces (XDP_FLAGS_REPLACE,
 * or BPF_LINK_UPDATE when a bpf_link holds it): no moment without a
 * firewall, and no swap once it is gone (-ENOENT, at XDPL_FW_STEP_ATTACH,
 * e->errnum 0).  -ENOENT at XDPL_FW_STEP_FIND: no firewall of this state is
 * attached to ifindex.  Maps are reused; a failure leaves the old program.
 * The state's lock is held throughout, so no detach or attach of it comes
 * between finding the old program and swapping it.
 */
int xdpl_fw_upgrade(struct xdpl_nl *nl, const char *dir, int ifindex, struct xdpl_obj *obj,
		    struct xdpl_prog *prog, const struct xdpl_load_opts *load,
		    struct xdpl_fw_result *res, struct xdpl_error *e);

struct xdpl_fw_detach_opts {
	size_t sz;  /* sizeof(struct xdpl_fw_detach_opts) */
	bool purge; /* also remove the state: rules, counters, settings */
};

/*
 * Take this state's firewall off ifindex (-1: the interface is gone, skip
 * it), only if it is still the program there: another program is left
 * alone (res->old_prog_id); -EBUSY when a bpf_link holds it.  Then with
 * purge remove the ten pins and the directory, all under the state's
 * lock (an attach or upgrade in progress finishes first).  -ENOENT when dir
 * holds no state.
 */
int xdpl_fw_detach(struct xdpl_nl *nl, const char *dir, int ifindex,
		   const struct xdpl_fw_detach_opts *opts, struct xdpl_fw_result *res,
		   struct xdpl_error *e);

#ifdef __cplusplus
}
#endif

#endif
