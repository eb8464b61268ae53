// SPDX-License-Identifier: MIT
/*
 * netlink.c - the rtnetlink conversation that attaches, replaces, detaches and
 * reports XDP programs on interfaces (what `ip link set dev X xdp ...` sends).
 *
 * Every request asks for an ACK with extended ack messages and a capped echo,
 * and every reply is checked for our sequence number and port id before it is
 * believed.  Attribute walks are bounded by the enclosing length at each step.
 * When the kernel explains a refusal ("Error: ..."), its words are kept in
 * xdpl_error.kernel for the caller to print.  A dump the kernel marks as
 * interrupted (NLM_F_DUMP_INTR: links changed while it ran) is taken again.
 * The socket and the reply buffer live in the handle the caller owns
 * (struct xdpl_nl); lib/xdp.c builds the attach policy on these requests.
 * Nothing here prints.
 *
 *   request:  nlmsghdr | ifinfomsg | IFLA_XDP { IFLA_XDP_FD, IFLA_XDP_FLAGS,
 *                                               IFLA_XDP_EXPECTED_FD }
 *
 *   one message           one attribute (4-byte aligned)
 *   +-----------------+   +--------+--------+------------------+
 *   | nlmsghdr (16)   |   | len u16| type u16| payload ... pad |
 *   | payload ...     |   +--------+--------+------------------+
 *   +-----------------+    len counts header + payload, not padding
 *
 *   error/ack: nlmsghdr | error s32 | request's nlmsghdr | TLVs (extack)
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

/* ---- the slice of the netlink and rtnetlink ABI we use ---- */

struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type;
	uint16_t nlmsg_flags;
	uint32_t nlmsg_seq;
	uint32_t nlmsg_pid;
};

struct nlattr {
	uint16_t nla_len;
	uint16_t nla_type;
};

struct ifinfomsg {
	uint8_t ifi_family;
	uint8_t pad;
	uint16_t ifi_type;
	int32_t ifi_index;
	uint32_t ifi_flags;
	uint32_t ifi_change;
};

struct nl_sockaddr {
	uint16_t nl_family;
	uint16_t nl_pad;
	uint32_t nl_pid;
	uint32_t nl_groups;
};

#define NETLINK_ROUTE 0
#define SOL_NETLINK 270
#define NETLINK_CAP_ACK 10
#define NETLINK_EXT_ACK 11

#define NLMSG_ERROR 2
#define NLMSG_DONE 3
#define NLM_F_REQUEST 0x01
#define NLM_F_MULTI 0x02
#define NLM_F_ACK 0x04
#define NLM_F_DUMP_INTR 0x10
#define NLM_F_DUMP 0x300
#define NLM_F_CAPPED 0x100
#define NLM_F_ACK_TLVS 0x200
#define NLMSGERR_ATTR_MSG 1
#define NLA_F_NESTED 0x8000
#define NLA_TYPE_MASK 0x3fff

#define RTM_NEWLINK 16
#define RTM_DELLINK 17
#define RTM_GETLINK 18
#define RTM_SETLINK 19
#define IFLA_IFNAME 3
#define IFLA_XDP 43
#define IFLA_EXT_MASK 29
#define RTEXT_FILTER_SKIP_STATS (1U << 3)
#define RTNLGRP_LINK 1

enum {
	IFLA_XDP_FD = 1,
	IFLA_XDP_ATTACHED = 2,
	IFLA_XDP_FLAGS = 3,
	IFLA_XDP_PROG_ID = 4,
	IFLA_XDP_DRV_PROG_ID = 5,
	IFLA_XDP_SKB_PROG_ID = 6,
	IFLA_XDP_HW_PROG_ID = 7,
	IFLA_XDP_EXPECTED_FD = 8,
};

#define NL_ALIGN(len) (((len) + 3U) & ~3U)
#define NL_HDRLEN NL_ALIGN(sizeof(struct nlmsghdr))
#define NL_RECV_SIZE 65536

struct nl_request {
	struct nlmsghdr hdr;
	struct ifinfomsg ifi;
	uint8_t attrs[128];
};

