// SPDX-License-Identifier: GPL-2.0
/*
 * hello.bpf.c - the Aya book's first XDP program: every packet passes.
 * Self-contained (no libbpf headers), built with
 *   clang -O2 -g -target bpf -c hello.bpf.c -o hello.bpf.o
 */
#define SEC(name) __attribute__((section(name), used))
#define XDP_PASS 2

struct xdp_md;

SEC("xdp")
int xdp_hello(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
