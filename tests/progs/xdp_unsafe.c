// SPDX-License-Identifier: GPL-2.0
/*
 * Reads the packet without checking data_end: the verifier must refuse it,
 * and xdpload must show the verifier's log.
 */
#include "xdp_kern.h"

SEC("xdp")
int xdp_unsafe(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;

	return data[12] == 0x08 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
