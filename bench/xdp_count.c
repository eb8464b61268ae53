// SPDX-License-Identifier: GPL-2.0
/*
 * A packet counter in one BTF-defined array map, for bench/load.sh: the
 * smallest object with a map that every loader compared there accepts.
 * (tests/progs/xdp_count.o defines its map in the legacy `maps` section,
 * which libbpf 1.x, and so ip, bpftool and xdp-loader, refuse.)
 */
#include "xdp_kern.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} packets SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&packets, &key);

	(void)ctx;
	if (count)
		__sync_fetch_and_add(count, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
