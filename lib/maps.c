// SPDX-License-Identifier: MIT
/*
 * maps.c - the maps an object defines, from all three places they can be:
 * legacy definitions in section "maps", BTF-defined maps in ".maps", and the
 * global data sections (.data, .rodata, .bss) that become one-entry arrays.
 * Also the global variables inside those sections: finding one by name and
 * giving it a new initial value (--set), shaped by its BTF type.
 *
 * Called by object.c while it describes an object; no syscalls, no printing.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/internal.h"

#define LEGACY_MAP_MIN_SIZE 16     /* type, key size, value size, max entries */
#define LEGACY_ELF_MAP_SIZE 36     /* iproute2's bpf_elf_map: ... flags, id, pinning, inner_id, inner_idx */
#define DATA_MAP_MAX_SIZE (64U << 20) /* far above what the kernel allows a map value */
#define BPF_F_RDONLY_PROG (1U << 7) /* map_flags: programs may only read it */

static const Elf64_Sym *sym_at(const struct obj *obj, uint32_t i)
{
	return (const Elf64_Sym *)obj->syms + i;
}

static uint32_t read_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static struct obj_map *map_add(struct obj *obj, const char *name, uint32_t origin, uint32_t sec,
			       uint64_t offset, struct xdpl_error *e)
{
	struct obj_map *m;

	if (obj_array_grow(&obj->maps, obj->nmaps, sizeof(*obj->maps))) {
		err_set(e, -ENOMEM, "elf: out of memory for maps");
		return NULL;
	}
	m = &obj->maps[obj->nmaps++];
	memset(m, 0, sizeof(*m));
	m->name = name;
	m->origin = origin;
	m->sec = sec;
	m->offset = offset;
	return m;
}

static bool is_map_symbol(const Elf64_Sym *sym, uint32_t sec)
{
	uint32_t type = ELF64_ST_TYPE(sym->st_info);

	return sym->st_shndx == sec && type != STT_SECTION && type != STT_FILE;
}

/*
 * Legacy map definitions in section "maps".  Each map symbol marks one
 * struct bpf_map_def; all entries have the same size, the section size divided
 * by the number of symbols, so fields that older loaders appended are tolerated.
 * iproute2's struct bpf_elf_map (36 bytes) gives maps of maps: a map's id, and
 * an outer map's inner_id naming the map that is its template and first entry
 * (at that map's inner_idx); mapinit.c wires them.  Its pinning is ignored.
 */
