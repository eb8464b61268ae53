// SPDX-License-Identifier: MIT
/*
 * elf_fuzz.c - libFuzzer target for everything that reads an object file:
 * elf.c (the container), object.c (functions, programs, relocations), maps.c
 * (map definitions, global data, --set), btf.c (.BTF and .BTF.ext),
 * btf_compat.c (BTF rewritten for older kernels), reloc.c (the
 * instructions the kernel receives) and core.c (CO-RE: every record of the
 * program resolved against the object's own BTF as the target, and patched).
 *
 * They promise that nothing in the file is trusted and that a successful
 * parse yields a description whose every pointer, index and count is safe
 * to follow.  This target holds them to both halves: each input is parsed
 * from a malloc'd copy (so ASan sees the exact end of the "file"), and when
 * the parse succeeds the description is walked the way load.c, show.c and
 * `--set` walk it, and the way xdpload.h says it may be walked: every name is
 * read to its NUL, every function's instructions and every map's initial
 * value are read, every index is used to index, every program is linked into
 * its image and the BTF is rewritten for an old kernel.  A pointer or index
 * that escapes its object then shows up as a sanitizer report instead of a
 * silent misload.  Nothing here makes a syscall.
 *
 *   make fuzz
 *   fuzz/elf_fuzz -dict=fuzz/elf.dict fuzz/corpus-run fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/core.h"
#include "lib/externs.h"
#include "lib/internal.h"

/*
 * -fsanitize=undefined only warns by default, which libFuzzer does not see;
 * make every UB report fatal so that the input is kept as a crash like ASan's.
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
static volatile uint64_t fz_sink;

/* Read a string to its NUL, byte by byte, as printf("%s") would. */
static void fz_str(const char *s)
{
	PROMISE(s != NULL);
	fz_sink += strlen(s);
}

/* First and last byte: enough for ASan to see a range that leaves its buffer. */
static void fz_range(const void *p, uint64_t len)
{
	const uint8_t *b = p;

	if (!len)
		return;
	PROMISE(b != NULL);
	fz_sink += b[0];
	fz_sink += b[len - 1];
}

/* Instructions [first, first + cnt) of a section: present and inside it. */
static void fz_code(const struct obj *obj, uint32_t sec, uint64_t first, uint64_t cnt)
{
	const struct obj_section *s;

	PROMISE(elf_section_is_code(obj, sec));
	s = &obj->secs[sec];
	PROMISE(first + cnt <= s->size / BPF_INSN_SIZE);
	fz_range(s->data + first * BPF_INSN_SIZE, cnt * BPF_INSN_SIZE);
}

static void fz_sections(const struct obj *obj)
{
	PROMISE(obj->nsecs > 0 && obj->secs != NULL);
	for (uint32_t i = 0; i < obj->nsecs; i++) {
		const struct obj_section *s = &obj->secs[i];

		fz_str(s->name);
		/* NOBITS and NULL sections have a size but no bytes in the file. */
		if (s->data)
			fz_range(s->data, s->size);
	}
	if (obj->nsyms)
		PROMISE(obj->syms != NULL && obj->strtab != NULL && obj->strtab_size > 0 &&
			obj->strtab[obj->strtab_size - 1] == '\0');
	if (obj->license)
		fz_str(obj->license);
}

/* Every type as show.c describes it, sized, and rewritten as load.c may. */
static void fz_btf(const struct obj *obj)
{
	const struct btf *btf = obj->btf;
	unsigned int used;
	char what[128];

	if (!btf)
		return;
	for (uint32_t id = 0; id <= btf->nr_types; id++) {
		uint64_t size;

		btf_type_describe(btf, id, what, sizeof(what));
		fz_str(what);
		if (!btf_type_size(btf, id, &size))
			fz_sink += size;
		fz_sink += btf_skip_modifiers(btf, id);
	}
	/* load.c always hands the kernel a rewritten copy; check both extremes. */
	used = btf_features_used(btf);
	for (int pass = 0; pass < 2; pass++) {
		unsigned int missing = pass ? BTF_FEAT_ALL : btf_features_newer(BTF_FEAT_GLOBAL_FUNC);
		uint8_t *blob;
		uint32_t size;

		if (btf_sanitized(btf, missing & used, &blob, &size))
			continue;
		fz_range(blob, size);
		free(blob);
	}
}

static void fz_maps(const struct obj *obj)
{
	char what[128];

	for (uint32_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];

		fz_str(m->name);
		fz_str(obj_map_type_name(m->type));
		PROMISE(m->origin <= MAP_DATA && m->sec < obj->nsecs);
		if (m->origin == MAP_DATA)
			fz_range(m->data, m->value_size);
		if (obj->btf && m->btf_key_id) {
			btf_type_describe(obj->btf, m->btf_key_id, what, sizeof(what));
			fz_str(what);
		}
		if (obj->btf && m->btf_value_id) {
			btf_type_describe(obj->btf, m->btf_value_id, what, sizeof(what));
			fz_str(what);
		}
	}
}

