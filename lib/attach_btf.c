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
 * vmlinux BTF is read (mapped, by btf_target.c, the CO-RE target reader)
 * only when a program to load needs it, and closed once every id is known.
 * Module functions ("fentry/MODULE:function") are not looked up: the load
 * would need the module's split BTF and an fd for it (attach_btf_obj_fd).
 * Nothing here prints.
 */
#include <errno.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/core.h"
#include "lib/internal.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
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
	struct btf_file vmlinux = { 0 };
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
		if (!vmlinux.btf && (err = btf_target_read(VMLINUX_BTF, NULL, &vmlinux, e))) {
			if (e)
				e->environment = true;
			break;
		}
		err = target_find(vmlinux.btf, p, &ids[i], e);
	}
	if (vmlinux.btf)
		btf_target_close(&vmlinux);
	return err;
}
