// SPDX-License-Identifier: GPL-2.0
/*
 * A map pinned by name in a program the verifier refuses: the failed load
 * must remove the pin it made, leaving bpffs as it found it.
 */
#include "xdp_kern.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} leftover SEC(".maps");

SEC("xdp")
int xdp_pinned_unsafe(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&leftover, &zero);

	if (v)
		*v = data[3];
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
