// SPDX-License-Identifier: MIT
/*
 * externs_load.c - the load step that gives every extern of an object its
 * value on the running kernel, before the maps are made (the .kconfig map
 * is frozen with what is found here) and the programs relocated:
 *
 *   CONFIG_*              the kernel's config: /proc/config.gz (inflate.c),
 *                         else /boot/config-$(uname -r), parsed by kconfig.c
 *   LINUX_KERNEL_VERSION  uname, or Ubuntu's /proc/version_signature (kconfig.c)
 *   LINUX_HAS_SYSCALL_WRAPPER, LINUX_HAS_BPF_COOKIE   what libbpf also provides:
 *                         an arch-prefixed syscall in kallsyms; a probe program
 *   untyped ksyms         /proc/kallsyms, in one pass (kallsyms.c)
 *   typed ksyms, kfuncs   /sys/kernel/btf/vmlinux, then, for names it lacks,
 *                         each module's BTF by id (ksym.c); a module's BTF fd
 *                         goes into the ld_imm64 or into fd_array for calls
 *
 * Only what the object needs is read.  A weak extern that is missing is
 * zero (or, for a kfunc call, poisoned: externs.c); a strong one is an error
 * that names it and says where it was looked for.  Everything found is owned
 * by struct externs_loaded, which load_close() frees (module BTF fds too).
 * Nothing here prints; -v lines go to xdpl_log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/externs.h"

#define FILE_MAX (256U << 20) /* vmlinux BTF is ~6 MB, a config ~250 KB */
#define KALLSYMS_CHUNK (256U << 10)

