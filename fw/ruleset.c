// SPDX-License-Identifier: MIT
/*
 * ruleset.c - the firewall's rules and counters in its pinned maps:
 *
 *   xdpl_fw_rules_list     every rule with its id (hash maps in batches)
 *   xdpl_fw_rule_lookup    whether one rule is there, exactly
 *   xdpl_fw_rules_add, _remove, _replace
 *                          add, then remove: a rule in both the old and new
 *                          set is never absent, not even for a moment; any
 *                          failure undoes what was done, so a change is all
 *                          or nothing
 *   xdpl_fw_hits, xdpl_fw_stats   per-CPU counters, summed
 *
 * A change needs the state's lock alone (state.c), so two processes never
 * hand out the same rule id.  Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "fw/fw.h"

#define OPT(opts, field, dflt) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field) \
		 ? (opts)->field : (dflt))

/* The public counters are the data path's, index for index. */
_Static_assert((int)XDPL_FW_STAT_COUNT == (int)FW_STAT_COUNT, "fw_stat layout");
_Static_assert((int)XDPL_FW_STAT_HITS_FULL == (int)FW_STAT_HITS_FULL, "fw_stat layout");
_Static_assert((int)XDPL_FW_STAT_EVENT_LOST == (int)FW_STAT_EVENT_LOST, "fw_stat layout");

/* The map holding a rule, and its key there. */
static enum fw_map rule_key(const struct xdpl_fw_rule *r, uint8_t key[20], uint32_t *key_size)
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

/* ---- service rules: runs of slots in fw_svc, one id per run ---- */

static uint32_t svc_base(uint8_t proto)
{
	return proto == XDPL_FW_TCP	? 0
	       : proto == XDPL_FW_UDP	? FW_SVC_UDP
	       : proto == XDPL_FW_ICMP ? FW_SVC_ICMP
				       : FW_SVC_ICMPV6;
}

static bool svc_has_ports(uint8_t proto)
{
	return proto == XDPL_FW_TCP || proto == XDPL_FW_UDP;
}

/* The slots a service rule holds: first and last. */
static void svc_span(const struct xdpl_fw_rule *r, uint32_t *lo, uint32_t *hi)
{
	uint32_t base = svc_base(r->proto);

	*lo = base + (svc_has_ports(r->proto) ? r->port_lo : 0);
	*hi = base + (svc_has_ports(r->proto) ? r->port_hi : 0);
}

static uint32_t svc_value(const struct xdpl_fw_rule *r)
{
	return r->id | (r->allow ? FW_SVC_ALLOW : 0);
}

static int slot_collect(const void *key, const void *value, void *ctx)
{
	uint32_t k, *slots = ctx;

	memcpy(&k, key, 4);
	if (k < FW_SVC_SLOTS)
		memcpy(&slots[k], value, 4);
	return 0;
}

/* Every slot of fw_svc, into a malloc'd array of FW_SVC_SLOTS values. */
static int svc_read(struct xdpl_fw *fw, uint32_t **out, struct xdpl_error *e)
{
	uint32_t *slots = calloc(FW_SVC_SLOTS, sizeof(*slots));
	int err;

	*out = NULL;
	if (!slots)
		return err_set(e, -ENOMEM, "firewall: out of memory");
	err = xdpl_map_walk(fw->fds[FW_MAP_SVC], slot_collect, slots, NULL);
	if (err) {
		free(slots);
		return err_sys(e, err, "firewall: %s/fw_svc: cannot read it", fw->dir);
	}
	*out = slots;
	return 0;
}

/* The service rules the slots hold: each run of one value is a rule. */
static int svc_rules(const uint32_t *slots, struct xdpl_fw_rules *out)
{
	static const struct {
		uint8_t proto;
		uint32_t base, n;
	} spaces[] = {
		{ XDPL_FW_ICMP, FW_SVC_ICMP, 1 },
		{ XDPL_FW_TCP, 0, 65536 },
		{ XDPL_FW_UDP, FW_SVC_UDP, 65536 },
		{ XDPL_FW_ICMPV6, FW_SVC_ICMPV6, 1 },
	};

	for (size_t s = 0; s < sizeof(spaces) / sizeof(spaces[0]); s++) {
		for (uint32_t i = 0; i < spaces[s].n;) {
			uint32_t v = slots[spaces[s].base + i], j = i;
			struct xdpl_fw_rule r = { .family = XDPL_FW_SERVICE, .proto = spaces[s].proto };

			while (j + 1 < spaces[s].n && slots[spaces[s].base + j + 1] == v)
				j++;
			if (v) {
				r.id = v & ~FW_SVC_ALLOW;
				r.allow = !!(v & FW_SVC_ALLOW);
				if (svc_has_ports(r.proto)) {
					r.port_lo = (uint16_t)i;
					r.port_hi = (uint16_t)j;
				}
				if (xdpl_fw_rules_push(out, &r))
					return -ENOMEM;
			}
			i = j + 1;
		}
	}
	return 0;
}