/*
 * One rtnetlink conversation.  The socket opens with the first request, so
 * a handle costs nothing until it is used, and then serves every request:
 * attach reads the mode back after setting it, detach reads the state before
 * clearing it, and a socket each would cost five more syscalls (socket, two
 * setsockopt, bind, getsockname) and a close.  A request left unfinished by
 * an error cannot confuse the next one, whose replies are told apart by
 * their sequence number.  Replies land in the handle's one buffer: no
 * callback makes a request, so only one request uses it at a time.
 */
struct xdpl_nl {
	int fd;
	int watch_fd; /* xdpl_nl_link_watch(): RTNLGRP_LINK's notifications, or -1 */
	uint32_t port;
	uint32_t seq;
	uint8_t buf[NL_RECV_SIZE];
};

int xdpl_nl_open(struct xdpl_nl **out, struct xdpl_error *e)
{
	struct xdpl_nl *nl = malloc(sizeof(*nl));

	*out = nl;
	if (!nl)
		return err_set(e, -ENOMEM, "netlink: out of memory for a handle");
	nl->fd = nl->watch_fd = -1;
	nl->port = nl->seq = 0;
	return 0;
}

void xdpl_nl_close(struct xdpl_nl *nl)
{
	if (!nl)
		return;
	if (nl->fd >= 0)
		close(nl->fd);
	if (nl->watch_fd >= 0)
		close(nl->watch_fd);
	free(nl);
}

static int nl_connect(struct xdpl_nl *nl, struct xdpl_error *e)
{
	struct nl_sockaddr sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	int one = 1;

	if (nl->fd >= 0)
		return 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return err_sys(e, -errno, "netlink: cannot open an rtnetlink socket");
	/* Older kernels lack these options; their absence only costs detail. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &len) < 0) {
		int err = -errno;

		close(nl->fd);
		nl->fd = -1;
		return err_sys(e, err, "netlink: cannot bind the rtnetlink socket");
	}
	nl->port = sa.nl_pid;
	nl->seq = nl->port ^ 0x5d1a0000U;
	xdpl_log("netlink: rtnetlink socket fd %d, port id %u", nl->fd, nl->port);
	return 0;
}

/*
 * The index of the interface called name.  Any socket answers SIOCGIFINDEX
 * for its network namespace; asking the handle's socket saves the socket
 * if_nametoindex() opens for this one question, and its close.
 */
int xdpl_nl_ifindex(struct xdpl_nl *nl, const char *name, struct xdpl_error *e)
{
	struct ifreq ifr;
	int err;

	if (strlen(name) >= sizeof(ifr.ifr_name))
		return err_set(e, -ENODEV, "netlink: interface name %s is longer than %zu characters",
			       name, sizeof(ifr.ifr_name) - 1);
	err = nl_connect(nl, e);
	if (err)
		return err;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(nl->fd, SIOCGIFINDEX, &ifr) < 0)
		return err_sys(e, -errno, "netlink: no interface %s in this network namespace", name);
	xdpl_log("netlink: interface %s is ifindex %d", name, ifr.ifr_ifindex);
	return ifr.ifr_ifindex;
}

static void attr_put(struct nl_request *req, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)req + NL_ALIGN(req->hdr.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(sizeof(*a) + len);
	if (len) /* a nest's header has no data: memcpy from NULL is undefined even for 0 bytes */
		memcpy(a + 1, data, len);
	req->hdr.nlmsg_len = NL_ALIGN(req->hdr.nlmsg_len) + NL_ALIGN(a->nla_len);
}

static struct nlattr *nest_start(struct nl_request *req, uint16_t type)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)req + NL_ALIGN(req->hdr.nlmsg_len));

	attr_put(req, type | NLA_F_NESTED, NULL, 0);
	return a;
}

static void nest_end(struct nl_request *req, struct nlattr *nest)
{
	nest->nla_len = (uint16_t)((uint8_t *)req + req->hdr.nlmsg_len - (uint8_t *)nest);
}

