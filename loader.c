// SPDX-License-Identifier: MIT
/*
 * loader.c - the xdpload command line, and the story of one load:
 *
 *   open + validate the object (elf.c) -> pick the program -> find the
 *   interface -> create maps, relocate, load (load.c) -> attach with rtnetlink
 *   (netlink.c) or a bpf_link -> report.
 *
 * This is the only file that prints or exits.  Every other step returns
 * -errno with an explanation in struct errbuf; report() turns that into one
 * message naming the step, the object and the broken rule, the errno by name,
 * the kernel's own words, and an exit code from the table in the README.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "xdpload.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,  /* the command line is wrong */
	EXIT_OBJECT = 2, /* the object is missing, invalid or unsupported */
	EXIT_KERNEL = 3, /* the kernel refused a map, BTF or the program (verifier) */
	EXIT_ATTACH = 4, /* attaching or detaching failed */
	EXIT_ENV = 5,    /* no such interface, no permission */
};

enum option_bit {
	OPT_PROG = 1 << 0,
	OPT_MODE = 1 << 1,
	OPT_FORCE = 1 << 2,
	OPT_DURATION = 1 << 3,
	OPT_JSON = 1 << 4,
};

struct opts {
	const char *args[2];
	int nargs;
	const char *prog;
	uint32_t mode_flags; /* XDP_FLAGS_*_MODE, 0: let the kernel choose */
	bool force, json;
	long duration; /* seconds; -1: until a signal */
};

static bool verbose;

