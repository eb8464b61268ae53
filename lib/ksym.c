// SPDX-License-Identifier: MIT
/*
 * ksym.c - the kernel's own BTF, read just far enough to find typed ksyms
 * (a VAR: per-CPU variables) and kfuncs (a FUNC) by name and to check that
 * the object declared them with compatible types.  vmlinux's BTF is one
 * blob of 5 MB or more and 100 000+ types; a module's is split BTF, whose
 * ids and string offsets continue vmlinux's:
 *
 *   vmlinux:  header | types 1..N        | strings 0..S-1
 *   module:   header | types N+1..N+M    | strings S..S+T-1  (lower ids, offsets: vmlinux's)
 *
 * One pass bounds every type and records where each starts, so lookups by
 * id are direct; names are found by a scan of one kind's types.  Checks
 * are the ones a lookup depends on (every type inside the blob, every name
 * inside the strings); the kernel wrote this BTF, so the deeper rules
 * lib/btf.c enforces on objects are not repeated.  Once the CO-RE code
 * loads target BTF, both should share one reader.
 *
 * Pure: the caller reads the blobs (externs_load.c); no syscalls here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/btf.h"
#include "lib/externs.h"

#define COMPAT_DEPTH 32

/* Bytes of kind-specific data after a btf_type; -1 for a kind we do not know. */
static int64_t kind_extra(const struct btf_type *t)
{
	uint64_t vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM64:
	case BTF_KIND_DATASEC:
		return (int64_t)(vlen * 12);
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)(vlen * 8);
	}
	return -1;
}

int kernel_btf_parse(struct kernel_btf *kb, const struct kernel_btf *base, struct xdpl_error *e)
{
	struct btf_header h;
	const uint8_t *types;
	uint32_t n = 0, cap = 0;

	kb->base = base;
	kb->first_id = base ? base->first_id + base->nr_types : 1;
	kb->strs_first = base ? base->strs_first + base->strs_len : 0;
	if (kb->size < sizeof(h))
		return err_set(e, -EINVAL, "ksym: %s BTF is %u bytes, shorter than its header", kb->name,
			       kb->size);
	memcpy(&h, kb->data, sizeof(h));
	if (h.magic != BTF_MAGIC || h.version != 1 || h.hdr_len < sizeof(h) || h.hdr_len > kb->size ||
	    h.type_off % 4 || h.type_off > kb->size - h.hdr_len ||
	    h.type_len > kb->size - h.hdr_len - h.type_off || h.str_off > kb->size - h.hdr_len ||
	    h.str_len > kb->size - h.hdr_len - h.str_off || h.str_len == 0 ||
	    (h.hdr_len + h.type_off) % 4)
		return err_set(e, -EINVAL, "ksym: %s BTF has a header (magic 0x%x, version %u, types %u+%u, strings %u+%u) that does not fit its %u bytes",
			       kb->name, h.magic, h.version, h.type_off, h.type_len, h.str_off,
			       h.str_len, kb->size);
	kb->strs = (const char *)kb->data + h.hdr_len + h.str_off;
	kb->strs_len = h.str_len;
	if (kb->strs[h.str_len - 1] != '\0')
		return err_set(e, -EINVAL, "ksym: %s BTF: its strings do not end with a NUL", kb->name);
	types = kb->data + h.hdr_len + h.type_off;
	for (uint32_t off = 0; off < h.type_len; n++) {
		const struct btf_type *t = (const struct btf_type *)(types + off);
		int64_t extra;

		if (h.type_len - off < sizeof(*t) || (extra = kind_extra(t)) < 0 ||
		    (uint64_t)extra > h.type_len - off - sizeof(*t))
			return err_set(e, -EINVAL, "ksym: %s BTF: type %u at byte %u is cut off or of unknown kind",
				       kb->name, kb->first_id + n, off);
		if (n == cap) {
			uint32_t *grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(kb->offsets, cap * sizeof(*grown));
			if (!grown)
				return err_set(e, -ENOMEM, "ksym: out of memory indexing %s BTF", kb->name);
			kb->offsets = grown;
		}
		kb->offsets[n] = (uint32_t)(h.hdr_len + h.type_off + off);
		off += (uint32_t)(sizeof(*t) + (uint64_t)extra);
	}
	kb->nr_types = n;
	return 0;
}

void kernel_btf_free(struct kernel_btf *kb)
{
	free(kb->data);
	free(kb->offsets);
	kb->data = NULL;
	kb->offsets = NULL;
	kb->nr_types = 0;
}

