// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoints three ways: perf tracepoints (tracepoint+, tp+), raw ones
 * (raw_tp+, raw_tracepoint+, raw_tp.w+) and BTF-typed ones (tp_btf+, whose
 * target the load names by BTF id).  Each counts getpid() calls: three.
 */
#include "common.h"

/* The tracepoint's format (events/syscalls/sys_enter_getpid/format): the common
 * fields, then the syscall number; getpid has no arguments after it. */
struct syscall_enter {
	__u64 common;
	int nr;
};

SEC("tracepoint/syscalls/sys_enter_getpid")
int tp_enter(struct syscall_enter *ctx)
{
	if (ctx->nr == SYS_GETPID)
		hit(0);
	return 0;
}

SEC("tp/syscalls/sys_exit_getpid")
int tp_exit(void *ctx)
{
	hit(1);
	return 0;
}

/* sys_enter(struct pt_regs *regs, long id) */
SEC("raw_tp/sys_enter")
int raw_enter(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == SYS_GETPID)
		hit(2);
	return 0;
}

/* sys_exit(struct pt_regs *regs, long ret): the return is the pid, never 39 here */
SEC("raw_tracepoint/sys_exit")
int raw_exit(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == (bpf_get_current_pid_tgid() >> 32))
		hit(3);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_enter, struct pt_regs *regs, long id)
{
	if (id == SYS_GETPID)
		hit(4);
	return 0;
}

/* Writable raw tracepoints attach only where the kernel allows writes; this one loads. */
SEC("raw_tp.w/sys_enter")
int raw_writable(struct bpf_raw_tracepoint_args *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
