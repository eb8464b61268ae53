// SPDX-License-Identifier: MIT
/*
 * load.c - turns a validated struct elf_obj into kernel objects: creates the
 * maps, copies one program's instructions, patches them with map fds and
 * loads the program.
 *
 * The first BPF_PROG_LOAD is quiet (no log buffer: the verifier is faster
 * without one); only when it fails do we load again with log_level 1 and a
 * buffer that grows until the whole log fits, so the user sees why.
 *
 * Every fd created here is owned by struct obj_fds and closed by load_close(),
 * on success paths and failure paths alike.  Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "xdpload.h"

#define LOG_SIZE_FIRST (64U << 10)
#define LOG_SIZE_MAX (16U << 20)

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
static bool memlock_lift(void)
{
	struct rlimit now, unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	if (getrlimit(RLIMIT_MEMLOCK, &now) == 0 && now.rlim_cur == RLIM_INFINITY)
		return false;
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited) < 0) {
		xdpl_log("load: EPERM, and RLIMIT_MEMLOCK cannot be lifted (%s)", strerror(errno));
		return false;
	}
	xdpl_log("load: EPERM: lifted RLIMIT_MEMLOCK for an older kernel, trying again");
	return true;
}

int load_maps(const struct elf_obj *obj, struct obj_fds *fds, struct errbuf *e)
{
	fds->prog_fd = -1;
	fds->nmaps = obj->nmaps;
	fds->map_fds = malloc((obj->nmaps ? obj->nmaps : 1) * sizeof(int));
	if (!fds->map_fds)
		return err_set(e, -ENOMEM, "load: out of memory for %u maps", obj->nmaps);
	for (uint32_t i = 0; i < obj->nmaps; i++)
		fds->map_fds[i] = -1;

	for (uint32_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];
		struct bpf_map_create_attr attr;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.map_type = m->type;
		attr.key_size = m->key_size;
		attr.value_size = m->value_size;
		attr.max_entries = m->max_entries;
		attr.map_flags = m->flags;
		kernel_name(attr.map_name, m->name);
		fd = bpf_map_create(&attr);
		if (fd == -EPERM && memlock_lift())
			fd = bpf_map_create(&attr);
		if (fd < 0)
			return err_sys(e, fd,
				       "load: map %s (%s, key %u, value %u, max entries %u, flags 0x%x): BPF_MAP_CREATE failed",
				       m->name, elf_map_type_name(m->type), m->key_size,
				       m->value_size, m->max_entries, m->flags);
		fds->map_fds[i] = fd;
		xdpl_log("load: map %s (%s) created, fd %d", m->name, elf_map_type_name(m->type),
			 fd);
	}
	return 0;
}

static int relocate(const struct elf_obj *obj, const struct obj_prog *prog, struct bpf_insn *insns,
		    const struct obj_fds *fds, struct errbuf *e)
{
	static const char *const unsupported[] = {
		[RELOC_DATA] = "global variables (.data/.rodata/.bss) are not supported yet",
		[RELOC_CALL] = "bpf-to-bpf function calls are not supported yet",
		[RELOC_FUNC] = "function pointers (callbacks) are not supported yet",
		[RELOC_EXTERN] = "extern symbols (ksyms, kconfig) are not supported",
	};
	const struct obj_reloc *r;
	uint32_t n = elf_prog_relocs(obj, prog, &r);

	for (uint32_t i = 0; i < n; i++, r++) {
		struct bpf_insn *insn = &insns[r->insn - prog->first_insn];

		if (r->kind != RELOC_MAP)
			return err_set(e, -ENOTSUP, "load: program %s: instruction %u uses %s: %s",
				       prog->name, r->insn - prog->first_insn, r->sym,
				       unsupported[r->kind]);
		/* The parser checked the second slot lies in the section, not in the program. */
		if (r->insn - prog->first_insn + 1 >= prog->insn_cnt)
			return err_set(e, -ENOEXEC,
				       "load: program %s: ld_imm64 at instruction %u runs past the program's end",
				       prog->name, r->insn - prog->first_insn);
		insn->src_reg = BPF_PSEUDO_MAP_FD;
		insn->imm = fds->map_fds[r->target];
		insn[1].imm = 0;
		xdpl_log("load: program %s: instruction %u -> map %s (fd %d)", prog->name,
			 r->insn - prog->first_insn, obj->maps[r->target].name, insn->imm);
	}
	return 0;
}

/* Load again with a verifier log, growing the buffer until the log fits. */
static int prog_load_logged(struct bpf_prog_load_attr *attr, struct errbuf *e)
{
	uint32_t size = LOG_SIZE_FIRST;
	int fd;

	for (;;) {
		char *log = malloc(size);

		if (!log)
			return -ENOMEM;
		log[0] = '\0';
		attr->log_level = 1;
		attr->log_size = size;
		attr->log_buf = bpf_ptr(log);
		fd = bpf_prog_load(attr);
		if (fd == -ENOSPC && size < LOG_SIZE_MAX) {
			free(log);
			size *= 4;
			continue;
		}
		free(e->log);
		e->log = log;
		attr->log_level = 0;
		attr->log_size = 0;
		attr->log_buf = 0;
		return fd;
	}
}

int load_prog(const struct elf_obj *obj, const struct obj_prog *prog, struct obj_fds *fds,
	      struct errbuf *e)
{
	const struct obj_section *s = &obj->secs[prog->sec];
	struct bpf_prog_load_attr attr;
	struct bpf_insn *insns;
	int fd, err;

	if (!prog->type)
		return err_set(e, -ENOTSUP,
			       "load: program %s: section %s is not a program type xdpload supports (XDP sections start with \"xdp\")",
			       prog->name, prog->section);
	insns = malloc(prog->insn_cnt * sizeof(*insns));
	if (!insns)
		return err_set(e, -ENOMEM, "load: out of memory for program %s", prog->name);
	memcpy(insns, s->data + (size_t)prog->first_insn * BPF_INSN_SIZE,
	       prog->insn_cnt * sizeof(*insns));
	err = relocate(obj, prog, insns, fds, e);
	if (err)
		goto out;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = prog->type;
	attr.expected_attach_type = prog->expected_attach_type;
	attr.prog_flags = prog->prog_flags;
	attr.insn_cnt = prog->insn_cnt;
	attr.insns = bpf_ptr(insns);
	attr.license = bpf_ptr(obj->license ? obj->license : "");
	kernel_name(attr.prog_name, prog->name);

	fd = bpf_prog_load(&attr);
	if (fd == -EPERM && memlock_lift())
		fd = bpf_prog_load(&attr);
	if (fd < 0 && fd != -EPERM && fd != -ENOMEM) {
		xdpl_log("load: program %s refused (%s); loading again for the verifier log",
			 prog->name, strerror(-fd));
		fd = prog_load_logged(&attr, e);
	}
	if (fd < 0) {
		err = err_sys(e, fd, "load: program %s (section %s, %u instructions): BPF_PROG_LOAD failed",
			      prog->name, prog->section, prog->insn_cnt);
		goto out;
	}
	fds->prog_fd = fd;
	xdpl_log("load: program %s loaded, fd %d", prog->name, fd);
out:
	free(insns);
	return err;
}

void load_close(struct obj_fds *fds)
{
	if (fds->prog_fd >= 0)
		close(fds->prog_fd);
	for (uint32_t i = 0; fds->map_fds && i < fds->nmaps; i++)
		if (fds->map_fds[i] >= 0)
			close(fds->map_fds[i]);
	free(fds->map_fds);
	fds->map_fds = NULL;
	fds->nmaps = 0;
	fds->prog_fd = -1;
}
