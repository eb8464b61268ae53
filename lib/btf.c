// SPDX-License-Identifier: MIT
/*
 * btf.c - reads an object's .BTF and .BTF.ext, checks every byte of them,
 * answers questions about types (size, name, what a typedef means), and
 * rewrites kinds an older kernel does not know into kinds it does.
 *
 * Validation mirrors the kernel's own checks closely enough that a refusal
 * here names the type and the rule instead of an EINVAL from BPF_BTF_LOAD:
 * header and section bounds, terminated strings, every kind's trailing data
 * within the type section, every name offset and type id in range.  Nothing
 * here makes a syscall or prints; see btf.h for the format.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/btf.h"

#define MAX_RESOLVE_DEPTH 32

static const char *const kind_names[] = {
	"UNKNOWN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF",
	"VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT",
	"DECL_TAG", "TYPE_TAG", "ENUM64",
};

const char *btf_kind_name(uint32_t kind)
{
	return kind <= BTF_KIND_MAX ? kind_names[kind] : "?";
}

const char *btf_str(const struct btf *btf, uint32_t off)
{
	return off < btf->strs_len ? btf->strs + off : "?";
}

const struct btf_type *btf_type_by_id(const struct btf *btf, uint32_t id)
{
	return id >= 1 && id <= btf->nr_types ? btf->types[id] : NULL;
}

/* Bytes of kind-specific data after a btf_type; -1 for a kind we do not know. */
static int64_t kind_data_size(const struct btf_type *t)
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
		return (int64_t)(vlen * sizeof(struct btf_member));
	case BTF_KIND_ENUM:
		return (int64_t)(vlen * sizeof(struct btf_enum));
	case BTF_KIND_FUNC_PROTO:
		return (int64_t)(vlen * sizeof(struct btf_param));
	case BTF_KIND_DATASEC:
		return (int64_t)(vlen * sizeof(struct btf_var_secinfo));
	case BTF_KIND_ENUM64:
		return (int64_t)(vlen * sizeof(struct btf_enum64));
	}
	return -1;
}

#define TYPE_FMT "btf: type %u (%s %s)"
#define TYPE_ARGS(id, t) (id), btf_kind_name(btf_kind(t)), btf_str(btf, (t)->name_off)

static int check_ref(const struct btf *btf, uint32_t id, const struct btf_type *t, uint32_t ref,
		     const char *what, struct xdpl_error *e)
{
	if (ref <= btf->nr_types)
		return 0;
	return err_set(e, -EINVAL, TYPE_FMT ": %s refers to type %u, past the last type %u",
		       TYPE_ARGS(id, t), what, ref, btf->nr_types);
}

static int check_name(const struct btf *btf, uint32_t id, const struct btf_type *t, uint32_t off,
		      const char *what, struct xdpl_error *e)
{
	if (off < btf->strs_len)
		return 0;
	return err_set(e, -EINVAL, "btf: type %u (%s): %s name offset %u is past the %u-byte string section",
		       id, btf_kind_name(btf_kind(t)), what, off, btf->strs_len);
}