/* Bounded attribute walk: calls fn for each whole attribute in [p, p+len). */
static void attrs_walk(const uint8_t *p, size_t len,
		       void (*fn)(const struct nlattr *a, const uint8_t *data, size_t n, void *ctx),
		       void *ctx)
{
	while (len >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t step;

		if (a->nla_len < sizeof(*a) || a->nla_len > len)
			return;
		fn(a, p + sizeof(*a), a->nla_len - sizeof(*a), ctx);
		step = NL_ALIGN(a->nla_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

static void extack_attr(const struct nlattr *a, const uint8_t *data, size_t n, void *ctx)
{
	struct xdpl_error *e = ctx;

	if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && n > 0 && memchr(data, '\0', n))
		snprintf(e->kernel, sizeof(e->kernel), "%s", (const char *)data);
}

/* An NLMSG_ERROR: 0 for an ACK, -errno otherwise; extack text into e->kernel. */
static int error_read(const struct nlmsghdr *h, struct xdpl_error *e)
{
	const uint8_t *p = (const uint8_t *)h + NL_HDRLEN;
	size_t len = h->nlmsg_len - NL_HDRLEN, skip;
	int32_t error;

	if (len < sizeof(error) + sizeof(struct nlmsghdr))
		return -EBADMSG;
	memcpy(&error, p, sizeof(error));
	skip = sizeof(error) + sizeof(struct nlmsghdr);
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		const struct nlmsghdr *echo = (const struct nlmsghdr *)(p + sizeof(error));

		skip = sizeof(error) + NL_ALIGN(echo->nlmsg_len);
	}
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && skip < len)
		attrs_walk(p + skip, len - skip, extack_attr, e);
	return error;
}

/*
 * Send one request and read replies until its ACK (or NLMSG_DONE for a dump),
 * handing each RTM_NEWLINK to fn.  *interrupted tells whether the kernel
 * marked any reply of a dump NLM_F_DUMP_INTR (the list changed under it).
 */
static int nl_talk(struct xdpl_nl *nl, struct nl_request *req, const char *what,
		   int (*fn)(const struct ifinfomsg *ifi, const uint8_t *attrs, size_t len, void *ctx),
		   void *ctx, bool *interrupted, struct xdpl_error *e)
{
	uint8_t *buf = nl->buf;
	struct nl_sockaddr kernel = { .nl_family = AF_NETLINK };
	struct xdpl_error scratch = { 0 };
	uint32_t replies = 0;
	int err = 0;
	bool done = false;

	if (!e)
		e = &scratch; /* the caller does not want the explanation; we still need room for it */

	req->hdr.nlmsg_seq = ++nl->seq;
	req->hdr.nlmsg_pid = nl->port;
	if (sendto(nl->fd, req, req->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return err_sys(e, -errno, "netlink: cannot send %s", what);
	xdpl_log("netlink: sent %s, %u bytes, seq %u%s", what, req->hdr.nlmsg_len,
		 req->hdr.nlmsg_seq, req->hdr.nlmsg_flags & NLM_F_ACK ? ", asking for an ACK" : "");
	while (!done) {
		ssize_t got = recv(nl->fd, buf, NL_RECV_SIZE, 0);
		const uint8_t *p = buf;
		size_t left;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = err_sys(e, -errno, "netlink: cannot receive the reply to %s", what);
			break;
		}
		for (left = (size_t)got; left >= sizeof(struct nlmsghdr);) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)p;
			size_t step;

			if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > left) {
				err = err_set(e, -EBADMSG,
					      "netlink: malformed reply to %s (length %u of %zu)", what,
					      h->nlmsg_len, left);
				done = true;
				break;
			}
			step = NL_ALIGN(h->nlmsg_len);
			if (h->nlmsg_seq == req->hdr.nlmsg_seq && h->nlmsg_pid == nl->port) {
				if ((h->nlmsg_flags & NLM_F_DUMP_INTR) && interrupted)
					*interrupted = true;
				if (h->nlmsg_type == NLMSG_ERROR) {
					err = error_read(h, e);
					if (err) {
						err_sys(e, err, "netlink: the kernel refused %s", what);
						xdpl_log("netlink: seq %u refused: %s%s%s", h->nlmsg_seq,
							 xdpl_errno_name(err), e->kernel[0] ? ": " : "",
							 e->kernel);
					} else {
						xdpl_log("netlink: ACK for seq %u (RTM_NEWLINK replies: %u)%s%s",
							 h->nlmsg_seq, replies,
							 e->kernel[0] ? "; the kernel says: " : "", e->kernel);
					}
					done = true;
				} else if (h->nlmsg_type == NLMSG_DONE) {
					/* A dump that failed part-way says so in its DONE. */
					int32_t status = 0;

					if (h->nlmsg_len >= NL_HDRLEN + sizeof(status))
						memcpy(&status, p + NL_HDRLEN, sizeof(status));
					if (status < 0)
						err = err_sys(e, status, "netlink: %s ended with an error", what);
					xdpl_log("netlink: end of the dump for seq %u (RTM_NEWLINK replies: %u)%s%s",
						 h->nlmsg_seq, replies, status < 0 ? ": " : "",
						 status < 0 ? xdpl_errno_name(status) : "");
					done = true;
				} else if (h->nlmsg_type == RTM_NEWLINK && fn &&
					   h->nlmsg_len >= NL_HDRLEN + sizeof(struct ifinfomsg)) {
					size_t off = NL_HDRLEN + NL_ALIGN(sizeof(struct ifinfomsg));

					replies++;
					if (h->nlmsg_len > off)
						err = fn((const struct ifinfomsg *)(p + NL_HDRLEN),
							 p + off, h->nlmsg_len - off, ctx);
					else
						err = fn((const struct ifinfomsg *)(p + NL_HDRLEN), p, 0,
							 ctx);
					if (err) {
						err_set(e, err, "netlink: cannot record the reply to %s", what);
						done = true;
					}
				}
			}
			if (done || step >= left)
				break;
			p += step;
			left -= step;
		}
	}
	return err;
}

