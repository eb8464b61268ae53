// SPDX-License-Identifier: GPL-2.0
/*
 * What only xdpload sizes, as cilium/ebpf does: a cpumap without
 * max_entries (one entry per possible CPU, as for a perf event array), and
 * a ring buffer declared with key and value types for its readers' sake,
 * which the kernel refuses for a ring buffer (no key, no value, no BTF).
 * libbpf passes both to the kernel as written, which refuses them.
 */
#include "common.h"

struct event {
	__u32 len;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__type(key, int);
	__type(value, struct event);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

SEC("xdp")
int spread(struct xdp_md *ctx)
{
	struct event *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (r) {
		r->len = ctx->data_end - ctx->data;
		r->queue = ctx->rx_queue_index;
		bpf_ringbuf_submit(r, 0);
	}
	return bpf_redirect_map(&cpus, 0, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
