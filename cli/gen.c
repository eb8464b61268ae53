// SPDX-License-Identifier: MIT
/*
 * gen.c - `xdpload gen skeleton OBJ [NAME]`: print NAME.skel.h, a C99 header
 * that embeds OBJ and gives typed access to it on libxdpload alone: its
 * programs and maps by name, and each global data section as a C struct
 * whose members are the section's variables, with their BTF types, at
 * their exact offsets.  Part of the command line: it prints, but only once
 * the whole header is built, so a refusal leaves no half header behind.
 *
 * Like inspect (show.c), it reads the library's internal view (lib/internal.h,
 * lib/btf.h): spelling C from BTF takes every type and member the parse
 * found, which is no API a program needs.
 *
 * The header, in order:
 *
 *   types the variables need      each BTF name prefixed NAME__ (tags, typedefs,
 *                                 enumerators), so none meets the user's own
 *   struct NAME__<section>        one per data section with global variables
 *   struct NAME                   obj; progs.<prog>; maps.<map>; the sections
 *   struct NAME__layout_check     char arrays of size -1 where the compiler's
 *                                 offset or size is not BTF's: it stops the build
 *   NAME__elf[]                   the object's bytes
 *   NAME__open(), __load(), ...   static inline, on the public API alone
 *
 * Layout is kept exact without extensions: every gap is an explicit
 * padding member; a bit-field, a member the compiler could not place where
 * BTF says (packed structs), or a type C99 cannot spell becomes bytes of
 * the same size; a pointer becomes an opaque uint64_t.  A name that is not
 * a C identifier is refused, never emitted raw.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/btf.h"
#include "lib/internal.h"
#include "cli/cli.h"

#define GEN_DEPTH 32   /* types nest at most this deep */
#define PAD "__xdpl_" /* the prefix of our own members; refused in the object's names */
#define IDENT_MAX 128  /* longer names are refused: they would be cut */
#define TABS "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t" /* GEN_DEPTH + 2 */

struct names {
	char **v;
	size_t n;
};

struct gen {
	const struct obj *obj;
	const struct btf *btf;
	const char *name;
	FILE *out;           /* type definitions, each whole, dependencies first */
	FILE *checks;        /* the members of struct NAME__layout_check */
	unsigned int nchecks, pads;
	uint8_t *state;      /* per type id: DEF_* */
	struct names tags;   /* struct, union and enum tags */
	struct names idents; /* typedefs, enumerators, the header's functions */
	char err[512];
};

enum { DEF_NONE, DEF_BUSY, DEF_DONE };

__attribute__((format(printf, 2, 3))) static int gen_fail(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	if (g->err[0])
		return -EINVAL; /* the first reason is the one to tell */
	va_start(ap, fmt);
	vsnprintf(g->err, sizeof(g->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- names ---- */

static bool ident_ok(const char *s)
{
	/* C99's keywords, and the macros of the headers a skeleton includes
	 * that a variable could plausibly be called. */
	static const char *const reserved[] = {
		"auto", "break", "case", "char", "const", "continue", "default", "do", "double",
		"else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
		"register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
		"switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool",
		"_Complex", "_Imaginary", "bool", "true", "false", "NULL", "errno",
	};

	if (!s[0] || (s[0] >= '0' && s[0] <= '9') || !strncmp(s, PAD, strlen(PAD)))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	if (s[0] == 'E' && ((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= '0' && s[1] <= '9')))
		return false; /* <errno.h>'s */
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcmp(s, reserved[i]))
			return false;
	return true;
}

/* what names the thing, name is how C would call it, from says where it came from */
static int name_from(struct gen *g, const char *what, const char *name, const char *from)
{
	if (ident_ok(name) && strlen(name) <= IDENT_MAX)
		return 0;
	if (ident_ok(name))
		return gen_fail(g, "%s %.40s... is longer than the %d characters the skeleton takes", what,
				name, IDENT_MAX);
	return gen_fail(g, "%s \"%s\"%s is not a C identifier the skeleton can use ([A-Za-z_][A-Za-z0-9_]*, not a keyword, not starting with " PAD ")",
			what, name, from);
}

static int name_check(struct gen *g, const char *what, const char *name)
{
	return name_from(g, what, name, "");
}

/* Claim a name the header defines: a second claim is refused. */
static int name_claim(struct gen *g, struct names *set, const char *full, const char *what)
{
	char **v;

	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i], full))
			return gen_fail(g, "%s would be spelled %s, a name the header already uses", what,
					full);
	v = realloc(set->v, (set->n + 1) * sizeof(*v));
	if (!v || !(v[set->n] = strdup(full))) {
		if (v)
			set->v = v;
		return gen_fail(g, "out of memory");
	}
	set->v = v;
	set->n++;
	return 0;
}

/* A map's name in the skeleton: a data section's without its dots (.data.x: data_x). */
static void map_ident(const struct obj_map *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s", m->origin == MAP_DATA && m->name[0] == '.' ? m->name + 1 : m->name);
	for (char *p = buf; m->origin == MAP_DATA && *p; p++)
		if (*p == '.')
			*p = '_';
}

/* Text for a comment: nothing that could close it, nothing unprintable. */
static void comment_put(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((*s == '*' && s[1] == '/') || *s < 0x20 || *s > 0x7e ? '?' : *s, f);
}

/* ---- types ---- */

static const struct btf_type *type_at(const struct gen *g, uint32_t id)
{
	return btf_type_by_id(g->btf, id);
}

