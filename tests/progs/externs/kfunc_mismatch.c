// SPDX-License-Identifier: GPL-2.0
/* A kfunc declared with a prototype the kernel's does not have (it takes one pointer). */
#include "externs.h"

extern __u32 bpf_dynptr_size(const struct bpf_dynptr *p, int extra) __ksym;

SEC("xdp")
int xdp_kfunc_mismatch(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr = {};

	return bpf_dynptr_size(&ptr, 1) ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