/*
 * A service rule is there when its first and last slots hold its value and
 * the slots around them do not: a run is one rule, and ids are never shared.
 */
static int svc_lookup(struct xdpl_fw *fw, const struct xdpl_fw_rule *r, uint32_t *id)
{
	uint32_t lo, hi, base = svc_base(r->proto), last, v, w;
	int err;

	if (fw_meta_read(fw, NULL) == 0 && fw->meta.services == FW_SVC_NONE)
		return -ENOENT;
	svc_span(r, &lo, &hi);
	last = base + (svc_has_ports(r->proto) ? 65535 : 0);
	err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[FW_MAP_SVC], &lo, &v, 0);
	if (err)
		return err;
	if (!v || !(v & FW_SVC_ALLOW) != !r->allow)
		return -ENOENT;
	err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[FW_MAP_SVC], &hi, &w, 0);
	if (!err && w != v)
		return -ENOENT;
	if (!err && lo > base) {
		uint32_t k = lo - 1;

		err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[FW_MAP_SVC], &k, &w, 0);
		if (!err && w == v)
			return -ENOENT;
	}
	if (!err && hi < last) {
		uint32_t k = hi + 1;

		err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[FW_MAP_SVC], &k, &w, 0);
		if (!err && w == v)
			return -ENOENT;
	}
	if (!err)
		*id = v & ~FW_SVC_ALLOW;
	return err;
}

/*
 * A change of service rules, planned in memory: the slots to write, with
 * what they held (to undo), and the mode that follows.  Slots getting a rule
 * are written before the mode, slots losing one after, so every moment in
 * between is the old verdict or the new one for every port.
 */
struct svc_plan {
	uint32_t *keys, *values, *old;
	size_t n, nset; /* the first nset writes give a slot a rule; the rest clear one */
	uint32_t mode, old_mode;
};

static void svc_plan_free(struct svc_plan *p)
{
	free(p->keys);
	free(p->values);
	free(p->old);
	memset(p, 0, sizeof(*p));
}

static int svc_plan_make(struct xdpl_fw *fw, const struct xdpl_fw_rule *add, size_t nadd,
			 const struct xdpl_fw_rule *del, size_t ndel, struct svc_plan *p,
			 struct xdpl_error *e)
{
	uint32_t *cur = NULL, *want = NULL, lo, hi;
	bool any = false, allow = false;
	int err = svc_read(fw, &cur, e);

