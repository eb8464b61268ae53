// SPDX-License-Identifier: GPL-2.0
/* A multi-buffer aware program: section "xdp.frags" sets BPF_F_XDP_HAS_FRAGS. */
#include "xdp_kern.h"

SEC("xdp.frags")
int xdp_frags_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
