// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel and user probes, one of each section libbpf names (kprobe+,
 * kretprobe+, ksyscall+, kretsyscall+, kprobe.multi+, uprobe+, uretprobe+,
 * uprobe.s+, usdt+).  tests/bpfrun.c attaches them, calls getpid() and its
 * own bpfrun_probe_target() three times each; every probe counts three.
 */
#include "common.h"

SEC("kprobe/__x64_sys_getpid")
int BPF_KPROBE(on_getpid)
{
	hit(0);
	return 0;
}

SEC("kretprobe/__x64_sys_getpid")
int BPF_KRETPROBE(on_getpid_ret, long ret)
{
	if (ret > 0)
		hit(1);
	return 0;
}

/* libbpf attaches these to the syscall's wrapper, __x64_sys_getpid on x86_64. */
SEC("ksyscall/getpid")
int on_ksyscall(struct pt_regs *ctx)
{
	hit(2);
	return 0;
}

SEC("kretsyscall/getpid")
int on_kretsyscall(struct pt_regs *ctx)
{
	hit(3);
	return 0;
}

SEC("kprobe.multi/__x64_sys_getpid")
int on_multi(struct pt_regs *ctx)
{
	hit(4);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(on_uprobe)
{
	hit(5);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(on_uretprobe)
{
	hit(6);
	return 0;
}

SEC("uprobe.s")
int on_uprobe_sleepable(struct pt_regs *ctx)
{
	hit(7);
	return 0;
}

/* A USDT probe's program: attaching needs the probe's note, so it only loads. */
SEC("usdt")
int on_usdt(struct pt_regs *ctx)
{
	hit(8);
	return 0;
}

char _license[] SEC("license") = "GPL";
