// SPDX-License-Identifier: GPL-2.0
/*
 * A prog array whose initial values name a program in a '?' section, which
 * is not loaded unless asked for: its slot stays empty, the jump to it falls
 * through, and the entry program returns XDP_PASS.  With `--prog stage_off`
 * too, the slot is filled and the packet goes back out (XDP_TX).  libbpf
 * refuses the object instead (it cannot fill the slot).
 */
#include "common.h"

int stage_off(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} optional SEC(".maps") = {
	.values = { [0] = (void *)&stage_off },
};

SEC("xdp")
int try_optional(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &optional, 0);
	return XDP_PASS;
}

SEC("?xdp")
int stage_off(struct xdp_md *ctx)
{
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
