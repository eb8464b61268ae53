// SPDX-License-Identifier: GPL-2.0
/*
 * A kfunc that lives in a module: nf_conntrack's bpf_xdp_ct_lookup, found
 * in the module's BTF, called with that BTF's fd in fd_array.  It looks up
 * a flow that cannot exist, so the kernel answers NULL and says why in
 * opts.error (-ENOENT); an entry it did find would be released.
 */
#include "externs.h"

struct nf_conn {
	int unused; /* only its name matters for the prototype's check */
};

struct bpf_ct_opts {
	__s32 netns_id;
	__s32 error;
	__u8 l4proto;
	__u8 dir;
	__u8 reserved[2];
};

extern struct nf_conn *bpf_xdp_ct_lookup(struct xdp_md *xdp_ctx, struct bpf_sock_tuple *bpf_tuple,
					 __u32 tuple__sz, struct bpf_ct_opts *opts,
					 __u32 opts__sz) __ksym;
extern void bpf_ct_release(struct nf_conn *ct) __ksym;

int error = 1;
int found = -1;

SEC("xdp")
int xdp_kfunc_module(struct xdp_md *ctx)
{
	struct bpf_ct_opts opts = { .netns_id = -1, .l4proto = 17 };
	struct bpf_sock_tuple tuple = {};
	struct nf_conn *ct;

	tuple.ipv4.saddr = 0x0100007f;
	tuple.ipv4.daddr = 0x0100007f;
	tuple.ipv4.sport = 1;
	tuple.ipv4.dport = 1;
	ct = bpf_xdp_ct_lookup(ctx, &tuple, sizeof(tuple.ipv4), &opts, sizeof(opts));
	/* One test of ct: 6.1's verifier loses a reference across a second one. */
	if (ct) {
		bpf_ct_release(ct);
		found = 1;
		return XDP_PASS;
	}
	found = 0;
	error = opts.error;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
