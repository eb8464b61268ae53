// SPDX-License-Identifier: MIT
/*
 * load.c - turns a described object into kernel objects, in order: its BTF
 * (btf_load.c), its maps (created, or reused from bpffs pins after a
 * compatibility check (pin.c), global data written and .rodata frozen),
 * then each program, relocated (reloc.c) and loaded quietly first; only a
 * refusal loads it again for the verifier's log (vlog.c).
 *
 * Every fd created here is owned by struct obj_fds (BTF, maps) or by the
 * caller's program slot, and closed by load_close() or the caller.
 * Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/core.h"
#include "lib/externs.h"
#include "lib/internal.h"

/* Kernel object names: at most 15 characters from [A-Za-z0-9_.]. */
static void kernel_name(char out[BPF_OBJ_NAME_LEN], const char *name)
{
	size_t i;

	memset(out, 0, BPF_OBJ_NAME_LEN);
	for (i = 0; name[i] && i < BPF_OBJ_NAME_LEN - 1; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.';

		out[i] = ok ? c : '_';
	}
}

/*
 * Kernels before 5.11 charge bpf memory to RLIMIT_MEMLOCK, whose default is a
 * few pages, and answer EPERM when it runs out.  Newer kernels ignore the
 * limit, so it is lifted only when the kernel's answer asks for it.  Returns
 * true when the limit changed and the call is worth retrying.
 */
bool load_memlock_lift(void)
{
	struct rlimit now, unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	if (getrlimit(RLIMIT_MEMLOCK, &now) == 0 && now.rlim_cur == RLIM_INFINITY)
		return false;
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited) < 0) {
		xdpl_log("load: EPERM, and RLIMIT_MEMLOCK cannot be lifted (%s)", xdpl_errno_name(errno));
		return false;
	}
	xdpl_log("load: EPERM: lifted RLIMIT_MEMLOCK for an older kernel, trying again");
	return true;
}

void load_init(struct obj_fds *fds)
{
	memset(fds, 0, sizeof(*fds));
	fds->btf_fd = -1;
}

/* ---- maps ---- */

static int map_create(const struct obj_map *m, const struct obj_fds *fds, struct xdpl_error *e)
{
	int btf_fd = fds->btf_fd;
	struct bpf_map_create_attr attr;
	int fd, inner;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = m->type;
	attr.key_size = m->key_size;
	attr.value_size = m->value_size;
	attr.max_entries = m->max_entries;
	attr.map_flags = m->flags;
	attr.numa_node = m->numa_node;
	attr.map_extra = m->map_extra;
	kernel_name(attr.map_name, m->name);
	/* A data map's value type is a DATASEC: only for kernels that know them. */
	if (m->origin == MAP_DATA && (fds->btf_missing & BTF_FEAT_DATASEC))
		btf_fd = -1;
	if (btf_fd >= 0 && (m->btf_key_id || m->btf_value_id)) {
		attr.btf_fd = (uint32_t)btf_fd;
		attr.btf_key_type_id = m->btf_key_id;
		attr.btf_value_type_id = m->btf_value_id;
	}
	inner = mapinit_inner_create(m, e);
	if (inner < -1)
		return inner;
	attr.inner_map_fd = inner >= 0 ? (uint32_t)inner : 0;
	/* Global data that the caller can map (xdpl_map_mmap), as libbpf makes it;
	 * a kernel before 5.5 refuses the flag with EINVAL, and gets the map without. */
	if (m->origin == MAP_DATA)
		attr.map_flags |= BPF_F_MMAPABLE;
	fd = bpf_map_create(&attr);
	if (fd == -EPERM && load_memlock_lift())
		fd = bpf_map_create(&attr);
	if (fd == -EINVAL && (attr.map_flags & ~m->flags & BPF_F_MMAPABLE)) {
		xdpl_log("load: map %s refused as BPF_F_MMAPABLE (EINVAL); creating it without", m->name);
		attr.map_flags = m->flags;
		fd = bpf_map_create(&attr);
	}
	if (fd < 0 && attr.btf_fd) {
		/* Some map types, and older kernels, refuse BTF for keys and values. */
		xdpl_log("load: map %s refused with BTF types (%s); creating it without", m->name,
			 xdpl_errno_name(fd));
		attr.btf_fd = attr.btf_key_type_id = attr.btf_value_type_id = 0;
		fd = bpf_map_create(&attr);
	}
	if (inner >= 0)
		close(inner); /* the kernel keeps the shape, not the map */
	/* E2BIG and ENOMEM only say "too big": say what the object can change. */
	if (fd == -E2BIG || fd == -ENOMEM)
		return err_sys(e, fd, "load: map %s (%s, key %u, value %u, max entries %u): BPF_MAP_CREATE failed: %s",
			       m->name, obj_map_type_name(m->type), m->key_size, m->value_size,
			       m->max_entries,
			       fd == -E2BIG ? "too large for this kernel (its key, value or max entries)"
					    : "more memory than the kernel can give (lower its max entries)");
	if (fd < 0)
		return err_sys(e, fd, "load: map %s (%s, key %u, value %u, max entries %u, flags 0x%x): BPF_MAP_CREATE failed",
			       m->name, obj_map_type_name(m->type), m->key_size, m->value_size,
			       m->max_entries, m->flags);
	return fd;
}

