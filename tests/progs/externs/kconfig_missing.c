// SPDX-License-Identifier: GPL-2.0
/* A strong .kconfig extern that no kernel config sets: the load must fail, naming it. */
#include "externs.h"

extern int CONFIG_XDPLOAD_NO_SUCH_OPTION __kconfig;

SEC("xdp")
int xdp_kconfig_missing(struct xdp_md *ctx)
{
	return CONFIG_XDPLOAD_NO_SUCH_OPTION ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