/* The rules of one type: names and ids in range, sizes that make sense. */
static int check_type(const struct btf *btf, uint32_t id, struct xdpl_error *e)
{
	const struct btf_type *t = btf->types[id];
	uint32_t vlen = btf_vlen(t), kind = btf_kind(t);
	int err = check_name(btf, id, t, t->name_off, "its", e);

	if (err)
		return err;
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t enc = *(const uint32_t *)btf_type_data(t);
		uint32_t bits = enc & 0xff, offset = (enc >> 16) & 0xff;

		if ((t->size_or_type != 1 && t->size_or_type != 2 && t->size_or_type != 4 &&
		     t->size_or_type != 8 && t->size_or_type != 16) ||
		    bits + offset > t->size_or_type * 8 || bits == 0)
			return err_set(e, -EINVAL, TYPE_FMT ": %u bits at bit %u do not fit its %u bytes",
				       TYPE_ARGS(id, t), bits, offset, t->size_or_type);
		return 0;
	}
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return check_ref(btf, id, t, t->size_or_type, "it", e);
	case BTF_KIND_FUNC: {
		const struct btf_type *proto = btf_type_by_id(btf, t->size_or_type);

		if (!proto || btf_kind(proto) != BTF_KIND_FUNC_PROTO || vlen > 2)
			return err_set(e, -EINVAL, TYPE_FMT ": needs a FUNC_PROTO and linkage 0-2, has type %u and linkage %u",
				       TYPE_ARGS(id, t), t->size_or_type, vlen);
		return 0;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_type_data(t);

		err = check_ref(btf, id, t, a->type, "its element", e);
		return err ? err : check_ref(btf, id, t, a->index_type, "its index", e);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_type_data(t);

		for (uint32_t i = 0; i < vlen && !err; i++) {
			err = check_name(btf, id, t, m[i].name_off, "a member's", e);
			if (!err)
				err = check_ref(btf, id, t, m[i].type, "a member", e);
		}
		return err;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		/* btf_enum and btf_enum64 both start with the name offset. */
		size_t step = kind == BTF_KIND_ENUM ? sizeof(struct btf_enum) : sizeof(struct btf_enum64);
		const uint8_t *en = btf_type_data(t);

		if (t->size_or_type != 1 && t->size_or_type != 2 && t->size_or_type != 4 &&
		    t->size_or_type != 8)
			return err_set(e, -EINVAL, TYPE_FMT ": size %u is not 1, 2, 4 or 8 bytes",
				       TYPE_ARGS(id, t), t->size_or_type);
		for (uint32_t i = 0; i < vlen && !err; i++)
			err = check_name(btf, id, t, *(const uint32_t *)(en + i * step), "an enumerator's", e);
		return err;
	}
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_type_data(t);

		err = check_ref(btf, id, t, t->size_or_type, "its return", e);
		for (uint32_t i = 0; i < vlen && !err; i++) {
			err = check_name(btf, id, t, p[i].name_off, "a parameter's", e);
			if (!err)
				err = check_ref(btf, id, t, p[i].type, "a parameter", e);
		}
		return err;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_type_data(t);

		for (uint32_t i = 0; i < vlen; i++) {
			const struct btf_type *var = btf_type_by_id(btf, v[i].type);

			if (!var || (btf_kind(var) != BTF_KIND_VAR && btf_kind(var) != BTF_KIND_FUNC))
				return err_set(e, -EINVAL, TYPE_FMT ": entry %u refers to type %u, not a variable",
					       TYPE_ARGS(id, t), i, v[i].type);
		}
		return 0;
	}
	}
	return 0;
}

int btf_parse(struct btf **out, const uint8_t *data, uint64_t size, struct xdpl_error *e)
{
	return btf_parse_split(out, NULL, data, size, e);
}

/*
 * Split BTF (a module's, in /sys/kernel/btf/MODULE) continues its base: its
 * type ids start after the base's last, and its string offsets after the
 * base's strings.  The result holds both, so that every lookup stays one
 * index: types[] points into the base for the base's ids, and the strings
 * are the base's followed by its own.  The base must outlive it.
 */
static int parse(struct btf **out, const struct btf *base, const uint8_t *data, uint64_t size,
		 bool view, struct xdpl_error *e);

int btf_parse_split(struct btf **out, const struct btf *base, const uint8_t *data, uint64_t size,
		    struct xdpl_error *e)
{
	return parse(out, base, data, size, false, e);
}

/*
 * Target BTF (btf_target.c) is only read, and vmlinux's is 5 MB: a view
 * reads the types where they are, in the caller's bytes, instead of a copy.
 */
int btf_parse_view(struct btf **out, const struct btf *base, const uint8_t *data, uint64_t size,
		   struct xdpl_error *e)
{
	return parse(out, base, data, size, ((uintptr_t)data & 3) == 0, e);
}

