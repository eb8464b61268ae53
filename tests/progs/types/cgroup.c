// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup programs, one per section libbpf names for them, and sockops.
 * The test attaches each to a cgroup of its own (bpftool cgroup attach)
 * and runs tests/progtypes_sockets.py in it, which makes a known number of
 * each call: every program counts exactly that many (the cgroup holds that
 * process alone, so they count whoever calls).  All of them allow what
 * they see.  The IPv6 forms load; the test does not make those calls
 * (newer.c has the Unix-socket ones).
 */
#include "common.h"

#define CG_PROG(sec, name, ctx_type, key) \
	SEC(sec) int name(ctx_type *ctx) { hit_any(key); return 1; }

CG_PROG("cgroup/sock_create", sock_create, struct bpf_sock, 0)
CG_PROG("cgroup/sock_release", sock_release, struct bpf_sock, 1)
CG_PROG("cgroup/sock", sock_plain, struct bpf_sock, 2)
CG_PROG("cgroup/post_bind4", post_bind4, struct bpf_sock, 3)
CG_PROG("cgroup/bind4", bind4, struct bpf_sock_addr, 4)
CG_PROG("cgroup/connect4", connect4, struct bpf_sock_addr, 5)
CG_PROG("cgroup/sendmsg4", sendmsg4, struct bpf_sock_addr, 6)
CG_PROG("cgroup/recvmsg4", recvmsg4, struct bpf_sock_addr, 7)
CG_PROG("cgroup/getsockname4", getsockname4, struct bpf_sock_addr, 8)
CG_PROG("cgroup/getpeername4", getpeername4, struct bpf_sock_addr, 9)
CG_PROG("cgroup/sysctl", on_sysctl, struct bpf_sysctl, 10)
CG_PROG("cgroup/post_bind6", post_bind6, struct bpf_sock, 16)
CG_PROG("cgroup/bind6", bind6, struct bpf_sock_addr, 17)
CG_PROG("cgroup/connect6", connect6, struct bpf_sock_addr, 18)
CG_PROG("cgroup/sendmsg6", sendmsg6, struct bpf_sock_addr, 19)
CG_PROG("cgroup/recvmsg6", recvmsg6, struct bpf_sock_addr, 20)
CG_PROG("cgroup/getsockname6", getsockname6, struct bpf_sock_addr, 21)
CG_PROG("cgroup/getpeername6", getpeername6, struct bpf_sock_addr, 22)

/* Only what the test does: setting and reading SO_REUSEADDR. */
SEC("cgroup/setsockopt")
int on_setsockopt(struct bpf_sockopt *ctx)
{
	if (ctx->level == 1 /* SOL_SOCKET */ && ctx->optname == 2 /* SO_REUSEADDR */)
		hit_any(11);
	return 1;
}

SEC("cgroup/getsockopt")
int on_getsockopt(struct bpf_sockopt *ctx)
{
	if (ctx->level == 1 && ctx->optname == 2)
		hit_any(12);
	return 1;
}

/* /dev/null is character device 1:3. */
SEC("cgroup/dev")
int on_dev(struct bpf_cgroup_dev_ctx *ctx)
{
	if (ctx->major == 1 && ctx->minor == 3)
		hit_any(13);
	return 1;
}

/* Once per connection this cgroup's sockets open. */
SEC("sockops")
int on_sockops(struct bpf_sock_ops *ctx)
{
	if (ctx->op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
		hit_any(14);
	return 1;
}

char _license[] SEC("license") = "GPL";
