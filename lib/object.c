// SPDX-License-Identifier: MIT
/*
 * object.c - reads the BPF meaning out of a validated ELF container: the
 * functions and which of them are programs, the BTF (fixed up where clang
 * leaves DATASEC sizes and variable offsets to the loader), the maps (from
 * maps.c), every relocation that patches code, and the license.
 *
 * Like elf.c it makes no syscalls besides reading the file and never prints,
 * so `inspect` and the fuzzer use it without a kernel.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/externs.h"
#include "lib/internal.h"

#define R_BPF_NONE 0
#define R_BPF_64_64 1
#define R_BPF_64_32 10


static const Elf64_Sym *sym_at(const struct obj *obj, uint32_t i)
{
	return (const Elf64_Sym *)obj->syms + i;
}

/* ---- functions and programs ---- */

/* Room for one more of n elements of size each in *array: doubled when n is a power of 2. */
int obj_array_grow(void *array, uint32_t n, size_t size)
{
	void **p = array;
	void *grown;

	if (n & (n - 1))
		return 0; /* n is not a power of 2: there is room already */
	grown = realloc(*p, (n ? 2 * (size_t)n : 1) * size);
	if (!grown)
		return -ENOMEM;
	*p = grown;
	return 0;
}

static int func_add(struct obj *obj, uint32_t sec, const char *name, uint64_t off, uint64_t size,
		    struct xdpl_error *e)
{
	if (off % BPF_INSN_SIZE || size % BPF_INSN_SIZE || size == 0)
		return err_set(e, -ENOEXEC,
			       "elf: section %u (%s): function %s at 0x%llx size %llu is not whole 8-byte instructions",
			       sec, elf_section_name(obj, sec), name, (unsigned long long)off,
			       (unsigned long long)size);
	if (obj_array_grow(&obj->funcs, obj->nfuncs, sizeof(*obj->funcs)))
		return err_set(e, -ENOMEM, "elf: out of memory for functions");
	obj->funcs[obj->nfuncs++] = (struct obj_func){ name, sec, (uint32_t)(off / BPF_INSN_SIZE),
						       (uint32_t)(size / BPF_INSN_SIZE) };
	return 0;
}

static int prog_add(struct obj *obj, const struct obj_func *f, struct xdpl_error *e)
{
	struct obj_prog *p;

	if (obj_array_grow(&obj->progs, obj->nprogs, sizeof(*obj->progs)))
		return err_set(e, -ENOMEM, "elf: out of memory for programs");
	p = &obj->progs[obj->nprogs++];
	memset(p, 0, sizeof(*p));
	p->name = f->name;
	p->section = elf_section_name(obj, f->sec);
	p->sec = f->sec;
	p->first_insn = f->first_insn;
	p->insn_cnt = f->insn_cnt;
	section_type(p);
	return 0;
}

/* Function indices by section, then first instruction (then index: a stable order). */
static int func_order_compare(const void *a, const void *b, const struct obj_func *funcs)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct obj_func *x = &funcs[i], *y = &funcs[j];

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->first_insn != y->first_insn)
		return x->first_insn < y->first_insn ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* The sort of index[0..n) by func_order_compare: a merge sort (qsort has no context in C11). */
static void func_order_sort(uint32_t *index, uint32_t *tmp, uint32_t n, const struct obj_func *funcs)
{
	uint32_t half = n / 2, i = 0, j = half, k = 0;

	if (n < 2)
		return;
	func_order_sort(index, tmp, half, funcs);
	func_order_sort(index + half, tmp, n - half, funcs);
	while (i < half && j < n)
		tmp[k++] = func_order_compare(&index[i], &index[j], funcs) <= 0 ? index[i++]
										  : index[j++];
	while (i < half)
		tmp[k++] = index[i++];
	while (j < n)
		tmp[k++] = index[j++];
	memcpy(index, tmp, n * sizeof(*index));
}

/*
 * No two functions of a section may share instructions.  Sorted by their first
 * instruction, each must start at or after the furthest end of those before it
 * (n log n; each pair was compared before, 100,000 functions took 11 s).
 * Leaves obj->func_index, every function by section and first instruction,
 * for obj_func_at().
 */
