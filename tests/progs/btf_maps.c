// SPDX-License-Identifier: GPL-2.0
/*
 * BTF-defined maps, one pinned by name: every run adds one to `counter`
 * (kept under --pin-maps, so a second load sees the first one's count) and
 * records the packet's length in an unpinned hash.
 */
#include "xdp_kern.h"

/* btf_maps_other.c includes this file with another counter definition. */
#ifndef COUNTER_VALUE
#define COUNTER_VALUE __u64
#define COUNTER_ENTRIES 1
#define PROGRAM xdp_btf_maps
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, COUNTER_VALUE);
	__uint(max_entries, COUNTER_ENTRIES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} counter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u64));
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} lengths SEC(".maps");

SEC("xdp")
int PROGRAM(struct xdp_md *ctx)
{
	__u32 zero = 0, len = ctx->data_end - ctx->data;
	COUNTER_VALUE *count = bpf_map_lookup_elem(&counter, &zero);
	__u64 one = 1;

	if (count)
		__sync_fetch_and_add(count, 1);
	bpf_map_update_elem(&lengths, &len, &one, BPF_ANY);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
