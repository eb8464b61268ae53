// SPDX-License-Identifier: MIT
/*
 * reloc.c - builds the instructions the kernel receives for one program: the
 * program's own code, then every function it calls (transitively) appended
 * once, with calls, map references and global variable references patched,
 * and the BTF func_info, line_info and CO-RE records moved to where their
 * code went (core_prog.c then applies the CO-RE ones, or has the kernel do it).
 *
 *   section xdp:  [ prog ............ call f ... ]
 *   section .text:[ f ... call g ... ][ g ... ]
 *
 *   image:        [ prog ............ call f ... ][ f ... call g ... ][ g ... ]
 *                   piece 0                        piece 1             piece 2
 *
 * A call's immediate is relative to the next instruction, so each one is
 * recomputed from where its target landed.  Nothing here makes a syscall.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/core.h"
#include "lib/externs.h"
#include "lib/internal.h"

#define BPF_PSEUDO_FUNC 4 /* ld_imm64 src_reg: imm is a relative function address */

/* One run of instructions copied from a section into the image. */
struct piece {
	uint32_t sec, first_insn, insn_cnt;
	uint32_t start; /* where it begins in the image */
};

struct image_build {
	const struct obj *obj;
	const char *prog;
	struct prog_image *img;
	const struct externs_loaded *externs;
	struct piece *pieces;
	uint32_t npieces;
	uint32_t applied; /* ELF relocations, for -v */
};

/* Where a function lands in the image, appending it on first use. */
static int piece_for(struct image_build *b, uint32_t sec, uint32_t insn, uint32_t *image_insn,
		     struct xdpl_error *e)
{
	const struct obj_func *f = obj_func_at(b->obj, sec, insn);
	struct bpf_insn *grown_insns;
	struct piece *grown, *p;

	if (!f)
		return err_set(e, -ENOEXEC,
			       "load: program %s: a call or function address targets instruction %u of %s, which is in no function",
			       b->prog, insn, elf_section_name(b->obj, sec));
	for (uint32_t i = 0; i < b->npieces; i++) {
		p = &b->pieces[i];
		if (p->sec == sec && insn >= p->first_insn && insn - p->first_insn < p->insn_cnt) {
			*image_insn = p->start + (insn - p->first_insn);
			return 0;
		}
	}
	if (b->img->insn_cnt > UINT32_MAX / 2 - f->insn_cnt)
		return err_set(e, -E2BIG, "load: program %s is too large", b->prog);
	grown = realloc(b->pieces, (b->npieces + 1) * sizeof(*grown));
	if (!grown)
		return err_set(e, -ENOMEM, "load: out of memory linking %s", b->prog);
	b->pieces = grown;
	grown_insns = realloc(b->img->insns, (size_t)(b->img->insn_cnt + f->insn_cnt) * BPF_INSN_SIZE);
	if (!grown_insns)
		return err_set(e, -ENOMEM, "load: out of memory linking %s", b->prog);
	b->img->insns = grown_insns;
	p = &b->pieces[b->npieces++];
	*p = (struct piece){ f->sec, f->first_insn, f->insn_cnt, b->img->insn_cnt };
	memcpy(b->img->insns + p->start,
	       b->obj->secs[f->sec].data + (size_t)f->first_insn * BPF_INSN_SIZE,
	       (size_t)f->insn_cnt * BPF_INSN_SIZE);
	b->img->insn_cnt += f->insn_cnt;
	if (p->start)
		xdpl_log("load: program %s: function %s (%s) linked at instruction %u", b->prog,
			 f->name, elf_section_name(b->obj, f->sec), p->start);
	*image_insn = p->start + (insn - f->first_insn);
	return 0;
}

/* Point a call or function address at its target's place in the image. */
static int patch_call(struct image_build *b, uint32_t at, uint32_t sec, uint64_t target,
		      struct xdpl_error *e)
{
	uint32_t to;
	int err;

	if (target > UINT32_MAX)
		return err_set(e, -ENOEXEC, "load: program %s: instruction %u calls outside %s", b->prog,
			       at, elf_section_name(b->obj, sec));
	err = piece_for(b, sec, (uint32_t)target, &to, e);
	if (err)
		return err;
	/* piece_for may have moved the array. */
	b->img->insns[at].imm = (int32_t)((int64_t)to - (int64_t)at - 1);
	return 0;
}