static int check_overlaps(struct obj *obj, struct xdpl_error *e)
{
	uint32_t *tmp, *index;

	if (!obj->nfuncs)
		return 0;
	index = calloc(obj->nfuncs, sizeof(*index));
	tmp = calloc(obj->nfuncs, sizeof(*tmp));
	if (!index || !tmp) {
		free(index);
		free(tmp);
		return err_set(e, -ENOMEM, "elf: out of memory for the index of %u functions",
			       obj->nfuncs);
	}
	for (uint32_t i = 0; i < obj->nfuncs; i++)
		index[i] = i;
	func_order_sort(index, tmp, obj->nfuncs, obj->funcs);
	free(tmp);
	obj->func_index = index;
	for (uint32_t i = 1, reach = index[0]; i < obj->nfuncs; i++) {
		const struct obj_func *a = &obj->funcs[reach], *b = &obj->funcs[index[i]];

		if (a->sec != b->sec) {
			reach = index[i];
			continue;
		}
		if (b->first_insn < a->first_insn + a->insn_cnt) {
			if (reach > index[i]) { /* named in the order of the symbol table */
				const struct obj_func *t = a;

				a = b;
				b = t;
			}
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): functions %s and %s share instructions",
				       a->sec, elf_section_name(obj, a->sec), a->name, b->name);
		}
		if ((uint64_t)b->first_insn + b->insn_cnt > (uint64_t)a->first_insn + a->insn_cnt)
			reach = index[i];
	}
	return 0;
}

/*
 * Every function symbol in an executable section is a function.  Those in
 * sections other than .text are programs; functions in .text are
 * subprograms, linked into the programs that call them.  An executable
 * section without function symbols, as old hand-written objects have, is one
 * program named after its section.  The symbols are bucketed by section
 * first (a counting sort), so each section sees only its own.
 */
static int find_functions(struct obj *obj, struct xdpl_error *e)
{
	uint32_t *start = calloc((size_t)obj->nsecs + 1, sizeof(*start)), *by_sec = NULL;
	int err = 0;

	if (!start)
		return err_set(e, -ENOMEM, "elf: out of memory for %u sections", obj->nsecs);
	for (uint32_t j = 1; j < obj->nsyms; j++) {
		const Elf64_Sym *sym = sym_at(obj, j);

		if (ELF64_ST_TYPE(sym->st_info) == STT_FUNC && elf_section_is_code(obj, sym->st_shndx))
			start[sym->st_shndx + 1]++;
	}
	for (uint32_t i = 1; i <= obj->nsecs; i++)
		start[i] += start[i - 1];
	if (start[obj->nsecs]) {
		by_sec = calloc(start[obj->nsecs], sizeof(*by_sec));
		if (!by_sec) {
			err = err_set(e, -ENOMEM, "elf: out of memory for %u function symbols",
				      start[obj->nsecs]);
			goto out;
		}
		for (uint32_t j = 1; j < obj->nsyms; j++) {
			const Elf64_Sym *sym = sym_at(obj, j);

			if (ELF64_ST_TYPE(sym->st_info) == STT_FUNC &&
			    elf_section_is_code(obj, sym->st_shndx))
				by_sec[start[sym->st_shndx]++] = j;
		}
		/* start[i] is now where section i + 1's symbols begin. */
		memmove(start + 1, start, obj->nsecs * sizeof(*start));
		start[0] = 0;
	}

	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];
		uint32_t before = obj->nfuncs;

		if (!elf_section_is_code(obj, i) || s->size == 0)
			continue;
		if (s->size % BPF_INSN_SIZE) {
			err = err_set(e, -ENOEXEC,
				      "elf: section %u (%s): size %llu is not a whole number of 8-byte instructions",
				      i, s->name, (unsigned long long)s->size);
			goto out;
		}
		for (uint32_t k = by_sec ? start[i] : 0; by_sec && k < start[i + 1]; k++) {
			const Elf64_Sym *sym = sym_at(obj, by_sec[k]);

			err = func_add(obj, i, obj->strtab + sym->st_name, sym->st_value, sym->st_size,
				       e);
			if (err)
				goto out;
		}
		if (obj->nfuncs == before && strcmp(s->name, ".text")) {
			err = func_add(obj, i, s->name, 0, s->size, e);
			if (err)
				goto out;
		}
		for (uint32_t f = before; f < obj->nfuncs && strcmp(s->name, ".text"); f++) {
			err = prog_add(obj, &obj->funcs[f], e);
			if (err)
				goto out;
		}
	}
	err = check_overlaps(obj, e);
