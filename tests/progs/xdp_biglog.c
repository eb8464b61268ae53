// SPDX-License-Identifier: GPL-2.0
/*
 * Thousands of instructions, then an unchecked packet read: the verifier's
 * log runs to hundreds of kilobytes, more than xdpload's first log buffer,
 * so it must grow the buffer to show the log whole, refusal included.
 */
#include "xdp_kern.h"

SEC("xdp")
int xdp_biglog(struct xdp_md *ctx)
{
	volatile __u32 acc = 0;
	unsigned char *data = (unsigned char *)(long)ctx->data;

#pragma clang loop unroll(full)
	for (int i = 0; i < 2000; i++)
		acc += i;
	return data[acc & 1];
}

char _license[] SEC("license") = "GPL";
