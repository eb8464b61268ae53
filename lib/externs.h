/* SPDX-License-Identifier: MIT */
/*
 * externs.h - symbols an object uses but does not define, and the pieces
 * that give them their values on the running kernel:
 *
 *   externs.c       the object's externs (parse step, no syscalls): which are
 *                   .kconfig values, untyped or typed .ksyms, kfuncs; the
 *                   .kconfig map; their BTF made acceptable to the kernel;
 *                   the instructions that use them, patched
 *   inflate.c       gzip and deflate (RFC 1952, RFC 1951): /proc/config.gz without zlib
 *   kconfig.c       a kernel config's text -> typed .kconfig values; LINUX_KERNEL_VERSION
 *   kallsyms.c      /proc/kallsyms text -> the addresses of untyped ksyms
 *   ksym.c          the kernel's BTF (vmlinux, modules) -> BTF ids of typed ksyms and kfuncs
 *   externs_load.c  the load step: reads the config, kallsyms and kernel BTF
 *                   and resolves every extern (load_externs)
 *
 * Only externs_load.c makes syscalls or reads files; the rest are pure and fuzzed.
 */
#ifndef XDPLOAD_EXTERNS_H
#define XDPLOAD_EXTERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/internal.h"

struct btf;
struct btf_type;
struct bpf_insn;

/* ---- the object's externs (externs.c) ---- */

enum extern_kind {
	EXTERN_KCONFIG,    /* .kconfig: a value in the .kconfig map, from the kernel's config */
	EXTERN_KSYM,       /* .ksyms variable of type void: an address from /proc/kallsyms */
	EXTERN_KSYM_TYPED, /* .ksyms variable with a type: a VAR in the kernel's BTF */
	EXTERN_KFUNC,      /* .ksyms function: a FUNC in the kernel's BTF that BPF may call */
};

enum kconfig_type {
	KCONFIG_BOOL,     /* bool: y 1, n 0 */
	KCONFIG_TRISTATE, /* enum libbpf_tristate: n 0, y 1, m 2 */
	KCONFIG_CHAR,     /* a 1-byte integer: the letter y, n or m, or a number */
	KCONFIG_INT,      /* 1, 2, 4 or 8 bytes, signed or not */
	KCONFIG_STRING,   /* char[N]: a quoted value, NUL-terminated, cut to fit */
};

struct obj_extern {
	const char *name;
	uint32_t kind; /* enum extern_kind */
	bool weak;     /* may be missing: zero, or a poisoned call */
	uint32_t btf_id;  /* its VAR or FUNC in the object's BTF */
	uint32_t type_id; /* the variable's type, or the function's FUNC_PROTO */
	/* EXTERN_KCONFIG: where its value lives in the .kconfig map, and how it is written */
	uint32_t kconfig_type; /* enum kconfig_type */
	uint32_t offset, size;
	bool is_signed;
};

/* Libbpf's constant for a call to a missing weak kfunc: "call unknown#2002000000+index". */
#define EXTERN_POISON_KFUNC 2002000000

int externs_find(struct obj *obj, struct xdpl_error *e);
int externs_reloc(const struct obj *obj, bool is_call, struct obj_reloc *r, struct xdpl_error *e);
const char *extern_kind_name(uint32_t kind);

/* What load_externs found for each extern, as the instruction patch needs it. */
struct extern_value {
	bool found;
	uint64_t addr;    /* EXTERN_KSYM: the address in /proc/kallsyms */
	uint32_t btf_id;  /* KSYM_TYPED, KFUNC: the VAR or FUNC id in the kernel's BTF */
	int btf_fd;       /* ... in a module's BTF: its fd (ld_imm64); 0 for vmlinux */
	int16_t fd_index; /* KFUNC calls: that fd's index in fd_array; 0 for vmlinux */
};