out:
	free(start);
	free(by_sec);
	return err;
}

/* ---- BTF ---- */

/* By offset; equal ones (zero-sized variables) by type and size, for one order on every libc. */
static int secinfo_compare(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->size < y->size ? -1 : x->size > y->size;
}

/*
 * clang leaves every DATASEC's size and its variables' offsets at zero: the
 * ELF section and the symbol table know them.  The kernel wants them right
 * and in ascending order.
 */
static int btf_fixup_datasecs(struct obj *obj, struct xdpl_error *e)
{
	struct btf *btf = obj->btf;

	for (uint32_t id = 1; id <= btf->nr_types; id++) {
		struct btf_type *t = btf->types[id];
		struct btf_var_secinfo *v = btf_type_data(t);
		const char *name = btf_str(btf, t->name_off);
		int sec;

		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		sec = elf_section_find(obj, name);
		if (sec < 0) {
			if (!strcmp(name, ".kconfig") || !strcmp(name, ".ksyms"))
				continue; /* externs: refused when a program uses one */
			return err_set(e, -ENOEXEC, "btf: DATASEC %s (type %u) has no ELF section", name,
				       id);
		}
		/* A .bss size is only a claim; a size BTF cannot hold must not wrap. */
		if (obj->secs[sec].size > UINT32_MAX)
			return err_set(e, -ENOEXEC, "btf: DATASEC %s (type %u): section %d is %llu bytes, more than a BTF size can hold",
				       name, id, sec, (unsigned long long)obj->secs[sec].size);
		t->size_or_type = (uint32_t)obj->secs[sec].size;
		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			const struct btf_type *var = btf_type_by_id(btf, v[i].type);
			const char *vname = btf_str(btf, var->name_off);
			uint64_t off;

			uint64_t type_size;

			if (elf_symbol_find(obj, (uint32_t)sec, vname, &off) < 0)
				return err_set(e, -ENOEXEC, "btf: DATASEC %s: variable %s has no symbol in the section",
					       name, vname);
			/* A map definition with initial values (.values) runs past its type. */
			if (btf_kind(var) == BTF_KIND_VAR &&
			    (btf_type_size(btf, var->size_or_type, &type_size) ||
			     (strcmp(name, ".maps") ? type_size != v[i].size : type_size > v[i].size)))
				return err_set(e, -ENOEXEC, "btf: DATASEC %s: variable %s is %u bytes, but its type is not",
					       name, vname, v[i].size);
			if (off > t->size_or_type || v[i].size > t->size_or_type - off)
				return err_set(e, -ENOEXEC,
					       "btf: DATASEC %s: variable %s at %llu+%u lies outside the %u-byte section",
					       name, vname, (unsigned long long)off, v[i].size,
					       t->size_or_type);
			v[i].offset = (uint32_t)off;
		}
		qsort(v, btf_vlen(t), sizeof(*v), secinfo_compare);
	}
	return 0;
}

static int find_btf(struct obj *obj, struct xdpl_error *e)
{
	int sec = elf_section_find(obj, ".BTF"), ext = elf_section_find(obj, ".BTF.ext");
	int err;

	if (sec < 0)
		return 0;
	if (!obj->secs[sec].data)
		return err_set(e, -ENOEXEC, "btf: section .BTF has no bytes");
	err = btf_parse(&obj->btf, obj->secs[sec].data, obj->secs[sec].size, e);
	if (!err && ext >= 0 && obj->secs[ext].data)
		err = btf_ext_parse(obj->btf, obj->secs[ext].data, obj->secs[ext].size, e);
	if (!err)
		err = btf_fixup_datasecs(obj, e);
	return err;
}

/* The maps by section, then offset, then index: map_at() is a binary search. */
struct map_key {
	uint32_t sec, index;
	uint64_t offset;
};