/* --set on every global variable: found by name, written by its BTF type. */
static void fz_vars(struct obj *obj)
{
	const struct btf *btf = obj->btf;

	for (uint32_t i = 0; btf && i < obj->nmaps; i++) {
		const struct btf_type *ds = btf_type_by_id(btf, obj->maps[i].btf_value_id);
		const struct btf_var_secinfo *v;

		if (obj->maps[i].origin != MAP_DATA || !ds || btf_kind(ds) != BTF_KIND_DATASEC)
			continue;
		v = btf_type_data(ds);
		for (uint32_t j = 0; j < btf_vlen(ds); j++) {
			const struct btf_type *t = btf_type_by_id(btf, v[j].type);
			struct xdpl_error e = { 0 };
			struct obj_var var;
			const char *name;

			PROMISE(t != NULL);
			name = btf_str(btf, t->name_off);
			if (obj_var_find(obj, name, &var))
				continue;
			PROMISE(var.map < obj->nmaps);
			fz_str(var.name);
			if (!obj_var_set(obj, name, "1", &e))
				fz_range(obj->maps[var.map].data + var.offset, var.size);
		}
	}
}

/* Every relocation, including those of .text functions no program calls. */
static void fz_relocs(const struct obj *obj)
{
	for (uint32_t i = 0; i < obj->nrelocs; i++) {
		const struct obj_reloc *r = &obj->relocs[i];

		bool call;

		PROMISE(r->kind <= RELOC_EXTERN);
		PROMISE(r->kind != RELOC_EXTERN || r->target < obj->nexterns);
		fz_str(r->sym);
		/* Calls patch one instruction, ld_imm64 two. */
		fz_code(obj, r->sec, r->insn, 1);
		call = obj->secs[r->sec].data[(size_t)r->insn * BPF_INSN_SIZE] == BPF_OP_CALL;
		fz_code(obj, r->sec, r->insn, call ? 1 : 2);
		if (i)
			PROMISE(r[-1].sec < r->sec ||
				(r[-1].sec == r->sec && r[-1].insn <= r->insn));

		switch (r->kind) {
		case RELOC_MAP:
			PROMISE(r->target < obj->nmaps);
			fz_str(obj->maps[r->target].name);
			break;
		case RELOC_DATA:
			PROMISE(r->target < obj->nmaps);
			PROMISE(obj->maps[r->target].origin == MAP_DATA);
			PROMISE(r->offset < obj->maps[r->target].value_size);
			fz_sink += obj->maps[r->target].data[r->offset];
			break;
		case RELOC_CALL:
		case RELOC_FUNC:
			/* xdpload.h: a section index; reloc.c finds the function itself. */
			PROMISE(elf_section_is_code(obj, r->target));
			break;
		default:
			break;
		}
	}
}

static void fz_funcs(const struct obj *obj)
{
	for (uint32_t i = 0; i < obj->nfuncs; i++) {
		const struct obj_func *f = &obj->funcs[i];

		fz_str(f->name);
		PROMISE(f->insn_cnt > 0);
		fz_code(obj, f->sec, f->first_insn, f->insn_cnt);
	}
}

/*
 * What core_prog.c does with a program's CO-RE records, with the object's
 * own types standing in for the kernel's: every record lands inside the
 * image, resolves or fails with a message, and patches within it.
 */
static void fz_core(const struct obj *obj, struct prog_image *img)
{
	struct xdpl_error e = { 0 };
	struct core_target t;

	if (!img->core_relo_cnt)
		return;
	PROMISE(obj->btf != NULL);
	if (core_target_index(&t, obj->btf, "self", &e))
		return;
	for (uint32_t i = 0; i < img->core_relo_cnt; i++) {
		const struct core_relo *r = &img->core_relos[i];
		struct core_decision d;
		char text[512];

		PROMISE(r->insn_off % BPF_INSN_SIZE == 0 && r->insn_off / BPF_INSN_SIZE < img->insn_cnt);
		core_relo_describe(obj->btf, r, text, sizeof(text));
		fz_str(text);
		if (core_relo_resolve(obj->btf, r, &t, 1, "fuzz", &d, &e)) {
			fz_str(e.msg);
			continue;
		}
		fz_str(d.spec);
		fz_str(d.reason);
		core_decision_text(obj->btf, r, &d, text, sizeof(text));
		fz_str(text);
		if (core_insn_patch(img->insns, img->insn_cnt, r->insn_off / BPF_INSN_SIZE, &d, "fuzz", &e))
			fz_str(e.msg);
	}
	core_target_free(&t);
}

