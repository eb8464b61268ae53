// SPDX-License-Identifier: GPL-2.0
/* A section name no rule knows: every loader must refuse it, saying which. */
#include "common.h"

SEC("xdpx_prog")
int fine(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("kprobes/do_nanosleep")
int misspelt(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