/* Past const, volatile, restrict and type tags, which the skeleton drops:
 * .rodata is written before the load, so nothing in it may be const. */
static uint32_t unqualified(const struct gen *g, uint32_t id)
{
	for (int depth = 0; depth < GEN_DEPTH; depth++) {
		const struct btf_type *t = type_at(g, id);
		uint32_t k = t ? btf_kind(t) : 0;

		if (k != BTF_KIND_CONST && k != BTF_KIND_VOLATILE && k != BTF_KIND_RESTRICT &&
		    k != BTF_KIND_TYPE_TAG)
			return id;
		id = t->size_or_type;
	}
	return 0;
}

static const char *type_name(const struct gen *g, const struct btf_type *t)
{
	return btf_str(g->btf, t->name_off);
}

static uint64_t type_size(const struct gen *g, uint32_t id)
{
	uint64_t size = 0;

	return btf_type_size(g->btf, id, &size) ? 0 : size;
}

static bool member_is_bits(const struct gen *g, const struct btf_type *t, const struct btf_member *m)
{
	const struct btf_type *mt = type_at(g, btf_skip_modifiers(g->btf, m->type));

	if (btf_kflag(t))
		return (m->offset >> 24) != 0 || (m->offset & 7);
	if (m->offset & 7)
		return true;
	if (mt && btf_kind(mt) == BTF_KIND_INT) {
		uint32_t enc = *(const uint32_t *)btf_type_data(mt);

		return (enc & 0xff) != mt->size_or_type * 8 || ((enc >> 16) & 0xff);
	}
	return false;
}

static uint32_t member_offset(const struct btf_type *t, const struct btf_member *m)
{
	return (btf_kflag(t) ? m->offset & 0xffffff : m->offset) / 8;
}

static uint32_t type_align(const struct gen *g, uint32_t id, int depth);

/* A struct or union whose members C would place otherwise: packed, in C. */
static bool type_packed(const struct gen *g, const struct btf_type *t, uint32_t *align, int depth)
{
	const struct btf_member *m = btf_type_data(t);
	bool packed = false;

	*align = 1;
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		uint32_t a;

		if (member_is_bits(g, t, &m[i]))
			continue;
		a = type_align(g, m[i].type, depth + 1);
		packed |= member_offset(t, &m[i]) % a != 0;
		*align = a > *align ? a : *align;
	}
	return packed || t->size_or_type % *align;
}

/* The alignment the BPF target gives a type: its size up to 8 for scalars. */
static uint32_t type_align(const struct gen *g, uint32_t id, int depth)
{
	const struct btf_type *t;
	uint32_t align;

	id = btf_skip_modifiers(g->btf, id);
	t = type_at(g, id);
	if (!t || depth > GEN_DEPTH)
		return 1;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		return t->size_or_type >= 8 ? 8 : t->size_or_type ? t->size_or_type : 1;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_ARRAY:
		return type_align(g, ((const struct btf_array *)btf_type_data(t))->type, depth + 1);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return type_packed(g, t, &align, depth) ? 1 : align;
	}
	return 1;
}

/* A scalar C99 spells exactly, or NULL: then it is bytes. */
static const char *scalar_spell(const struct gen *g, const struct btf_type *t)
{
	static const char *const sint[] = { "int8_t", "int16_t", NULL, "int32_t", NULL, NULL, NULL, "int64_t" };
	static const char *const uint[] = { "uint8_t", "uint16_t", NULL, "uint32_t", NULL, NULL, NULL, "uint64_t" };
	uint32_t size = t->size_or_type, enc;

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		return "uint64_t";
	case BTF_KIND_FLOAT:
		return size == 4 ? "float" : size == 8 ? "double" : NULL;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return size && size <= 8 ? (btf_kflag(t) ? sint : uint)[size - 1] : NULL;
	case BTF_KIND_INT:
		enc = *(const uint32_t *)btf_type_data(t);
		if ((enc & 0xff) != size * 8 || ((enc >> 16) & 0xff) || size > 8)
			return NULL;
		if ((enc >> 24) & BTF_INT_BOOL)
			return size == 1 ? "bool" : NULL;
		if (size == 1 && !strcmp(type_name(g, t), "char"))
			return "char";
		return ((enc >> 24) & BTF_INT_SIGNED ? sint : uint)[size - 1];
	}
	return NULL;
}

/* Bytes no member names: padding, or the bit-fields that live there. */
static void gap_put(struct gen *g, FILE *f, int indent, uint64_t size, bool bits)
{
	if (size)
		fprintf(f, "%.*sunsigned char " PAD "%s%u[%llu];%s\n", indent, TABS,
			bits ? "bits" : "pad", g->pads++, (unsigned long long)size,
			bits ? " /* bit-fields */" : "");
}

static void check_add(struct gen *g, const char *what, const char *root, const char *path,
		      uint64_t value)
{
	if (!strcmp(what, "offsetof"))
		fprintf(g->checks, "\tchar c%u[offsetof(%s, %s) == %llu ? 1 : -1];\n", g->nchecks++,
			root, path, (unsigned long long)value);
	else if (!*path)
		fprintf(g->checks, "\tchar c%u[sizeof(%s) == %llu ? 1 : -1];\n", g->nchecks++, root,
			(unsigned long long)value);
	else
		fprintf(g->checks, "\tchar c%u[sizeof(((%s *)0)->%s) == %llu ? 1 : -1];\n",
			g->nchecks++, root, path, (unsigned long long)value);
}

