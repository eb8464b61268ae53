// SPDX-License-Identifier: GPL-2.0
/* A typed ksym declared with a type the kernel's does not have (it is an int). */
#include "externs.h"

struct xdpload_not_an_int {
	int a, b;
};

extern const struct xdpload_not_an_int bpf_prog_active __ksym;

SEC("xdp")
int xdp_ksym_typed_mismatch(struct xdp_md *ctx)
{
	const struct xdpload_not_an_int *p = bpf_this_cpu_ptr(&bpf_prog_active);

	return p->a ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
