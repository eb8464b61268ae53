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
 * Part of the command line: this file prints and chooses exit codes; the
 * firewall section of the library (fw/) does the work.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/internal.h"

static int need_dev(const struct opts *o, const char *verb)
{
	if (o->dev)
		return EXIT_OK;
	fprintf(stderr, "xdpload: %s: which interface's firewall? give --dev IFACE\n", verb);
	return EXIT_USAGE;
}

/*
 * The command line's CIDRs and services, parsed and checked before anything
 * changes.  A service takes its kind from the verb: `allow tcp/22` is the
 * rule allow:tcp/22, `block tcp/22` the rule tcp/22 (unblock: as written).
 */
static int rules_from_args(const struct opts *o, const char *verb, struct xdpl_fw_rules *set)
{
	char text[XDPL_FW_RULE_TEXT];
	size_t dup;

	memset(set, 0, sizeof(*set));
	for (int i = 0; i < o->nargs; i++) {
		struct xdpl_error e = { 0 };
		struct xdpl_fw_rule r;

		if (xdpl_fw_rule_parse(o->args[i], &r, &e)) {
			fprintf(stderr, "xdpload: %s: %s\n", verb, e.msg);
			xdpl_fw_rules_free(set);
			return EXIT_USAGE;
		}
		if (r.family == XDPL_FW_SERVICE && !strcmp(verb, "block") && r.allow) {
			fprintf(stderr, "xdpload: block: %s is an allow rule: `xdpload allow %s`\n",
				o->args[i], o->args[i] + 6);
			xdpl_fw_rules_free(set);
			return EXIT_USAGE;
		}
		if (r.family == XDPL_FW_SERVICE && !strcmp(verb, "allow"))
			r.allow = 1;
		if (xdpl_fw_rules_push(set, &r)) {
			xdpl_fw_rules_free(set);
			return EXIT_ENV;
		}
	}
	if (xdpl_fw_rules_sort(set, XDPL_FW_ORDER_SET, &dup)) {
		xdpl_fw_rule_format(&set->v[dup], text, sizeof(text));
		fprintf(stderr, "xdpload: %s: %s is given twice\n", verb, text);
		xdpl_fw_rules_free(set);
		return EXIT_USAGE;
	}
	/* Sorted: a service sharing a port with one before it overlaps the widest of those. */
	for (size_t i = 1, w = 0; i < set->n; i++) {
		const struct xdpl_fw_rule *a = &set->v[w], *b = &set->v[i];
		char other[XDPL_FW_RULE_TEXT];

		if (b->family != XDPL_FW_SERVICE)
			continue;
		if (a->family == XDPL_FW_SERVICE && a->proto == b->proto && a->port_hi >= b->port_lo) {
			xdpl_fw_rule_format(a, text, sizeof(text));
			xdpl_fw_rule_format(b, other, sizeof(other));
			fprintf(stderr, "xdpload: %s: %s and %s share a port: a port has one rule\n",
				verb, text, other);
			xdpl_fw_rules_free(set);
			return EXIT_USAGE;
		}
		if (a->family != XDPL_FW_SERVICE || a->proto != b->proto || b->port_hi > a->port_hi)
			w = i;
	}
	return EXIT_OK;
}

