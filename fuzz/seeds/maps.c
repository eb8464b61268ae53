// SPDX-License-Identifier: MIT
/* Seed: two legacy SEC("maps") definitions, looked up, updated and deleted. */
#include "xdp_kern.h"

struct bpf_map_def SEC("maps") seen = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 64,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct bpf_map_def SEC("maps") stats = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 2,
};

SEC("xdp")
int xdp_maps(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index;
	__u64 one = 1, *v;

	v = bpf_map_lookup_elem(&stats, &key);
	if (v)
		*v += 1;
	if (bpf_map_lookup_elem(&seen, &key))
		bpf_map_delete_elem(&seen, &key);
	else
		bpf_map_update_elem(&seen, &key, &one, BPF_ANY);
	return XDP_PASS;
}

char _license[] SEC("license") = "Dual MIT/GPL";
