// SPDX-License-Identifier: GPL-2.0
/*
 * Global data in every kind of section: a .bss counter that each run
 * increments, a .data value initialised by the object, a custom
 * .data.stats section, and const volatile settings in .rodata that
 * `--set` changes before load (the verdict depends on drop_port).
 */
#include "xdp_kern.h"

enum verdict_mode { MODE_PASS = 0, MODE_DROP = 1, MODE_ABORT = 7 };

const volatile __u16 drop_port = 0;        /* UDP destination port to drop; 0: none */
const volatile _Bool enabled = 1;
const volatile __s8 level = -3;
const volatile enum verdict_mode mode = MODE_PASS;
const volatile char label[8] = "seed";
const volatile __u64 big = 0;

__u64 runs;                   /* .bss */
__u32 magic = 0xfeedbeef;     /* .data */
__u32 udp_seen SEC(".data.stats") = 0;

struct hdr {
	__u8 dst[6], src[6];
	__u16 proto;
	__u8 ip[20];
	__u16 sport, dport;
} __attribute__((packed));

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct hdr *h = data;

	runs++;
	if (!enabled)
		return XDP_PASS;
	if (mode == MODE_DROP)
		return XDP_DROP;
	if ((void *)(h + 1) > end || h->proto != __builtin_bswap16(0x0800) || h->ip[9] != 17)
		return XDP_PASS;
	udp_seen++;
	if (drop_port && h->dport == __builtin_bswap16(drop_port))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