static int map_key_compare(const void *a, const void *b)
{
	const struct map_key *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

struct map_index {
	struct map_key *keys;
	uint32_t n; /* the maps there were when it was built */
};

static int map_index_build(const struct obj *obj, struct map_index *x)
{
	x->n = obj->nmaps;
	x->keys = calloc(x->n ? x->n : 1, sizeof(*x->keys));
	if (!x->keys)
		return -ENOMEM;
	for (uint32_t i = 0; i < x->n; i++)
		x->keys[i] = (struct map_key){ obj->maps[i].sec, i, obj->maps[i].offset };
	qsort(x->keys, x->n, sizeof(*x->keys), map_key_compare);
	return 0;
}

/* The map defined at sec+offset, or (data) the data map of sec: the first such. */
static int map_at(const struct obj *obj, const struct map_index *x, uint32_t sec,
		  uint64_t offset, bool data)
{
	const struct map_key *keys = x->keys;
	struct map_key key = { sec, 0, data ? 0 : offset };
	uint32_t lo = 0, hi = x->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (map_key_compare(&keys[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < x->n && keys[i].sec == sec; i++) {
		if (!data)
			return keys[i].offset == offset ? (int)keys[i].index : -1;
		if (obj->maps[keys[i].index].origin == MAP_DATA)
			return (int)keys[i].index;
	}
	return -1;
}

/* ---- relocations ---- */

#define REL_FMT "elf: section %u (%s): relocation %u"
#define REL_ARGS rsec, elf_section_name(obj, rsec), n

/* Classify one relocation entry of an executable section. */
static int reloc_add(struct obj *obj, const struct map_index *maps, uint32_t rsec, uint32_t n,
		     const Elf64_Rel *rel, struct xdpl_error *e)
{
	uint32_t tsec = obj->secs[rsec].info;
	const struct obj_section *t = &obj->secs[tsec];
	uint32_t type = ELF64_R_TYPE(rel->r_info), symi = ELF64_R_SYM(rel->r_info);
	const Elf64_Sym *sym;
	struct obj_reloc *r;
	const uint8_t *insn;
	const char *name;
	int32_t imm;

	if (type == R_BPF_NONE)
		return 0;
	if (rel->r_offset % BPF_INSN_SIZE)
		return err_set(e, -ENOEXEC, REL_FMT " offset 0x%llx is not 8-byte aligned", REL_ARGS,
			       (unsigned long long)rel->r_offset);
	if (rel->r_offset >= t->size)
		return err_set(e, -ENOEXEC, REL_FMT " offset 0x%llx is past the end of %s", REL_ARGS,
			       (unsigned long long)rel->r_offset, t->name);
	if (symi == 0 || symi >= obj->nsyms)
		return err_set(e, -ENOEXEC, REL_FMT " names symbol %u, not a symbol", REL_ARGS, symi);
	sym = sym_at(obj, symi);
	name = elf_symbol_name(obj, sym);
	insn = t->data + rel->r_offset;
	memcpy(&imm, insn + 4, sizeof(imm));

	r = &obj->relocs[obj->nrelocs];
	memset(r, 0, sizeof(*r));
	r->sec = tsec;
	r->insn = (uint32_t)(rel->r_offset / BPF_INSN_SIZE);
	r->sym = name;
	r->target = sym->st_shndx;

	if (type == R_BPF_64_32) {
		if (insn[0] != BPF_OP_CALL || (insn[1] >> 4) != BPF_PSEUDO_CALL)
			return err_set(e, -ENOEXEC, REL_FMT " (%s) at 0x%llx must hit a bpf-to-bpf call, found opcode 0x%02x",
				       REL_ARGS, name, (unsigned long long)rel->r_offset, insn[0]);
		if (sym->st_shndx == SHN_UNDEF) {
			int err = externs_reloc(obj, true, r, e); /* a kfunc */

			if (err)
				return err;
			obj->nrelocs++;
			return 0;
		}
		if (!elf_section_is_code(obj, sym->st_shndx))
			return err_set(e, -ENOEXEC, REL_FMT " calls %s, which is not in a code section",
				       REL_ARGS, name);
		/* The call's immediate counts instructions from the symbol, minus one. */
		r->kind = RELOC_CALL;
		r->offset = sym->st_value / BPF_INSN_SIZE + (uint64_t)((int64_t)imm + 1);
	} else if (type == R_BPF_64_64) {
		if (insn[0] != BPF_OP_LD_IMM64 || rel->r_offset + 16 > t->size || insn[8] != 0)
			return err_set(e, -ENOEXEC, REL_FMT " (%s) at 0x%llx must hit a 16-byte ld_imm64, found opcode 0x%02x",
				       REL_ARGS, name, (unsigned long long)rel->r_offset, insn[0]);
		if (!obj_func_at(obj, tsec, r->insn) ||
		    obj_func_at(obj, tsec, r->insn) != obj_func_at(obj, tsec, r->insn + 1))
			return err_set(e, -ENOEXEC, REL_FMT " (%s) at 0x%llx: the ld_imm64 is not whole inside one function",
				       REL_ARGS, name, (unsigned long long)rel->r_offset);
		/* The immediate is an addend: a section symbol plus the variable's offset. */
		r->offset = sym->st_value + (uint64_t)(int64_t)imm;
		if (sym->st_shndx == SHN_UNDEF) {
			int err = externs_reloc(obj, false, r, e);

			if (err)
				return err;
		} else if (sym->st_shndx >= obj->nsecs) {
			return err_set(e, -ENOEXEC, REL_FMT " names %s, which has no section", REL_ARGS,
				       name);
		} else if (elf_section_is_code(obj, sym->st_shndx)) {
			if (r->offset % BPF_INSN_SIZE)
				return err_set(e, -ENOEXEC, REL_FMT " takes the address of %s+%llu, not an instruction",
					       REL_ARGS, name, (unsigned long long)r->offset);
			r->kind = RELOC_FUNC;
			r->offset /= BPF_INSN_SIZE;
		} else {
			bool data = obj_section_is_data(&obj->secs[sym->st_shndx]);
			int m = map_at(obj, maps, sym->st_shndx, r->offset, data);

			if (m < 0)
				return err_set(e, -ENOEXEC, REL_FMT " refers to %s+%llu in %s, where no map or variable is",
					       REL_ARGS, name, (unsigned long long)r->offset,
					       elf_section_name(obj, sym->st_shndx));
			if (data && r->offset >= obj->maps[m].value_size)
				return err_set(e, -ENOEXEC, REL_FMT " refers to offset %llu of %s, past its %u bytes",
					       REL_ARGS, (unsigned long long)r->offset,
					       obj->maps[m].name, obj->maps[m].value_size);
			r->kind = data ? RELOC_DATA : RELOC_MAP;
			r->target = (uint32_t)m;
		}
	} else {
		return err_set(e, -ENOEXEC, REL_FMT " has type %u, not one an instruction can carry",
			       REL_ARGS, type);
	}
	obj->nrelocs++;
	return 0;
}

static int reloc_compare(const void *a, const void *b)
{
	const struct obj_reloc *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static int find_relocs(struct obj *obj, struct xdpl_error *e)
{
	struct map_index maps = { 0 };
	uint64_t total = 0;
	int err = 0;

	for (uint32_t i = 1; i < obj->nsecs; i++)
		if (obj->secs[i].type == SHT_REL && elf_section_is_code(obj, obj->secs[i].info))
			total += obj->secs[i].size / sizeof(Elf64_Rel);
	if (total == 0)
		return 0;
	obj->relocs = calloc(total, sizeof(*obj->relocs));
	if (!obj->relocs)
		return err_set(e, -ENOMEM, "elf: out of memory for %llu relocations",
			       (unsigned long long)total);
	if (map_index_build(obj, &maps))
		return err_set(e, -ENOMEM, "elf: out of memory for the index of %u maps", obj->nmaps);
	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];
		const Elf64_Rel *rel = (const Elf64_Rel *)s->data;

		if (s->type != SHT_REL || !elf_section_is_code(obj, s->info))
			continue;
		for (uint32_t n = 0; n < s->size / sizeof(Elf64_Rel); n++) {
			err = reloc_add(obj, &maps, i, n, &rel[n], e);
			if (err)
				goto out;
		}
	}
	qsort(obj->relocs, obj->nrelocs, sizeof(*obj->relocs), reloc_compare);
	for (uint32_t i = 1; i < obj->nrelocs; i++)
		if (!reloc_compare(&obj->relocs[i - 1], &obj->relocs[i])) {
			err = err_set(e, -ENOEXEC, "elf: section %u (%s): instruction %u is relocated twice (%s and %s)",
				      obj->relocs[i].sec, elf_section_name(obj, obj->relocs[i].sec),
				      obj->relocs[i].insn, obj->relocs[i - 1].sym, obj->relocs[i].sym);
			break;
		}
out:
	free(maps.keys);
	return err;
}

static int find_license(struct obj *obj, struct xdpl_error *e)
{
	int i = elf_section_find(obj, "license");
	const struct obj_section *s;

	if (i < 0)
		return 0;
	s = &obj->secs[i];
	if (s->type != SHT_PROGBITS || s->size == 0 || !memchr(s->data, '\0', s->size))
		return err_set(e, -ENOEXEC, "elf: section %d (license): not a NUL-terminated string", i);
	obj->license = (const char *)s->data;
	return 0;
}

int obj_parse(struct obj *obj, struct xdpl_error *e)
{
	int err = elf_validate(obj, e);

	if (!err)
		err = find_btf(obj, e);
	if (!err)
		err = find_functions(obj, e);
	if (!err)
		err = maps_find(obj, e);
	if (!err)
		err = externs_find(obj, e);
	if (!err)
		err = find_relocs(obj, e);
	if (!err)
		err = find_license(obj, e);
	return err;
}

int obj_open(struct obj *obj, const char *path, struct xdpl_error *e)
{
	static const struct file_limits lim = {
		.step = "elf", .what = "an object", .max = OBJ_FILE_MAX,
		.magic = "\177ELF", .magic_len = 4,
		.bad_magic = "elf: not an ELF file (no \\177ELF magic)",
	};
	int err;

	memset(obj, 0, sizeof(*obj));
	err = file_read_bounded(path, &lim, &obj->buf, &obj->size, e);
	if (!err)
		err = obj_parse(obj, e);
	if (err)
		obj_free(obj);
	return err;
}

/* An object already in memory (the built-in firewall): copied, then parsed like a file. */
int obj_open_mem(struct obj *obj, const char *name, const uint8_t *bytes, size_t size,
		 struct xdpl_error *e)
{
	int err;

	memset(obj, 0, sizeof(*obj));
	obj->buf = malloc(size ? size : 1);
	if (!obj->buf)
		return err_set(e, -ENOMEM, "elf: out of memory reading %s (%zu bytes)", name, size);
	memcpy(obj->buf, bytes, size);
	obj->size = size;
	err = obj_parse(obj, e);
	if (err)
		obj_free(obj);
	return err;
}

void obj_free(struct obj *obj)
{
	mapinit_free(obj);
	for (uint32_t i = 0; i < obj->nmaps; i++)
		free(obj->maps[i].data);
	btf_free(obj->btf);
	free(obj->buf);
	free(obj->secs);
	free(obj->funcs);
	free(obj->progs);
	free(obj->maps);
	free(obj->relocs);
	free(obj->externs);
	free(obj->func_index);
	elf_index_free(obj);
	memset(obj, 0, sizeof(*obj));
}

static uint32_t ext_records(const struct btf_ext_info *info)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < info->nsecs; i++)
		n += info->secs[i].count;
	return n;
}

