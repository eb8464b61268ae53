// SPDX-License-Identifier: MIT
/*
 * sections.c - what kind of program a section name asks for: the program
 * type, the expected attach type the kernel wants at load time, the flags
 * (sleepable, XDP fragments), and for tracing programs the kernel function,
 * tracepoint or iterator whose BTF id the load must name.
 *
 * The names are libbpf's, as its documentation lists them (program_types):
 *
 *   "kprobe+"     "kprobe" itself, or "kprobe/" and anything after it
 *   "sk_lookup"   exactly that
 *   "?kprobe/f"   a leading '?': the same, but not loaded unless asked for
 *
 * Older objects use names libbpf 1.0 stopped accepting: a plain prefix of
 * a whole-name rule ("xdp_prog", "classifier_in", "socket1"), as libbpf 0.x
 * matched them, "xdp_devmap/" and "xdp_cpumap/", and iproute2's tail call
 * sections "MAP_ID/KEY" (typed in mapinit.c, where the prog arrays are).
 * Those load here too.  The first rule that matches types the program, so
 * longer names come before their prefixes.
 *
 * Called by object.c while it describes an object: no syscalls, no
 * printing (the -v line is the log hook's).
 */
#include <errno.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/internal.h"

#define NONE (-1)

enum match {
	MATCH_EXACT,    /* "sk_lookup": the name alone */
	MATCH_OR_SLASH, /* "kprobe+": the name alone or followed by '/' and more */
	MATCH_SLASH,    /* "xdp_devmap/": the name followed by '/' */
};

struct section_rule {
	const char *name;
	uint32_t match; /* enum match */
	uint32_t type;
	int32_t attach; /* the expected attach type, or NONE */
	uint32_t flags; /* SECTION_* */
};

