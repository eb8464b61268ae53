// SPDX-License-Identifier: MIT
/*
 * attach.c - the verbs that put a program on an interface and take it off:
 *
 *   attach  load, then RTM_SETLINK/IFLA_XDP: the program stays after we exit
 *   run     load, then BPF_LINK_CREATE: the program lives as long as the link
 *           fd, so SIGINT, SIGTERM, --duration and even SIGKILL detach it
 *   detach  RTM_SETLINK with fd -1 for each mode a program is attached in
 *
 * Part of the command line: with loader.c, testrun.c and show.c, the only
 * files that print.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* The attachment mode holding prog_id, or XDP_MODE_NONE. */
static int mode_of(const struct xdp_state *st, uint32_t prog_id)
{
	for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++)
		if (st->mode_ids[m] && st->mode_ids[m] == prog_id)
			return m;
	return XDP_MODE_NONE;
}

/* The mode is the one asked for in mode_flags, or, when the kernel chose it, asked back. */
void print_attached(const struct loaded *l, const char *iface, uint32_t mode_flags)
{
	struct xdp_state st;
	struct xdpl_error e = { 0 };
	int mode = XDP_MODE_NONE;

	for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++)
		if (mode_flags & mode_flag(m))
			mode = m;
	if (mode == XDP_MODE_NONE && nl_xdp_get(l->ifindex, &st, &e) == 0)
		mode = mode_of(&st, l->info.id);
	printf("attached %s (id %u) to %s (%s mode)\n", l->prog->name, l->info.id, iface,
	       mode_name(mode));
}

/*
 * After a refusal: if the interface went away while the program loaded, say
 * so (BPF_LINK_CREATE answers only EINVAL) and call it the environment's fault.
 */
static bool iface_gone(int ifindex, const char *iface)
{
	struct xdpl_error e = { 0 };
	struct xdp_state st;

	if (nl_xdp_get(ifindex, &st, &e) != -ENODEV)
		return false;
	fprintf(stderr, "xdpload: hint: %s (ifindex %d) is gone: it was removed after xdpload looked it up\n",
		iface, ifindex);
	return true;
}

/*
 * After an EBUSY: when a bpf_link holds the interface's program, neither
 * detach nor --force can take it away; say so instead of suggesting them.
 */
static bool link_holds(int ifindex, const char *iface)
{
	struct xdpl_error e = { 0 };
	struct xdp_state st;
	uint32_t id;

	if (nl_xdp_get(ifindex, &st, &e) || !st.attached)
		return false;
	id = st.prog_id ? st.prog_id : st.mode_ids[XDP_MODE_NATIVE];
	if (strcmp(attached_via(ifindex, id), "link"))
		return false;
	fprintf(stderr, "xdpload: hint: %s already has an XDP program (id %u) held by a bpf_link, as `xdpload run` holds one; neither detach nor --force can remove it: it goes when the link's owner ends\n",
		iface, id);
	return true;
}

/*
 * RTM_SETLINK for a loaded program: only where no program is (the kernel
 * checks, XDP_FLAGS_UPDATE_IF_NOEXIST), or with --force in place of the one
 * there, swapped atomically (XDP_FLAGS_REPLACE names the program we expect).
 */
int attach_netlink(struct loaded *l, const char *iface, const struct opts *o)
{
	struct xdpl_error e = { 0 };
	struct xdp_state st;
	uint32_t flags = o->mode_flags;
	int expected_fd = -1, code, err;

	if (!o->force) {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	} else if (nl_xdp_get(l->ifindex, &st, &e) == 0 && st.attached) {
		int mode = st.attached == XDP_MODE_MULTI ? XDP_MODE_NATIVE : st.attached;

		if (flags && flags != mode_flag(mode)) {
			fprintf(stderr, "xdpload: attach: %s has program %u in %s mode; --force replaces a program in its own mode, so detach it first to use %s mode\n",
				iface, st.mode_ids[mode], mode_name(mode),
				flags == XDP_FLAGS_SKB_MODE ? "skb" : flags == XDP_FLAGS_HW_MODE ? "hw" : "native");
			return EXIT_ATTACH;
		}
		flags = mode_flag(mode);
		expected_fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, st.mode_ids[mode]);
		if (expected_fd >= 0)
			flags |= XDP_FLAGS_REPLACE;
	}
	cli_log("attach: RTM_SETLINK IFLA_XDP: ifindex %d, prog fd %d, flags 0x%x%s", l->ifindex,
		 l->fds.prog_fd, flags, expected_fd >= 0 ? ", replacing the current program" : "");
	err = nl_xdp_set(l->ifindex, l->fds.prog_fd, flags, expected_fd, &e);
	if (expected_fd >= 0)
		close(expected_fd);
	if (err) {
		snprintf(e.msg, sizeof(e.msg), "attach: %s to %s: RTM_SETLINK refused",
			 l->prog->name, iface);
		code = report(&e, EXIT_ATTACH);
		if ((err == -EBUSY || err == -EEXIST) && !link_holds(l->ifindex, iface))
			fprintf(stderr, "xdpload: hint: %s already has an XDP program; replace it with --force or remove it with `xdpload detach %s`\n",
				iface, iface);
		if (iface_gone(l->ifindex, iface))
			code = EXIT_ENV;
		return code;
	}
	if (e.kernel[0])
		fprintf(stderr, "xdpload: kernel says: %s\n", e.kernel);
	return EXIT_OK;
}

