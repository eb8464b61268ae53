// SPDX-License-Identifier: MIT
/*
 * xdp.c - the one attach, replace and detach policy, on top of netlink.c's
 * requests, and XDP bpf_links.  Every caller (the CLI's attach, run and
 * detach, the firewall's attach, upgrade and detach, a user's program) goes
 * through here, so the rules hold everywhere:
 *
 *   - a program already on an interface is never replaced silently: a plain
 *     attach asks the kernel to refuse (XDP_FLAGS_UPDATE_IF_NOEXIST);
 *   - a replace is one kernel call naming the program it replaces
 *     (XDP_FLAGS_REPLACE + IFLA_XDP_EXPECTED_FD): never a moment without a
 *     program, and never over one that took the old one's place meanwhile;
 *   - a replace or detach of a program that is gone is refused, not sent
 *     with "expect nothing" (which the kernel would read as "expect the
 *     empty interface" and so attach where a detach had just cleared);
 *   - a detach names its program the same way, so it never removes another.
 *
 * Nothing here prints.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

uint32_t xdp_mode_flag(enum xdpl_xdp_mode mode)
{
	return mode == XDPL_XDP_SKB ? XDP_FLAGS_SKB_MODE
	       : mode == XDPL_XDP_HW ? XDP_FLAGS_HW_MODE
	       : mode == XDPL_XDP_NATIVE ? XDP_FLAGS_DRV_MODE : 0;
}

const char *xdpl_xdp_mode_name(enum xdpl_xdp_mode mode)
{
	static const char *const names[] = { "auto", "native", "skb", "hw" };

	return (unsigned int)mode <= XDPL_XDP_HW ? names[mode] : "?";
}

enum xdpl_xdp_mode xdpl_xdp_mode_of(const struct xdpl_xdp_info *info, uint32_t prog_id)
{
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++)
		if (prog_id && info->prog_id[m] == prog_id)
			return (enum xdpl_xdp_mode)m;
	return XDPL_XDP_AUTO;
}

/* The first mode that has a program, or AUTO when none does. */
static enum xdpl_xdp_mode first_mode(const struct xdpl_xdp_info *info)
{
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++)
		if (info->prog_id[m])
			return (enum xdpl_xdp_mode)m;
	return XDPL_XDP_AUTO;
}

#define OPT(opts, field, dflt) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field) \
		 ? (opts)->field : (dflt))

/*
 * An fd for the program expected at ifindex: the one with prog_id, which
 * must be attached there now.  -ENOENT when it is not (or no longer).
 */
static int expected_open(struct xdpl_nl *nl, int ifindex, uint32_t prog_id,
			 enum xdpl_xdp_mode *mode, const char *step, struct xdpl_error *e)
{
	struct xdpl_xdp_info info;
	int fd, err;

	err = xdpl_xdp_query(nl, ifindex, &info, e);
	if (err)
		return err;
	*mode = xdpl_xdp_mode_of(&info, prog_id);
	if (*mode == XDPL_XDP_AUTO)
		return err_set(e, -ENOENT, "%s: program %u is no longer attached to ifindex %d%s", step,
			       prog_id, ifindex,
			       first_mode(&info) ? " (another program is)" : " (nothing is)");
	fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, prog_id);
	if (fd == -ENOENT)
		return err_set(e, -ENOENT, "%s: program %u on ifindex %d is gone", step, prog_id,
			       ifindex);
	if (fd < 0)
		return err_sys(e, fd, "%s: cannot open program %u (on ifindex %d) by id", step, prog_id,
			       ifindex);
	return fd;
}

int xdpl_xdp_attach(struct xdpl_nl *nl, int ifindex, int prog_fd,
		    const struct xdpl_xdp_attach_opts *opts, struct xdpl_error *e)
{
	enum xdpl_xdp_mode mode = OPT(opts, mode, XDPL_XDP_AUTO), have;
	uint32_t expected = OPT(opts, expected_prog_id, 0);
	struct xdpl_xdp_info info;
	uint32_t flags;
	int expected_fd = -1, err;

	if (!expected && OPT(opts, replace, false)) {
		err = xdpl_xdp_query(nl, ifindex, &info, e);
		if (err)
			return err;
		have = first_mode(&info);
		if (have != XDPL_XDP_AUTO && mode != XDPL_XDP_AUTO && mode != have)
			return err_set(e, -EINVAL,
				       "attach: ifindex %d runs program %u in %s mode; a replace keeps that mode, so detach it first to attach in %s mode",
				       ifindex, info.prog_id[have], xdpl_xdp_mode_name(have),
				       xdpl_xdp_mode_name(mode));
		expected = have != XDPL_XDP_AUTO ? info.prog_id[have] : 0;
	}
	if (expected) {
		expected_fd = expected_open(nl, ifindex, expected, &have, "attach", e);
		if (expected_fd < 0)
			return expected_fd;
		if (mode != XDPL_XDP_AUTO && mode != have) {
			close(expected_fd);
			return err_set(e, -EINVAL, "attach: program %u runs in %s mode, not %s", expected,
				       xdpl_xdp_mode_name(have), xdpl_xdp_mode_name(mode));
		}
		flags = xdp_mode_flag(have) | XDP_FLAGS_REPLACE;
	} else {
		flags = xdp_mode_flag(mode) | XDP_FLAGS_UPDATE_IF_NOEXIST;
	}
	if (expected)
		xdpl_log("attach: RTM_SETLINK IFLA_XDP: ifindex %d, prog fd %d, flags 0x%x, replacing program %u",
			 ifindex, prog_fd, flags, expected);
	else
		xdpl_log("attach: RTM_SETLINK IFLA_XDP: ifindex %d, prog fd %d, flags 0x%x", ifindex,
			 prog_fd, flags);
	err = nl_xdp_set(nl, ifindex, prog_fd, flags, expected_fd, e);
	if (expected_fd >= 0)
		close(expected_fd);
	if (err)
		err_sys(e, err, "attach: ifindex %d: RTM_SETLINK refused", ifindex);
	return err;
}