static int patch_piece(struct image_build *b, uint32_t index, const int *map_fds, struct xdpl_error *e)
{
	struct piece p = b->pieces[index];
	const struct obj_reloc *r;
	uint32_t n = obj_relocs_in(b->obj, p.sec, p.first_insn, p.insn_cnt, &r);
	uint32_t next = 0;
	int err;

	for (uint32_t k = 0; k < p.insn_cnt; k++) {
		uint32_t at = p.start + k;
		struct bpf_insn *insn = &b->img->insns[at];
		bool has_reloc = next < n && r[next].insn == p.first_insn + k;

		if (!has_reloc) {
			/* Calls inside one section may come without a relocation. */
			if (insn->code == BPF_OP_CALL && insn->src_reg == BPF_PSEUDO_CALL) {
				err = patch_call(b, at, p.sec,
						 (uint64_t)((int64_t)p.first_insn + k + insn->imm + 1), e);
				if (err)
					return err;
			}
			continue;
		}
		const struct obj_reloc *rel = &r[next++];

		b->applied++;

		/* object.c checked this; the image write below depends on it. */
		if (rel->kind != RELOC_CALL && insn->code != BPF_OP_CALL && k + 1 >= p.insn_cnt)
			return err_set(e, -ENOEXEC, "load: program %s: ld_imm64 at instruction %u runs past the end of its function",
				       b->prog, at);
		switch (rel->kind) {
		case RELOC_MAP:
		case RELOC_DATA:
			insn->src_reg = rel->kind == RELOC_MAP ? BPF_PSEUDO_MAP_FD : BPF_PSEUDO_MAP_VALUE;
			insn->imm = map_fds[rel->target];
			insn[1].imm = rel->kind == RELOC_MAP ? 0 : (int32_t)rel->offset;
			if (rel->kind == RELOC_MAP)
				xdpl_log("load: program %s: instruction %u -> map %s (fd %d)", b->prog,
					 at, rel->sym, insn->imm);
			else
				xdpl_log("load: program %s: instruction %u -> variable %s, offset %d of %s (fd %d)",
					 b->prog, at, rel->sym, insn[1].imm,
					 b->obj->maps[rel->target].name, insn->imm);
			break;
		case RELOC_CALL:
			err = patch_call(b, at, rel->target, rel->offset, e);
			if (err)
				return err;
			break;
		case RELOC_FUNC:
			b->img->insns[at].src_reg = BPF_PSEUDO_FUNC;
			b->img->insns[at + 1].imm = 0;
			err = patch_call(b, at, rel->target, rel->offset, e);
			if (err)
				return err;
			break;
		default: /* RELOC_EXTERN */
			err = extern_insn_patch(b->obj, rel, insn, b->externs, b->prog, at, e);
			if (err)
				return err;
		}
	}
	return 0;
}

/*
 * Copy a piece's func_info or line_info records into the image's, with
 * instruction offsets (bytes in the file) turned into image instruction indexes.
 */
static int info_collect(const struct btf_ext_info *info, const struct piece *p, const char *secname,
			uint8_t **out, uint32_t *count, uint32_t *found)
{
	*found = 0;
	for (uint32_t s = 0; s < info->nsecs; s++) {
		const struct btf_ext_section *sec = &info->secs[s];

		if (strcmp(sec->name, secname))
			continue;
		for (uint32_t i = 0; i < sec->count; i++) {
			const uint8_t *rec = sec->records + (size_t)i * info->rec_size;
			uint32_t off = *(const uint32_t *)rec / BPF_INSN_SIZE;
			uint8_t *grown;

			if (off < p->first_insn || off - p->first_insn >= p->insn_cnt)
				continue;
			grown = realloc(*out, (size_t)(*count + 1) * info->rec_size);
			if (!grown)
				return -ENOMEM;
			*out = grown;
			memcpy(grown + (size_t)*count * info->rec_size, rec, info->rec_size);
			*(uint32_t *)(grown + (size_t)*count * info->rec_size) =
				p->start + (off - p->first_insn);
			(*count)++;
			(*found)++;
		}
	}
	return 0;
}

static uint32_t record_insn(const uint8_t *records, uint32_t rec_size, uint32_t i)
{
	return *(const uint32_t *)(records + (size_t)i * rec_size);
}

/*
 * The kernel's rules for one function's records: the first at the function's
 * first instruction, offsets strictly increasing; func_info has exactly one.
 */
static bool records_fit(const uint8_t *records, uint32_t rec_size, uint32_t from, uint32_t count,
			uint32_t start, bool exactly_one)
{
	if (count == 0 || (exactly_one && count != 1) || record_insn(records, rec_size, from) != start)
		return false;
	for (uint32_t i = from + 1; i < from + count; i++)
		if (record_insn(records, rec_size, i) <= record_insn(records, rec_size, i - 1))
			return false;
	return true;
}

/*
 * Gather func_info and line_info for every piece.  If the object's .BTF.ext
 * does not cover each function the way the kernel requires, the kernel would
 * refuse the program: load without them instead.
 */
