// SPDX-License-Identifier: MIT
/*
 * Seed: what the parser classifies but load.c refuses: global variables
 * (.data, .rodata, .bss), a function's address (a callback), an extern.
 */
#include "xdp_kern.h"

static long (*bpf_loop)(__u32 nr, void *fn, void *ctx, __u64 flags) = (void *)181;

__u32 hits = 1;
const volatile __u32 limit = 8;
__u64 drops;
extern __u32 LINUX_KERNEL_VERSION __attribute__((section(".kconfig"), weak));

static int step(__u32 i, void *ctx)
{
	(void)ctx;
	drops += i;
	return 0;
}

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
	hits++;
	bpf_loop(limit, step, ctx, 0);
	return LINUX_KERNEL_VERSION > hits ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
