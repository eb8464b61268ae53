// SPDX-License-Identifier: MIT
/*
 * show.c - the verbs that only look, and how they print: `inspect` (an
 * object, no kernel needed), `status` (XDP on interfaces), `map dump` (a
 * pinned map), and global variables for `inspect` and `test`.  Text for
 * people, -j for programs.  Part of the command line: it prints.
 *
 * Unlike the other verbs, inspect shows what the library keeps to itself:
 * the object's sections, relocations and BTF types, and global values typed
 * by BTF.  Those are a reader's view of the parse, not an API a program
 * needs, so this file alone reads the library's internal view (lib/internal.h,
 * lib/btf.h) instead of growing the public header by all of it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/btf.h"
#include "lib/internal.h"
#include "cli/cli.h"

void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void hex_print(const uint8_t *p, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i ? sep : "", p[i]);
}

static uint64_t le_value(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size < 8 ? size : 8);
	return v;
}

/*
 * A value is printed into a buffer of its own, bounded: the BTF comes from
 * the object and may describe a struct that contains itself, nesting as
 * deep as it likes, or arrays of a megabyte, and printing such a value
 * naively grows as the width to the power of the depth (a 2.4 KB object
 * printed 1.2 GB).  So nesting stops at VALUE_MAX_DEPTH, a type already
 * being printed further up is not printed again, each variable prints at
 * most VALUE_MAX_BYTES and all of them GLOBALS_MAX_BYTES; what is left out
 * says so with a "<cut: ...>" marker, a string in JSON, and the brackets
 * still close (VALUE_RESERVE keeps room for them), so -j stays JSON.
 */
#define VALUE_MAX_DEPTH 6
#define VALUE_MAX_ELEMS 16 /* text: longer arrays end in "..." */
#define VALUE_MAX_BYTES (16 << 10)
#define GLOBALS_MAX_BYTES (1 << 20)
#define VALUE_RESERVE ((VALUE_MAX_DEPTH + 2) * 96)

struct value_out {
	const struct btf *btf;
	bool json;
	char *buf;      /* limit + VALUE_RESERVE bytes */
	size_t len, limit;
	bool full;      /* something did not fit: only markers and closing brackets now */
	uint32_t stack[VALUE_MAX_DEPTH + 1]; /* the structs and arrays being printed */
	int depth;
};

