// SPDX-License-Identifier: GPL-2.0
/*
 * An iterator (iter+): one line per BPF map the kernel has, read through
 * the iterator's file.  The load names its target, bpf_iter_bpf_map, by BTF
 * id; the test reads it and finds its own map among the lines.
 */
#include "common.h"

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
};

struct bpf_map;

struct bpf_iter__bpf_map {
	struct bpf_iter_meta *meta;
	struct bpf_map *map;
};

/* The kernel's struct bpf_map begins with ops, inner_map_meta, security, then type... */
SEC("iter/bpf_map")
int dump_maps(struct bpf_iter__bpf_map *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct bpf_map *map = ctx->map;
	static const char fmt[] = "map\n";

	if (!map)
		return 0;
	bpf_seq_write(seq, fmt, sizeof(fmt) - 1);
	hit_any(0);
	return 0;
}

char _license[] SEC("license") = "GPL";
