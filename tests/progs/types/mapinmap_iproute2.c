// SPDX-License-Identifier: GPL-2.0
/*
 * A map of maps as iproute2 writes it (its examples/bpf/bpf_map_in_map.c):
 * the inner map has an id and the index it takes in the outer map
 * (inner_idx); the outer map names that id as its inner_id.  The classifier
 * counts through outer[0] into the inner map and returns what it counted.
 */
#include "common.h"

struct bpf_elf_map {
	__u32 type, size_key, size_value, max_elem, flags;
	__u32 id, pinning, inner_id, inner_idx;
};

#define MAP_INNER_ID 42

struct bpf_elf_map SEC("maps") map_inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.id = MAP_INNER_ID,
	.inner_idx = 0,
	.max_elem = 1,
};

struct bpf_elf_map SEC("maps") map_outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.inner_id = MAP_INNER_ID,
	.max_elem = 1,
};

SEC("classifier")
int count_inner(struct __sk_buff *skb)
{
	__u32 zero = 0, *v;
	void *in = bpf_map_lookup_elem(&map_outer, &zero);

	if (!in)
		return 0;
	v = bpf_map_lookup_elem(in, &zero);
	if (!v)
		return 0;
	__sync_fetch_and_add(v, 1);
	return *v;
}

char _license[] SEC("license") = "GPL";
