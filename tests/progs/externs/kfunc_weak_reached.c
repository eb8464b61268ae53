// SPDX-License-Identifier: GPL-2.0
/*
 * A __weak kfunc that no kernel has, called without asking whether it is
 * there: its call is poisoned, and the verifier refuses it because it is
 * reached.
 */
#include "externs.h"

extern int bpf_xdpload_no_such_kfunc(struct xdp_md *xdp) __ksym __weak;

SEC("xdp")
int xdp_kfunc_weak_reached(struct xdp_md *ctx)
{
	return bpf_xdpload_no_such_kfunc(ctx);
}

char _license[] SEC("license") = "GPL";
