// SPDX-License-Identifier: MIT
/*
 * mapinit.c - the maps whose values are other kernel objects, and the sizes
 * a map definition may leave to the loader:
 *
 *   maps of maps   the inner map's template, from `__array(values, struct
 *                  inner)` or iproute2's inner_id; created for a moment as
 *                  the kernel's inner_map_fd, then closed
 *   initial values `.values = { [2] = &prog }` in a BTF map definition: an
 *                  ELF relocation in .rel.maps per slot; iproute2's inner_idx
 *                  and its tail call sections "MAP_ID/KEY"
 *   sizes          max_entries 0 (the possible CPUs for perf event arrays and
 *                  cpumaps; otherwise the caller must set it), ring buffers
 *                  rounded up as the kernel needs, and the key and value BTF
 *                  types dropped for kinds whose maps the kernel refuses with
 *                  them (as libbpf and cilium/ebpf do)
 *
 *   .maps:       [ outer: type | key | max_entries | values[0] values[1] ... ]
 *   .rel.maps:        r_offset ---------------------------^ -> symbol inner_a
 *
 * The parse half (mapinit_values_field, mapinit_find) makes no syscalls; the
 * load half fills slots once their targets exist: maps of maps after every
 * map is made, prog arrays after the programs load (tail calls).  Nothing
 * here prints.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/internal.h"

#define SLOT_SIZE 8 /* a pointer on the BPF target */

static bool is_map_of_maps(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/* ---- the parse ---- */

/*
 * The last field of a BTF map definition, `values`: a zero-length array of
 * pointers.  To a function prototype for a prog array; to a struct, itself
 * a map definition, for the inner maps of a map of maps.
 */
int mapinit_values_field(const struct btf *btf, struct obj_map *m, uint32_t type,
			 struct xdpl_error *e)
{
	const struct btf_type *a = btf_type_by_id(btf, btf_skip_modifiers(btf, type)), *p, *t;
	int err;

	if (m->is_inner)
		return err_set(e, -ENOTSUP, "btf: map %s: an inner map cannot hold maps itself", m->name);
	if (!is_map_of_maps(m->type) && m->type != BPF_MAP_TYPE_PROG_ARRAY)
		return err_set(e, -EINVAL, "btf: map %s: field values is for prog arrays and maps of maps, not for a map of kind %s",
			       m->name, obj_map_type_name(m->type));
	if (m->value_size && m->value_size != 4)
		return err_set(e, -EINVAL, "btf: map %s: values hold 4-byte ids, but the value size is %u",
			       m->name, m->value_size);
	m->value_size = 4;
	if (!a || btf_kind(a) != BTF_KIND_ARRAY ||
	    ((const struct btf_array *)btf_type_data(a))->nelems)
		return err_set(e, -EINVAL, "btf: map %s: field values is not written __array(values, T), a zero-length array",
			       m->name);
	p = btf_type_by_id(btf, btf_skip_modifiers(btf, ((const struct btf_array *)btf_type_data(a))->type));
	t = p && btf_kind(p) == BTF_KIND_PTR ? btf_type_by_id(btf, btf_skip_modifiers(btf, p->size_or_type))
					     : NULL;
	if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
		if (!t || btf_kind(t) != BTF_KIND_FUNC_PROTO)
			return err_set(e, -EINVAL, "btf: map %s: a prog array's values are functions: __array(values, int (void *))",
				       m->name);
		return 0;
	}
	if (!t || btf_kind(t) != BTF_KIND_STRUCT)
		return err_set(e, -EINVAL, "btf: map %s: a map of maps' values are map definitions: __array(values, struct { ... })",
			       m->name);
	m->inner = calloc(1, sizeof(*m->inner));
	if (!m->inner)
		return err_set(e, -ENOMEM, "btf: out of memory for map %s's inner map", m->name);
	m->inner->name = m->name;
	m->inner->origin = MAP_BTF;
	m->inner->is_inner = true;
	err = maps_btf_def(btf, m->inner, t, e);
	if (err)
		return err;
	/* Inner maps have no BTF of their own: the template is made without it. */
	m->inner->btf_key_id = m->inner->btf_value_id = 0;
	m->inner->pinning = 0;
	return 0;
}

static int slot_add(struct obj *obj, uint32_t map, uint32_t index, uint32_t kind, uint32_t target,
		    struct xdpl_error *e)
{
	struct obj_slot *grown;

