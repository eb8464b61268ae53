// SPDX-License-Identifier: GPL-2.0
/*
 * A hash whose size the object leaves to whoever loads it (max_entries 0):
 * without --map-size the load stops and names the map and the option.
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
} flows SEC(".maps");

SEC("xdp")
int count_flows(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index;
	__u64 one = 1;

	bpf_map_update_elem(&flows, &key, &one, BPF_ANY);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