/* Append, unless it would pass the limit (then full); force: closing text, within the reserve. */
static void vemit(struct value_out *o, bool force, const char *fmt, va_list ap)
{
	size_t room = (force ? o->limit + VALUE_RESERVE : o->limit) - o->len;
	int n;

	if (o->full && !force)
		return;
	n = vsnprintf(o->buf + o->len, room, fmt, ap);
	if (n < 0 || (size_t)n >= room) {
		o->buf[o->len] = '\0';
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

__attribute__((format(printf, 2, 3))) static bool emit(struct value_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(o, false, fmt, ap);
	va_end(ap);
	return !o->full;
}

__attribute__((format(printf, 2, 3))) static void emit_force(struct value_out *o,
							      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(o, true, fmt, ap);
	va_end(ap);
}

/* A marker where a value was left out: a string in JSON. */
static void emit_cut(struct value_out *o, const char *why)
{
	emit_force(o, o->json ? "\"<cut: %s>\"" : "<cut: %s>", why);
}

/* A JSON string (text: as it is), whole or not at all; at most 255 bytes of s. */
static bool emit_string(struct value_out *o, const char *s, bool quoted)
{
	char buf[256 * 6 + 3];
	size_t n = 0;

	if (!quoted)
		return emit(o, "%s", text(s)); /* a name from the object, escaped to print */
	buf[n++] = '"';
	for (size_t i = 0; s[i] && i < 255; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			n += (size_t)sprintf(buf + n, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			n += (size_t)sprintf(buf + n, "\\u%04x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return emit(o, "%s", buf);
}

static void emit_hex(struct value_out *o, const uint8_t *p, uint32_t size)
{
	if (!emit(o, o->json ? "\"" : "0x"))
		return emit_cut(o, "output limit");
	for (uint32_t i = 0; i < size; i++)
		if (!emit(o, "%02x", p[i])) {
			emit_force(o, o->json ? "...\"" : "...");
			return;
		}
	if (o->json && !emit(o, "\""))
		emit_force(o, "\"");
}

/* One value, shaped by its type: numbers, enum names, strings, {structs}, [arrays]. */
static void value_print(struct value_out *o, uint32_t type, const uint8_t *p, uint32_t size)
{
	const struct btf *btf = o->btf;
	uint32_t id = btf_skip_modifiers(btf, type);
	const struct btf_type *t = btf_type_by_id(btf, id);
	uint32_t kind = t ? btf_kind(t) : 0;
	char why[64];

	if (o->full)
		return emit_cut(o, "output limit");
	if (kind == BTF_KIND_INT && size <= 8) {
		uint32_t enc = *(const uint32_t *)btf_type_data(t) >> 24;
		uint64_t v = le_value(p, size);
		bool ok;

		if (enc & BTF_INT_BOOL)
			ok = emit(o, "%s", v ? "true" : "false");
		else if ((enc & BTF_INT_SIGNED) && size < 8 && (v >> (size * 8 - 1)) & 1)
			ok = emit(o, "%lld", (long long)(v | (~0ULL << (size * 8))));
		else if (enc & BTF_INT_SIGNED)
			ok = emit(o, "%lld", (long long)v);
		else
			ok = emit(o, "%llu", (unsigned long long)v);
		if (!ok)
			emit_cut(o, "output limit");
		return;
	}
	if (kind == BTF_KIND_ENUM && size <= 8) {
		const struct btf_enum *en = btf_type_data(t);
		int64_t v = (int32_t)le_value(p, size);

		for (uint32_t i = 0; i < btf_vlen(t); i++)
			if (en[i].val == v) {
				if (!emit_string(o, btf_str(btf, en[i].name_off), o->json))
					emit_cut(o, "output limit");
				return;
			}
		if (!emit(o, "%lld", (long long)v))
			emit_cut(o, "output limit");
		return;
	}
	if (kind == BTF_KIND_ARRAY || kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) {
		for (int d = 0; d < o->depth; d++)
			if (o->stack[d] == id) {
				snprintf(why, sizeof(why), "type %u inside itself", id);
				return emit_cut(o, why);
			}
		if (o->depth >= VALUE_MAX_DEPTH) {
			snprintf(why, sizeof(why), "nested more than %d deep", VALUE_MAX_DEPTH);
			return emit_cut(o, why);
		}
	}
	if (kind == BTF_KIND_ARRAY) {
		const struct btf_array *a = btf_type_data(t);
		const struct btf_type *elem = btf_type_by_id(btf, btf_skip_modifiers(btf, a->type));
		uint64_t esize;

		if (elem && btf_kind(elem) == BTF_KIND_INT && elem->size_or_type == 1) {
			char text[256];
			size_t n = strnlen((const char *)p, size < sizeof(text) ? size : sizeof(text) - 1);

			memcpy(text, p, n);
			text[n] = '\0';
			if (!emit_string(o, text, true))
				emit_cut(o, "output limit");
			return;
		}
		if (!btf_type_size(btf, a->type, &esize) && esize && esize * a->nelems == size) {
			o->stack[o->depth++] = id;
			emit(o, "[");
			for (uint32_t i = 0; i < a->nelems; i++) {
				if (!o->json && i == VALUE_MAX_ELEMS) {
					emit(o, ", ...");
					break;
				}
				if (o->full || !emit(o, "%s", i ? ", " : "")) {
					emit_force(o, "%s", i ? ", " : "");
					emit_cut(o, "output limit");
					break;
				}
				value_print(o, a->type, p + i * esize, (uint32_t)esize);
			}
			emit_force(o, "]");
			o->depth--;
			return;
		}
	}
	if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) {
		const struct btf_member *m = btf_type_data(t);
		uint32_t shown = 0;

		o->stack[o->depth++] = id;
		emit(o, "{");
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			/* With kflag, the top 8 bits of offset are a bitfield's size. */
			uint32_t bits = btf_kflag(t) ? m[i].offset >> 24 : 0;
			uint32_t off = (btf_kflag(t) ? m[i].offset & 0xffffff : m[i].offset) / 8;
			uint64_t msize;
			size_t mark = o->len;

			if (bits || btf_type_size(btf, m[i].type, &msize) || off + msize > size)
				continue;
			if (!o->full && emit(o, "%s", shown ? (o->json ? "," : ", ") : "") &&
			    emit_string(o, btf_str(btf, m[i].name_off), o->json) &&
			    emit(o, o->json ? ":" : " = ")) {
				shown++;
				value_print(o, m[i].type, p + off, (uint32_t)msize);
				continue;
			}
			o->len = mark; /* no name without its value */
			o->buf[o->len] = '\0';
			emit_force(o, "%s", shown ? (o->json ? "," : ", ") : "");
			if (o->json)
				emit_force(o, "\"<cut>\":");
			emit_cut(o, "output limit");
			break;
		}
		emit_force(o, "}");
		o->depth--;
		return;
	}
	emit_hex(o, p, size);
}

bool obj_has_btf(const struct xdpl_obj *o)
{
	return o->obj.btf != NULL;
}

/*
 * The global variables of every data map: from the object's bytes, or, once
 * it is loaded, as the kernel holds them now (after `test` ran).
 */
unsigned int globals_print(const struct xdpl_obj *o, bool json)
{
	const struct obj *obj = &o->obj;
	const int *map_fds = o->loaded ? o->fds.map_fds : NULL;
	const struct btf *btf = obj->btf;
	struct value_out out = { .btf = btf, .json = json };
	size_t total = 0;
	unsigned int shown = 0;

	if (btf)
		out.buf = malloc(VALUE_MAX_BYTES + VALUE_RESERVE);
	for (uint32_t i = 0; out.buf && i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];
		const struct btf_type *ds = btf_type_by_id(btf, m->btf_value_id);
		const struct btf_var_secinfo *v;
		uint8_t *now = m->data;
		uint32_t zero = 0;

		if (m->origin != MAP_DATA || !ds)
			continue;
		if (map_fds && map_fds[i] >= 0) {
			now = malloc(m->value_size);
			if (!now)
				now = m->data;
			else if (bpf_map_elem(BPF_MAP_LOOKUP_ELEM, map_fds[i], &zero, now, 0) < 0)
				memcpy(now, m->data, m->value_size);
		}
		v = btf_type_data(ds);
		for (uint32_t j = 0; j < btf_vlen(ds); j++) {
			const struct btf_type *var = btf_type_by_id(btf, v[j].type);
			char type[96];

			if (btf_kind(var) != BTF_KIND_VAR || v[j].offset + v[j].size > m->value_size)
				continue;
			if (total >= GLOBALS_MAX_BYTES) {
				if (json)
					printf("%s\"<cut>\":\"<cut: %d MiB of values printed>\"",
					       shown ? "," : "", GLOBALS_MAX_BYTES >> 20);
				else
					printf("  <cut: %d MiB of values printed; the other variables are not>\n",
					       GLOBALS_MAX_BYTES >> 20);
				goto done;
			}
			if (json) {
				printf("%s", shown ? "," : "");
				json_string(btf_str(btf, var->name_off));
				putchar(':');
			} else {
				btf_type_describe(btf, var->size_or_type, type, sizeof(type));
				printf("  %-10s %-20s %-16s ", text(m->name), text(btf_str(btf, var->name_off)),
				       text(type));
			}
			out.len = 0;
			out.buf[0] = '\0';
			out.full = false;
			out.depth = 0;
			out.limit = GLOBALS_MAX_BYTES - total < VALUE_MAX_BYTES ? GLOBALS_MAX_BYTES - total
										: VALUE_MAX_BYTES;
			value_print(&out, var->size_or_type, now + v[j].offset, v[j].size);
			fwrite(out.buf, 1, out.len, stdout);
			total += out.len;
			if (!json)
				putchar('\n');
			shown++;
		}
done:
		if (now != m->data)
			free(now);
		if (total >= GLOBALS_MAX_BYTES)
			break;
	}
	free(out.buf);
	return shown;
}

static unsigned int globals_count(const struct obj *obj)
{
	unsigned int n = 0;

	for (uint32_t i = 0; obj->btf && i < obj->nmaps; i++) {
		const struct btf_type *ds = btf_type_by_id(obj->btf, obj->maps[i].btf_value_id);

		n += obj->maps[i].origin == MAP_DATA && ds ? btf_vlen(ds) : 0;
	}
	return n;
}

static uint32_t ext_records(const struct btf_ext_info *info)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < info->nsecs; i++)
		n += info->secs[i].count;
	return n;
}

