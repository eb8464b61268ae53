/* SPDX-License-Identifier: MIT */
/*
 * fw.h - the firewall's control path: rules as text (rules.c, no syscalls,
 * fuzzable) and rules, counters and events in the pinned maps (fw.c).
 * The map layout itself is in firewall.h, shared with the data path.
 */
#ifndef XDPLOAD_FW_H
#define XDPLOAD_FW_H

#include "fw/firewall.h"
#include "lib/internal.h"

/* One rule: a source prefix and the id its hits are counted under. */
struct fw_rule {
	uint8_t family;    /* 4 or 6 */
	uint8_t prefixlen; /* 0..32 or 0..128 */
	uint8_t addr[16];  /* network byte order; IPv4 in the first 4 bytes */
	uint32_t id;       /* 0 until the kernel's maps give it one */
	uint32_t line;     /* where a rules file says it; 0 elsewhere */
};

struct fw_rules {
	struct fw_rule *v;
	size_t n, cap;
};

/* ---- rules.c: text <-> rules ---- */

#define FW_CIDR_MAX 64 /* longest text of one CIDR we print or accept, with its NUL */

int fw_rule_parse(const char *text, struct fw_rule *r, char *why, size_t whylen);
void fw_rule_format(const struct fw_rule *r, char *buf, size_t len);
bool fw_rule_is_exact(const struct fw_rule *r);
int fw_rule_cmp(const void *a, const void *b);
int fw_rules_push(struct fw_rules *set, const struct fw_rule *r);
void fw_rules_sort(struct fw_rules *set);
void fw_rules_sort_by(struct fw_rules *set, int (*cmp)(const void *, const void *));
void fw_rules_free(struct fw_rules *set);
int fw_rules_parse_text(const char *name, const char *buf, size_t len, struct fw_rules *out,
			struct xdpl_error *e);
int fw_rules_diff(const struct fw_rules *have, const struct fw_rules *want, struct fw_rules *add,
		  struct fw_rules *del, size_t *kept);

/* ---- fw.c: the pinned maps of one interface's firewall ---- */

enum fw_map {
	FW_MAP_META,
	FW_MAP_V4,
	FW_MAP_V6,
	FW_MAP_LPM4,
	FW_MAP_LPM6,
	FW_MAP_HITS,
	FW_MAP_STATS,
	FW_MAP_LIMIT,
	FW_MAP_EVENTS,
	FW_MAP_COUNT,
};

extern const char *const fw_map_names[FW_MAP_COUNT];

struct fw {
	char dir[4096];
	int fds[FW_MAP_COUNT];
	uint32_t map_ids[FW_MAP_COUNT];
	uint32_t max_entries[FW_MAP_COUNT];
	int dir_fd;        /* flock()ed while rules change */
	struct fw_meta meta;
	unsigned int ncpus; /* possible CPUs: per-CPU values come in this many copies */
};

struct fw_hit {
	uint32_t rule;
	struct fw_counter total;
};

int fw_open(struct fw *fw, const char *dir, int lock, struct xdpl_error *e); /* lock: 0, LOCK_SH, LOCK_EX */
void fw_close(struct fw *fw);
int fw_meta_write(struct fw *fw, struct xdpl_error *e);
int fw_rules_read(struct fw *fw, struct fw_rules *out, struct xdpl_error *e);
int fw_rule_find(struct fw *fw, const struct fw_rule *r, uint32_t *id);
int fw_rules_apply(struct fw *fw, struct fw_rules *add, const struct fw_rules *del,
		   struct xdpl_error *e);
int fw_hits_read(struct fw *fw, struct fw_hit **hits, size_t *n, struct xdpl_error *e);
void fw_hits_prune(struct fw *fw, const uint32_t *live, size_t n);
const struct fw_hit *fw_hit_find(const struct fw_hit *hits, size_t n, uint32_t rule);
int fw_stats_read(struct fw *fw, struct fw_counter stats[FW_STAT_COUNT], struct xdpl_error *e);

#endif