static void request_init(struct nl_request *req, uint16_t type, uint16_t flags, int ifindex)
{
	memset(req, 0, sizeof(*req));
	req->hdr.nlmsg_len = NL_HDRLEN + sizeof(struct ifinfomsg);
	req->hdr.nlmsg_type = type;
	req->hdr.nlmsg_flags = NLM_F_REQUEST | flags;
	req->ifi.ifi_family = 0; /* AF_UNSPEC */
	req->ifi.ifi_index = ifindex;
}

/*
 * Set (prog_fd >= 0) or clear (prog_fd == -1) the XDP program of an interface.
 * With XDP_FLAGS_REPLACE, expected_fd is the program we expect to replace.
 */
int nl_xdp_set(struct xdpl_nl *nl, int ifindex, int prog_fd, uint32_t flags, int expected_fd,
	       struct xdpl_error *e)
{
	struct nl_request req;
	struct nlattr *nest;
	int32_t fd = prog_fd;
	int err;

	err = nl_connect(nl, e);
	if (err)
		return err;
	request_init(&req, RTM_SETLINK, NLM_F_ACK, ifindex);
	nest = nest_start(&req, IFLA_XDP);
	attr_put(&req, IFLA_XDP_FD, &fd, sizeof(fd));
	if (flags)
		attr_put(&req, IFLA_XDP_FLAGS, &flags, sizeof(flags));
	if (flags & XDP_FLAGS_REPLACE) {
		int32_t expected = expected_fd;

		attr_put(&req, IFLA_XDP_EXPECTED_FD, &expected, sizeof(expected));
	}
	nest_end(&req, nest);
	return nl_talk(nl, &req, "RTM_SETLINK (IFLA_XDP)", NULL, NULL, NULL, e);
}

/* What IFLA_XDP says, before state_parse() sorts it by mode. */
struct xdp_state {
	struct xdpl_xdp_info *info;
	uint8_t attached; /* IFLA_XDP_ATTACHED: the mode, or XDP_ATTACHED_MULTI */
	uint32_t prog_id; /* IFLA_XDP_PROG_ID: the program when only one is attached */
};