static void inspect_text(const struct xdpl_obj *o, const char *path)
{
	const struct obj *obj = &o->obj;
	const struct btf *btf = obj->btf;

	printf("object       %s\nlicense      %s\nrelocations  %u\n", text(path),
	       obj->license ? text(obj->license) : "(none)", obj->nrelocs);
	if (btf)
		printf("btf          %u types, %u bytes of strings, %u func_info and %u line_info records\n",
		       btf->nr_types, btf->strs_len, ext_records(&btf->func_info),
		       ext_records(&btf->line_info));
	else
		printf("btf          none (build with clang -g for BTF)\n");

	printf("\nprograms (%u)\n", obj->nprogs);
	if (obj->nprogs)
		printf("  %-20s %-16s %-12s %6s %7s\n", "NAME", "SECTION", "TYPE", "INSNS", "RELOCS");
	for (uint32_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];
		const struct obj_reloc *r;
		uint32_t n = obj_relocs_in(obj, p->sec, p->first_insn, p->insn_cnt, &r);

		printf("  %-20s %-16s %-12s %6u %7u\n", text(p->name), text(p->section), obj_prog_type_name(p),
		       p->insn_cnt, n);
		for (uint32_t k = 0; k < n; k++, r++)
			cli_log("relocation: %s instruction %u -> %s %s", p->name,
				 r->insn - p->first_insn,
				 r->kind == RELOC_MAP	 ? "map"
				 : r->kind == RELOC_DATA ? "variable"
				 : r->kind == RELOC_EXTERN ? "extern"
							   : "function",
				 r->sym);
	}
	if (obj->nfuncs > obj->nprogs) {
		printf("\nsubprograms\n ");
		for (uint32_t i = 0; i < obj->nfuncs; i++)
			if (!obj_prog_find(obj, obj->funcs[i].name) ||
			    obj_prog_find(obj, obj->funcs[i].name)->sec != obj->funcs[i].sec)
				printf(" %s (%s)", text(obj->funcs[i].name),
				       text(elf_section_name(obj, obj->funcs[i].sec)));
		putchar('\n');
	}

	printf("\nmaps (%u)\n", obj->nmaps);
	if (obj->nmaps)
		printf("  %-20s %-16s %5s %6s %11s  %-6s %-7s %s\n", "NAME", "TYPE", "KEY", "VALUE",
		       "MAX", "FLAGS", "ORIGIN", "PINNING");
	for (uint32_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];
		static const char *const origins[] = { "maps", ".maps", "data" };
		char flags[16];

		snprintf(flags, sizeof(flags), "0x%x", m->flags);
		printf("  %-20s %-16s %5u %6u %11u  %-6s %-7s %s\n", text(m->name),
		       obj_map_type_name(m->type), m->key_size, m->value_size, m->max_entries, flags,
		       origins[m->origin], m->pinning ? "by name" : "none");
		if (m->origin == MAP_BTF && (m->btf_key_id || m->btf_value_id)) {
			char key[96] = "-", value[96] = "-";

			if (m->btf_key_id)
				btf_type_describe(btf, m->btf_key_id, key, sizeof(key));
			if (m->btf_value_id)
				btf_type_describe(btf, m->btf_value_id, value, sizeof(value));
			printf("    key %s, value %s\n", text(key), text(value));
		}
	}
	printf("\nglobals (%u)\n", globals_count(obj));
	if (globals_count(obj)) {
		printf("  %-10s %-20s %-16s %s\n", "SECTION", "NAME", "TYPE", "VALUE");
		globals_print(o, false);
	}
}