/* One file, whole, NUL-terminated (the NUL is not counted). */
static int file_read(const char *path, size_t max, uint8_t **out, size_t *len)
{
	size_t cap = 65536, n = 0;
	uint8_t *buf = NULL;
	struct stat st;
	int fd, err = 0;

	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* /proc and /sys files may report a size of 0 or one page: a hint, not a limit. */
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (size_t)st.st_size < max)
		cap = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t got;

		if (!buf || n == cap - 1) {
			uint8_t *grown;

			if (buf)
				cap = cap > max / 2 ? max : cap * 2;
			if (buf && n >= max - 1) {
				err = -EFBIG;
				break;
			}
			grown = realloc(buf, cap);
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			buf = grown;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* ---- .kconfig ---- */

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * The kernel's config as text, and where it came from: /proc/config.gz
 * (CONFIG_IKCONFIG_PROC), else /boot/config-$(uname -r) (gzip or not, like
 * libbpf's gzopen), or the file the caller named.
 */
static int config_read(const char *file, char **text, size_t *len, char *where, size_t where_len,
		       struct xdpl_error *e)
{
	struct utsname u;
	uint8_t *raw;
	size_t raw_len;
	int err;

	if (file) {
		snprintf(where, where_len, "%s", file);
		err = file_read(file, FILE_MAX, &raw, &raw_len);
	} else {
		snprintf(where, where_len, "/proc/config.gz");
		err = file_read(where, FILE_MAX, &raw, &raw_len);
		if (err == -ENOENT && uname(&u) == 0) {
			snprintf(where, where_len, "/boot/config-%s", u.release);
			err = file_read(where, FILE_MAX, &raw, &raw_len);
			if (err == -ENOENT) {
				e->environment = true;
				return err_sys(e, err, "kconfig: the kernel's config is neither in /proc/config.gz (CONFIG_IKCONFIG_PROC) nor in %s",
					       where);
			}
		}
	}
	if (err) {
		e->environment = true;
		return err_sys(e, err, "kconfig: cannot read %s", where);
	}
	if (raw_len >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
		uint8_t *plain;
		size_t plain_len;

		err = gzip_inflate(raw, raw_len, INFLATE_MAX_CONFIG, where, &plain, &plain_len, e);
		free(raw);
		if (err) {
			e->environment = true; /* the config is broken, not the object */
			return err;
		}
		raw = plain;
		raw_len = plain_len;
	}
	*text = (char *)raw;
	*len = raw_len;
	return 0;
}

static int kconfig_fill_config(const struct obj *obj, const char *file, struct externs_loaded *ext,
			       struct xdpl_error *e)
{
	struct kconfig_found *found;
	char where[300], *text = NULL;
	bool strong = false;
	size_t len = 0;
	int err;

	for (uint32_t i = 0; i < obj->nexterns; i++)
		strong |= obj->externs[i].kind == EXTERN_KCONFIG && !obj->externs[i].weak &&
			  has_prefix(obj->externs[i].name, "CONFIG_");
	err = config_read(file, &text, &len, where, sizeof(where), e);
	if (err && !strong) {
		xdpl_log("load: kconfig: %s; every CONFIG_ extern is weak, so they stay 0", e->msg);
		e->environment = false;
		e->errnum = 0;
		return 0;
	}
	if (err)
		return err;
	found = calloc(obj->nexterns, sizeof(*found));
	if (!found) {
		free(text);
		return err_set(e, -ENOMEM, "kconfig: out of memory");
	}
	err = kconfig_parse(text, len, where, obj->externs, obj->nexterns, ext->kconfig,
			    ext->kconfig_size, found, e);
	for (uint32_t i = 0; !err && i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];

		if (x->kind != EXTERN_KCONFIG || !has_prefix(x->name, "CONFIG_"))
			continue;
		if (found[i].line) {
			xdpl_log("load: kconfig: %s from %s line %u%s", x->name, where, found[i].line,
				 found[i].truncated ? ", cut to fit its char array" : "");
			ext->values[i].found = true;
		} else if (x->weak) {
			xdpl_log("load: kconfig: %s is not set in %s; weak, so 0", x->name, where);
		} else {
			err = err_set(e, -ESRCH, "kconfig: extern %s is not set in %s (declare it __weak to default to 0)",
				      x->name, where);
		}
	}
	free(found);
	free(text);
	return err;
}

/* libbpf's probe: a tracepoint program that calls bpf_get_attach_cookie (helper 174). */
static bool kernel_has_bpf_cookie(void)
{
	static const struct bpf_insn insns[2] = {
		{ BPF_OP_CALL, 0, 0, 0, 174 },
		{ 0x95, 0, 0, 0, 0 }, /* exit */
	};
	struct bpf_prog_load_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = 5; /* BPF_PROG_TYPE_TRACEPOINT */
	attr.insn_cnt = 2;
	attr.insns = bpf_ptr(insns);
	attr.license = bpf_ptr("GPL");
	fd = bpf_prog_load(&attr);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static const char *syscall_prefix(void)
{
#if defined(__x86_64__)
	return "__x64_sys_bpf";
#elif defined(__i386__)
	return "__ia32_sys_bpf";
#elif defined(__aarch64__)
	return "__arm64_sys_bpf";
#elif defined(__riscv)
	return "__riscv_sys_bpf";
#elif defined(__s390x__)
	return "__s390x_sys_bpf";
#elif defined(__powerpc64__)
	return "sys_bpf"; /* ppc64 has no wrapper prefix to look for */
#else
	return "__sys_bpf_wrapper_unknown";
#endif
}

static int kallsyms_lookup(struct kallsyms_want *want, uint32_t n, bool first_only,
			   uint64_t *nonzero, struct xdpl_error *e);

/* LINUX_*: values libbpf computes rather than reads from the config. */
static int kconfig_fill_virtual(const struct obj *obj, struct externs_loaded *ext,
				struct xdpl_error *e)
{
	for (uint32_t i = 0; i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];
		uint64_t value;
		int err;

		if (x->kind != EXTERN_KCONFIG || has_prefix(x->name, "CONFIG_"))
			continue;
		if (!strcmp(x->name, "LINUX_KERNEL_VERSION")) {
			struct utsname u;
			uint8_t *signature = NULL;
			size_t len;

			if (uname(&u) < 0)
				return err_sys(e, -errno, "kconfig: LINUX_KERNEL_VERSION: uname failed");
			/* Ubuntu's kernels say their upstream version only here. */
			if (file_read("/proc/version_signature", 4096, &signature, &len) == 0)
				xdpl_log("load: kconfig: /proc/version_signature: %.*s", (int)strcspn((char *)signature, "\n"),
					 (char *)signature);
			value = kconfig_kernel_version((char *)signature, u.release, u.version);
			free(signature);
			if (!value)
				return err_set(e, -EINVAL, "kconfig: LINUX_KERNEL_VERSION: the kernel release \"%s\" (version \"%s\") is not a.b.c",
					       u.release, u.version);
		} else if (!strcmp(x->name, "LINUX_HAS_SYSCALL_WRAPPER")) {
			struct kallsyms_want w = { syscall_prefix(), 0, 0, 0 };
			uint64_t nonzero = 0;

			err = kallsyms_lookup(&w, 1, true, &nonzero, e);
			if (err)
				return err;
			value = w.seen != 0;
		} else if (!strcmp(x->name, "LINUX_HAS_BPF_COOKIE")) {
			value = kernel_has_bpf_cookie();
		} else if (x->weak && has_prefix(x->name, "LINUX_")) {
			xdpl_log("load: kconfig: %s is no value xdpload provides; weak, so 0", x->name);
			continue;
		} else {
			return err_set(e, -ENOTSUP, "kconfig: extern %s: a .kconfig extern is CONFIG_* (the kernel's config) or LINUX_KERNEL_VERSION, LINUX_HAS_SYSCALL_WRAPPER, LINUX_HAS_BPF_COOKIE",
				       x->name);
		}
		err = kconfig_value_set(x, ext->kconfig, ext->kconfig_size, value, false, x->name, e);
		if (err)
			return err;
		ext->values[i].found = true;
		xdpl_log("load: kconfig: %s = %llu (0x%llx)", x->name, (unsigned long long)value,
			 (unsigned long long)value);
	}
	return 0;
}

/* ---- /proc/kallsyms ---- */

/*
 * The kernel hands /proc/kallsyms out a page per read, slowly (about 0.1 s
 * for all of it): first_only stops at the first sighting, for a probe that
 * only asks whether a name is there.
 */
static int kallsyms_lookup(struct kallsyms_want *want, uint32_t n, bool first_only,
			   uint64_t *nonzero, struct xdpl_error *e)
{
	char *buf = malloc(KALLSYMS_CHUNK + 1);
	size_t have = 0, used;
	int fd, err = 0;

	if (!buf)
		return err_set(e, -ENOMEM, "ksym: out of memory reading /proc/kallsyms");
	fd = openat(AT_FDCWD, "/proc/kallsyms", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		e->environment = true;
		return err_sys(e, -errno, "ksym: cannot open /proc/kallsyms");
	}
	for (;;) {
		ssize_t got = read(fd, buf + have, KALLSYMS_CHUNK - have);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			e->environment = true;
			err = err_sys(e, -errno, "ksym: cannot read /proc/kallsyms");
			break;
		}
		have += (size_t)got;
		if (got == 0 && have && buf[have - 1] != '\n')
			buf[have++] = '\n'; /* a last line without its newline */
		err = kallsyms_scan(buf, have, &used, want, n, nonzero, e);
		if (err)
			break;
		memmove(buf, buf + used, have - used);
		have -= used;
		if (got == 0 || (first_only && want[0].seen))
			break;
		if (have == KALLSYMS_CHUNK) {
			err = err_set(e, -EINVAL, "ksym: /proc/kallsyms has a line longer than %u bytes",
				      KALLSYMS_CHUNK);
			break;
		}
	}
	close(fd);
	free(buf);
	return err;
}