static int find_legacy_maps(struct obj *obj, struct xdpl_error *e)
{
	int idx = elf_section_find(obj, "maps");
	const struct obj_section *s;
	uint32_t count = 0, *at = NULL; /* at[slot]: the map there, plus 1 (no pair compared) */
	uint64_t entry;
	int err = 0;

	if (idx < 0)
		return 0;
	s = &obj->secs[idx];
	if (s->type != SHT_PROGBITS)
		return err_set(e, -ENOEXEC, "elf: section %d (maps): map definitions must be PROGBITS",
			       idx);
	for (uint32_t j = 1; j < obj->nsyms; j++)
		count += is_map_symbol(sym_at(obj, j), (uint32_t)idx);
	if (count == 0)
		return s->size ? err_set(e, -ENOEXEC,
					 "elf: section %d (maps): %llu bytes but no map symbols", idx,
					 (unsigned long long)s->size)
			       : 0;
	entry = s->size / count;
	if (s->size % count || entry < LEGACY_MAP_MIN_SIZE || entry % 4)
		return err_set(e, -ENOEXEC,
			       "elf: section %d (maps): %llu bytes do not split into %u map definitions of at least %d bytes in whole 4-byte fields",
			       idx, (unsigned long long)s->size, count, LEGACY_MAP_MIN_SIZE);
	at = calloc(count, sizeof(*at));
	if (!at)
		return err_set(e, -ENOMEM, "elf: out of memory for %u maps", count);

	for (uint32_t j = 1; j < obj->nsyms; j++) {
		const Elf64_Sym *sym = sym_at(obj, j);
		struct obj_map *m;
		const uint8_t *d;

		if (!is_map_symbol(sym, (uint32_t)idx))
			continue;
		if (sym->st_value % entry || sym->st_value >= s->size) {
			err = err_set(e, -ENOEXEC,
				      "elf: section %d (maps): map %s at offset %llu is not at a multiple of the %llu-byte definition size",
				      idx, elf_symbol_name(obj, sym),
				      (unsigned long long)sym->st_value, (unsigned long long)entry);
			goto out;
		}
		if (at[sym->st_value / entry]) {
			err = err_set(e, -ENOEXEC,
				      "elf: section %d (maps): maps %s and %s share offset %llu", idx,
				      obj->maps[at[sym->st_value / entry] - 1].name,
				      elf_symbol_name(obj, sym), (unsigned long long)sym->st_value);
			goto out;
		}
		m = map_add(obj, elf_symbol_name(obj, sym), MAP_LEGACY, (uint32_t)idx, sym->st_value,
			    e);
		if (!m) {
			err = -ENOMEM;
			goto out;
		}
		at[sym->st_value / entry] = obj->nmaps;
		d = s->data + sym->st_value;
		m->type = read_u32(d);
		m->key_size = read_u32(d + 4);
		m->value_size = read_u32(d + 8);
		m->max_entries = read_u32(d + 12);
		m->flags = entry >= 20 ? read_u32(d + 16) : 0;
		if (entry >= LEGACY_ELF_MAP_SIZE) {
			m->legacy_id = read_u32(d + 20);
			m->inner_id = read_u32(d + 28);
			m->inner_idx = read_u32(d + 32);
		}
	}
out:
	free(at);
	return err;
}

/* A field written __uint(name, N): a pointer to an array of N elements. */
static int btf_map_uint(const struct btf *btf, uint32_t type, uint32_t *value)
{
	const struct btf_type *p = btf_type_by_id(btf, btf_skip_modifiers(btf, type));
	const struct btf_type *a;

	if (!p || btf_kind(p) != BTF_KIND_PTR)
		return -EINVAL;
	a = btf_type_by_id(btf, btf_skip_modifiers(btf, p->size_or_type));
	if (!a || btf_kind(a) != BTF_KIND_ARRAY)
		return -EINVAL;
	*value = ((const struct btf_array *)btf_type_data(a))->nelems;
	return 0;
}

/* One field of a BTF map definition: __uint(...) numbers, __type(...) types. */
static int btf_map_field(const struct btf *btf, struct obj_map *m, const char *field,
			 uint32_t type, struct xdpl_error *e)
{
	static const struct {
		const char *name;
		size_t offset;
	} numbers[] = {
		{ "type", offsetof(struct obj_map, type) },
		{ "max_entries", offsetof(struct obj_map, max_entries) },
		{ "map_flags", offsetof(struct obj_map, flags) },
		{ "numa_node", offsetof(struct obj_map, numa_node) },
		{ "key_size", offsetof(struct obj_map, key_size) },
		{ "value_size", offsetof(struct obj_map, value_size) },
		{ "pinning", offsetof(struct obj_map, pinning) },
	};
	uint32_t value;

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		if (strcmp(field, numbers[i].name))
			continue;
		if (btf_map_uint(btf, type, &value))
			return err_set(e, -ENOEXEC, "btf: map %s: field %s is not written __uint(%s, N)",
				       m->name, field, field);
		*(uint32_t *)((uint8_t *)m + numbers[i].offset) = value;
		return 0;
	}
	if (!strcmp(field, "map_extra")) {
		if (btf_map_uint(btf, type, &value))
			return err_set(e, -ENOEXEC, "btf: map %s: field map_extra is not written __uint(map_extra, N)",
				       m->name);
		m->map_extra = value;
		return 0;
	}
	if (!strcmp(field, "key") || !strcmp(field, "value")) {
		const struct btf_type *p = btf_type_by_id(btf, btf_skip_modifiers(btf, type));
		uint64_t size;

		if (!p || btf_kind(p) != BTF_KIND_PTR || btf_type_size(btf, p->size_or_type, &size) ||
		    size == 0 || size > UINT32_MAX)
			return err_set(e, -ENOEXEC, "btf: map %s: field %s is not written __type(%s, T) with a sized T",
				       m->name, field, field);
		if (field[0] == 'k') {
			m->key_size = (uint32_t)size;
			m->btf_key_id = p->size_or_type;
		} else {
			m->value_size = (uint32_t)size;
			m->btf_value_id = p->size_or_type;
		}
		return 0;
	}
	if (!strcmp(field, "values"))
		return mapinit_values_field(btf, m, type, e);
	return err_set(e, -ENOEXEC, "btf: map %s: unknown field %s", m->name, field);
}

