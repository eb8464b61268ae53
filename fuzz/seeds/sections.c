// SPDX-License-Identifier: MIT
/* Seed: programs in several sections, one section holding two programs. */
#include "xdp_kern.h"

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	return ctx->rx_queue_index ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_TX;
}

SEC("xdp.frags/cpumap")
int xdp_on_cpumap(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
