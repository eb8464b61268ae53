// SPDX-License-Identifier: MIT
/*
 * elf_fuzz.c - libFuzzer target for the ELF parser (elf.c).
 *
 * elf.c promises that nothing in the file is trusted and that a successful
 * parse yields a description whose every pointer, index and count is safe
 * to follow.  This target holds it to both halves: each input is parsed
 * from a malloc'd copy (so ASan sees the exact end of the "file"), and when
 * the parse succeeds the description is walked the way load.c and
 * `xdpload inspect` walk it, and the way a loader that follows xdpload.h to
 * the letter would: every name is read to its NUL, every program's
 * instructions are copied, every relocated instruction is read, every index
 * is used to index.  A pointer or index that escapes its object then shows up
 * as an ASan report instead of a silent misload.
 *
 *   make fuzz
 *   fuzz/elf_fuzz -dict=fuzz/elf.dict fuzz/corpus-run fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "xdpload.h"

/* elf.c logs through loader.c, which is not linked in: stay quiet. */
void xdpl_log(const char *fmt, ...)
{
	(void)fmt;
}

/*
 * -fsanitize=undefined only warns by default, which libFuzzer does not see;
 * make every UB report fatal so that it is kept as a crash like ASan's.
 */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/*
 * A broken promise that ASan cannot see (an index inside some allocation,
 * but not the right one): report it and abort so libFuzzer keeps the input.
 */
#define PROMISE(cond)                                                                   \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "elf_fuzz: %s:%d: description breaks: %s\n",   \
				__FILE__, __LINE__, #cond);                             \
			abort();                                                        \
		}                                                                       \
	} while (0)

/* Results go here so the compiler cannot drop the reads that matter. */
static volatile uint64_t sink;

/* Read a string to its NUL, byte by byte, as printf("%s") would. */
static void touch_str(const char *s)
{
	PROMISE(s != NULL);
	sink += strlen(s);
}

/* First and last byte: enough for ASan to see a range that leaves the buffer. */
static void touch_range(const uint8_t *p, uint64_t len)
{
	if (!len)
		return;
	sink += p[0];
	sink += p[len - 1];
}

static void walk_sections(const struct elf_obj *obj)
{
	PROMISE(obj->nsecs > 0 && obj->secs != NULL);
	for (uint32_t i = 0; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];

		touch_str(s->name);
		/* NOBITS and NULL sections have a size but no bytes in the file. */
		if (s->data)
			touch_range(s->data, s->size);
	}
}

/* What load.c's relocate() does with one relocation, on our copy of the code. */
static void walk_reloc(const struct elf_obj *obj, const struct obj_prog *p,
		       const struct obj_reloc *r, const uint8_t *insns)
{
	const struct obj_section *s = &obj->secs[p->sec];
	uint32_t at;

	PROMISE(r->kind <= RELOC_EXTERN);
	PROMISE(r->sec == p->sec && r->insn >= p->first_insn);
	at = r->insn - p->first_insn;
	PROMISE(at < p->insn_cnt);
	touch_str(r->sym);
	touch_range(insns + (size_t)at * BPF_INSN_SIZE, BPF_INSN_SIZE);

	/* Every ld_imm64 kind: the parser checked both slots lie in the section. */
	if (r->kind != RELOC_CALL)
		touch_range(s->data + ((size_t)r->insn + 1) * BPF_INSN_SIZE, BPF_INSN_SIZE);

	switch (r->kind) {
	case RELOC_MAP:
		touch_str(obj->maps[r->target].name);
		break;
	case RELOC_DATA:
	case RELOC_CALL:
	case RELOC_FUNC:
		/* xdpload.h: target is the section index of the data or function. */
		touch_str(obj->secs[r->target].name);
		break;
	default:
		break;
	}
}

static void walk_program(const struct elf_obj *obj, const struct obj_prog *p)
{
	const struct obj_section *s;
	const struct obj_reloc *first;
	const struct obj_prog *found;
	uint8_t *insns;
	uint32_t n;

	touch_str(p->name);
	touch_str(p->section);
	sink += strlen(elf_prog_type_name(p));
	PROMISE(p->sec < obj->nsecs);
	s = &obj->secs[p->sec];
	PROMISE(s->data != NULL && p->insn_cnt > 0);

	/* load_prog(): copy the instructions out of the section. */
	insns = malloc((size_t)p->insn_cnt * BPF_INSN_SIZE);
	if (!insns)
		return;
	memcpy(insns, s->data + (size_t)p->first_insn * BPF_INSN_SIZE,
	       (size_t)p->insn_cnt * BPF_INSN_SIZE);

	/* relocate() steps from first with r++, trusting they are contiguous. */
	n = elf_prog_relocs(obj, p, &first);
	PROMISE(n == 0 || first != NULL);
	for (uint32_t i = 0; i < n; i++)
		walk_reloc(obj, p, &first[i], insns);
	free(insns);

	/* By name it must find a program of that name (the first one). */
	found = elf_prog_find(obj, p->name);
	PROMISE(found != NULL && !strcmp(found->name, p->name));

	/* By section: one with that name or section, or none when ambiguous. */
	found = elf_prog_find(obj, p->section);
	if (found)
		PROMISE(!strcmp(found->name, p->section) || !strcmp(found->section, p->section));
}

static void walk_maps(const struct elf_obj *obj)
{
	for (uint32_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];

		touch_str(m->name);
		sink += strlen(elf_map_type_name(m->type));
		PROMISE(m->sec == obj->maps_sec && m->sec < obj->nsecs);
		PROMISE(m->offset < obj->secs[m->sec].size);
	}
}

/* Every relocation, including those of .text subprograms no program covers. */
static void walk_relocs(const struct elf_obj *obj)
{
	for (uint32_t i = 0; i < obj->nrelocs; i++) {
		const struct obj_reloc *r = &obj->relocs[i];
		const struct obj_section *s;

		PROMISE(r->sec < obj->nsecs);
		s = &obj->secs[r->sec];
		PROMISE(s->data != NULL);
		PROMISE(r->insn < s->size / BPF_INSN_SIZE);
		touch_range(s->data + (size_t)r->insn * BPF_INSN_SIZE, BPF_INSN_SIZE);
		touch_str(r->sym);
		/* Sorted by section, then instruction, as xdpload.h says. */
		if (i)
			PROMISE(r[-1].sec < r->sec ||
				(r[-1].sec == r->sec && r[-1].insn <= r->insn));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errbuf e = { 0 };
	struct elf_obj obj = { 0 };
	int err;

	/* Our own allocation of exactly size bytes: its end is the file's end. */
	obj.buf = malloc(size ? size : 1);
	if (!obj.buf)
		return 0;
	memcpy(obj.buf, data, size);
	obj.size = size;

	err = elf_obj_parse(&obj, &e);
	if (err) {
		/* Every failure explains itself. */
		PROMISE(err < 0 && e.msg[0] != '\0');
		touch_str(e.msg);
	} else {
		walk_sections(&obj);
		if (obj.license)
			touch_str(obj.license);
		if (obj.nsyms)
			PROMISE(obj.syms != NULL && obj.strtab != NULL &&
				obj.strtab_size > 0 && obj.strtab[obj.strtab_size - 1] == '\0');
		walk_maps(&obj);
		for (uint32_t i = 0; i < obj.nprogs; i++)
			walk_program(&obj, &obj.progs[i]);
		walk_relocs(&obj);
	}
	elf_obj_free(&obj);
	return 0;
}
