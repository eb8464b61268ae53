// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_kern.c - the firewall xdpload ships.  For now it is the seed of the Aya
 * book's example: an XDP program that lets every packet pass.  It grows a
 * blocklist of source addresses later; its program name and section stay.
 */
#include "xdp_kern.h"

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