static void inspect_json(const struct xdpl_obj *o, const char *path)
{
	const struct obj *obj = &o->obj;
	printf("{\"object\":");
	json_string(path);
	printf(",\"license\":");
	json_string(obj->license ? obj->license : "");
	printf(",\"btf\":%s,\"programs\":[", obj->btf ? "true" : "false");
	for (uint32_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];
		const struct obj_reloc *r;

		printf("%s{\"name\":", i ? "," : "");
		json_string(p->name);
		printf(",\"section\":");
		json_string(p->section);
		printf(",\"type\":\"%s\",\"insns\":%u,\"relocations\":%u}", obj_prog_type_name(p),
		       p->insn_cnt, obj_relocs_in(obj, p->sec, p->first_insn, p->insn_cnt, &r));
	}
	printf("],\"maps\":[");
	for (uint32_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];

		printf("%s{\"name\":", i ? "," : "");
		json_string(m->name);
		printf(",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"flags\":%u,\"pinning\":%u}",
		       obj_map_type_name(m->type), m->key_size, m->value_size, m->max_entries,
		       m->flags, m->pinning);
	}
	printf("],\"globals\":{");
	globals_print(o, true);
	printf("},\"relocations\":%u}\n", obj->nrelocs);
}

int cmd_inspect(struct opts *o)
{
	struct xdpl_obj *obj;
	int code = obj_open_with_sets(&obj, o->args[0], o);

	if (code)
		return code;
	if (o->core || o->load.target_btf)
		code = inspect_core(obj, obj_display_name(o->args[0]), o);
	else if (o->json)
		inspect_json(obj, obj_display_name(o->args[0]));
	else
		inspect_text(obj, obj_display_name(o->args[0]));
	xdpl_obj_close(obj);
	return code;
}