/* Where a member's checks look from: the named type around it, and the way in. */
struct place {
	const char *root; /* "struct counter__bss", "counter__cfg_t" */
	char path[512];   /* "" at the root, else "a.b[0].c" */
	uint64_t offset;  /* of this place from the root */
};

/* The way from the root to a member: "a.b" after "a". */
static int path_join(struct gen *g, char *out, size_t len, const char *path, const char *name)
{
	int n = snprintf(out, len, "%s%s%s", path, *path ? "." : "", name);

	return n >= 0 && (size_t)n < len ? 0 : gen_fail(g, "member %s is nested too deep", name);
}

static int members_put(struct gen *g, FILE *f, const struct btf_type *t, int indent,
		       const struct place *at, int depth);
static int type_define(struct gen *g, uint32_t id, int depth);

static int enum_define(struct gen *g, uint32_t id, const struct btf_type *t)
{
	const struct btf_enum *en = btf_type_data(t);
	char full[300];
	int err = 0;

	if (g->state[id] || btf_kind(t) != BTF_KIND_ENUM || !btf_vlen(t))
		return 0;
	g->state[id] = DEF_DONE;
	if (*type_name(g, t)) {
		err = name_check(g, "enum", type_name(g, t));
		snprintf(full, sizeof(full), "%s__%s", g->name, type_name(g, t));
		if (!err)
			err = name_claim(g, &g->tags, full, "enum");
		fprintf(g->out, "enum %s {\n", full);
	} else {
		fprintf(g->out, "enum {\n");
	}
	for (uint32_t i = 0; !err && i < btf_vlen(t); i++) {
		const char *n = btf_str(g->btf, en[i].name_off);

		err = name_check(g, "enumerator", n);
		snprintf(full, sizeof(full), "%s__%s", g->name, n);
		if (!err)
			err = name_claim(g, &g->idents, full, "an enumerator");
		if (en[i].val == INT32_MIN)
			fprintf(g->out, "\t%s = -2147483647 - 1,\n", full);
		else
			fprintf(g->out, "\t%s = %d,\n", full, en[i].val);
	}
	fprintf(g->out, "};\n\n");
	return err;
}

/*
 * One member: "<type> name<dims>;" with what it needs defined first.  Arrays
 * unfold into dims; a named struct, union or typedef is defined once, before
 * the definition using it; an anonymous struct or union is spelled in place.
 */
static int member_put(struct gen *g, FILE *f, uint32_t id, const char *name, int indent,
		      const struct place *at, uint64_t off, int depth)
{
	char dims[128] = "", spelled[300];
	uint64_t count = 1, size = type_size(g, id);
	const struct btf_type *t;
	const char *scalar;
	uint32_t elem = unqualified(g, id);
	size_t n = 0;

	if (depth > GEN_DEPTH)
		return gen_fail(g, "types nest deeper than %d (or in a loop) at member %s", GEN_DEPTH, name);
	while ((t = type_at(g, elem)) && btf_kind(t) == BTF_KIND_ARRAY) {
		const struct btf_array *a = btf_type_data(t);

		n += (size_t)snprintf(dims + n, n < sizeof(dims) ? sizeof(dims) - n : 0, "[%u]", a->nelems);
		count *= a->nelems;
		elem = unqualified(g, a->type);
	}
	if (n >= sizeof(dims))
		return gen_fail(g, "member %s has too many array dimensions", name);
	/* A typedef of a scalar is the scalar: __u32 and uint32_t are one type in C. */
	while (t && btf_kind(t) == BTF_KIND_TYPEDEF) {
		const struct btf_type *to = type_at(g, btf_skip_modifiers(g->btf, elem));
		uint32_t k = to ? btf_kind(to) : 0;

		if (k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_ARRAY ||
		    (k == BTF_KIND_ENUM && to->size_or_type == 4 && btf_vlen(to) && *type_name(g, to)))
			break;
		elem = btf_skip_modifiers(g->btf, elem);
		t = to;
	}
	if (!t)
		return gen_fail(g, "member %s: type %u is void or missing", name, elem);
	scalar = scalar_spell(g, t);
	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (btf_kind(t) == BTF_KIND_TYPEDEF || *type_name(g, t)) {
			int err = type_define(g, elem, depth + 1);

			if (err)
				return err;
			snprintf(spelled, sizeof(spelled), "%s%s__%s",
				 btf_kind(t) == BTF_KIND_STRUCT ? "struct " :
				 btf_kind(t) == BTF_KIND_UNION ? "union " : "", g->name, type_name(g, t));
			fprintf(f, "%.*s%s %s%s;\n", indent, TABS, spelled, name, dims);
			return 0;
		}
		/* Anonymous: spelled here, its members checked from the same root. */
		{
			struct place in = { at->root, "", at->offset + off };
			int err;

			/* A typedef's anonymous struct is its root: checks look from there. */
			if (name != at->root && path_join(g, in.path, sizeof(in.path), at->path, name))
				return -EINVAL;
			if (name == at->root && *dims)
				return gen_fail(g, "typedef %s: an array of an anonymous struct or union", name);
			for (const char *d = dims; *d; d = strchr(d, ']') + 1)
				strncat(in.path, "[0]", sizeof(in.path) - strlen(in.path) - 1);
			fprintf(f, "%.*s%s {\n", indent, TABS,
				btf_kind(t) == BTF_KIND_STRUCT ? "struct" : "union");
			err = members_put(g, f, t, indent + 1, &in, depth + 1);
			fprintf(f, "%.*s} %s%s;\n", indent, TABS, name, dims);
			return err;
		}
	case BTF_KIND_ENUM:
		if (enum_define(g, elem, t))
			return -EINVAL;
		if (t->size_or_type == 4 && btf_vlen(t) && *type_name(g, t)) {
			fprintf(f, "%.*senum %s__%s %s%s;\n", indent, TABS, g->name, type_name(g, t),
				name, dims);
			return 0;
		}
		break;
	}
	if (scalar) {
		fprintf(f, "%.*s%s %s%s;", indent, TABS, scalar, name, dims);
		if (btf_kind(t) == BTF_KIND_PTR)
			fprintf(f, " /* a pointer, opaque here */");
		else if (btf_kind(t) == BTF_KIND_ENUM && *type_name(g, t))
			fprintf(f, " /* enum %s__%s */", g->name, type_name(g, t));
		fputc('\n', f);
		return 0;
	}
	if (size == 0 || (count && size % count))
		return gen_fail(g, "member %s: its type (%s) has no size the skeleton can spell", name,
				btf_kind_name(btf_kind(t)));
	fprintf(f, "%.*sunsigned char %s[%llu]; /* ", indent, TABS, name, (unsigned long long)size);
	btf_type_describe(g->btf, id, spelled, sizeof(spelled));
	comment_put(f, spelled);
	fprintf(f, ", which C99 cannot spell */\n");
	return 0;
}

