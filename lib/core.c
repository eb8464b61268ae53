// SPDX-License-Identifier: MIT
/*
 * core.c - the CO-RE relocator: what one relocation record means in the
 * object's own types (its local spec), which target types could be the same
 * type (candidates: the same essential name, a compatible kind), what the
 * record's value is in each candidate, and the instruction rewritten to it.
 *
 *   record  (type 7 "struct task_struct", "0:12:1", FIELD_BYTE_OFFSET)
 *     local spec   task_struct[0] .se (member 12) .vruntime (member 1)   -> offset 400
 *     candidates   task_struct, task_struct___old, ...  (target types named task_struct)
 *     each one     match the named members by name, through anonymous
 *                  structs and unions; arrays by index, within bounds
 *     decision     every candidate that matches must give the same value;
 *                  none matches: the instruction is poisoned (*_EXISTS: 0)
 *
 * The rules are libbpf's and the kernel's (tools/lib/bpf/relo_core.c, which
 * the kernel shares), so that both paths give the same instructions.  Nothing
 * here reads files or makes a syscall; it must never trust the records: type
 * ids, access strings and instruction offsets all come from the object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/core.h"

#define SPEC_MAX 64   /* accessors in one access string, as the kernel allows */
#define DEPTH_MAX 32  /* nesting followed when comparing types */

static const char *const kind_names[] = {
	"byte_off",	 "byte_sz",	  "field_exists",   "signed",	   "lshift_u64",
	"rshift_u64",	 "local_type_id", "target_type_id", "type_exists", "type_size",
	"enumval_exists", "enumval_value", "type_matches",
};

const char *core_kind_name(uint32_t kind)
{
	return kind <= CORE_KIND_MAX ? kind_names[kind] : "unknown";
}

bool core_kind_is_exists(uint32_t kind)
{
	return kind == CORE_FIELD_EXISTS || kind == CORE_TYPE_EXISTS ||
	       kind == CORE_ENUMVAL_EXISTS || kind == CORE_TYPE_MATCHES;
}

static bool kind_is_field(uint32_t kind)
{
	return kind <= CORE_FIELD_RSHIFT_U64;
}

static bool kind_is_type(uint32_t kind)
{
	return kind == CORE_TYPE_ID_LOCAL || kind == CORE_TYPE_ID_TARGET ||
	       kind == CORE_TYPE_EXISTS || kind == CORE_TYPE_SIZE || kind == CORE_TYPE_MATCHES;
}

static bool kind_is_enumval(uint32_t kind)
{
	return kind == CORE_ENUMVAL_EXISTS || kind == CORE_ENUMVAL_VALUE;
}

/* ---- types ---- */

static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id, uint32_t *out)
{
	id = btf_skip_modifiers(btf, id);
	if (out)
		*out = id;
	return btf_type_by_id(btf, id);
}

static bool is_composite(const struct btf_type *t)
{
	return t && (btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION);
}

static bool is_any_enum(const struct btf_type *t)
{
	return t && (btf_kind(t) == BTF_KIND_ENUM || btf_kind(t) == BTF_KIND_ENUM64);
}

/* The same kind, enum and enum64 counting as one. */
static bool kinds_compatible(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (is_any_enum(a) && is_any_enum(b));
}

static uint32_t member_bit_offset(const struct btf_type *t, uint32_t i)
{
	const struct btf_member *m = btf_type_data(t);

	return btf_kflag(t) ? m[i].offset & 0xffffff : m[i].offset;
}

static uint32_t member_bitfield_size(const struct btf_type *t, uint32_t i)
{
	const struct btf_member *m = btf_type_data(t);

	return btf_kflag(t) ? m[i].offset >> 24 : 0;
}

static uint32_t int_encoding(const struct btf_type *t)
{
	return *(const uint32_t *)btf_type_data(t) >> 24;
}

static uint32_t int_offset(const struct btf_type *t)
{
	return (*(const uint32_t *)btf_type_data(t) >> 16) & 0xff;
}

static uint32_t enum_name_off(const struct btf_type *t, uint32_t i)
{
	if (btf_kind(t) == BTF_KIND_ENUM)
		return ((const struct btf_enum *)btf_type_data(t))[i].name_off;
	return ((const struct btf_enum64 *)btf_type_data(t))[i].name_off;
}

/* An enumerator's value as the kernel reads it: a 32-bit one sign-extended. */
static uint64_t enum_value(const struct btf_type *t, uint32_t i)
{
	const struct btf_enum64 *e64;

	if (btf_kind(t) == BTF_KIND_ENUM)
		return (uint64_t)(int64_t)((const struct btf_enum *)btf_type_data(t))[i].val;
	e64 = (const struct btf_enum64 *)btf_type_data(t) + i;
	return (uint64_t)e64->val_hi32 << 32 | e64->val_lo32;
}

static int64_t type_size(const struct btf *btf, uint32_t id)
{
	uint64_t size;

	if (btf_type_size(btf, id, &size) || size > INT32_MAX)
		return -EINVAL;
	return (int64_t)size;
}

/* ---- names ---- */

/* "task_struct___old" -> 11: a flavour is "X___Y" with no underscore at X or Y. */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return i + 1;
	return n;
}

static bool essential_names_equal(const char *a, const char *b)
{
	size_t la = essential_len(a), lb = essential_len(b);

	return la == lb && !strncmp(a, b, la);
}

