// SPDX-License-Identifier: GPL-2.0
/*
 * A __weak typed ksym the kernel lacks reads as a NULL address, so a
 * program can test for it and take another way; this one returns XDP_DROP
 * on that way (XDP_PASS would mean it saw the variable).
 */
#include "externs.h"

extern const int xdpload_no_such_percpu __ksym __weak;

int seen = -1;

SEC("xdp")
int xdp_ksym_typed_weak(struct xdp_md *ctx)
{
	if (bpf_ksym_exists(&xdpload_no_such_percpu)) {
		seen = *(const int *)bpf_this_cpu_ptr(&xdpload_no_such_percpu);
		return XDP_PASS;
	}
	seen = 0;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