static int parse(struct btf **out, const struct btf *base, const uint8_t *data, uint64_t size,
		 bool view, struct xdpl_error *e)
{
	uint8_t *types;
	uint32_t base_types = base ? base->nr_types : 0, base_strs = base ? base->strs_len : 0;
	struct btf_header h;
	struct btf *btf;
	uint32_t off, n = 0;
	int err = 0;

	*out = NULL;
	if (size < sizeof(h))
		return err_set(e, -EINVAL, "btf: .BTF is %llu bytes, shorter than its header",
			       (unsigned long long)size);
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC || h.version != 1)
		return err_set(e, -EINVAL, "btf: .BTF has magic 0x%x version %u, not 0xeb9f version 1",
			       h.magic, h.version);
	/*
	 * Types are read in place, so they must be 4-byte aligned; and they must
	 * end before the strings start, as the kernel requires, or fixing up a
	 * type could unterminate a string.
	 */
	if (h.hdr_len < sizeof(h) || h.hdr_len > size || h.hdr_len % 4 || h.type_off % 4 ||
	    h.type_off > size - h.hdr_len || h.type_len > size - h.hdr_len - h.type_off ||
	    h.str_off > size - h.hdr_len || h.str_len > size - h.hdr_len - h.str_off ||
	    h.type_len % 4 || h.type_off + h.type_len > h.str_off)
		return err_set(e, -EINVAL,
			       "btf: .BTF header (length %u, types %u+%u, strings %u+%u) does not lay out aligned types, then strings, in its %llu bytes",
			       h.hdr_len, h.type_off, h.type_len, h.str_off, h.str_len,
			       (unsigned long long)size);
	/* A split BTF's strings continue the base's: they need not start with NUL. */
	if ((!base && (h.str_len == 0 || data[h.hdr_len + h.str_off] != '\0')) ||
	    (h.str_len && data[h.hdr_len + h.str_off + h.str_len - 1] != '\0') ||
	    (uint64_t)base_strs + h.str_len > UINT32_MAX)
		return err_set(e, -EINVAL,
			       "btf: the %u-byte string section must start and end with NUL (truncated?)",
			       h.str_len);

	btf = calloc(1, sizeof(*btf));
	if (!btf)
		goto nomem;
	/* Split: the blob (unless a view), then the base's strings and its own, joined. */
	if (!view || base) {
		btf->data = malloc((view ? 0 : size) + (base ? (size_t)base_strs + h.str_len : 0));
		if (!btf->data)
			goto nomem;
	}
	if (!view)
		memcpy(btf->data, data, size);
	/* A view's types are never written: only an object's own BTF is fixed up. */
	types = (view ? (uint8_t *)(uintptr_t)data : btf->data) + h.hdr_len + h.type_off;
	btf->size = (uint32_t)size;
	btf->strs = (const char *)types - h.type_off + h.str_off;
	btf->strs_len = h.str_len;
	if (base) {
		char *strs = (char *)btf->data + (view ? 0 : size);

		memcpy(strs, base->strs, base_strs);
		memcpy(strs + base_strs, data + h.hdr_len + h.str_off, h.str_len);
		btf->strs = strs;
		btf->strs_len = base_strs + h.str_len;
		btf->base = base;
		btf->start_id = base_types + 1;
	}

	/* Walk once to count and bound every type, then index them by id. */
	for (int pass = 0; pass < 2; pass++) {
		for (off = 0, n = 0; off < h.type_len; n++) {
			struct btf_type *t = (struct btf_type *)(types + off);
			int64_t extra;

			if (h.type_len - off < sizeof(*t)) {
				err = err_set(e, -EINVAL, "btf: type %u: header cut off by the end of the type section",
					      base_types + n + 1);
				goto out;
			}
			extra = kind_data_size(t);
			if (extra < 0 || btf_kind(t) == BTF_KIND_UNKN) {
				err = err_set(e, -EINVAL, "btf: type %u has unknown kind %u", base_types + n + 1,
					      btf_kind(t));
				goto out;
			}
			if ((uint64_t)extra > h.type_len - off - sizeof(*t)) {
				err = err_set(e, -EINVAL,
					      "btf: type %u (%s): %u entries run past the end of the type section",
					      base_types + n + 1, btf_kind_name(btf_kind(t)), btf_vlen(t));
				goto out;
			}
			if (pass)
				btf->types[base_types + n + 1] = t;
			off += sizeof(*t) + (uint32_t)extra;
		}
		if (!pass) {
			if (n > UINT32_MAX - 1 - base_types) {
				err = err_set(e, -EINVAL, "btf: too many types");
				goto out;
			}
			btf->nr_types = base_types + n;
			btf->types = calloc((size_t)btf->nr_types + 1, sizeof(*btf->types));
			if (!btf->types)
				goto nomem;
			if (base)
				memcpy(btf->types + 1, base->types + 1, base_types * sizeof(*btf->types));
		}
	}
	for (uint32_t id = base_types + 1; id <= btf->nr_types && !err; id++)
		err = check_type(btf, id, e);
out:
	if (err)
		btf_free(btf);
	else
		*out = btf;
	return err;
nomem:
	btf_free(btf);
	return err_set(e, -ENOMEM, "btf: out of memory");
}