/* BTF-defined maps: each variable of DATASEC .maps is a struct whose fields define a map. */
static int find_btf_maps(struct obj *obj, struct xdpl_error *e)
{
	int sec = elf_section_find(obj, ".maps"), ds;
	const struct btf_type *t;
	const struct btf_var_secinfo *v;
	const struct btf *btf = obj->btf;

	if (sec < 0)
		return 0;
	if (!btf)
		return err_set(e, -ENOEXEC,
			       "elf: section %d (.maps): BTF-defined maps need the object's BTF; build with clang -g",
			       sec);
	ds = btf_find(btf, BTF_KIND_DATASEC, ".maps");
	if (ds < 0)
		return obj->secs[sec].size ? err_set(e, -ENOEXEC, "btf: no DATASEC .maps describes section .maps")
					   : 0;
	t = btf_type_by_id(btf, (uint32_t)ds);
	v = btf_type_data(t);
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *var = btf_type_by_id(btf, v[i].type);
		const struct btf_type *def = btf_type_by_id(btf, btf_skip_modifiers(btf, var->size_or_type));
		struct obj_map *m;
		int err;

		m = map_add(obj, btf_str(btf, var->name_off), MAP_BTF, (uint32_t)sec, v[i].offset, e);
		if (!m)
			return -ENOMEM;
		if (btf_kind(var) != BTF_KIND_VAR)
			return err_set(e, -ENOEXEC, "btf: map %s: its definition is not a struct", m->name);
		err = maps_btf_def(btf, m, def, e);
		if (err)
			return err;
	}
	return 0;
}

/* A map defined by a struct's fields: a .maps variable, or the inner map of a map of maps. */
int maps_btf_def(const struct btf *btf, struct obj_map *m, const struct btf_type *def,
		 struct xdpl_error *e)
{
	const struct btf_member *f;
	int err;

	if (!def || btf_kind(def) != BTF_KIND_STRUCT)
		return err_set(e, -ENOEXEC, "btf: map %s: its definition is not a struct", m->name);
	f = btf_type_data(def);
	for (uint32_t j = 0; j < btf_vlen(def); j++) {
		const char *field = btf_str(btf, f[j].name_off);

		if (!strcmp(field, "values") && j != btf_vlen(def) - 1)
			return err_set(e, -ENOEXEC, "btf: map %s: field values must come last", m->name);
		err = btf_map_field(btf, m, field, f[j].type, e);
		if (err)
			return err;
	}
	if (m->pinning > MAP_PIN_BY_NAME)
		return err_set(e, -ENOTSUP, "btf: map %s: pinning %u is not supported (0: none, 1: by name)",
			       m->name, m->pinning);
	return 0;
}

bool obj_section_is_data(const struct obj_section *s)
{
	static const char *const names[] = { ".data", ".rodata", ".bss" };

	if (s->flags & SHF_EXECINSTR || (s->type != SHT_PROGBITS && s->type != SHT_NOBITS))
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (!strncmp(s->name, names[i], n) && (s->name[n] == '\0' || s->name[n] == '.'))
			return true;
	}
	return false;
}

/*
 * Global variables: each .data, .rodata, .bss (and .data.NAME, ...) section
 * becomes an array map of one entry holding the whole section, initialised
 * from its bytes.  Programs read .rodata only, and it is frozen once written.
 */