#define XDP_ATTACHED_MULTI 4

static void xdp_attr(const struct nlattr *a, const uint8_t *data, size_t n, void *ctx)
{
	struct xdp_state *st = ctx;
	uint32_t v = 0;

	if (n >= sizeof(v))
		memcpy(&v, data, sizeof(v));
	switch (a->nla_type & NLA_TYPE_MASK) {
	case IFLA_XDP_ATTACHED:
		st->attached = n >= 1 ? data[0] : 0;
		break;
	case IFLA_XDP_PROG_ID:
		st->prog_id = v;
		break;
	case IFLA_XDP_DRV_PROG_ID:
		st->info->prog_id[XDPL_XDP_NATIVE] = v;
		break;
	case IFLA_XDP_SKB_PROG_ID:
		st->info->prog_id[XDPL_XDP_SKB] = v;
		break;
	case IFLA_XDP_HW_PROG_ID:
		st->info->prog_id[XDPL_XDP_HW] = v;
		break;
	}
}

static void link_attr(const struct nlattr *a, const uint8_t *data, size_t n, void *ctx)
{
	struct xdp_state *st = ctx;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case IFLA_IFNAME:
		if (n > 0 && memchr(data, '\0', n))
			snprintf(st->info->ifname, sizeof(st->info->ifname), "%s", (const char *)data);
		break;
	case IFLA_XDP:
		attrs_walk(data, n, xdp_attr, st);
		break;
	}
}

static void state_parse(struct xdpl_xdp_info *info, const struct ifinfomsg *ifi,
			const uint8_t *attrs, size_t len)
{
	struct xdp_state st = { info, 0, 0 };

	memset(info, 0, sizeof(*info));
	info->ifindex = ifi->ifi_index;
	attrs_walk(attrs, len, link_attr, &st);
	/* With one program attached the kernel reports its id only as PROG_ID. */
	if (st.attached >= XDPL_XDP_NATIVE && st.attached <= XDPL_XDP_HW)
		info->prog_id[st.attached] = st.prog_id;
}

static int one_link(const struct ifinfomsg *ifi, const uint8_t *attrs, size_t len, void *ctx)
{
	state_parse(ctx, ifi, attrs, len);
	return 0;
}

int xdpl_xdp_query(struct xdpl_nl *nl, int ifindex, struct xdpl_xdp_info *info,
		   struct xdpl_error *e)
{
	struct nl_request req;
	uint32_t mask = RTEXT_FILTER_SKIP_STATS;
	int err;

	memset(info, 0, sizeof(*info));
	err = nl_connect(nl, e);
	if (err)
		return err;
	request_init(&req, RTM_GETLINK, NLM_F_ACK, ifindex);
	attr_put(&req, IFLA_EXT_MASK, &mask, sizeof(mask));
	return nl_talk(nl, &req, "RTM_GETLINK", one_link, info, NULL, e);
}

struct link_list {
	struct xdpl_xdp_info *items;
	size_t count;
};