void xdpl_log(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("xdpload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * Errno names and words of our own: musl has no strerrorname_np, and musl and
 * glibc word strerror() differently, so messages would change with the libc.
 */
static const struct errno_text {
	int err;
	const char *name, *text;
} errno_texts[] = {
	{ EPERM, "EPERM", "Operation not permitted" },
	{ ENOENT, "ENOENT", "No such file or directory" },
	{ ESRCH, "ESRCH", "No such process" },
	{ EINTR, "EINTR", "Interrupted system call" },
	{ EIO, "EIO", "Input/output error" },
	{ ENXIO, "ENXIO", "No such device or address" },
	{ E2BIG, "E2BIG", "Argument list too long" },
	{ ENOEXEC, "ENOEXEC", "Exec format error" },
	{ EBADF, "EBADF", "Bad file descriptor" },
	{ EAGAIN, "EAGAIN", "Resource temporarily unavailable" },
	{ ENOMEM, "ENOMEM", "Cannot allocate memory" },
	{ EACCES, "EACCES", "Permission denied" },
	{ EFAULT, "EFAULT", "Bad address" },
	{ EBUSY, "EBUSY", "Device or resource busy" },
	{ EEXIST, "EEXIST", "File exists" },
	{ EXDEV, "EXDEV", "Invalid cross-device link" },
	{ ENODEV, "ENODEV", "No such device" },
	{ ENOTDIR, "ENOTDIR", "Not a directory" },
	{ EISDIR, "EISDIR", "Is a directory" },
	{ EINVAL, "EINVAL", "Invalid argument" },
	{ ENFILE, "ENFILE", "Too many open files in system" },
	{ EMFILE, "EMFILE", "Too many open files" },
	{ EFBIG, "EFBIG", "File too large" },
	{ ENOSPC, "ENOSPC", "No space left on device" },
	{ ERANGE, "ERANGE", "Numerical result out of range" },
	{ ENAMETOOLONG, "ENAMETOOLONG", "File name too long" },
	{ ENOSYS, "ENOSYS", "Function not implemented" },
	{ ELOOP, "ELOOP", "Too many levels of symbolic links" },
	{ EBADMSG, "EBADMSG", "Bad message" },
	{ EOVERFLOW, "EOVERFLOW", "Value too large for defined data type" },
	{ EPROTO, "EPROTO", "Protocol error" },
	{ EMSGSIZE, "EMSGSIZE", "Message too long" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address" },
	{ ENETDOWN, "ENETDOWN", "Network is down" },
	{ ENOBUFS, "ENOBUFS", "No buffer space available" },
	{ ETIMEDOUT, "ETIMEDOUT", "Connection timed out" },
	{ 524, "ENOTSUPP", "Operation not supported by the kernel" },
};

static const struct errno_text *errno_text(int err)
{
	for (size_t i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++)
		if (errno_texts[i].err == err)
			return &errno_texts[i];
	return NULL;
}

/* Print a failure and choose its exit code; EPERM always means the environment. */
static int report(struct errbuf *e, int code)
{
	if (e->errnum) {
		const struct errno_text *t = errno_text(e->errnum);

		if (t)
			fprintf(stderr, "xdpload: %s: %s (%s)\n", e->msg, t->name, t->text);
		else
			fprintf(stderr, "xdpload: %s: errno %d\n", e->msg, e->errnum);
	} else {
		fprintf(stderr, "xdpload: %s\n", e->msg);
	}
	if (e->kernel[0])
		fprintf(stderr, "xdpload: kernel says: %s\n", e->kernel);
	if (e->log) {
		size_t n = strlen(e->log);

		fprintf(stderr, "---- verifier log ----\n%s%s---- end of verifier log ----\n",
			e->log, n && e->log[n - 1] != '\n' ? "\n" : "");
		free(e->log);
		e->log = NULL;
	}
	if (e->errnum == EPERM) {
		fprintf(stderr,
			"xdpload: hint: loading and attaching XDP needs root (CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN on older kernels)\n");
		return EXIT_ENV;
	}
	return code;
}

static const char *mode_name(int mode)
{
	static const char *const names[] = { "none", "native", "skb", "hw", "multi" };

	return mode >= 0 && mode <= XDP_MODE_MULTI ? names[mode] : "?";
}

static uint32_t mode_flag(int mode)
{
	return mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE
	       : mode == XDP_MODE_HW ? XDP_FLAGS_HW_MODE
	       : mode == XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : 0;
}

/* The attachment mode holding prog_id, or XDP_MODE_NONE. */
static int mode_of(const struct xdp_state *st, uint32_t prog_id)
{
	for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++)
		if (st->mode_ids[m] && st->mode_ids[m] == prog_id)
			return m;
	return XDP_MODE_NONE;
}

static int prog_info_by_fd(int fd, struct bpf_prog_info *info)
{
	return bpf_obj_info(fd, info, sizeof(*info));
}

/* Name and tag of a loaded program; "?" when we may not look (not root). */
static void prog_info_by_id(uint32_t id, struct bpf_prog_info *info)
{
	int fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);

	memset(info, 0, sizeof(*info));
	if (fd < 0 || prog_info_by_fd(fd, info) < 0)
		snprintf(info->name, sizeof(info->name), "?");
	if (fd >= 0)
		close(fd);
}

static int iface_index(const char *name, struct errbuf *e)
{
	unsigned int idx;

	if (strlen(name) >= IF_NAMESIZE)
		return err_set(e, -ENODEV, "attach: interface name %s is longer than %d characters",
			       name, IF_NAMESIZE - 1);
	idx = if_nametoindex(name);
	if (!idx)
		return err_sys(e, -ENODEV, "attach: no interface %s in this network namespace", name);
	return (int)idx;
}

/* The program to load: --prog, or the object's only interface XDP program. */
static const struct obj_prog *prog_choose(const struct elf_obj *obj, const char *path,
					  const char *want, int *code)
{
	const struct obj_prog *p = NULL;
	uint32_t n = 0;

	*code = EXIT_OBJECT;
	if (want) {
		p = elf_prog_find(obj, want);
		if (!p) {
			fprintf(stderr, "xdpload: %s has no program or section named %s; it has:",
				path, want);
			for (uint32_t i = 0; i < obj->nprogs; i++)
				fprintf(stderr, " %s (%s)", obj->progs[i].name, obj->progs[i].section);
			fputc('\n', stderr);
			*code = EXIT_USAGE;
			return NULL;
		}
		if (p->type != BPF_PROG_TYPE_XDP) {
			fprintf(stderr,
				"xdpload: %s: program %s is in section %s, which is not XDP (XDP sections start with \"xdp\"); other types are not supported yet\n",
				path, p->name, p->section);
			return NULL;
		}
		if (p->expected_attach_type) {
			fprintf(stderr,
				"xdpload: %s: program %s (section %s) runs on %s entries and cannot attach to an interface\n",
				path, p->name, p->section,
				p->expected_attach_type == BPF_XDP_DEVMAP ? "devmap" : "cpumap");
			return NULL;
		}
		return p;
	}
	for (uint32_t i = 0; i < obj->nprogs; i++) {
		if (obj->progs[i].type == BPF_PROG_TYPE_XDP && !obj->progs[i].expected_attach_type) {
			p = &obj->progs[i];
			n++;
		}
	}
	if (n == 1)
		return p;
	if (n == 0) {
		fprintf(stderr, "xdpload: %s: no XDP program (no function in a section whose name starts with \"xdp\")",
			path);
		for (uint32_t i = 0; i < obj->nprogs; i++)
			fprintf(stderr, "%s %s (%s)", i ? "," : "; found", obj->progs[i].name,
				obj->progs[i].section);
		fputc('\n', stderr);
		return NULL;
	}
	fprintf(stderr, "xdpload: %s holds %u XDP programs:", path, n);
	for (uint32_t i = 0; i < obj->nprogs; i++)
		if (obj->progs[i].type == BPF_PROG_TYPE_XDP && !obj->progs[i].expected_attach_type)
			fprintf(stderr, " %s", obj->progs[i].name);
	fprintf(stderr, "; choose one with --prog NAME\n");
	*code = EXIT_USAGE;
	return NULL;
}

/* A loaded program, ready to attach: what attach and run share. */
struct loaded {
	struct elf_obj obj;
	const struct obj_prog *prog;
	struct obj_fds fds;
	int ifindex;
	struct bpf_prog_info info;
};

static void loaded_close(struct loaded *l)
{
	load_close(&l->fds);
	elf_obj_free(&l->obj);
}

static int load_for_iface(struct loaded *l, const char *path, const char *iface,
			  const struct opts *o)
{
	struct errbuf e = { 0 };
	int code, err;

	memset(l, 0, sizeof(*l));
	l->fds.prog_fd = -1;
	err = elf_obj_open(&l->obj, path, &e);
	if (err)
		return report(&e, EXIT_OBJECT);
	l->prog = prog_choose(&l->obj, path, o->prog, &code);
	if (!l->prog)
		return code;
	l->ifindex = iface_index(iface, &e);
	if (l->ifindex < 0)
		return report(&e, EXIT_ENV);
	xdpl_log("object %s: program %s (section %s), interface %s (index %d)", path,
		 l->prog->name, l->prog->section, iface, l->ifindex);
	err = load_maps(&l->obj, &l->fds, &e);
	if (!err)
		err = load_prog(&l->obj, l->prog, &l->fds, &e);
	if (err)
		return report(&e, err == -ENOTSUP ? EXIT_OBJECT : EXIT_KERNEL);
	prog_info_by_fd(l->fds.prog_fd, &l->info);
	return EXIT_OK;
}

static void print_attached(const struct loaded *l, const char *iface)
{
	struct xdp_state st;
	struct errbuf e = { 0 };
	int mode = XDP_MODE_NONE;

	if (nl_xdp_get(l->ifindex, &st, &e) == 0)
		mode = mode_of(&st, l->info.id);
	printf("attached %s (id %u) to %s (%s mode)\n", l->prog->name, l->info.id, iface,
	       mode_name(mode));
}

static int cmd_attach(struct opts *o)
{
	const char *iface = o->args[1];
	struct errbuf e = { 0 };
	struct xdp_state st;
	struct loaded l;
	uint32_t flags = o->mode_flags;
	int expected_fd = -1, code, err;

	code = load_for_iface(&l, o->args[0], iface, o);
	if (code)
		goto out;
	if (!o->force) {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	} else if (nl_xdp_get(l.ifindex, &st, &e) == 0 && st.attached) {
		/* Replace atomically: the kernel swaps only if the old program is still there. */
		int mode = st.attached == XDP_MODE_MULTI ? XDP_MODE_NATIVE : st.attached;

		if (!flags)
			flags = mode_flag(mode);
		expected_fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, st.mode_ids[mode]);
		if (expected_fd >= 0)
			flags |= XDP_FLAGS_REPLACE;
	}
	xdpl_log("attach: RTM_SETLINK IFLA_XDP: ifindex %d, prog fd %d, flags 0x%x%s", l.ifindex,
		 l.fds.prog_fd, flags, expected_fd >= 0 ? ", replacing the current program" : "");
	err = nl_xdp_set(l.ifindex, l.fds.prog_fd, flags, expected_fd, &e);
	if (expected_fd >= 0)
		close(expected_fd);
	if (err) {
		snprintf(e.msg, sizeof(e.msg), "attach: %s to %s: RTM_SETLINK refused",
			 l.prog->name, iface);
		code = report(&e, EXIT_ATTACH);
		if (err == -EBUSY || err == -EEXIST)
			fprintf(stderr, "xdpload: hint: %s already has an XDP program; replace it with --force or remove it with `xdpload detach %s`\n",
				iface, iface);
		goto out;
	}
	if (e.kernel[0])
		fprintf(stderr, "xdpload: kernel says: %s\n", e.kernel);
	print_attached(&l, iface);
out:
	loaded_close(&l);
	return code;
}

