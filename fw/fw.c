// SPDX-License-Identifier: MIT
/*
 * fw.c - the firewall's state in the kernel, through its pinned maps:
 *
 *   fw_open        the maps under /sys/fs/bpf/xdpload/IFACE, checked against
 *                  firewall.h's layout (map shapes and fw_meta's version)
 *   fw_rules_read  every rule with its id (hash maps in batches of 1024)
 *   fw_rules_apply add, then remove: a rule in both the old and new set is
 *                  never absent, not even for a moment; any failure undoes
 *                  what was done, so a change is all or nothing
 *   fw_hits_read, fw_stats_read   per-CPU counters, summed
 *
 * Rule changes hold an exclusive flock on the directory, so two xdpload
 * processes never hand out the same rule id.  Nothing here prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "fw/fw.h"

const char *const fw_map_names[FW_MAP_COUNT] = {
	"fw_meta", "fw_v4", "fw_v6", "fw_lpm4", "fw_lpm6",
	"fw_hits", "fw_stats", "fw_limit", "fw_events",
};

/* What firewall.h says each map is; a pinned map of another shape is refused. */
static const struct {
	uint32_t type, key_size, value_size;
} fw_map_shapes[FW_MAP_COUNT] = {
	[FW_MAP_META] = { BPF_MAP_TYPE_ARRAY, 4, sizeof(struct fw_meta) },
	[FW_MAP_V4] = { BPF_MAP_TYPE_HASH, 4, 4 },
	[FW_MAP_V6] = { BPF_MAP_TYPE_HASH, 16, 4 },
	[FW_MAP_LPM4] = { BPF_MAP_TYPE_LPM_TRIE, sizeof(struct fw_lpm4_key), 4 },
	[FW_MAP_LPM6] = { BPF_MAP_TYPE_LPM_TRIE, sizeof(struct fw_lpm6_key), 4 },
	[FW_MAP_HITS] = { BPF_MAP_TYPE_PERCPU_HASH, 4, sizeof(struct fw_counter) },
	[FW_MAP_STATS] = { BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct fw_counter) },
	[FW_MAP_LIMIT] = { BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct fw_limiter) },
	[FW_MAP_EVENTS] = { BPF_MAP_TYPE_RINGBUF, 0, 0 },
};

static size_t percpu_size(const struct fw *fw, size_t value_size)
{
	return ((value_size + 7) & ~(size_t)7) * fw->ncpus;
}

int fw_open(struct fw *fw, const char *dir, int lock, struct xdpl_error *e)
{
	uint32_t zero = 0;
	int cpus, err;

	memset(fw, 0, sizeof(*fw));
	fw->dir_fd = -1;
	for (int i = 0; i < FW_MAP_COUNT; i++)
		fw->fds[i] = -1;
	if ((size_t)snprintf(fw->dir, sizeof(fw->dir), "%s", dir) >= sizeof(fw->dir))
		return err_set(e, -ENAMETOOLONG, "firewall: directory %s is too long", dir);
	fw->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fw->dir_fd < 0) {
		e->environment = true;
		return err_sys(e, -errno, "firewall: no firewall state in %s", dir);
	}
	if (lock && flock(fw->dir_fd, lock) < 0) {
		e->environment = true;
		return err_sys(e, -errno, "firewall: cannot lock %s", dir);
	}
	for (int i = 0; i < FW_MAP_COUNT; i++) {
		struct bpf_map_info info;
		char path[4200];

		snprintf(path, sizeof(path), "%s/%s", dir, fw_map_names[i]);
		fw->fds[i] = bpf_obj_get(path);
		if (fw->fds[i] < 0) {
			e->environment = true;
			return err_sys(e, fw->fds[i], "firewall: %s: cannot open the pinned map %s",
				       dir, fw_map_names[i]);
		}
		err = bpf_obj_info(fw->fds[i], &info, sizeof(info));
		if (err)
			return err_sys(e, err, "firewall: %s: cannot read what %s is", path,
				       fw_map_names[i]);
		if (info.type != fw_map_shapes[i].type || info.key_size != fw_map_shapes[i].key_size ||
		    info.value_size != fw_map_shapes[i].value_size)
			return err_set(e, -EPROTO,
				       "firewall: %s is a %s map with %u-byte keys and %u-byte values; firewall layout %d needs a %s map with %u and %u",
				       path, obj_map_type_name(info.type), info.key_size, info.value_size,
				       FW_LAYOUT, obj_map_type_name(fw_map_shapes[i].type),
				       fw_map_shapes[i].key_size, fw_map_shapes[i].value_size);
		fw->map_ids[i] = info.id;
		fw->max_entries[i] = info.max_entries;
	}
	err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[FW_MAP_META], &zero, &fw->meta, 0);
	if (err)
		return err_sys(e, err, "firewall: %s/fw_meta: cannot read it", dir);
	if (fw->meta.layout != FW_LAYOUT && fw->meta.layout != 0)
		return err_set(e, -EPROTO,
			       "firewall: %s/fw_meta says layout %u; this xdpload reads layout %d",
			       dir, fw->meta.layout, FW_LAYOUT);
	cpus = xdpl_possible_cpus();
	if (cpus < 0) {
		e->environment = true;
		return err_sys(e, cpus, "firewall: cannot read /sys/devices/system/cpu/possible (is sysfs mounted?)");
	}
	fw->ncpus = (unsigned int)cpus;
	return 0;
}

