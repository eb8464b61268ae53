// SPDX-License-Identifier: GPL-2.0
/*
 * The seed's program, kept here unchanged for bench/load.sh: an XDP program
 * with no maps that lets every packet pass, the smallest cycle a loader can
 * have and the one the README's targets are stated for.
 */
#include "xdp_kern.h"

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