int cmd_attach(struct opts *o)
{
	const char *iface = o->args[1];
	struct xdpl_error e = { 0 };
	struct loaded l;
	char dir[4096];
	int code, err;
	bool pinned = false;

	/* The built-in firewall keeps its maps where the firewall verbs find them. */
	if (!o->args[0] && (code = fw_builtin_prepare(o, iface, dir, sizeof(dir))))
		return code;
	code = load_program(&l, o->args[0], iface, o);
	if (!code && !o->args[0])
		code = fw_meta_ready(dir, o);
	if (code)
		goto out;
	if (o->pin) {
		err = bpf_obj_pin(l.fds.prog_fd, o->pin);
		if (err) {
			err_sys(&e, err, "attach: cannot pin program %s at %s", l.prog->name, o->pin);
			e.environment = true;
			code = report(&e, EXIT_ENV);
			goto out;
		}
		pinned = true;
	}
	code = attach_netlink(&l, iface, o);
	if (code)
		goto out;
	print_attached(&l, iface, o->mode_flags);
	if (pinned)
		printf("pinned %s at %s\n", l.prog->name, o->pin);
out:
	if (code && pinned)
		unlink(o->pin);
	loaded_close(&l, o, code != EXIT_OK);
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

int cmd_run(struct opts *o)
{
	const char *path = o->nargs ? o->args[0] : NULL;
	const char *iface = o->nargs > 1 ? o->args[1] : "eth0";
	struct xdpl_error e = { 0 };
	struct xdp_state st;
	struct loaded l;
	sigset_t set;
	char dir[4096];
	int link_fd = -1, old_fds[XDP_MODE_MULTI] = { -1, -1, -1, -1 }, code, sig;

	if (!path && (code = fw_builtin_prepare(o, iface, dir, sizeof(dir))))
		return code;

	/* Signals wait their turn until the link exists and can be closed. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	code = load_program(&l, path, iface, o);
	if (!code && !path)
		code = fw_meta_ready(dir, o);
	if (code)
		goto out;
	if (o->force && nl_xdp_get(l.ifindex, &st, &e) == 0 && st.attached) {
		/*
		 * A link cannot replace a netlink attachment: remove it first, but
		 * hold on to it, to put it back if the link fails.
		 */
		for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++) {
			if (!st.mode_ids[m])
				continue;
			old_fds[m] = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, st.mode_ids[m]);
			if (nl_xdp_set(l.ifindex, -1, mode_flag(m), -1, &e)) {
				snprintf(e.msg, sizeof(e.msg), "run: removing program %u from %s failed",
					 st.mode_ids[m], iface);
				code = report(&e, EXIT_ATTACH);
				goto out;
			}
		}
	}
	cli_log("run: BPF_LINK_CREATE: ifindex %d, prog fd %d, flags 0x%x", l.ifindex,
		 l.fds.prog_fd, o->mode_flags);
	link_fd = bpf_link_create_xdp(l.fds.prog_fd, l.ifindex, o->mode_flags);
	if (link_fd < 0) {
		err_sys(&e, link_fd, "run: %s to %s: BPF_LINK_CREATE (XDP) refused", l.prog->name,
			iface);
		code = report(&e, EXIT_ATTACH);
		if (iface_gone(l.ifindex, iface))
			code = EXIT_ENV;
		if (link_fd == -EBUSY && !link_holds(l.ifindex, iface) &&
		    nl_xdp_get(l.ifindex, &st, &e) == 0 && st.attached)
			fprintf(stderr, "xdpload: hint: %s already has an XDP program (id %u); remove it with `xdpload detach %s` or pass --force\n",
				iface, st.prog_id ? st.prog_id : st.mode_ids[XDP_MODE_NATIVE], iface);
		for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++)
			if (old_fds[m] >= 0 &&
			    nl_xdp_set(l.ifindex, old_fds[m], mode_flag(m) | XDP_FLAGS_UPDATE_IF_NOEXIST, -1, &e) == 0)
				fprintf(stderr, "xdpload: put the previous program back on %s (%s mode)\n",
					iface, mode_name(m));
		goto out;
	}
	cli_log("run: bpf_link fd %d holds %s on ifindex %d until it is closed", link_fd,
		 l.prog->name, l.ifindex);
	print_attached(&l, iface, o->mode_flags);
	fflush(stdout);
	sig = wait_for_stop(o->duration);
	cli_log("run: closing bpf_link fd %d: the kernel detaches %s", link_fd, l.prog->name);
	close(link_fd);
	printf("detached %s from %s (%s)\n", l.prog->name, iface,
	       sig < 0 ? "duration elapsed" : sig == SIGINT ? "SIGINT" : "SIGTERM");