	for (uint32_t i = 0; i < obj->nslots; i++)
		if (obj->slots[i].map == map && obj->slots[i].index == index)
			return err_set(e, -ENOEXEC, "elf: map %s: slot %u is given two initial values",
				       obj->maps[map].name, index);
	grown = realloc(obj->slots, (obj->nslots + 1) * sizeof(*grown));
	if (!grown)
		return err_set(e, -ENOMEM, "elf: out of memory for map initial values");
	obj->slots = grown;
	obj->slots[obj->nslots++] = (struct obj_slot){ map, index, kind, target };
	return 0;
}

static int legacy_map_by_id(const struct obj *obj, uint32_t id)
{
	for (uint32_t i = 0; id && i < obj->nmaps; i++)
		if (obj->maps[i].origin == MAP_LEGACY && obj->maps[i].legacy_id == id)
			return (int)i;
	return -1;
}

/*
 * iproute2's maps of maps: an outer map's inner_id names the map (by its id)
 * that is its template, and that map goes into the outer one at its own
 * inner_idx (0xffffffff: nowhere).
 */
static int legacy_inner_maps(struct obj *obj, struct xdpl_error *e)
{
	for (uint32_t i = 0; i < obj->nmaps; i++) {
		struct obj_map *m = &obj->maps[i];
		int in;

		if (m->origin != MAP_LEGACY || !is_map_of_maps(m->type) || !m->inner_id)
			continue;
		in = legacy_map_by_id(obj, m->inner_id);
		if (in < 0)
			return err_set(e, -ENOEXEC, "elf: map %s: inner_id %u names no map of the object (no map has id %u)",
				       m->name, m->inner_id, m->inner_id);
		m = &obj->maps[i];
		m->inner = calloc(1, sizeof(*m->inner));
		if (!m->inner)
			return err_set(e, -ENOMEM, "elf: out of memory for map %s's inner map", m->name);
		*m->inner = obj->maps[in];
		m->inner->data = NULL;
		m->inner->inner = NULL;
		m->inner->is_inner = true;
		m->inner->btf_key_id = m->inner->btf_value_id = 0;
		if (obj->maps[in].inner_idx != UINT32_MAX) {
			int err = slot_add(obj, i, obj->maps[in].inner_idx, SLOT_MAP, (uint32_t)in, e);

			if (err)
				return err;
		}
	}
	return 0;
}

/* "1/0", "0x2/3": a section name iproute2 reads as MAP_ID/KEY (with %i: any base), whole. */
static bool tail_call_section(const char *s, uint32_t *id, uint32_t *key)
{
	char *end;
	unsigned long a, b;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	a = strtoul(s, &end, 0);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 0);
	if (*end || errno || a > INT32_MAX || b > INT32_MAX)
		return false;
	*id = (uint32_t)a;
	*key = (uint32_t)b;
	return true;
}

/*
 * iproute2's tail calls: a program in section "MAP_ID/KEY" goes into the prog
 * array whose id is MAP_ID, at KEY, and has the type of the program that
 * calls it, the object's entry program (iproute2 loads all of them as the
 * type its command names).
 */
static int legacy_tail_calls(struct obj *obj, struct xdpl_error *e)
{
	const struct obj_prog *entry = NULL;
	bool several = false;
	uint32_t id, key;

	for (uint32_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];

		if (!p->rule || tail_call_section(p->section, &id, &key))
			continue;
		if (!entry)
			entry = p;
		else if (entry->type != p->type || entry->expected_attach_type != p->expected_attach_type)
			several = true;
	}
	for (uint32_t i = 0; i < obj->nprogs; i++) {
		struct obj_prog *p = &obj->progs[i];
		int m, err;

		if (p->rule || !tail_call_section(p->section, &id, &key) || !entry)
			continue; /* with no entry program, nothing to take a type from: the load refuses it */
		if (several)
			return err_set(e, -ENOEXEC, "elf: program %s (section %s): an iproute2 tail call takes the type of the program calling it, but the object's other programs are of several types",
				       p->name, p->section);
		section_type_as(p, entry, "iproute2 tail call");
		m = legacy_map_by_id(obj, id);
		if (m < 0 || obj->maps[m].type != BPF_MAP_TYPE_PROG_ARRAY)
			continue; /* iproute2 leaves it out of every prog array too */
		err = slot_add(obj, (uint32_t)m, key, SLOT_PROG, i, e);
		if (err)
			return err;
	}
	return 0;
}

/* Where map m's definition lies in .maps: from its DATASEC entry. */
static const struct btf_var_secinfo *btf_map_extent(const struct obj *obj, const struct obj_map *m)
{
	int ds = btf_find(obj->btf, BTF_KIND_DATASEC, ".maps");
	const struct btf_type *t = ds > 0 ? btf_type_by_id(obj->btf, (uint32_t)ds) : NULL;
	const struct btf_var_secinfo *v = t ? btf_type_data(t) : NULL;

	for (uint32_t i = 0; t && i < btf_vlen(t); i++)
		if (v[i].offset == m->offset)
			return &v[i];
	return NULL;
}

