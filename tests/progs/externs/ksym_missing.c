// SPDX-License-Identifier: GPL-2.0
/* A strong untyped ksym that no kernel has: the load must fail, naming it. */
#include "externs.h"

extern const void xdpload_no_such_symbol __ksym;

unsigned long long addr;

SEC("xdp")
int xdp_ksym_missing(struct xdp_md *ctx)
{
	addr = (unsigned long long)&xdpload_no_such_symbol;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
