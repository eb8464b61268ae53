// SPDX-License-Identifier: GPL-2.0
/*
 * Section names newer than libbpf 1.1 (bpftool's on Debian 12): tcx and
 * netkit in both directions, with tc/ingress and tc/egress as libbpf's
 * aliases for tcx; sk_skb/verdict; the Unix-socket cgroup hooks; netfilter;
 * and the newer probe kinds.  The tc ones are test-run on a packet: each
 * counts at its key and returns its own value.  The others load.
 */
#include "common.h"

#define TC_PROG(sec, name, key, ret) \
	SEC(sec) int name(struct __sk_buff *skb) { hit_any(key); return ret; }

TC_PROG("tc/ingress", tc_ingress, 1, 101)
TC_PROG("tc/egress", tc_egress, 2, 102)
TC_PROG("tcx/ingress", tcx_ingress, 3, 103)
TC_PROG("tcx/egress", tcx_egress, 4, 104)
TC_PROG("netkit/primary", nk_primary, 8, 108)
TC_PROG("netkit/peer", nk_peer, 9, 109)

SEC("sk_skb/verdict")
int skb_verdict(struct __sk_buff *skb)
{
	return SK_PASS;
}

#define CG_PROG(sec, name) \
	SEC(sec) int name(struct bpf_sock_addr *ctx) { return 1; }

CG_PROG("cgroup/connect_unix", connect_unix)
CG_PROG("cgroup/sendmsg_unix", sendmsg_unix)
CG_PROG("cgroup/recvmsg_unix", recvmsg_unix)
CG_PROG("cgroup/getsockname_unix", getsockname_unix)
CG_PROG("cgroup/getpeername_unix", getpeername_unix)

SEC("netfilter")
int nf_accept(void *ctx)
{
	return 1; /* NF_ACCEPT */
}

SEC("kprobe.session/__x64_sys_getpid")
int on_session(struct pt_regs *ctx)
{
	return 0;
}

SEC("uprobe.multi")
int on_uprobe_multi(struct pt_regs *ctx)
{
	return 0;
}

SEC("uretprobe.multi.s")
int on_uretprobe_multi_s(struct pt_regs *ctx)
{
	return 0;
}

SEC("uprobe.session")
int on_uprobe_session(struct pt_regs *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