static int ksyms_resolve_untyped(const struct obj *obj, struct externs_loaded *ext,
				 struct xdpl_error *e)
{
	struct kallsyms_want *want = calloc(obj->nexterns, sizeof(*want));
	uint64_t nonzero = 0;
	uint32_t n = 0;
	int err;

	if (!want)
		return err_set(e, -ENOMEM, "ksym: out of memory");
	for (uint32_t i = 0; i < obj->nexterns; i++)
		if (obj->externs[i].kind == EXTERN_KSYM)
			want[n++].name = obj->externs[i].name;
	err = kallsyms_lookup(want, n, false, &nonzero, e);
	for (uint32_t i = 0, k = 0; !err && i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];
		const struct kallsyms_want *w;

		if (x->kind != EXTERN_KSYM)
			continue;
		w = &want[k++];
		if (!w->seen && x->weak) {
			xdpl_log("load: ksym %s is not in /proc/kallsyms; weak, so 0", x->name);
		} else if (!w->seen) {
			err = err_set(e, -ESRCH, "ksym: extern %s is not in /proc/kallsyms (declare it __weak to allow it missing)",
				      x->name);
		} else if (w->other) {
			err = err_set(e, -EINVAL, "ksym: extern %s is ambiguous: /proc/kallsyms has it at 0x%llx and at 0x%llx",
				      x->name, (unsigned long long)w->addr, (unsigned long long)w->other);
		} else if (!nonzero) {
			e->environment = true;
			err = err_set(e, -EPERM, "ksym: extern %s: /proc/kallsyms shows every address as 0: reading kernel addresses needs root (CAP_SYSLOG) and kernel.kptr_restrict below 2",
				      x->name);
		} else {
			ext->values[i].found = true;
			ext->values[i].addr = w->addr;
			xdpl_log("load: ksym %s at 0x%llx (/proc/kallsyms)", x->name,
				 (unsigned long long)w->addr);
		}
	}
	free(want);
	return err;
}

