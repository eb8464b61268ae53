// SPDX-License-Identifier: GPL-2.0
/*
 * A tail call chain the way libbpf writes one: a prog array whose initial
 * values name the programs (`.values = { [0] = &stage1, ... }`), wired by
 * the loader once they are loaded.  The entry program jumps to slot 0, that
 * one to slot 1, which drops the packet; each stage counts.  Slot 2 is
 * empty: the jump to it falls through (tailcalls_optional.c fills it with
 * a program that does not load).
 */
#include "common.h"

int stage1(struct xdp_md *ctx);
int stage2(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jumps SEC(".maps") = {
	.values = {
		[0] = (void *)&stage1,
		[1] = (void *)&stage2,
	},
};

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	hit_any(0);
	bpf_tail_call(ctx, &jumps, 0);
	return XDP_ABORTED; /* only when slot 0 is empty */
}

SEC("xdp")
int stage1(struct xdp_md *ctx)
{
	hit_any(1);
	bpf_tail_call(ctx, &jumps, 2); /* empty: execution goes on */
	hit_any(3);
	bpf_tail_call(ctx, &jumps, 1);
	return XDP_PASS;
}

SEC("xdp")
int stage2(struct xdp_md *ctx)
{
	hit_any(2);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
