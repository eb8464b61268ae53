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
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* The mode is the one asked for, or, when the kernel chose it, asked back. */
void print_attached(const struct loaded *l, const char *iface, enum xdpl_xdp_mode mode)
{
	struct xdpl_xdp_info info;

	if (mode == XDPL_XDP_AUTO && xdpl_xdp_query(cli_nl(), l->ifindex, &info, NULL) == 0)
		mode = xdpl_xdp_mode_of(&info, l->id);
	printf("attached %s (id %u) to %s (%s mode)\n", text(xdpl_prog_name(l->prog)), l->id, iface,
	       mode == XDPL_XDP_AUTO ? "none" : xdpl_xdp_mode_name(mode));
}

/* The program an interface runs (the first mode that has one), or 0. */
static uint32_t attached_id(const struct xdpl_xdp_info *info, enum xdpl_xdp_mode *mode)
{
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++) {
		if (info->prog_id[m]) {
			if (mode)
				*mode = (enum xdpl_xdp_mode)m;
			return info->prog_id[m];
		}
	}
	return 0;
}

/*
 * After a refusal: if the interface went away while the program loaded, say
 * so (BPF_LINK_CREATE answers only EINVAL) and call it the environment's fault.
 */
static bool iface_gone(int ifindex, const char *iface)
{
	struct xdpl_xdp_info info;

	if (xdpl_xdp_query(cli_nl(), ifindex, &info, NULL) != -ENODEV)
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
	struct xdpl_xdp_info info;
	uint32_t id;

	if (xdpl_xdp_query(cli_nl(), ifindex, &info, NULL) || !(id = attached_id(&info, NULL)))
		return false;
	if (strcmp(attached_via(ifindex, id), "link"))
		return false;
	fprintf(stderr, "xdpload: hint: %s already has an XDP program (id %u) held by a bpf_link, as `xdpload run` holds one; neither detach nor --force can remove it: it goes when the link's owner ends\n",
		iface, id);
	return true;
}

/*
 * --force replaces a program in its own mode: one that asks another is
 * refused before anything is sent.
 */
int attach_mode_check(const struct loaded *l, const char *iface, const struct opts *o)
{
	struct xdpl_xdp_info info;
	enum xdpl_xdp_mode have;
	uint32_t old;

	if (o->force && o->mode != XDPL_XDP_AUTO &&
	    xdpl_xdp_query(cli_nl(), l->ifindex, &info, NULL) == 0 &&
	    (old = attached_id(&info, &have)) && have != o->mode) {
		fprintf(stderr, "xdpload: attach: %s has program %u in %s mode; --force replaces a program in its own mode, so detach it first to use %s mode\n",
			iface, old, xdpl_xdp_mode_name(have), xdpl_xdp_mode_name(o->mode));
		return EXIT_ATTACH;
	}
	return EXIT_OK;
}

/* An RTM_SETLINK that failed: the kernel's words, and what to do about it. */
int attach_report(const struct loaded *l, const char *iface, int err, struct xdpl_error *e)
{
	int code;

	if (e->errnum)
		snprintf(e->msg, sizeof(e->msg), "attach: %s to %s: RTM_SETLINK refused",
			 xdpl_prog_name(l->prog), iface);
	code = report(e, EXIT_ATTACH);
	if ((err == -EBUSY || err == -EEXIST) && !link_holds(l->ifindex, iface))
		fprintf(stderr, "xdpload: hint: %s already has an XDP program; replace it with --force or remove it with `xdpload detach %s`\n",
			iface, iface);
	if (iface_gone(l->ifindex, iface))
		code = EXIT_ENV;
	return code;
}

/*
 * RTM_SETLINK for a loaded program: only where no program is, or with
 * --force in place of the one there, swapped atomically (the library's one
 * policy, lib/xdp.c).
 */
int attach_netlink(struct loaded *l, const char *iface, const struct opts *o)
{
	struct xdpl_xdp_attach_opts at = { .sz = sizeof(at), .mode = o->mode, .replace = o->force };
	struct xdpl_error e = { 0 };
	int code = attach_mode_check(l, iface, o), err;

	if (code)
		return code;
	err = xdpl_xdp_attach(cli_nl(), l->ifindex, xdpl_prog_fd(l->prog), &at, &e);
	if (err)
		return attach_report(l, iface, err, &e);
	if (e.kernel[0])
		fprintf(stderr, "xdpload: kernel says: %s\n", e.kernel);
	return EXIT_OK;
}