/* One info block of .BTF.ext: record size, then per section name, count, records. */
static int ext_info_parse(struct btf *btf, struct btf_ext_info *info, const uint8_t *p,
			  uint32_t len, uint32_t min_rec, const char *what, struct xdpl_error *e)
{
	uint32_t off = 4;

	if (len == 0)
		return 0;
	if (len < 4)
		return err_set(e, -EINVAL, "btf: .BTF.ext %s is %u bytes, too short for its record size",
			       what, len);
	memcpy(&info->rec_size, p, 4);
	if (info->rec_size < min_rec || info->rec_size % 4)
		return err_set(e, -EINVAL, "btf: .BTF.ext %s record size %u is not a multiple of 4 of at least %u",
			       what, info->rec_size, min_rec);
	while (off < len) {
		uint32_t head[2];
		struct btf_ext_section *grown, *s;

		if (len - off < sizeof(head))
			return err_set(e, -EINVAL, "btf: .BTF.ext %s: section header cut off at byte %u",
				       what, off);
		memcpy(head, p + off, sizeof(head));
		off += sizeof(head);
		if (head[0] >= btf->strs_len)
			return err_set(e, -EINVAL, "btf: .BTF.ext %s: section name offset %u is past the string section",
				       what, head[0]);
		if (head[1] == 0 || head[1] > (len - off) / info->rec_size)
			return err_set(e, -EINVAL, "btf: .BTF.ext %s: section %s claims %u records, which do not fit",
				       what, btf_str(btf, head[0]), head[1]);
		grown = realloc(info->secs, (info->nsecs + 1) * sizeof(*grown));
		if (!grown)
			return err_set(e, -ENOMEM, "btf: out of memory");
		info->secs = grown;
		s = &info->secs[info->nsecs++];
		s->name = btf_str(btf, head[0]);
		s->records = p + off;
		s->count = head[1];
		off += head[1] * info->rec_size;
	}
	return 0;
}

static int ext_records_check(const struct btf *btf, const struct btf_ext_info *info, bool lines,
			     struct xdpl_error *e)
{
	for (uint32_t i = 0; i < info->nsecs; i++) {
		const struct btf_ext_section *s = &info->secs[i];

		for (uint32_t r = 0; r < s->count; r++) {
			uint32_t rec[4];

			memcpy(rec, s->records + (size_t)r * info->rec_size, lines ? 16 : 8);
			if (rec[0] % 8)
				return err_set(e, -EINVAL, "btf: .BTF.ext %s of %s: record %u offset %u is not at an instruction",
					       lines ? "line_info" : "func_info", s->name, r, rec[0]);
			if (!lines && (!btf_type_by_id(btf, rec[1]) ||
				       btf_kind(btf_type_by_id(btf, rec[1])) != BTF_KIND_FUNC))
				return err_set(e, -EINVAL, "btf: .BTF.ext func_info of %s: record %u names type %u, not a FUNC",
					       s->name, r, rec[1]);
			if (lines && (rec[1] >= btf->strs_len || rec[2] >= btf->strs_len))
				return err_set(e, -EINVAL, "btf: .BTF.ext line_info of %s: record %u has a name past the string section",
					       s->name, r);
		}
	}
	return 0;
}

int btf_ext_parse(struct btf *btf, const uint8_t *data, uint64_t size, struct xdpl_error *e)
{
	uint32_t h[8] = { 0 }; /* magic/version/flags, hdr_len, func off/len, line off/len, core off/len */
	const uint8_t *body;
	uint32_t body_len;
	int err;

	if (size < 24)
		return err_set(e, -EINVAL, "btf: .BTF.ext is %llu bytes, shorter than its header",
			       (unsigned long long)size);
	memcpy(h, data, size < sizeof(h) ? size : sizeof(h));
	if ((h[0] & 0xffff) != BTF_MAGIC || ((h[0] >> 16) & 0xff) != 1)
		return err_set(e, -EINVAL, "btf: .BTF.ext has magic 0x%x version %u, not 0xeb9f version 1",
			       h[0] & 0xffff, (h[0] >> 16) & 0xff);
	if (h[1] < 24 || h[1] > size || h[1] % 4)
		return err_set(e, -EINVAL, "btf: .BTF.ext header length %u is not a multiple of 4 within its %llu bytes",
			       h[1], (unsigned long long)size);
	if (h[1] < 32)
		h[6] = h[7] = 0;
	btf->ext = malloc(size);
	if (!btf->ext)
		return err_set(e, -ENOMEM, "btf: out of memory");
	memcpy(btf->ext, data, size);
	body = btf->ext + h[1];
	body_len = (uint32_t)(size - h[1]);
	for (int i = 2; i < 8; i += 2)
		if (h[i] % 4 || h[i] > body_len || h[i + 1] > body_len - h[i])
			return err_set(e, -EINVAL, "btf: .BTF.ext block %d at %u+%u lies outside its %u bytes",
				       i / 2, h[i], h[i + 1], body_len);
	err = ext_info_parse(btf, &btf->func_info, body + h[2], h[3], 8, "func_info", e);
	if (!err)
		err = ext_info_parse(btf, &btf->line_info, body + h[4], h[5], 16, "line_info", e);
	if (!err)
		err = ext_records_check(btf, &btf->func_info, false, e);
	if (!err)
		err = ext_records_check(btf, &btf->line_info, true, e);
	if (!err)
		err = ext_info_parse(btf, &btf->core_relo, body + h[6], h[7], 16, "core_relo", e);
	return err;
}