	memset(p, 0, sizeof(*p));
	p->old_mode = fw->meta.services;
	if (err)
		return err;
	want = malloc(FW_SVC_SLOTS * sizeof(*want));
	if (!want) {
		free(cur);
		return err_set(e, -ENOMEM, "firewall: out of memory");
	}
	/* With no service rules, what the slots hold is left from a change cut short: clear it. */
	if (p->old_mode == FW_SVC_NONE)
		memset(want, 0, FW_SVC_SLOTS * sizeof(*want));
	else
		memcpy(want, cur, FW_SVC_SLOTS * sizeof(*want));
	for (size_t i = 0; i < ndel; i++) {
		svc_span(&del[i], &lo, &hi);
		for (uint32_t k = lo; k <= hi; k++)
			if (want[k] == svc_value(&del[i]))
				want[k] = 0;
	}
	for (size_t i = 0; i < nadd && !err; i++) {
		svc_span(&add[i], &lo, &hi);
		for (uint32_t k = lo; k <= hi; k++) {
			if (want[k]) {
				char text[XDPL_FW_RULE_TEXT];

				xdpl_fw_rule_format(&add[i], text, sizeof(text));
				err = err_set(e, -EEXIST,
					      "firewall: %s shares a port with rule %u of %s: a port has one rule",
					      text, want[k] & ~FW_SVC_ALLOW, fw->dir);
				break;
			}
			want[k] = svc_value(&add[i]);
		}
	}
	if (!err) {
		p->keys = malloc(FW_SVC_SLOTS * sizeof(*p->keys));
		p->values = malloc(FW_SVC_SLOTS * sizeof(*p->values));
		p->old = malloc(FW_SVC_SLOTS * sizeof(*p->old));
		if (!p->keys || !p->values || !p->old)
			err = err_set(e, -ENOMEM, "firewall: out of memory");
	}
	for (int pass = 0; pass < 2 && !err; pass++) {
		for (uint32_t k = 0; k < FW_SVC_SLOTS; k++) {
			if (want[k] == cur[k] || (pass == 0) != (want[k] != 0))
				continue;
			p->keys[p->n] = k;
			p->values[p->n] = want[k];
			p->old[p->n++] = cur[k];
		}
		if (pass == 0)
			p->nset = p->n;
	}
	for (uint32_t k = 0; k < FW_SVC_SLOTS && !err; k++) {
		any |= want[k] != 0;
		allow |= (want[k] & FW_SVC_ALLOW) != 0;
	}
	p->mode = allow ? FW_SVC_ALLOW_ONLY : any ? FW_SVC_BLOCK : FW_SVC_NONE;
	free(cur);
	free(want);
	if (err)
		svc_plan_free(p);
	return err;
}

/*
 * What a BPF_MAP_*_BATCH of `asked` elements that returned err did: 0 all
 * of them, 1 none because the kernel has no batches for the map (go one at
 * a time), or err after attr->count of them.  The kernel writes count as it
 * goes, but leaves it as given when it refuses the call before any: then
 * none were done.
 */
static int batch_result(int err, const struct bpf_map_batch_attr *attr, size_t asked,
			size_t *done)
{
	if (!err) {
		*done += asked;
		return 0;
	}
	if (attr->count < asked)
		*done += attr->count;
	if (attr->count && attr->count < asked)
		return err;
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUPP ? 1 : err;
}

/* Write values[from..to) to keys[from..to): in one batch when the kernel can. */
static int svc_write(struct xdpl_fw *fw, const uint32_t *keys, const uint32_t *values,
		     size_t from, size_t to, size_t *done)
{
	struct bpf_map_batch_attr attr;
	int err;

	*done = from;
	if (to - from > 1) {
		memset(&attr, 0, sizeof(attr));
		attr.keys = bpf_ptr((void *)(keys + from));
		attr.values = bpf_ptr((void *)(values + from));
		attr.count = (uint32_t)(to - from);
		attr.map_fd = (uint32_t)fw->fds[FW_MAP_SVC];
		err = batch_result(bpf_map_batch(BPF_MAP_UPDATE_BATCH, &attr), &attr, to - from, done);
		if (err <= 0)
			return err;
	}
	for (; *done < to; (*done)++) {
		err = bpf_map_elem(BPF_MAP_UPDATE_ELEM, fw->fds[FW_MAP_SVC], (void *)&keys[*done],
				   (void *)&values[*done], 0);
		if (err)
			return err;
	}
	return 0;
}

static void svc_undo(struct xdpl_fw *fw, const struct svc_plan *p, size_t written)
{
	size_t done;

	fw->meta.services = p->old_mode;
	fw_meta_write(fw, NULL);
	svc_write(fw, p->keys, p->old, 0, written, &done);
}

/* Carry the plan out; on failure, what was written is put back. */
static int svc_apply(struct xdpl_fw *fw, const struct svc_plan *p, struct xdpl_error *e)
{
	size_t done = 0;
	int err = svc_write(fw, p->keys, p->values, 0, p->nset, &done);

	if (!err && p->mode != p->old_mode) {
		fw->meta.services = p->mode;
		err = fw_meta_write(fw, e);
		if (err) {
			svc_undo(fw, p, done);
			return err;
		}
	}
	if (!err)
		err = svc_write(fw, p->keys, p->values, p->nset, p->n, &done);
	if (err) {
		svc_undo(fw, p, done);
		return err_sys(e, err, "firewall: %s/fw_svc: writing the service rules failed", fw->dir);
	}
	return 0;
}

/* Sorted sets hold their services last: the index of the first. */
static size_t svc_first(const struct xdpl_fw_rules *set)
{
	size_t i = set->n;

	while (i > 0 && set->v[i - 1].family == XDPL_FW_SERVICE)
		i--;
	return i;
}