/*
 * Global data: write the initial value, then freeze .rodata so it stays so.
 * The .kconfig map's value is what load_externs read from the kernel.
 */
static int map_fill(const struct obj_map *m, int fd, const struct obj_fds *fds,
		    struct xdpl_error *e)
{
	uint8_t *value = m->kconfig && fds->externs ? fds->externs->kconfig : m->data;
	uint32_t zero = 0;
	int err;

	err = bpf_map_elem(BPF_MAP_UPDATE_ELEM, fd, &zero, value, 0);
	if (err)
		return err_sys(e, err, "load: map %s: writing its initial value failed", m->name);
	if (m->frozen) {
		err = bpf_map_freeze(fd);
		if (err)
			return err_sys(e, err, "load: map %s: BPF_MAP_FREEZE failed", m->name);
	}
	return 0;
}

int load_maps(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
	      struct xdpl_error *e)
{
	char path[4096];
	bool dir_ready = false;
	int err;

	fds->nmaps = obj->nmaps;
	fds->map_fds = malloc((obj->nmaps ? obj->nmaps : 1) * sizeof(int));
	fds->map_pinned_here = calloc(obj->nmaps ? obj->nmaps : 1, sizeof(bool));
	fds->map_reused = calloc(obj->nmaps ? obj->nmaps : 1, sizeof(bool));
	if (!fds->map_fds || !fds->map_pinned_here || !fds->map_reused)
		return err_set(e, -ENOMEM, "load: out of memory for %u maps", obj->nmaps);
	for (uint32_t i = 0; i < obj->nmaps; i++)
		fds->map_fds[i] = -1;

	for (uint32_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];
		int fd;

		if (m->pinning == MAP_PIN_BY_NAME && !opts->pin_none) {
			/* Reuse the pin if there is one; test --dev (reuse only) makes no directory or pin. */
			if (!dir_ready && !opts->pin_reuse_only) {
				err = pin_dir_ready(opts->pin_dir, 1, &fds->pin_dir_created, e);
				if (err)
					return err;
				dir_ready = true;
			}
			err = load_pin_path(path, sizeof(path), opts->pin_dir, m->name, e);
			if (err)
				return err;
			fd = bpf_obj_get(path);
			if (fd >= 0) {
				fds->map_fds[i] = fd;
				fds->map_reused[i] = true;
				err = pin_reuse_check(m, path, fd, e);
				if (err)
					return err;
				continue;
			}
			if (fd != -ENOENT && !opts->pin_reuse_only) {
				e->environment = true;
				return err_sys(e, fd, "load: map %s: cannot open the pin %s", m->name, path);
			}
		}
		fd = map_create(m, fds, e);
		if (fd < 0)
			return fd;
		fds->map_fds[i] = fd;
		xdpl_log("load: map %s (%s) created, fd %d", m->name, obj_map_type_name(m->type), fd);
		if (m->data) {
			err = map_fill(m, fd, fds, e);
			if (err)
				return err;
		}
		if (m->pinning == MAP_PIN_BY_NAME && !opts->pin_reuse_only && !opts->pin_none) {
			err = bpf_obj_pin(fd, path);
			if (err) {
				e->environment = true;
				return err_sys(e, err, "load: map %s: cannot pin it at %s", m->name, path);
			}
			fds->map_pinned_here[i] = true;
			xdpl_log("load: map %s pinned at %s", m->name, path);
		}
	}
	return 0;
}

