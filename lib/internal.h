/* SPDX-License-Identifier: MIT */
/*
 * xdpload.h - the types that carry one load from left to right, and the
 * entry points of each step:
 *
 *   elf.c      bytes       -> validated sections, symbols, relocation tables
 *   object.c   sections    -> struct obj: programs, functions, relocations
 *   maps.c     sections    -> the maps in struct obj, global variables (--set)
 *   btf.c      .BTF        -> types, func and line info (used by object.c, load.c)
 *   reloc.c    obj, prog   -> the instructions the kernel receives (subprograms linked)
 *   load.c     obj         -> struct obj_fds (BTF, maps, the program loaded)
 *   netlink.c  prog fd     -> attached to an interface over rtnetlink
 *   loader.c   the command line: calls the steps in order (report.c reports)
 *
 * Every step returns 0 (or an fd) on success and a negative errno on failure,
 * and explains a failure in a caller-provided struct xdpl_error.  Only the
 * command-line files print (cli.h); the one exception is xdpl_log(), the -v
 * step log report.c provides.
 */
#ifndef XDPLOAD_INTERNAL_H
#define XDPLOAD_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "include/xdpload.h"

struct bpf_insn;

#define ENOTSUPP 524 /* the kernel's "not supported", which no libc names */

/* ---- errors and the log ---- */

/*
 * Explain a failure we found ourselves (errnum 0): "step: object: rule";
 * err_sys() for a failed syscall, err being -errno, reported by name.  Both
 * return err.  One copy of the code (lib/errno.c), not an inline one in
 * every file that explains a failure.
 */
#define err_set(e, err, ...) xdpl_error_set(e, err, false, __VA_ARGS__)
#define err_sys(e, err, ...) xdpl_error_set(e, err, true, __VA_ARGS__)