/* Wait for SIGINT/SIGTERM, or for the duration to pass. */
static int wait_for_stop(long duration)
{
	sigset_t set;
	struct timespec limit = { duration, 0 };
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	do
		sig = duration < 0 ? sigwaitinfo(&set, NULL) : sigtimedwait(&set, NULL, &limit);
	while (sig < 0 && errno == EINTR);
	return sig;
}

static int cmd_run(struct opts *o)
{
	const char *iface = o->nargs > 1 ? o->args[1] : "eth0";
	struct errbuf e = { 0 };
	struct xdp_state st;
	struct loaded l;
	sigset_t set;
	int link_fd = -1, code, sig;

	/* Signals wait their turn until the link exists and can be closed. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	code = load_for_iface(&l, o->args[0], iface, o);
	if (code)
		goto out;
	if (o->force && nl_xdp_get(l.ifindex, &st, &e) == 0 && st.attached) {
		/* A link cannot replace a netlink attachment: remove it first. */
		for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++) {
			if (st.mode_ids[m] && nl_xdp_set(l.ifindex, -1, mode_flag(m), -1, &e)) {
				snprintf(e.msg, sizeof(e.msg), "run: removing program %u from %s failed",
					 st.mode_ids[m], iface);
				code = report(&e, EXIT_ATTACH);
				goto out;
			}
		}
	}
	xdpl_log("run: BPF_LINK_CREATE: ifindex %d, prog fd %d, flags 0x%x", l.ifindex,
		 l.fds.prog_fd, o->mode_flags);
	link_fd = bpf_link_create_xdp(l.fds.prog_fd, l.ifindex, o->mode_flags);
	if (link_fd < 0) {
		err_sys(&e, link_fd, "run: %s to %s: BPF_LINK_CREATE (XDP) refused", l.prog->name,
			iface);
		code = report(&e, EXIT_ATTACH);
		if (link_fd == -EBUSY && nl_xdp_get(l.ifindex, &st, &e) == 0 && st.attached)
			fprintf(stderr, "xdpload: hint: %s already has an XDP program (id %u); remove it with `xdpload detach %s` or pass --force\n",
				iface, st.prog_id ? st.prog_id : st.mode_ids[XDP_MODE_NATIVE], iface);
		goto out;
	}
	print_attached(&l, iface);
	fflush(stdout);
	sig = wait_for_stop(o->duration);
	close(link_fd);
	printf("detached %s from %s (%s)\n", l.prog->name, iface,
	       sig < 0 ? "duration elapsed" : sig == SIGINT ? "SIGINT" : "SIGTERM");
