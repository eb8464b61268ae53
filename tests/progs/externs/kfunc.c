// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs from XDP: the packet as a dynptr (bpf_dynptr_from_xdp), its size
 * (bpf_dynptr_size), its EtherType read through the dynptr; one kfunc's
 * address taken (bpf_ksym_exists), and a __weak kfunc no kernel has,
 * guarded so that its poisoned call is never reached.
 */
#include "externs.h"

extern int bpf_dynptr_from_xdp(struct xdp_md *xdp, __u64 flags, struct bpf_dynptr *ptr__uninit) __ksym;
extern __u32 bpf_dynptr_size(const struct bpf_dynptr *p) __ksym __weak; /* weak, and there */
extern int bpf_xdpload_no_such_kfunc(struct xdp_md *xdp) __ksym __weak;

int from_xdp = -1;
unsigned int size;
unsigned short ethertype;
int size_exists = -1, no_such_exists = -1;

SEC("xdp")
int xdp_kfunc(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr;
	__u8 type[2];

	size_exists = bpf_ksym_exists(bpf_dynptr_size);
	no_such_exists = bpf_ksym_exists(bpf_xdpload_no_such_kfunc);
	if (no_such_exists)
		return bpf_xdpload_no_such_kfunc(ctx);
	from_xdp = bpf_dynptr_from_xdp(ctx, 0, &ptr);
	if (from_xdp)
		return XDP_ABORTED;
	size = bpf_dynptr_size(&ptr);
	if (dynptr_read(type, sizeof(type), &ptr, 12, 0))
		return XDP_ABORTED;
	ethertype = type[0] << 8 | type[1];
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
