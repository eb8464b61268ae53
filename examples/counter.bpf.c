// SPDX-License-Identifier: GPL-2.0
/*
 * counter.bpf.c - count the IPv4 packets of one protocol, and when set only
 * those from one source, that reach the interface; let every packet pass.
 * The protocol and the source are `const volatile` settings in .rodata,
 * which user space sets before the load (counter.c, through its generated
 * skeleton), so the verifier sees them as constants; the counts live in
 * .bss, which user space reads while packets flow.
 */
#define SEC(name) __attribute__((section(name), used))

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

const volatile __u8 protocol = 1; /* IPPROTO_ICMP */
const volatile __u32 source = 0;  /* network byte order; 0: any */

struct counts {
	__u64 packets;
	__u64 bytes;
} counts;

SEC("xdp")
int xdp_counter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > end || eth->proto != __builtin_bswap16(ETH_P_IP))
		return XDP_PASS;
	if (ip->protocol != protocol || (source && ip->saddr != source))
		return XDP_PASS;
	__sync_fetch_and_add(&counts.packets, 1);
	__sync_fetch_and_add(&counts.bytes, (__u64)(end - data));
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
