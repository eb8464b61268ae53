/* SPDX-License-Identifier: MIT */
/*
 * core.h - CO-RE ("compile once, run everywhere"): an object built against
 * one kernel's types records, for every instruction that depends on a type's
 * layout, which type and which field path it meant; the loader rewrites
 * that instruction for the types of the kernel it runs on.
 *
 *   .BTF.ext core_relo record (16 bytes, struct bpf_core_relo in the uapi)
 *   +-----------+---------+----------------+------+
 *   | insn_off  | type_id | access_str_off | kind |   access: "0:2:1" =
 *   +-----------+---------+----------------+------+   root[0] .member 2 .member 1
 *
 * Two places do the rewriting, and the kernel decides which (core_prog.c):
 * kernels since 5.17 take the records with BPF_PROG_LOAD and apply them
 * against their own BTF; otherwise core.c does it here, against target BTF
 * that btf_target.c reads (vmlinux, a module's split BTF, or --btf FILE).
 * Both follow the same rules (libbpf's): candidates by essential name, the
 * name cut at its last "___" flavour, of a compatible kind; every candidate
 * must agree; an unresolvable relocation poisons its instruction.
 */
#ifndef XDPLOAD_CORE_H
#define XDPLOAD_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/btf.h"
#include "lib/internal.h"

enum core_kind {
	CORE_FIELD_BYTE_OFFSET = 0,
	CORE_FIELD_BYTE_SIZE = 1,
	CORE_FIELD_EXISTS = 2,
	CORE_FIELD_SIGNED = 3,
	CORE_FIELD_LSHIFT_U64 = 4,
	CORE_FIELD_RSHIFT_U64 = 5,
	CORE_TYPE_ID_LOCAL = 6,
	CORE_TYPE_ID_TARGET = 7,
	CORE_TYPE_EXISTS = 8,
	CORE_TYPE_SIZE = 9,
	CORE_ENUMVAL_EXISTS = 10,
	CORE_ENUMVAL_VALUE = 11,
	CORE_TYPE_MATCHES = 12,
	CORE_KIND_MAX = CORE_TYPE_MATCHES,
};

/*
 * What a poisoned instruction becomes: a call of helper 0xbad2310 ("bad
 * relo"), which no kernel has.  Dead code is dropped by the verifier; code
 * it reaches fails with "invalid func unknown#195896080".
 */
#define CORE_POISON_IMM 0xbad2310

struct core_relo {
	uint32_t insn_off; /* bytes: from the section's start in .BTF.ext, the image's in prog_image */
	uint32_t type_id;  /* the local root type */
	uint32_t access_str_off;
	uint32_t kind;     /* enum core_kind */
};

#define CORE_RELO_SIZE 16

/* Target types, indexed by essential name once (btf_target.c). */
struct core_target {
	const struct btf *btf;
	char name[64];      /* "vmlinux", a module, or the --btf file's base name, for messages */
	uint32_t *heads;    /* [hash & mask]: the first type id with that name hash, 0: none */
	uint32_t *next;     /* [id]: the next type id in the same chain */
	uint32_t mask;
};

/* What one relocation resolved to, for the patch and for people. */
struct core_decision {
	bool poison;
	bool validate;  /* the instruction must hold orig_val before the patch */
	bool memsz_bad; /* the field changed size and the access cannot follow it */
	uint64_t orig_val, new_val;
	uint32_t orig_sz, new_sz; /* bytes a field offset's load or store moves */
	uint32_t target_id;       /* the matched target type, 0 when none */
	const struct core_target *target;
	uint32_t candidates;      /* target types of the right name and kind */
	char spec[192];   /* the local access spelled out: "struct task_struct.se.vruntime" */
	char reason[256]; /* why it is poisoned, or why there is no target */
};

const char *core_kind_name(uint32_t kind);
bool core_kind_is_exists(uint32_t kind); /* *_EXISTS and TYPE_MATCHES: 0 instead of poison */

/* btf_target.c: where target types come from. */
int core_target_index(struct core_target *t, const struct btf *btf, const char *name,
		      struct xdpl_error *e);
void core_target_free(struct core_target *t);
/* A target BTF file and the bytes its types are read from (mapped or read). */
struct btf_file {
	struct btf *btf;
	uint8_t *bytes;
	size_t size;
	bool mapped;
};

int btf_target_read(const char *path, const struct btf *base, struct btf_file *f,
		    struct xdpl_error *e);
void btf_target_close(struct btf_file *f);

/*
 * Resolve one relocation of `local` (an object's BTF) against the targets,
 * searched in order until one has candidates (vmlinux first, then modules,
 * as the kernel does).  `where` starts every error message ("core: program
 * p: relocation #3").  An unresolvable relocation is not an error: it comes
 * back poisoned, or as 0 for the *_EXISTS kinds.  Errors are the object's
 * own faults and ambiguity: -EINVAL with a message.
 */
int core_relo_resolve(const struct btf *local, const struct core_relo *r,
		      const struct core_target *targets, uint32_t ntargets, const char *where,
		      struct core_decision *d, struct xdpl_error *e);

/* Rewrite instruction `at` of insns[0..cnt) as d says (poisoning it, or its value). */
int core_insn_patch(struct bpf_insn *insns, uint32_t cnt, uint32_t at, struct core_decision *d,
		    const char *where, struct xdpl_error *e);

/* The record's access string and local type spelled out, without resolving. */
void core_relo_describe(const struct btf *local, const struct core_relo *r, char *buf, size_t len);

/* "byte_off of struct s.a (0:1) -> 8 (was 4), vmlinux type 12", or "... poisoned: why". */
void core_decision_text(const struct btf *local, const struct core_relo *r,
			const struct core_decision *d, char *buf, size_t len);

/* What the verifier log needs of each record: where, and what became of it. */
struct core_note {
	uint32_t insn; /* image instruction */
	bool poisoned;
	char text[480];
};

/*
 * inspect --core: every record of the object resolved against target_btf
 * (NULL: /sys/kernel/btf/vmlinux), without loading anything.  `each` is
 * called once per record, in file order; err and msg say why a record
 * could not be resolved at all.
 */
struct core_explained {
	const char *section, *func; /* where the instruction is; func NULL when in none */
	uint32_t insn;              /* within the function (within the section when func is NULL) */
	uint32_t index;             /* the record's number within its section */
	const struct core_relo *rec;
	const struct core_decision *d;
	int err;
	const char *msg;
};

int core_obj_explain(const struct obj *obj, const char *target_btf,
		     void (*each)(const struct core_explained *x, void *ctx), void *ctx,
		     char *target_name, size_t name_len, struct xdpl_error *e);

#endif