static int list_link(const struct ifinfomsg *ifi, const uint8_t *attrs, size_t len, void *ctx)
{
	struct link_list *list = ctx;
	struct xdpl_xdp_info st, *grown;

	state_parse(&st, ifi, attrs, len);
	if (!st.prog_id[XDPL_XDP_NATIVE] && !st.prog_id[XDPL_XDP_SKB] && !st.prog_id[XDPL_XDP_HW])
		return 0;
	grown = realloc(list->items, (list->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	list->items = grown;
	list->items[list->count++] = st;
	return 0;
}

#define DUMP_TRIES 8

/*
 * Every interface of this network namespace that has an XDP program.  A
 * dump the kernel marks interrupted (links came or went while it ran) may
 * have missed or doubled an interface: it is taken again, a few times.
 */
int xdpl_xdp_list(struct xdpl_nl *nl, struct xdpl_xdp_info **items, size_t *count,
		  struct xdpl_error *e)
{
	struct link_list list = { NULL, 0 };
	struct nl_request req;
	uint32_t mask = RTEXT_FILTER_SKIP_STATS;
	bool interrupted = true;
	int err, tries;

	err = nl_connect(nl, e);
	if (err)
		return err;
	for (tries = 0; !err && interrupted && tries < DUMP_TRIES; tries++) {
		interrupted = false;
		free(list.items);
		list.items = NULL;
		list.count = 0;
		request_init(&req, RTM_GETLINK, NLM_F_DUMP, 0);
		attr_put(&req, IFLA_EXT_MASK, &mask, sizeof(mask));
		err = nl_talk(nl, &req, "RTM_GETLINK (dump)", list_link, &list, &interrupted, e);
		if (!err && interrupted)
			xdpl_log("netlink: the dump was interrupted by a change of links; taking it again");
	}
	if (!err && interrupted)
		err = err_set(e, -EAGAIN, "netlink: RTM_GETLINK (dump): interrupted %d times in a row by changing links",
			      DUMP_TRIES);
	if (err) {
		free(list.items);
		return err;
	}
	*items = list.items;
	*count = list.count;
	return 0;
}

/*
 * Notifications come on a socket of their own: on the request socket they
 * would interleave with the replies nl_talk() reads, and be thrown away as
 * not ours.  Bound to a group, it needs no port id check: the kernel is the
 * only sender to a multicast group of rtnetlink.
 */
int xdpl_nl_link_watch(struct xdpl_nl *nl, struct xdpl_error *e)
{
	struct nl_sockaddr sa = { .nl_family = AF_NETLINK, .nl_groups = 1U << (RTNLGRP_LINK - 1) };

	if (nl->watch_fd >= 0)
		return nl->watch_fd;
	nl->watch_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (nl->watch_fd < 0)
		return err_sys(e, -errno, "netlink: cannot open an rtnetlink socket to watch links");
	if (bind(nl->watch_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(nl->watch_fd);
		nl->watch_fd = -1;
		return err_sys(e, err, "netlink: cannot subscribe to RTNLGRP_LINK");
	}
	xdpl_log("netlink: watching links on fd %d (RTNLGRP_LINK)", nl->watch_fd);
	return nl->watch_fd;
}

/* Whether one datagram of notifications holds RTM_DELLINK for ifindex. */
static bool dellink_in(const uint8_t *p, size_t left, int ifindex)
{
	while (left >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)p;
		const struct ifinfomsg *ifi = (const struct ifinfomsg *)(p + NL_HDRLEN);
		size_t step;

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > left)
			return false;
		if (h->nlmsg_type == RTM_DELLINK && h->nlmsg_len >= NL_HDRLEN + sizeof(*ifi) &&
		    ifi->ifi_index == ifindex)
			return true;
		step = NL_ALIGN(h->nlmsg_len);
		if (step >= left)
			return false;
		p += step;
		left -= step;
	}
	return false;
}

int xdpl_nl_link_gone(struct xdpl_nl *nl, int ifindex, struct xdpl_error *e)
{
	struct xdpl_xdp_info info;
	bool overrun = false;
	int err;

	if (nl->watch_fd < 0)
		return err_set(e, -EBADF, "netlink: no link watch (xdpl_nl_link_watch) to read");
	for (;;) {
		ssize_t got = recv(nl->watch_fd, nl->buf, NL_RECV_SIZE, MSG_DONTWAIT);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == ENOBUFS) {
			/* The kernel dropped some: one of them may have been the one. */
			xdpl_log("netlink: link notifications were dropped (ENOBUFS); asking for ifindex %d",
				 ifindex);
			overrun = true;
			continue;
		}
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (got < 0)
			return err_sys(e, -errno, "netlink: cannot read link notifications");
		if (got == 0)
			break;
		if (dellink_in(nl->buf, (size_t)got, ifindex)) {
			xdpl_log("netlink: RTM_DELLINK for ifindex %d", ifindex);
			return 1;
		}
	}
	if (!overrun)
		return 0;
	err = xdpl_xdp_query(nl, ifindex, &info, e);
	if (err == -ENODEV)
		return 1;
	return err;
}
