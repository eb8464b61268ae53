// SPDX-License-Identifier: MIT
/*
 * elf.c - turns the bytes of a `clang -target bpf` object into a validated
 * description: sections, programs, legacy map definitions, relocations and the
 * license.
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
#include "xdpload.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#define R_BPF_NONE 0
#define R_BPF_64_64 1
#define R_BPF_64_ABS64 2
#define R_BPF_64_ABS32 3
#define R_BPF_64_NODYLD32 4
#define R_BPF_64_32 10

#define LEGACY_MAP_MIN_SIZE 16 /* type, key size, value size, max entries */

static bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static uint32_t read_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static const char *sec_name(const struct elf_obj *obj, uint32_t i)
{
	return i < obj->nsecs && obj->secs[i].name ? obj->secs[i].name : "?";
}

static const Elf64_Sym *sym_at(const struct elf_obj *obj, uint32_t i)
{
	return (const Elf64_Sym *)obj->syms + i;
}

static bool sec_is_exec(const struct obj_section *s)
{
	return s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR);
}

/* Stage 1: the file header and where the section table is. */
static int check_header(struct elf_obj *obj, const Elf64_Ehdr **out, struct errbuf *e)
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
		return err_set(e, -ENOEXEC, "elf: unknown ELF version %u", eh->e_version);
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
static int check_sections(struct elf_obj *obj, const Elf64_Ehdr *eh, struct errbuf *e)
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

static int check_string_table(const struct elf_obj *obj, uint32_t i, struct errbuf *e)
{
	const struct obj_section *s = &obj->secs[i];

	if (s->type != SHT_STRTAB || s->size == 0 || s->data[s->size - 1] != '\0')
		return err_set(e, -ENOEXEC, "elf: section %u (%s): not a NUL-terminated string table",
			       i, s->name);
	return 0;
}

/* Stage 3: the symbol table; every name and section index in range. */
static int check_symbols(struct elf_obj *obj, uint32_t *symtab_idx, struct errbuf *e)
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
				       sec_name(obj, sym->st_shndx));
	}
	return 0;
}

static const char *sym_name(const struct elf_obj *obj, const Elf64_Sym *sym)
{
	if (ELF64_ST_TYPE(sym->st_info) == STT_SECTION || sym->st_name == 0)
		return sec_name(obj, sym->st_shndx);
	return obj->strtab + sym->st_name;
}

/* The program type a section name asks for: every name starting with "xdp". */
static void prog_type_from_section(struct obj_prog *p)
{
	const char *s = p->section;

	if (strncmp(s, "xdp", 3) != 0)
		return;
	p->type = BPF_PROG_TYPE_XDP;
	if (!strcmp(s, "xdp.frags") || !strncmp(s, "xdp.frags/", 10)) {
		p->prog_flags |= BPF_F_XDP_HAS_FRAGS;
		s += strlen("xdp.frags");
	} else {
		s += strlen("xdp");
	}
	if (!strcmp(s, "/devmap"))
		p->expected_attach_type = BPF_XDP_DEVMAP;
	else if (!strcmp(s, "/cpumap"))
		p->expected_attach_type = BPF_XDP_CPUMAP;
}

static int prog_add(struct elf_obj *obj, uint32_t sec, const char *name, uint64_t off,
		    uint64_t size, struct errbuf *e)
{
	struct obj_prog *grown, *p;

	if (off % BPF_INSN_SIZE || size % BPF_INSN_SIZE || size == 0)
		return err_set(e, -ENOEXEC,
			       "elf: section %u (%s): function %s at 0x%llx size %llu is not whole 8-byte instructions",
			       sec, sec_name(obj, sec), name, (unsigned long long)off,
			       (unsigned long long)size);
	grown = realloc(obj->progs, (obj->nprogs + 1) * sizeof(*obj->progs));
	if (!grown)
		return err_set(e, -ENOMEM, "elf: out of memory for programs");
	obj->progs = grown;
	p = &obj->progs[obj->nprogs++];
	memset(p, 0, sizeof(*p));
	p->name = name;
	p->section = sec_name(obj, sec);
	p->sec = sec;
	p->first_insn = (uint32_t)(off / BPF_INSN_SIZE);
	p->insn_cnt = (uint32_t)(size / BPF_INSN_SIZE);
	prog_type_from_section(p);
	return 0;
}

/*
 * Stage 4: programs.  Each function symbol in an executable section other
 * than .text is a program (functions in .text are subprograms, called from
 * programs).  An executable section without function symbols, as old
 * hand-written objects have, is one program named after its section.
 */