out:
	for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++)
		if (old_fds[m] >= 0)
			close(old_fds[m]);
	loaded_close(&l, o, code != EXIT_OK);
	return code;
}

/*
 * The bpf_link holding prog_id on ifindex, as an fd, or -1: netlink holds it,
 * or (*unknown) we may not look at every link (EPERM).
 */
int xdp_link_find(int ifindex, uint32_t prog_id, bool *unknown)
{
	uint32_t id = 0;
	int err;

	*unknown = false;
	while ((err = bpf_next_id(BPF_LINK_GET_NEXT_ID, id, &id)) == 0) {
		struct bpf_link_info info;
		int fd = bpf_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);

		if (fd < 0) {
			*unknown |= fd != -ENOENT; /* gone meanwhile is fine; EPERM is not */
			continue;
		}
		if (bpf_obj_info(fd, &info, sizeof(info)) == 0 && info.type == BPF_LINK_TYPE_XDP &&
		    info.prog_id == prog_id && (int)info.xdp_ifindex == ifindex)
			return fd;
		close(fd);
	}
	*unknown |= err != -ENOENT;
	return -1;
}

/* Whether a pinned file holds a map (true) or a program (false). */
static int pin_kind(int fd, bool *is_map)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	*is_map = strstr(target, "bpf-map") != NULL;
	return strstr(target, "bpf-map") || strstr(target, "bpf-prog") ? 0 : -EINVAL;
}

/* The maps a program uses (up to MAX_PROG_MAPS), noted before detaching may free it. */
void prog_maps_get(uint32_t prog_id, struct prog_maps *pm)
{
	struct bpf_prog_info info;
	struct bpf_info_by_fd_attr attr;
	int fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, prog_id);

	memset(pm, 0, sizeof(*pm));
	pm->prog_id = prog_id;
	if (fd < 0)
		return;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = bpf_ptr(pm->map_ids);
	memset(&attr, 0, sizeof(attr));
	attr.bpf_fd = (uint32_t)fd;
	attr.info_len = sizeof(info);
	attr.info = bpf_ptr(&info);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0)
		pm->nmaps = info.nr_map_ids < MAX_PROG_MAPS ? info.nr_map_ids : MAX_PROG_MAPS;
	close(fd);
}

/*
 * detach --unpin, once the program is off the interface: remove the pins
 * under the pin directory that hold it or one of its maps.
 */
static void unpin_program(const struct prog_maps *pm, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *ent;

	while (d && (ent = readdir(d))) {
		char path[4096];
		struct bpf_map_info info;
		bool is_map = false, mine = false;
		int pin;

		if (ent->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name) >= sizeof(path))
			continue;
		pin = bpf_obj_get(path);
		if (pin < 0)
			continue;
		if (pin_kind(pin, &is_map) == 0 && bpf_obj_info(pin, &info, sizeof(info)) == 0) {
			for (uint32_t i = 0; is_map && i < pm->nmaps; i++)
				mine |= info.id == pm->map_ids[i];
			mine |= !is_map && info.id == pm->prog_id;
		}
		close(pin);
		if (mine && unlink(path) == 0)
			printf("unpinned %s\n", path);
	}
	if (d)
		closedir(d);
}

int cmd_detach(struct opts *o)
{
	const char *iface = o->args[0];
	struct xdpl_error e = { 0 };
	struct xdp_state st;
	int ifindex, removed = 0;

	ifindex = iface_index(iface, &e);
	if (ifindex < 0)
		return report(&e, EXIT_ENV);
	if (nl_xdp_get(ifindex, &st, &e))
		return report(&e, EXIT_ATTACH);
	for (int m = XDP_MODE_NATIVE; m <= XDP_MODE_HW; m++) {
		struct bpf_prog_info info;
		struct prog_maps pm;
		int code;

		if (!st.mode_ids[m] || (o->mode_flags && o->mode_flags != mode_flag(m)))
			continue;
		prog_info_by_id(st.mode_ids[m], &info);
		if (o->unpin)
			prog_maps_get(st.mode_ids[m], &pm);
		if (nl_xdp_set(ifindex, -1, mode_flag(m), -1, &e)) {
			snprintf(e.msg, sizeof(e.msg), "detach: %s (id %u) from %s (%s mode): RTM_SETLINK refused",
				 info.name, st.mode_ids[m], iface, mode_name(m));
			code = report(&e, EXIT_ATTACH);
			if (strstr(e.kernel, "link"))
				fprintf(stderr, "xdpload: hint: a bpf_link holds it (`xdpload run` or another loader); stop that process to detach\n");
			return code;
		}
		printf("detached %s (id %u) from %s (%s mode)\n", info.name, st.mode_ids[m], iface,
		       mode_name(m));
		if (o->unpin)
			unpin_program(&pm, o->load.pin_dir);
		removed++;
	}
	if (!removed)
		printf("no XDP program on %s\n", iface);
	return EXIT_OK;
}
