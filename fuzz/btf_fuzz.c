// SPDX-License-Identifier: MIT
/*
 * btf_fuzz.c - libFuzzer target for btf.c and btf_compat.c alone: raw .BTF
 * and .BTF.ext blobs, with no ELF around them, so that every mutation lands
 * in BTF instead of in an ELF header that elf.c refuses first.
 *
 *   input:  u32 n (little-endian) | n bytes of .BTF | the rest: .BTF.ext
 *           (n is clamped to what follows; an empty rest means no .BTF.ext)
 *
 * Each blob is parsed from a malloc'd copy of exactly its size, so ASan sees
 * the blob's end.  When the parse succeeds, every type is described, sized
 * and resolved as show.c, maps.c and load.c do, every .BTF.ext record is
 * read, and the BTF is rewritten for each older kernel load.c may meet; the
 * rewritten BTF must pass btf_parse() itself, or load.c would hand the kernel
 * BTF that we would have refused.  The CO-RE records are resolved against
 * the blob (core.c), and the blob is parsed again as split BTF on top of
 * itself, as a module's continues vmlinux's.  The same .BTF is also read as
 * the kernel's BTF is for ksyms and kfuncs (ksym.c): as vmlinux, and again as
 * a module's split BTF on top of itself; every id of each must resolve, and
 * every name be found.  Nothing here makes a syscall.
 *
 *   make fuzz
 *   fuzz/btf_fuzz -dict=fuzz/elf.dict fuzz/corpus-btf-run fuzz/corpus-btf
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/btf.h"
#include "lib/core.h"
#include "lib/externs.h"

/* Make UBSan reports fatal, so libFuzzer keeps the input (see elf_fuzz.c). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

#define PROMISE(cond)                                                                   \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "btf_fuzz: %s:%d: broken promise: %s\n",       \
				__FILE__, __LINE__, #cond);                             \
			abort();                                                        \
		}                                                                       \
	} while (0)

static volatile uint64_t fz_sink;

static void fz_str(const char *s)
{
	PROMISE(s != NULL);
	fz_sink += strlen(s);
}

static void fz_range(const uint8_t *p, uint64_t len)
{
	if (!len)
		return;
	PROMISE(p != NULL);
	fz_sink += p[0] + p[len - 1];
}

/* A copy of exactly len bytes, so that reading past it is an ASan report. */
static uint8_t *fz_copy(const uint8_t *data, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (p)
		memcpy(p, data, len);
	return p;
}

/* The probes load.c sends take no input: check them once, they must parse. */
static void fz_probes(void)
{
	static int done;
	struct xdpl_error e = { 0 };

	if (done++)
		return;
	for (unsigned int f = 1; f & BTF_FEAT_ALL; f <<= 1) {
		struct btf *probe;
		uint8_t *blob;
		uint32_t size;

		if (btf_feature_blob(f, &blob, &size))
			continue;
		PROMISE(btf_parse(&probe, blob, size, &e) == 0);
		btf_free(probe);
		free(blob);
	}
}

static void fz_types(const struct btf *btf)
{
	char what[128];

	/* One past each end: ids 0 and nr_types + 1 must be handled too. */
	for (uint32_t id = 0; id <= btf->nr_types + 1; id++) {
		const struct btf_type *t = btf_type_by_id(btf, id);
		uint64_t size;
		int found;

		btf_type_describe(btf, id, what, sizeof(what));
		fz_str(what);
		if (!btf_type_size(btf, id, &size))
			fz_sink += size;
		fz_sink += btf_skip_modifiers(btf, id);
		if (!t) {
			PROMISE(id == 0 || id == btf->nr_types + 1);
			continue;
		}
		fz_str(btf_kind_name(btf_kind(t)));
		fz_str(btf_str(btf, t->name_off));
		/* By name and kind: this type or an earlier one of the same name. */
		found = btf_find(btf, btf_kind(t), btf_str(btf, t->name_off));
		PROMISE(found >= 1 && (uint32_t)found <= id);
	}
}

/* Every record of one .BTF.ext block, as reloc.c and load.c read them. */
static void fz_ext_info(const struct btf *btf, const struct btf_ext_info *info)
{
	for (uint32_t s = 0; s < info->nsecs; s++) {
		const struct btf_ext_section *sec = &info->secs[s];

		fz_str(sec->name);
		PROMISE(sec->count > 0 && info->rec_size >= 8);
		fz_range(sec->records, (uint64_t)sec->count * info->rec_size);
		if (info == &btf->line_info)
			for (uint32_t r = 0; r < sec->count; r++) {
				const struct btf_line_info *l =
					(const void *)(sec->records + (size_t)r * info->rec_size);

				fz_str(btf_str(btf, l->file_name_off));
				fz_str(btf_str(btf, l->line_off));
			}
	}
}

/*
 * CO-RE (core.c) on the blob's own records, against a target: every record
 * resolves or fails with a message, and its decision can be spelled out.
 */
static void fz_core(const struct btf *btf, const struct btf *target)
{
	const struct btf_ext_info *info = &btf->core_relo;
	struct xdpl_error e = { 0 };
	struct core_target t;

	if (!info->nsecs || core_target_index(&t, target, "target", &e))
		return;
	for (uint32_t s = 0; s < info->nsecs; s++)
		for (uint32_t i = 0; i < info->secs[s].count; i++) {
			struct core_relo r;
			struct core_decision d;
			char text[512];

			memcpy(&r, info->secs[s].records + (size_t)i * info->rec_size, sizeof(r));
			if (core_relo_resolve(btf, &r, &t, 1, "fuzz", &d, &e)) {
				fz_str(e.msg);
				continue;
			}
			PROMISE(!d.target || d.target_id <= target->nr_types);
			core_decision_text(btf, &r, &d, text, sizeof(text));
			fz_str(text);
		}
	core_target_free(&t);
}

