// SPDX-License-Identifier: MIT
/*
 * elf.c - checks the ELF container of a `clang -target bpf` object: the
 * header, every section's bounds and name, the symbol table and the shape of
 * the relocation tables.  object.c then reads the BPF meaning out of it.
 *
 * Nothing here trusts the file.  Checks run in stages, each stage relying only
 * on what the earlier ones proved, and every failure names the section and the
 * rule it breaks.  Bounds are checked by subtraction so that no sum can wrap.
 * This file makes no syscalls beyond reading the file, so it can be fuzzed and
 * used by `inspect` on a machine without bpf.
 *
 *   +------------+  e_shoff   +--------------------------------------+
 *   | Elf64_Ehdr | ---------> | Elf64_Shdr[e_shnum]                  |
 *   +------------+            |  [e_shstrndx]  section names         |
 *   | sections...|            |  SHT_SYMTAB -> sh_link: symbol names |
 *   +------------+            |  SHT_REL    -> sh_info: target, each |
 *                             |     entry patches one instruction    |
 *                             +--------------------------------------+
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

static bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

const char *elf_section_name(const struct obj *obj, uint32_t i)
{
	return i < obj->nsecs && obj->secs[i].name ? obj->secs[i].name : "?";
}

static const Elf64_Sym *sym_at(const struct obj *obj, uint32_t i)
{
	return (const Elf64_Sym *)obj->syms + i;
}

bool elf_section_is_code(const struct obj *obj, uint32_t i)
{
	return i < obj->nsecs && obj->secs[i].type == SHT_PROGBITS &&
	       (obj->secs[i].flags & SHF_EXECINSTR);
}

/* Stage 1: the file header and where the section table is. */
static int check_header(struct obj *obj, const Elf64_Ehdr **out, struct xdpl_error *e)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj->buf;

	if (obj->size < 4 || memcmp(obj->buf, ELFMAG, SELFMAG) != 0)
		return err_set(e, -ENOEXEC, "elf: not an ELF file (no \\177ELF magic)");
	if (obj->size < sizeof(*eh))
		return err_set(e, -ENOEXEC, "elf: file is %zu bytes, shorter than an ELF64 header",
			       obj->size);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return err_set(e, -ENOEXEC, "elf: not ELF64 (class %u); BPF objects are 64-bit",
			       eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return err_set(e, -ENOEXEC,
			       "elf: not little-endian (data encoding %u); build with -target bpfel or bpf on a little-endian host",
			       eh->e_ident[EI_DATA]);
	if (eh->e_machine != EM_BPF)
		return err_set(e, -ENOEXEC,
			       "elf: machine is %u, not BPF (%u): is this a `clang -target bpf` object?",
			       eh->e_machine, EM_BPF);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return err_set(e, -ENOEXEC, "elf: ELF version is %u in e_ident and %u in e_version; only version 1 exists",
			       eh->e_ident[EI_VERSION], eh->e_version);
	if (eh->e_type != ET_REL)
		return err_set(e, -ENOEXEC, "elf: type is %u, not a relocatable object (ET_REL)",
			       eh->e_type);
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return err_set(e, -ENOEXEC, "elf: section header size is %u, not %zu",
			       eh->e_shentsize, sizeof(Elf64_Shdr));
	if (eh->e_shoff == 0 || eh->e_shoff % 8)
		return err_set(e, -ENOEXEC,
			       "elf: section header table offset 0x%llx is not a non-zero multiple of 8",
			       (unsigned long long)eh->e_shoff);
	if (!range_ok(eh->e_shoff, sizeof(Elf64_Shdr), obj->size))
		return err_set(e, -ENOEXEC,
			       "elf: section header table at 0x%llx lies past the end of the %zu-byte file (truncated?)",
			       (unsigned long long)eh->e_shoff, obj->size);
	*out = eh;
	return 0;
}

