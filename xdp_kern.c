// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_kern.c - the firewall xdpload ships: the Aya book's example grown up.
 * It started as "pass everything"; now it judges every packet by its source
 * address against a blocklist (or, in allow-only mode, an allowlist):
 *
 *   Ethernet -> up to two VLAN tags (802.1Q, 802.1ad) -> IPv4 or IPv6 header
 *   -> source address: exact match (hash), else longest prefix (LPM trie)
 *   -> verdict -> counters -> a drop event (rate-limited)
 *
 * The source-address verdict comes first and is the only thing that decides:
 * no protocol, extension header, option or fragment is looked at before it,
 * so none can carry a blocked source past it.  Frames that are not IP (ARP,
 * LLDP) have no source address to judge and pass.  A frame too short for
 * the headers it announces is malformed: counted, and passed unless the
 * policy says to drop malformed frames; a frame with more VLAN tags than we
 * look through is counted as malformed and always dropped.
 *
 * The cost per packet does not depend on the number of rules: two or three
 * map lookups, whatever the maps hold.  Maps, keys and values are described
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
#define IPPROTO_ICMPV6 58
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
	__u8 family;
	__u16 proto;
	void *l3;
	int drop, neighbour = 0;

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
	} else if (proto == ETH_P_IPV6) {
		struct ipv6_hdr *ip6 = l3;
		__u8 *icmp_type = (__u8 *)(ip6 + 1);

		if ((void *)(ip6 + 1) > end || ip6->version_class >> 4 != 6)
			goto malformed;
		family = 6;
		src = ip6->saddr;
		rule = match_v6(meta, src, bytes);
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
