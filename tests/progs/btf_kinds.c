// SPDX-License-Identifier: GPL-2.0
/*
 * BTF kinds that older kernels do not know: FLOAT, DECL_TAG, TYPE_TAG, a
 * global function and DATASECs.  Tests load it with XDPLOAD_BTF_LACKS so the
 * kernel checks what an older kernel would have been given.
 */
#include "xdp_kern.h"

float ratio;                                     /* FLOAT */
__u32 tagged __attribute__((btf_decl_tag("xdpload"))); /* DECL_TAG */
__u32 *__attribute__((btf_type_tag("user"))) where;   /* TYPE_TAG */

__noinline int pick(int x)
{
	return x ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_kinds(struct xdp_md *ctx)
{
	tagged++;
	return pick((int)ctx->ingress_ifindex + 1);
}

char _license[] SEC("license") = "GPL";