/* ---- kernel BTF: typed ksyms and kfuncs ---- */

struct kernel_btfs {
	struct kernel_btf vmlinux;
	struct kernel_btf *modules;
	uint32_t nmodules;
	bool modules_read;
	int16_t *fd_index; /* per module: its place in fd_array, 0 until used */
};

static int btf_info_get(int fd, struct bpf_btf_info *info, char *name, uint32_t name_len,
			void *data, uint32_t size)
{
	memset(info, 0, sizeof(*info));
	info->name = bpf_ptr(name);
	info->name_len = name_len;
	info->btf = bpf_ptr(data);
	info->btf_size = size;
	/* bpf_obj_info clears the struct: give it the pointers through a copy. */
	struct bpf_info_by_fd_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.bpf_fd = (uint32_t)fd;
	attr.info_len = sizeof(*info);
	attr.info = bpf_ptr(info);
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
}

/* Every module's BTF, by walking the kernel's BTF objects: its name, raw data and fd. */
static int modules_read(struct kernel_btfs *k, struct xdpl_error *e)
{
	uint32_t id = 0;
	int err = 0;

	k->modules_read = true;
	for (;;) {
		struct bpf_btf_info info;
		struct kernel_btf *mod, *grown;
		char name[64] = "";
		int fd;

		err = bpf_next_id(BPF_BTF_GET_NEXT_ID, id, &id);
		if (err == -ENOENT)
			return 0;
		if (err)
			return err_sys(e, err, "ksym: walking the kernel's BTF objects (BPF_BTF_GET_NEXT_ID) failed");
		fd = bpf_fd_by_id(BPF_BTF_GET_FD_BY_ID, id);
		if (fd == -ENOENT)
			continue; /* gone since */
		if (fd < 0)
			return err_sys(e, fd, "ksym: cannot open BTF object %u (BPF_BTF_GET_FD_BY_ID)", id);
		err = btf_info_get(fd, &info, name, sizeof(name), NULL, 0);
		if (err || !info.kernel_btf || !strcmp(name, "vmlinux")) {
			close(fd);
			if (err)
				return err_sys(e, err, "ksym: cannot read BTF object %u's info", id);
			continue;
		}
		grown = realloc(k->modules, (k->nmodules + 1) * sizeof(*grown));
		if (!grown) {
			close(fd);
			return err_set(e, -ENOMEM, "ksym: out of memory for module BTF");
		}
		k->modules = grown;
		mod = &k->modules[k->nmodules];
		memset(mod, 0, sizeof(*mod));
		snprintf(mod->name, sizeof(mod->name), "%s", name);
		mod->fd = fd;
		mod->size = info.btf_size;
		mod->data = malloc(info.btf_size ? info.btf_size : 1);
		k->nmodules++;
		if (!mod->data)
			return err_set(e, -ENOMEM, "ksym: out of memory for %s's BTF", name);
		err = btf_info_get(fd, &info, name, sizeof(name), mod->data, mod->size);
		if (err)
			return err_sys(e, err, "ksym: cannot read the BTF of module %s", name);
		err = kernel_btf_parse(mod, &k->vmlinux, e);
		if (err)
			return err;
	}
}

static void kernel_btfs_free(struct kernel_btfs *k)
{
	kernel_btf_free(&k->vmlinux);
	for (uint32_t i = 0; i < k->nmodules; i++) {
		kernel_btf_free(&k->modules[i]);
		if (k->modules[i].fd >= 0)
			close(k->modules[i].fd);
	}
	free(k->modules);
	free(k->fd_index);
}

