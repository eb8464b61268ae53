// SPDX-License-Identifier: GPL-2.0
/*
 * A program written the way libbpf users write one, against libbpf's own
 * bpf_helpers.h and the kernel's uapi headers: a BTF-defined per-CPU map, a
 * const volatile setting, a .bss counter, a static subprogram and
 * bpf_printk (whose format string lands in .rodata).  The test compiles it
 * (those headers are a test-time dependency only) and xdpload must load and
 * run it unchanged.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 256);
} proto_count SEC(".maps");

const volatile __u8 blocked_proto = 0;
__u64 seen = 0;

static __noinline int count(__u32 proto)
{
	__u64 *c = bpf_map_lookup_elem(&proto_count, &proto);

	if (c)
		*c += 1;
	return 0;
}

SEC("xdp")
int xdp_typical(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	seen++;
	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	count(ip->protocol);
	if (blocked_proto && ip->protocol == blocked_proto) {
		bpf_printk("dropping protocol %d", ip->protocol);
		return XDP_DROP;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
