// SPDX-License-Identifier: MIT
/*
 * core_module.c - a type that only a kernel module has: vmlinux has no
 * candidate, so the relocation is resolved against the modules' split BTF
 * in /sys/kernel/btf/MODULE, whose type ids continue vmlinux's.
 * tests/core.bats gives it a module of its own (xdplmod) to find.
 */
#include "types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct xdpl_mod_thing {
	int a;
	int b;
} __attribute__((preserve_access_index));

__u64 off_b, size_thing, thing_id;

SEC("xdp")
int core_module(struct xdp_md *ctx)
{
	off_b = bpf_core_field_offset(struct xdpl_mod_thing, b);
	size_thing = bpf_core_type_size(struct xdpl_mod_thing);
	thing_id = bpf_core_type_id_kernel(struct xdpl_mod_thing);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
