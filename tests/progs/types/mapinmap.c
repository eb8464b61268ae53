// SPDX-License-Identifier: GPL-2.0
/*
 * Maps of maps the way libbpf writes them: the inner map's definition is
 * the outer one's __array(values, ...) type, and initial values name maps
 * of the object.  The program finds inner_b through outer_arr[1] and
 * outer_hash[7] and counts into it; the test reads inner_b.
 */
#include "common.h"

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
};

struct inner inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer_arr SEC(".maps") = {
	.values = { [0] = &inner_a, [1] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} outer_hash SEC(".maps") = {
	.values = { [7] = &inner_b },
};

static __always_inline int bump(void *outer, __u32 slot)
{
	__u32 zero = 0;
	void *in = bpf_map_lookup_elem(outer, &slot);
	__u64 *v;

	if (!in)
		return 0;
	v = bpf_map_lookup_elem(in, &zero);
	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return 1;
}

SEC("xdp")
int via_outer(struct xdp_md *ctx)
{
	int found = bump(&outer_arr, 1) + bump(&outer_hash, 7);

	return found == 2 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