/* The same member as bytes: where C would not put it at BTF's offset. */
static void member_bytes(struct gen *g, FILE *f, uint32_t id, const char *name, int indent,
			 uint64_t size, const char *why)
{
	char what[200];

	btf_type_describe(g->btf, id, what, sizeof(what));
	fprintf(f, "%.*sunsigned char %s[%llu]; /* ", indent, TABS, name, (unsigned long long)size);
	comment_put(f, what);
	fprintf(f, ", %s */\n", why);
}

/* The members of a struct or union, with padding where BTF leaves a gap. */
static int members_put(struct gen *g, FILE *f, const struct btf_type *t, int indent,
		       const struct place *at, int depth)
{
	const struct btf_member *m = btf_type_data(t);
	bool is_union = btf_kind(t) == BTF_KIND_UNION;
	uint64_t pos = 0, bits_end = 0, widest = 0;
	uint32_t align;
	bool packed = type_packed(g, t, &align, depth);
	unsigned int anon = 0;
	int err = 0;

	for (uint32_t i = 0; !err && i < btf_vlen(t); i++) {
		uint32_t off = is_union ? 0 : member_offset(t, &m[i]);
		uint64_t size = type_size(g, m[i].type);
		const char *mname = btf_str(g->btf, m[i].name_off);
		char name[IDENT_MAX + 2], path[sizeof(at->path)];

		if (member_is_bits(g, t, &m[i])) {
			uint32_t bit = btf_kflag(t) ? m[i].offset & 0xffffff : m[i].offset;
			uint32_t nbits = btf_kflag(t) ? m[i].offset >> 24 : 0;
			const struct btf_type *mt = type_at(g, btf_skip_modifiers(g->btf, m[i].type));

			if (!nbits && mt && btf_kind(mt) == BTF_KIND_INT)
				nbits = *(const uint32_t *)btf_type_data(mt) & 0xff;
			/* Bit-fields become the bytes they share, from the first to the last. */
			if (!bits_end && !is_union) {
				if (bit / 8 < pos)
					return gen_fail(g, "%s: a bit-field overlaps the member before it", at->root);
				gap_put(g, f, indent, bit / 8 - pos, false);
				pos = bit / 8;
			}
			bits_end = (bit + nbits + 7) / 8 > bits_end ? (bit + nbits + 7) / 8 : bits_end;
			continue;
		}
		if (bits_end && !is_union) {
			if (off < bits_end)
				return gen_fail(g, "%s: member %s overlaps the bit-fields before it", at->root, mname);
			gap_put(g, f, indent, bits_end - pos, true);
			pos = bits_end;
			bits_end = 0;
		}
		if (*mname)
			err = name_check(g, "member", mname);
		if (*mname)
			snprintf(name, sizeof(name), "%s", mname);
		else
			snprintf(name, sizeof(name), PAD "anon%u", anon++);
		if (err || size == 0)
			continue; /* size 0: a flexible array, which C99 spells nowhere but last */
		if (off < pos)
			return gen_fail(g, "%s: member %s at %u overlaps the member before it", at->root,
					name, off);
		gap_put(g, f, indent, off - pos, false);
		if (packed && type_align(g, m[i].type, depth) > 1)
			member_bytes(g, f, m[i].type, name, indent, size, "unaligned: the struct is packed");
		else
			err = member_put(g, f, m[i].type, name, indent, at, off, depth);
		if (!err)
			err = path_join(g, path, sizeof(path), at->path, name);
		if (!err && !is_union)
			check_add(g, "offsetof", at->root, path, at->offset + off);
		pos = is_union ? 0 : off + size;
		widest = size > widest ? size : widest;
	}
	if (err)
		return err;
	if (is_union) {
		widest = bits_end > widest ? bits_end : widest;
		/* Bit-fields, and a size beyond the widest member: bytes of the whole. */
		if (bits_end || widest < t->size_or_type)
			gap_put(g, f, indent, t->size_or_type, bits_end != 0);
	} else {
		gap_put(g, f, indent, bits_end > pos ? bits_end - pos : 0, true);
		pos = bits_end > pos ? bits_end : pos;
		if (pos > t->size_or_type)
			return gen_fail(g, "%s: its members end at byte %llu, past its %u bytes", at->root,
					(unsigned long long)pos, t->size_or_type);
		gap_put(g, f, indent, t->size_or_type - pos, false);
	}
	check_add(g, "sizeof", at->root, at->path, t->size_or_type);
	return 0;
}

