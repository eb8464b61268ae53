/* SPDX-License-Identifier: MIT */
/*
 * firewall.h - the contract between the firewall's data path (xdp_kern.c,
 * built by clang -target bpf) and its control path (fw.c, rules.c and the
 * commands in fw_cli.c): the maps' names, keys, values and sizes.
 *
 * Every map is pinned by name under /sys/fs/bpf/xdpload/fw-state/IFACE/, so rules,
 * counters and the policy outlive the program: an upgrade or a reload reuses
 * them.  Changing anything below changes the layout: bump FW_LAYOUT, so a
 * control path never reads a pinned map with the wrong eyes.
 *
 *   fw_meta    array[1]        struct fw_meta: layout, policy, options
 *   fw_v4      hash            4-byte address       -> fw_exact   (/32: rule id and its hits)
 *   fw_v6      hash            16-byte address      -> fw_exact   (/128)
 *   fw_lpm4    LPM trie        struct fw_lpm4_key   -> rule id    (/0../31)
 *   fw_lpm6    LPM trie        struct fw_lpm6_key   -> rule id    (/0../127)
 *   fw_hits    per-CPU hash    rule id              -> fw_counter (a prefix's hits, made on its first)
 *   fw_stats   per-CPU array   enum fw_stat         -> fw_counter
 *   fw_limit   per-CPU array   0                    -> fw_limiter (event rate)
 *   fw_events  ring buffer     struct fw_event, one per drop (rate-limited)
 *   fw_svc     array[131074]   service slot         -> rule id | FW_SVC_ALLOW, 0: no rule
 *              (TCP port p at p, UDP port p at FW_SVC_UDP + p, FW_SVC_ICMP, FW_SVC_ICMPV6)
 *
 * Addresses are kept in network byte order, as they are on the wire.
 */
#ifndef XDPLOAD_FIREWALL_H
#define XDPLOAD_FIREWALL_H

#ifndef __bpf__
/* Spelled as the kernel's uapi spells them (asm-generic/int-ll64.h): some
 * libcs bring that header in too (glibc on aarch64, from <signal.h>), and C11
 * allows a typedef repeated only when the type is the same. */
typedef unsigned char __u8;
typedef unsigned int __u32;
typedef unsigned long long __u64;
#endif

/*
 * The version of everything in this file (2: fw_limiter keeps the tick;
 * 3: fw_exact holds an exact rule's hits, fw_svc and fw_meta.services).
 */
#define FW_LAYOUT 3

/* Capacities: not part of the layout (a test object shrinks them to fill them). */
#ifndef FW_MAX_EXACT
#define FW_MAX_EXACT (1U << 20)  /* per family: /32 and /128 entries */
#endif
#ifndef FW_MAX_PREFIX
#define FW_MAX_PREFIX (1U << 20) /* per family: shorter prefixes */
#endif
#ifndef FW_MAX_HITS
#define FW_MAX_HITS (1U << 20)   /* rules with a hit counter */
#endif
#define FW_EVENTS_BYTES (256U * 1024)

enum fw_policy {
	FW_POLICY_DENY = 0,       /* drop sources that match a rule, pass the rest */
	FW_POLICY_ALLOW_ONLY = 1, /* pass sources that match, ARP and IPv6 ND; drop the rest */
};

#define FW_F_MALFORMED_DROP (1U << 0) /* drop truncated or malformed packets (default: pass) */
/*
 * fw_lpm4 (fw_lpm6) holds no prefix, so a source that is no exact rule is no
 * rule at all: the data path skips the trie.  Set by the control path only
 * when it has seen the trie empty, and cleared before a prefix goes in, so a
 * state without these bits (older, or changed behind our back) is judged
 * with the trie, as always.
 */
#define FW_F_NO_PREFIX4 (1U << 1)
#define FW_F_NO_PREFIX6 (1U << 2)

/*
 * Service rules (port and protocol), judged after the source and only for a
 * source the address rules let through.  The mode follows from the rules,
 * set by the control path: any allow rule makes it allow-only.
 */
enum fw_services {
	FW_SVC_NONE = 0,       /* no service rules: the step is skipped */
	FW_SVC_BLOCK = 1,      /* drop the services with a rule, pass the rest */
	FW_SVC_ALLOW_ONLY = 2, /* pass the services with an allow rule; drop the rest */
};

#define FW_SVC_UDP 65536U     /* fw_svc: TCP port p is slot p, UDP port p slot FW_SVC_UDP + p */
#define FW_SVC_ICMP 131072U   /* ICMP (IPv4), any type */
#define FW_SVC_ICMPV6 131073U /* ICMPv6 apart from neighbour discovery, any type */
#define FW_SVC_SLOTS 131074U
#define FW_SVC_ALLOW (1U << 31) /* in a slot's value: an allow rule; the rest is its id */
#define FW_EXT_MAX 6            /* IPv6 extension headers walked; more is malformed */

struct fw_meta {
	__u32 layout;         /* FW_LAYOUT; 0 until the control path initialises it */
	__u32 policy;         /* enum fw_policy */
	__u32 flags;          /* FW_F_* */
	__u32 events_per_sec; /* per CPU; 0: no events */
	__u32 next_rule;      /* the next rule id the control path hands out (from 1) */
	__u32 services;       /* enum fw_services */
};

struct fw_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct fw_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct fw_addr6 {
	__u8 addr[16];
};

struct fw_counter {
	__u64 packets;
	__u64 bytes;
};

/*
 * An exact rule and its hits in one value: the lookup that finds the rule
 * finds its counter, so a hit costs one hash lookup, not two (a second
 * lookup in fw_hits was about 40 ns of a 130 ns drop here).  The counter is
 * shared by the CPUs and added to atomically; an element of this size takes
 * the same 96-byte slab object as one holding the rule id alone.
 */
struct fw_exact {
	__u32 rule;
	__u32 reserved;
	struct fw_counter hits;
};

enum fw_stat {
	FW_STAT_PASS,         /* well-formed, passed */
	FW_STAT_DROP,         /* dropped by the policy */
	FW_STAT_MALFORMED,    /* truncated or malformed: passed, or dropped with FW_F_MALFORMED_DROP */
	FW_STAT_EVENT_SENT,   /* drop events written to fw_events */
	FW_STAT_EVENT_LIMITED, /* drop events not sent: over the rate */
	FW_STAT_EVENT_LOST,   /* drop events not sent: the ring buffer was full */
	FW_STAT_HITS_FULL,    /* rule hits not counted: fw_hits was full */
	FW_STAT_COUNT,
};

struct fw_limiter {
	__u64 window_start; /* ns, CLOCK_MONOTONIC_COARSE */
	__u64 sent;         /* events tried in this one-second window (sent, or lost to a full ring) */
	__u64 tick;         /* jiffies when `now` was read: the coarse clock moves only at a tick */
	__u64 now;          /* CLOCK_MONOTONIC_COARSE at that tick */
};

struct fw_event {
	__u64 time_ns;  /* CLOCK_MONOTONIC_COARSE */
	__u32 rule;     /* the rule that matched; 0 when none did (allow-only) */
	__u32 len;      /* frame length in bytes */
	__u32 ifindex;
	__u8 family;    /* 4 or 6 */
	__u8 reserved[3];
	__u8 src[16];   /* IPv4 in the first 4 bytes */
};

#endif