/* Stage 2: every section header, its bytes and its name. */
static int check_sections(struct obj *obj, const Elf64_Ehdr *eh, struct xdpl_error *e)
{
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(obj->buf + eh->e_shoff);
	uint64_t n = eh->e_shnum, strndx = eh->e_shstrndx;
	const Elf64_Shdr *names;

	/* Extended numbering keeps the real counts in section 0. */
	if (n == 0)
		n = sh[0].sh_size;
	if (strndx == SHN_XINDEX)
		strndx = sh[0].sh_link;
	if (n == 0 || n > (obj->size - eh->e_shoff) / sizeof(Elf64_Shdr))
		return err_set(e, -ENOEXEC,
			       "elf: %llu section headers at 0x%llx do not fit in the %zu-byte file (truncated?)",
			       (unsigned long long)n, (unsigned long long)eh->e_shoff, obj->size);
	if (strndx == SHN_UNDEF || strndx >= n)
		return err_set(e, -ENOEXEC, "elf: section name table index %llu is not a section",
			       (unsigned long long)strndx);

	obj->nsecs = (uint32_t)n;
	obj->secs = calloc(n, sizeof(*obj->secs));
	if (!obj->secs)
		return err_set(e, -ENOMEM, "elf: out of memory for %llu sections",
			       (unsigned long long)n);

	for (uint32_t i = 1; i < n; i++) {
		struct obj_section *s = &obj->secs[i];

		s->type = sh[i].sh_type;
		s->flags = sh[i].sh_flags;
		s->size = sh[i].sh_size;
		s->link = sh[i].sh_link;
		s->info = sh[i].sh_info;
		if (s->type == SHT_NOBITS || s->type == SHT_NULL)
			continue;
		if (!range_ok(sh[i].sh_offset, sh[i].sh_size, obj->size))
			return err_set(e, -ENOEXEC,
				       "elf: section %u: bytes 0x%llx+0x%llx lie past the end of the %zu-byte file (truncated?)",
				       i, (unsigned long long)sh[i].sh_offset,
				       (unsigned long long)sh[i].sh_size, obj->size);
		s->data = obj->buf + sh[i].sh_offset;
	}

	names = &sh[strndx];
	if (names->sh_type != SHT_STRTAB || names->sh_size == 0 ||
	    obj->secs[strndx].data[names->sh_size - 1] != '\0')
		return err_set(e, -ENOEXEC,
			       "elf: section %llu (section names): not a NUL-terminated string table",
			       (unsigned long long)strndx);
	for (uint32_t i = 1; i < n; i++) {
		if (sh[i].sh_name >= names->sh_size)
			return err_set(e, -ENOEXEC,
				       "elf: section %u: name offset %u is past the end of the name table",
				       i, sh[i].sh_name);
		obj->secs[i].name = (const char *)obj->secs[strndx].data + sh[i].sh_name;
	}
	obj->secs[0].name = "";
	return 0;
}

static int check_string_table(const struct obj *obj, uint32_t i, struct xdpl_error *e)
{
	const struct obj_section *s = &obj->secs[i];

	if (s->type != SHT_STRTAB || s->size == 0 || s->data[s->size - 1] != '\0')
		return err_set(e, -ENOEXEC, "elf: section %u (%s): not a NUL-terminated string table",
			       i, s->name);
	return 0;
}

