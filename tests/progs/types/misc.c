// SPDX-License-Identifier: GPL-2.0
/*
 * Two more kinds: a syscall program (test-run with its arguments in
 * the context: it adds them), a perf_event program (counts the page faults
 * tests/bpfrun.c makes on pages it names in `range`).
 */
#include "common.h"
#include <linux/bpf_perf_event.h>

struct add_args {
	__u32 a, b;
	__u32 sum;
};

SEC("syscall")
int add(struct add_args *args)
{
	args->sum = args->a + args->b;
	hit_any(0);
	return args->sum;
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} range SEC(".maps");

SEC("perf_event")
int faults(struct bpf_perf_event_data *ctx)
{
	__u32 first = 0, last = 1;
	__u64 *from = bpf_map_lookup_elem(&range, &first), *to = bpf_map_lookup_elem(&range, &last);

	if (from && to && ctx->addr >= *from && ctx->addr < *to)
		hit(1);
	return 0;
}

char _license[] SEC("license") = "GPL";
