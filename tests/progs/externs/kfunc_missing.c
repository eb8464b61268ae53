// SPDX-License-Identifier: GPL-2.0
/* A strong kfunc that no kernel has: the load must fail, naming it. */
#include "externs.h"

extern int bpf_xdpload_no_such_kfunc(struct xdp_md *xdp) __ksym;

SEC("xdp")
int xdp_kfunc_missing(struct xdp_md *ctx)
{
	return bpf_xdpload_no_such_kfunc(ctx);
}

char _license[] SEC("license") = "GPL";
