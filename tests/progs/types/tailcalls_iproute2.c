// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls as iproute2 (tc) writes them: a prog array in the legacy maps
 * section as struct bpf_elf_map with an id, and programs in sections named
 * "ID/KEY", which iproute2 puts at KEY of the map with that id and loads as
 * the type of the entry program, a tc classifier here.  libbpf refuses the
 * object (it knows neither).  Entry -> 1/0 -> 1/1, which returns 7.
 */
#include "common.h"

struct bpf_elf_map {
	__u32 type, size_key, size_value, max_elem, flags;
	__u32 id, pinning, inner_id, inner_idx;
};

#define JMP_MAP_ID 1

struct bpf_elf_map SEC("maps") jmp_map = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.id = JMP_MAP_ID,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 2,
	.pinning = 2, /* PIN_GLOBAL_NS */
};

struct bpf_elf_map SEC("maps") counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 4,
};

static __always_inline void count(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&counts, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("1/0")
int first(struct __sk_buff *skb)
{
	count(1);
	bpf_tail_call(skb, &jmp_map, 1);
	return 3;
}

SEC("1/1")
int second(struct __sk_buff *skb)
{
	count(2);
	return 7;
}

SEC("classifier")
int entry(struct __sk_buff *skb)
{
	count(0);
	bpf_tail_call(skb, &jmp_map, 0);
	return 1;
}

char _license[] SEC("license") = "GPL";