out:
	loaded_close(&l);
	return code;
}

static int cmd_detach(struct opts *o)
{
	const char *iface = o->args[0];
	struct errbuf e = { 0 };
	struct xdp_state st;
	int ifindex, removed = 0;

	ifindex = iface_index(iface, &e);
	if (ifindex < 0)
		return report(&e, EXIT_ENV);
	if (nl_xdp_get(ifindex, &st, &e))
		return report(&e, EXIT_ATTACH);
	for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++) {
		struct bpf_prog_info info;

		if (!st.mode_ids[m] || (o->mode_flags && o->mode_flags != mode_flag(m)))
			continue;
		prog_info_by_id(st.mode_ids[m], &info);
		if (nl_xdp_set(ifindex, -1, mode_flag(m), -1, &e)) {
			snprintf(e.msg, sizeof(e.msg), "detach: %s (id %u) from %s (%s mode): RTM_SETLINK refused",
				 info.name, st.mode_ids[m], iface, mode_name(m));
			int code = report(&e, EXIT_ATTACH);

			if (strstr(e.kernel, "link"))
				fprintf(stderr, "xdpload: hint: a bpf_link holds it (`xdpload run` or another loader); stop that process to detach\n");
			return code;
		}
		printf("detached %s (id %u) from %s (%s mode)\n", info.name, st.mode_ids[m], iface,
		       mode_name(m));
		removed++;
	}
	if (!removed)
		printf("no XDP program on %s\n", iface);
	return EXIT_OK;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int cmd_status(struct opts *o)
{
	struct errbuf e = { 0 };
	struct xdp_state *list = NULL, one;
	size_t count = 0, rows = 0;
	int err;

	if (o->nargs) {
		int ifindex = iface_index(o->args[0], &e);

		if (ifindex < 0)
			return report(&e, EXIT_ENV);
		err = nl_xdp_get(ifindex, &one, &e);
		if (!err) {
			list = &one;
			count = 1;
		}
	} else {
		err = nl_xdp_list(&list, &count, &e);
	}
	if (err)
		return report(&e, EXIT_ENV);

	if (o->json)
		putchar('[');
	else
		printf("%-16s %-7s %-7s %-16s %s\n", "INTERFACE", "MODE", "ID", "NAME", "TAG");
	for (size_t i = 0; i < count; i++) {
		for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++) {
			struct bpf_prog_info info;
			char tag[2 * BPF_TAG_SIZE + 1] = "";

			if (!list[i].mode_ids[m])
				continue;
			prog_info_by_id(list[i].mode_ids[m], &info);
			for (int b = 0; info.id && b < BPF_TAG_SIZE; b++)
				sprintf(tag + 2 * b, "%02x", info.tag[b]);
			if (o->json) {
				printf("%s{\"ifname\":", rows ? "," : "");
				json_string(list[i].ifname);
				printf(",\"ifindex\":%d,\"mode\":\"%s\",\"id\":%u,\"name\":",
				       list[i].ifindex, mode_name(m), list[i].mode_ids[m]);
				json_string(info.name);
				printf(",\"tag\":\"%s\"}", tag);
			} else {
				printf("%-16s %-7s %-7u %-16s %s\n", list[i].ifname, mode_name(m),
				       list[i].mode_ids[m], info.name, tag[0] ? tag : "?");
			}
			rows++;
		}
	}
	if (o->json)
		printf("]\n");
	if (list != &one)
		free(list);
	return EXIT_OK;
}

