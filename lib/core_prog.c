// SPDX-License-Identifier: MIT
/*
 * core_prog.c - CO-RE for one load: who relocates, and doing it.
 *
 * Kernels since 5.17 apply CO-RE relocations themselves when BPF_PROG_LOAD
 * carries the records and the program's BTF, against the BTF they already
 * hold (vmlinux and modules).  That spares us reading 5 MB of vmlinux BTF, so
 * it is the first choice, and whether the kernel can do it is asked of the
 * kernel, not of its version: a probe program with one relocation.  We
 * relocate here (core.c) instead when the kernel cannot, when --btf FILE
 * gives the target types, or when the object's BTF did not reach the kernel
 * as it is (the kernel refused it, or took a rewritten copy).
 *
 *   core_prepare      once per load: decide, say why (-v)
 *   core_prog_apply   per program image (reloc.c built it): records to the
 *                     kernel, or every instruction patched here
 *   core_log_annotate a refused program's verifier log: name the relocation
 *                     behind each poisoned instruction the verifier reached
 *
 * Like the rest of the library it never prints; -v hears through xdpl_log.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/core.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define MODULES_BTF "/sys/kernel/btf"

struct core_state {
	bool kernel;         /* the kernel applies the records */
	char why[256];       /* why this path, for -v */
	const char *btf_path; /* --btf, or NULL */
	bool read;           /* targets[0] is there */
	bool modules_read;
	struct btf_file vmlinux; /* vmlinux, or the --btf file */
	struct btf_file *modules;  /* modules[i] is targets[i + 1] */
	struct core_target *targets; /* [0]: vmlinux or the file; then one per module */
	uint32_t ntargets;
};

void core_state_free(struct core_state *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->ntargets; i++)
		core_target_free(&s->targets[i]);
	for (uint32_t i = 0; s->modules && i + 1 < s->ntargets; i++)
		btf_target_close(&s->modules[i]);
	free(s->modules);
	free(s->targets);
	btf_target_close(&s->vmlinux);
	free(s);
}

static uint32_t obj_core_records(const struct obj *obj)
{
	uint32_t n = 0;

	for (uint32_t i = 0; obj->btf && i < obj->btf->core_relo.nsecs; i++)
		n += obj->btf->core_relo.secs[i].count;
	return n;
}

/* ---- does the kernel relocate? ---- */

/*
 * A program "r0 = 1; exit" whose constant is a TYPE_EXISTS relocation of
 * int: a kernel that takes it knows the records and has BTF of its own.
 * One that predates them refuses the attr's unknown tail with E2BIG.
 */