/* Define a named struct, union or typedef, after what it holds by value. */
static int type_define(struct gen *g, uint32_t id, int depth)
{
	const struct btf_type *t = type_at(g, id);
	const char *what = btf_kind(t) == BTF_KIND_STRUCT ? "struct" :
			   btf_kind(t) == BTF_KIND_UNION ? "union" : "typedef";
	struct place at = { NULL, "", 0 };
	char full[300], root[310], desc[IDENT_MAX + 20];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	if (g->state[id] == DEF_DONE)
		return 0;
	if (g->state[id] == DEF_BUSY)
		return gen_fail(g, "%s %s holds itself", what, type_name(g, t));
	g->state[id] = DEF_BUSY;
	err = name_check(g, what, type_name(g, t));
	snprintf(full, sizeof(full), "%s__%s", g->name, type_name(g, t));
	snprintf(desc, sizeof(desc), "%s %s", what, type_name(g, t));
	if (!err)
		err = name_claim(g, btf_kind(t) == BTF_KIND_TYPEDEF ? &g->idents : &g->tags, full, desc);
	if (err)
		return err;
	f = open_memstream(&buf, &len);
	if (!f)
		return gen_fail(g, "out of memory");
	if (btf_kind(t) == BTF_KIND_TYPEDEF) {
		at.root = full;
		fprintf(f, "typedef ");
		/* member_put spells "T name;": here the name is the typedef's. */
		err = member_put(g, f, t->size_or_type, full, 0, &at, 0, depth);
	} else {
		snprintf(root, sizeof(root), "%s %s", what, full);
		at.root = root;
		fprintf(f, "%s {\n", root);
		err = members_put(g, f, t, 1, &at, depth);
		fprintf(f, "};\n");
	}
	fclose(f);
	if (!err)
		fprintf(g->out, "%s\n", buf);
	free(buf);
	g->state[id] = DEF_DONE;
	return err;
}

/* ---- sections ---- */

struct section {
	const struct obj_map *map;
	const struct btf_type *ds; /* its DATASEC; NULL: the skeleton gives only the map */
	char ident[IDENT_MAX + 2];
};

static int var_cmp(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* struct NAME__<section>: its global variables, in offset order. */
static int section_define(struct gen *g, struct section *s)
{
	const struct btf_var_secinfo *vars = btf_type_data(s->ds);
	uint32_t n = btf_vlen(s->ds), size = s->map->value_size;
	struct btf_var_secinfo *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	char root[IDENT_MAX * 2 + 20], name[IDENT_MAX + 2];
	struct place at = { root, "", 0 };
	uint64_t pos = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err = 0;

	if (!sorted || !f) {
		free(sorted);
		if (f)
			fclose(f);
		free(buf);
		return gen_fail(g, "out of memory");
	}
	memcpy(sorted, vars, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), var_cmp);
	snprintf(root, sizeof(root), "struct %s__%s", g->name, s->ident);
	fprintf(f, "/* %s: %u bytes */\n%s {\n", s->map->name, size, root);
	for (uint32_t i = 0; !err && i < n; i++) {
		const struct btf_type *v = type_at(g, sorted[i].type);
		const char *vname = type_name(g, v);

		/* Static variables stay the program's own (libbpf's skeletons hide them too). */
		if (btf_kind(v) != BTF_KIND_VAR || *(const uint32_t *)btf_type_data(v) != 1 ||
		    !sorted[i].size)
			continue;
		err = name_check(g, "variable", vname);
		if (err)
			break;
		if (sorted[i].offset < pos)
			err = gen_fail(g, "variable %s at %u overlaps the one before it", vname,
				       sorted[i].offset);
		else if (sorted[i].offset + (uint64_t)sorted[i].size > size)
			err = gen_fail(g, "variable %s ends past its %u-byte section", vname, size);
		if (err)
			break;
		if (sorted[i].offset > pos)
			gap_put(g, f, 1, sorted[i].offset - pos, false);
		snprintf(name, sizeof(name), "%s", vname);
		if (sorted[i].offset % type_align(g, v->size_or_type, 0))
			member_bytes(g, f, v->size_or_type, name, 1, sorted[i].size, "unaligned");
		else
			err = member_put(g, f, v->size_or_type, name, 1, &at, sorted[i].offset, 0);
		check_add(g, "offsetof", root, name, sorted[i].offset);
		pos = sorted[i].offset + (uint64_t)sorted[i].size;
	}
	free(sorted);
	if (!err && pos < size)
		gap_put(g, f, 1, size - pos, false);
	fprintf(f, "};\n");
	fclose(f);
	if (!err)
		fprintf(g->out, "%s\n", buf);
	free(buf);
	if (err)
		return err;
	/* The section's own size, up to the 8-byte rounding its copies get. */
	fprintf(g->checks, "\tchar c%u[sizeof(%s) >= %u && sizeof(%s) <= %u ? 1 : -1];\n",
		g->nchecks++, root, size, root, (size + 7) / 8 * 8);
	return 0;
}

/* ---- the header ---- */