/* A module BTF's fd, moved into fd_array on first use; its index there. */
static int module_fd_index(struct kernel_btfs *k, uint32_t m, struct externs_loaded *ext,
			   struct xdpl_error *e)
{
	int *grown;

	if (!k->fd_index && !(k->fd_index = calloc(k->nmodules, sizeof(*k->fd_index))))
		return err_set(e, -ENOMEM, "ksym: out of memory");
	if (k->fd_index[m])
		return k->fd_index[m];
	if (ext->fd_array_cnt >= INT16_MAX)
		return err_set(e, -E2BIG, "ksym: more module BTFs than a call's 16-bit offset can index");
	grown = realloc(ext->fd_array, (ext->fd_array_cnt + 2) * sizeof(*grown));
	if (!grown)
		return err_set(e, -ENOMEM, "ksym: out of memory");
	ext->fd_array = grown;
	if (ext->fd_array_cnt == 0)
		ext->fd_array[ext->fd_array_cnt++] = 0; /* offset 0 means vmlinux */
	ext->fd_array[ext->fd_array_cnt] = k->modules[m].fd;
	k->modules[m].fd = -1; /* ext owns it now */
	k->fd_index[m] = (int16_t)ext->fd_array_cnt++;
	return k->fd_index[m];
}

static int ksym_resolve_one(const struct obj *obj, uint32_t i, struct kernel_btfs *k,
			    struct externs_loaded *ext, struct xdpl_error *e)
{
	const struct obj_extern *x = &obj->externs[i];
	bool func = x->kind == EXTERN_KFUNC;
	uint32_t kind = func ? BTF_KIND_FUNC : BTF_KIND_VAR;
	size_t len = func ? ksym_essential_len(x->name) : strlen(x->name);
	const struct kernel_btf *kb = &k->vmlinux;
	const struct btf_type *t;
	int id = -ENOENT, m = -1, err;
	char local[128];

	if (k->vmlinux.data)
		id = kernel_btf_find(&k->vmlinux, kind, x->name, len);
	if (id < 0 && k->vmlinux.data && !k->modules_read) {
		err = modules_read(k, e);
		if (err)
			return err;
	}
	for (uint32_t j = 0; id < 0 && j < k->nmodules; j++) {
		id = kernel_btf_find(&k->modules[j], kind, x->name, len);
		if (id >= 0) {
			m = (int)j;
			kb = &k->modules[j];
		}
	}
	if (id < 0) {
		if (x->weak) {
			xdpl_log("load: %s %s is not in the kernel's BTF; weak, so %s", extern_kind_name(x->kind),
				 x->name, func ? "its calls are poisoned" : "0");
			return 0;
		}
		if (!k->vmlinux.data)
			return err_set(e, -ESRCH, "ksym: %s %s: the kernel has no BTF (/sys/kernel/btf/vmlinux), which typed ksyms and kfuncs need",
				       extern_kind_name(x->kind), x->name);
		if (func)
			return err_set(e, -ESRCH, "ksym: kfunc %s is not in the kernel's BTF (vmlinux and %u modules); declare it __weak to allow it missing",
				       x->name, k->nmodules);
		return err_set(e, -ESRCH, "ksym: typed ksym %s has no VAR in the kernel's BTF (vmlinux and %u modules; only per-CPU variables have one); declare it __weak to allow it missing, or `extern const void %s __ksym` for its address",
			       x->name, k->nmodules, x->name);
	}
	t = kernel_btf_type(kb, (uint32_t)id);
	if (!ksym_types_compat(obj->btf, x->type_id, kb, t->size_or_type)) {
		const struct btf_type *target = kernel_btf_type(kb, t->size_or_type);

		if (func && x->weak) {
			xdpl_log("load: kfunc %s: the kernel's prototype differs from the object's; weak, so its calls are poisoned",
				 x->name);
			return 0;
		}
		if (func)
			return err_set(e, -EINVAL, "ksym: kfunc %s: the object declares another prototype than %s's (FUNC_PROTO %u): its parameters or return type differ",
				       x->name, kb->name, t->size_or_type);
		btf_type_describe(obj->btf, x->type_id, local, sizeof(local));
		return err_set(e, -EINVAL, "ksym: typed ksym %s: the object declares it %s, which does not match %s's type %u (%s %s)",
			       x->name, local, kb->name, t->size_or_type,
			       target ? btf_kind_name(btf_kind(target)) : "void",
			       target ? kernel_btf_str(kb, target->name_off) : "");
	}
	ext->values[i].found = true;
	ext->values[i].btf_id = (uint32_t)id;
	if (m >= 0) {
		int index = module_fd_index(k, (uint32_t)m, ext, e);

		if (index < 0)
			return index;
		ext->values[i].fd_index = (int16_t)index;
		ext->values[i].btf_fd = ext->fd_array[index];
	}
	xdpl_log("load: %s %s: %s BTF id %d", extern_kind_name(x->kind), x->name, kb->name, id);
	return 0;
}

