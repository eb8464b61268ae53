// SPDX-License-Identifier: MIT
/*
 * core_guard.c - a field this kernel does not have, read through CO-RE the
 * way portable programs do: `guarded` asks bpf_core_field_exists() first, so
 * its poisoned read is dead code the verifier drops and the program loads;
 * `reached` reads it unguarded, and the verifier refuses the poisoned
 * instruction, which xdpload then names in the log.
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

SEC("xdp")
int reached(struct xdp_md *ctx)
{
	struct xdp_buff___future *xb = (void *)ctx;

	seen = BPF_CORE_READ(xb, no_such_field);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