/* What load.c does with a program, short of the syscall. */
static void fz_image(const struct obj *obj, const struct obj_prog *p, const int *map_fds,
		     const struct externs_loaded *ext)
{
	struct prog_image img;
	struct xdpl_error e = { 0 };

	if (reloc_prog_build(obj, p, map_fds, ext, &img, &e)) {
		fz_str(e.msg);
		return;
	}
	PROMISE(img.insn_cnt >= p->insn_cnt);
	fz_range(img.insns, (uint64_t)img.insn_cnt * BPF_INSN_SIZE);
	fz_core(obj, &img);
	fz_range(img.func_info, (uint64_t)img.func_info_cnt * img.func_info_rec_size);
	fz_range(img.line_info, (uint64_t)img.line_info_cnt * img.line_info_rec_size);
	reloc_prog_free(&img);
}

/*
 * What load_externs would find: every other extern present, so that both a
 * resolved and a poisoned patch run; no module BTF fds.
 */
static struct externs_loaded *fz_externs(const struct obj *obj)
{
	struct externs_loaded *ext = calloc(1, sizeof(*ext));

	if (!ext || !(ext->values = calloc(obj->nexterns + 1, sizeof(*ext->values)))) {
		free(ext);
		return NULL;
	}
	for (uint32_t i = 0; i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];

		fz_str(x->name);
		PROMISE(x->kind <= EXTERN_KFUNC && x->btf_id && x->btf_id <= obj->btf->nr_types);
		if (x->kind == EXTERN_KCONFIG)
			for (uint32_t m = 0; m < obj->nmaps; m++)
				if (obj->maps[m].kconfig)
					PROMISE(x->offset + x->size <= obj->maps[m].value_size);
		ext->values[i] = (struct extern_value){ i % 2 == 0, 0xffffffff81000000ULL + i,
							1000 + i, 0, 0 };
	}
	return ext;
}

static void fz_progs(const struct obj *obj)
{
	int *map_fds = malloc((obj->nmaps + 1) * sizeof(*map_fds));
	struct externs_loaded *ext = fz_externs(obj);

	if (!map_fds || !ext) {
		free(map_fds);
		if (ext)
			free(ext->values);
		free(ext);
		return;
	}
	for (uint32_t i = 0; i < obj->nmaps; i++)
		map_fds[i] = 100 + (int)i;

	for (uint32_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i], *found;
		const struct obj_reloc *first;
		uint32_t n;

		fz_str(p->name);
		fz_str(p->section);
		fz_str(obj_prog_type_name(p));
		PROMISE(p->insn_cnt > 0);
		fz_code(obj, p->sec, p->first_insn, p->insn_cnt);
		PROMISE(obj_func_at(obj, p->sec, p->first_insn) != NULL);

		/* Callers step from first with r++, trusting the run is contiguous. */
		n = obj_relocs_in(obj, p->sec, p->first_insn, p->insn_cnt, &first);
		PROMISE(n == 0 || first != NULL);
		for (uint32_t k = 0; k < n; k++)
			PROMISE(first[k].sec == p->sec && first[k].insn >= p->first_insn &&
				first[k].insn - p->first_insn < p->insn_cnt);

		/* By name: a program of that name (the first one). */
		found = obj_prog_find(obj, p->name);
		PROMISE(found != NULL && !strcmp(found->name, p->name));
		/* By section: one with that name or section, or none when ambiguous. */
		found = obj_prog_find(obj, p->section);
		if (found)
			PROMISE(!strcmp(found->name, p->section) ||
				!strcmp(found->section, p->section));

		fz_image(obj, p, map_fds, ext);
	}
	free(map_fds);
	free(ext->values);
	free(ext);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdpl_error e = { 0 };
	struct obj obj = { 0 };
	int err;

	/* Our own allocation of exactly size bytes: its end is the file's end. */
	obj.buf = malloc(size ? size : 1);
	if (!obj.buf)
		return 0;
	memcpy(obj.buf, data, size);
	obj.size = size;

	err = obj_parse(&obj, &e);
	if (err) {
		/* Every failure explains itself. */
		PROMISE(err < 0 && e.msg[0] != '\0');
		fz_str(e.msg);
	} else {
		fz_sections(&obj);
		fz_btf(&obj);
		fz_maps(&obj);
		fz_funcs(&obj);
		fz_relocs(&obj);
		fz_progs(&obj);
		fz_vars(&obj);
	}
	/* obj_free() also frees obj.buf, after a failure as after a success. */
	obj_free(&obj);
	return 0;
}