/* The step log (lib/log.c): to the caller's hook, at XDPL_LOG_INFO, or nowhere. */
__attribute__((format(printf, 1, 2))) void xdpl_log(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void xdpl_log_at(enum xdpl_log_level level,
							const char *fmt, ...);
bool xdpl_log_enabled(void); /* a hook is set: worth building a costly message */

/* ---- the object (elf.c validates the ELF, object.c describes the BPF in it) ---- */

struct btf;

struct obj_section {
	const char *name;
	uint32_t type;  /* SHT_* */
	uint64_t flags; /* SHF_* */
	const uint8_t *data; /* NULL for SHT_NOBITS */
	uint64_t size;
	uint32_t link, info;
};

enum reloc_kind {
	RELOC_MAP,    /* ld_imm64 of a map definition: becomes the map's fd */
	RELOC_DATA,   /* ld_imm64 of a global variable: the data map's fd and an offset */
	RELOC_CALL,   /* call of a bpf-to-bpf function */
	RELOC_FUNC,   /* ld_imm64 of a function's address (callbacks) */
	RELOC_EXTERN, /* a ksym or kfunc (externs.c); target: its index in obj->externs */
};

struct obj_reloc {
	uint32_t sec;    /* section holding the instruction */
	uint32_t insn;   /* instruction index within that section */
	uint32_t kind;   /* enum reloc_kind */
	uint32_t target; /* MAP, DATA: map index; CALL, FUNC: section index */
	uint64_t offset; /* DATA: byte offset in the map's value; CALL, FUNC: instruction index */
	const char *sym; /* the symbol's name, for messages */
};

/* Every function in an executable section: programs and the subprograms they call. */
struct obj_func {
	const char *name;
	uint32_t sec;
	uint32_t first_insn; /* instruction index within the section */
	uint32_t insn_cnt;
};

struct obj_prog {
	const char *name;    /* function symbol, or the section name for old objects */
	const char *section;
	uint32_t sec;
	uint32_t first_insn;
	uint32_t insn_cnt;
	uint32_t type;       /* BPF_PROG_TYPE_*; 0 when the section type is not supported */
	uint32_t expected_attach_type;
	uint32_t prog_flags;
	/* How the section name typed it (sections.c). */
	const char *rule;      /* the rule's name ("kprobe", "xdp"), or NULL: none matched */
	uint32_t rule_flags;   /* SECTION_* */
	const char *attach_to; /* SECTION_ATTACH_BTF: the kernel function, tracepoint or iterator */
	bool autoload;         /* false: the section name began with '?' */
};

/* What a section rule says about its programs, besides their type. */
enum section_flag {
	SECTION_EXPECTED = 1 << 0,   /* it sets expected_attach_type */
	SECTION_SLEEPABLE = 1 << 1,  /* BPF_F_SLEEPABLE */
	SECTION_FRAGS = 1 << 2,      /* BPF_F_XDP_HAS_FRAGS */
	SECTION_ATTACH_BTF = 1 << 3, /* the load names attach_to's BTF id in vmlinux */
	SECTION_REFUSED = 1 << 4,    /* a type xdpload knows but does not load */
	SECTION_LEGACY = 1 << 5,     /* a name libbpf 1.x refuses: libbpf 0.x's, iproute2's */
	SECTION_WHOLE = 1 << 6,      /* no legacy prefix matching: the name is newer than that */
};


enum map_origin { MAP_LEGACY, MAP_BTF, MAP_DATA };

#define MAP_PIN_BY_NAME 1 /* the pinning value of libbpf's LIBBPF_PIN_BY_NAME */

struct obj_map {
	const char *name;
	uint32_t origin; /* enum map_origin */
	uint32_t type, key_size, value_size, max_entries, flags, numa_node, pinning;
	uint64_t map_extra;
	uint32_t btf_key_id, btf_value_id; /* 0: none */
	uint32_t sec;    /* section the definition (or, for data, the values) lives in */
	uint64_t offset; /* the definition's offset there */
	uint8_t *data;   /* MAP_DATA: the initial value, value_size bytes, owned */
	bool frozen;     /* MAP_DATA .rodata: read-only for programs, frozen once written */
	bool kconfig;    /* MAP_DATA .kconfig: its value comes from the kernel (externs.c) */
	/* Maps of maps (mapinit.c). */
	struct obj_map *inner; /* the template every inner map must match, owned; NULL: none */
	bool is_inner;         /* this is such a template */
	uint32_t legacy_id, inner_id, inner_idx; /* iproute2's struct bpf_elf_map fields */
};

/* An initial value of a prog array or a map of maps: slot `index` of `map` holds `target`. */
enum slot_kind { SLOT_MAP, SLOT_PROG };

struct obj_slot {
	uint32_t map, index;
	uint32_t kind;   /* enum slot_kind */
	uint32_t target; /* SLOT_MAP: a map index; SLOT_PROG: a program index */
};

struct obj_extern; /* lib/externs.h */

struct obj {
	uint8_t *buf; /* the whole file; sections and strings point into it */
	size_t size;
	struct obj_section *secs;
	uint32_t nsecs;
	const void *syms; /* Elf64_Sym[nsyms] */
	uint32_t nsyms;
	const char *strtab;
	uint64_t strtab_size;
	uint32_t symtab_sec;

	struct btf *btf; /* NULL without .BTF */
	struct obj_func *funcs;
	uint32_t nfuncs;
	struct obj_prog *progs;
	uint32_t nprogs;
	struct obj_map *maps;
	uint32_t nmaps;
	struct obj_reloc *relocs; /* sorted by section, then instruction */
	uint32_t nrelocs;
	struct obj_slot *slots;   /* prog arrays' and maps of maps' initial values */
	uint32_t nslots;
	const char *license; /* NULL when the object has no license section */
	struct obj_extern *externs; /* undefined symbols: kconfig values, ksyms, kfuncs */
	uint32_t nexterns;

	/* Lookups by name, built once (elf.c) so that no step scans a table per entry. */
	struct elf_name_index *sec_index; /* sections by name, then index */
	uint32_t nsec_index;
	struct elf_name_index *sym_index; /* named object, function, notype symbols by section, name */
	uint32_t nsym_index;
	uint32_t *func_index; /* obj_func_at(): funcs by section, then first instruction (object.c) */
};

struct elf_name_index {
	const char *name;
	uint32_t sec;   /* the section (sym_index); 0 in sec_index */
	uint32_t index; /* the section's or the symbol's */
};

/* elf.c: the container. */
int elf_validate(struct obj *obj, struct xdpl_error *e);
void elf_index_free(struct obj *obj);
/* Sorting a name index by (sec, name, index), and its first entry at (sec, name) or NULL. */
void elf_name_index_sort(struct elf_name_index *index, uint32_t n);
const struct elf_name_index *elf_name_index_find(const struct elf_name_index *index, uint32_t n,
						 uint32_t sec, const char *name);
/* Room for one more of n elements in *array (a pointer to it), grown by doubling: -ENOMEM. */
int obj_array_grow(void *array, uint32_t n, size_t size);
int elf_section_find(const struct obj *obj, const char *name);
const char *elf_section_name(const struct obj *obj, uint32_t sec);
bool elf_section_is_code(const struct obj *obj, uint32_t sec);
int elf_symbol_find(const struct obj *obj, uint32_t sec, const char *name, uint64_t *value);
const char *elf_symbol_name(const struct obj *obj, const void *sym); /* an Elf64_Sym */

/* maps.c: map definitions and global variables. */
int maps_find(struct obj *obj, struct xdpl_error *e);
bool obj_section_is_data(const struct obj_section *s);
struct btf_type;
int maps_btf_def(const struct btf *btf, struct obj_map *m, const struct btf_type *def,
		 struct xdpl_error *e);

/* mapinit.c: maps of maps, initial values of prog arrays and maps of maps, sizes. */
int mapinit_values_field(const struct btf *btf, struct obj_map *m, uint32_t type,
			 struct xdpl_error *e);
int mapinit_find(struct obj *obj, struct xdpl_error *e);
void mapinit_free(struct obj *obj);
int maps_fit(struct obj *obj, struct xdpl_error *e);
int mapinit_inner_create(const struct obj_map *m, struct xdpl_error *e);
struct obj_fds;
int mapinit_slots_fill(const struct obj *obj, const struct obj_fds *fds, uint32_t kind,
		       const int *prog_fds, struct xdpl_error *e);

/* object.c: what the container holds. */
int obj_open(struct obj *obj, const char *path, struct xdpl_error *e);

/*
 * Reading a file the user named (lib/file.c, file_read_bounded): opened without blocking, only a
 * regular file (or stdin, path NULL, read as a stream), at most max bytes,
 * and starting with magic (when magic_len) checked before the whole file is
 * read.  *buf is malloc'd, the caller frees it.
 */
#define OBJ_FILE_MAX ((size_t)256 << 20)   /* an object: 256 MiB */
#define RULES_FILE_MAX ((size_t)512 << 20) /* a rules file: 4 Mi rules of < 100 bytes */

struct file_limits {
	const char *step;      /* "elf", "rules": the message's first word */
	const char *what;      /* "an object": "the most an object may be" */
	size_t max;
	const char *magic;     /* or NULL */
	size_t magic_len;
	const char *bad_magic; /* the message when the magic is not there */
};

int file_read_bounded(const char *path, const struct file_limits *lim, uint8_t **buf, size_t *len,
	      struct xdpl_error *e);
int obj_open_mem(struct obj *obj, const char *name, const uint8_t *bytes, size_t size,
		 struct xdpl_error *e);
int obj_parse(struct obj *obj, struct xdpl_error *e); /* obj->buf, obj->size set */
void obj_free(struct obj *obj);
void obj_sections_log(const struct obj *obj); /* -v: what each section is */
const struct obj_prog *obj_prog_find(const struct obj *obj, const char *name);
const struct obj_func *obj_func_at(const struct obj *obj, uint32_t sec, uint32_t insn);
uint32_t obj_relocs_in(const struct obj *obj, uint32_t sec, uint32_t first_insn, uint32_t count,
		       const struct obj_reloc **first);
struct obj_var {
	const char *name;
	uint32_t map;    /* the data map holding it */
	uint32_t offset; /* where in the map's value */
	uint32_t size;
	uint32_t type;   /* BTF type id */
};

int obj_var_find(const struct obj *obj, const char *name, struct obj_var *var);
int obj_var_set(struct obj *obj, const char *name, const char *value, struct xdpl_error *e);
const char *obj_map_type_name(uint32_t type);

/* sections.c: the program type a section name asks for. */
void section_type(struct obj_prog *p);
void section_type_as(struct obj_prog *p, const struct obj_prog *like, const char *rule);
void sections_log(const struct obj *obj);
int section_loadable(const struct obj_prog *p, struct xdpl_error *e);
const char *obj_prog_type_name(const struct obj_prog *prog); /* "kprobe", "xdp/devmap" */
const char *obj_prog_kernel_type_name(uint32_t type); /* "sched_cls", as the kernel names it */
const char *obj_attach_type_name(uint32_t type);      /* "cgroup_inet4_connect" */

/* ---- one program as the kernel receives it (reloc.c) ---- */

struct core_relo;
struct core_note;

struct prog_image {
	struct bpf_insn *insns;
	uint32_t insn_cnt;
	uint8_t *func_info, *line_info; /* records as .BTF.ext has them, offsets in instructions */
	uint32_t func_info_cnt, line_info_cnt;
	uint32_t func_info_rec_size, line_info_rec_size;
	/* CO-RE (core.h): the records, insn_off in bytes of the image; the kernel gets them
	 * when it applies them itself (core_in_kernel), else core_prog.c has patched insns. */
	struct core_relo *core_relos;
	uint32_t core_relo_cnt;
	bool core_in_kernel;
	struct core_note *core_notes; /* one per record: the decision, for the verifier log */
};

struct externs_loaded;

int reloc_prog_build(const struct obj *obj, const struct obj_prog *prog, const int *map_fds,
		     const struct externs_loaded *externs, struct prog_image *img,
		     struct xdpl_error *e);
void reloc_prog_free(struct prog_image *img);

/* ---- loading (load.c, with btf_load.c, pin.c and vlog.c) ---- */

struct load_opts {
	const char *pin_dir;   /* where maps with pinning by name live */
	bool pin_reuse_only;   /* reuse pins that exist, but make no new ones (test --dev) */
	bool pin_none;         /* maps pinned by name are made private to this load (test) */
	unsigned int btf_lacks; /* BTF_FEAT_* to rewrite as if the kernel lacked them (tests) */
	const char *target_btf; /* CO-RE: relocate against this BTF file, not the kernel's */
	const char *kconfig;   /* .kconfig values from this file, not the running kernel's config */
};

struct core_state;

/* The kernel objects of one load but its programs: BTF and maps. */
struct obj_fds {
	int btf_fd;   /* -1 when the kernel has none of our BTF */
	struct core_state *core; /* how CO-RE is done for this load (core_prog.c); NULL: no records */
	unsigned int btf_missing; /* BTF_FEAT_* rewritten away for this kernel */
	int *map_fds; /* one per obj->maps */
	bool *map_pinned_here; /* we pinned it during this load: unpin on failure */
	bool *map_reused;      /* it came from a pin: its initial values are not ours to write */
	unsigned int pin_dir_created; /* levels of the directory made: remove them on failure */
	uint32_t nmaps;
	uint32_t *attach_btf_ids; /* one per obj->progs: the vmlinux BTF id it attaches to, or 0 */
	struct externs_loaded *externs; /* NULL when the object has none (load_externs) */
};

void load_init(struct obj_fds *fds);
bool load_memlock_lift(void); /* after an EPERM: true when a retry is worth it */
int load_btf(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
	     struct xdpl_error *e);
int load_externs(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
		 struct xdpl_error *e); /* externs_load.c: before load_maps */
int load_maps(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
	      struct xdpl_error *e);
/* One program, relocated against fds' maps: its fd (the caller's), or -errno. */
int load_prog(const struct obj *obj, const struct obj_prog *prog, const struct obj_fds *fds,
	      struct xdpl_error *e);
void load_close(struct obj_fds *fds);

/* attach_btf.c: the vmlinux BTF ids of tracing programs' targets, for those in load[]. */
int attach_btf_resolve(const struct obj *obj, const bool *load, uint32_t *ids,
		       struct xdpl_error *e);
/* core_prog.c: CO-RE for this load (the relocator itself is core.c, core.h) */
int core_prepare(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
		 struct xdpl_error *e);
int core_prog_apply(const struct obj *obj, const struct obj_prog *prog, const struct obj_fds *fds,
		    struct prog_image *img, struct xdpl_error *e);
void core_log_annotate(const struct prog_image *img, struct xdpl_error *e);
void core_state_free(struct core_state *s);

/* pin.c */
int load_pin_path(char *buf, size_t len, const char *dir, const char *name, struct xdpl_error *e);
int pin_dir_ready(const char *dir, int parents, unsigned int *created, struct xdpl_error *e);
int pin_reuse_check(const struct obj_map *m, const char *path, int fd, struct xdpl_error *e);
void load_unpin(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds);

/* vlog.c */
struct bpf_prog_load_attr;
int vlog_prog_load(struct bpf_prog_load_attr *attr, int first_err, struct xdpl_error *e);
void vlog_annotate(const struct obj *obj, const struct prog_image *img, struct xdpl_error *e);

/* ---- the public handles (obj.c): what the CLI's inspect may read through ---- */

struct xdpl_prog {
	struct xdpl_obj *obj;
	const struct obj_prog *desc; /* in obj->obj.progs */
	int fd;                      /* -1 until loaded */
	uint32_t id;
	bool autoload;
};

struct xdpl_map {
	struct xdpl_obj *obj;
	struct obj_map *desc;        /* in obj->obj.maps */
	uint32_t index;
	void *mem;                   /* xdpl_map_mmap(): its value, mapped; NULL until then */
	size_t mem_size;
};

struct xdpl_obj {
	struct obj obj;              /* what the file describes */
	char *name;
	struct obj_fds fds;          /* BTF and maps, once loaded */
	struct load_opts load;       /* what the load was given; pin_dir is ours */
	struct xdpl_prog *progs;     /* one per obj.progs */
	struct xdpl_map *maps;       /* one per obj.maps */
	bool loaded;
};

/* ---- rtnetlink (netlink.c) and the attach policy on it (xdp.c) ---- */

/* RTM_SETLINK IFLA_XDP: prog_fd -1 clears; with XDP_FLAGS_REPLACE,
 * expected_fd is the program the kernel must find there. */
int nl_xdp_set(struct xdpl_nl *nl, int ifindex, int prog_fd, uint32_t flags, int expected_fd,
	       struct xdpl_error *e);
uint32_t xdp_mode_flag(enum xdpl_xdp_mode mode); /* XDP_FLAGS_*_MODE, 0 for AUTO */

#endif
