// SPDX-License-Identifier: GPL-2.0
/* An object without any XDP program: xdpload must say so, not guess. */
#include "xdp_kern.h"

SEC("classifier")
int tc_ingress(void *skb)
{
	(void)skb;
	return 0;
}

char _license[] SEC("license") = "GPL";
