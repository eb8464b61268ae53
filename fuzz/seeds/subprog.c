// SPDX-License-Identifier: MIT
/* Seed: a static function in .text called from a program (R_BPF_64_32). */
#include "xdp_kern.h"

static __attribute__((noinline)) int classify(struct xdp_md *ctx)
{
	return ctx->ingress_ifindex & 1 ? XDP_DROP : XDP_PASS;
}

__attribute__((noinline)) int global_helper(__u32 v)
{
	return v > 7;
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	if (global_helper(ctx->rx_queue_index))
		return XDP_ABORTED;
	return classify(ctx);
}

char _license[] SEC("license") = "GPL";
