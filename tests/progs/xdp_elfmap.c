// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2's older map definition, struct bpf_elf_map: four more fields after
 * the five of struct bpf_map_def (id, pinning, inner id, inner index).  The
 * entry size is derived from the section, so both maps must load; the
 * program drops packets whose first byte's map slot is set, counting them.
 */
#include "xdp_kern.h"

struct bpf_elf_map {
	__u32 type, size_key, size_value, max_elem, flags;
	__u32 id, pinning, inner_id, inner_idx;
};

struct bpf_elf_map SEC("maps") hits = {
	.type = BPF_MAP_TYPE_PERCPU_ARRAY,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u64),
	.max_elem = 4,
	.pinning = 2, /* PIN_GLOBAL_NS in iproute2; xdpload ignores it */
};

struct bpf_elf_map SEC("maps") flows = {
	.type = BPF_MAP_TYPE_HASH,
	.size_key = sizeof(__u32),
	.size_value = sizeof(__u32),
	.max_elem = 1024,
	.flags = BPF_F_NO_PREALLOC,
	.id = 7,
};

SEC("xdp_prog")
int xdp_elfmap(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 3;
	__u64 *hit = bpf_map_lookup_elem(&hits, &key);

	if (hit)
		*hit += 1;
	if (bpf_map_lookup_elem(&flows, &key))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