/* The byte offset of a BTF map definition's last field, values. */
static int values_offset(const struct obj *obj, const struct obj_map *m, uint32_t *off)
{
	const struct btf *btf = obj->btf;
	const struct btf_var_secinfo *v = btf_map_extent(obj, m);
	const struct btf_type *var = v ? btf_type_by_id(btf, v->type) : NULL;
	const struct btf_type *def = var ? btf_type_by_id(btf, btf_skip_modifiers(btf, var->size_or_type))
					 : NULL;
	const struct btf_member *f;
	uint32_t bits;

	if (!def || btf_kind(def) != BTF_KIND_STRUCT || !btf_vlen(def))
		return -ENOENT;
	f = (const struct btf_member *)btf_type_data(def) + btf_vlen(def) - 1;
	if (strcmp(btf_str(btf, f->name_off), "values"))
		return -ENOENT;
	bits = btf_kflag(def) ? f->offset & 0xffffff : f->offset;
	*off = bits / 8;
	return 0;
}

static int prog_at_symbol(const struct obj *obj, const Elf64_Sym *sym)
{
	for (uint32_t i = 0; i < obj->nprogs; i++)
		if (obj->progs[i].sec == sym->st_shndx &&
		    (uint64_t)obj->progs[i].first_insn * BPF_INSN_SIZE == sym->st_value)
			return (int)i;
	return -1;
}

static int map_named(const struct obj *obj, uint32_t sec, const char *name)
{
	for (uint32_t i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].sec == sec && obj->maps[i].origin == MAP_BTF &&
		    !strcmp(obj->maps[i].name, name))
			return (int)i;
	return -1;
}

#define MREL_FMT "elf: section %u (%s): relocation %u"

/* One entry of .rel.maps: a slot of a prog array or map of maps and what it holds. */
static int btf_slot_add(struct obj *obj, uint32_t rsec, uint32_t n, const Elf64_Rel *rel,
			uint32_t maps_sec, struct xdpl_error *e)
{
	const char *rname = obj->secs[rsec].name;
	uint32_t symi = ELF64_R_SYM(rel->r_info), values, index;
	const struct btf_var_secinfo *v = NULL;
	const Elf64_Sym *sym;
	const char *name;
	int m = -1, target;

	if (ELF64_R_TYPE(rel->r_info) == 0)
		return 0;
	if (symi == 0 || symi >= obj->nsyms)
		return err_set(e, -ENOEXEC, MREL_FMT " names symbol %u, not a symbol", rsec, rname, n, symi);
	sym = (const Elf64_Sym *)obj->syms + symi;
	name = elf_symbol_name(obj, sym);
	for (uint32_t i = 0; i < obj->nmaps && m < 0; i++) {
		if (obj->maps[i].origin != MAP_BTF || obj->maps[i].sec != maps_sec)
			continue;
		v = btf_map_extent(obj, &obj->maps[i]);
		if (v && rel->r_offset >= v->offset && rel->r_offset - v->offset < v->size &&
		    v->size - (rel->r_offset - v->offset) >= SLOT_SIZE)
			m = (int)i;
	}
	if (m < 0)
		return err_set(e, -ENOEXEC, MREL_FMT " (%s) at offset %llu lies in no map definition of .maps",
			       rsec, rname, n, name, (unsigned long long)rel->r_offset);
	if (values_offset(obj, &obj->maps[m], &values) || rel->r_offset - v->offset < values ||
	    (rel->r_offset - v->offset - values) % SLOT_SIZE)
		return err_set(e, -ENOEXEC, MREL_FMT " (%s) points into map %s outside a slot of its values",
			       rsec, rname, n, name, obj->maps[m].name);
	index = (uint32_t)((rel->r_offset - v->offset - values) / SLOT_SIZE);
	if (is_map_of_maps(obj->maps[m].type)) {
		if (obj->maps[m].type == BPF_MAP_TYPE_HASH_OF_MAPS && obj->maps[m].key_size != 4)
			return err_set(e, -ENOEXEC, "elf: map %s: a hash of maps with initial values needs 4-byte keys, not %u",
				       obj->maps[m].name, obj->maps[m].key_size);
		target = sym->st_shndx == maps_sec ? map_named(obj, maps_sec, name) : -1;
		if (target < 0)
			return err_set(e, -ENOEXEC, "elf: map %s: slot %u names %s, which is not a map of .maps",
				       obj->maps[m].name, index, name);
		return slot_add(obj, (uint32_t)m, index, SLOT_MAP, (uint32_t)target, e);
	}
	target = sym->st_shndx < obj->nsecs && elf_section_is_code(obj, sym->st_shndx)
			 ? prog_at_symbol(obj, sym) : -1;
	if (target < 0)
		return err_set(e, -ENOEXEC, "elf: map %s: slot %u names %s, which is not a program (a function in a section other than .text)",
			       obj->maps[m].name, index, name);
	return slot_add(obj, (uint32_t)m, index, SLOT_PROG, (uint32_t)target, e);
}

