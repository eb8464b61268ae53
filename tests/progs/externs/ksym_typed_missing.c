// SPDX-License-Identifier: GPL-2.0
/* A strong typed ksym that no kernel has: the load must fail, naming it. */
#include "externs.h"

extern const int xdpload_no_such_percpu __ksym;

SEC("xdp")
int xdp_ksym_typed_missing(struct xdp_md *ctx)
{
	return *(const int *)bpf_this_cpu_ptr(&xdpload_no_such_percpu) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
