// SPDX-License-Identifier: MIT
/*
 * core_hdr.c - CO-RE against target BTFs of our own (tests/progs/core/btf/):
 * a packet header whose layout the target describes, read straight from the
 * packet through relocated offsets, sizes and bitfield shifts, plus the
 * type and enum kinds (enum and enum64).  The test writes the packet in the
 * target's layout and checks every value.
 *
 * hdr_read reads every field unguarded: a target without one of them leaves
 * a poisoned instruction the verifier reaches.  hdr_guarded asks first
 * (bpf_core_field_exists and friends), so it loads against any target.
 */
#include "types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

enum hdr_kind { HDR_A = 1, HDR_B = 2 };
enum hdr_big { BIG_ONE = 0x100000000ULL, BIG_TWO = 0x200000000ULL };

struct hdr {
	__u8 version;
	__u8 flags_lo : 3, flags_hi : 5;
	__u16 len;
	__u32 id;
	__u32 arr[4];
	enum hdr_kind kind;
	__s16 delta;
} __attribute__((preserve_access_index));

struct hdr_opt {
	int x;
} __attribute__((preserve_access_index));

__u64 v_version, v_flags_lo, v_flags_hi, v_len, v_id, v_arr2, v_kind;
__s64 v_delta;
__u64 off_id, size_len, size_hdr, has_delta, has_opt, kind_b, has_kind_b, big_two, has_big_two;
__u64 flags_hi_signed, hdr_local_id, hdr_target_id, hdr_matches;

#define HDR_ROOM 64

SEC("xdp")
int hdr_read(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct hdr *h = data;

	if (data + HDR_ROOM > end)
		return XDP_ABORTED;
	v_version = h->version;
	v_flags_lo = BPF_CORE_READ_BITFIELD(h, flags_lo);
	v_flags_hi = BPF_CORE_READ_BITFIELD(h, flags_hi);
	flags_hi_signed = __builtin_preserve_field_info(h->flags_hi, BPF_FIELD_SIGNED);
	v_len = h->len;
	v_id = h->id;
	v_arr2 = h->arr[2];
	v_kind = h->kind;
	v_delta = h->delta;
	off_id = bpf_core_field_offset(struct hdr, id);
	size_len = bpf_core_field_size(struct hdr, len);
	size_hdr = bpf_core_type_size(struct hdr);
	kind_b = bpf_core_enum_value(enum hdr_kind, HDR_B);
	big_two = bpf_core_enum_value(enum hdr_big, BIG_TWO);
	return XDP_PASS;
}

SEC("xdp")
int hdr_guarded(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct hdr *h = data;

	if (data + HDR_ROOM > end)
		return XDP_ABORTED;
	v_id = h->id;
	has_delta = bpf_core_field_exists(h->delta);
	if (has_delta)
		v_delta = h->delta;
	has_opt = bpf_core_type_exists(struct hdr_opt);
	has_kind_b = bpf_core_enum_value_exists(enum hdr_kind, HDR_B);
	if (has_kind_b)
		kind_b = bpf_core_enum_value(enum hdr_kind, HDR_B);
	has_big_two = bpf_core_enum_value_exists(enum hdr_big, BIG_TWO);
	if (has_big_two)
		big_two = bpf_core_enum_value(enum hdr_big, BIG_TWO);
	hdr_local_id = bpf_core_type_id_local(struct hdr);
	hdr_target_id = bpf_core_type_id_kernel(struct hdr);
	hdr_matches = bpf_core_type_matches(struct hdr);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
