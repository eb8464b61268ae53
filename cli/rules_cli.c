// SPDX-License-Identifier: MIT
/*
 * rules_cli.c - the firewall's rules and what they catch, as an operator
 * types them (always with --dev IFACE):
 *
 *   block/allow/unblock CIDR...   a few rules at a time, all or nothing
 *   rules                         every rule with its hits; the listing is
 *                                 itself a rules file
 *   rules load FILE               make the rules FILE's, changing only the
 *                                 difference (--dry-run: only say it)
 *   stats                         packets and bytes per verdict, events
 *   events                        drop events as they happen, until Ctrl-C
 *
 * Part of the command line: this file prints; rules.c and fw.c do the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* The firewall's control plane (fw/), until it has a public API of its own. */
#include "fw/fw.h"
#include "cli/cli.h"

static int need_dev(const struct opts *o, const char *verb)
{
	if (o->dev)
		return EXIT_OK;
	fprintf(stderr, "xdpload: %s: which interface's firewall? give --dev IFACE\n", verb);
	return EXIT_USAGE;
}

/* The command line's CIDRs, parsed and checked before anything changes. */
static int rules_from_args(const struct opts *o, const char *verb, struct fw_rules *set)
{
	memset(set, 0, sizeof(*set));
	for (int i = 0; i < o->nargs; i++) {
		struct fw_rule r;
		char why[160];

		if (fw_rule_parse(o->args[i], &r, why, sizeof(why))) {
			fprintf(stderr, "xdpload: %s: %s: %s\n", verb, o->args[i], why);
			fw_rules_free(set);
			return EXIT_USAGE;
		}
		if (fw_rules_push(set, &r)) {
			fw_rules_free(set);
			return EXIT_ENV;
		}
	}
	fw_rules_sort(set);
	for (size_t i = 1; i < set->n; i++) {
		if (!fw_rule_cmp(&set->v[i - 1], &set->v[i])) {
			char text[FW_CIDR_MAX];

			fw_rule_format(&set->v[i], text, sizeof(text));
			fprintf(stderr, "xdpload: %s: %s is given twice\n", verb, text);
			fw_rules_free(set);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/* block and allow add rules; unblock removes them.  All or nothing. */
static int rules_change_args(struct opts *o, const char *verb, int policy, bool add)
{
	struct fw_rules set, none = { 0 };
	struct xdpl_error e = { 0 };
	struct fw fw;
	int code = need_dev(o, verb);

	if (code || (code = rules_from_args(o, verb, &set)))
		return code;
	code = fw_open_iface(&fw, o, o->dev, LOCK_EX, false);
	if (code)
		goto out;
	if (policy >= 0 && fw.meta.policy != (uint32_t)policy) {
		fprintf(stderr, "xdpload: %s: the firewall on %s is %s: its rules are the sources it %s; use `xdpload %s`\n",
			verb, o->dev, policy_name(fw.meta.policy),
			fw.meta.policy == FW_POLICY_DENY ? "drops" : "lets in",
			fw.meta.policy == FW_POLICY_DENY ? "block" : "allow");
		code = EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < set.n; i++) {
		char text[FW_CIDR_MAX];
		uint32_t id;
		int found = fw_rule_find(&fw, &set.v[i], &id) == 0;

		fw_rule_format(&set.v[i], text, sizeof(text));
		if (add && found && fw_rule_is_exact(&set.v[i])) {
			fprintf(stderr, "xdpload: %s: %s is already a rule on %s (rule %u); nothing changed\n",
				verb, text, o->dev, id);
			code = EXIT_USAGE;
			goto out;
		}
		if (!add && !found) {
			fprintf(stderr, "xdpload: %s: %s is not a rule on %s; nothing changed\n", verb,
				text, o->dev);
			code = EXIT_USAGE;
			goto out;
		}
		set.v[i].id = id;
	}
	if (fw_rules_apply(&fw, add ? &set : &none, add ? &none : &set, &e)) {
		code = report(&e, e.errnum == EEXIST || e.errnum == ENOENT ? EXIT_USAGE : EXIT_KERNEL);
		if (e.errnum == EEXIST || e.errnum == ENOENT)
			fprintf(stderr, "xdpload: %s: nothing changed\n", verb);
		goto out;
	}
	for (size_t i = 0; i < set.n; i++) {
		char text[FW_CIDR_MAX];

		fw_rule_format(&set.v[i], text, sizeof(text));
		printf("%s %s on %s (rule %u)\n", add ? (policy == FW_POLICY_DENY ? "blocked" : "allowed")
					       : "unblocked", text, o->dev, set.v[i].id);
	}
out:
	fw_close(&fw);
	fw_rules_free(&set);
	return code;
}

int cmd_block(struct opts *o)
{
	return rules_change_args(o, "block", FW_POLICY_DENY, true);
}

int cmd_allow(struct opts *o)
{
	return rules_change_args(o, "allow", FW_POLICY_ALLOW_ONLY, true);
}

int cmd_unblock(struct opts *o)
{
	return rules_change_args(o, "unblock", -1, false);
}

static int file_read(const char *path, char **buf, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t cap = 1 << 16;
	ssize_t n;

	*len = 0;
	*buf = NULL;
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!*buf || *len == cap) {
			char *p = realloc(*buf, *buf ? cap *= 2 : cap);

			if (!p) {
				n = -ENOMEM;
				break;
			}
			*buf = p;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			n = n < 0 ? -errno : 0;
			break;
		}
		*len += (size_t)n;
	}
	if (fd > 0)
		close(fd);
	if (n < 0) {
		free(*buf);
		*buf = NULL;
	}
	return (int)n;
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* After a whole-set load: the ids now live are the kept ones and the added ones. */
static void hits_prune_to(struct fw *fw, const struct fw_rules *have, const struct fw_rules *add,
			  const struct fw_rules *del)
{
	uint32_t *live = malloc((have->n + add->n + 1) * sizeof(*live));
	size_t n = 0;

	if (!live)
		return;
	for (size_t i = 0; i < have->n; i++)
		if (!del->n || !bsearch(&have->v[i], del->v, del->n, sizeof(*del->v), fw_rule_cmp))
			live[n++] = have->v[i].id;
	for (size_t i = 0; i < add->n; i++)
		live[n++] = add->v[i].id;
	qsort(live, n, sizeof(*live), id_cmp);
	fw_hits_prune(fw, live, n);
	free(live);
}

static int rules_load(struct opts *o, const char *path)
{
	struct fw_rules want = { 0 }, have = { 0 }, add = { 0 }, del = { 0 };
	struct xdpl_error e = { 0 };
	struct timespec t0;
	struct fw fw;
	size_t len, kept = 0;
	char *buf;
	int code = EXIT_OK, err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = file_read(path, &buf, &len);
	if (err) {
		err_sys(&e, err, "rules: cannot read %s", path);
		e.environment = true;
		return report(&e, EXIT_ENV);
	}
	err = fw_rules_parse_text(strcmp(path, "-") ? path : "stdin", buf, len, &want, &e);
	free(buf);
	if (err)
		return report(&e, EXIT_USAGE);
	code = fw_open_iface(&fw, o, o->dev, LOCK_EX, false);
	if (code)
		goto out;
	if (fw_rules_read(&fw, &have, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	if (!want.n && have.n && !o->force) {
		fprintf(stderr, "xdpload: rules: %s holds no rules; loading it would remove all %zu rules on %s%s. Pass --force if that is what you want\n",
			path, have.n, o->dev,
			fw.meta.policy == FW_POLICY_ALLOW_ONLY ? " and, allow-only, let no one in" : "");
		code = EXIT_USAGE;
		goto out;
	}
	if (fw_rules_diff(&have, &want, &add, &del, &kept)) {
		fprintf(stderr, "xdpload: rules: out of memory\n");
		code = EXIT_ENV;
		goto out;
	}
	if (!o->dry_run && fw_rules_apply(&fw, &add, &del, &e)) {
		code = report(&e, EXIT_KERNEL);
		fprintf(stderr, "xdpload: rules: nothing changed on %s\n", o->dev);
		goto out;
	}
	if (!o->dry_run)
		hits_prune_to(&fw, &have, &add, &del);
	printf("rules %s on %s: %zu rules: %zu kept, %zu %sadded, %zu %sremoved (%.3f s)\n", path,
	       o->dev, want.n, kept, add.n, o->dry_run ? "to be " : "", del.n,
	       o->dry_run ? "to be " : "", seconds_since(&t0));
	if (o->dry_run)
		printf("dry run: nothing changed\n");
out:
	fw_close(&fw);
	fw_rules_free(&want);
	fw_rules_free(&have);
	fw_rules_free(&add);
	fw_rules_free(&del);
	return code;
}

/* Display order: by address, IPv4 first; a prefix just before the addresses in it. */
static int rule_display_cmp(const void *a, const void *b)
{
	const struct fw_rule *x = a, *y = b;
	int c = x->family != y->family ? x->family - y->family
					: memcmp(x->addr, y->addr, sizeof(x->addr));

	return c ? c : x->prefixlen - y->prefixlen;
}

/*
 * The rule list: "CIDR  # rule N: P packets, B bytes" per line, so the list
 * saved to a file is itself a rules file `rules load` takes back.
 */
static int rules_list(struct opts *o)
{
	struct fw_rules have = { 0 };
	struct xdpl_error e = { 0 };
	struct fw_hit *hits = NULL;
	struct fw fw;
	size_t nhits = 0;
	int code = fw_open_iface(&fw, o, o->dev, LOCK_SH, false);

	if (code)
		return code;
	if (fw_rules_read(&fw, &have, &e) || fw_hits_read(&fw, &hits, &nhits, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	fw_rules_sort_by(&have, rule_display_cmp);
	if (o->json) {
		printf("{\"dev\":");
		json_string(o->dev);
		printf(",\"policy\":\"%s\",\"rules\":[", policy_name(fw.meta.policy));
	} else {
		printf("# %zu rules on %s, policy %s\n", have.n, o->dev, policy_name(fw.meta.policy));
	}
	for (size_t i = 0; i < have.n; i++) {
		const struct fw_hit *h = fw_hit_find(hits, nhits, have.v[i].id);
		struct fw_counter c = h ? h->total : (struct fw_counter){ 0, 0 };
		char text[FW_CIDR_MAX];

		fw_rule_format(&have.v[i], text, sizeof(text));
		if (o->json)
			printf("%s{\"cidr\":\"%s\",\"rule\":%u,\"packets\":%llu,\"bytes\":%llu}",
			       i ? "," : "", text, have.v[i].id, (unsigned long long)c.packets,
			       (unsigned long long)c.bytes);
		else
			printf("%-42s # rule %u: %llu packets, %llu bytes\n", text, have.v[i].id,
			       (unsigned long long)c.packets, (unsigned long long)c.bytes);
	}
	if (o->json)
		printf("]}\n");
out:
	free(hits);
	fw_rules_free(&have);
	fw_close(&fw);
	return code;
}

int cmd_rules(struct opts *o)
{
	int code = need_dev(o, "rules");

	if (code)
		return code;
	if (o->nargs == 0)
		return rules_list(o);
	if (!strcmp(o->args[0], "load") && o->nargs == 2)
		return rules_load(o, o->args[1]);
	fprintf(stderr, "xdpload: usage: xdpload rules --dev IFACE [-j], xdpload rules load FILE --dev IFACE [--dry-run]\n");
	return EXIT_USAGE;
}

/* ---- counters and events ---- */

int cmd_stats(struct opts *o)
{
	static const char *const names[FW_STAT_COUNT] = {
		"pass", "drop", "malformed", "events_sent", "events_rate_limited",
		"events_lost", "hits_not_counted",
	};
	struct fw_counter stats[FW_STAT_COUNT];
	struct fw_rules have = { 0 };
	struct xdpl_error e = { 0 };
	struct fw fw;
	int code = need_dev(o, "stats");

	if (code || (code = fw_open_iface(&fw, o, o->dev, LOCK_SH, false)))
		return code;
	if (fw_stats_read(&fw, stats, &e) || fw_rules_read(&fw, &have, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	if (o->json) {
		printf("{\"dev\":");
		json_string(o->dev);
		printf(",\"policy\":\"%s\",\"malformed_verdict\":\"%s\",\"events_per_sec\":%u,\"rules\":%zu",
		       policy_name(fw.meta.policy),
		       fw.meta.flags & FW_F_MALFORMED_DROP ? "drop" : "pass", fw.meta.events_per_sec,
		       have.n);
		for (int i = 0; i < FW_STAT_COUNT; i++)
			printf(",\"%s\":{\"packets\":%llu,\"bytes\":%llu}", names[i],
			       (unsigned long long)stats[i].packets, (unsigned long long)stats[i].bytes);
		printf("}\n");
	} else {
		printf("firewall on %s: policy %s, %zu rules, malformed packets %s, events %u/s per CPU\n",
		       o->dev, policy_name(fw.meta.policy), have.n,
		       fw.meta.flags & FW_F_MALFORMED_DROP ? "dropped" : "passed",
		       fw.meta.events_per_sec);
		printf("%-20s %14s %16s\n", "COUNTER", "PACKETS", "BYTES");
		for (int i = 0; i < FW_STAT_COUNT; i++)
			printf("%-20s %14llu %16llu\n", names[i], (unsigned long long)stats[i].packets,
			       (unsigned long long)stats[i].bytes);
	}
out:
	fw_rules_free(&have);
	fw_close(&fw);
	return code;
}

static volatile sig_atomic_t events_stop;

static void events_signal(int sig)
{
	(void)sig;
	events_stop = 1;
}

struct events_print {
	bool json;
	int64_t realtime_offset; /* ns to add to CLOCK_MONOTONIC_COARSE for the wall clock */
};

static int event_print(const void *data, uint32_t size, void *ctx)
{
	const struct events_print *p = ctx;
	const struct fw_event *ev = data;
	int64_t ns = (int64_t)ev->time_ns + p->realtime_offset;
	time_t secs = (time_t)(ns / 1000000000);
	struct fw_rule src = { .family = ev->family == 6 ? 6 : 4 };
	char when[32], addr[FW_CIDR_MAX];
	struct tm tm;

	if (size < sizeof(*ev))
		return 0; /* not an event of this layout */
	src.prefixlen = src.family == 4 ? 32 : 128;
	memcpy(src.addr, ev->src, sizeof(src.addr));
	fw_rule_format(&src, addr, sizeof(addr));
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (p->json)
		printf("{\"time\":\"%s.%03dZ\",\"action\":\"drop\",\"src\":\"%s\",\"rule\":%u,\"len\":%u,\"ifindex\":%u}\n",
		       when, (int)(ns / 1000000 % 1000), addr, ev->rule, ev->len, ev->ifindex);
	else
		printf("%s.%03dZ drop %-39s rule %-8u %5u bytes  ifindex %u\n", when,
		       (int)(ns / 1000000 % 1000), addr, ev->rule, ev->len, ev->ifindex);
	return 0;
}

int cmd_events(struct opts *o)
{
	struct events_print p = { o->json, 0 };
	struct fw_counter before[FW_STAT_COUNT], after[FW_STAT_COUNT];
	struct sigaction sa;
	struct timespec real, mono, t0;
	struct xdpl_error e = { 0 };
	struct xdpl_ring *ring;
	struct fw fw;
	size_t shown = 0;
	int code = need_dev(o, "events"), err;

	if (code || (code = fw_open_iface(&fw, o, o->dev, 0, false)))
		return code;
	if (fw_stats_read(&fw, before, &e) ||
	    xdpl_ring_open(&ring, fw.fds[FW_MAP_EVENTS], &e)) {
		fw_close(&fw);
		return report(&e, EXIT_KERNEL);
	}
	/* Like tail -f: from now on; what nobody read before is history. */
	xdpl_ring_skip(ring);
	if (!fw.meta.events_per_sec)
		fprintf(stderr, "xdpload: events: the firewall on %s sends no events (rate 0); `xdpload firewall set %s --events-rate N` turns them on\n",
			o->dev, o->dev);
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &mono);
	p.realtime_offset = ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000 +
			    (real.tv_nsec - mono.tv_nsec);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = events_signal; /* no SA_RESTART: poll() returns at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int wait = 0; !events_stop && !(o->count >= 0 && shown >= (size_t)o->count); wait = 200) {
		size_t max = o->count >= 0 ? (size_t)o->count - shown : 0;

		err = xdpl_ring_poll(ring, wait, event_print, &p, max);
		if (err == -EINTR)
			break;
		if (err < 0) {
			err_sys(&e, err, "events: waiting for the ring buffer of %s failed", o->dev);
			code = report(&e, EXIT_KERNEL);
			break;
		}
		shown += (size_t)err;
		fflush(stdout);
		if (o->duration >= 0 && seconds_since(&t0) >= (double)o->duration)
			break;
	}
	if (fw_stats_read(&fw, after, &e) == 0)
		fprintf(stderr, "xdpload: events: %zu shown; meanwhile the firewall sent %llu, held back %llu over the rate, lost %llu to a full ring\n",
			shown,
			(unsigned long long)(after[FW_STAT_EVENT_SENT].packets - before[FW_STAT_EVENT_SENT].packets),
			(unsigned long long)(after[FW_STAT_EVENT_LIMITED].packets - before[FW_STAT_EVENT_LIMITED].packets),
			(unsigned long long)(after[FW_STAT_EVENT_LOST].packets - before[FW_STAT_EVENT_LOST].packets));
	xdpl_ring_close(ring);
	fw_close(&fw);
	return code;
}