static int kernel_probe(void)
{
	static const char strs[] = "\0int\0p\0" "0";
	enum { S_INT = 1, S_P = 5, S_ZERO = 7 };
	uint32_t types[] = {
		S_INT, BTF_KIND_INT << 24, 4, 0x01000020, /* [1] int: signed, 32 bits */
		0, BTF_KIND_FUNC_PROTO << 24, 1,          /* [2] int (void) */
		S_P, BTF_KIND_FUNC << 24, 2,              /* [3] p */
	};
	struct btf_header h = { BTF_MAGIC, 1, 0, sizeof(h), 0, sizeof(types), sizeof(types),
				sizeof(strs) };
	uint8_t blob[sizeof(h) + sizeof(types) + sizeof(strs)];
	struct bpf_insn insns[2] = { { 0xb7, 0, 0, 0, 1 }, { 0x95, 0, 0, 0, 0 } };
	uint32_t func_info[2] = { 0, 3 };
	struct core_relo relo = { 0, 1, S_ZERO, CORE_TYPE_EXISTS };
	struct bpf_btf_load_attr battr;
	struct bpf_prog_load_attr attr;
	int btf_fd, fd;

	memcpy(blob, &h, sizeof(h));
	memcpy(blob + sizeof(h), types, sizeof(types));
	memcpy(blob + sizeof(h) + sizeof(types), strs, sizeof(strs));
	memset(&battr, 0, sizeof(battr));
	battr.btf = bpf_ptr(blob);
	battr.btf_size = sizeof(blob);
	btf_fd = bpf_btf_load(&battr);
	if (btf_fd < 0)
		return btf_fd;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = 1; /* socket filter: the plainest type there is */
	attr.insn_cnt = 2;
	attr.insns = bpf_ptr(insns);
	attr.license = bpf_ptr("GPL");
	attr.prog_btf_fd = (uint32_t)btf_fd;
	attr.func_info_rec_size = sizeof(func_info);
	attr.func_info = bpf_ptr(func_info);
	attr.func_info_cnt = 1;
	attr.core_relo_cnt = 1;
	attr.core_relos = bpf_ptr(&relo);
	attr.core_relo_rec_size = sizeof(relo);
	fd = bpf_prog_load(&attr);
	close(btf_fd);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int core_prepare(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
		 struct xdpl_error *e)
{
	struct core_state *s;
	uint32_t n = obj_core_records(obj);
	int err;

	if (fds->core || !n)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, -ENOMEM, "core: out of memory");
	fds->core = s;
	s->btf_path = opts ? opts->target_btf : NULL;
	if (s->btf_path)
		snprintf(s->why, sizeof(s->why), "--btf %s gives the target types", s->btf_path);
	else if (fds->btf_fd < 0)
		snprintf(s->why, sizeof(s->why), "the kernel did not take the object's BTF, which it needs to relocate");
	else if (fds->btf_missing)
		snprintf(s->why, sizeof(s->why), "the kernel took the object's BTF only rewritten (kinds it lacks), which its relocations would not match");
	else if (access(VMLINUX_BTF, F_OK) < 0)
		snprintf(s->why, sizeof(s->why), "there is no %s: the kernel has no BTF of its own to relocate against",
			 VMLINUX_BTF);
	else if ((err = kernel_probe()) < 0)
		snprintf(s->why, sizeof(s->why), "the kernel refused a program with one CO-RE relocation (%s%s)",
			 xdpl_errno_name(err),
			 err == -E2BIG ? ": it predates in-kernel CO-RE, which came with 5.17" : "");
	else
		s->kernel = true;
	xdpl_log("core: %u CO-RE relocations: %s, %s", n,
		 s->kernel ? "the kernel applies them (it accepted a probe program with one)"
			   : "xdpload applies them",
		 s->kernel ? "so vmlinux BTF is not read here" : s->why);
	return 0;
}

/* ---- the targets, read once when we relocate ---- */