void fw_close(struct fw *fw)
{
	for (int i = 0; i < FW_MAP_COUNT; i++)
		if (fw->fds[i] >= 0)
			close(fw->fds[i]);
	if (fw->dir_fd >= 0)
		close(fw->dir_fd); /* and so unlock */
	memset(fw->fds, 0xff, sizeof(fw->fds));
	fw->dir_fd = -1;
}

int fw_meta_write(struct fw *fw, struct xdpl_error *e)
{
	uint32_t zero = 0;
	int err = bpf_map_elem(BPF_MAP_UPDATE_ELEM, fw->fds[FW_MAP_META], &zero, &fw->meta, 0);

	return err ? err_sys(e, err, "firewall: %s/fw_meta: cannot write it", fw->dir) : 0;
}

/* ---- rules in the maps ---- */

/* The map holding a rule, and its key there. */
static enum fw_map rule_key(const struct fw_rule *r, uint8_t key[20], uint32_t *key_size)
{
	bool exact = fw_rule_is_exact(r);
	uint32_t len = r->family == 4 ? 4 : 16;
	uint32_t prefixlen = r->prefixlen;

	if (exact) {
		memcpy(key, r->addr, len);
		*key_size = len;
		return r->family == 4 ? FW_MAP_V4 : FW_MAP_V6;
	}
	memcpy(key, &prefixlen, 4);
	memcpy(key + 4, r->addr, len);
	*key_size = 4 + len;
	return r->family == 4 ? FW_MAP_LPM4 : FW_MAP_LPM6;
}

/*
 * The id of a rule: for an address, only that address's rule; for a prefix,
 * the rule with the longest prefix covering it (the LPM trie's answer), so
 * the caller must not take it as proof that this very prefix is a rule.
 */
int fw_rule_find(struct fw *fw, const struct fw_rule *r, uint32_t *id)
{
	uint8_t key[20];
	uint32_t key_size;
	enum fw_map m = rule_key(r, key, &key_size);

	return bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[m], key, id, 0);
}

struct rules_walk {
	struct fw_rules *out;
	uint8_t family;
	bool prefix;
};

static int rule_collect(const void *key, const void *value, void *ctx)
{
	struct rules_walk *w = ctx;
	const uint8_t *k = key;
	struct fw_rule r = { .family = w->family };
	uint32_t prefixlen;

	if (w->prefix) {
		memcpy(&prefixlen, k, 4);
		r.prefixlen = (uint8_t)prefixlen;
		memcpy(r.addr, k + 4, w->family == 4 ? 4 : 16);
	} else {
		r.prefixlen = w->family == 4 ? 32 : 128;
		memcpy(r.addr, k, w->family == 4 ? 4 : 16);
	}
	memcpy(&r.id, value, 4);
	return fw_rules_push(w->out, &r);
}

int fw_rules_read(struct fw *fw, struct fw_rules *out, struct xdpl_error *e)
{
	static const struct {
		enum fw_map map;
		uint8_t family;
		bool prefix;
	} maps[] = {
		{ FW_MAP_V4, 4, false }, { FW_MAP_LPM4, 4, true },
		{ FW_MAP_V6, 6, false }, { FW_MAP_LPM6, 6, true },
	};

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		struct rules_walk w = { out, maps[i].family, maps[i].prefix };
		enum fw_map m = maps[i].map;
		int err = xdpl_map_walk(fw->fds[m], rule_collect, &w, NULL);

		if (err) {
			fw_rules_free(out);
			return err_sys(e, err, "firewall: %s/%s: cannot read its rules", fw->dir,
				       fw_map_names[m]);
		}
	}
	fw_rules_sort(out);
	return 0;
}

