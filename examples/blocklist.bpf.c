// SPDX-License-Identifier: GPL-2.0
/*
 * blocklist.bpf.c - the Aya book's next step: drop IPv4 packets whose source
 * is in the hash map `blocklist` (filled from user space), and count the
 * drops per CPU in `drops`.  Self-contained: the few kernel names it needs
 * are spelled here, as libbpf's headers would spell them.
 */
#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define XDP_DROP 1
#define XDP_PASS 2
#define ETH_P_IP 0x0800

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

struct xdp_md {
	__u32 data;
	__u32 data_end;
};

struct ethhdr {
	__u8 dst[6], src[6];
	__u16 proto;
};

struct iphdr {
	__u8 ihl_version, tos;
	__u16 tot_len, id, frag_off;
	__u8 ttl, protocol;
	__u16 check;
	__u32 saddr, daddr;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* IPv4 source, network byte order */
	__type(value, __u32); /* unused */
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

SEC("xdp")
int xdp_blocklist(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 zero = 0;
	__u64 *count;

	if ((void *)(ip + 1) > end || eth->proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;
	if (!bpf_map_lookup_elem(&blocklist, &ip->saddr))
		return XDP_PASS;
	count = bpf_map_lookup_elem(&drops, &zero);
	if (count)
		*count += 1; /* this CPU's own copy: no atomics needed */
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