static int targets_grow(struct core_state *s, struct xdpl_error *e)
{
	struct core_target *grown = realloc(s->targets, (s->ntargets + 1) * sizeof(*grown));

	if (!grown)
		return err_set(e, -ENOMEM, "core: out of memory");
	s->targets = grown;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/* `who` names what needs them, for the message: "program p", "the object". */
static int targets_read(struct core_state *s, const char *who, uint32_t nrelos, struct xdpl_error *e)
{
	const char *path = s->btf_path ? s->btf_path : VMLINUX_BTF;
	int err;

	if (s->read)
		return 0;
	if (!s->btf_path && access(VMLINUX_BTF, F_OK) < 0) {
		e->environment = true;
		return err_set(e, -ENOENT,
			       "core: %s has %u CO-RE relocations and no types to relocate them against: this kernel has no %s (CONFIG_DEBUG_INFO_BTF); give --btf FILE, its BTF from BTFHub or from `bpftool gen min_core_btf`",
			       who, nrelos, VMLINUX_BTF);
	}
	err = btf_target_read(path, NULL, &s->vmlinux, e);
	if (!err)
		err = targets_grow(s, e);
	if (!err)
		err = core_target_index(&s->targets[0], s->vmlinux.btf,
					s->btf_path ? base_name(s->btf_path) : "vmlinux", e);
	if (err)
		return err;
	s->ntargets = 1;
	s->read = true;
	xdpl_log("core: target types from %s: %u types", path, s->vmlinux.btf->nr_types);
	return 0;
}

/* Module types: only when vmlinux has no candidate, as the kernel looks too. */
static void modules_read(struct core_state *s)
{
	struct xdpl_error e = { 0 };
	struct dirent *d;
	DIR *dir;

	if (s->modules_read || s->btf_path)
		return;
	s->modules_read = true;
	dir = opendir(MODULES_BTF);
	while (dir && (d = readdir(dir))) {
		char path[512];
		struct btf_file *grown, file;

		if (d->d_name[0] == '.' || !strcmp(d->d_name, "vmlinux"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", MODULES_BTF, d->d_name);
		if (btf_target_read(path, s->vmlinux.btf, &file, &e)) {
			xdpl_log("core: module BTF %s left out: %s", path, e.msg);
			continue;
		}
		grown = realloc(s->modules, s->ntargets * sizeof(*grown));
		if (!grown || targets_grow(s, &e) ||
		    core_target_index(&s->targets[s->ntargets], file.btf, d->d_name, &e)) {
			if (grown)
				s->modules = grown;
			btf_target_close(&file);
			break;
		}
		s->modules = grown;
		s->modules[s->ntargets - 1] = file;
		s->ntargets++;
	}
	if (dir)
		closedir(dir);
	if (s->ntargets > 1)
		xdpl_log("core: the split BTF of %u module%s read", s->ntargets - 1, s->ntargets == 2 ? "" : "s");
}

/* ---- one program ---- */

int core_prog_apply(const struct obj *obj, const struct obj_prog *prog, const struct obj_fds *fds,
		    struct prog_image *img, struct xdpl_error *e)
{
	struct core_state *s = fds->core;
	int err;

	if (!img->core_relo_cnt)
		return 0;
	if (!s)
		return err_set(e, -EINVAL, "core: program %s has CO-RE relocations, but this load did not prepare for them (core_prepare)",
			       prog->name);
	img->core_notes = calloc(img->core_relo_cnt, sizeof(*img->core_notes));
	if (!img->core_notes)
		return err_set(e, -ENOMEM, "core: out of memory");
	if (s->kernel && (!img->func_info_cnt || fds->btf_fd < 0)) {
		xdpl_log("core: program %s: relocated by xdpload: it goes without func_info, and the kernel relocates only programs with BTF",
			 prog->name);
	} else if (s->kernel) {
		img->core_in_kernel = true;
		for (uint32_t i = 0; i < img->core_relo_cnt; i++) {
			struct core_note *note = &img->core_notes[i];
			const struct core_relo *r = &img->core_relos[i];
			char spec[192];

			core_relo_describe(obj->btf, r, spec, sizeof(spec));
			note->insn = r->insn_off / BPF_INSN_SIZE;
			snprintf(note->text, sizeof(note->text), "%s of %s (\"%.64s\")",
				 core_kind_name(r->kind), spec, btf_str(obj->btf, r->access_str_off));
			xdpl_log("core: program %s: relocation #%u at instruction %u: %s: left to the kernel",
				 prog->name, i, note->insn, note->text);
		}
		return 0;
	}

	{
		char who[96];

		snprintf(who, sizeof(who), "program %s", prog->name);
		err = targets_read(s, who, img->core_relo_cnt, e);
	}
	for (uint32_t i = 0; !err && i < img->core_relo_cnt; i++) {
		struct core_note *note = &img->core_notes[i];
		const struct core_relo *r = &img->core_relos[i];
		struct core_decision d;
		char where[128];

		note->insn = r->insn_off / BPF_INSN_SIZE;
		snprintf(where, sizeof(where), "core: program %s: relocation #%u at instruction %u",
			 prog->name, i, note->insn);
		err = core_relo_resolve(obj->btf, r, s->targets, 1, where, &d, e);
		if (!err && !d.candidates && !s->btf_path && r->kind != CORE_TYPE_ID_LOCAL) {
			modules_read(s);
			if (s->ntargets > 1)
				err = core_relo_resolve(obj->btf, r, s->targets + 1, s->ntargets - 1,
							where, &d, e);
		}
		if (!err)
			err = core_insn_patch(img->insns, img->insn_cnt, note->insn, &d, where, e);
		if (err)
			break;
		note->poisoned = d.poison;
		core_decision_text(obj->btf, r, &d, note->text, sizeof(note->text));
		xdpl_log("core: program %s: relocation #%u at instruction %u: %s", prog->name, i,
			 note->insn, note->text);
	}
	return err;
}

/* ---- the verifier log ---- */

static const struct core_note *note_at(const struct prog_image *img, uint32_t insn, uint32_t *index)
{
	for (uint32_t i = 0; img->core_notes && i < img->core_relo_cnt; i++)
		if (img->core_notes[i].insn == insn) {
			*index = i;
			return &img->core_notes[i];
		}
	return NULL;
}

/*
 * After each instruction line the verifier printed for a poisoned call
 * ("12: (85) call unknown#195896080"), a line naming the relocation; and
 * the last such one in the summary the CLI prints after the log.
 */
void core_log_annotate(const struct prog_image *img, struct xdpl_error *e)
{
	char *out, *line;
	size_t cap, used = 0, lines = 1;
	const struct core_note *last = NULL;
	uint32_t last_index = 0, last_insn = 0;

	if (!e->log || !img->core_notes)
		return;
	for (const char *c = e->log; *c; c++)
		lines += *c == '\n';
	cap = strlen(e->log) + lines * (sizeof(img->core_notes[0].text) + 64) + 1;
	out = malloc(cap);
	if (!out)
		return;
	for (line = e->log; *line;) {
		char *end = strchr(line, '\n') ? strchr(line, '\n') : line + strlen(line);
		char *after;
		long insn = strtol(line, &after, 10);
		const struct core_note *note;
		uint32_t index;
		int n;

		memcpy(out + used, line, (size_t)(end - line));
		used += (size_t)(end - line);
		out[used++] = '\n';
		if (after != line && !strncmp(after, ": (85) call unknown#195896080", 29) && insn >= 0 &&
		    (note = note_at(img, (uint32_t)insn, &index))) {
			n = snprintf(out + used, cap - used,
				     "; instruction %ld is CO-RE relocation #%u, %s%s\n", insn, index,
				     note->text, img->core_in_kernel ? " (which the kernel could not resolve)" : "");
			used += n > 0 && (size_t)n < cap - used ? (size_t)n : 0;
			last = note;
			last_index = index;
			last_insn = (uint32_t)insn;
		}
		line = *end ? end + 1 : end;
	}
	out[used] = '\0';
	free(e->log);
	e->log = out;
	if (last)
		snprintf(e->where, sizeof(e->where),
			 "the verifier reached instruction %u, which CO-RE relocation #%u poisoned: %.400s",
			 last_insn, last_index, last->text);
}

/* ---- inspect --core ---- */

int core_obj_explain(const struct obj *obj, const char *target_btf,
		     void (*each)(const struct core_explained *x, void *ctx), void *ctx,
		     char *target_name, size_t name_len, struct xdpl_error *e)
{
	const struct btf *btf = obj->btf;
	struct core_state s = { 0 };
	int err;

	snprintf(target_name, name_len, "%s", target_btf ? target_btf : VMLINUX_BTF);
	if (!obj_core_records(obj))
		return 0;
	s.btf_path = target_btf;
	err = targets_read(&s, "the object", obj_core_records(obj), e);
	if (err)
		goto out;
	for (uint32_t i = 0; i < btf->core_relo.nsecs; i++) {
		const struct btf_ext_section *sec = &btf->core_relo.secs[i];
		int sec_index = elf_section_find(obj, sec->name);

		for (uint32_t k = 0; k < sec->count; k++) {
			struct core_relo r;
			struct core_decision d;
			struct core_explained x = { sec->name, NULL, 0, k, &r, &d, 0, NULL };
			const struct obj_func *f;
			struct xdpl_error one = { 0 };
			char where[96];

			memcpy(&r, sec->records + (size_t)k * btf->core_relo.rec_size, sizeof(r));
			x.insn = r.insn_off / BPF_INSN_SIZE;
			f = sec_index >= 0 ? obj_func_at(obj, (uint32_t)sec_index, x.insn) : NULL;
			if (f) {
				x.func = f->name;
				x.insn -= f->first_insn;
			}
			snprintf(where, sizeof(where), "relocation #%u", k);
			x.err = core_relo_resolve(btf, &r, s.targets, s.ntargets, where, &d, &one);
			if (!x.err && !d.candidates && !target_btf && r.kind != CORE_TYPE_ID_LOCAL) {
				modules_read(&s);
				if (s.ntargets > 1)
					x.err = core_relo_resolve(btf, &r, s.targets + 1, s.ntargets - 1,
								  where, &d, &one);
			}
			/* A load or store whose field changed size is poisoned when patched: patch a copy. */
			if (!x.err && f && sec_index >= 0 && !d.poison && d.memsz_bad) {
				struct bpf_insn copy[2];
				const uint8_t *code = obj->secs[sec_index].data;

				memcpy(copy, code + (size_t)(r.insn_off / BPF_INSN_SIZE) * BPF_INSN_SIZE,
				       BPF_INSN_SIZE);
				x.err = core_insn_patch(copy, 1, 0, &d, where, &one);
			}
			x.msg = one.msg;
			each(&x, ctx);
		}
	}
out:
	for (uint32_t i = 0; i < s.ntargets; i++)
		core_target_free(&s.targets[i]);
	for (uint32_t i = 0; s.modules && i + 1 < s.ntargets; i++)
		btf_target_close(&s.modules[i]);
	free(s.modules);
	free(s.targets);
	btf_target_close(&s.vmlinux);
	return err;
}