/* ---- programs ---- */

int load_prog(const struct obj *obj, const struct obj_prog *prog, const struct obj_fds *fds,
	      struct xdpl_error *e)
{
	struct prog_image image, *img = &image;
	struct bpf_prog_load_attr attr;
	int fd, err;

	err = section_loadable(prog, e);
	if (err)
		return err;
	err = reloc_prog_build(obj, prog, fds->map_fds, fds->externs, img, e);
	if (!err)
		err = core_prog_apply(obj, prog, fds, img, e);
	if (err) {
		reloc_prog_free(img);
		return err;
	}

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = prog->type;
	attr.expected_attach_type = prog->expected_attach_type;
	attr.prog_flags = prog->prog_flags;
	if (fds->attach_btf_ids)
		attr.attach_btf_id = fds->attach_btf_ids[prog - obj->progs];
	attr.insn_cnt = img->insn_cnt;
	attr.insns = bpf_ptr(img->insns);
	attr.license = bpf_ptr(obj->license ? obj->license : "");
	kernel_name(attr.prog_name, prog->name);
	/* func_info names FUNC types: a kernel without them takes no func or line info. */
	if (fds->btf_fd >= 0 && img->func_info_cnt && !(fds->btf_missing & BTF_FEAT_FUNC)) {
		attr.prog_btf_fd = (uint32_t)fds->btf_fd;
		attr.func_info_rec_size = img->func_info_rec_size;
		attr.func_info = bpf_ptr(img->func_info);
		attr.func_info_cnt = img->func_info_cnt;
		attr.line_info_rec_size = img->line_info_rec_size;
		attr.line_info = bpf_ptr(img->line_info);
		attr.line_info_cnt = img->line_info_cnt;
	}
	if (img->core_in_kernel) {
		attr.core_relo_cnt = img->core_relo_cnt;
		attr.core_relos = bpf_ptr(img->core_relos);
		attr.core_relo_rec_size = CORE_RELO_SIZE;
	}
	if (fds->externs && fds->externs->fd_array_cnt > 1)
		attr.fd_array = bpf_ptr(fds->externs->fd_array);

	fd = bpf_prog_load(&attr);
	if (fd == -EPERM && load_memlock_lift())
		fd = bpf_prog_load(&attr);
	if (fd < 0 && fd != -EPERM && fd != -ENOMEM) {
		xdpl_log("load: program %s refused (%s); loading again for the verifier log",
			 prog->name, xdpl_errno_name(fd));
		fd = vlog_prog_load(&attr, fd, e);
		if (e->log)
			vlog_annotate(obj, img, e);
		core_log_annotate(img, e);
		if (e->log && obj->nexterns)
			externs_log_explain(obj, e->log, e->where, sizeof(e->where));
	}
	if (fd < 0)
		err_sys(e, fd, "load: program %s (section %s, %u instructions%s): BPF_PROG_LOAD failed",
			prog->name, prog->section, img->insn_cnt,
			obj->btf && fds->btf_fd < 0
				? "; loaded without BTF, which the kernel refused (see -v), and which spin locks and timers need"
				: "");
	else
		xdpl_log("load: program %s loaded, fd %d (%u instructions%s)", prog->name, fd,
			 img->insn_cnt, attr.func_info_cnt ? ", with BTF" : "");
	reloc_prog_free(img);
	return fd;
}

void load_close(struct obj_fds *fds)
{
	for (uint32_t i = 0; fds->map_fds && i < fds->nmaps; i++)
		if (fds->map_fds[i] >= 0)
			close(fds->map_fds[i]);
	if (fds->btf_fd >= 0)
		close(fds->btf_fd);
	free(fds->map_fds);
	free(fds->map_pinned_here);
	free(fds->map_reused);
	free(fds->attach_btf_ids);
	core_state_free(fds->core);
	externs_loaded_free(fds->externs);
	load_init(fds);
}