/*
 * An LPM trie answers a lookup with the longest prefix covering the key,
 * so a prefix rule is there exactly when the lookup at its own length finds
 * an id that the lookup one bit shorter does not: ids are never shared.
 */
int xdpl_fw_rule_lookup(struct xdpl_fw *fw, const struct xdpl_fw_rule *r, uint32_t *id,
			struct xdpl_error *e)
{
	char text[XDPL_FW_RULE_TEXT];
	uint8_t key[20];
	uint32_t key_size, shorter, prefixlen;
	enum fw_map m;
	struct fw_exact x; /* a prefix's value is its id alone: the first 4 bytes */
	int err;

	if (r->family == XDPL_FW_SERVICE) {
		m = FW_MAP_SVC;
		err = svc_lookup(fw, r, id);
		goto done;
	}
	m = rule_key(r, key, &key_size);
	err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[m], key, &x, 0);
	if (!err)
		*id = x.rule;

	if (!err && (m == FW_MAP_LPM4 || m == FW_MAP_LPM6) && r->prefixlen > 0) {
		prefixlen = r->prefixlen - 1u;
		memcpy(key, &prefixlen, 4);
		err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, fw->fds[m], key, &shorter, 0);
		if (!err)
			err = shorter == *id ? -ENOENT : 0;
		else if (err == -ENOENT)
			err = 0;
	}
done:
	if (err == -ENOENT) {
		xdpl_fw_rule_format(r, text, sizeof(text));
		return err_set(e, err, "firewall: %s is not a rule of %s", text, fw->dir);
	}
	return err ? err_sys(e, err, "firewall: %s/%s: lookup failed", fw->dir, fw_map_names[m]) : 0;
}

struct rules_walk {
	struct xdpl_fw_rules *out;
	uint8_t family;
	bool prefix;
};

static int rule_collect(const void *key, const void *value, void *ctx)
{
	struct rules_walk *w = ctx;
	const uint8_t *k = key;
	struct xdpl_fw_rule r = { .family = w->family };
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
	return xdpl_fw_rules_push(w->out, &r);
}

int xdpl_fw_rules_list(struct xdpl_fw *fw, struct xdpl_fw_rules *out, struct xdpl_error *e)
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
			xdpl_fw_rules_free(out);
			return err_sys(e, err, "firewall: %s/%s: cannot read its rules", fw->dir,
				       fw_map_names[m]);
		}
	}
	/* No service rules: fw_svc is not read (a load of addresses never pays for it). */
	int err = fw_meta_read(fw, e);

	if (!err && fw->meta.services != FW_SVC_NONE) {
		uint32_t *slots = NULL;

		err = svc_read(fw, &slots, e);
		if (!err && svc_rules(slots, out))
			err = err_set(e, -ENOMEM, "firewall: out of memory");
		free(slots);
	}
	if (err) {
		xdpl_fw_rules_free(out);
		return err;
	}
	xdpl_fw_rules_sort(out, XDPL_FW_ORDER_SET, NULL);
	return 0;
}

/*
 * Put rules into their maps, or take them out, in order; *done counts the
 * rules handled.  Sorted rules come in runs of one map (IPv4 prefixes, IPv4
 * addresses, IPv6 prefixes, IPv6 addresses); a run goes in one
 * BPF_MAP_{UPDATE,DELETE}_BATCH when the kernel has it for the map (hashes
 * since 5.6, LPM tries since 5.13).
 */