/*
 * For -v: each section a load uses and what it is to us, then how many the
 * load has no use for (DWARF and the like).  After obj_parse, so every kind
 * below is one the parse accepted.
 */
void obj_sections_log(const struct obj *obj)
{
	uint32_t unused = 0;

	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];
		uint32_t maps = 0, funcs = 0, progs = 0;

		for (uint32_t m = 0; m < obj->nmaps; m++)
			maps += obj->maps[m].sec == i && obj->maps[m].origin != MAP_DATA;
		for (uint32_t f = 0; f < obj->nfuncs; f++)
			funcs += obj->funcs[f].sec == i;
		for (uint32_t p = 0; p < obj->nprogs; p++)
			progs += obj->progs[p].sec == i;
		if (elf_section_is_code(obj, i) && s->size)
			xdpl_log("elf: section %u (%s): code, %llu instructions, %u %s", i, s->name,
				 (unsigned long long)(s->size / BPF_INSN_SIZE), progs ? progs : funcs,
				 progs ? (progs == 1 ? "program" : "programs")
				       : (funcs == 1 ? "function to link" : "functions to link"));
		else if (s->type == SHT_REL && elf_section_is_code(obj, s->info))
			xdpl_log("elf: section %u (%s): relocations of %s: %llu", i, s->name,
				 elf_section_name(obj, s->info),
				 (unsigned long long)(s->size / sizeof(Elf64_Rel)));
		else if (i == obj->symtab_sec)
			xdpl_log("elf: section %u (%s): symbol table, %u symbols", i, s->name, obj->nsyms);
		else if (s->type == SHT_STRTAB)
			xdpl_log("elf: section %u (%s): string table", i, s->name);
		else if (maps)
			xdpl_log("elf: section %u (%s): %s map definitions: %u", i, s->name,
				 strcmp(s->name, "maps") ? "BTF" : "legacy", maps);
		else if (obj_section_is_data(s) && s->size)
			xdpl_log("elf: section %u (%s): global data, %llu bytes, one array map", i,
				 s->name, (unsigned long long)s->size);
		else if (obj->btf && !strcmp(s->name, ".BTF"))
			xdpl_log("elf: section %u (%s): BTF, %u types", i, s->name, obj->btf->nr_types);
		else if (obj->btf && !strcmp(s->name, ".BTF.ext"))
			xdpl_log("elf: section %u (%s): BTF.ext, func_info records: %u, line_info records: %u",
				 i, s->name, ext_records(&obj->btf->func_info),
				 ext_records(&obj->btf->line_info));
		else if (obj->license && (const char *)s->data == obj->license)
			xdpl_log("elf: section %u (%s): license \"%s\"", i, s->name, obj->license);
		else
			unused++;
	}
	if (unused)
		xdpl_log("elf: %u more sections that a load does not use (debug info and the like)",
			 unused);
}

