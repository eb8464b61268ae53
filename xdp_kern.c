// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_kern.c - the firewall xdpload ships: the Aya book's example grown up.
 * It started as "pass everything"; now it judges every packet by its source
 * address against a blocklist (or, in allow-only mode, an allowlist), then,
 * when there are service rules, by its protocol and destination port:
 *
 *   Ethernet -> up to two VLAN tags (802.1Q, 802.1ad) -> IPv4 or IPv6 header
 *   -> source address: exact match (hash), else longest prefix (LPM trie)
 *   -> a source dropped: drop.  Else, with service rules and not neighbour
 *      discovery: IPv4 options skipped (IHL), IPv6 extension headers walked
 *      (at most FW_EXT_MAX), a non-first fragment passed, then the protocol
 *      and destination port in fw_svc: block rule, allow rule, or the mode's
 *      default for no rule
 *   -> verdict -> counters -> a drop event (rate-limited)
 *
 * The source-address verdict comes first: no protocol, extension header,
 * option or fragment is looked at before it, so none can carry a blocked
 * source past it.  The service step only ever turns a pass into a drop.
 * Frames that are not IP (ARP, LLDP) have no source address to judge and
 * pass.  A frame too short for the headers it announces is malformed:
 * counted, and passed unless the policy says to drop malformed frames; a
 * frame with more VLAN tags than we look through is counted as malformed and
 * always dropped, and so is one the service step cannot read to its ports
 * (a truncated transport header, more extension headers than the bound).
 *
 * The cost per packet does not depend on the number of rules: an exact
 * source is one hash lookup that also finds the rule's counter (fw_exact); a
 * miss adds the trie only when the family has prefixes (FW_F_NO_PREFIX*); a
 * prefix hit counts in fw_hits; service rules add an array lookup (and
 * fw_hits for the rule that matched).  Maps, keys and values are described
 * in firewall.h, shared with the control path; every map is pinned by name,
 * so rules, counters and the policy survive reloads and upgrades.
 */
#include "xdp_kern.h"
#include "fw/firewall.h"

#define PIN_BY_NAME __uint(pinning, LIBBPF_PIN_BY_NAME)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fw_meta);
	PIN_BY_NAME;
} fw_meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FW_MAX_EXACT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct fw_exact);
	PIN_BY_NAME;
} fw_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FW_MAX_EXACT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_addr6);
	__type(value, struct fw_exact);
	PIN_BY_NAME;
} fw_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_MAX_PREFIX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_lpm4_key);
	__type(value, __u32);
	PIN_BY_NAME;
} fw_lpm4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_MAX_PREFIX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct fw_lpm6_key);
	__type(value, __u32);
	PIN_BY_NAME;
} fw_lpm6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, FW_MAX_HITS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct fw_counter);
	PIN_BY_NAME;
} fw_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_STAT_COUNT);
	__type(key, __u32);
	__type(value, struct fw_counter);
	PIN_BY_NAME;
} fw_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fw_limiter);
	PIN_BY_NAME;
} fw_limit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_SVC_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
	PIN_BY_NAME;
} fw_svc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, FW_EVENTS_BYTES);
	PIN_BY_NAME;
} fw_events SEC(".maps");

/* Wire formats; multi-byte fields are big-endian, compared as such. */
struct eth_hdr {
	__u8 dst[6], src[6];
	__u16 proto;
};

struct vlan_hdr {
	__u16 tci;
	__u16 proto;
};

struct ipv4_hdr {
	__u8 version_ihl;
	__u8 tos;
	__u16 total_len, id, frag_off;
	__u8 ttl, protocol;
	__u16 check;
	__u8 saddr[4], daddr[4];
};

struct ipv6_hdr {
	__u8 version_class;
	__u8 class_flow[3];
	__u16 payload_len;
	__u8 nexthdr, hop_limit;
	__u8 saddr[16], daddr[16];
};

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "xdp_kern.c compares big-endian wire fields as byte-swapped constants: bpfel only"
#endif
#define BE16(x) ((__u16)__builtin_bswap16(x))
#define ETH_P_IP BE16(0x0800)
#define ETH_P_IPV6 BE16(0x86DD)
#define ETH_P_8021Q BE16(0x8100)
#define ETH_P_8021AD BE16(0x88A8)
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_AH 51
#define IPPROTO_DSTOPTS 60
#define IP_OFFSET BE16(0x1fff)  /* IPv4 fragment offset */
#define IP6_OFFSET BE16(0xfff8) /* IPv6 fragment header: offset */
#define ICMPV6_ROUTER_SOLICIT 133
#define ICMPV6_NEIGH_SOLICIT 135
#define ICMPV6_NEIGH_ADVERT 136