static int ksyms_resolve_typed(const struct obj *obj, struct externs_loaded *ext,
			       struct xdpl_error *e)
{
	struct kernel_btfs k;
	size_t size;
	int err = 0;

	memset(&k, 0, sizeof(k));
	snprintf(k.vmlinux.name, sizeof(k.vmlinux.name), "vmlinux");
	k.vmlinux.fd = -1;
	err = file_read("/sys/kernel/btf/vmlinux", FILE_MAX, &k.vmlinux.data, &size);
	if (err == 0) {
		k.vmlinux.size = (uint32_t)size;
		err = kernel_btf_parse(&k.vmlinux, NULL, e);
		if (err)
			goto out;
		xdpl_log("load: ksym: /sys/kernel/btf/vmlinux: %u types", k.vmlinux.nr_types);
	} else {
		xdpl_log("load: ksym: cannot read /sys/kernel/btf/vmlinux (%s)", xdpl_errno_name(err));
		k.vmlinux.data = NULL;
		err = 0;
	}
	for (uint32_t i = 0; !err && i < obj->nexterns; i++)
		if (obj->externs[i].kind == EXTERN_KSYM_TYPED || obj->externs[i].kind == EXTERN_KFUNC)
			err = ksym_resolve_one(obj, i, &k, ext, e);
out:
	kernel_btfs_free(&k);
	return err;
}

void externs_loaded_free(struct externs_loaded *ext)
{
	if (!ext)
		return;
	for (uint32_t i = 1; i < ext->fd_array_cnt; i++)
		close(ext->fd_array[i]);
	free(ext->fd_array);
	free(ext->values);
	free(ext->kconfig);
	free(ext);
}

int load_externs(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
		 struct xdpl_error *e)
{
	struct externs_loaded *ext;
	bool config = false, virtual = false, untyped = false, typed = false;
	int err = 0;

	if (!obj->nexterns)
		return 0;
	ext = calloc(1, sizeof(*ext));
	if (!ext || !(ext->values = calloc(obj->nexterns, sizeof(*ext->values)))) {
		free(ext);
		return err_set(e, -ENOMEM, "load: out of memory for %u externs", obj->nexterns);
	}
	fds->externs = ext;
	for (uint32_t i = 0; i < obj->nmaps; i++) {
		if (!obj->maps[i].kconfig)
			continue;
		ext->kconfig_size = obj->maps[i].value_size;
		ext->kconfig = calloc(1, ext->kconfig_size);
		if (!ext->kconfig)
			return err_set(e, -ENOMEM, "load: out of memory for the .kconfig map");
	}
	for (uint32_t i = 0; i < obj->nexterns; i++) {
		const struct obj_extern *x = &obj->externs[i];

		config |= x->kind == EXTERN_KCONFIG && has_prefix(x->name, "CONFIG_");
		virtual |= x->kind == EXTERN_KCONFIG && !has_prefix(x->name, "CONFIG_");
		untyped |= x->kind == EXTERN_KSYM;
		typed |= x->kind == EXTERN_KSYM_TYPED || x->kind == EXTERN_KFUNC;
	}
	if (virtual)
		err = kconfig_fill_virtual(obj, ext, e);
	if (!err && config)
		err = kconfig_fill_config(obj, opts->kconfig, ext, e);
	if (!err && untyped)
		err = ksyms_resolve_untyped(obj, ext, e);
	if (!err && typed)
		err = ksyms_resolve_typed(obj, ext, e);
	return err;
}
