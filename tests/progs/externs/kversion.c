// SPDX-License-Identifier: GPL-2.0
/* LINUX_KERNEL_VERSION alone: no config or kallsyms needed to load it. */
#include "externs.h"

extern unsigned int LINUX_KERNEL_VERSION __kconfig;

unsigned int version = 1;

SEC("xdp")
int xdp_kversion(struct xdp_md *ctx)
{
	version = LINUX_KERNEL_VERSION;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