static int find_programs(struct elf_obj *obj, struct errbuf *e)
{
	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];
		uint32_t before = obj->nprogs;
		int err;

		if (!sec_is_exec(s) || s->size == 0 || !strcmp(s->name, ".text"))
			continue;
		if (s->size % BPF_INSN_SIZE)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): size %llu is not a whole number of 8-byte instructions",
				       i, s->name, (unsigned long long)s->size);
		for (uint32_t j = 1; j < obj->nsyms; j++) {
			const Elf64_Sym *sym = sym_at(obj, j);

			if (sym->st_shndx != i || ELF64_ST_TYPE(sym->st_info) != STT_FUNC)
				continue;
			err = prog_add(obj, i, obj->strtab + sym->st_name, sym->st_value,
				       sym->st_size, e);
			if (err)
				return err;
		}
		if (obj->nprogs == before) {
			err = prog_add(obj, i, s->name, 0, s->size, e);
			if (err)
				return err;
		}
	}
	return 0;
}

static int map_compare(const void *a, const void *b)
{
	const struct obj_map *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Stage 5: legacy map definitions in section "maps".  Each map symbol marks one
 * struct bpf_map_def; all entries have the same size, the section size divided
 * by the number of symbols, so fields that older loaders appended (id, pinning,
 * inner map index, numa node) are tolerated and ignored.
 */
static int find_legacy_maps(struct elf_obj *obj, struct errbuf *e)
{
	const struct obj_section *s;
	uint32_t idx = 0, count = 0;
	uint64_t entry;

	for (uint32_t i = 1; i < obj->nsecs; i++)
		if (!strcmp(obj->secs[i].name, "maps"))
			idx = i;
	if (!idx)
		return 0;
	s = &obj->secs[idx];
	obj->maps_sec = idx;
	if (s->type != SHT_PROGBITS)
		return err_set(e, -ENOEXEC, "elf: section %u (maps): map definitions must be PROGBITS",
			       idx);
	for (uint32_t j = 1; j < obj->nsyms; j++) {
		const Elf64_Sym *sym = sym_at(obj, j);
		uint32_t type = ELF64_ST_TYPE(sym->st_info);

		if (sym->st_shndx == idx && type != STT_SECTION && type != STT_FILE)
			count++;
	}
	if (count == 0)
		return s->size ? err_set(e, -ENOEXEC,
					 "elf: section %u (maps): %llu bytes but no map symbols", idx,
					 (unsigned long long)s->size)
			       : 0;
	entry = s->size / count;
	if (s->size % count || entry < LEGACY_MAP_MIN_SIZE || entry % 4)
		return err_set(e, -ENOEXEC,
			       "elf: section %u (maps): %llu bytes do not split into %u map definitions of at least %d bytes in whole 4-byte fields",
			       idx, (unsigned long long)s->size, count, LEGACY_MAP_MIN_SIZE);

	obj->maps = calloc(count, sizeof(*obj->maps));
	if (!obj->maps)
		return err_set(e, -ENOMEM, "elf: out of memory for maps");
	for (uint32_t j = 1; j < obj->nsyms; j++) {
		const Elf64_Sym *sym = sym_at(obj, j);
		uint32_t type = ELF64_ST_TYPE(sym->st_info);
		struct obj_map *m;
		const uint8_t *d;

		if (sym->st_shndx != idx || type == STT_SECTION || type == STT_FILE)
			continue;
		if (sym->st_value % entry || sym->st_value >= s->size)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (maps): map %s at offset %llu is not at a multiple of the %llu-byte definition size",
				       idx, sym_name(obj, sym), (unsigned long long)sym->st_value,
				       (unsigned long long)entry);
		m = &obj->maps[obj->nmaps++];
		d = s->data + sym->st_value;
		m->name = sym_name(obj, sym);
		m->sec = idx;
		m->offset = sym->st_value;
		m->type = read_u32(d);
		m->key_size = read_u32(d + 4);
		m->value_size = read_u32(d + 8);
		m->max_entries = read_u32(d + 12);
		m->flags = entry >= 20 ? read_u32(d + 16) : 0;
	}
	qsort(obj->maps, obj->nmaps, sizeof(*obj->maps), map_compare);
	for (uint32_t i = 1; i < obj->nmaps; i++)
		if (obj->maps[i].offset == obj->maps[i - 1].offset)
			return err_set(e, -ENOEXEC, "elf: section %u (maps): maps %s and %s share offset %llu",
				       idx, obj->maps[i - 1].name, obj->maps[i].name,
				       (unsigned long long)obj->maps[i].offset);
	return 0;
}

static int map_at(const struct elf_obj *obj, uint64_t offset)
{
	for (uint32_t i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].offset == offset)
			return (int)i;
	return -1;
}