/* Two names match when their essential parts do; an anonymous one only an anonymous one. */
static bool names_match(const struct btf *a, uint32_t a_off, const struct btf *b, uint32_t b_off)
{
	const char *na = btf_str(a, a_off), *nb = btf_str(b, b_off);

	if (!*nb)
		return !*na;
	return essential_names_equal(na, nb);
}

/* ---- the local spec ---- */

struct access {
	uint32_t type_id; /* named member: its struct; array index: the element type */
	uint32_t idx;
	const char *name; /* NULL for an array index */
};

struct spec {
	const struct btf *btf;
	uint32_t root_id, kind;
	struct access acc[SPEC_MAX];
	uint32_t len;
	uint32_t raw[SPEC_MAX]; /* every index, anonymous members too */
	uint32_t raw_len;
	uint64_t bit_offset;
};

/* An array is flexible when it has no elements and is its struct's last member. */
static bool is_flex_array(const struct btf *btf, const struct access *outer, const struct btf_array *a)
{
	const struct btf_type *t;

	if (!outer->name || a->nelems)
		return false;
	t = btf_type_by_id(btf, outer->type_id);
	return t && outer->idx == btf_vlen(t) - 1;
}

static int access_parse(const char *s, uint32_t *raw, uint32_t *n)
{
	*n = 0;
	if (!*s)
		return -EINVAL;
	while (*s) {
		uint64_t v = 0;

		if (*s < '0' || *s > '9' || *n == SPEC_MAX)
			return -EINVAL;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (uint64_t)(*s++ - '0');
			if (v > UINT32_MAX)
				return -EINVAL;
		}
		raw[(*n)++] = (uint32_t)v;
		if (*s == ':' && s[1])
			s++;
		else if (*s)
			return -EINVAL;
	}
	return 0;
}

static int spec_parse(const struct btf *btf, const struct core_relo *r, struct spec *sp,
		      char *why, size_t len)
{
	const char *access = btf_str(btf, r->access_str_off);
	const struct btf_type *t;
	uint32_t id;
	int64_t sz;

	memset(sp, 0, sizeof(*sp));
	sp->btf = btf;
	sp->root_id = r->type_id;
	sp->kind = r->kind;
	if (r->access_str_off >= btf->strs_len || access_parse(access, sp->raw, &sp->raw_len)) {
		snprintf(why, len, "access string \"%.64s\" is not indexes joined by ':'", access);
		return -EINVAL;
	}
	t = skip_mods(btf, r->type_id, &id);
	if (!t) {
		snprintf(why, len, "type %u is not in the object's BTF", r->type_id);
		return -EINVAL;
	}
	if (kind_is_type(r->kind)) {
		if (sp->raw_len != 1 || sp->raw[0] != 0) {
			snprintf(why, len, "a type relocation's access string must be \"0\", not \"%.64s\"",
				 access);
			return -EINVAL;
		}
		return 0;
	}
	if (kind_is_enumval(r->kind)) {
		if (!is_any_enum(t) || sp->raw_len != 1 || sp->raw[0] >= btf_vlen(t)) {
			snprintf(why, len, "access \"%.64s\" is not an enumerator of type %u", access,
				 r->type_id);
			return -EINVAL;
		}
		sp->acc[0] = (struct access){ id, sp->raw[0], btf_str(btf, enum_name_off(t, sp->raw[0])) };
		sp->len = 1;
		return 0;
	}
	if (!kind_is_field(r->kind)) {
		snprintf(why, len, "kind %u is not a CO-RE relocation kind", r->kind);
		return -EINVAL;
	}
	sz = type_size(btf, id);
	if (sz < 0) {
		snprintf(why, len, "type %u has no size", id);
		return -EINVAL;
	}
	sp->acc[0] = (struct access){ id, sp->raw[0], NULL };
	sp->len = 1;
	sp->bit_offset = (uint64_t)sp->raw[0] * (uint64_t)sz * 8;
	for (uint32_t i = 1; i < sp->raw_len; i++) {
		uint32_t idx = sp->raw[i];

		t = skip_mods(btf, id, &id);
		if (!t)
			return -EINVAL;
		if (is_composite(t)) {
			const struct btf_member *m = btf_type_data(t);
			const char *name;

			if (idx >= btf_vlen(t)) {
				snprintf(why, len, "access \"%.64s\": index %u is past the %u members of type %u",
					 access, idx, btf_vlen(t), id);
				return -EINVAL;
			}
			sp->bit_offset += member_bit_offset(t, idx);
			name = btf_str(btf, m[idx].name_off);
			if (*name)
				sp->acc[sp->len++] = (struct access){ id, idx, name };
			id = m[idx].type;
		} else if (btf_kind(t) == BTF_KIND_ARRAY) {
			const struct btf_array *a = btf_type_data(t);

			if (!skip_mods(btf, a->type, &id))
				return -EINVAL;
			if (!is_flex_array(btf, &sp->acc[sp->len - 1], a) && idx >= a->nelems) {
				snprintf(why, len, "access \"%.64s\": index %u is past the %u elements of its array",
					 access, idx, a->nelems);
				return -EINVAL;
			}
			sp->acc[sp->len++] = (struct access){ id, idx, NULL };
			sz = type_size(btf, id);
			if (sz < 0)
				return -EINVAL;
			sp->bit_offset += (uint64_t)idx * (uint64_t)sz * 8;
		} else {
			snprintf(why, len, "access \"%.64s\": index %u goes into a %s, which has no members",
				 access, i, btf_kind_name(btf_kind(t)));
			return -EINVAL;
		}
	}
	return 0;
}

