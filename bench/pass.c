// SPDX-License-Identifier: GPL-2.0
/* pass.c - the floor: an XDP program that passes every frame untouched. */
#include "../xdp_kern.h"

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