/* Classify one relocation entry of an executable section. */
static int reloc_add(struct elf_obj *obj, uint32_t rsec, uint32_t tsec, uint32_t n,
		     const Elf64_Rel *rel, struct errbuf *e)
{
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
		return err_set(e, -ENOEXEC,
			       "elf: section %u (%s): relocation %u offset 0x%llx is not 8-byte aligned",
			       rsec, sec_name(obj, rsec), n, (unsigned long long)rel->r_offset);
	if (!range_ok(rel->r_offset, BPF_INSN_SIZE, t->size))
		return err_set(e, -ENOEXEC,
			       "elf: section %u (%s): relocation %u offset 0x%llx is past the end of %s",
			       rsec, sec_name(obj, rsec), n, (unsigned long long)rel->r_offset,
			       t->name);
	if (symi == 0 || symi >= obj->nsyms)
		return err_set(e, -ENOEXEC,
			       "elf: section %u (%s): relocation %u names symbol %u, not a symbol",
			       rsec, sec_name(obj, rsec), n, symi);
	sym = sym_at(obj, symi);
	name = sym_name(obj, sym);
	insn = t->data + rel->r_offset;
	memcpy(&imm, insn + 4, sizeof(imm));

	r = &obj->relocs[obj->nrelocs];
	memset(r, 0, sizeof(*r));
	r->sec = tsec;
	r->insn = (uint32_t)(rel->r_offset / BPF_INSN_SIZE);
	r->sym = name;
	r->target = sym->st_shndx;
	r->offset = sym->st_value;

	if (type == R_BPF_64_32) {
		if (insn[0] != BPF_OP_CALL || (insn[1] >> 4) != BPF_PSEUDO_CALL)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): relocation %u (%s) at 0x%llx must hit a bpf-to-bpf call, found opcode 0x%02x",
				       rsec, sec_name(obj, rsec), n, name,
				       (unsigned long long)rel->r_offset, insn[0]);
		r->kind = RELOC_CALL;
	} else if (type == R_BPF_64_64) {
		if (insn[0] != BPF_OP_LD_IMM64 || !range_ok(rel->r_offset, 16, t->size) ||
		    insn[8] != 0)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): relocation %u (%s) at 0x%llx must hit a 16-byte ld_imm64, found opcode 0x%02x",
				       rsec, sec_name(obj, rsec), n, name,
				       (unsigned long long)rel->r_offset, insn[0]);
		/* A section symbol carries the variable's offset in the instruction. */
		if (ELF64_ST_TYPE(sym->st_info) == STT_SECTION)
			r->offset += (uint64_t)(int64_t)imm;
		if (sym->st_shndx == SHN_UNDEF) {
			r->kind = RELOC_EXTERN;
		} else if (sym->st_shndx >= obj->nsecs) {
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): relocation %u names %s, which has no section",
				       rsec, sec_name(obj, rsec), n, name);
		} else if (sym->st_shndx == obj->maps_sec) {
			int m = map_at(obj, r->offset);

			if (m < 0)
				return err_set(e, -ENOEXEC,
					       "elf: section %u (%s): relocation %u refers to offset %llu of maps, where no map starts",
					       rsec, sec_name(obj, rsec), n,
					       (unsigned long long)r->offset);
			r->kind = RELOC_MAP;
			r->target = (uint32_t)m;
		} else if (sec_is_exec(&obj->secs[sym->st_shndx])) {
			r->kind = RELOC_FUNC;
		} else {
			r->kind = RELOC_DATA;
		}
	} else {
		return err_set(e, -ENOEXEC,
			       "elf: section %u (%s): relocation %u has type %u, not one an instruction can carry",
			       rsec, sec_name(obj, rsec), n, type);
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

/*
 * Stage 6: relocation sections.  Only those patching executable sections
 * matter for loading; the rest (debug info, BTF.ext) are checked for shape and
 * skipped.
 */
static int find_relocs(struct elf_obj *obj, uint32_t symtab, struct errbuf *e)
{
	uint64_t total = 0;
	int err;

	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];

		if (s->type != SHT_REL && s->type != SHT_RELA)
			continue;
		if (s->info == 0 || s->info >= obj->nsecs)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): relocates section %u, which does not exist",
				       i, s->name, s->info);
		if (!sec_is_exec(&obj->secs[s->info]))
			continue;
		if (s->type == SHT_RELA)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): RELA relocations for code; BPF objects use REL",
				       i, s->name);
		if (s->link != symtab || symtab == 0)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): symbol table link %u is not the symbol table",
				       i, s->name, s->link);
		if (s->size % sizeof(Elf64_Rel) || (uintptr_t)(s->data - obj->buf) % 8)
			return err_set(e, -ENOEXEC,
				       "elf: section %u (%s): size %llu is not whole %zu-byte entries or not 8-byte aligned",
				       i, s->name, (unsigned long long)s->size, sizeof(Elf64_Rel));
		total += s->size / sizeof(Elf64_Rel);
	}
	if (total == 0)
		return 0;
	obj->relocs = calloc(total, sizeof(*obj->relocs));
	if (!obj->relocs)
		return err_set(e, -ENOMEM, "elf: out of memory for %llu relocations",
			       (unsigned long long)total);
	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];
		const Elf64_Rel *rel = (const Elf64_Rel *)s->data;

		if (s->type != SHT_REL || !sec_is_exec(&obj->secs[s->info]))
			continue;
		for (uint32_t n = 0; n < s->size / sizeof(Elf64_Rel); n++) {
			err = reloc_add(obj, i, s->info, n, &rel[n], e);
			if (err)
				return err;
		}
	}
	qsort(obj->relocs, obj->nrelocs, sizeof(*obj->relocs), reloc_compare);
	return 0;
}