/* Stage 3: the symbol table; every name and section index in range. */
static int check_symbols(struct obj *obj, uint32_t *symtab_idx, struct xdpl_error *e)
{
	uint32_t idx = 0;
	int err;

	for (uint32_t i = 1; i < obj->nsecs; i++) {
		if (obj->secs[i].type == SHT_SYMTAB_SHNDX)
			return err_set(e, -ENOTSUP,
				       "elf: section %u (%s): extended symbol section indices are not supported",
				       i, obj->secs[i].name);
		if (obj->secs[i].type != SHT_SYMTAB)
			continue;
		if (idx)
			return err_set(e, -ENOEXEC, "elf: section %u (%s): a second symbol table", i,
				       obj->secs[i].name);
		idx = i;
	}
	*symtab_idx = idx;
	if (!idx)
		return 0; /* hand-written objects may have none: sections are then programs */

	const struct obj_section *st = &obj->secs[idx];

	if (st->size % sizeof(Elf64_Sym) || (uintptr_t)(st->data - obj->buf) % 8)
		return err_set(e, -ENOEXEC,
			       "elf: section %u (%s): size %llu is not a multiple of %zu or the table is not 8-byte aligned",
			       idx, st->name, (unsigned long long)st->size, sizeof(Elf64_Sym));
	if (st->link == 0 || st->link >= obj->nsecs)
		return err_set(e, -ENOEXEC, "elf: section %u (%s): string table link %u is not a section",
			       idx, st->name, st->link);
	err = check_string_table(obj, st->link, e);
	if (err)
		return err;
	obj->syms = st->data;
	obj->nsyms = (uint32_t)(st->size / sizeof(Elf64_Sym));
	obj->strtab = (const char *)obj->secs[st->link].data;
	obj->strtab_size = obj->secs[st->link].size;

	for (uint32_t i = 1; i < obj->nsyms; i++) {
		const Elf64_Sym *sym = sym_at(obj, i);
		uint32_t type = ELF64_ST_TYPE(sym->st_info);

		if (sym->st_name >= obj->strtab_size)
			return err_set(e, -ENOEXEC, "elf: symbol %u: name offset %u is past the end of %s",
				       i, sym->st_name, obj->secs[st->link].name);
		if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
		    sym->st_shndx == SHN_COMMON)
			continue;
		if (sym->st_shndx >= obj->nsecs)
			return err_set(e, -ENOEXEC, "elf: symbol %u (%s): section index %u is not a section",
				       i, obj->strtab + sym->st_name, sym->st_shndx);
		if ((type == STT_FUNC || type == STT_OBJECT) &&
		    !range_ok(sym->st_value, sym->st_size, obj->secs[sym->st_shndx].size))
			return err_set(e, -ENOEXEC,
				       "elf: symbol %u (%s): bytes 0x%llx+0x%llx lie outside section %u (%s)",
				       i, obj->strtab + sym->st_name,
				       (unsigned long long)sym->st_value,
				       (unsigned long long)sym->st_size, sym->st_shndx,
				       elf_section_name(obj, sym->st_shndx));
	}
	return 0;
}

const char *elf_symbol_name(const struct obj *obj, const void *symbol)
{
	const Elf64_Sym *sym = symbol;

	if (ELF64_ST_TYPE(sym->st_info) == STT_SECTION || sym->st_name == 0)
		return elf_section_name(obj, sym->st_shndx);
	return obj->strtab + sym->st_name;
}


/*
 * Stage 4: relocation tables.  Those that patch code must be REL tables of
 * whole, aligned entries using the symbol table; entries themselves are read
 * (and checked one by one) by object.c.  Tables for other sections (debug
 * info, .BTF.ext) only need to name a section that exists.
 */
static int check_relocation_tables(const struct obj *obj, struct xdpl_error *e)
{
	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];

		if (s->type != SHT_REL && s->type != SHT_RELA)
			continue;
		if (s->info == 0 || s->info >= obj->nsecs)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): relocates section %u, which does not exist",
				       i, s->name, s->info);
		if (!elf_section_is_code(obj, s->info))
			continue;
		if (s->type == SHT_RELA)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): RELA relocations for code; BPF objects use REL",
				       i, s->name);
		if (s->link != obj->symtab_sec || obj->symtab_sec == 0)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): symbol table link %u is not the symbol table",
				       i, s->name, s->link);
		if (s->size % sizeof(Elf64_Rel) || (uintptr_t)(s->data - obj->buf) % 8)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): size %llu is not whole %zu-byte entries or not 8-byte aligned",
				       i, s->name, (unsigned long long)s->size, sizeof(Elf64_Rel));
	}
	return 0;
}

static int build_indexes(struct obj *obj, struct xdpl_error *e);