/* block and allow add rules; unblock removes them.  All or nothing. */
static int rules_change_args(struct opts *o, const char *verb, enum xdpl_fw_policy policy,
			     bool add)
{
	struct xdpl_fw_settings settings, after;
	struct xdpl_fw_rules set;
	struct xdpl_error e = { 0 };
	struct xdpl_fw *fw = NULL;
	int code = need_dev(o, verb), err;

	if (code || (code = rules_from_args(o, verb, &set)))
		return code;
	code = fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_EXCLUSIVE);
	if (code)
		goto out;
	if (xdpl_fw_settings(fw, &settings, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	/* The policy says what an address rule means; a service rule says it itself. */
	if (policy != XDPL_FW_POLICY_UNSET && settings.policy != policy && set.n &&
	    set.v[0].family != XDPL_FW_SERVICE) {
		bool deny = settings.policy == XDPL_FW_POLICY_DENY;

		fprintf(stderr, "xdpload: %s: the firewall on %s is %s: its rules are the sources it %s; use `xdpload %s`\n",
			verb, o->dev, xdpl_fw_policy_name(settings.policy), deny ? "drops" : "lets in",
			deny ? "block" : "allow");
		code = EXIT_USAGE;
		goto out;
	}
	/* Each rule checked first, so the refusal names it and its id. */
	for (size_t i = 0; i < set.n; i++) {
		char text[XDPL_FW_RULE_TEXT];
		uint32_t id;
		bool found = xdpl_fw_rule_lookup(fw, &set.v[i], &id, NULL) == 0;

		/* unblock tcp/22 takes off the allow rule too, when that is the one there. */
		if (!add && !found && set.v[i].family == XDPL_FW_SERVICE && !set.v[i].allow) {
			set.v[i].allow = 1;
			found = xdpl_fw_rule_lookup(fw, &set.v[i], &id, NULL) == 0;
			if (!found)
				set.v[i].allow = 0;
		}

		xdpl_fw_rule_format(&set.v[i], text, sizeof(text));
		if (add && found) {
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
	}
	err = add ? xdpl_fw_rules_add(fw, &set, &e) : xdpl_fw_rules_remove(fw, &set, &e);
	if (err) {
		code = report(&e, err == -EEXIST || err == -ENOENT ? EXIT_USAGE : EXIT_KERNEL);
		if (err == -EEXIST || err == -ENOENT)
			fprintf(stderr, "xdpload: %s: nothing changed\n", verb);
		goto out;
	}
	for (size_t i = 0; i < set.n; i++) {
		char text[XDPL_FW_RULE_TEXT];

		xdpl_fw_rule_format(&set.v[i], text, sizeof(text));
		printf("%s %s on %s (rule %u)\n",
		       !add ? "unblocked" : policy == XDPL_FW_POLICY_DENY ? "blocked" : "allowed",
		       text, o->dev, set.v[i].id);
	}
	if (set.n && set.v[set.n - 1].family == XDPL_FW_SERVICE &&
	    xdpl_fw_settings(fw, &after, NULL) == 0 && after.services != settings.services)
		printf("services on %s: %s\n", o->dev,
		       after.services == XDPL_FW_SERVICES_ALLOW_ONLY
			       ? "allow-only (only the services allowed pass)"
		       : after.services == XDPL_FW_SERVICES_BLOCK ? "block (the services blocked are dropped)"
								  : "none (no service rules)");
out:
	xdpl_fw_close(fw);
	xdpl_fw_rules_free(&set);
	return code;
}

int cmd_block(struct opts *o)
{
	return rules_change_args(o, "block", XDPL_FW_POLICY_DENY, true);
}

int cmd_allow(struct opts *o)
{
	return rules_change_args(o, "allow", XDPL_FW_POLICY_ALLOW_ONLY, true);
}

int cmd_unblock(struct opts *o)
{
	return rules_change_args(o, "unblock", XDPL_FW_POLICY_UNSET, false);
}

/*
 * All of path ("-": stdin) into *buf, malloc'd (lib/file.c): a regular file
 * or stdin, at most RULES_FILE_MAX (the maps take 4 Mi rules, and an export
 * line is under 100 bytes), so a device or a log is refused before it fills
 * memory.  -errno, explained in e.
 */
int rules_file_read(const char *path, char **buf, size_t *len, struct xdpl_error *e)
{
	static const struct file_limits lim = {
		.step = "rules", .what = "a rules file", .max = RULES_FILE_MAX,
	};

	return file_read_bounded(strcmp(path, "-") ? path : NULL, &lim, (uint8_t **)buf, len, e);
}

/* A rules file's text, read already, made the rules of --dev (rules load, and --watch). */
int rules_apply_text(struct opts *o, const char *path, const char *buf, size_t len)
{
	struct xdpl_fw_replace_opts ro = { .sz = sizeof(ro), .dry_run = o->dry_run,
					   .allow_empty = o->force };
	struct xdpl_fw_rules want = { 0 };
	struct xdpl_fw_settings settings;
	struct xdpl_fw_diff diff;
	struct xdpl_error e = { 0 };
	struct timespec t0;
	struct xdpl_fw *fw = NULL;
	int code, err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = xdpl_fw_rules_parse(strcmp(path, "-") ? path : "stdin", buf, len, &want, &e);
	if (err)
		return report(&e, EXIT_USAGE);
	code = fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_EXCLUSIVE);
	if (code)
		goto out;
	err = xdpl_fw_rules_replace(fw, &want, &ro, &diff, &e);
	if (err == -ENOTEMPTY) {
		bool allow_only = xdpl_fw_settings(fw, &settings, NULL) == 0 &&
				  settings.policy == XDPL_FW_POLICY_ALLOW_ONLY;

		fprintf(stderr, "xdpload: rules: %s holds no rules; loading it would remove all %zu rules on %s%s. Pass --force if that is what you want\n",
			path, diff.removed, o->dev, allow_only ? " and, allow-only, let no one in" : "");
		code = EXIT_USAGE;
		goto out;
	}
	if (err) {
		code = report(&e, EXIT_KERNEL);
		fprintf(stderr, "xdpload: rules: nothing changed on %s\n", o->dev);
		goto out;
	}
	printf("rules %s on %s: %zu rules: %zu kept, %zu %sadded, %zu %sremoved (%.3f s)\n", path,
	       o->dev, want.n, diff.kept, diff.added, o->dry_run ? "to be " : "", diff.removed,
	       o->dry_run ? "to be " : "", seconds_since(&t0));
	if (o->dry_run)
		printf("dry run: nothing changed\n");
out:
	xdpl_fw_close(fw);
	xdpl_fw_rules_free(&want);
	return code;
}

/* Why rules_file_read() failed, said; the exit code. */
int rules_read_report(struct xdpl_error *e, int err)
{
	if (err == -EFBIG || err == -EINVAL)
		return report(e, EXIT_USAGE);
	e->environment = true;
	return report(e, EXIT_ENV);
}

static int rules_load(struct opts *o, const char *path)
{
	struct xdpl_error e = { 0 };
	size_t len;
	char *buf;
	int code, err;

	if (o->watch)
		return rules_watch(o, path);
	err = rules_file_read(path, &buf, &len, &e);
	if (err)
		return rules_read_report(&e, err);
	code = rules_apply_text(o, path, buf, len);
	free(buf);
	return code;
}

/* printf, remembering the errno of the first write that failed (a full disk, /dev/full). */
__attribute__((format(printf, 2, 3))) static void out(int *werr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errno = 0;
	if (vprintf(fmt, ap) < 0 && !*werr)
		*werr = errno ? errno : EIO;
	va_end(ap);
}

/*
 * The rule list: "CIDR  # rule N: P packets, B bytes" per line, between a
 * header and "# end", so the list saved to a file is itself a rules file
 * `rules load` takes back, and one cut short is refused.  A backup is only
 * one if every line reached the file: a failed write is an error.
 */
static int rules_list(struct opts *o)
{
	struct xdpl_fw_settings settings;
	struct xdpl_fw_rules have = { 0 };
	struct xdpl_error e = { 0 };
	struct xdpl_fw_hit *hits = NULL;
	struct xdpl_fw *fw;
	size_t nhits = 0;
	char line[256];
	int code = fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_SHARED), werr = 0;

	if (code)
		return code;
	if (xdpl_fw_settings(fw, &settings, &e) || xdpl_fw_rules_list(fw, &have, &e) ||
	    xdpl_fw_hits(fw, &hits, &nhits, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	xdpl_fw_rules_sort(&have, XDPL_FW_ORDER_ADDRESS, NULL);
	if (o->json) {
		out(&werr, "{\"dev\":");
		json_string(o->dev);
		out(&werr, ",\"policy\":\"%s\",\"services\":\"%s\",\"rules\":[",
		    xdpl_fw_policy_name(settings.policy), xdpl_fw_services_name(settings.services));
	} else {
		xdpl_fw_export_header(line, sizeof(line), have.n, o->dev, settings.policy);
		out(&werr, "%s", line);
	}
	for (size_t i = 0; i < have.n && !werr; i++) {
		const struct xdpl_fw_hit *h = xdpl_fw_hit_find(hits, nhits, have.v[i].id);
		struct xdpl_fw_counter c = h ? h->total : (struct xdpl_fw_counter){ 0, 0 };
		char text[XDPL_FW_RULE_TEXT];

		if (o->json) {
			xdpl_fw_rule_format(&have.v[i], text, sizeof(text));
			out(&werr, "%s{\"%s\":\"%s\",\"rule\":%u,\"packets\":%llu,\"bytes\":%llu}",
			    i ? "," : "", have.v[i].family == XDPL_FW_SERVICE ? "service" : "cidr",
			    text, have.v[i].id, (unsigned long long)c.packets,
			    (unsigned long long)c.bytes);
		} else {
			xdpl_fw_export_rule(line, sizeof(line), &have.v[i], &c);
			out(&werr, "%s", line);
		}
	}
	if (o->json) {
		out(&werr, "]}\n");
	} else {
		xdpl_fw_export_end(line, sizeof(line));
		out(&werr, "%s", line);
	}
	errno = 0;
	if (fflush(stdout) && !werr)
		werr = errno ? errno : EIO;
	if (!werr && ferror(stdout))
		werr = EIO;
	if (werr) {
		/* Said once, here: the error is cleared for the exit's own check of stdout. */
		out_forget();
		fprintf(stderr, "xdpload: rules: writing the rules of %s failed: %s (%s)\n", o->dev,
			xdpl_errno_name(werr), xdpl_errno_text(werr));
		code = EXIT_ENV;
	}
out:
	free(hits);
	xdpl_fw_rules_free(&have);
	xdpl_fw_close(fw);
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
	struct xdpl_fw_counter stats[XDPL_FW_STAT_COUNT];
	struct xdpl_fw_settings settings;
	struct xdpl_fw_rules have = { 0 };
	struct xdpl_error e = { 0 };
	struct xdpl_fw *fw = NULL;
	int code = need_dev(o, "stats");

	if (!code && (o->format == STATS_PROMETHEUS || o->textfile || o->top >= 0 || o->interval >= 0))
		return stats_metrics(o);
	o->json = o->json || o->format == STATS_JSON;
	if (code || (code = fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_SHARED)))
		return code;
	if (xdpl_fw_settings(fw, &settings, &e) || xdpl_fw_stats(fw, stats, &e) ||
	    xdpl_fw_rules_list(fw, &have, &e)) {
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	if (o->json) {
		printf("{\"dev\":");
		json_string(o->dev);
		printf(",\"policy\":\"%s\",\"services\":\"%s\",\"malformed_verdict\":\"%s\",\"events_per_sec\":%u,\"rules\":%zu",
		       xdpl_fw_policy_name(settings.policy), xdpl_fw_services_name(settings.services),
		       settings.malformed == XDPL_FW_DROP ? "drop" : "pass", settings.events_per_sec,
		       have.n);
		for (int i = 0; i < XDPL_FW_STAT_COUNT; i++)
			printf(",\"%s\":{\"packets\":%llu,\"bytes\":%llu}",
			       xdpl_fw_stat_name((enum xdpl_fw_stat)i),
			       (unsigned long long)stats[i].packets, (unsigned long long)stats[i].bytes);
		printf("}\n");
	} else {
		printf("firewall on %s: policy %s, %s%s%zu rules, malformed packets %s, events %u/s per CPU\n",
		       o->dev, xdpl_fw_policy_name(settings.policy),
		       settings.services ? "services " : "",
		       settings.services ? (settings.services == XDPL_FW_SERVICES_BLOCK ? "block, " : "allow-only, ") : "",
		       have.n,
		       settings.malformed == XDPL_FW_DROP ? "dropped" : "passed",
		       settings.events_per_sec);
		printf("%-20s %14s %16s\n", "COUNTER", "PACKETS", "BYTES");
		for (int i = 0; i < XDPL_FW_STAT_COUNT; i++)
			printf("%-20s %14llu %16llu\n", xdpl_fw_stat_name((enum xdpl_fw_stat)i),
			       (unsigned long long)stats[i].packets, (unsigned long long)stats[i].bytes);
	}
out:
	xdpl_fw_rules_free(&have);
	xdpl_fw_close(fw);
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
	struct xdpl_fw_event ev;
	struct xdpl_fw_rule src = { 0 };
	char when[32], addr[XDPL_FW_RULE_TEXT];
	int64_t ns;
	time_t secs;
	struct tm tm;

	if (size < sizeof(ev))
		return 0; /* not an event of this layout */
	memcpy(&ev, data, sizeof(ev));
	ns = (int64_t)ev.time_ns + p->realtime_offset;
	secs = (time_t)(ns / 1000000000);
	src.family = ev.family == 6 ? 6 : 4;
	src.prefixlen = src.family == 4 ? 32 : 128;
	memcpy(src.addr, ev.src, sizeof(src.addr));
	xdpl_fw_rule_format(&src, addr, sizeof(addr));
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	if (p->json)
		printf("{\"time\":\"%s.%03dZ\",\"action\":\"drop\",\"src\":\"%s\",\"rule\":%u,\"len\":%u,\"ifindex\":%u}\n",
		       when, (int)(ns / 1000000 % 1000), addr, ev.rule, ev.len, ev.ifindex);
	else
		printf("%s.%03dZ drop %-39s rule %-8u %5u bytes  ifindex %u\n", when,
		       (int)(ns / 1000000 % 1000), addr, ev.rule, ev.len, ev.ifindex);
	return 0;
}

int cmd_events(struct opts *o)
{
	struct events_print p = { o->json, 0 };
	struct xdpl_fw_counter before[XDPL_FW_STAT_COUNT], after[XDPL_FW_STAT_COUNT];
	struct xdpl_fw_settings settings;
	struct sigaction sa;
	struct timespec real, mono, t0;
	struct xdpl_error e = { 0 };
	struct xdpl_ring *ring;
	struct xdpl_fw *fw = NULL;
	size_t shown = 0;
	int code = need_dev(o, "events"), err = 0;

	if (code || (code = fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_NONE)))
		return code;
	if (xdpl_fw_settings(fw, &settings, &e) || xdpl_fw_stats(fw, before, &e) ||
	    (err = xdpl_fw_events_open(fw, &ring, &e))) {
		xdpl_fw_close(fw);
		if (err != -EBUSY)
			return report(&e, EXIT_KERNEL);
		fprintf(stderr, "xdpload: events: another process reads the drop events of %s; each event reaches one reader only, so a second is refused: stop the other first\n",
			o->dev);
		return EXIT_ENV;
	}
	/* Like tail -f: from now on; what nobody read before is history. */
	xdpl_ring_skip(ring);
	if (!settings.events_per_sec)
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
	if (xdpl_fw_stats(fw, after, &e) == 0)
		fprintf(stderr, "xdpload: events: %zu shown; meanwhile the firewall sent %llu, held back %llu over the rate, lost %llu to a full ring\n",
			shown,
			(unsigned long long)(after[XDPL_FW_STAT_EVENT_SENT].packets - before[XDPL_FW_STAT_EVENT_SENT].packets),
			(unsigned long long)(after[XDPL_FW_STAT_EVENT_LIMITED].packets - before[XDPL_FW_STAT_EVENT_LIMITED].packets),
			(unsigned long long)(after[XDPL_FW_STAT_EVENT_LOST].packets - before[XDPL_FW_STAT_EVENT_LOST].packets));
	xdpl_ring_close(ring);
	xdpl_fw_close(fw);
	return code;
}