static int btf_slots(struct obj *obj, struct xdpl_error *e)
{
	int maps_sec = elf_section_find(obj, ".maps");

	if (maps_sec < 0 || !obj->btf)
		return 0;
	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];

		if (s->type != SHT_REL || s->info != (uint32_t)maps_sec)
			continue;
		if (s->link != obj->symtab_sec || s->size % sizeof(Elf64_Rel))
			return err_set(e, -ENOEXEC, "elf: section %u (%s): not whole relocations against the symbol table",
				       i, s->name);
		for (uint32_t n = 0; n < s->size / sizeof(Elf64_Rel); n++) {
			Elf64_Rel rel;
			int err;

			memcpy(&rel, s->data + (size_t)n * sizeof(rel), sizeof(rel));
			err = btf_slot_add(obj, i, n, &rel, (uint32_t)maps_sec, e);
			if (err)
				return err;
		}
	}
	return 0;
}

int mapinit_find(struct obj *obj, struct xdpl_error *e)
{
	int err = legacy_inner_maps(obj, e);

	if (!err)
		err = legacy_tail_calls(obj, e);
	if (!err)
		err = btf_slots(obj, e);
	return err;
}

void mapinit_free(struct obj *obj)
{
	for (uint32_t i = 0; i < obj->nmaps; i++)
		free(obj->maps[i].inner);
	free(obj->slots);
	obj->slots = NULL;
	obj->nslots = 0;
}

/* ---- the load ---- */

static uint32_t page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (uint32_t)n : 4096;
}

/* The kernel wants a ring buffer of a power-of-two number of pages. */
static uint32_t ringbuf_size(uint32_t want)
{
	uint64_t size = page_size();

	while (size < want)
		size *= 2;
	return size > UINT32_MAX ? want : (uint32_t)size;
}

static bool sized_by_kernel(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
	case BPF_MAP_TYPE_TASK_STORAGE:
	case BPF_MAP_TYPE_CGRP_STORAGE:
		return true; /* their entries live with sockets, cgroups, tasks: max_entries 0 */
	}
	return false;
}

/* Kinds the kernel refuses BTF key and value types for. */
static bool btf_refused(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
	case BPF_MAP_TYPE_ARENA:
		return true;
	}
	return false;
}

static int map_fit(struct obj_map *m, struct xdpl_error *e)
{
	const char *what = m->is_inner ? "the inner maps of map" : "map";

	if (btf_refused(m->type) && (m->btf_key_id || m->btf_value_id)) {
		xdpl_log("load: map %s (%s): the kernel takes no BTF key or value types for this kind; dropping them",
			 m->name, obj_map_type_name(m->type));
		m->btf_key_id = m->btf_value_id = 0;
	}
	if (m->type == BPF_MAP_TYPE_RINGBUF || m->type == BPF_MAP_TYPE_USER_RINGBUF) {
		/* A key or value type, declared for readers of the records, is no size here. */
		m->key_size = m->value_size = 0;
	} else if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY &&
		   (m->key_size != 4 || m->value_size != 4)) {
		xdpl_log("load: map %s (perf_event_array): key and value are 4-byte CPU index and perf event fd, not %u and %u",
			 m->name, m->key_size, m->value_size);
		m->key_size = m->value_size = 4;
	}
	if (m->max_entries == 0 && !sized_by_kernel(m->type)) {
		int cpus;

		if (m->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY && m->type != BPF_MAP_TYPE_CPUMAP)
			return err_set(e, -EINVAL, "load: %s %s (%s) has max_entries 0, which only the caller can choose: give it a size with --map-size %s=N (xdpl_map_set_max_entries())",
				       what, m->name, obj_map_type_name(m->type), m->name);
		cpus = xdpl_possible_cpus();
		if (cpus < 0)
			return err_set(e, cpus, "load: %s %s (%s) has max_entries 0, one per possible CPU, but /sys/devices/system/cpu/possible cannot be read",
				       what, m->name, obj_map_type_name(m->type));
		m->max_entries = (uint32_t)cpus;
		xdpl_log("load: %s %s (%s): max_entries 0 is one per possible CPU: %d", what, m->name,
			 obj_map_type_name(m->type), cpus);
	}
	if ((m->type == BPF_MAP_TYPE_RINGBUF || m->type == BPF_MAP_TYPE_USER_RINGBUF) &&
	    ringbuf_size(m->max_entries) != m->max_entries) {
		xdpl_log("load: map %s: %u bytes rounded up to %u, a power-of-two number of pages as ring buffers need",
			 m->name, m->max_entries, ringbuf_size(m->max_entries));
		m->max_entries = ringbuf_size(m->max_entries);
	}
	if (is_map_of_maps(m->type) && !m->inner)
		return err_set(e, -EINVAL, "load: map %s (%s) has no inner map to take its shape from: declare __array(values, struct { ... }), or iproute2's inner_id",
			       m->name, obj_map_type_name(m->type));
	return m->inner ? map_fit(m->inner, e) : 0;
}