/* A program by function name, or by section name when that is unambiguous. */
const struct obj_prog *obj_prog_find(const struct obj *obj, const char *name)
{
	const struct obj_prog *by_section = NULL;
	uint32_t in_section = 0;

	for (uint32_t i = 0; i < obj->nprogs; i++) {
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
		if (!strcmp(obj->progs[i].section, name)) {
			by_section = &obj->progs[i];
			in_section++;
		}
	}
	return in_section == 1 ? by_section : NULL;
}

/* The function whose instructions include this one. */
const struct obj_func *obj_func_at(const struct obj *obj, uint32_t sec, uint32_t insn)
{
	uint32_t lo = 0, hi = obj->nfuncs;
	const struct obj_func *f;

	if (!obj->func_index)
		return NULL;
	/* The last function at or before (sec, insn); none overlap (check_overlaps). */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		f = &obj->funcs[obj->func_index[mid]];
		if (f->sec < sec || (f->sec == sec && f->first_insn <= insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	f = &obj->funcs[obj->func_index[lo - 1]];
	return f->sec == sec && insn - f->first_insn < f->insn_cnt ? f : NULL;
}

/* The relocations that patch a run of instructions (they are sorted). */
uint32_t obj_relocs_in(const struct obj *obj, uint32_t sec, uint32_t first_insn, uint32_t count,
		       const struct obj_reloc **first)
{
	uint32_t lo = 0, hi = obj->nrelocs, n = 0;

	*first = NULL;
	/* The first at or after (sec, first_insn): they are sorted (find_relocs). */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct obj_reloc *r = &obj->relocs[mid];

		if (r->sec < sec || (r->sec == sec && r->insn < first_insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t i = lo; i < obj->nrelocs; i++, n++) {
		const struct obj_reloc *r = &obj->relocs[i];

		if (r->sec != sec || r->insn - first_insn >= count)
			break;
	}
	if (n)
		*first = &obj->relocs[lo];
	return n;
}

const char *obj_map_type_name(uint32_t type)
{
	static const char *const names[] = {
		"unspec", "hash", "array", "prog_array", "perf_event_array",
		"percpu_hash", "percpu_array", "stack_trace", "cgroup_array", "lru_hash",
		"lru_percpu_hash", "lpm_trie", "array_of_maps", "hash_of_maps", "devmap",
		"sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage",
		"reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack", "sk_storage",
		"devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage",
		"bloom_filter", "user_ringbuf", "cgrp_storage", "arena",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}
