/* SPDX-License-Identifier: MIT */
/*
 * btf.h - the BPF Type Format as it sits in an object's .BTF and .BTF.ext
 * sections, and what btf.c offers about it.
 *
 *   .BTF:  header | types: btf_type + kind data, ids 1..n in order | strings
 *
 *   btf_type (12 bytes)            then, by kind:
 *   +----------+------------------+  INT         u32 encoding/offset/bits
 *   | name_off | info: kflag:1    |  ARRAY       btf_array
 *   |          |  kind:5  vlen:16 |  STRUCT/UNION vlen x btf_member
 *   | size or type id             |  ENUM        vlen x btf_enum
 *   +-----------------------------+  FUNC_PROTO  vlen x btf_param
 *                                    VAR         u32 linkage
 *                                    DATASEC     vlen x btf_var_secinfo
 *                                    DECL_TAG    s32 component index
 *                                    ENUM64      vlen x btf_enum64
 *
 *   .BTF.ext: header | func_info | line_info | core_relo; each one:
 *     u32 record size, then per ELF section: name_off, count, records
 */
#ifndef XDPLOAD_BTF_H
#define XDPLOAD_BTF_H

#include <stdint.h>

#include "lib/internal.h"

#define BTF_MAGIC 0xeB9F

enum {
	BTF_KIND_UNKN, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_ARRAY, BTF_KIND_STRUCT,
	BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_FWD, BTF_KIND_TYPEDEF, BTF_KIND_VOLATILE,
	BTF_KIND_CONST, BTF_KIND_RESTRICT, BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_VAR,
	BTF_KIND_DATASEC, BTF_KIND_FLOAT, BTF_KIND_DECL_TAG, BTF_KIND_TYPE_TAG, BTF_KIND_ENUM64,
	BTF_KIND_MAX = BTF_KIND_ENUM64,
};

#define BTF_INT_SIGNED 1
#define BTF_INT_CHAR 2
#define BTF_INT_BOOL 4

struct btf_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t type_off;
	uint32_t type_len;
	uint32_t str_off;
	uint32_t str_len;
};

struct btf_type {
	uint32_t name_off;
	uint32_t info;
	uint32_t size_or_type;
};

struct btf_array {
	uint32_t type;
	uint32_t index_type;
	uint32_t nelems;
};

struct btf_member {
	uint32_t name_off;
	uint32_t type;
	uint32_t offset;
};

struct btf_enum {
	uint32_t name_off;
	int32_t val;
};

struct btf_param {
	uint32_t name_off;
	uint32_t type;
};

struct btf_var_secinfo {
	uint32_t type;
	uint32_t offset;
	uint32_t size;
};

struct btf_enum64 {
	uint32_t name_off;
	uint32_t val_lo32;
	uint32_t val_hi32;
};

static inline uint32_t btf_kind(const struct btf_type *t) { return (t->info >> 24) & 0x1f; }
static inline uint32_t btf_vlen(const struct btf_type *t) { return t->info & 0xffff; }
static inline int btf_kflag(const struct btf_type *t) { return t->info >> 31; }
static inline void *btf_type_data(const struct btf_type *t) { return (void *)(t + 1); }

/* One ELF section's records in .BTF.ext (func_info or line_info). */
struct btf_ext_section {
	const char *name;
	const uint8_t *records;
	uint32_t count;
};

struct btf_ext_info {
	uint32_t rec_size;
	struct btf_ext_section *secs;
	uint32_t nsecs;
};

/* The fields of line_info records that we read (insn_off is in bytes in the file). */
struct btf_line_info {
	uint32_t insn_off;
	uint32_t file_name_off;
	uint32_t line_off;
	uint32_t line_col; /* line << 10 | column */
};

struct btf {
	uint8_t *data; /* our own copy of .BTF, patched by the fixups (a view: NULL, or joined strings) */
	uint32_t size;
	const char *strs;
	uint32_t strs_len;
	uint32_t nr_types; /* valid ids: 1..nr_types; 0 is void */
	struct btf_type **types; /* by id; [0] is NULL */
	struct btf_ext_info func_info, line_info, core_relo;
	uint8_t *ext; /* our copy of .BTF.ext */
	const struct btf *base; /* split BTF: the types and strings it continues */
	uint32_t start_id;      /* split BTF: its first own type id */
};

int btf_parse(struct btf **out, const uint8_t *data, uint64_t size, struct xdpl_error *e);
int btf_parse_split(struct btf **out, const struct btf *base, const uint8_t *data, uint64_t size,
		    struct xdpl_error *e);
/* The same, reading types in place: data must outlive the result, unchanged. */
int btf_parse_view(struct btf **out, const struct btf *base, const uint8_t *data, uint64_t size,
		   struct xdpl_error *e);
int btf_ext_parse(struct btf *btf, const uint8_t *data, uint64_t size, struct xdpl_error *e);
void btf_free(struct btf *btf);

const char *btf_str(const struct btf *btf, uint32_t off);
const char *btf_kind_name(uint32_t kind);
const struct btf_type *btf_type_by_id(const struct btf *btf, uint32_t id);
uint32_t btf_skip_modifiers(const struct btf *btf, uint32_t id); /* typedef, const, volatile... */
int btf_type_size(const struct btf *btf, uint32_t id, uint64_t *size);
int btf_find(const struct btf *btf, uint32_t kind, const char *name);
void btf_type_describe(const struct btf *btf, uint32_t id, char *buf, size_t len);

/*
 * Kernel features BTF may need that older kernels lack, oldest first; a set
 * bit means "missing".  A kernel that lacks one lacks every newer one too.
 */
enum btf_feature {
	BTF_FEAT_FUNC = 1 << 0,        /* FUNC and FUNC_PROTO (4.20) */
	BTF_FEAT_DATASEC = 1 << 1,     /* VAR and DATASEC (5.2) */
	BTF_FEAT_GLOBAL_FUNC = 1 << 2, /* FUNC linkage global (5.6) */
	BTF_FEAT_FLOAT = 1 << 3,       /* FLOAT (5.13) */
	BTF_FEAT_DECL_TAG = 1 << 4,    /* DECL_TAG (5.16) */
	BTF_FEAT_TYPE_TAG = 1 << 5,    /* TYPE_TAG (5.17) */
	BTF_FEAT_ENUM64 = 1 << 6,      /* ENUM64 (6.0) */
	BTF_FEAT_ALL = (1 << 7) - 1,
};

/* Every feature at least as new as the oldest missing one. */
static inline unsigned int btf_features_newer(unsigned int missing)
{
	return missing ? BTF_FEAT_ALL & ~((missing & -missing) - 1) : 0;
}

unsigned int btf_features_used(const struct btf *btf);
int btf_sanitized(const struct btf *btf, unsigned int missing, uint8_t **blob, uint32_t *size);
int btf_feature_blob(unsigned int feature, uint8_t **blob, uint32_t *size);

#endif
