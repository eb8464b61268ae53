// SPDX-License-Identifier: MIT
/*
 * attach_btf.c - the kernel BTF id a tracing program names when it loads:
 * fentry, fexit, fmod_ret and their sleepable forms name a kernel function,
 * tp_btf a tracepoint, lsm an LSM hook and iter an iterator.  The verifier
 * checks the program against that type, so the id is found before the load,
 * in the running kernel's BTF, the way libbpf finds it:
 *
 *   SEC("fentry/tcp_connect")     FUNC     tcp_connect
 *   SEC("tp_btf/sched_switch")    TYPEDEF  btf_trace_sched_switch
 *   SEC("lsm/file_open")          FUNC     bpf_lsm_file_open
 *   SEC("iter/bpf_map")           FUNC     bpf_iter_bpf_map
 *
 * vmlinux BTF is read only when a program to load needs it, and freed once
 * every id is known.  Module functions ("fentry/MODULE:function") are not
 * looked up: they would need the module's split BTF and its fd.  The reader
 * here is a minimal one of our own (btf.c parses); when the CO-RE branch's
 * target BTF reader is on main, vmlinux_btf_open() is the one place to use it.
 * Nothing here prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/internal.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define VMLINUX_BTF_MAX (256U << 20)

/* The running kernel's BTF, parsed; the caller frees it with btf_free(). */
static int vmlinux_btf_open(struct btf **out, struct xdpl_error *e)
{
	size_t cap = 8U << 20, size = 0;
	uint8_t *buf = NULL, *grown;
	int fd, err = 0;

	*out = NULL;
	fd = openat(AT_FDCWD, VMLINUX_BTF, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (e)
			e->environment = true;
		return err_sys(e, -errno, "load: cannot open the kernel's BTF %s, which tracing programs are checked against",
			       VMLINUX_BTF);
	}
	/* sysfs reports no useful size: read to the end. */
	for (;;) {
		ssize_t n;

		if (!buf || size == cap) {
			if (buf && cap >= VMLINUX_BTF_MAX) {
				err = err_set(e, -EFBIG, "load: %s is larger than %u bytes", VMLINUX_BTF,
					      VMLINUX_BTF_MAX);
				break;
			}
			cap = buf ? cap * 2 : cap;
			grown = realloc(buf, cap);
			if (!grown) {
				err = err_set(e, -ENOMEM, "load: out of memory reading %s", VMLINUX_BTF);
				break;
			}
			buf = grown;
		}
		n = read(fd, buf + size, cap - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = err_sys(e, -errno, "load: cannot read %s", VMLINUX_BTF);
			break;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	close(fd);
	if (!err)
		err = btf_parse(out, buf, size, e);
	free(buf);
	return err;
}

/* What a section's target is, by attach type: the BTF kind and the name's prefix. */
static void target_shape(uint32_t attach, uint32_t *kind, const char **prefix, const char **what)
{
	*kind = BTF_KIND_FUNC;
	*prefix = "";
	*what = "function";
	if (attach == BPF_TRACE_RAW_TP) {
		*kind = BTF_KIND_TYPEDEF;
		*prefix = "btf_trace_";
		*what = "tracepoint";
	} else if (attach == BPF_LSM_MAC || attach == BPF_LSM_CGROUP) {
		*prefix = "bpf_lsm_";
		*what = "LSM hook";
	} else if (attach == BPF_TRACE_ITER) {
		*prefix = "bpf_iter_";
		*what = "iterator";
	}
}

static int target_find(const struct btf *btf, const struct obj_prog *p, uint32_t *id,
		       struct xdpl_error *e)
{
	const char *prefix, *what, *name = p->attach_to, *colon = strchr(name, ':');
	uint32_t kind;
	char full[256];
	int found;

	target_shape(p->expected_attach_type, &kind, &prefix, &what);
	if (colon && (colon - name != 7 || strncmp(name, "vmlinux", 7)))
		return err_set(e, -ENOTSUP, "load: program %s (section %s): %s %s is in module %.*s, and xdpload looks up attach targets in vmlinux only",
			       p->name, p->section, what, colon + 1, (int)(colon - name), name);
	if (colon)
		name = colon + 1;
	if ((size_t)snprintf(full, sizeof(full), "%s%s", prefix, name) >= sizeof(full))
		return err_set(e, -EINVAL, "load: program %s (section %s): the target name is too long",
			       p->name, p->section);
	found = btf_find(btf, kind, full);
	if (found < 0)
		return err_set(e, -ESRCH, "load: program %s (section %s): the kernel's BTF (%s) has no %s %s (%s %s)",
			       p->name, p->section, VMLINUX_BTF, what, name, btf_kind_name(kind), full);
	*id = (uint32_t)found;
	xdpl_log("load: program %s: attach target %s %s is BTF type %u in vmlinux", p->name, what,
		 name, *id);
	return 0;
}

/*
 * For each program about to load (load[i]) whose section names a BTF
 * target, ids[i] = its id in vmlinux.  Programs of types xdpload does not
 * load fail here too, before anything is made.
 */
int attach_btf_resolve(const struct obj *obj, const bool *load, uint32_t *ids,
		       struct xdpl_error *e)
{
	struct btf *vmlinux = NULL;
	int err = 0;

	for (uint32_t i = 0; !err && i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];

		ids[i] = 0;
		if (!load[i])
			continue;
		err = section_loadable(p, e);
		if (err || !(p->rule_flags & SECTION_ATTACH_BTF))
			continue;
		if (!p->attach_to) {
			err = err_set(e, -EINVAL, "load: program %s (section %s) names no attach target; write SEC(\"%s/TARGET\") as libbpf does",
				      p->name, p->section, p->section);
			break;
		}
		if (!vmlinux && (err = vmlinux_btf_open(&vmlinux, e)))
			break;
		err = target_find(vmlinux, p, &ids[i], e);
	}
	btf_free(vmlinux);
	return err;
}
