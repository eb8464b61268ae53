// SPDX-License-Identifier: GPL-2.0
/*
 * Untyped ksyms: the address of a kernel function, from /proc/kallsyms, and
 * a __weak one that no kernel has, which must read as 0.
 */
#include "externs.h"

extern const void bpf_prog_put __ksym;
extern const void xdpload_no_such_symbol __ksym __weak;

unsigned long long prog_put = 1;
unsigned long long no_such = 1;

SEC("xdp")
int xdp_ksym(struct xdp_md *ctx)
{
	prog_put = (unsigned long long)&bpf_prog_put;
	no_such = (unsigned long long)&xdpload_no_such_symbol;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