struct externs_loaded {
	struct extern_value *values; /* one per obj->externs */
	uint8_t *kconfig;            /* the .kconfig map's value */
	uint32_t kconfig_size;
	int *fd_array;               /* module BTF fds for kfunc calls; [0] unused, owned */
	uint32_t fd_array_cnt;
};

int extern_insn_patch(const struct obj *obj, const struct obj_reloc *r, struct bpf_insn *insn,
		      const struct externs_loaded *ext, const char *prog, uint32_t at,
		      struct xdpl_error *e);
void externs_log_explain(const struct obj *obj, const char *log, char *where, size_t len);

/* ---- the load step (externs_load.c) ---- */

void externs_loaded_free(struct externs_loaded *ext);

/* ---- gzip and deflate (inflate.c) ---- */

#define INFLATE_MAX_CONFIG (64U << 20) /* far above any kernel config (a few hundred KB) */

int inflate_raw(const uint8_t *in, size_t in_len, size_t max_out, const char *what,
		uint8_t **out, size_t *out_len, size_t *in_used, struct xdpl_error *e);
int gzip_inflate(const uint8_t *in, size_t len, size_t max_out, const char *what, uint8_t **out,
		 size_t *out_len, struct xdpl_error *e);
uint32_t gzip_crc32(uint32_t crc, const uint8_t *p, size_t n);

/* ---- kernel config (kconfig.c) ---- */

struct kconfig_found {
	uint32_t line;  /* the config line that gave the value; 0: none did */
	bool truncated; /* KCONFIG_STRING: cut to fit its char array */
};

int kconfig_type_of(const struct btf *btf, uint32_t type_id, uint32_t *type, uint32_t *size,
		    bool *is_signed);
int kconfig_parse(const char *text, size_t len, const char *what, const struct obj_extern *ext,
		  uint32_t n, uint8_t *data, uint32_t data_size, struct kconfig_found *found,
		  struct xdpl_error *e);
int kconfig_value_set(const struct obj_extern *x, uint8_t *data, uint32_t data_size,
		      uint64_t value, bool negative, const char *what, struct xdpl_error *e);
uint32_t kconfig_kernel_version(const char *signature, const char *release, const char *version);

/* ---- /proc/kallsyms (kallsyms.c) ---- */

struct kallsyms_want {
	const char *name;
	uint64_t addr;
	uint32_t seen;      /* lines with this name */
	uint64_t other;     /* a second, different address, when seen twice */
};

int kallsyms_scan(const char *text, size_t len, size_t *used, struct kallsyms_want *want,
		  uint32_t n, uint64_t *nonzero, struct xdpl_error *e);

/* ---- the kernel's BTF (ksym.c) ---- */

struct kernel_btf {
	char name[64];  /* "vmlinux", or the module's name */
	int fd;         /* a module's BTF object, for fd_array and ld_imm64; -1 for vmlinux */
	uint8_t *data;  /* the raw BTF, owned */
	uint32_t size;
	const struct kernel_btf *base; /* a module's BTF is split BTF on top of vmlinux's */
	uint32_t first_id, nr_types;   /* its own ids: first_id .. first_id + nr_types - 1 */
	uint32_t *offsets;             /* each own type's offset in data */
	const char *strs;
	uint32_t strs_len, strs_first; /* own string offsets start after the base's */
};

int kernel_btf_parse(struct kernel_btf *kb, const struct kernel_btf *base, struct xdpl_error *e);
void kernel_btf_free(struct kernel_btf *kb);
const struct btf_type *kernel_btf_type(const struct kernel_btf *kb, uint32_t id);
const char *kernel_btf_str(const struct kernel_btf *kb, uint32_t off);
int kernel_btf_find(const struct kernel_btf *kb, uint32_t kind, const char *name, size_t len);
bool ksym_types_compat(const struct btf *local, uint32_t local_id, const struct kernel_btf *kb,
		       uint32_t target_id);
size_t ksym_essential_len(const char *name);

#endif