static int cmd_inspect(struct opts *o)
{
	struct errbuf e = { 0 };
	struct elf_obj obj;
	const char *lic;

	if (elf_obj_open(&obj, o->args[0], &e))
		return report(&e, EXIT_OBJECT);
	lic = obj.license ? obj.license : "";
	if (o->json) {
		printf("{\"object\":");
		json_string(o->args[0]);
		printf(",\"license\":");
		json_string(lic);
		printf(",\"programs\":[");
	} else {
		printf("object       %s\nlicense      %s\nrelocations  %u\n\nprograms (%u)\n",
		       o->args[0], obj.license ? lic : "(none)", obj.nrelocs, obj.nprogs);
		printf("  %-20s %-16s %-12s %6s %7s\n", "NAME", "SECTION", "TYPE", "INSNS", "RELOCS");
	}
	for (uint32_t i = 0; i < obj.nprogs; i++) {
		const struct obj_prog *p = &obj.progs[i];
		const struct obj_reloc *r;
		uint32_t nrel = elf_prog_relocs(&obj, p, &r);
		const char *type = elf_prog_type_name(p);

		if (o->json) {
			printf("%s{\"name\":", i ? "," : "");
			json_string(p->name);
			printf(",\"section\":");
			json_string(p->section);
			printf(",\"type\":\"%s\",\"insns\":%u,\"relocations\":%u}", type,
			       p->insn_cnt, nrel);
		} else {
			printf("  %-20s %-16s %-12s %6u %7u\n", p->name, p->section, type, p->insn_cnt,
			       nrel);
		}
	}
	if (o->json)
		printf("],\"maps\":[");
	else
		printf("\nmaps (%u)\n  %-20s %-16s %5s %6s %11s  %s\n", obj.nmaps, "NAME", "TYPE",
		       "KEY", "VALUE", "MAX", "FLAGS");
	for (uint32_t i = 0; i < obj.nmaps; i++) {
		const struct obj_map *m = &obj.maps[i];

		if (o->json) {
			printf("%s{\"name\":", i ? "," : "");
			json_string(m->name);
			printf(",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"flags\":%u}",
			       elf_map_type_name(m->type), m->key_size, m->value_size,
			       m->max_entries, m->flags);
		} else {
			printf("  %-20s %-16s %5u %6u %11u  0x%x\n", m->name, elf_map_type_name(m->type),
			       m->key_size, m->value_size, m->max_entries, m->flags);
		}
	}
	if (o->json)
		printf("],\"relocations\":%u}\n", obj.nrelocs);
	elf_obj_free(&obj);
	return EXIT_OK;
}

