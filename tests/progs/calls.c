// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-to-bpf calls: a program calls a global function, which calls a static
 * one, each kept out of line; the kernel verifies the global function on its
 * own, from its BTF.  result ends up 42 only if every call landed.
 */
#include "xdp_kern.h"

__u32 result;

static __noinline int add_one(int x)
{
	return x + 1;
}

__noinline int times_two_plus_two(int x)
{
	return add_one(x) * 2;
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	result = (__u32)times_two_plus_two((int)(ctx->rx_queue_index + 20));
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