static int find_data_maps(struct obj *obj, struct xdpl_error *e)
{
	struct elf_name_index *datasecs = NULL; /* DATASECs by name, then id: one per section */
	uint32_t n = 0;
	int err = 0;

	for (uint32_t id = 1; obj->btf && id <= obj->btf->nr_types; id++)
		n += btf_kind(obj->btf->types[id]) == BTF_KIND_DATASEC;
	if (n) {
		datasecs = calloc(n, sizeof(*datasecs));
		if (!datasecs)
			return err_set(e, -ENOMEM, "btf: out of memory for %u DATASECs", n);
		n = 0;
		for (uint32_t id = 1; id <= obj->btf->nr_types; id++)
			if (btf_kind(obj->btf->types[id]) == BTF_KIND_DATASEC)
				datasecs[n++] = (struct elf_name_index){
					btf_str(obj->btf, obj->btf->types[id]->name_off), 0, id };
		elf_name_index_sort(datasecs, n);
	}
	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];
		const struct elf_name_index *ds;
		struct obj_map *m;

		if (!obj_section_is_data(s) || s->size == 0)
			continue;
		/* .bss has no bytes in the file, so its size is only a claim: bound it. */
		if (s->size > DATA_MAP_MAX_SIZE) {
			err = err_set(e, -ENOEXEC, "elf: section %u (%s): %llu bytes are too many for a map value (at most %u)",
				      i, s->name, (unsigned long long)s->size, DATA_MAP_MAX_SIZE);
			goto out;
		}
		m = map_add(obj, s->name, MAP_DATA, i, 0, e);
		if (!m) {
			err = -ENOMEM;
			goto out;
		}
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = (uint32_t)s->size;
		m->max_entries = 1;
		m->frozen = !strncmp(s->name, ".rodata", strlen(".rodata"));
		m->flags = m->frozen ? BPF_F_RDONLY_PROG : 0;
		ds = elf_name_index_find(datasecs, n, 0, s->name);
		m->btf_value_id = ds ? ds->index : 0;
		/* Rounded up to 8 bytes, as the kernel rounds array values: a C
		 * struct of the section (a skeleton's), tail padding and all, fits. */
		m->data = calloc(1, (s->size + 7) / 8 * 8);
		if (!m->data) {
			err = err_set(e, -ENOMEM, "elf: out of memory for section %s", s->name);
			goto out;
		}
		if (s->data)
			memcpy(m->data, s->data, s->size);
	}
out:
	free(datasecs);
	return err;
}

int maps_find(struct obj *obj, struct xdpl_error *e)
{
	int err = find_legacy_maps(obj, e);

	if (!err)
		err = find_btf_maps(obj, e);
	if (!err)
		err = find_data_maps(obj, e);
	if (!err)
		err = mapinit_find(obj, e);
	return err;
}

/* ---- global variables ---- */

/* Find a global variable by name: its data map, offset, size and BTF type. */
int obj_var_find(const struct obj *obj, const char *name, struct obj_var *var)
{
	const struct btf *btf = obj->btf;

	for (uint32_t i = 0; btf && i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];
		const struct btf_type *ds = btf_type_by_id(btf, m->btf_value_id);
		const struct btf_var_secinfo *v;

		if (m->origin != MAP_DATA || !ds)
			continue;
		v = btf_type_data(ds);
		for (uint32_t j = 0; j < btf_vlen(ds); j++) {
			const struct btf_type *t = btf_type_by_id(btf, v[j].type);

			if (btf_kind(t) != BTF_KIND_VAR || strcmp(btf_str(btf, t->name_off), name))
				continue;
			*var = (struct obj_var){ btf_str(btf, t->name_off), i, v[j].offset, v[j].size,
						 t->size_or_type };
			return 0;
		}
	}
	return -ENOENT;
}