/*
 * How a program is attached: "link" when a bpf_link holds it (only its
 * owner can detach it), "netlink" otherwise, "?" when we may not look.
 */
const char *attached_via(int ifindex, uint32_t prog_id)
{
	int fd = xdpl_xdp_link_find(ifindex, prog_id, NULL);

	if (fd >= 0) {
		close(fd);
		return "link";
	}
	return fd == -ENOENT ? "netlink" : "?";
}

int cmd_status(struct opts *o)
{
	struct xdpl_error e = { 0 };
	struct xdpl_xdp_info *list = NULL, one;
	size_t count = 0, rows = 0;
	int err;

	if (o->nargs) {
		int ifindex = iface_index(o->args[0], &e);

		if (ifindex < 0)
			return report(&e, EXIT_ENV);
		err = xdpl_xdp_query(cli_nl(), ifindex, &one, &e);
		if (!err) {
			list = &one;
			count = 1;
		}
	} else {
		err = xdpl_xdp_list(cli_nl(), &list, &count, &e);
	}
	if (err)
		return report(&e, EXIT_ENV);

	if (o->json)
		putchar('[');
	else
		printf("%-16s %-7s %-7s %-16s %-16s %s\n", "INTERFACE", "MODE", "ID", "NAME", "TAG",
		       "VIA");
	for (size_t i = 0; i < count; i++) {
		for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++) {
			const char *mode = xdpl_xdp_mode_name((enum xdpl_xdp_mode)m), *via;
			uint32_t id = list[i].prog_id[m];
			struct xdpl_prog_info info;
			char tag[2 * 8 + 1] = "";

			if (!id)
				continue;
			prog_info_by_id(id, &info);
			via = attached_via(list[i].ifindex, id);
			for (int b = 0; info.id && b < 8; b++)
				snprintf(tag + 2 * b, 3, "%02x", info.tag[b]);
			if (o->json) {
				printf("%s{\"ifname\":", rows ? "," : "");
				json_string(list[i].ifname);
				printf(",\"ifindex\":%d,\"mode\":\"%s\",\"id\":%u,\"name\":",
				       list[i].ifindex, mode, id);
				json_string(info.name);
				printf(",\"tag\":\"%s\",\"via\":\"%s\"}", tag, via);
			} else {
				printf("%-16s %-7s %-7u %-16s %-16s %s\n", text(list[i].ifname), mode, id,
				       text(info.name), tag[0] ? tag : "?", via);
			}
			rows++;
		}
	}
	if (o->json)
		printf("]\n");
	if (list != &one)
		free(list);
	return EXIT_OK;
}