/*
 * The same bytes as split BTF on top of what they parsed to, as a module's
 * BTF continues vmlinux's: ids and strings continue the base's.
 */
static void fz_split(const struct btf *base, const uint8_t *raw, uint32_t n)
{
	struct xdpl_error e = { 0 };
	struct btf *split;

	if (btf_parse_split(&split, base, raw, n, &e)) {
		fz_str(e.msg);
		return;
	}
	PROMISE(split->nr_types >= base->nr_types && split->start_id == base->nr_types + 1);
	fz_types(split);
	fz_core(base, split);
	btf_free(split);
}

/* Rewritten for each older kernel: still BTF we would accept. */
static void fz_sanitized(const struct btf *btf)
{
	unsigned int used = btf_features_used(btf);

	PROMISE((used & ~BTF_FEAT_ALL) == 0);
	for (unsigned int f = 1; f & BTF_FEAT_ALL; f <<= 1) {
		unsigned int missing = btf_features_newer(f) & used;
		struct xdpl_error e = { 0 };
		struct btf *again;
		uint8_t *blob;
		uint32_t size;

		if (!missing || btf_sanitized(btf, missing, &blob, &size))
			continue;
		if (btf_parse(&again, blob, size, &e)) {
			fprintf(stderr, "btf_fuzz: rewritten for mask 0x%x: %s\n", missing, e.msg);
			PROMISE(!"the rewritten BTF parses");
		}
		PROMISE(again->nr_types >= btf->nr_types);
		PROMISE((btf_features_used(again) & missing) == 0);
		btf_free(again);
		free(blob);
	}
}

/* One kernel BTF as ksym.c indexes it: each own id resolves, each name is found. */
static void fz_kernel_one(const struct kernel_btf *kb, const struct btf *local)
{
	for (uint32_t i = 0; i < kb->nr_types; i++) {
		uint32_t id = kb->first_id + i;
		const struct btf_type *t = kernel_btf_type(kb, id);
		const char *name;
		int found;

		PROMISE(t != NULL);
		name = kernel_btf_str(kb, t->name_off);
		fz_str(name);
		fz_sink += ksym_essential_len(name);
		if (name[0]) {
			found = kernel_btf_find(kb, btf_kind(t), name, strlen(name));
			PROMISE(found >= (int)kb->first_id && (uint32_t)found <= id);
		}
		if (local)
			fz_sink += ksym_types_compat(local, i + 1, kb, id);
	}
	PROMISE(kernel_btf_type(kb, 0) == NULL);
	PROMISE(kernel_btf_type(kb, kb->first_id + kb->nr_types) == NULL);
}

static void fz_kernel(const uint8_t *raw, uint32_t n, const struct btf *local)
{
	struct kernel_btf vmlinux = { .name = "vmlinux", .fd = -1 }, mod = { .name = "mod", .fd = -1 };
	struct xdpl_error e = { 0 };

	vmlinux.data = fz_copy(raw, n);
	vmlinux.size = n;
	if (!vmlinux.data)
		return;
	if (kernel_btf_parse(&vmlinux, NULL, &e)) {
		PROMISE(e.msg[0]);
		goto out;
	}
	fz_kernel_one(&vmlinux, local);
	mod.data = fz_copy(raw, n);
	mod.size = n;
	if (mod.data && !kernel_btf_parse(&mod, &vmlinux, &e)) {
		PROMISE(mod.first_id == vmlinux.first_id + vmlinux.nr_types);
		fz_kernel_one(&mod, NULL);
	}
out:
	kernel_btf_free(&mod);
	kernel_btf_free(&vmlinux);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdpl_error e = { 0 };
	struct btf *btf = NULL;
	uint8_t *raw, *ext = NULL;
	uint32_t n;

	fz_probes();
	if (size < 4)
		return 0;
	memcpy(&n, data, 4);
	data += 4;
	size -= 4;
	if (n > size)
		n = (uint32_t)size;
	raw = fz_copy(data, n);
	if (!raw)
		return 0;
	if (btf_parse(&btf, raw, n, &e)) {
		PROMISE(btf == NULL && e.msg[0]);
		fz_str(e.msg);
		fz_kernel(raw, n, NULL);
		goto out;
	}
	fz_kernel(raw, n, btf);
	/* btf_parse keeps its own copy. */
	PROMISE(btf != NULL && btf->data != raw);
	if (size > n) {
		ext = fz_copy(data + n, size - n);
		if (ext && btf_ext_parse(btf, ext, size - n, &e)) {
			fz_str(e.msg);
			goto out; /* object.c frees the BTF after this, as here */
		}
	}
	fz_types(btf);
	fz_ext_info(btf, &btf->func_info);
	fz_ext_info(btf, &btf->line_info);
	fz_ext_info(btf, &btf->core_relo);
	fz_sanitized(btf);
	fz_core(btf, btf);
	fz_split(btf, raw, n);
out:
	btf_free(btf);
	free(ext);
	free(raw);
	return 0;
}