static int rules_change(struct xdpl_fw *fw, const struct xdpl_fw_rule *rules, size_t n, bool add,
			size_t *done, struct xdpl_error *e)
{
	uint8_t *keys = NULL;
	void *values = NULL;
	int err = 0;

	*done = 0;
	while (*done < n) {
		uint8_t key[20];
		uint32_t key_size, other_size;
		enum fw_map m = rule_key(&rules[*done], key, &key_size);
		size_t run = 1;
		char text[XDPL_FW_RULE_TEXT];

		while (*done + run < n && rule_key(&rules[*done + run], key, &other_size) == m)
			run++;
		if (run > 1) {
			struct bpf_map_batch_attr attr;
			bool exact = m == FW_MAP_V4 || m == FW_MAP_V6;
			size_t value_size = exact ? sizeof(struct fw_exact) : sizeof(uint32_t);

			free(keys);
			free(values);
			keys = malloc(run * key_size);
			values = calloc(run, value_size);
			if (!keys || !values) {
				err = err_set(e, -ENOMEM, "firewall: out of memory for %zu rules", run);
				break;
			}
			for (size_t i = 0; i < run; i++) {
				rule_key(&rules[*done + i], keys + i * key_size, &key_size);
				if (exact)
					((struct fw_exact *)values)[i].rule = rules[*done + i].id;
				else
					((uint32_t *)values)[i] = rules[*done + i].id;
			}
			memset(&attr, 0, sizeof(attr));
			attr.keys = bpf_ptr(keys);
			attr.values = bpf_ptr(values);
			attr.count = (uint32_t)run;
			attr.map_fd = (uint32_t)fw->fds[m];
			err = batch_result(bpf_map_batch(add ? BPF_MAP_UPDATE_BATCH : BPF_MAP_DELETE_BATCH,
							 &attr),
					   &attr, run, done);
			if (!err)
				continue;
			if (err < 0)
				goto failed;
		}
		/* One at a time: a single rule, or a kernel without batches for this map. */
		for (size_t i = 0; i < run; i++, (*done)++) {
			struct fw_exact x = { .rule = rules[*done].id };

			rule_key(&rules[*done], key, &key_size);
			/* An exact rule's value is a struct fw_exact, a prefix's its id. */
			err = add ? bpf_map_elem(BPF_MAP_UPDATE_ELEM, fw->fds[m], key,
						 m == FW_MAP_V4 || m == FW_MAP_V6
							 ? (void *)&x
							 : (void *)&rules[*done].id,
						 BPF_NOEXIST)
				  : bpf_map_elem(BPF_MAP_DELETE_ELEM, fw->fds[m], key, NULL, 0);
			if (err)
				goto failed;
		}
		continue;
failed:
		xdpl_fw_rule_format(&rules[*done < n ? *done : n - 1], text, sizeof(text));
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

static int hits_read(struct xdpl_fw *fw, bool exact, struct xdpl_fw_hit **hits, size_t *n,
		     struct xdpl_error *e);

/*
 * Delete the hit counters of removed rules (a prefix's: an exact rule's
 * goes with its value).  Most rules are never hit, so
 * read which ids have a counter (a few batches) rather than try a delete
 * for each removed rule (a syscall each: seconds for a million).
 */
static void hits_forget(struct xdpl_fw *fw, const struct xdpl_fw_rules *del)
{
	struct xdpl_fw_hit *hits;
	size_t n;

	if (hits_read(fw, false, &hits, &n, NULL))
		return;
	for (size_t i = 0; i < del->n; i++)
		if (xdpl_fw_hit_find(hits, n, del->v[i].id))
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
void fw_hits_prune(struct xdpl_fw *fw, const uint32_t *live, size_t n)
{
	struct xdpl_fw_hit *hits;
	size_t nhits;

	if (hits_read(fw, false, &hits, &nhits, NULL))
		return;
	for (size_t i = 0; i < nhits; i++)
		if (!n || !bsearch(&hits[i].rule, live, n, sizeof(*live), id_cmp))
			bpf_map_elem(BPF_MAP_DELETE_ELEM, fw->fds[FW_MAP_HITS], &hits[i].rule, NULL, 0);
	free(hits);
}

/*
 * The FW_F_NO_PREFIX* bits fw->meta should carry: one for each family
 * whose trie is empty now.  A trie we cannot read is taken as holding
 * prefixes (the data path then looks, as a state without the bits does).
 */
uint32_t fw_prefix_flags(struct xdpl_fw *fw)
{
	static const struct {
		enum fw_map map;
		uint32_t bit;
	} tries[] = { { FW_MAP_LPM4, FW_F_NO_PREFIX4 }, { FW_MAP_LPM6, FW_F_NO_PREFIX6 } };
	/*
	 * A prefix length longer than any the trie holds asks for its first
	 * key, as no key does, without a NULL pointer valgrind would flag.
	 */
	struct fw_lpm6_key first = { .prefixlen = UINT32_MAX };
	uint8_t next[sizeof(struct fw_lpm6_key)];
	uint32_t flags = 0;

	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (fw->fds[tries[i].map] >= 0 &&
		    bpf_map_elem(BPF_MAP_GET_NEXT_KEY, fw->fds[tries[i].map], &first, next, 0) ==
			    -ENOENT)
			flags |= tries[i].bit;
	return flags;
}

/* After a change: tell the data path which tries are now empty. */
static int prefix_flags_sync(struct xdpl_fw *fw, struct xdpl_error *e)
{
	uint32_t want = (fw->meta.flags & ~(FW_F_NO_PREFIX4 | FW_F_NO_PREFIX6)) |
			fw_prefix_flags(fw);

	if (want == fw->meta.flags)
		return 0;
	fw->meta.flags = want;
	return fw_meta_write(fw, e);
}

/*
 * Add `add` (giving each a new id), then remove `del`: all or nothing.  Ids
 * are taken from fw_meta before any rule goes in, so an id is never handed
 * out twice, even if we are killed halfway.
 */
static int rules_apply(struct xdpl_fw *fw, struct xdpl_fw_rules *add,
		       const struct xdpl_fw_rules *del, struct xdpl_error *e)
{
	struct xdpl_error ignored = { 0 };
	size_t added = 0, removed = 0, undone;
	size_t add_svc = svc_first(add), del_svc = svc_first(del);
	bool services = add_svc < add->n || del_svc < del->n;
	struct svc_plan plan = { 0 };
	uint32_t next;
	int err = fw_meta_read(fw, e);

	if (err)
		return err;
	next = fw->meta.next_rule ? fw->meta.next_rule : 1;
	/*
	 * A prefix about to go in must be looked for from the moment it is
	 * there: clear its family's "no prefix" bit first (in the same write
	 * as the ids).  add is sorted prefixes first within a family.
	 */
	for (size_t i = 0; i < add->n; i++)
		if (!fw_rule_is_exact(&add->v[i]))
			fw->meta.flags &= ~(add->v[i].family == 4 ? FW_F_NO_PREFIX4 : FW_F_NO_PREFIX6);
	if (add->n) {
		/* A slot of fw_svc keeps the allow bit above the id: ids stay below it. */
		if (next >= FW_SVC_ALLOW || add->n > FW_SVC_ALLOW - next)
			return err_set(e, -EOVERFLOW, "firewall: %s: no rule ids left (next is %u)",
				       fw->dir, next);
		for (size_t i = 0; i < add->n; i++)
			add->v[i].id = next + (uint32_t)i;
		fw->meta.next_rule = next + (uint32_t)add->n;
		err = fw_meta_write(fw, e);
		if (err)
			return err;
	}
	if (services)
		err = svc_plan_make(fw, add->v + add_svc, add->n - add_svc, del->v + del_svc,
				    del->n - del_svc, &plan, e);
	if (err)
		return err;
	/* Addresses in, services (in, mode, out), addresses out: nothing wanted is ever missing. */
	err = rules_change(fw, add->v, add_svc, true, &added, e);
	if (!err && services) {
		err = svc_apply(fw, &plan, e);
		if (err)
			services = false; /* svc_apply undid itself */
	}
	if (!err)
		err = rules_change(fw, del->v, del_svc, false, &removed, e);
	if (err) {
		rules_change(fw, del->v, removed, true, &undone, &ignored);
		if (services)
			svc_undo(fw, &plan, plan.n);
		rules_change(fw, add->v, added, false, &undone, &ignored);
		prefix_flags_sync(fw, &ignored);
		svc_plan_free(&plan);
		return err;
	}
	svc_plan_free(&plan);
	/* A removed rule's counter goes with it (ids are never reused), if it has one. */
	if (del->n)
		hits_forget(fw, del);
	return prefix_flags_sync(fw, e);
}

/* The calls below take sets in XDPL_FW_ORDER_SET with no rule twice, as the maps' runs need. */
static int set_check(const struct xdpl_fw_rules *set, struct xdpl_error *e)
{
	char text[XDPL_FW_RULE_TEXT];

	for (size_t i = 1; i < set->n; i++) {
		if (fw_rule_cmp(&set->v[i - 1], &set->v[i]) >= 0) {
			xdpl_fw_rule_format(&set->v[i], text, sizeof(text));
			return err_set(e, -EINVAL,
				       "firewall: the set is not sorted (XDPL_FW_ORDER_SET) or has %s twice",
				       text);
		}
	}
	size_t a, b;

	if (!fw_services_overlap(set, &a, &b)) {
		char other[XDPL_FW_RULE_TEXT];

		xdpl_fw_rule_format(&set->v[a], text, sizeof(text));
		xdpl_fw_rule_format(&set->v[b], other, sizeof(other));
		return err_set(e, -EINVAL, "firewall: %s and %s share a port: a port has one rule",
			       text, other);
	}
	return 0;
}

int xdpl_fw_rules_add(struct xdpl_fw *fw, struct xdpl_fw_rules *set, struct xdpl_error *e)
{
	struct xdpl_fw_rules none = { 0 };
	char text[XDPL_FW_RULE_TEXT];
	uint32_t id;
	int err = fw_change_check(fw, e);

	if (!err)
		err = set_check(set, e);
	/* A batch update would overwrite an address already there: look first. */
	for (size_t i = 0; !err && i < set->n; i++) {
		err = xdpl_fw_rule_lookup(fw, &set->v[i], &id, e);
		if (!err) {
			xdpl_fw_rule_format(&set->v[i], text, sizeof(text));
			return err_set(e, -EEXIST, "firewall: %s is already a rule of %s (rule %u)",
				       text, fw->dir, id);
		}
		err = err == -ENOENT ? 0 : err;
	}
	return err ? err : rules_apply(fw, set, &none, e);
}

int xdpl_fw_rules_remove(struct xdpl_fw *fw, struct xdpl_fw_rules *set, struct xdpl_error *e)
{
	struct xdpl_fw_rules none = { 0 };
	int err = fw_change_check(fw, e);

	if (!err)
		err = set_check(set, e);
	for (size_t i = 0; !err && i < set->n; i++)
		err = xdpl_fw_rule_lookup(fw, &set->v[i], &set->v[i].id, e);
	return err ? err : rules_apply(fw, &none, set, e);
}

/*
 * After a whole-set load: the ids now live are the kept ones and the added
 * ones.  `del` is a sorted subset of the sorted `have`: one walk of both.
 */
static void hits_prune_to(struct xdpl_fw *fw, const struct xdpl_fw_rules *have,
			  const struct xdpl_fw_rules *add, const struct xdpl_fw_rules *del)
{
	uint32_t *live = malloc((have->n + add->n + 1) * sizeof(*live));
	size_t n = 0, j = 0;

	if (!live)
		return;
	for (size_t i = 0; i < have->n; i++) {
		while (j < del->n && fw_rule_cmp(&del->v[j], &have->v[i]) < 0)
			j++;
		if (j < del->n && !fw_rule_cmp(&del->v[j], &have->v[i]))
			j++;
		else
			live[n++] = have->v[i].id;
	}
	for (size_t i = 0; i < add->n; i++)
		live[n++] = add->v[i].id;
	qsort(live, n, sizeof(*live), id_cmp);
	fw_hits_prune(fw, live, n);
	free(live);
}

int xdpl_fw_rules_replace(struct xdpl_fw *fw, const struct xdpl_fw_rules *want,
			  const struct xdpl_fw_replace_opts *opts, struct xdpl_fw_diff *diff,
			  struct xdpl_error *e)
{
	struct xdpl_fw_rules have = { 0 }, add = { 0 }, del = { 0 };
	bool dry_run = OPT(opts, dry_run, false);
	struct xdpl_fw_diff d = { 0, 0, 0 };
	int err = dry_run ? 0 : fw_change_check(fw, e);

	if (!err)
		err = set_check(want, e);
	if (!err)
		err = xdpl_fw_rules_list(fw, &have, e);
	if (err)
		goto out;
	if (!want->n && have.n && !OPT(opts, allow_empty, false)) {
		d.removed = have.n;
		err = err_set(e, -ENOTEMPTY,
			      "firewall: %s: an empty set would remove all %zu rules", fw->dir,
			      have.n);
		goto out;
	}
	if (fw_rules_diff(&have, want, &add, &del, &d.kept)) {
		err = err_set(e, -ENOMEM, "firewall: out of memory comparing %zu rules with %zu",
			      have.n, want->n);
		goto out;
	}
	d.added = add.n;
	d.removed = del.n;
	if (!dry_run) {
		err = rules_apply(fw, &add, &del, e);
		if (!err)
			hits_prune_to(fw, &have, &add, &del);
	}
out:
	if (diff)
		*diff = d;
	xdpl_fw_rules_free(&have);
	xdpl_fw_rules_free(&add);
	xdpl_fw_rules_free(&del);
	return err;
}

/* ---- counters ---- */

struct hits_walk {
	const struct xdpl_fw *fw;
	struct xdpl_fw_hit *v;
	size_t n, cap;
};

static struct xdpl_fw_counter percpu_sum(const struct xdpl_fw *fw, const void *value)
{
	struct xdpl_fw_counter sum = { 0, 0 };
	struct fw_counter c;

	for (unsigned int cpu = 0; cpu < fw->ncpus; cpu++) {
		memcpy(&c, (const uint8_t *)value + cpu * sizeof(c), sizeof(c));
		sum.packets += c.packets;
		sum.bytes += c.bytes;
	}
	return sum;
}

/* One more hit counter in w: rule's, total. */
static int hit_push(struct hits_walk *w, uint32_t rule, struct xdpl_fw_counter total)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct xdpl_fw_hit *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n].rule = rule;
	w->v[w->n++].total = total;
	return 0;
}

static int hit_collect(const void *key, const void *value, void *ctx)
{
	struct hits_walk *w = ctx;
	uint32_t rule;

	memcpy(&rule, key, 4);
	return hit_push(w, rule, percpu_sum(w->fw, value));
}

/* An exact rule's hits, from its own value (struct fw_exact); rules never hit are left out. */
static int exact_hit_collect(const void *key, const void *value, void *ctx)
{
	struct fw_exact x;

	(void)key;
	memcpy(&x, value, sizeof(x));
	if (!x.hits.packets)
		return 0;
	return hit_push(ctx, x.rule,
			(struct xdpl_fw_counter){ .packets = x.hits.packets, .bytes = x.hits.bytes });
}

static int hit_cmp(const void *a, const void *b)
{
	const struct xdpl_fw_hit *x = a, *y = b;

	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/*
 * The hit counters, sorted by rule: prefixes' from fw_hits, and with
 * `exact`, exact rules' from their values in fw_v4 and fw_v6 (a walk of
 * every exact rule).  Forgetting counters needs only fw_hits'.
 */
static int hits_read(struct xdpl_fw *fw, bool exact, struct xdpl_fw_hit **hits, size_t *n,
		     struct xdpl_error *e)
{
	static const enum fw_map maps[] = { FW_MAP_HITS, FW_MAP_V4, FW_MAP_V6 };
	struct hits_walk w = { fw, NULL, 0, 0 };
	int err = 0;
	size_t i;

	*hits = NULL;
	*n = 0;
	for (i = 0; !err && i < (exact ? 3u : 1u); i++)
		err = xdpl_map_walk(fw->fds[maps[i]], maps[i] == FW_MAP_HITS ? hit_collect
									      : exact_hit_collect,
				    &w, NULL);
	if (err) {
		free(w.v);
		return err_sys(e, err, "firewall: %s/%s: cannot read it", fw->dir,
			       fw_map_names[maps[i - 1]]);
	}
	if (w.n)
		qsort(w.v, w.n, sizeof(*w.v), hit_cmp);
	*hits = w.v;
	*n = w.n;
	return 0;
}

int xdpl_fw_hits(struct xdpl_fw *fw, struct xdpl_fw_hit **hits, size_t *n, struct xdpl_error *e)
{
	return hits_read(fw, true, hits, n, e);
}

const struct xdpl_fw_hit *xdpl_fw_hit_find(const struct xdpl_fw_hit *hits, size_t n,
					   uint32_t rule)
{
	struct xdpl_fw_hit key = { .rule = rule };

	return n ? bsearch(&key, hits, n, sizeof(*hits), hit_cmp) : NULL;
}

const char *xdpl_fw_stat_name(enum xdpl_fw_stat stat)
{
	static const char *const names[XDPL_FW_STAT_COUNT] = {
		"pass", "drop", "malformed", "events_sent", "events_rate_limited",
		"events_lost", "hits_not_counted",
	};

	return (unsigned int)stat < XDPL_FW_STAT_COUNT ? names[stat] : "?";
}

int xdpl_fw_stats(struct xdpl_fw *fw, struct xdpl_fw_counter stats[XDPL_FW_STAT_COUNT],
		  struct xdpl_error *e)
{
	size_t size = ((sizeof(struct fw_counter) + 7) & ~(size_t)7) * fw->ncpus;
	/* Zeroed: valgrind sees the kernel write one CPU's copy of a per-CPU value, not all. */
	uint8_t *value = calloc(1, size);
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
