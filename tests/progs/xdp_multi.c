// SPDX-License-Identifier: GPL-2.0
/*
 * Several programs in one object: two XDP programs (one in a tutorial-style
 * "xdp_pass" section libbpf 1.x will not type), a devmap program that cannot
 * attach to an interface, and a non-XDP program xdpload must not guess at.
 */
#include "xdp_kern.h"

SEC("xdp")
int xdp_drop_all(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

SEC("xdp_pass")
int xdp_pass_all(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

/* Only a program loaded for devmap entries may read egress_ifindex. */
SEC("xdp/devmap")
int xdp_in_devmap(struct xdp_md *ctx)
{
	return ctx->egress_ifindex ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int tc_pass(void *skb)
{
	(void)skb;
	return 0;
}

char _license[] SEC("license") = "GPL";