static void info_build(struct image_build *b)
{
	const struct btf *btf = b->obj->btf;
	struct prog_image *img = b->img;
	bool func_ok = btf && btf->func_info.nsecs, line_ok = btf && btf->line_info.nsecs;

	for (uint32_t i = 0; i < b->npieces && (func_ok || line_ok); i++) {
		const struct piece *p = &b->pieces[i];
		const char *name = elf_section_name(b->obj, p->sec);
		uint32_t before, found;

		before = img->func_info_cnt;
		func_ok = func_ok &&
			  !info_collect(&btf->func_info, p, name, &img->func_info, &img->func_info_cnt,
					&found) &&
			  records_fit(img->func_info, btf->func_info.rec_size, before, found, p->start,
				      true);
		before = img->line_info_cnt;
		line_ok = line_ok &&
			  !info_collect(&btf->line_info, p, name, &img->line_info, &img->line_info_cnt,
					&found) &&
			  records_fit(img->line_info, btf->line_info.rec_size, before, found, p->start,
				      false);
	}
	if (func_ok) {
		img->func_info_rec_size = btf->func_info.rec_size;
	} else {
		free(img->func_info);
		img->func_info = NULL;
		img->func_info_cnt = 0;
	}
	/* Line info without func info is refused too. */
	if (line_ok && func_ok) {
		img->line_info_rec_size = btf->line_info.rec_size;
	} else {
		free(img->line_info);
		img->line_info = NULL;
		img->line_info_cnt = 0;
	}
	if (btf && btf->func_info.nsecs && !func_ok)
		xdpl_log("load: program %s: BTF func_info does not cover every function; loading without it",
			 b->prog);
	else if (btf && btf->line_info.nsecs && !line_ok)
		xdpl_log("load: program %s: BTF line_info does not start every function; loading without it",
			 b->prog);
}

/*
 * The CO-RE records of every piece, their instruction offsets moved from
 * the section to the image (still in bytes, as BPF_PROG_LOAD takes them).
 */
static int core_collect(struct image_build *b, struct xdpl_error *e)
{
	const struct btf *btf = b->obj->btf;
	const struct btf_ext_info *info = btf ? &btf->core_relo : NULL;
	struct prog_image *img = b->img;

	for (uint32_t i = 0; info && i < b->npieces; i++) {
		const struct piece *p = &b->pieces[i];
		const char *name = elf_section_name(b->obj, p->sec);

		for (uint32_t s = 0; s < info->nsecs; s++) {
			const struct btf_ext_section *sec = &info->secs[s];

			if (strcmp(sec->name, name))
				continue;
			for (uint32_t r = 0; r < sec->count; r++) {
				struct core_relo rec, *grown;

				memcpy(&rec, sec->records + (size_t)r * info->rec_size, sizeof(rec));
				if (rec.insn_off % BPF_INSN_SIZE)
					return err_set(e, -ENOEXEC, "load: program %s: CO-RE record %u of %s: offset %u is not at an instruction",
						       b->prog, r, name, rec.insn_off);
				rec.insn_off /= BPF_INSN_SIZE;
				if (rec.insn_off < p->first_insn || rec.insn_off - p->first_insn >= p->insn_cnt)
					continue;
				grown = realloc(img->core_relos, (img->core_relo_cnt + 1) * sizeof(*grown));
				if (!grown)
					return err_set(e, -ENOMEM, "load: out of memory linking %s", b->prog);
				img->core_relos = grown;
				rec.insn_off = (p->start + (rec.insn_off - p->first_insn)) * BPF_INSN_SIZE;
				img->core_relos[img->core_relo_cnt++] = rec;
			}
		}
	}
	return 0;
}

int reloc_prog_build(const struct obj *obj, const struct obj_prog *prog, const int *map_fds,
		     const struct externs_loaded *externs, struct prog_image *img,
		     struct xdpl_error *e)
{
	struct image_build b = { obj, prog->name, img, externs, NULL, 0, 0 };
	uint32_t start;
	int err;

	memset(img, 0, sizeof(*img));
	err = piece_for(&b, prog->sec, prog->first_insn, &start, e);
	/* Pieces are appended while we walk them. */
	for (uint32_t i = 0; !err && i < b.npieces; i++)
		err = patch_piece(&b, i, map_fds, e);
	if (!err)
		err = core_collect(&b, e);
	if (!err) {
		info_build(&b);
		xdpl_log("load: program %s: relocations applied: %u, functions linked: %u, instructions: %u%s",
			 prog->name, b.applied, b.npieces - 1, img->insn_cnt,
			 img->core_relo_cnt ? ", CO-RE relocations to come" : "");
	}
	free(b.pieces);
	if (err)
		reloc_prog_free(img);
	return err;
}

void reloc_prog_free(struct prog_image *img)
{
	free(img->insns);
	free(img->func_info);
	free(img->line_info);
	free(img->core_relos);
	free(img->core_notes);
	memset(img, 0, sizeof(*img));
}