/*
 * Put rules into their maps, or take them out, in order; *done counts the
 * rules handled.  Sorted rules come in runs of one map (IPv4 prefixes, IPv4
 * addresses, IPv6 prefixes, IPv6 addresses); a run of a hash map goes in
 * one BPF_MAP_{UPDATE,DELETE}_BATCH when the kernel has it.
 */
static int rules_change(struct fw *fw, const struct fw_rule *rules, size_t n, bool add,
			size_t *done, struct xdpl_error *e)
{
	uint8_t *keys = NULL;
	uint32_t *values = NULL;
	int err = 0;

	*done = 0;
	while (*done < n) {
		uint8_t key[20];
		uint32_t key_size, other_size;
		enum fw_map m = rule_key(&rules[*done], key, &key_size);
		size_t run = 1;
		char text[FW_CIDR_MAX];

		while (*done + run < n && rule_key(&rules[*done + run], key, &other_size) == m)
			run++;
		if (run > 1 && (m == FW_MAP_V4 || m == FW_MAP_V6)) {
			struct bpf_map_batch_attr attr;

			free(keys);
			free(values);
			keys = malloc(run * key_size);
			values = malloc(run * sizeof(*values));
			if (!keys || !values) {
				err = err_set(e, -ENOMEM, "firewall: out of memory for %zu rules", run);
				break;
			}
			for (size_t i = 0; i < run; i++) {
				rule_key(&rules[*done + i], keys + i * key_size, &key_size);
				values[i] = rules[*done + i].id;
			}
			memset(&attr, 0, sizeof(attr));
			attr.keys = bpf_ptr(keys);
			attr.values = bpf_ptr(values);
			attr.count = (uint32_t)run;
			attr.map_fd = (uint32_t)fw->fds[m];
			err = bpf_map_batch(add ? BPF_MAP_UPDATE_BATCH : BPF_MAP_DELETE_BATCH, &attr);
			*done += attr.count;
			if (!err)
				continue;
			if (attr.count || (err != -EINVAL && err != -EOPNOTSUPP && err != -524))
				goto failed;
		}
		/* One at a time: LPM tries, a single rule, or a kernel without batches. */
		for (size_t i = 0; i < run; i++, (*done)++) {
			rule_key(&rules[*done], key, &key_size);
			err = add ? bpf_map_elem(BPF_MAP_UPDATE_ELEM, fw->fds[m], key,
						 (void *)&rules[*done].id, BPF_NOEXIST)
				  : bpf_map_elem(BPF_MAP_DELETE_ELEM, fw->fds[m], key, NULL, 0);
			if (err)
				goto failed;
		}
		continue;
failed:
		fw_rule_format(&rules[*done < n ? *done : n - 1], text, sizeof(text));
		if (add && err == -EEXIST)
			err_sys(e, err, "firewall: %s/%s: %s is already a rule", fw->dir,
				fw_map_names[m], text);
		else if (!add && err == -ENOENT)
			err_sys(e, err, "firewall: %s/%s: %s is not a rule", fw->dir,
				fw_map_names[m], text);
		else if (add && (err == -E2BIG || err == -ENOSPC))
			err_sys(e, err, "firewall: %s/%s is full at %s: it holds at most %u rules of this kind",
				fw->dir, fw_map_names[m], text, fw->max_entries[m]);
		else
			err_sys(e, err, "firewall: %s/%s: %s %s failed", fw->dir, fw_map_names[m],
				add ? "adding" : "removing", text);
		break;
	}
	free(keys);
	free(values);
	return err;
}

/*
 * Delete the hit counters of removed rules.  Most rules are never hit, so
 * read which ids have a counter (a few batches) rather than try a delete
 * for each removed rule (a syscall each: seconds for a million).
 */
