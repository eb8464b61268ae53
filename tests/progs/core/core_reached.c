// SPDX-License-Identifier: MIT
/*
 * core_reached.c - a field this kernel does not have, read unguarded: the
 * relocation poisons the read, the verifier reaches it and refuses the
 * program, and xdpload names the relocation in the log (core_guarded.c asks
 * bpf_core_field_exists() first and loads).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct xdp_buff___future {
	void *data;
	unsigned long no_such_field;
} __attribute__((preserve_access_index));

__u64 seen;

SEC("xdp")
int reached(struct xdp_md *ctx)
{
	struct xdp_buff___future *xb = (void *)ctx;

	seen = BPF_CORE_READ(xb, no_such_field);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
