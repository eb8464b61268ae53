// SPDX-License-Identifier: GPL-2.0
/*
 * Socket programs: sk_lookup (test-run with a lookup context: it lets the
 * lookup through), and the ones that run only on sockets in a sockmap or a
 * reuseport group (sk_skb, sk_msg, sk_reuseport): those load.
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} socks SEC(".maps");

SEC("sk_lookup")
int lookup(struct bpf_sk_lookup *ctx)
{
	hit_any(0);
	return ctx->local_port == 8080 ? SK_PASS : SK_DROP;
}

SEC("sk_skb/stream_parser")
int parser(struct __sk_buff *skb)
{
	return skb->len;
}

SEC("sk_skb/stream_verdict")
int stream_verdict(struct __sk_buff *skb)
{
	return bpf_sk_redirect_map(skb, &socks, 0, 0);
}

SEC("sk_skb")
int skb_plain(struct __sk_buff *skb)
{
	return SK_PASS;
}

SEC("sk_msg")
int msg_verdict(struct sk_msg_md *msg)
{
	return bpf_msg_redirect_map(msg, &socks, 0, 0);
}

SEC("sk_reuseport")
int reuseport(struct sk_reuseport_md *md)
{
	return SK_PASS;
}

SEC("sk_reuseport/migrate")
int reuseport_migrate(struct sk_reuseport_md *md)
{
	return SK_PASS;
}

char _license[] SEC("license") = "GPL";