void btf_free(struct btf *btf)
{
	if (!btf)
		return;
	free(btf->data);
	free(btf->types);
	free(btf->func_info.secs);
	free(btf->line_info.secs);
	free(btf->core_relo.secs);
	free(btf->ext);
	free(btf);
}

/* Follow typedefs and qualifiers to the type that has a shape. */
uint32_t btf_skip_modifiers(const struct btf *btf, uint32_t id)
{
	for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
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

int btf_type_size(const struct btf *btf, uint32_t id, uint64_t *size)
{
	uint64_t mult = 1;

	for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
		const struct btf_type *t = btf_type_by_id(btf, id);

		if (!t)
			return -EINVAL;
		switch (btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FLOAT:
		case BTF_KIND_DATASEC:
			/* mult < 2^32 and size_or_type < 2^32: the product fits in 64 bits. */
			*size = mult * t->size_or_type;
			return 0;
		case BTF_KIND_PTR:
			*size = mult * 8;
			return 0;
		case BTF_KIND_ARRAY: {
			const struct btf_array *a = btf_type_data(t);

			if (a->nelems && mult > UINT32_MAX / a->nelems)
				return -EOVERFLOW;
			mult *= a->nelems;
			id = a->type;
			break;
		}
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			id = t->size_or_type;
			break;
		default:
			return -EINVAL;
		}
	}
	return -ELOOP;
}

int btf_find(const struct btf *btf, uint32_t kind, const char *name)
{
	for (uint32_t id = 1; id <= btf->nr_types; id++)
		if (btf_kind(btf->types[id]) == kind &&
		    !strcmp(btf_str(btf, btf->types[id]->name_off), name))
			return (int)id;
	return -ENOENT;
}

/* A C-like spelling of a type for people: "struct iphdr", "__u32", "char[16]". */
void btf_type_describe(const struct btf *btf, uint32_t id, char *buf, size_t len)
{
	char suffix[64] = "";
	const char *prefix = "";

	for (int depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
		const struct btf_type *t = btf_type_by_id(btf, id);
		const char *name;

		if (!t) {
			snprintf(buf, len, "void%s", suffix);
			return;
		}
		name = btf_str(btf, t->name_off);
		switch (btf_kind(t)) {
		case BTF_KIND_PTR:
			snprintf(suffix + strlen(suffix), sizeof(suffix) - strlen(suffix), " *");
			id = t->size_or_type;
			continue;
		case BTF_KIND_ARRAY: {
			const struct btf_array *a = btf_type_data(t);

			snprintf(suffix + strlen(suffix), sizeof(suffix) - strlen(suffix), "[%u]",
				 a->nelems);
			id = a->type;
			continue;
		}
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			if (!*name) {
				prefix = btf_kind(t) == BTF_KIND_CONST ? "const " : prefix;
				id = t->size_or_type;
				continue;
			}
			break;
		case BTF_KIND_STRUCT:
			prefix = "struct ";
			break;
		case BTF_KIND_UNION:
			prefix = "union ";
			break;
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			prefix = "enum ";
			break;
		}
		snprintf(buf, len, "%s%s%s", prefix, *name ? name : "(anon)", suffix);
		return;
	}
	snprintf(buf, len, "?");
}