int cmd_attach(struct opts *o)
{
	const char *iface = o->args[1];
	struct xdpl_error e = { 0 };
	struct xdpl_fw *fw = NULL;
	struct loaded l;
	int code;
	bool pinned = false;

	/* The built-in firewall keeps its maps where the firewall verbs find them. */
	code = o->args[0] ? load_program(&l, o->args[0], iface, o)
			  : fw_load_builtin(&fw, &l, o, iface);
	if (code)
		goto out;
	if (o->pin) {
		if (xdpl_prog_pin(l.prog, o->pin, &e)) {
			snprintf(e.msg, sizeof(e.msg), "attach: cannot pin program %s at %s",
				 xdpl_prog_name(l.prog), o->pin);
			code = report(&e, EXIT_ENV);
			goto out;
		}
		pinned = true;
	}
	code = attach_netlink(&l, iface, o);
	if (code)
		goto out;
	print_attached(&l, iface, o->mode);
	if (pinned)
		printf("pinned %s at %s\n", text(xdpl_prog_name(l.prog)), o->pin);
out:
	if (code && pinned)
		unlink(o->pin);
	if (fw && code)
		xdpl_fw_abandon(fw, l.obj);
	else
		xdpl_fw_close(fw);
	loaded_close(&l, code != EXIT_OK && o->args[0]);
	return code;
}

/*
 * Wait for SIGINT/SIGTERM (on a signalfd: they are blocked), for the
 * duration to pass (0), or for the interface to go away (-ENODEV: deleted
 * or moved to another network namespace, and the link's program with it).
 * With --duration 0 nothing is watched.  Another failure is -errno, in e.
 */
