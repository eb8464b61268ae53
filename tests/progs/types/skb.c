// SPDX-License-Identifier: GPL-2.0
/*
 * Every packet program type the kernel can test-run on a packet, by the
 * names libbpf has had since 1.0: socket filters, tc (tc, classifier,
 * action), lightweight tunnels, cgroup skb filters and the flow dissector
 * (newer.c has tcx and netkit).  Each counts at its own key and returns
 * a value of its own, so one BPF_PROG_TEST_RUN shows which one ran.
 */
#include "common.h"

SEC("socket")
int sock_filter(struct __sk_buff *skb)
{
	hit_any(0);
	return skb->len;
}

#define TC_PROG(sec, name, key, ret) \
	SEC(sec) int name(struct __sk_buff *skb) { hit_any(key); return ret; }

TC_PROG("tc", tc_plain, 5, 105)
TC_PROG("classifier", cls_plain, 6, 106)
TC_PROG("action", act_plain, 7, 107)
TC_PROG("lwt_in", on_lwt_in, 10, BPF_OK)
TC_PROG("lwt_out", on_lwt_out, 11, BPF_OK)
TC_PROG("lwt_xmit", on_lwt_xmit, 12, BPF_OK)
TC_PROG("lwt_seg6local", lwt_seg6, 13, BPF_OK)
/* cgroup skb programs return 1 (let it through) or 0 (drop). */
TC_PROG("cgroup_skb/ingress", cg_ingress, 14, 1)
TC_PROG("cgroup_skb/egress", cg_egress, 15, 1)
TC_PROG("cgroup/skb", cg_skb, 16, 0)

SEC("flow_dissector")
int dissect(struct __sk_buff *skb)
{
	struct bpf_flow_keys *keys = skb->flow_keys;

	hit_any(17);
	/* Only the network protocol, from the Ethernet header the kernel already read. */
	return keys->n_proto == bpf_htons(0x0800) ? BPF_OK : BPF_DROP;
}

char _license[] SEC("license") = "GPL";