struct dump {
	const struct xdpl_map_info *info;
	unsigned int cpus;
	size_t stride;
	bool json;
	size_t rows;
};

static int entry_print(const void *k, const void *v, void *ctx)
{
	struct dump *d = ctx;
	const struct xdpl_map_info *info = d->info;
	const uint8_t *key = k, *value = v;

	if (d->json) {
		printf("%s{\"key\":\"", d->rows++ ? "," : "");
		hex_print(key, info->key_size, "");
		printf("\"");
		if (info->key_size <= 8)
			printf(",\"key_u\":%llu", (unsigned long long)le_value(key, info->key_size));
		printf(",\"values\":[");
		for (unsigned int c = 0; c < d->cpus; c++) {
			printf("%s{\"hex\":\"", c ? "," : "");
			hex_print(value + c * d->stride, info->value_size, "");
			printf("\"");
			if (info->value_size <= 8)
				printf(",\"u\":%llu",
				       (unsigned long long)le_value(value + c * d->stride, info->value_size));
			printf("}");
		}
		printf("]}");
		return 0;
	}
	printf("key: ");
	hex_print(key, info->key_size, " ");
	if (info->key_size <= 8)
		printf(" (%llu)", (unsigned long long)le_value(key, info->key_size));
	for (unsigned int c = 0; c < d->cpus; c++) {
		printf(d->cpus > 1 ? "\n  cpu %u: " : "  value: ", c);
		hex_print(value + c * d->stride, info->value_size, " ");
		if (info->value_size <= 8)
			printf(" (%llu)",
			       (unsigned long long)le_value(value + c * d->stride, info->value_size));
	}
	putchar('\n');
	return 0;
}

/* map dump PATH: every entry of a pinned map, in hex, with numbers when they fit in 64 bits. */
int cmd_map(struct opts *o)
{
	struct xdpl_error e = { 0 };
	struct xdpl_map_info info;
	struct dump d = { &info, 1, 0, o->json, 0 };
	int fd, code = EXIT_OK;

	if (strcmp(o->args[0], "dump") || o->nargs < 2) {
		fprintf(stderr, "xdpload: usage: xdpload map dump PIN_PATH\n");
		return EXIT_USAGE;
	}
	fd = xdpl_map_open_pinned(o->args[1], &e);
	if (fd < 0 && e.errnum)
		snprintf(e.msg, sizeof(e.msg), "map: cannot open the pinned map %s", o->args[1]);
	if (fd < 0)
		return report(&e, EXIT_ENV);
	if (xdpl_map_info(fd, &info, &e)) {
		close(fd);
		return report(&e, EXIT_ENV);
	}
	d.stride = info.percpu ? (info.value_size + 7) & ~7U : info.value_size;
	d.cpus = info.percpu ? info.lookup_size / (unsigned int)d.stride : 1;
	if (o->json)
		putchar('[');
	if (xdpl_map_walk(fd, entry_print, &d, &e)) {
		if (o->json)
			printf("]\n");
		snprintf(e.msg, sizeof(e.msg), "map: listing the keys of %s failed", o->args[1]);
		code = report(&e, EXIT_KERNEL);
	} else if (o->json) {
		printf("]\n");
	}
	close(fd);
	return code;
}