static void usage_put(struct gen *g, FILE *f, uint32_t nsecs)
{
	const char *n = g->name;

	fprintf(f, "/*\n * Use, on libxdpload alone (cc ... $(pkg-config --static --cflags --libs xdpload)):\n *\n"
		   " *   struct xdpl_error e = { 0 };\n"
		   " *   struct %s *skel = %s__open(&e);\n"
		   " *   ... skel->rodata->SETTING = VALUE: initial values, before the load\n"
		   " *   %s__load(skel, NULL, &e);\n"
		   " *   ... xdpl_prog_fd(skel->progs.PROG), skel->bss->COUNTER\n"
		   " *   %s__destroy(skel);\n *\n"
		   " * Each call explains a failure in e.  %s__destroy() closes every fd and\n"
		   " * mapping; a program stays attached only where something else holds it.\n *\n",
		n, n, n, n, n);
	fprintf(f, " * Before %s__load(), each section pointer is the object's copy of its\n"
		   " * section (xdpl_map_initial_value()): what is written there is what the\n"
		   " * map starts with.  After it, each points at the map's value in the\n"
		   " * kernel, mapped into this process (xdpl_map_mmap()), and skel->mapped\n"
		   " * says so: reads see what programs wrote, writes are what they read\n"
		   " * next; .rodata is frozen then, and mapped read-only (writing it faults).\n"
		   " * A kernel without BPF_F_MMAPABLE (before 5.5) leaves a pointer on the\n"
		   " * object's copy, with skel->mapped false: read and write that map with\n"
		   " * xdpl_map_lookup() and xdpl_map_update(), key 0, on its xdpl_map_fd().\n",
		n);
	if (nsecs)
		fprintf(f, " *\n * Types from the object's BTF are named %s__NAME (tags, typedefs,\n"
			   " * enumerators); pointers are opaque uint64_t; gaps are " PAD "pad\n"
			   " * members, bit-fields " PAD "bits bytes.  Static variables are not here.\n",
			n);
	fprintf(f, " */\n");
}

static void funcs_put(struct gen *g, FILE *f, const struct section *secs, uint32_t nsecs)
{
	const char *n = g->name;
	bool any = g->obj->nprogs || g->obj->nmaps, typed = false;

	for (uint32_t i = 0; i < nsecs; i++)
		typed |= secs[i].ds != NULL;
	fprintf(f, "/* The embedded object's bytes. */\n"
		   "static inline const void *%s__elf_bytes(size_t *size)\n{\n"
		   "\tif (size)\n\t\t*size = sizeof(%s__elf);\n\treturn %s__elf;\n}\n\n", n, n, n);
	fprintf(f, "/* Close every fd and mapping the skeleton's object made, and free it.  NULL is allowed. */\n"
		   "static inline void %s__destroy(struct %s *skel)\n{\n"
		   "\tif (!skel)\n\t\treturn;\n\txdpl_obj_close(skel->obj);\n\tfree(skel);\n}\n\n", n, n);
	fprintf(f, "/* Open the embedded object: NULL on failure, explained in e. */\n"
		   "static inline struct %s *%s__open(struct xdpl_error *e)\n{\n"
		   "\tstruct %s *skel = (struct %s *)calloc(1, sizeof(*skel));\n"
		   "\tstruct xdpl_open_opts opts;\n", n, n, n, n);
	if (typed)
		fprintf(f, "\tsize_t size = 0;\n");
	fprintf(f, "\n\tif (!skel) {\n\t\txdpl_error_set(e, -ENOMEM, false, \"%s: out of memory for the skeleton\");\n"
		   "\t\treturn NULL;\n\t}\n"
		   "\tmemset(&opts, 0, sizeof(opts));\n\topts.sz = sizeof(opts);\n\topts.name = \"%s\";\n"
		   "\tif (xdpl_obj_open_mem(&skel->obj, %s__elf, sizeof(%s__elf), &opts, e))\n\t\tgoto fail;\n",
		n, n, n, n);
	for (uint32_t i = 0; i < g->obj->nprogs; i++)
		fprintf(f, "\tif (!(skel->progs.%s = xdpl_obj_prog_find(skel->obj, \"%s\")))\n\t\tgoto stale;\n",
			g->obj->progs[i].name, g->obj->progs[i].name);
	for (uint32_t i = 0; i < g->obj->nmaps; i++) {
		char ident[IDENT_MAX + 2];

		map_ident(&g->obj->maps[i], ident, sizeof(ident));
		fprintf(f, "\tif (!(skel->maps.%s = xdpl_obj_map_find(skel->obj, \"%s\")))\n\t\tgoto stale;\n",
			ident, g->obj->maps[i].name);
	}
	for (uint32_t i = 0; i < nsecs; i++)
		if (secs[i].ds)
			fprintf(f, "\tskel->%s = (struct %s__%s *)xdpl_map_initial_value(skel->maps.%s, &size);\n"
				   "\tif (!skel->%s || size != %u)\n\t\tgoto stale;\n",
				secs[i].ident, n, secs[i].ident, secs[i].ident, secs[i].ident,
				secs[i].map->value_size);
	fprintf(f, "\treturn skel;\n");
	if (any)
		fprintf(f, "stale:\n\txdpl_error_set(e, -EINVAL, false, \"%s: this libxdpload reads the embedded object otherwise than the xdpload that generated %s.skel.h: generate it again\");\n",
			n, n);
	fprintf(f, "fail:\n\t%s__destroy(skel);\n\treturn NULL;\n}\n\n", n);

	fprintf(f, "/* Load it (opts as for xdpl_obj_load(); NULL: the defaults), then map its sections. */\n"
		   "static inline int %s__load(struct %s *skel, const struct xdpl_load_opts *opts,\n"
		   "\t\t\t\tstruct xdpl_error *e)\n{\n", n, n);
	if (typed)
		fprintf(f, "\tvoid *mem = NULL;\n");
	fprintf(f, "\tint err = xdpl_obj_load(skel->obj, opts, e);\n\n");
	for (uint32_t i = 0; i < nsecs; i++) {
		if (!secs[i].ds)
			continue;
		fprintf(f, "\tif (!err)\n\t\terr = xdpl_map_mmap(skel->maps.%s, &mem, e);\n"
			   "\tif (!err && mem) {\n\t\tskel->%s = (struct %s__%s *)mem;\n"
			   "\t\tskel->mapped.%s = true;\n\t}\n",
			secs[i].ident, secs[i].ident, n, secs[i].ident, secs[i].ident);
	}
	fprintf(f, "\treturn err;\n}\n\n");
	fprintf(f, "/* Open and load: NULL on failure, explained in e, with nothing left behind. */\n"
		   "static inline struct %s *%s__open_and_load(const struct xdpl_load_opts *opts,\n"
		   "\t\t\t\t\t\tstruct xdpl_error *e)\n{\n"
		   "\tstruct %s *skel = %s__open(e);\n\n"
		   "\tif (skel && %s__load(skel, opts, e)) {\n\t\t%s__destroy(skel);\n\t\treturn NULL;\n\t}\n"
		   "\treturn skel;\n}\n",
		n, n, n, n, n, n);
}