int elf_validate(struct obj *obj, struct xdpl_error *e)
{
	const Elf64_Ehdr *eh = NULL;
	int err;

	err = check_header(obj, &eh, e);
	if (!err)
		err = check_sections(obj, eh, e);
	if (!err)
		err = check_symbols(obj, &obj->symtab_sec, e);
	if (!err)
		err = check_relocation_tables(obj, e);
	if (!err)
		err = build_indexes(obj, e);
	return err;
}

static int name_index_compare(const void *a, const void *b)
{
	const struct elf_name_index *x = a, *y = b;
	int c;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static bool symbol_is_findable(const Elf64_Sym *sym)
{
	uint32_t type = ELF64_ST_TYPE(sym->st_info);

	return (type == STT_OBJECT || type == STT_FUNC || type == STT_NOTYPE) && sym->st_name;
}

/*
 * Stage 5: sections and symbols sorted by name, so that finding one is a
 * binary search (a DATASEC of n variables looked each symbol up among all
 * of them: n^2 string compares, minutes for a few megabytes).
 */
static int build_indexes(struct obj *obj, struct xdpl_error *e)
{
	uint32_t n = 0;

	obj->sec_index = calloc(obj->nsecs, sizeof(*obj->sec_index));
	if (!obj->sec_index)
		return err_set(e, -ENOMEM, "elf: out of memory for the index of %u sections",
			       obj->nsecs);
	for (uint32_t i = 1; i < obj->nsecs; i++)
		obj->sec_index[n++] = (struct elf_name_index){ obj->secs[i].name, 0, i };
	obj->nsec_index = n;
	qsort(obj->sec_index, n, sizeof(*obj->sec_index), name_index_compare);

	n = 0;
	for (uint32_t i = 1; i < obj->nsyms; i++)
		n += symbol_is_findable(sym_at(obj, i));
	if (!n)
		return 0;
	obj->sym_index = calloc(n, sizeof(*obj->sym_index));
	if (!obj->sym_index)
		return err_set(e, -ENOMEM, "elf: out of memory for the index of %u symbols", n);
	n = 0;
	for (uint32_t i = 1; i < obj->nsyms; i++) {
		const Elf64_Sym *sym = sym_at(obj, i);

		if (symbol_is_findable(sym))
			obj->sym_index[n++] = (struct elf_name_index){ obj->strtab + sym->st_name,
								       sym->st_shndx, i };
	}
	obj->nsym_index = n;
	qsort(obj->sym_index, n, sizeof(*obj->sym_index), name_index_compare);
	return 0;
}

void elf_index_free(struct obj *obj)
{
	free(obj->sec_index);
	free(obj->sym_index);
	obj->sec_index = obj->sym_index = NULL;
	obj->nsec_index = obj->nsym_index = 0;
}

void elf_name_index_sort(struct elf_name_index *index, uint32_t n)
{
	qsort(index, n, sizeof(*index), name_index_compare);
}

/* The first entry of index (n of them) at (sec, name), or NULL. */
const struct elf_name_index *elf_name_index_find(const struct elf_name_index *index, uint32_t n,
						 uint32_t sec, const char *name)
{
	struct elf_name_index key = { name, sec, 0 };
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (name_index_compare(&index[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && index[lo].sec == sec && !strcmp(index[lo].name, name))
		return &index[lo];
	return NULL;
}

int elf_section_find(const struct obj *obj, const char *name)
{
	const struct elf_name_index *x;

	if (!obj->sec_index) /* before stage 5 */
		for (uint32_t i = 1; i < obj->nsecs; i++)
			if (!strcmp(obj->secs[i].name, name))
				return (int)i;
	x = obj->sec_index ? elf_name_index_find(obj->sec_index, obj->nsec_index, 0, name) : NULL;
	return x ? (int)x->index : -ENOENT;
}

/* The value of the named object or function symbol in a section (the first such). */
int elf_symbol_find(const struct obj *obj, uint32_t sec, const char *name, uint64_t *value)
{
	const struct elf_name_index *x = elf_name_index_find(obj->sym_index, obj->nsym_index, sec,
							 name);

	if (!x)
		return -ENOENT;
	*value = sym_at(obj, x->index)->st_value;
	return 0;
}
