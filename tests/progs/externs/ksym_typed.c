// SPDX-License-Identifier: GPL-2.0
/*
 * Typed ksyms: per-CPU variables found by their BTF VAR in vmlinux.  On
 * this CPU, runqueues' address less this_cpu_off (the CPU's per-CPU offset)
 * is runqueues' own address in /proc/kallsyms; cpu_number holds the CPU's
 * number on each CPU.  The verifier places them through kallsyms, so the
 * kernel must list data symbols (CONFIG_KALLSYMS_ALL).
 */
#include "externs.h"

struct rq {
	int unused; /* a struct of that name is enough: members are not compared */
};

extern const unsigned long this_cpu_off __ksym;
extern const struct rq runqueues __ksym;
extern const int bpf_prog_active __ksym;

unsigned long long rq_here = 1, offset = 1, rq_symbol = 1;
int prog_active = -1;

SEC("xdp")
int xdp_ksym_typed(struct xdp_md *ctx)
{
	rq_here = (unsigned long long)bpf_this_cpu_ptr(&runqueues);
	offset = *(const unsigned long *)bpf_this_cpu_ptr(&this_cpu_off);
	rq_symbol = rq_here - offset;
	prog_active = *(const int *)bpf_this_cpu_ptr(&bpf_prog_active);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