static int header_build(struct gen *g, FILE *f, const char *path)
{
	const struct obj *obj = g->obj;
	struct section *secs = calloc(obj->nmaps ? obj->nmaps : 1, sizeof(*secs));
	char *types = NULL, *checks = NULL, guard[200], full[300];
	size_t types_len = 0, checks_len = 0;
	uint32_t nsecs = 0;
	bool typed = false;
	int err = 0;

	g->out = open_memstream(&types, &types_len);
	g->checks = open_memstream(&checks, &checks_len);
	g->state = calloc(g->btf ? g->btf->nr_types + 1 : 1, 1);
	if (!secs || !g->out || !g->checks || !g->state)
		err = gen_fail(g, "out of memory");
	/* What the header itself defines comes first: the object cannot take it. */
	static const char *const own[] = { "elf", "elf_bytes", "destroy", "open", "load", "open_and_load" };
	snprintf(full, sizeof(full), "%s", g->name);
	if (!err)
		err = name_claim(g, &g->tags, full, "the skeleton");
	snprintf(full, sizeof(full), "%s__layout_check", g->name);
	if (!err)
		err = name_claim(g, &g->tags, full, "the layout check");
	for (size_t i = 0; !err && i < sizeof(own) / sizeof(own[0]); i++) {
		snprintf(full, sizeof(full), "%s__%s", g->name, own[i]);
		err = name_claim(g, &g->idents, full, "a function of the skeleton");
	}
	for (uint32_t i = 0; !err && i < obj->nprogs; i++)
		err = name_check(g, "program", obj->progs[i].name);
	for (uint32_t i = 0; !err && i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];
		char ident[IDENT_MAX + 2], what[IDENT_MAX + 20];

		map_ident(m, ident, sizeof(ident));
		snprintf(what, sizeof(what), " (from section %s)", m->name);
		err = name_from(g, "map", ident, m->origin == MAP_DATA ? what : "");
		snprintf(what, sizeof(what), "map %s", m->name);
		snprintf(full, sizeof(full), "maps.%s", ident); /* one set for the maps' members */
		if (!err)
			err = name_claim(g, &g->idents, full, what);
		if (err || m->origin != MAP_DATA)
			continue;
		secs[nsecs].map = m;
		snprintf(secs[nsecs].ident, sizeof(secs[nsecs].ident), "%s", ident);
		secs[nsecs].ds = g->btf ? type_at(g, m->btf_value_id) : NULL;
		if (secs[nsecs].ds && btf_kind(secs[nsecs].ds) != BTF_KIND_DATASEC)
			secs[nsecs].ds = NULL;
		nsecs++;
	}
	for (uint32_t i = 0; !err && i < obj->nprogs; i++) {
		snprintf(full, sizeof(full), "progs.%s", obj->progs[i].name);
		err = name_claim(g, &g->idents, full, "a program");
	}
	/* Every section's struct is named before any type: those names are the header's. */
	for (uint32_t i = 0; !err && i < nsecs; i++) {
		char what[IDENT_MAX + 40];

		snprintf(full, sizeof(full), "%s__%s", g->name, secs[i].ident);
		snprintf(what, sizeof(what), "the struct of section %s", secs[i].map->name);
		if (secs[i].ds)
			err = name_claim(g, &g->tags, full, what);
	}
	for (uint32_t i = 0; !err && i < nsecs; i++) {
		if (secs[i].ds)
			err = section_define(g, &secs[i]);
		typed |= secs[i].ds != NULL;
	}
	if (g->out)
		fclose(g->out);
	if (g->checks)
		fclose(g->checks);
	if (err)
		goto out;

	snprintf(guard, sizeof(guard), "%s_SKEL_H", g->name);
	for (char *p = guard; *p; p++)
		*p = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
	fprintf(f, "/*\n * %s.skel.h - a skeleton of ", g->name);
	comment_put(f, path);
	fprintf(f, ", generated by xdpload %s\n * (`xdpload gen skeleton OBJ %s`): do not edit; generate it again when\n"
		   " * the object changes.  It embeds the object and needs only <xdpload.h>.\n */\n",
		XDPLOAD_VERSION, g->name);
	usage_put(g, f, nsecs);
	fprintf(f, "#ifndef %s\n#define %s\n\n#include <errno.h>\n#include <stdbool.h>\n#include <stddef.h>\n"
		   "#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n\n#include <xdpload.h>\n\n",
		guard, guard);
	fputs(types, f);
	fprintf(f, "struct %s {\n\tstruct xdpl_obj *obj;\n", g->name);
	if (obj->nprogs) {
		fprintf(f, "\tstruct {\n");
		for (uint32_t i = 0; i < obj->nprogs; i++) {
			fprintf(f, "\t\tstruct xdpl_prog *%s; /* SEC(\"", obj->progs[i].name);
			comment_put(f, obj->progs[i].section);
			fprintf(f, "\") */\n");
		}
		fprintf(f, "\t} progs;\n");
	}
	if (obj->nmaps) {
		fprintf(f, "\tstruct {\n");
		for (uint32_t i = 0; i < obj->nmaps; i++) {
			char ident[IDENT_MAX + 2];

			map_ident(&obj->maps[i], ident, sizeof(ident));
			fprintf(f, "\t\tstruct xdpl_map *%s; /* %s, %s */\n", ident, obj->maps[i].name,
				obj_map_type_name(obj->maps[i].type));
		}
		fprintf(f, "\t} maps;\n");
	}
	for (uint32_t i = 0; i < nsecs; i++)
		if (secs[i].ds)
			fprintf(f, "\tstruct %s__%s *%s; /* %s */\n", g->name, secs[i].ident, secs[i].ident,
				secs[i].map->name);
	if (typed) {
		fprintf(f, "\tstruct { /* after the load: the pointer above is the kernel's memory */\n");
		for (uint32_t i = 0; i < nsecs; i++)
			if (secs[i].ds)
				fprintf(f, "\t\tbool %s;\n", secs[i].ident);
		fprintf(f, "\t} mapped;\n");
	}
	fprintf(f, "};\n\n");
	if (g->nchecks)
		fprintf(f, "/* The compiler lays the structs out as BTF does, or this does not build. */\n"
			   "struct %s__layout_check {\n%s};\n\n", g->name, checks);
	fprintf(f, "static const unsigned char %s__elf[%zu] = {", g->name, obj->size);
	for (size_t i = 0; i < obj->size; i++)
		fprintf(f, "%s0x%02x,", i % 12 ? " " : "\n\t", obj->buf[i]);
	fprintf(f, "\n};\n\n");
	funcs_put(g, f, secs, nsecs);
	fprintf(f, "\n#endif\n");