struct verb {
	const char *name;
	int (*fn)(struct opts *o);
	int min_args, max_args;
	unsigned int options;
	const char *args;
	const char *help;
};

static const struct verb verbs[] = {
	{ "run", cmd_run, 1, 2, OPT_PROG | OPT_MODE | OPT_FORCE | OPT_DURATION, "OBJ [IFACE]",
	  "load, attach with a bpf_link, detach on SIGINT/SIGTERM/--duration (IFACE: eth0)" },
	{ "attach", cmd_attach, 2, 2, OPT_PROG | OPT_MODE | OPT_FORCE, "OBJ IFACE",
	  "load and attach over rtnetlink; stays attached after exit" },
	{ "detach", cmd_detach, 1, 1, OPT_MODE, "IFACE", "remove the XDP program from IFACE" },
	{ "status", cmd_status, 0, 1, OPT_JSON, "[IFACE]",
	  "list interfaces with XDP: mode, program id, name, tag" },
	{ "inspect", cmd_inspect, 1, 1, OPT_JSON, "OBJ",
	  "describe an object's programs, maps, relocations and license (no kernel needed)" },
};

static const struct {
	const char *name;
	unsigned int bit;
	const char *arg, *help;
} options[] = {
	{ "--prog", OPT_PROG, "NAME", "program (function or section name) to load" },
	{ "--mode", OPT_MODE, "MODE", "skb, native or hw (default: the kernel chooses)" },
	{ "--force", OPT_FORCE, NULL, "replace a program already attached" },
	{ "--duration", OPT_DURATION, "SECONDS", "run: detach after SECONDS" },
	{ "-j", OPT_JSON, NULL, "print JSON" },
};