static int wait_for_stop(long duration, int ifindex, struct xdpl_error *e)
{
	struct signalfd_siginfo si;
	struct timespec now, end;
	struct pollfd fds[2] = { { .fd = -1, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
	sigset_t set;
	int ret = 0;

	if (duration == 0)
		return 0;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	fds[0].fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fds[0].fd < 0)
		return err_sys(e, -errno, "run: cannot make a signalfd for SIGINT and SIGTERM");
	fds[1].fd = xdpl_nl_link_watch(cli_nl(), e); /* the handle's: it closes it */
	if (duration > (1L << 40)) /* past any clock: as good as forever */
		duration = -1;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += duration > 0 ? duration : 0;
	while (fds[1].fd >= 0 && !ret) {
		int timeout = -1, n;
		long long ms;

		if (duration > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
				break;
			ms = (long long)(end.tv_sec - now.tv_sec) * 1000 +
			     (end.tv_nsec - now.tv_nsec) / 1000000 + 1;
			timeout = ms > INT_MAX ? INT_MAX : (int)ms;
		}
		n = poll(fds, 2, timeout);
		if (n < 0 && errno != EINTR)
			ret = err_sys(e, -errno, "run: poll");
		if (n <= 0)
			continue;
		/* The interface first: a signal that came with its deletion detaches nothing. */
		if (fds[1].revents) {
			n = xdpl_nl_link_gone(cli_nl(), ifindex, e);
			ret = n == 1 ? -ENODEV : n;
		}
		if (!ret && (fds[0].revents & POLLIN) &&
		    read(fds[0].fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			ret = (int)si.ssi_signo;
	}
	if (fds[1].fd < 0)
		ret = fds[1].fd;
	close(fds[0].fd);
	return ret;
}

/*
 * `run NAME` when NAME is a file here and an interface too: refuse rather
 * than guess (a file called eth1 would be loaded onto eth0).  A path with a
 * slash is a file.
 */
static int run_ambiguous(const struct opts *o)
{
	const char *name = o->args[0];
	struct stat st;

	if (o->nargs != 1 || !name || strchr(name, '/') || stat(name, &st) ||
	    xdpl_nl_ifindex(cli_nl(), name, NULL) < 0)
		return EXIT_OK;
	fprintf(stderr, "xdpload: run: %s is both a file here and an interface; say which: `xdpload run ./%s` loads the file (onto eth0), `xdpload run --builtin %s` runs the built-in firewall on the interface\n",
		text(name), text(name), text(name));
	return EXIT_USAGE;
}

/* One program a --force run took off the interface, to put back if the link fails. */
struct removed {
	int fd;
	uint32_t id;
};

int cmd_run(struct opts *o)
{
	const char *path = o->nargs ? o->args[0] : NULL;
	const char *iface = o->nargs > 1 ? o->args[1] : "eth0";
	struct xdpl_error e = { 0 };
	struct xdpl_xdp_info info;
	struct removed old[XDPL_XDP_HW + 1] = { { -1, 0 }, { -1, 0 }, { -1, 0 }, { -1, 0 } };
	struct xdpl_fw *fw = NULL;
	struct loaded l;
	sigset_t set;
	int link_fd = -1, code, sig;

	code = run_ambiguous(o);
	if (code)
		return code;
	/* Signals wait their turn until the link exists and can be closed. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	/* The built-in firewall loads as the firewall verbs do, against its pinned state. */
	code = path ? load_program(&l, path, iface, o) : fw_load_builtin(&fw, &l, o, iface);
	if (code)
		goto out;
	if (o->force && xdpl_xdp_query(cli_nl(), l.ifindex, &info, &e) == 0) {
		/*
		 * A link cannot replace a netlink attachment: remove it first, but
		 * hold on to it, to put it back if the link fails.
		 */
		for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++) {
			struct xdpl_xdp_detach_opts det = { .sz = sizeof(det),
							    .expected_prog_id = info.prog_id[m] };

			if (!info.prog_id[m])
				continue;
			old[m].id = info.prog_id[m];
			old[m].fd = xdpl_prog_open_id(old[m].id, NULL);
			if (xdpl_xdp_detach(cli_nl(), l.ifindex, &det, &e)) {
				snprintf(e.msg, sizeof(e.msg), "run: removing program %u from %s failed",
					 info.prog_id[m], iface);
				code = report(&e, EXIT_ATTACH);
				goto out;
			}
		}
	}
	/*
	 * Watching before the link exists: an interface deleted from here on
	 * is either refused by BPF_LINK_CREATE or seen by wait_for_stop().
	 */
	if (o->duration != 0 && xdpl_nl_link_watch(cli_nl(), &e) < 0) {
		code = report(&e, EXIT_ENV);
		goto out;
	}
	link_fd = xdpl_xdp_link(xdpl_prog_fd(l.prog), l.ifindex, o->mode, &e);
	if (link_fd < 0) {
		snprintf(e.msg, sizeof(e.msg), "run: %s to %s: BPF_LINK_CREATE (XDP) refused",
			 xdpl_prog_name(l.prog), iface);
		code = report(&e, EXIT_ATTACH);
		if (iface_gone(l.ifindex, iface))
			code = EXIT_ENV;
		if (link_fd == -EBUSY && !link_holds(l.ifindex, iface) &&
		    xdpl_xdp_query(cli_nl(), l.ifindex, &info, NULL) == 0 && attached_id(&info, NULL))
			fprintf(stderr, "xdpload: hint: %s already has an XDP program (id %u); remove it with `xdpload detach %s` or pass --force\n",
				iface, attached_id(&info, NULL), iface);
		for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++) {
			struct xdpl_xdp_attach_opts at = { .sz = sizeof(at), .mode = (enum xdpl_xdp_mode)m };

			if (old[m].fd >= 0 &&
			    xdpl_xdp_attach(cli_nl(), l.ifindex, old[m].fd, &at, NULL) == 0)
				fprintf(stderr, "xdpload: put the previous program back on %s (%s mode)\n",
					iface, xdpl_xdp_mode_name((enum xdpl_xdp_mode)m));
		}
		goto out;
	}
	cli_log("run: bpf_link fd %d holds %s on ifindex %d until it is closed", link_fd,
		xdpl_prog_name(l.prog), l.ifindex);
	xdpl_fw_close(fw); /* the link holds the firewall now */
	fw = NULL;
	print_attached(&l, iface, o->mode);
	fflush(stdout);
	sig = wait_for_stop(o->duration, l.ifindex, &e);
	if (sig == -ENODEV) {
		/* Nothing to detach: never say "detached". */
		close(link_fd);
		fprintf(stderr, "xdpload: run: %s (ifindex %d) was deleted or left this network namespace; %s went with it, nothing is attached\n",
			text(iface), l.ifindex, text(xdpl_prog_name(l.prog)));
		code = EXIT_ENV;
		goto out;
	}
	if (sig < 0) {
		/* Cannot wait any more: the link closes, as after a signal. */
		close(link_fd);
		snprintf(e.msg, sizeof(e.msg), "run: waiting on %s failed; %s is detached",
			 iface, xdpl_prog_name(l.prog));
		code = report(&e, EXIT_ENV);
		goto out;
	}
	cli_log("run: closing bpf_link fd %d: the kernel detaches %s", link_fd, xdpl_prog_name(l.prog));
	close(link_fd);
	printf("detached %s from %s (%s)\n", text(xdpl_prog_name(l.prog)), text(iface),
	       sig == 0 ? "duration elapsed" : sig == SIGINT ? "SIGINT" : "SIGTERM");
out:
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++)
		if (old[m].fd >= 0)
			close(old[m].fd);
	if (fw)
		xdpl_fw_abandon(fw, l.obj);
	loaded_close(&l, code != EXIT_OK && path);
	return code;
}