out:
	free(types);
	free(checks);
	free(secs);
	return err;
}

/* The default NAME: the file's, without its directory and .o or .bpf.o, as an identifier. */
static void name_from_path(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n;

	snprintf(buf, len, "%s%s", base[0] >= '0' && base[0] <= '9' ? "_" : "", base);
	n = strlen(buf);
	if (n > 6 && !strcmp(buf + n - 6, ".bpf.o"))
		buf[n - 6] = '\0';
	else if (n > 2 && !strcmp(buf + n - 2, ".o"))
		buf[n - 2] = '\0';
	for (char *p = buf; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	if (!ident_ok(buf))
		strncat(buf, "_", len - strlen(buf) - 1); /* "int" -> "int_", "" -> "_" */
}

int cmd_gen(struct opts *o)
{
	const char *path = o->args[1];
	struct xdpl_obj *obj;
	struct gen g = { 0 };
	char name[128], *text = NULL;
	size_t len = 0;
	FILE *f;
	int err, code;

	if (strcmp(o->args[0], "skeleton")) {
		fprintf(stderr, "xdpload: gen: unknown kind %s (gen skeleton OBJ [NAME])\n", o->args[0]);
		return EXIT_USAGE;
	}
	if (o->nargs > 2 && (!ident_ok(o->args[2]) || strlen(o->args[2]) > 64)) {
		fprintf(stderr, "xdpload: gen skeleton: NAME %s is not a C identifier of at most 64 characters\n",
			o->args[2]);
		return EXIT_USAGE;
	}
	if (o->nargs > 2)
		snprintf(name, sizeof(name), "%s", o->args[2]);
	else
		name_from_path(path, name, 64);
	code = obj_open_with_sets(&obj, path, o);
	if (code)
		return code;
	g.obj = &obj->obj;
	g.btf = obj->obj.btf;
	g.name = name;
	f = open_memstream(&text, &len);
	err = f ? header_build(&g, f, path) : gen_fail(&g, "out of memory");
	if (f)
		fclose(f);
	for (size_t i = 0; i < g.tags.n; i++)
		free(g.tags.v[i]);
	for (size_t i = 0; i < g.idents.n; i++)
		free(g.idents.v[i]);
	free(g.tags.v);
	free(g.idents.v);
	free(g.state);
	xdpl_obj_close(obj);
	if (err) {
		fprintf(stderr, "xdpload: gen skeleton: %s: %s\n", path, g.err);
		free(text);
		return EXIT_OBJECT;
	}
	code = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ? EXIT_OK : EXIT_ENV;
	if (code) {
		fprintf(stderr, "xdpload: gen skeleton: writing the header failed: %s\n",
			xdpl_errno_name(errno));
		out_forget(); /* said */
	}
	free(text);
	return code;
}