/* "struct task_struct.se.vruntime", "enum e::V", "struct s[1].a[3]" */
static void spec_describe(const struct spec *sp, char *buf, size_t len)
{
	size_t n;

	btf_type_describe(sp->btf, sp->root_id, buf, len);
	n = strlen(buf);
	if (kind_is_type(sp->kind))
		return;
	if (kind_is_enumval(sp->kind)) {
		snprintf(buf + n, len - n, "::%s", sp->acc[0].name);
		return;
	}
	for (uint32_t i = 0; i < sp->len && n < len; i++, n = strlen(buf)) {
		if (i == 0 && sp->acc[0].idx == 0)
			continue;
		if (sp->acc[i].name)
			snprintf(buf + n, len - n, ".%s", sp->acc[i].name);
		else
			snprintf(buf + n, len - n, "[%u]", sp->acc[i].idx);
	}
}

void core_relo_describe(const struct btf *local, const struct core_relo *r, char *buf, size_t len)
{
	struct spec *sp = malloc(sizeof(*sp));
	char why[8];

	if (sp && !spec_parse(local, r, sp, why, sizeof(why)))
		spec_describe(sp, buf, len);
	else
		snprintf(buf, len, "type %u, access \"%.64s\"", r->type_id,
			 btf_str(local, r->access_str_off));
	free(sp);
}

/* ---- comparing local and target types ---- */