/* Before the maps are made: the sizes and types the object left to the loader. */
int maps_fit(struct obj *obj, struct xdpl_error *e)
{
	for (uint32_t i = 0; i < obj->nmaps; i++) {
		int err = map_fit(&obj->maps[i], e);

		if (err)
			return err;
	}
	for (uint32_t i = 0; i < obj->nslots; i++) {
		const struct obj_slot *s = &obj->slots[i];
		const struct obj_map *m = &obj->maps[s->map];

		if (m->type != BPF_MAP_TYPE_HASH_OF_MAPS && s->index >= m->max_entries)
			return err_set(e, -E2BIG, "load: map %s: initial value %u is past its %u entries",
				       m->name, s->index, m->max_entries);
	}
	return 0;
}

/* A map of maps' inner template, made for as long as BPF_MAP_CREATE needs it; -1: none. */
int mapinit_inner_create(const struct obj_map *m, struct xdpl_error *e)
{
	const struct obj_map *in = m->inner;
	struct bpf_map_create_attr attr;
	int fd;

	if (!in)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = in->type;
	attr.key_size = in->key_size;
	attr.value_size = in->value_size;
	attr.max_entries = in->max_entries;
	attr.map_flags = in->flags;
	attr.map_extra = in->map_extra;
	fd = bpf_map_create(&attr);
	if (fd < 0)
		return err_sys(e, fd, "load: map %s: its inner map template (%s, key %u, value %u, max entries %u): BPF_MAP_CREATE failed",
			       m->name, obj_map_type_name(in->type), in->key_size, in->value_size,
			       in->max_entries);
	return fd;
}

/*
 * Write the initial values of one kind: SLOT_MAP once every map is made
 * (maps reused from a pin keep what they hold), SLOT_PROG once the programs
 * are loaded (prog_fds, -1 for a program not loaded, whose slot stays empty).
 */
int mapinit_slots_fill(const struct obj *obj, const struct obj_fds *fds, uint32_t kind,
		       const int *prog_fds, struct xdpl_error *e)
{
	for (uint32_t i = 0; i < obj->nslots; i++) {
		const struct obj_slot *s = &obj->slots[i];
		const struct obj_map *m = &obj->maps[s->map];
		const char *name;
		int fd, err;

		if (s->kind != kind || (kind == SLOT_MAP && fds->map_reused[s->map]))
			continue;
		name = kind == SLOT_MAP ? obj->maps[s->target].name : obj->progs[s->target].name;
		fd = kind == SLOT_MAP ? fds->map_fds[s->target] : prog_fds[s->target];
		if (fd < 0) {
			xdpl_log("load: map %s: slot %u left empty: program %s is not loaded", m->name,
				 s->index, name);
			continue;
		}
		err = bpf_map_elem(BPF_MAP_UPDATE_ELEM, fds->map_fds[s->map], &s->index, &fd, 0);
		if (err)
			return err_sys(e, err, "load: map %s: setting slot %u to %s %s failed%s", m->name,
				       s->index, kind == SLOT_MAP ? "map" : "program", name,
				       err == -EINVAL && kind == SLOT_PROG
					       ? " (a prog array holds programs of one type, the first's)"
					       : "");
		xdpl_log("load: map %s: slot %u is %s %s%s", m->name, s->index,
			 kind == SLOT_MAP ? "map" : "program", name, kind == SLOT_PROG ? " (tail call)" : "");
	}
	return 0;
}