static void usage(FILE *f, const struct verb *only)
{
	fprintf(f, "usage: xdpload VERB [ARGS] [OPTIONS]\n\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		char head[40];

		if (only && only != &verbs[i])
			continue;
		snprintf(head, sizeof(head), "%s %s", verbs[i].name, verbs[i].args);
		fprintf(f, "  %-22s %s\n", head, verbs[i].help);
	}
	fprintf(f, "\noptions:\n");
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		char head[40];

		if (only && !(only->options & options[i].bit))
			continue;
		snprintf(head, sizeof(head), "%s %s", options[i].name,
			 options[i].arg ? options[i].arg : "");
		fprintf(f, "  %-22s %s\n", head, options[i].help);
	}
	fprintf(f, "  %-22s %s\n  %-22s %s\n  %-22s %s\n", "-v", "log each step to stderr",
		"-h, --help", "show this help", "--version", "print the version");
}

static int usage_error(const struct verb *v, const char *fmt, const char *what)
{
	fprintf(stderr, "xdpload: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	usage(stderr, v);
	return EXIT_USAGE;
}

static int option_value(const struct verb *v, struct opts *o, const char *opt, const char *val)
{
	char *end;

	if (!val)
		return usage_error(v, "option %s needs a value", opt);
	if (!strcmp(opt, "--prog")) {
		o->prog = val;
	} else if (!strcmp(opt, "--mode")) {
		if (!strcmp(val, "skb") || !strcmp(val, "generic"))
			o->mode_flags = XDP_FLAGS_SKB_MODE;
		else if (!strcmp(val, "native") || !strcmp(val, "drv"))
			o->mode_flags = XDP_FLAGS_DRV_MODE;
		else if (!strcmp(val, "hw") || !strcmp(val, "offload"))
			o->mode_flags = XDP_FLAGS_HW_MODE;
		else
			return usage_error(v, "--mode %s: expected skb, native or hw", val);
	} else if (!strcmp(opt, "--duration")) {
		errno = 0;
		o->duration = strtol(val, &end, 10);
		if (errno || *end || end == val || o->duration < 0)
			return usage_error(v, "--duration %s: expected whole seconds", val);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .duration = -1 };
	const struct verb *v = NULL;
	bool options_done = false;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage_error(NULL, "%s", "no verb given");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout, NULL);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("xdpload %s\n", XDPLOAD_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			v = &verbs[i];
	if (!v)
		return usage_error(NULL, "unknown verb %s", argv[1]);

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		unsigned int bit = 0;

		if (options_done || a[0] != '-' || !a[1]) {
			if (o.nargs >= v->max_args)
				return usage_error(v, "unexpected argument %s", a);
			o.args[o.nargs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout, v);
			return EXIT_OK;
		}
		if (!strcmp(a, "-v")) {
			verbose = true;
			continue;
		}
		for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (!strcmp(a, options[k].name) ||
			    (!strcmp(a, "--json") && options[k].bit == OPT_JSON))
				bit = options[k].bit;
		if (!bit)
			return usage_error(v, "unknown option %s", a);
		if (!(v->options & bit))
			return usage_error(v, "option %s does not apply to this verb", a);
		if (bit == OPT_FORCE) {
			o.force = true;
		} else if (bit == OPT_JSON) {
			o.json = true;
		} else {
			int code = option_value(v, &o, a, i + 1 < argc ? argv[i + 1] : NULL);

			if (code)
				return code;
			i++;
		}
	}
	if (o.nargs < v->min_args)
		return usage_error(v, "%s needs more arguments", v->name);
	return v->fn(&o);
}
