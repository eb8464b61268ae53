// SPDX-License-Identifier: GPL-2.0
/*
 * hash1.c - the yardstick the firewall is held to: parse Ethernet and IPv4,
 * look the source up once in a hash, drop on a hit.  Its map is declared
 * exactly as the firewall's fw_v4, so with --pin-maps it reuses the
 * firewall's pinned map and looks up in the very same rules.
 */
#include "../xdp_kern.h"
#include "../fw/firewall.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FW_MAX_EXACT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct fw_exact);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw_v4 SEC(".maps");

SEC("xdp")
int xdp_hash1(struct xdp_md *ctx)
{
	__u8 *data = (__u8 *)(long)ctx->data;
	__u8 *end = (__u8 *)(long)ctx->data_end;
	__u32 source;

	/* Ethernet (14 bytes), then the IPv4 source at offset 12 of its header. */
	if (data + 34 > end || data[12] != 0x08 || data[13] != 0x00)
		return XDP_PASS;
	__builtin_memcpy(&source, data + 26, 4);
	return bpf_map_lookup_elem(&fw_v4, &source) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