static int find_license(struct elf_obj *obj, struct errbuf *e)
{
	for (uint32_t i = 1; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];

		if (strcmp(s->name, "license"))
			continue;
		if (s->type != SHT_PROGBITS || s->size == 0 || !memchr(s->data, '\0', s->size))
			return err_set(e, -ENOEXEC,
				       "elf: section %u (license): not a NUL-terminated string", i);
		obj->license = (const char *)s->data;
	}
	return 0;
}

int elf_obj_parse(struct elf_obj *obj, struct errbuf *e)
{
	const Elf64_Ehdr *eh = NULL;
	uint32_t symtab = 0;
	int err;

	err = check_header(obj, &eh, e);
	if (!err)
		err = check_sections(obj, eh, e);
	if (!err)
		err = check_symbols(obj, &symtab, e);
	if (!err)
		err = find_programs(obj, e);
	if (!err)
		err = find_legacy_maps(obj, e);
	if (!err)
		err = find_relocs(obj, symtab, e);
	if (!err)
		err = find_license(obj, e);
	return err;
}

int elf_obj_open(struct elf_obj *obj, const char *path, struct errbuf *e)
{
	struct stat st;
	size_t got = 0;
	int fd, err = 0;

	memset(obj, 0, sizeof(*obj));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, -errno, "elf: cannot open %s", path);
	if (fstat(fd, &st) < 0) {
		err = err_sys(e, -errno, "elf: cannot stat %s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = err_set(e, -EINVAL, "elf: %s is not a regular file", path);
		goto out;
	}
	obj->size = (size_t)st.st_size;
	obj->buf = malloc(obj->size ? obj->size : 1);
	if (!obj->buf) {
		err = err_set(e, -ENOMEM, "elf: out of memory reading %s (%zu bytes)", path,
			      obj->size);
		goto out;
	}
	while (got < obj->size) {
		ssize_t n = read(fd, obj->buf + got, obj->size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? err_sys(e, -errno, "elf: cannot read %s", path)
				    : err_set(e, -EIO, "elf: %s shrank while being read", path);
			goto out;
		}
		got += (size_t)n;
	}
	err = elf_obj_parse(obj, e);
out:
	close(fd);
	if (err)
		elf_obj_free(obj);
	return err;
}

void elf_obj_free(struct elf_obj *obj)
{
	free(obj->buf);
	free(obj->secs);
	free(obj->progs);
	free(obj->maps);
	free(obj->relocs);
	memset(obj, 0, sizeof(*obj));
}

/* A program by function name, or by section name when that is unambiguous. */
const struct obj_prog *elf_prog_find(const struct elf_obj *obj, const char *name)
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

/* The relocations that patch one program's instructions (they are sorted). */
uint32_t elf_prog_relocs(const struct elf_obj *obj, const struct obj_prog *prog,
			 const struct obj_reloc **first)
{
	uint32_t n = 0;

	*first = NULL;
	for (uint32_t i = 0; i < obj->nrelocs; i++) {
		const struct obj_reloc *r = &obj->relocs[i];

		if (r->sec != prog->sec || r->insn < prog->first_insn ||
		    r->insn - prog->first_insn >= prog->insn_cnt)
			continue;
		if (!*first)
			*first = r;
		n++;
	}
	return n;
}

const char *elf_prog_type_name(const struct obj_prog *p)
{
	static const char *const xdp[2][3] = {
		{ "xdp", "xdp/devmap", "xdp/cpumap" },
		{ "xdp.frags", "xdp.frags/devmap", "xdp.frags/cpumap" },
	};
	int frags = !!(p->prog_flags & BPF_F_XDP_HAS_FRAGS);

	if (p->type != BPF_PROG_TYPE_XDP)
		return "unsupported";
	return xdp[frags][p->expected_attach_type == BPF_XDP_DEVMAP   ? 1
			  : p->expected_attach_type == BPF_XDP_CPUMAP ? 2
								       : 0];
}

const char *elf_map_type_name(uint32_t type)
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