static __always_inline void count(__u32 stat, __u64 bytes)
{
	struct fw_counter *c = bpf_map_lookup_elem(&fw_stats, &stat);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* Per-rule hits: the counter is made on a rule's first hit, so rules never hit cost nothing. */
static __always_inline void count_rule(__u32 rule, __u64 bytes)
{
	struct fw_counter first = { 1, bytes }, *c = bpf_map_lookup_elem(&fw_hits, &rule);
	long err;

	if (!c) {
		err = bpf_map_update_elem(&fw_hits, &rule, &first, BPF_NOEXIST);
		if (!err)
			return;
		/* Another CPU made it first (EEXIST): add to it.  Otherwise the map is full. */
		c = bpf_map_lookup_elem(&fw_hits, &rule);
		if (!c) {
			count(FW_STAT_HITS_FULL, bytes);
			return;
		}
	}
	c->packets++;
	c->bytes += bytes;
}

/*
 * An exact rule's hit, counted in its own value: all CPUs add to it, so
 * atomically.  A prefix's hit is counted in fw_hits (count_rule).
 */
static __always_inline __u32 exact_hit(struct fw_exact *x, __u64 bytes)
{
	__sync_fetch_and_add(&x->hits.packets, 1);
	__sync_fetch_and_add(&x->hits.bytes, bytes);
	return x->rule;
}

/*
 * The rule matching an IPv4 source, counted: exact first, then the longest
 * prefix, unless the control path says there is none (a trie walk saved per
 * miss).  0: no rule (rule ids start at 1).
 */
static __always_inline __u32 match_v4(const struct fw_meta *meta, const __u8 *saddr, __u64 bytes)
{
	struct fw_lpm4_key prefix;
	struct fw_exact *x;
	__u32 exact, *rule;

	__builtin_memcpy(&exact, saddr, 4);
	x = bpf_map_lookup_elem(&fw_v4, &exact);
	if (x)
		return exact_hit(x, bytes);
	if (meta->flags & FW_F_NO_PREFIX4)
		return 0;
	prefix.prefixlen = 32; /* set here: an initialiser could become a .rodata map */
	__builtin_memcpy(prefix.addr, saddr, 4);
	rule = bpf_map_lookup_elem(&fw_lpm4, &prefix);
	if (!rule)
		return 0;
	count_rule(*rule, bytes);
	return *rule;
}

static __always_inline __u32 match_v6(const struct fw_meta *meta, const __u8 *saddr, __u64 bytes)
{
	struct fw_lpm6_key prefix;
	struct fw_addr6 exact;
	struct fw_exact *x;
	__u32 *rule;

	__builtin_memcpy(exact.addr, saddr, 16);
	x = bpf_map_lookup_elem(&fw_v6, &exact);
	if (x)
		return exact_hit(x, bytes);
	if (meta->flags & FW_F_NO_PREFIX6)
		return 0;
	prefix.prefixlen = 128;
	__builtin_memcpy(prefix.addr, saddr, 16);
	rule = bpf_map_lookup_elem(&fw_lpm6, &prefix);
	if (!rule)
		return 0;
	count_rule(*rule, bytes);
	return *rule;
}

/*
 * A drop event, unless this CPU already sent its share this second: a flood
 * costs the data path a look at jiffies and a compare per packet, no more.
 */
static __always_inline void report_drop(const struct fw_meta *meta, struct xdp_md *ctx, __u32 rule,
					__u8 family, const __u8 *src, __u64 bytes)
{
	struct fw_limiter *limit;
	struct fw_event *ev;
	__u32 zero = 0;
	__u64 now;

	if (!meta->events_per_sec)
		return;
	limit = bpf_map_lookup_elem(&fw_limit, &zero);
	if (!limit)
		return;
	/*
	 * The coarse clock changes only at a tick, and jiffies (which the JIT
	 * turns into one load) says whether one has passed: within a tick, a
	 * flood of drops reads no clock at all.
	 */
	if (bpf_jiffies64() != limit->tick) {
		limit->tick = bpf_jiffies64();
		limit->now = bpf_ktime_get_coarse_ns();
	}
	now = limit->now;
	if (now - limit->window_start >= 1000000000ULL) {
		limit->window_start = now;
		limit->sent = 0;
	}
	if (limit->sent >= meta->events_per_sec) {
		count(FW_STAT_EVENT_LIMITED, bytes);
		return;
	}
	/*
	 * An event lost to a full ring counts against the rate too: with nobody
	 * reading, the ring stays full, and every drop would otherwise try the
	 * ring (its lock, shared by all CPUs) and be counted lost, not held back.
	 */
	limit->sent++;
	ev = bpf_ringbuf_reserve(&fw_events, sizeof(*ev), 0);
	if (!ev) {
		count(FW_STAT_EVENT_LOST, bytes);
		return;
	}
	ev->time_ns = now;
	ev->rule = rule;
	ev->len = (__u32)bytes;
	ev->ifindex = ctx->ingress_ifindex;
	ev->family = family;
	ev->reserved[0] = ev->reserved[1] = ev->reserved[2] = 0;
	__builtin_memset(ev->src, 0, sizeof(ev->src));
	if (family == 4)
		__builtin_memcpy(ev->src, src, 4);
	else
		__builtin_memcpy(ev->src, src, 16);
	bpf_ringbuf_submit(ev, 0);
	count(FW_STAT_EVENT_SENT, bytes);
}

enum svc_verdict { SVC_PASS, SVC_DROP, SVC_MALFORMED };

/*
 * The service step: the transport protocol and destination port of a packet
 * whose source the address rules let through, against fw_svc.  `off` is the
 * transport header's offset from l3 for IPv4 (IHL), the first header after
 * the fixed one for IPv6, whose extension headers are walked here, at most
 * FW_EXT_MAX of them: one more is malformed.  A non-first fragment carries
 * no port and passes (its first fragment, which must hold the ports, was
 * judged); a transport header too short for its ports is malformed.
 */
static __always_inline int service(const struct fw_meta *meta, void *l3, void *end, __u32 off,
				   __u8 proto, int v6, __u32 *rule, __u64 bytes)
{
	__u32 slot, *value;
	__u8 *p;

	*rule = 0; /* a drop by no service rule: allow-only */
	if (v6) {
#pragma unroll
		for (int i = 0; i < FW_EXT_MAX + 1; i++) {
			if (proto != IPPROTO_HOPOPTS && proto != IPPROTO_ROUTING &&
			    proto != IPPROTO_DSTOPTS && proto != IPPROTO_FRAGMENT && proto != IPPROTO_AH)
				break;
			if (i == FW_EXT_MAX)
				return SVC_MALFORMED; /* past the bound: fail closed */
			p = l3 + off;
			if ((void *)(p + 8) > end)
				return SVC_MALFORMED; /* every extension header is 8 bytes or more */
			if (proto == IPPROTO_FRAGMENT) {
				if (*(__u16 *)(p + 2) & IP6_OFFSET)
					return SVC_PASS; /* not the first fragment: no port */
				off += 8;
			} else if (proto == IPPROTO_AH) {
				off += ((__u32)p[1] + 2) * 4;
			} else {
				off += ((__u32)p[1] + 1) * 8;
			}
			proto = p[0];
		}
	}
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		p = l3 + off;
		if ((void *)(p + 4) > end)
			return SVC_MALFORMED; /* no room for the ports */
		slot = BE16(*(__u16 *)(p + 2)) + (proto == IPPROTO_UDP ? FW_SVC_UDP : 0);
	} else if (proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP)) {
		slot = v6 ? FW_SVC_ICMPV6 : FW_SVC_ICMP;
	} else {
		/* No service of ours (GRE, SCTP, ICMP in IPv6...): no rule can name it. */
		return meta->services == FW_SVC_ALLOW_ONLY ? SVC_DROP : SVC_PASS;
	}
	value = bpf_map_lookup_elem(&fw_svc, &slot);
	if (!value || !*value)
		return meta->services == FW_SVC_ALLOW_ONLY ? SVC_DROP : SVC_PASS;
	*rule = *value & ~FW_SVC_ALLOW;
	count_rule(*rule, bytes);
	return *value & FW_SVC_ALLOW ? SVC_PASS : SVC_DROP;
}

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 bytes = (__u64)(end - data);
	struct eth_hdr *eth = data;
	struct fw_meta *meta;
	const __u8 *src;
	__u32 zero = 0, rule;
	__u8 family, l4proto;
	__u16 proto;
	void *l3;
	int drop, neighbour = 0, first = 1;
	__u32 l4off;

	meta = bpf_map_lookup_elem(&fw_meta, &zero);
	if (!meta)
		return XDP_PASS;
	if ((void *)(eth + 1) > end)
		goto malformed;
	proto = eth->proto;
	l3 = eth + 1;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		struct vlan_hdr *vlan = l3;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vlan + 1) > end)
			goto malformed;
		proto = vlan->proto;
		l3 = vlan + 1;
	}

	if (proto == ETH_P_IP) {
		struct ipv4_hdr *ip = l3;

		if ((void *)(ip + 1) > end || ip->version_ihl >> 4 != 4 ||
		    (ip->version_ihl & 0xf) < 5 || l3 + (ip->version_ihl & 0xf) * 4 > end)
			goto malformed;
		family = 4;
		src = ip->saddr;
		rule = match_v4(meta, src, bytes);
		l4off = (ip->version_ihl & 0xf) * 4;
		l4proto = ip->protocol;
		first = !(ip->frag_off & IP_OFFSET);
	} else if (proto == ETH_P_IPV6) {
		struct ipv6_hdr *ip6 = l3;
		__u8 *icmp_type = (__u8 *)(ip6 + 1);

		if ((void *)(ip6 + 1) > end || ip6->version_class >> 4 != 6)
			goto malformed;
		family = 6;
		src = ip6->saddr;
		rule = match_v6(meta, src, bytes);
		l4off = sizeof(*ip6);
		l4proto = ip6->nexthdr;
		/*
		 * Neighbour discovery a host needs whoever its neighbours are:
		 * solicitations and advertisements (and router solicitations),
		 * never routed (hop limit 255).  Router advertisements and
		 * redirects are not in it: they come from a router the rules allow.
		 */
		if (ip6->nexthdr == IPPROTO_ICMPV6 && ip6->hop_limit == 255 &&
		    (void *)(icmp_type + 1) <= end &&
		    (*icmp_type == ICMPV6_NEIGH_SOLICIT || *icmp_type == ICMPV6_NEIGH_ADVERT ||
		     *icmp_type == ICMPV6_ROUTER_SOLICIT))
			neighbour = 1;
	} else if (proto == ETH_P_8021Q || proto == ETH_P_8021AD) {
		/*
		 * A third tag: more than we look through, so we cannot know the
		 * source.  Fail closed: counted as malformed, and dropped whatever
		 * --malformed says, or a third tag would carry any source past us.
		 */
		count(FW_STAT_MALFORMED, bytes);
		return XDP_DROP;
	} else {
		count(FW_STAT_PASS, bytes); /* ARP and other non-IP frames: no source to judge */
		return XDP_PASS;
	}

	if (meta->policy == FW_POLICY_ALLOW_ONLY)
		drop = !rule && !neighbour;
	else
		drop = rule != 0;
	/*
	 * Only a source the address rules let through meets the service rules;
	 * neighbour discovery, which allow-only lets through, is no service.
	 */
	if (!drop && meta->services != FW_SVC_NONE && !neighbour && first) {
		int svc = service(meta, l3, end, l4off, l4proto, family == 6, &rule, bytes);

		if (svc == SVC_MALFORMED) {
			count(FW_STAT_MALFORMED, bytes);
			return XDP_DROP; /* fail closed: no port read is no port allowed */
		}
		drop = svc == SVC_DROP;
	}
	if (!drop) {
		count(FW_STAT_PASS, bytes);
		return XDP_PASS;
	}
	count(FW_STAT_DROP, bytes);
	report_drop(meta, ctx, rule, family, src, bytes);
	return XDP_DROP;

malformed:
	count(FW_STAT_MALFORMED, bytes);
	return meta->flags & FW_F_MALFORMED_DROP ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
