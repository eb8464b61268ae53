// SPDX-License-Identifier: MIT
/*
 * core_guarded.c - a field this kernel does not have, read the way portable
 * programs do: bpf_core_field_exists() first, so the poisoned read is dead
 * code the verifier drops, and the program loads (core_reached.c does not ask).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct xdp_buff___future {
	void *data;
	unsigned long no_such_field;
} __attribute__((preserve_access_index));

__u64 seen, exists;

SEC("xdp")
int guarded(struct xdp_md *ctx)
{
	struct xdp_buff___future *xb = (void *)ctx;

	exists = bpf_core_field_exists(xb->no_such_field);
	if (exists)
		seen = BPF_CORE_READ(xb, no_such_field);
	else
		seen = 42;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