/* Could a field of local type a be the field of target type b? */
static int fields_compatible(const struct btf *lb, uint32_t a, const struct btf *tb, uint32_t b)
{
	for (int depth = 0; depth < DEPTH_MAX; depth++) {
		const struct btf_type *lt = skip_mods(lb, a, &a), *tt = skip_mods(tb, b, &b);

		if (!lt || !tt)
			return -EINVAL;
		if (is_composite(lt) && is_composite(tt))
			return 1;
		if (!kinds_compatible(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = btf_str(lb, lt->name_off), *tn = btf_str(tb, tt->name_off);

			return !*ln || !*tn || essential_names_equal(ln, tn);
		}
		case BTF_KIND_INT:
			return int_offset(lt) == 0 && int_offset(tt) == 0;
		case BTF_KIND_ARRAY:
			a = ((const struct btf_array *)btf_type_data(lt))->type;
			b = ((const struct btf_array *)btf_type_data(tt))->type;
			continue;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* TYPE_EXISTS, TYPE_SIZE, TYPE_ID_TARGET: the shapes agree, names of members aside. */
static int types_compatible(const struct btf *lb, uint32_t a, const struct btf *tb, uint32_t b,
			    int level)
{
	for (int depth = 0; depth < DEPTH_MAX; depth++) {
		const struct btf_type *lt = skip_mods(lb, a, &a), *tt = skip_mods(tb, b, &b);

		if (!lt || !tt)
			return -EINVAL;
		if (!kinds_compatible(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			return int_offset(lt) == 0 && int_offset(tt) == 0;
		case BTF_KIND_PTR:
			a = lt->size_or_type;
			b = tt->size_or_type;
			continue;
		case BTF_KIND_ARRAY:
			a = ((const struct btf_array *)btf_type_data(lt))->type;
			b = ((const struct btf_array *)btf_type_data(tt))->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_type_data(lt), *tp = btf_type_data(tt);

			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int ok;

				if (level <= 0)
					return -EINVAL;
				ok = types_compatible(lb, lp[i].type, tb, tp[i].type, level - 1);
				if (ok <= 0)
					return ok;
			}
			a = lt->size_or_type;
			b = tt->size_or_type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -EINVAL;
}

static int types_match(const struct btf *lb, uint32_t a, const struct btf *tb, uint32_t b,
		       bool behind_ptr, int level);

/* Every local enumerator has a namesake in the target, and the sizes agree. */
static int enums_match(const struct btf *lb, const struct btf_type *lt, const struct btf *tb,
		       const struct btf_type *tt)
{
	if (lt->size_or_type != tt->size_or_type || btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		bool found = false;

		for (uint32_t j = 0; j < btf_vlen(tt) && !found; j++)
			found = names_match(lb, enum_name_off(lt, i), tb, enum_name_off(tt, j));
		if (!found)
			return 0;
	}
	return 1;
}

/* Every local member has a namesake in the target whose type matches too. */
static int composites_match(const struct btf *lb, const struct btf_type *lt, const struct btf *tb,
			    const struct btf_type *tt, bool behind_ptr, int level)
{
	const struct btf_member *lm = btf_type_data(lt);

	if (btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		const struct btf_member *tm = btf_type_data(tt);
		bool found = false;

		for (uint32_t j = 0; j < btf_vlen(tt) && !found; j++) {
			int ok;

			if (!names_match(lb, lm[i].name_off, tb, tm[j].name_off))
				continue;
			ok = types_match(lb, lm[i].type, tb, tm[j].type, behind_ptr, level - 1);
			if (ok < 0)
				return ok;
			found = ok > 0;
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* TYPE_MATCHES: stricter than compatible; members, enumerators and int sizes count. */
static int types_match(const struct btf *lb, uint32_t a, const struct btf *tb, uint32_t b,
		       bool behind_ptr, int level)
{
	if (level <= 0)
		return -EINVAL;
	for (int depth = 0; depth < DEPTH_MAX; depth++) {
		const struct btf_type *lt = skip_mods(lb, a, &a), *tt = skip_mods(tb, b, &b);
		uint32_t lk, tk;

		if (!lt || !tt)
			return -EINVAL;
		if (!names_match(lb, lt->name_off, tb, tt->name_off))
			return 0;
		lk = btf_kind(lt);
		tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_FWD:
			if (behind_ptr && lk != tk)
				/* a forward declaration's flag says struct (0) or union (1) */
				return (tk == BTF_KIND_STRUCT && !btf_kflag(lt)) ||
				       (tk == BTF_KIND_UNION && btf_kflag(lt));
			return lk == tk && btf_kflag(lt) == btf_kflag(tt);
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return is_any_enum(tt) && enums_match(lb, lt, tb, tt);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				return tk == BTF_KIND_FWD && (lk == BTF_KIND_UNION) == (bool)btf_kflag(tt);
			}
			return lk == tk && composites_match(lb, lt, tb, tt, behind_ptr, level);
		case BTF_KIND_INT:
			return lk == tk && lt->size_or_type == tt->size_or_type &&
			       (int_encoding(lt) & BTF_INT_SIGNED) == (int_encoding(tt) & BTF_INT_SIGNED);
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			a = lt->size_or_type;
			b = tt->size_or_type;
			continue;
		case BTF_KIND_ARRAY: {
			const struct btf_array *la = btf_type_data(lt), *ta = btf_type_data(tt);

			if (lk != tk || la->nelems != ta->nelems)
				return 0;
			a = la->type;
			b = ta->type;
			continue;
		}
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_type_data(lt), *tp = btf_type_data(tt);

			if (lk != tk || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int ok = types_match(lb, lp[i].type, tb, tp[i].type, behind_ptr, level - 1);

				if (ok <= 0)
					return ok;
			}
			a = lt->size_or_type;
			b = tt->size_or_type;
			continue;
		}
		case BTF_KIND_UNKN:
			return lk == tk;
		default:
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- matching a local spec in one candidate ---- */

/*
 * Find the named member of `local` in target type `id`, looking through
 * anonymous structs and unions, and push it onto the target spec.
 */
static int member_match(const struct btf *lb, const struct access *local, const struct btf *tb,
			uint32_t id, struct spec *ts, uint32_t *next_id)
{
	const struct btf_type *lt = btf_type_by_id(lb, local->type_id);
	const struct btf_member *lm = (const struct btf_member *)btf_type_data(lt) + local->idx;
	const struct btf_type *tt = skip_mods(tb, id, &id);
	const struct btf_member *tm;

	if (!tt)
		return -EINVAL;
	if (!is_composite(tt))
		return 0;
	tm = btf_type_data(tt);
	for (uint32_t i = 0; i < btf_vlen(tt); i++) {
		uint32_t off = member_bit_offset(tt, i);
		const char *name = btf_str(tb, tm[i].name_off);
		int found;

		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		ts->bit_offset += off;
		ts->raw[ts->raw_len++] = i;
		if (!*name) {
			found = member_match(lb, local, tb, tm[i].type, ts, next_id);
			if (found)
				return found;
		} else if (!strcmp(local->name, name)) {
			ts->acc[ts->len++] = (struct access){ id, i, name };
			*next_id = tm[i].type;
			found = fields_compatible(lb, lm->type, tb, tm[i].type);
			if (!found)
				ts->len--;
			return found;
		}
		ts->bit_offset -= off;
		ts->raw_len--;
	}
	return 0;
}

/* 1: the candidate has what the local spec names; 0: it does not (why says how); <0: error. */
static int spec_match(const struct spec *ls, const struct btf *tb, uint32_t id, struct spec *ts,
		      char *why, size_t len)
{
	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = id;
	ts->kind = ls->kind;

	if (kind_is_type(ls->kind)) {
		int ok = ls->kind == CORE_TYPE_MATCHES
				 ? types_match(ls->btf, ls->root_id, tb, id, false, DEPTH_MAX)
				 : types_compatible(ls->btf, ls->root_id, tb, id, DEPTH_MAX);

		if (ok == 0) {
			char type[96];

			btf_type_describe(tb, id, type, sizeof(type));
			snprintf(why, len, "%s (type %u) does not %s it", type, id,
				 ls->kind == CORE_TYPE_MATCHES ? "match" : "have the shape of");
		}
		return ok;
	}
	if (kind_is_enumval(ls->kind)) {
		const struct btf_type *t = skip_mods(tb, id, &id);

		if (!is_any_enum(t)) {
			snprintf(why, len, "target type %u is not an enum", id);
			return 0;
		}
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			const char *name = btf_str(tb, enum_name_off(t, i));

			if (essential_names_equal(ls->acc[0].name, name)) {
				ts->acc[0] = (struct access){ id, i, name };
				ts->len = 1;
				ts->raw[0] = i;
				ts->raw_len = 1;
				return 1;
			}
		}
		{
			char type[96];

			btf_type_describe(tb, id, type, sizeof(type));
			snprintf(why, len, "%s (type %u) has no enumerator %s", type, id, ls->acc[0].name);
		}
		return 0;
	}
	for (uint32_t i = 0; i < ls->len; i++) {
		const struct access *la = &ls->acc[i];
		int64_t sz;

		if (la->name) {
			uint32_t in = id;
			int found = member_match(ls->btf, la, tb, id, ts, &id);

			if (found == 0) {
				char type[96];

				btf_type_describe(tb, in, type, sizeof(type));
				snprintf(why, len, "%s has no field %s of a compatible type", type, la->name);
			}
			if (found <= 0)
				return found;
			continue;
		}
		if (i > 0) {
			const struct btf_type *t = skip_mods(tb, id, &id);
			const struct btf_array *a;

			if (!t)
				return -EINVAL;
			if (btf_kind(t) != BTF_KIND_ARRAY) {
				snprintf(why, len, "field %s is not an array in the target",
					 ts->acc[ts->len - 1].name ? ts->acc[ts->len - 1].name : "?");
				return 0;
			}
			a = btf_type_data(t);
			if (!is_flex_array(tb, &ts->acc[ts->len - 1], a) && la->idx >= a->nelems) {
				snprintf(why, len, "index %u is past the %u elements of %s in the target",
					 la->idx, a->nelems,
					 ts->acc[ts->len - 1].name ? ts->acc[ts->len - 1].name : "the array");
				return 0;
			}
			if (!skip_mods(tb, a->type, &id))
				return -EINVAL;
		}
		if (ts->raw_len == SPEC_MAX)
			return -E2BIG;
		ts->acc[ts->len++] = (struct access){ id, la->idx, NULL };
		ts->raw[ts->raw_len++] = la->idx;
		sz = type_size(tb, id);
		if (sz < 0)
			return (int)sz;
		ts->bit_offset += (uint64_t)la->idx * (uint64_t)sz * 8;
	}
	return 1;
}

/* ---- values ---- */

#define POISON 1 /* a value function's answer: this spec cannot give the value */

/*
 * A field relocation's value in one spec (NULL: no target).  size and
 * type_id describe the access for a byte offset, for resizing loads.
 */
static int field_value(const struct spec *sp, uint32_t kind, uint64_t *val, uint32_t *size,
		       uint32_t *type_id, bool *validate, char *why, size_t len)
{
	const struct access *acc;
	const struct btf_type *t, *mt;
	uint32_t field_id, bit_size, byte_size, byte_off;
	uint64_t bit_off;
	bool bitfield;
	int64_t sz;

	if (kind == CORE_FIELD_EXISTS) {
		*val = sp != NULL;
		return 0;
	}
	if (!sp)
		return POISON;
	acc = &sp->acc[sp->len - 1];
	t = btf_type_by_id(sp->btf, acc->type_id);
	if (!acc->name) {
		/* An array element, or the root itself. */
		sz = type_size(sp->btf, acc->type_id);
		if (sz < 0)
			return -EINVAL;
		if (kind == CORE_FIELD_BYTE_OFFSET) {
			*val = sp->bit_offset / 8;
			*size = (uint32_t)sz;
			*type_id = acc->type_id;
		} else if (kind == CORE_FIELD_BYTE_SIZE) {
			*val = (uint64_t)sz;
		} else {
			snprintf(why, len, "%s does not apply to an array element", core_kind_name(kind));
			return -EINVAL;
		}
		if (validate)
			*validate = true;
		return 0;
	}
	mt = skip_mods(sp->btf, ((const struct btf_member *)btf_type_data(t))[acc->idx].type, &field_id);
	if (!mt)
		return -EINVAL;
	bit_off = sp->bit_offset;
	bit_size = member_bitfield_size(t, acc->idx);
	bitfield = bit_size > 0;
	if (bitfield) {
		/* The narrowest load, from the field's own size up, that holds every bit. */
		byte_size = mt->size_or_type;
		if (!byte_size)
			return -EINVAL;
		byte_off = (uint32_t)(bit_off / 8 / byte_size * byte_size);
		while (bit_off + bit_size - (uint64_t)byte_off * 8 > (uint64_t)byte_size * 8) {
			if (byte_size >= 8) {
				snprintf(why, len, "the %u-bit field at bit %llu cannot be read with one 8-byte load",
					 bit_size, (unsigned long long)bit_off);
				return -E2BIG;
			}
			byte_size *= 2;
			byte_off = (uint32_t)(bit_off / 8 / byte_size * byte_size);
		}
	} else {
		sz = type_size(sp->btf, field_id);
		if (sz < 0)
			return -EINVAL;
		byte_size = (uint32_t)sz;
		byte_off = (uint32_t)(bit_off / 8);
		bit_size = byte_size * 8;
	}
	/* The compiler's bitfield values may differ from ours: check only what cannot. */
	if (validate)
		*validate = !bitfield;
	switch (kind) {
	case CORE_FIELD_BYTE_OFFSET:
		*val = byte_off;
		if (!bitfield) {
			*size = byte_size;
			*type_id = field_id;
		}
		break;
	case CORE_FIELD_BYTE_SIZE:
		*val = byte_size;
		break;
	case CORE_FIELD_SIGNED:
		*val = (is_any_enum(mt) && btf_kflag(mt)) ||
		       (btf_kind(mt) == BTF_KIND_INT && (int_encoding(mt) & BTF_INT_SIGNED));
		if (validate)
			*validate = true;
		break;
	case CORE_FIELD_LSHIFT_U64:
		*val = 64 - (bit_off + bit_size - (uint64_t)byte_off * 8);
		break;
	case CORE_FIELD_RSHIFT_U64:
		*val = 64 - bit_size;
		if (validate)
			*validate = true;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int type_value(const struct spec *sp, uint32_t kind, uint64_t *val, bool *validate)
{
	int64_t sz;

	if (validate)
		*validate = true;
	if (!sp) {
		*val = 0; /* type relocations say 0 when the type is missing */
		return 0;
	}
	switch (kind) {
	case CORE_TYPE_ID_TARGET:
		*val = sp->root_id;
		if (validate)
			*validate = false; /* linking renumbers local ids */
		return 0;
	case CORE_TYPE_EXISTS:
	case CORE_TYPE_MATCHES:
		*val = 1;
		return 0;
	case CORE_TYPE_SIZE:
		sz = type_size(sp->btf, sp->root_id);
		if (sz < 0)
			return -EINVAL;
		*val = (uint64_t)sz;
		return 0;
	}
	return -EINVAL;
}

static int enumval_value(const struct spec *sp, uint32_t kind, uint64_t *val)
{
	if (kind == CORE_ENUMVAL_EXISTS) {
		*val = sp != NULL;
		return 0;
	}
	if (!sp)
		return POISON;
	*val = enum_value(btf_type_by_id(sp->btf, sp->acc[0].type_id), sp->acc[0].idx);
	return 0;
}

/* Loads of unsigned integers and pointers stay right when only their size changes. */
static bool resize_safe(const struct btf *lb, uint32_t a, const struct btf *tb, uint32_t b)
{
	const struct btf_type *lt = btf_type_by_id(lb, a), *tt = btf_type_by_id(tb, b);

	if (!lt || !tt)
		return false;
	if (btf_kind(lt) == BTF_KIND_PTR && btf_kind(tt) == BTF_KIND_PTR)
		return true;
	return btf_kind(lt) == BTF_KIND_INT && btf_kind(tt) == BTF_KIND_INT &&
	       !(int_encoding(lt) & BTF_INT_SIGNED) && !(int_encoding(tt) & BTF_INT_SIGNED);
}

/* The decision for one target spec (NULL: no candidate matched). */
static int decide(const struct spec *ls, const struct spec *ts, struct core_decision *d, char *why,
		  size_t len)
{
	uint32_t kind = ls->kind, local_type = 0, target_type = 0;
	int err = 0;

	d->poison = d->memsz_bad = false;
	d->validate = true;
	d->orig_val = d->new_val = 0;
	d->orig_sz = d->new_sz = 0;
	if (kind_is_field(kind)) {
		err = field_value(ls, kind, &d->orig_val, &d->orig_sz, &local_type, &d->validate, why, len);
		if (!err)
			err = field_value(ts, kind, &d->new_val, &d->new_sz, &target_type, NULL, why, len);
		if (!err && ts && d->orig_sz != d->new_sz &&
		    !resize_safe(ls->btf, local_type, ts->btf, target_type))
			d->memsz_bad = true; /* poisons only loads and stores (core_insn_patch) */
	} else if (kind_is_type(kind)) {
		err = type_value(ls, kind, &d->orig_val, &d->validate);
		if (!err)
			err = type_value(ts, kind, &d->new_val, NULL);
	} else {
		err = enumval_value(ls, kind, &d->orig_val);
		if (!err)
			err = enumval_value(ts, kind, &d->new_val);
	}
	if (err == POISON) {
		d->poison = true;
		err = 0;
	}
	return err;
}

/* ---- one relocation ---- */

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

int core_target_index(struct core_target *t, const struct btf *btf, const char *name,
		      struct xdpl_error *e)
{
	uint32_t buckets = 1;

	memset(t, 0, sizeof(*t));
	t->btf = btf;
	snprintf(t->name, sizeof(t->name), "%s", name);
	while (buckets < btf->nr_types && buckets < (1U << 30))
		buckets <<= 1;
	t->mask = buckets - 1;
	t->heads = calloc(buckets, sizeof(*t->heads));
	t->next = calloc((size_t)btf->nr_types + 1, sizeof(*t->next));
	if (!t->heads || !t->next) {
		core_target_free(t);
		return err_set(e, -ENOMEM, "core: out of memory indexing the types of %s", name);
	}
	/*
	 * Backwards, so that each chain lists its ids in increasing order.  Half
	 * of vmlinux is functions and variables, which no relocation asks for.
	 */
	for (uint32_t id = btf->nr_types; id >= 1; id--) {
		const struct btf_type *ty = btf->types[id];
		const char *n = btf_str(btf, ty->name_off);
		uint32_t kind = btf_kind(ty), h;

		if (!*n || kind == BTF_KIND_FUNC || kind == BTF_KIND_VAR || kind == BTF_KIND_DATASEC ||
		    kind == BTF_KIND_DECL_TAG)
			continue;
		h = name_hash(n, essential_len(n)) & t->mask;
		t->next[id] = t->heads[h];
		t->heads[h] = id;
	}
	return 0;
}

void core_target_free(struct core_target *t)
{
	free(t->heads);
	free(t->next);
	t->heads = t->next = NULL;
}

int core_relo_resolve(const struct btf *local, const struct core_relo *r,
		      const struct core_target *targets, uint32_t ntargets, const char *where,
		      struct core_decision *d, struct xdpl_error *e)
{
	struct spec *ls = NULL, *ts = NULL, *best = NULL;
	const struct btf_type *lt = btf_type_by_id(local, r->type_id);
	const char *lname;
	char why[256] = "";
	size_t elen;
	int err = 0;

	memset(d, 0, sizeof(*d));
	if (!lt)
		return err_set(e, -EINVAL, "%s: type %u is not in the object's BTF", where, r->type_id);
	if (r->kind > CORE_KIND_MAX)
		return err_set(e, -EINVAL, "%s: kind %u is not a CO-RE relocation kind (0-%u)", where,
			       r->kind, CORE_KIND_MAX);
	ls = malloc(sizeof(*ls));
	ts = malloc(sizeof(*ts));
	best = malloc(sizeof(*best));
	if (!ls || !ts || !best) {
		err = err_set(e, -ENOMEM, "%s: out of memory", where);
		goto out;
	}
	if (spec_parse(local, r, ls, why, sizeof(why))) {
		err = err_set(e, -EINVAL, "%s (%s): %s", where, core_kind_name(r->kind), why);
		goto out;
	}
	spec_describe(ls, d->spec, sizeof(d->spec));
	if (r->kind == CORE_TYPE_ID_LOCAL) {
		/* Linking may renumber types, so the instruction's value is not checked. */
		d->orig_val = d->new_val = r->type_id;
		goto out;
	}
	lname = btf_str(local, lt->name_off);
	if (!*lname) {
		err = err_set(e, -EINVAL, "%s (%s of %s): an anonymous type cannot be relocated", where,
			      core_kind_name(r->kind), d->spec);
		goto out;
	}
	elen = essential_len(lname);
	for (uint32_t t = 0; t < ntargets && !d->candidates; t++) {
		const struct core_target *tg = &targets[t];

		for (uint32_t id = tg->heads[name_hash(lname, elen) & tg->mask]; id; id = tg->next[id]) {
			const struct btf_type *ct = btf_type_by_id(tg->btf, id);
			const char *cname = btf_str(tg->btf, ct->name_off);
			struct core_decision cand;
			char cwhy[256] = "";
			int ok;

			if (!kinds_compatible(lt, ct) || essential_len(cname) != elen ||
			    strncmp(cname, lname, elen))
				continue;
			d->candidates++;
			ok = spec_match(ls, tg->btf, id, ts, cwhy, sizeof(cwhy));
			if (ok < 0) {
				err = err_set(e, ok, "%s (%s of %s): target type %u of %s nests deeper than %u levels",
					      where, core_kind_name(r->kind), d->spec, id, tg->name, SPEC_MAX);
				goto out;
			}
			if (ok == 0) {
				snprintf(why, sizeof(why), "%.60s: %.190s", tg->name, cwhy);
				continue;
			}
			memset(&cand, 0, sizeof(cand));
			err = decide(ls, ts, &cand, cwhy, sizeof(cwhy));
			if (err) {
				err = err_set(e, err, "%s (%s of %s) against %s type %u: %s", where,
					      core_kind_name(r->kind), d->spec, tg->name, id,
					      cwhy[0] ? cwhy : "no value");
				goto out;
			}
			if (!d->target) {
				d->poison = cand.poison;
				d->validate = cand.validate;
				d->memsz_bad = cand.memsz_bad;
				d->orig_val = cand.orig_val;
				d->new_val = cand.new_val;
				d->orig_sz = cand.orig_sz;
				d->new_sz = cand.new_sz;
				d->target = tg;
				d->target_id = id;
				*best = *ts;
				continue;
			}
			if (ts->bit_offset != best->bit_offset || cand.poison != d->poison ||
			    cand.new_val != d->new_val) {
				char a[96], b[96];

				btf_type_describe(tg->btf, d->target_id, a, sizeof(a));
				btf_type_describe(tg->btf, id, b, sizeof(b));
				err = err_set(e, -EINVAL,
					      "%s (%s of %s): ambiguous: %s candidates %s (type %u) gives %llu and %s (type %u) gives %llu",
					      where, core_kind_name(r->kind), d->spec, tg->name, a,
					      d->target_id, (unsigned long long)d->new_val, b, id,
					      (unsigned long long)cand.new_val);
				goto out;
			}
		}
	}
	if (!d->target) {
		/* No candidate: *_EXISTS say 0, type kinds too; the others are poisoned. */
		err = decide(ls, NULL, d, why, sizeof(why));
		if (err) {
			err = err_set(e, err, "%s (%s of %s): %s", where, core_kind_name(r->kind), d->spec,
				      why);
			goto out;
		}
		if (!d->candidates)
			snprintf(d->reason, sizeof(d->reason), "no type named %.*s of kind %s in %s",
				 (int)elen, lname, btf_kind_name(btf_kind(lt)),
				 ntargets ? targets[0].name : "the target");
		else
			snprintf(d->reason, sizeof(d->reason), "%s", why);
	}
out:
	free(ls);
	free(ts);
	free(best);
	return err;
}

/* ---- the instruction ---- */

enum {
	CLASS_LD = 0, CLASS_LDX = 1, CLASS_ST = 2, CLASS_STX = 3, CLASS_ALU = 4, CLASS_ALU64 = 7,
};

static int size_bytes(uint8_t code)
{
	static const int bytes[4] = { 4, 2, 1, 8 }; /* BPF_W, BPF_H, BPF_B, BPF_DW */

	return bytes[(code >> 3) & 3];
}

static int size_code(uint32_t bytes)
{
	switch (bytes) {
	case 4: return 0x00;
	case 2: return 0x08;
	case 1: return 0x10;
	case 8: return 0x18;
	}
	return -1;
}

static void poison_one(struct bpf_insn *insn)
{
	insn->code = BPF_OP_CALL;
	insn->dst_reg = 0;
	insn->src_reg = 0;
	insn->off = 0;
	insn->imm = CORE_POISON_IMM;
}

int core_insn_patch(struct bpf_insn *insns, uint32_t cnt, uint32_t at, struct core_decision *d,
		    const char *where, struct xdpl_error *e)
{
	struct bpf_insn *insn;
	uint32_t class;

	if (at >= cnt)
		return err_set(e, -EINVAL, "%s: instruction %u is past the program's %u", where, at, cnt);
	insn = &insns[at];
	class = insn->code & 7;
	if (!d->poison && d->memsz_bad &&
	    (class == CLASS_LDX || class == CLASS_ST || class == CLASS_STX)) {
		d->poison = true;
		if (!d->new_sz)
			snprintf(d->reason, sizeof(d->reason),
				 "the field is a bitfield in the target, which this %u-byte access cannot read",
				 d->orig_sz);
		else
			snprintf(d->reason, sizeof(d->reason),
				 "the field is %u bytes in the target, %u here, and only unsigned integers and pointers can be read at another size",
				 d->new_sz, d->orig_sz);
	}
	if (d->poison) {
		/* Both halves of an ld_imm64, so the verifier reports the call, not a bad opcode. */
		if (insn->code == BPF_OP_LD_IMM64 && at + 1 < cnt)
			poison_one(&insns[at + 1]);
		poison_one(insn);
		return 0;
	}
	switch (class) {
	case CLASS_ALU:
	case CLASS_ALU64:
		if (insn->code & 0x08)
			return err_set(e, -EINVAL, "%s: instruction %u (0x%02x) takes a register, not a constant",
				       where, at, insn->code);
		if (d->validate && (uint64_t)(int64_t)insn->imm != d->orig_val)
			return err_set(e, -EINVAL, "%s: instruction %u holds %d, but the object's BTF says %llu",
				       where, at, insn->imm, (unsigned long long)d->orig_val);
		insn->imm = (int32_t)(uint32_t)d->new_val;
		return 0;
	case CLASS_LDX:
	case CLASS_ST:
	case CLASS_STX:
		if (d->validate && (uint64_t)(int64_t)insn->off != d->orig_val)
			return err_set(e, -EINVAL, "%s: instruction %u has offset %d, but the object's BTF says %llu",
				       where, at, insn->off, (unsigned long long)d->orig_val);
		if (d->new_val > INT16_MAX)
			return err_set(e, -ERANGE, "%s: offset %llu does not fit instruction %u's 16 bits",
				       where, (unsigned long long)d->new_val, at);
		insn->off = (int16_t)d->new_val;
		if (d->new_sz != d->orig_sz) {
			if (size_bytes(insn->code) != (int)d->orig_sz)
				return err_set(e, -EINVAL, "%s: instruction %u moves %d bytes, but the field is %u",
					       where, at, size_bytes(insn->code), d->orig_sz);
			if (size_code(d->new_sz) < 0)
				return err_set(e, -EINVAL, "%s: the field is %u bytes in the target, which no load moves",
					       where, d->new_sz);
			insn->code = (uint8_t)((insn->code & ~0x18) | size_code(d->new_sz));
		}
		return 0;
	case CLASS_LD: {
		uint64_t imm;

		if (insn->code != BPF_OP_LD_IMM64 || at + 1 >= cnt || insn->src_reg || insn->off ||
		    insns[at + 1].code || insns[at + 1].dst_reg || insns[at + 1].src_reg ||
		    insns[at + 1].off)
			return err_set(e, -EINVAL, "%s: instruction %u is not a plain ld_imm64", where, at);
		imm = (uint32_t)insn->imm | (uint64_t)(uint32_t)insns[at + 1].imm << 32;
		if (d->validate && imm != d->orig_val)
			return err_set(e, -EINVAL, "%s: instruction %u holds %llu, but the object's BTF says %llu",
				       where, at, (unsigned long long)imm, (unsigned long long)d->orig_val);
		insn->imm = (int32_t)(uint32_t)d->new_val;
		insns[at + 1].imm = (int32_t)(uint32_t)(d->new_val >> 32);
		return 0;
	}
	}
	return err_set(e, -EINVAL, "%s: instruction %u (0x%02x) is no instruction a relocation can change",
		       where, at, insn->code);
}

void core_decision_text(const struct btf *local, const struct core_relo *r,
			const struct core_decision *d, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s of %s (\"%.64s\")", core_kind_name(r->kind), d->spec,
			 btf_str(local, r->access_str_off));

	if (n < 0 || (size_t)n >= len)
		return;
	if (d->poison)
		snprintf(buf + n, len - (size_t)n, ": poisoned: %s", d->reason);
	else if (!d->target && r->kind != CORE_TYPE_ID_LOCAL)
		snprintf(buf + n, len - (size_t)n, " -> %llu: %s", (unsigned long long)d->new_val,
			 d->reason);
	else if (r->kind == CORE_TYPE_ID_LOCAL)
		snprintf(buf + n, len - (size_t)n, " -> %llu (the object's own type id)",
			 (unsigned long long)d->new_val);
	else
		snprintf(buf + n, len - (size_t)n, " -> %llu%s (%s type %u%s)",
			 (unsigned long long)d->new_val,
			 d->new_val == d->orig_val ? ", unchanged" : "", d->target->name, d->target_id,
			 d->new_sz != d->orig_sz ? ", access resized" : "");
}
