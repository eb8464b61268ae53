/* SPDX-License-Identifier: MIT */
/*
 * fw.h - what the files of the firewall's control plane share; the public
 * side is the firewall section of include/xdpload.h.  The map layout is in
 * firewall.h, shared with the data path (xdp_kern.c).
 *
 *   rules.c    rules as text, sets of rules, the export format (no syscalls:
 *              the fuzz target runs it alone)
 *   state.c    one interface's state directory: its lock, its ten maps
 *              checked against the layout, the settings in fw_meta, the
 *              claim on the events ring
 *   ruleset.c  rules and counters in the maps: list, add, remove, replace
 *   attach.c   the firewall on an interface: load, attach, upgrade, detach
 *   builtin.c  the firewall object the library carries
 *   usage.c    how full the state's maps are, for a monitor
 *
 * Nothing here prints or exits; every call returns 0 or -errno and explains
 * a failure in the caller's struct xdpl_error.
 */
#ifndef XDPLOAD_FW_H
#define XDPLOAD_FW_H

#include "fw/firewall.h"
#include "lib/internal.h"

/* ---- rules.c ---- */

/* xdpl_fw_rule_parse() with the reason in a plain buffer, as the fuzz target calls it. */
int fw_rule_parse_why(const char *text, struct xdpl_fw_rule *r, char *why, size_t whylen);
bool fw_rule_is_exact(const struct xdpl_fw_rule *r);
int fw_rule_cmp(const void *a, const void *b); /* XDPL_FW_ORDER_SET, for qsort and bsearch */
int fw_services_overlap(const struct xdpl_fw_rules *set, size_t *a, size_t *b);
int fw_rules_diff(const struct xdpl_fw_rules *have, const struct xdpl_fw_rules *want,
		  struct xdpl_fw_rules *add, struct xdpl_fw_rules *del, size_t *kept);

/* ---- state.c ---- */

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
	FW_MAP_SVC,
	FW_MAP_COUNT,
};

extern const char *const fw_map_names[FW_MAP_COUNT];

#define FW_EVENTS_DEFAULT 100 /* a new firewall's drop events per second and CPU */

struct xdpl_fw {
	char dir[4096];
	int dir_fd;
	int lock;                /* the flock held on dir_fd: 0, LOCK_SH or LOCK_EX */
	int fds[FW_MAP_COUNT];
	uint32_t map_ids[FW_MAP_COUNT];
	uint32_t max_entries[FW_MAP_COUNT];
	struct fw_meta meta;     /* as last read or written */
	unsigned int ncpus;      /* possible CPUs: per-CPU values come in this many copies */
	unsigned int dirs_made;  /* xdpl_fw_load(): directory levels made, for xdpl_fw_abandon() */
};

int fw_state_new(struct xdpl_fw **fw, const char *dir, struct xdpl_error *e);
int fw_state_lock(struct xdpl_fw *fw, int how, bool create, struct xdpl_error *e);
void fw_state_dirs_remove(struct xdpl_fw *fw);
int fw_state_maps(struct xdpl_fw *fw, struct xdpl_error *e);
int fw_meta_read(struct xdpl_fw *fw, struct xdpl_error *e);
int fw_meta_write(struct xdpl_fw *fw, struct xdpl_error *e);
uint32_t fw_prefix_flags(struct xdpl_fw *fw);
int fw_meta_init(struct xdpl_fw *fw, const struct xdpl_fw_settings_opts *opts,
		 struct xdpl_error *e);
void fw_settings_of(const struct fw_meta *meta, struct xdpl_fw_settings *s);
int fw_change_check(const struct xdpl_fw *fw, struct xdpl_error *e);

/* ---- ruleset.c ---- */

void fw_hits_prune(struct xdpl_fw *fw, const uint32_t *live, size_t n);

#endif
