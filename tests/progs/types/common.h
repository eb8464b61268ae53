/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the program type corpus shares, written the way libbpf users write
 * it: libbpf's bpf_helpers.h on the kernel's uapi headers.  Every program
 * counts its runs in `hits` at its own key, but only those of the process
 * whose pid the test wrote into `filter` (tests/bpfrun.c does, before it
 * attaches), so a count is exact whatever else the machine runs.
 */
#ifndef TYPES_COMMON_H
#define TYPES_COMMON_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32);
} hits SEC(".maps");

/* Count one run at key, from the process under test only. */
static __always_inline void hit(__u32 key)
{
	__u32 zero = 0, *want = bpf_map_lookup_elem(&filter, &zero);
	__u64 *n;

	if (!want || *want != bpf_get_current_pid_tgid() >> 32)
		return;
	n = bpf_map_lookup_elem(&hits, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* Count one run at key, whoever ran it (test runs, packets). */
static __always_inline void hit_any(__u32 key)
{
	__u64 *n = bpf_map_lookup_elem(&hits, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
}

#define SYS_GETPID 39 /* x86_64 */

#endif