static void hits_forget(struct fw *fw, const struct fw_rules *del)
{
	struct xdpl_error ignored;
	struct fw_hit *hits;
	size_t n;

	if (fw_hits_read(fw, &hits, &n, &ignored))
		return;
	for (size_t i = 0; i < del->n; i++)
		if (fw_hit_find(hits, n, del->v[i].id))
			bpf_map_elem(BPF_MAP_DELETE_ELEM, fw->fds[FW_MAP_HITS], &del->v[i].id, NULL, 0);
	free(hits);
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Delete every hit counter whose rule is not in `live` (ids, sorted).  A
 * packet that matched a rule just before it went can make its counter again
 * after hits_forget: a whole-set load sweeps such orphans up.
 */
void fw_hits_prune(struct fw *fw, const uint32_t *live, size_t n)
{
	struct xdpl_error ignored;
	struct fw_hit *hits;
	size_t nhits;

	if (fw_hits_read(fw, &hits, &nhits, &ignored))
		return;
	for (size_t i = 0; i < nhits; i++)
		if (!n || !bsearch(&hits[i].rule, live, n, sizeof(*live), id_cmp))
			bpf_map_elem(BPF_MAP_DELETE_ELEM, fw->fds[FW_MAP_HITS], &hits[i].rule, NULL, 0);
	free(hits);
}

/*
 * Add `add` (giving each a new id), then remove `del`: all or nothing.  Ids
 * are taken from fw_meta before any rule goes in, so an id is never handed
 * out twice, even if we are killed halfway.
 */
int fw_rules_apply(struct fw *fw, struct fw_rules *add, const struct fw_rules *del,
		   struct xdpl_error *e)
{
	struct xdpl_error ignored = { 0 };
	size_t added = 0, removed = 0, undone;
	uint32_t next = fw->meta.next_rule ? fw->meta.next_rule : 1;
	int err;

	if (add->n) {
		if (add->n > UINT32_MAX - next)
			return err_set(e, -EOVERFLOW, "firewall: %s: no rule ids left (next is %u)",
				       fw->dir, next);
		for (size_t i = 0; i < add->n; i++)
			add->v[i].id = next + (uint32_t)i;
		fw->meta.next_rule = next + (uint32_t)add->n;
		err = fw_meta_write(fw, e);
		if (err)
			return err;
	}
	err = rules_change(fw, add->v, add->n, true, &added, e);
	if (!err)
		err = rules_change(fw, del->v, del->n, false, &removed, e);
	if (err) {
		rules_change(fw, del->v, removed, true, &undone, &ignored);
		rules_change(fw, add->v, added, false, &undone, &ignored);
		return err;
	}
	/* A removed rule's counter goes with it (ids are never reused), if it has one. */
	if (del->n)
		hits_forget(fw, del);
	return 0;
}

/* ---- counters ---- */

struct hits_walk {
	const struct fw *fw;
	struct fw_hit *v;
	size_t n, cap;
};

static struct fw_counter percpu_sum(const struct fw *fw, const void *value)
{
	struct fw_counter sum = { 0, 0 }, c;

	for (unsigned int cpu = 0; cpu < fw->ncpus; cpu++) {
		memcpy(&c, (const uint8_t *)value + cpu * sizeof(c), sizeof(c));
		sum.packets += c.packets;
		sum.bytes += c.bytes;
	}
	return sum;
}

static int hit_collect(const void *key, const void *value, void *ctx)
{
	struct hits_walk *w = ctx;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct fw_hit *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	memcpy(&w->v[w->n].rule, key, 4);
	w->v[w->n++].total = percpu_sum(w->fw, value);
	return 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct fw_hit *x = a, *y = b;

	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Every rule's hits, summed over CPUs, sorted by rule id. */
int fw_hits_read(struct fw *fw, struct fw_hit **hits, size_t *n, struct xdpl_error *e)
{
	struct hits_walk w = { fw, NULL, 0, 0 };
	int err = xdpl_map_walk(fw->fds[FW_MAP_HITS], hit_collect, &w, NULL);

	if (err) {
		free(w.v);
		return err_sys(e, err, "firewall: %s/fw_hits: cannot read it", fw->dir);
	}
	if (w.n)
		qsort(w.v, w.n, sizeof(*w.v), hit_cmp);
	*hits = w.v;
	*n = w.n;
	return 0;
}

const struct fw_hit *fw_hit_find(const struct fw_hit *hits, size_t n, uint32_t rule)
{
	struct fw_hit key = { .rule = rule };

	return n ? bsearch(&key, hits, n, sizeof(*hits), hit_cmp) : NULL;
}

int fw_stats_read(struct fw *fw, struct fw_counter stats[FW_STAT_COUNT], struct xdpl_error *e)
{
	size_t size = percpu_size(fw, sizeof(struct fw_counter));
	uint8_t *value = malloc(size);
	int err = 0;

	if (!value)
		return err_set(e, -ENOMEM, "firewall: out of memory");
	for (uint32_t i = 0; i < FW_STAT_COUNT && !err; i++) {
		err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[FW_MAP_STATS], &i, value, 0);
		if (err)
			err_sys(e, err, "firewall: %s/fw_stats: cannot read counter %u", fw->dir, i);
		else
			stats[i] = percpu_sum(fw, value);
	}
	free(value);
	return err;
}