/* Type 0 is void: NULL, as for an id that is no type. */
const struct btf_type *kernel_btf_type(const struct kernel_btf *kb, uint32_t id)
{
	while (kb && id < kb->first_id)
		kb = kb->base;
	if (!kb || id == 0 || id - kb->first_id >= kb->nr_types)
		return NULL;
	return (const struct btf_type *)(kb->data + kb->offsets[id - kb->first_id]);
}

const char *kernel_btf_str(const struct kernel_btf *kb, uint32_t off)
{
	while (kb && off < kb->strs_first)
		kb = kb->base;
	if (!kb || off - kb->strs_first >= kb->strs_len)
		return "?";
	return kb->strs + (off - kb->strs_first);
}

/* A type of this kind named exactly name[0..len) among kb's own types; -ENOENT if none. */
int kernel_btf_find(const struct kernel_btf *kb, uint32_t kind, const char *name, size_t len)
{
	for (uint32_t i = 0; i < kb->nr_types; i++) {
		const struct btf_type *t = (const struct btf_type *)(kb->data + kb->offsets[i]);
		const char *s;

		if (btf_kind(t) != kind)
			continue;
		s = kernel_btf_str(kb, t->name_off);
		if (s[0] == name[0] && !strncmp(s, name, len) && s[len] == '\0')
			return (int)(kb->first_id + i);
	}
	return -ENOENT;
}

/* A kfunc may be declared as name___flavour; the kernel knows it as name (libbpf's rule). */
size_t ksym_essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n; i >= 3; i--)
		if (!strncmp(name + i - 3, "___", 3))
			return i - 3;
	return n;
}

static uint32_t local_skip(const struct btf *btf, uint32_t id)
{
	for (int depth = 0; depth < COMPAT_DEPTH; depth++) {
		const struct btf_type *t = btf_type_by_id(btf, id);

		if (!t)
			return id;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->size_or_type;
			break;
		default:
			return id;
		}
	}
	return 0;
}

static uint32_t target_skip(const struct kernel_btf *kb, uint32_t id)
{
	for (int depth = 0; depth < COMPAT_DEPTH; depth++) {
		const struct btf_type *t = kernel_btf_type(kb, id);

		if (!t)
			return id;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->size_or_type;
			break;
		default:
			return id;
		}
	}
	return 0;
}

static bool is_enum(uint32_t kind)
{
	return kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64;
}

/*
 * libbpf's loose compatibility for ksym and kfunc declarations: past
 * typedefs and qualifiers the kinds agree (enum and enum64 alike); structs,
 * unions, enums and forward declarations agree by kind alone, integers too
 * unless one is a bitfield; pointers and arrays agree when what they point
 * to or hold does; function prototypes when return and every parameter do.
 * Nothing else does (floats included, as in libbpf).
 */
static bool compat(const struct btf *local, uint32_t lid, const struct kernel_btf *kb,
		   uint32_t tid, int depth)
{
	const struct btf_type *l, *t;

	if (depth <= 0)
		return false;
	lid = local_skip(local, lid);
	tid = target_skip(kb, tid);
	l = btf_type_by_id(local, lid);
	t = kernel_btf_type(kb, tid);
	if (!l || !t)
		return !l && !t && lid == 0 && tid == 0; /* both void */
	if (btf_kind(l) != btf_kind(t) && !(is_enum(btf_kind(l)) && is_enum(btf_kind(t))))
		return false;
	switch (btf_kind(l)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
		return true;
	case BTF_KIND_INT:
		return ((*(const uint32_t *)btf_type_data(l) >> 16) & 0xff) == 0 &&
		       ((*(const uint32_t *)btf_type_data(t) >> 16) & 0xff) == 0;
	case BTF_KIND_PTR:
		return compat(local, l->size_or_type, kb, t->size_or_type, depth - 1);
	case BTF_KIND_ARRAY:
		return compat(local, ((const struct btf_array *)btf_type_data(l))->type, kb,
			      ((const struct btf_array *)btf_type_data(t))->type, depth - 1);
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *lp = btf_type_data(l), *tp = btf_type_data(t);

		if (btf_vlen(l) != btf_vlen(t) ||
		    !compat(local, l->size_or_type, kb, t->size_or_type, depth - 1))
			return false;
		for (uint32_t i = 0; i < btf_vlen(l); i++)
			if (!compat(local, lp[i].type, kb, tp[i].type, depth - 1))
				return false;
		return true;
	}
	}
	return false;
}

bool ksym_types_compat(const struct btf *local, uint32_t local_id, const struct kernel_btf *kb,
		       uint32_t target_id)
{
	return compat(local, local_id, kb, target_id, COMPAT_DEPTH);
}