int xdpl_xdp_detach(struct xdpl_nl *nl, int ifindex, const struct xdpl_xdp_detach_opts *opts,
		    struct xdpl_error *e)
{
	enum xdpl_xdp_mode mode = OPT(opts, mode, XDPL_XDP_AUTO);
	uint32_t expected = OPT(opts, expected_prog_id, 0);
	struct xdpl_xdp_info info;
	int fd, err;

	if (!expected) {
		err = xdpl_xdp_query(nl, ifindex, &info, e);
		if (err)
			return err;
		if (mode == XDPL_XDP_AUTO)
			mode = first_mode(&info);
		expected = mode != XDPL_XDP_AUTO ? info.prog_id[mode] : 0;
		if (!expected)
			return err_set(e, -ENOENT, "detach: no XDP program on ifindex %d%s%s", ifindex,
				       mode != XDPL_XDP_AUTO ? " in mode " : "",
				       mode != XDPL_XDP_AUTO ? xdpl_xdp_mode_name(mode) : "");
	}
	fd = expected_open(nl, ifindex, expected, &mode, "detach", e);
	if (fd < 0)
		return fd;
	xdpl_log("detach: RTM_SETLINK IFLA_XDP: ifindex %d, fd -1, flags 0x%x, only if program %u is there",
		 ifindex, xdp_mode_flag(mode) | XDP_FLAGS_REPLACE, expected);
	err = nl_xdp_set(nl, ifindex, -1, xdp_mode_flag(mode) | XDP_FLAGS_REPLACE, fd, e);
	close(fd);
	if (err)
		err_sys(e, err, "detach: program %u from ifindex %d (%s mode): RTM_SETLINK refused",
			expected, ifindex, xdpl_xdp_mode_name(mode));
	return err;
}

int xdpl_xdp_link(int prog_fd, int ifindex, enum xdpl_xdp_mode mode, struct xdpl_error *e)
{
	int fd;

	xdpl_log("link: BPF_LINK_CREATE: ifindex %d, prog fd %d, flags 0x%x", ifindex, prog_fd,
		 xdp_mode_flag(mode));
	fd = bpf_link_create_xdp(prog_fd, ifindex, xdp_mode_flag(mode));
	if (fd < 0)
		return err_sys(e, fd, "link: ifindex %d: BPF_LINK_CREATE (XDP) refused", ifindex);
	return fd;
}

int xdpl_link_update(int link_fd, int new_prog_fd, uint32_t expected_prog_id,
		     struct xdpl_error *e)
{
	int old, err;

	/* BPF_F_REPLACE with the old program: the kernel swaps only if it still runs. */
	old = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, expected_prog_id);
	if (old < 0)
		return err_sys(e, old, "link: program %u, which the link should run, is gone",
			       expected_prog_id);
	xdpl_log("link: BPF_LINK_UPDATE: link fd %d -> prog fd %d, while it runs program %u",
		 link_fd, new_prog_fd, expected_prog_id);
	err = bpf_link_update(link_fd, new_prog_fd, old);
	close(old);
	if (err)
		err_sys(e, err, "link: BPF_LINK_UPDATE refused");
	return err;
}

int xdpl_xdp_link_find(int ifindex, uint32_t prog_id, struct xdpl_error *e)
{
	bool unknown = false;
	uint32_t id = 0;
	int err;

	while ((err = bpf_next_id(BPF_LINK_GET_NEXT_ID, id, &id)) == 0) {
		struct bpf_link_info info;
		int fd = bpf_fd_by_id(BPF_LINK_GET_FD_BY_ID, id);

		if (fd < 0) {
			unknown |= fd != -ENOENT; /* gone meanwhile is fine; EPERM is not */
			continue;
		}
		if (bpf_obj_info(fd, &info, sizeof(info)) == 0 && info.type == BPF_LINK_TYPE_XDP &&
		    info.prog_id == prog_id && (int)info.xdp_ifindex == ifindex)
			return fd;
		close(fd);
	}
	if (unknown || err != -ENOENT)
		return err_sys(e, -EPERM, "link: some bpf_links could not be looked at");
	return err_set(e, -ENOENT, "link: no bpf_link holds program %u on ifindex %d", prog_id,
		       ifindex);
}
