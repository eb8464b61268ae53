// SPDX-License-Identifier: MIT
/*
 * Seed: the oldest legacy map definition, four fields and no flags, so the
 * "maps" section splits into 16-byte entries.
 */
#include "xdp_kern.h"

struct bpf_map_def_old {
	__u32 type, key_size, value_size, max_entries;
};

struct bpf_map_def_old SEC("maps") counters = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def_old SEC("maps") prefixes = {
	.type = BPF_MAP_TYPE_LPM_TRIE,
	.key_size = 8,
	.value_size = sizeof(__u32),
	.max_entries = 16,
};

SEC("xdp/devmap")
int xdp_old_maps(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 3;
	__u64 *v = bpf_map_lookup_elem(&counters, &key);

	if (v)
		*v += 1;
	return bpf_map_lookup_elem(&prefixes, &key) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
