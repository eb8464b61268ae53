// SPDX-License-Identifier: GPL-2.0
/*
 * Map kinds whose definitions leave something to the loader, as real
 * objects write them: perf event arrays without max_entries (one per
 * possible CPU), one declared with key and value types for its readers
 * (the kernel takes no BTF types for it), a ring buffer whose size is no
 * power-of-two number of pages, a BPF_F_MMAPABLE array, and kinds whose
 * entries live elsewhere (sockets, tasks).  mapkinds_loader.c has what only
 * xdpload sizes.  The program writes one record to each buffer and counts.
 */
#include "common.h"

struct event {
	__u32 len;
	__u32 queue;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__type(key, int);
	__type(value, __u32);
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
	__uint(max_entries, 0);
} perf_sized SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
	__uint(map_flags, BPF_F_MMAPABLE);
} shared SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} per_socket SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} per_task SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 16);
} queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 128);
} lru SEC(".maps");

SEC("xdp")
int record(struct xdp_md *ctx)
{
	struct event ev = { ctx->data_end - ctx->data, ctx->rx_queue_index }, *r;
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&shared, &zero);

	r = bpf_ringbuf_reserve(&ring, sizeof(*r), 0);
	if (r) {
		*r = ev;
		bpf_ringbuf_submit(r, 0);
	}
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));
	bpf_map_push_elem(&queue, &ev.len, 0);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