static const struct section_rule rules[] = {
	{ "socket", MATCH_EXACT, BPF_PROG_TYPE_SOCKET_FILTER, NONE, 0 },
	{ "sk_reuseport/migrate", MATCH_EXACT, BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0 },
	{ "sk_reuseport", MATCH_EXACT, BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT, 0 },
	{ "kprobe", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, 0 },
	{ "uprobe", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, 0 },
	{ "uprobe.s", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, SECTION_SLEEPABLE },
	{ "kretprobe", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, 0 },
	{ "uretprobe", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, 0 },
	{ "uretprobe.s", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, SECTION_SLEEPABLE },
	{ "kprobe.multi", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0 },
	{ "kretprobe.multi", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0 },
	{ "kprobe.session", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_SESSION, 0 },
	{ "uprobe.multi", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0 },
	{ "uretprobe.multi", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0 },
	{ "uprobe.session", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_SESSION, 0 },
	{ "uprobe.multi.s", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, SECTION_SLEEPABLE },
	{ "uretprobe.multi.s", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, SECTION_SLEEPABLE },
	{ "uprobe.session.s", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_SESSION, SECTION_SLEEPABLE },
	{ "ksyscall", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, 0 },
	{ "kretsyscall", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, 0 },
	/* libbpf picks the uprobe_multi attach type when the kernel has it (6.6);
	 * loading without one works on every kernel, and attaching is not ours. */
	{ "usdt", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, 0 },
	{ "usdt.s", MATCH_OR_SLASH, BPF_PROG_TYPE_KPROBE, NONE, SECTION_SLEEPABLE },
	{ "tc/ingress", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0 },
	{ "tc/egress", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0 },
	{ "tcx/ingress", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_INGRESS, 0 },
	{ "tcx/egress", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, BPF_TCX_EGRESS, 0 },
	{ "tc", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, NONE, SECTION_WHOLE },
	{ "classifier", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, NONE, 0 },
	{ "action", MATCH_EXACT, BPF_PROG_TYPE_SCHED_ACT, NONE, 0 },
	{ "netkit/primary", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, BPF_NETKIT_PRIMARY, 0 },
	{ "netkit/peer", MATCH_EXACT, BPF_PROG_TYPE_SCHED_CLS, BPF_NETKIT_PEER, 0 },
	{ "tracepoint", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACEPOINT, NONE, 0 },
	{ "tp", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACEPOINT, NONE, 0 },
	{ "tracepoint.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACEPOINT, NONE, SECTION_SLEEPABLE },
	{ "tp.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACEPOINT, NONE, SECTION_SLEEPABLE },
	{ "raw_tracepoint", MATCH_OR_SLASH, BPF_PROG_TYPE_RAW_TRACEPOINT, NONE, 0 },
	{ "raw_tp", MATCH_OR_SLASH, BPF_PROG_TYPE_RAW_TRACEPOINT, NONE, 0 },
	{ "raw_tracepoint.s", MATCH_OR_SLASH, BPF_PROG_TYPE_RAW_TRACEPOINT, NONE, SECTION_SLEEPABLE },
	{ "raw_tp.s", MATCH_OR_SLASH, BPF_PROG_TYPE_RAW_TRACEPOINT, NONE, SECTION_SLEEPABLE },
	{ "raw_tracepoint.w", MATCH_OR_SLASH, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, NONE, 0 },
	{ "raw_tp.w", MATCH_OR_SLASH, BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, NONE, 0 },
	{ "tp_btf", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, SECTION_ATTACH_BTF },
	{ "tp_btf.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, SECTION_ATTACH_BTF | SECTION_SLEEPABLE },
	{ "fentry", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, SECTION_ATTACH_BTF },
	{ "fmod_ret", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, SECTION_ATTACH_BTF },
	{ "fexit", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, SECTION_ATTACH_BTF },
	{ "fentry.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, SECTION_ATTACH_BTF | SECTION_SLEEPABLE },
	{ "fmod_ret.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, SECTION_ATTACH_BTF | SECTION_SLEEPABLE },
	{ "fexit.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, SECTION_ATTACH_BTF | SECTION_SLEEPABLE },
	{ "fsession", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_FSESSION, SECTION_ATTACH_BTF },
	{ "fsession.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_FSESSION, SECTION_ATTACH_BTF | SECTION_SLEEPABLE },
	/* Its target is another loaded program, which an object cannot name. */
	{ "freplace", MATCH_OR_SLASH, BPF_PROG_TYPE_EXT, NONE, SECTION_REFUSED },
	{ "lsm", MATCH_OR_SLASH, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, SECTION_ATTACH_BTF },
	{ "lsm.s", MATCH_OR_SLASH, BPF_PROG_TYPE_LSM, BPF_LSM_MAC, SECTION_ATTACH_BTF | SECTION_SLEEPABLE },
	{ "lsm_cgroup", MATCH_OR_SLASH, BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, SECTION_ATTACH_BTF },
	{ "iter", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, SECTION_ATTACH_BTF },
	{ "iter.s", MATCH_OR_SLASH, BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, SECTION_ATTACH_BTF | SECTION_SLEEPABLE },
	{ "syscall", MATCH_EXACT, BPF_PROG_TYPE_SYSCALL, NONE, SECTION_SLEEPABLE | SECTION_WHOLE },
	/* Plain XDP keeps no expected attach type: the kernel takes 0 as BPF_XDP. */
	{ "xdp.frags/devmap", MATCH_EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, SECTION_FRAGS },
	{ "xdp/devmap", MATCH_EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0 },
	{ "xdp.frags/cpumap", MATCH_EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, SECTION_FRAGS },
	{ "xdp/cpumap", MATCH_EXACT, BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, 0 },
	{ "xdp.frags", MATCH_EXACT, BPF_PROG_TYPE_XDP, NONE, SECTION_FRAGS },
	{ "xdp", MATCH_EXACT, BPF_PROG_TYPE_XDP, NONE, 0 },
	{ "perf_event", MATCH_EXACT, BPF_PROG_TYPE_PERF_EVENT, NONE, 0 },
	{ "lwt_in", MATCH_EXACT, BPF_PROG_TYPE_LWT_IN, NONE, 0 },
	{ "lwt_out", MATCH_EXACT, BPF_PROG_TYPE_LWT_OUT, NONE, 0 },
	{ "lwt_xmit", MATCH_EXACT, BPF_PROG_TYPE_LWT_XMIT, NONE, 0 },
	{ "lwt_seg6local", MATCH_EXACT, BPF_PROG_TYPE_LWT_SEG6LOCAL, NONE, 0 },
	{ "sockops", MATCH_EXACT, BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0 },
	{ "sk_skb/stream_parser", MATCH_EXACT, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0 },
	{ "sk_skb/stream_verdict", MATCH_EXACT, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0 },
	{ "sk_skb/verdict", MATCH_EXACT, BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_VERDICT, 0 },
	{ "sk_skb", MATCH_EXACT, BPF_PROG_TYPE_SK_SKB, NONE, 0 },
	{ "sk_msg", MATCH_EXACT, BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 0 },
	{ "lirc_mode2", MATCH_EXACT, BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0 },
	{ "flow_dissector", MATCH_EXACT, BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0 },
	{ "cgroup_skb/ingress", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0 },
	{ "cgroup_skb/egress", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0 },
	{ "cgroup/skb", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SKB, NONE, 0 },
	{ "cgroup/sock_create", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0 },
	{ "cgroup/sock_release", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0 },
	{ "cgroup/sock", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0 },
	{ "cgroup/post_bind4", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND, 0 },
	{ "cgroup/post_bind6", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET6_POST_BIND, 0 },
	{ "cgroup/bind4", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND, 0 },
	{ "cgroup/bind6", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_BIND, 0 },
	{ "cgroup/connect4", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0 },
	{ "cgroup/connect6", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0 },
	{ "cgroup/connect_unix", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_CONNECT, 0 },
	{ "cgroup/sendmsg4", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_SENDMSG, 0 },
	{ "cgroup/sendmsg6", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0 },
	{ "cgroup/sendmsg_unix", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_SENDMSG, 0 },
	{ "cgroup/recvmsg4", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP4_RECVMSG, 0 },
	{ "cgroup/recvmsg6", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_RECVMSG, 0 },
	{ "cgroup/recvmsg_unix", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_RECVMSG, 0 },
	{ "cgroup/getpeername4", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETPEERNAME, 0 },
	{ "cgroup/getpeername6", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETPEERNAME, 0 },
	{ "cgroup/getpeername_unix", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETPEERNAME, 0 },
	{ "cgroup/getsockname4", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_GETSOCKNAME, 0 },
	{ "cgroup/getsockname6", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_GETSOCKNAME, 0 },
	{ "cgroup/getsockname_unix", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UNIX_GETSOCKNAME, 0 },
	{ "cgroup/sysctl", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0 },
	{ "cgroup/getsockopt", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0 },
	{ "cgroup/setsockopt", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT, 0 },
	{ "cgroup/dev", MATCH_EXACT, BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0 },
	/* Loaded only with their .struct_ops map, registered with the kernel's subsystem. */
	{ "struct_ops", MATCH_OR_SLASH, BPF_PROG_TYPE_STRUCT_OPS, NONE, SECTION_REFUSED },
	{ "struct_ops.s", MATCH_OR_SLASH, BPF_PROG_TYPE_STRUCT_OPS, NONE, SECTION_REFUSED | SECTION_SLEEPABLE },
	{ "sk_lookup", MATCH_EXACT, BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0 },
	{ "netfilter", MATCH_EXACT, BPF_PROG_TYPE_NETFILTER, BPF_NETFILTER, SECTION_WHOLE },
	/* libbpf 0.x's names for devmap and cpumap programs. */
	{ "xdp_devmap", MATCH_SLASH, BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, SECTION_LEGACY },
	{ "xdp_cpumap", MATCH_SLASH, BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, SECTION_LEGACY },
};

#define NRULES (sizeof(rules) / sizeof(rules[0]))

static bool rule_matches(const struct section_rule *r, const char *s)
{
	size_t n = strlen(r->name);

	if (r->match == MATCH_EXACT)
		return !strcmp(s, r->name);
	return !strncmp(s, r->name, n) &&
	       (s[n] == '/' || (s[n] == '\0' && r->match == MATCH_OR_SLASH));
}

/* The rule as libbpf's table writes it: "kprobe+", "sk_lookup", "xdp_devmap/". */
static const char *rule_suffix(const struct section_rule *r)
{
	return r->match == MATCH_OR_SLASH ? "+" : r->match == MATCH_SLASH ? "/" : "";
}

/*
 * libbpf before 1.0 took any name that starts with a whole-name rule's
 * ("xdp_pass", "classifier_in"): the longest such rule, as it would have.
 */
static const struct section_rule *rule_legacy_prefix(const char *s)
{
	const struct section_rule *best = NULL;

	for (size_t i = 0; i < NRULES; i++) {
		size_t n = strlen(rules[i].name);

		if (rules[i].match != MATCH_EXACT || (rules[i].flags & SECTION_WHOLE) ||
		    strncmp(s, rules[i].name, n) ||
		    (best && strlen(best->name) >= n))
			continue;
		best = &rules[i];
	}
	return best;
}

static const struct section_rule *rule_of(const struct obj_prog *p)
{
	for (size_t i = 0; i < NRULES; i++)
		if (rules[i].name == p->rule)
			return &rules[i];
	return NULL;
}

void section_type(struct obj_prog *p)
{
	const struct section_rule *r = NULL;
	const char *slash;

	p->autoload = true;
	if (p->section[0] == '?') {
		p->autoload = false;
		p->section++;
	}
	for (size_t i = 0; i < NRULES && !r; i++)
		if (rule_matches(&rules[i], p->section))
			r = &rules[i];
	if (!r && (r = rule_legacy_prefix(p->section)))
		p->rule_flags |= SECTION_LEGACY;
	if (!r)
		return;
	p->rule = r->name;
	p->type = r->type;
	p->rule_flags |= r->flags;
	if (r->attach != NONE) {
		p->expected_attach_type = (uint32_t)r->attach;
		p->rule_flags |= SECTION_EXPECTED;
	}
	if (r->flags & SECTION_SLEEPABLE)
		p->prog_flags |= BPF_F_SLEEPABLE;
	if (r->flags & SECTION_FRAGS)
		p->prog_flags |= BPF_F_XDP_HAS_FRAGS;
	slash = strchr(p->section, '/');
	if ((r->flags & SECTION_ATTACH_BTF) && slash && slash[1])
		p->attach_to = slash + 1;
}

/* A program that takes another's type (iproute2's tail calls). */
void section_type_as(struct obj_prog *p, const struct obj_prog *like, const char *rule)
{
	p->type = like->type;
	p->expected_attach_type = like->expected_attach_type;
	p->prog_flags = like->prog_flags;
	p->rule_flags = like->rule_flags & (SECTION_EXPECTED | SECTION_SLEEPABLE | SECTION_FRAGS);
	p->rule = rule;
}

/* Whether xdpload loads the program its section names, and if not, why. */
int section_loadable(const struct obj_prog *p, struct xdpl_error *e)
{
	if (!p->type)
		return err_set(e, -ENOTSUP,
			       "load: program %s: section %s names no program type xdpload knows (the section names libbpf documents, listed in the README)",
			       p->name, p->section);
	if (p->rule_flags & SECTION_REFUSED)
		return err_set(e, -ENOTSUP, "load: program %s (section %s): %s programs are not loaded by xdpload: %s",
			       p->name, p->section, obj_prog_type_name(p),
			       p->type == BPF_PROG_TYPE_EXT
				       ? "their target is another loaded program, which an object file cannot name"
				       : "they load with their .struct_ops map, registered with the kernel subsystem they implement");
	return 0;
}

/* For -v: the rule that typed each program, or that none did. */
void sections_log(const struct obj *obj)
{
	for (uint32_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];

		if (!p->rule)
			xdpl_log("elf: program %s: section %s names no program type xdpload knows",
				 p->name, p->section);
		else
			xdpl_log("elf: program %s: section %s is %s (%s) by rule \"%s%s\"%s%s%s",
				 p->name, p->section, obj_prog_type_name(p),
				 obj_prog_kernel_type_name(p->type), p->rule,
				 rule_of(p) ? rule_suffix(rule_of(p)) : "",
				 p->rule_flags & SECTION_LEGACY ? " (as libbpf 0.x and iproute2 read it)" : "",
				 p->autoload ? "" : "; '?': not loaded unless asked for",
				 p->rule_flags & SECTION_REFUSED ? "; xdpload refuses to load it" : "");
	}
}

/* "xdp", "xdp.frags/devmap", "kprobe", "cgroup/connect4": the rule, as libbpf names it. */
const char *obj_prog_type_name(const struct obj_prog *p)
{
	static const char *const xdp[2][3] = {
		{ "xdp", "xdp/devmap", "xdp/cpumap" },
		{ "xdp.frags", "xdp.frags/devmap", "xdp.frags/cpumap" },
	};
	int frags = !!(p->prog_flags & BPF_F_XDP_HAS_FRAGS);

	if (!p->rule)
		return "unsupported";
	if (p->type == BPF_PROG_TYPE_XDP)
		return xdp[frags][p->expected_attach_type == BPF_XDP_DEVMAP   ? 1
				  : p->expected_attach_type == BPF_XDP_CPUMAP ? 2
									       : 0];
	return p->rule;
}

const char *obj_prog_kernel_type_name(uint32_t type)
{
	static const char *const names[] = {
		"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp",
		"perf_event", "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit",
		"sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
		"cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
		"flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt",
		"tracing", "struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

const char *obj_attach_type_name(uint32_t type)
{
	static const char *const names[] = {
		"cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create",
		"cgroup_sock_ops", "sk_skb_stream_parser", "sk_skb_stream_verdict", "cgroup_device",
		"sk_msg_verdict", "cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect",
		"cgroup_inet6_connect", "cgroup_inet4_post_bind", "cgroup_inet6_post_bind",
		"cgroup_udp4_sendmsg", "cgroup_udp6_sendmsg", "lirc_mode2", "flow_dissector",
		"cgroup_sysctl", "cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg", "cgroup_getsockopt",
		"cgroup_setsockopt", "trace_raw_tp", "trace_fentry", "trace_fexit", "modify_return",
		"lsm_mac", "trace_iter", "cgroup_inet4_getpeername", "cgroup_inet6_getpeername",
		"cgroup_inet4_getsockname", "cgroup_inet6_getsockname", "xdp_devmap",
		"cgroup_inet_sock_release", "xdp_cpumap", "sk_lookup", "xdp", "sk_skb_verdict",
		"sk_reuseport_select", "sk_reuseport_select_or_migrate", "perf_event",
		"trace_kprobe_multi", "lsm_cgroup", "struct_ops", "netfilter", "tcx_ingress",
		"tcx_egress", "trace_uprobe_multi", "cgroup_unix_connect", "cgroup_unix_sendmsg",
		"cgroup_unix_recvmsg", "cgroup_unix_getpeername", "cgroup_unix_getsockname",
		"netkit_primary", "netkit_peer", "trace_kprobe_session", "trace_uprobe_session",
		"trace_fsession",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}