static int set_integer(uint8_t *dst, uint32_t size, bool is_signed, const char *name,
		       const char *value, struct xdpl_error *e)
{
	char *end;
	uint64_t u;
	int64_t s;

	if (size > 8)
		return err_set(e, -ENOTSUP, "--set %s: %u-byte integers are not supported (at most 8 bytes)",
			       name, size);
	errno = 0;
	if (is_signed) {
		s = strtoll(value, &end, 0);
		if (!errno && size < 8 &&
		    (s < -(1LL << (size * 8 - 1)) || s >= (1LL << (size * 8 - 1))))
			errno = ERANGE;
		u = (uint64_t)s;
	} else {
		u = strtoull(value, &end, 0);
		if (strchr(value, '-') || (!errno && size < 8 && u >> (size * 8)))
			errno = ERANGE;
	}
	if (end == value || *end)
		return err_set(e, -EINVAL, "--set %s=%s: not a number", name, value);
	if (errno)
		return err_set(e, -ERANGE, "--set %s=%s: out of range for a %s %u-byte integer",
			       name, value, is_signed ? "signed" : "unsigned", size);
	memcpy(dst, &u, size); /* little-endian: the low bytes come first */
	return 0;
}

/*
 * --set NAME=VALUE: write a global variable's initial value before load,
 * shaped by its BTF type: integers (range-checked for their size and
 * signedness), bools, enums (by enumerator name or number), char arrays.
 */
int obj_var_set(struct obj *obj, const char *name, const char *value, struct xdpl_error *e)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *t;
	struct obj_var var;
	uint8_t *dst;
	uint64_t size;

	if (!btf)
		return err_set(e, -ENOENT, "--set %s: the object has no BTF to find variables by name; build it with clang -g",
			       name);
	if (obj_var_find(obj, name, &var))
		return err_set(e, -ENOENT, "--set %s: no global variable %s in the object's data sections",
			       name, name);
	if (obj->maps[var.map].kconfig)
		return err_set(e, -EINVAL, "--set %s: a __kconfig extern takes its value from the kernel's config; give another config with --kconfig FILE",
			       name);
	t = btf_type_by_id(btf, btf_skip_modifiers(btf, var.type));
	if (!t || btf_type_size(btf, var.type, &size) || size != var.size ||
	    var.offset + var.size > obj->maps[var.map].value_size)
		return err_set(e, -EINVAL, "--set %s: its BTF type does not describe its %u bytes", name,
			       var.size);
	dst = obj->maps[var.map].data + var.offset;
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t enc = *(const uint32_t *)btf_type_data(t) >> 24;

		if (enc & BTF_INT_BOOL) {
			if (strcmp(value, "true") && strcmp(value, "false") && strcmp(value, "1") &&
			    strcmp(value, "0"))
				return err_set(e, -EINVAL, "--set %s=%s: a bool takes true, false, 1 or 0",
					       name, value);
			memset(dst, 0, var.size);
			dst[0] = value[0] == 't' || value[0] == '1';
			return 0;
		}
		return set_integer(dst, var.size, enc & BTF_INT_SIGNED, name, value, e);
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *en = btf_type_data(t);

		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			if (strcmp(btf_str(btf, en[i].name_off), value))
				continue;
			int64_t v = btf_kflag(t) ? en[i].val : (int64_t)(uint32_t)en[i].val;

			memcpy(dst, &v, var.size < 8 ? var.size : 8);
			return 0;
		}
		return set_integer(dst, var.size, value[0] == '-', name, value, e);
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_type_data(t);
		const struct btf_type *elem = btf_type_by_id(btf, btf_skip_modifiers(btf, a->type));

		if (!elem || btf_kind(elem) != BTF_KIND_INT || elem->size_or_type != 1)
			break;
		if (strlen(value) >= a->nelems)
			return err_set(e, -ERANGE, "--set %s=%s: %zu characters do not fit in char[%u] with its NUL",
				       name, value, strlen(value), a->nelems);
		memset(dst, 0, var.size);
		memcpy(dst, value, strlen(value));
		return 0;
	}
	}
	char what[128];

	btf_type_describe(btf, var.type, what, sizeof(what));
	return err_set(e, -EINVAL, "--set %s: its type is %s; --set takes integers, bools, enums and char arrays",
		       name, what);
}