/*
 * detach --unpin, once the program is off the interface: remove the pins
 * under the pin directory that hold it or one of its maps.
 */
static void unpin_program(const struct xdpl_prog_info *pi, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *ent;

	while (d && (ent = readdir(d))) {
		char path[4096];
		enum xdpl_pin_kind kind;
		struct xdpl_map_info map;
		struct xdpl_prog_info prog;
		bool mine = false;
		int fd;

		if (ent->d_name[0] == '.' ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name) >= sizeof(path))
			continue;
		fd = xdpl_pin_open(path, &kind, NULL);
		if (fd < 0)
			continue;
		if (kind == XDPL_PIN_MAP && xdpl_map_info(fd, &map, NULL) == 0)
			for (uint32_t i = 0; i < pi->nr_map_ids && i < 64; i++)
				mine |= map.id == pi->map_ids[i];
		if (kind == XDPL_PIN_PROG && xdpl_prog_info_by_fd(fd, &prog, NULL) == 0)
			mine = prog.id == pi->id;
		close(fd);
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
	struct xdpl_xdp_info info;
	int ifindex, removed = 0;

	ifindex = iface_index(iface, &e);
	if (ifindex < 0)
		return report(&e, EXIT_ENV);
	if (xdpl_xdp_query(cli_nl(), ifindex, &info, &e))
		return report(&e, EXIT_ATTACH);
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++) {
		struct xdpl_xdp_detach_opts det = { .sz = sizeof(det), .expected_prog_id = info.prog_id[m] };
		struct xdpl_prog_info pi;
		int code;

		if (!info.prog_id[m] || (o->mode != XDPL_XDP_AUTO && (int)o->mode != m))
			continue;
		/* What it is and which maps it uses, noted before detaching may free it. */
		prog_info_by_id(info.prog_id[m], &pi);
		pi.id = info.prog_id[m];
		if (xdpl_xdp_detach(cli_nl(), ifindex, &det, &e)) {
			snprintf(e.msg, sizeof(e.msg), "detach: %s (id %u) from %s (%s mode): RTM_SETLINK refused",
				 pi.name, info.prog_id[m], iface, xdpl_xdp_mode_name((enum xdpl_xdp_mode)m));
			code = report(&e, EXIT_ATTACH);
			if (strstr(e.kernel, "link"))
				fprintf(stderr, "xdpload: hint: a bpf_link holds it (`xdpload run` or another loader); stop that process to detach\n");
			return code;
		}
		printf("detached %s (id %u) from %s (%s mode)\n", text(pi.name), info.prog_id[m], iface,
		       xdpl_xdp_mode_name((enum xdpl_xdp_mode)m));
		if (o->unpin)
			unpin_program(&pi, o->load.pin_dir);
		removed++;
	}
	if (!removed)
		printf("no XDP program on %s\n", iface);
	return EXIT_OK;
}
