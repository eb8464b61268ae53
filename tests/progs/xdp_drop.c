// SPDX-License-Identifier: GPL-2.0
/* Drops every packet: attached to a veth, ping across it must fail. */
#include "xdp_kern.h"

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
