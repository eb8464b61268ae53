// SPDX-License-Identifier: MIT
/*
 * core_kinds.c - every CO-RE relocation kind against this kernel's own types,
 * written as libbpf users write it: vmlinux.h, bpf_core_read.h's macros,
 * ___flavour structs.  Each value lands in a global that `xdpload test -j`
 * reads back; tests/core.bats computes what each must be from the kernel's
 * BTF with bpftool.  One read goes through kernel memory (the xdp_buff
 * behind ctx), so the relocated offsets are proven in use too.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* Flavours: the part before ___ names the kernel's type. */
struct xdp_buff___mine {
	void *data;
	void *data_end;
} __attribute__((preserve_access_index));

struct task_struct___nope {
	int no_such_field;
} __attribute__((preserve_access_index));

struct no_such_type___x {
	int a;
} __attribute__((preserve_access_index));

enum bpf_map_type___mine { BPF_MAP_TYPE_RINGBUF___mine = 99, NO_SUCH_MAP_TYPE___mine = 100 };

__u64 off_pid, size_comm, has_pid, has_nope, pid_signed;
__u64 fclone_off, fclone_size, fclone_lshift, fclone_rshift;
__u64 pkt_type_off, pkt_type_lshift;
__u64 local_id, target_id, task_exists, nope_exists, task_size, nope_size, buff_matches;
__u64 ringbuf_exists, ringbuf_value, nope_enum_exists, callchain_max;
__u64 pkt_len, ifindex_core, ifindex_ctx;

SEC("xdp")
int core_kinds(struct xdp_md *ctx)
{
	struct xdp_buff___mine *xb = (void *)ctx;
	void *data = 0, *data_end = 0;

	off_pid = bpf_core_field_offset(struct task_struct, pid);
	size_comm = bpf_core_field_size(struct task_struct, comm);
	has_pid = bpf_core_field_exists(struct task_struct, pid);
	has_nope = bpf_core_field_exists(struct task_struct___nope, no_such_field);
	pid_signed = __builtin_preserve_field_info(((struct task_struct *)0)->pid, BPF_FIELD_SIGNED);

	fclone_off = bpf_core_field_offset(struct sk_buff, fclone);
	fclone_size = bpf_core_field_size(struct sk_buff, fclone);
	fclone_lshift = __builtin_preserve_field_info(((struct sk_buff *)0)->fclone, BPF_FIELD_LSHIFT_U64);
	fclone_rshift = __builtin_preserve_field_info(((struct sk_buff *)0)->fclone, BPF_FIELD_RSHIFT_U64);
	/* pkt_type sits in an anonymous struct in an anonymous union. */
	pkt_type_off = bpf_core_field_offset(struct sk_buff, pkt_type);
	pkt_type_lshift = __builtin_preserve_field_info(((struct sk_buff *)0)->pkt_type, BPF_FIELD_LSHIFT_U64);

	local_id = bpf_core_type_id_local(struct task_struct);
	target_id = bpf_core_type_id_kernel(struct task_struct);
	task_exists = bpf_core_type_exists(struct task_struct);
	nope_exists = bpf_core_type_exists(struct no_such_type___x);
	task_size = bpf_core_type_size(struct task_struct);
	nope_size = bpf_core_type_size(struct no_such_type___x);
	buff_matches = bpf_core_type_matches(struct xdp_buff___mine);

	ringbuf_exists = bpf_core_enum_value_exists(enum bpf_map_type___mine, BPF_MAP_TYPE_RINGBUF___mine);
	ringbuf_value = bpf_core_enum_value(enum bpf_map_type___mine, BPF_MAP_TYPE_RINGBUF___mine);
	nope_enum_exists = bpf_core_enum_value_exists(enum bpf_map_type___mine, NO_SUCH_MAP_TYPE___mine);
	callchain_max = bpf_core_enum_value(enum perf_callchain_context, PERF_CONTEXT_MAX);

	/* Kernel memory through relocated offsets: the xdp_buff behind ctx. */
	BPF_CORE_READ_INTO(&data, xb, data);
	BPF_CORE_READ_INTO(&data_end, xb, data_end);
	pkt_len = data_end - data;
	/* Three pointers deep: the device a test run's packet arrives on is loopback. */
	ifindex_core = BPF_CORE_READ((struct xdp_buff *)ctx, rxq, dev, ifindex);
	ifindex_ctx = ctx->ingress_ifindex;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
