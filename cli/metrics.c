// SPDX-License-Identifier: MIT
/*
 * metrics.c - the firewall's counters as Prometheus reads them, in its text
 * exposition format (0.0.4):
 *
 *   stats --dev IFACE --format prometheus     to stdout
 *   stats --dev IFACE --textfile DIR          DIR/xdpload_IFACE.prom, for
 *                                             node_exporter's textfile collector
 *         [--interval SECONDS]                ...again every SECONDS, until SIGTERM
 *         [--top N]                           with the N rules that matched most
 *
 * The file is written beside its final name (a dot file, which the
 * collector skips) and renamed into place, so a scrape never reads half of
 * one.  Names follow Prometheus' practice: base units, _total on counters,
 * one metric per quantity with labels for its parts, an _info metric for
 * what is text.  No label has a value per rule except the --top N rules: a
 * million rules never become a million series.  Rules are counted per
 * table the library reports (xdpl_fw_tables), so a new kind of rule needs
 * nothing here.  Part of the command line: it prints and chooses exit codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define TOP_MAX 1000        /* --top: a bound on the series one scrape may carry */
#define INTERVAL_MAX 86400  /* --interval: once a day at the least */

struct top_rule {
	uint32_t id;
	struct xdpl_fw_counter hits;
	char text[XDPL_FW_RULE_TEXT];
};

/* Everything one scrape shows, read under the state's shared lock. */
struct metrics {
	struct xdpl_fw_settings settings;
	struct xdpl_fw_counter stats[XDPL_FW_STAT_COUNT];
	struct xdpl_fw_table *tables;
	size_t ntables;
	uint32_t layout;
	bool attached;
	uint32_t prog_id;
	enum xdpl_xdp_mode mode;
	uint8_t tag[8];
	struct top_rule *top;
	size_t ntop;
};

static void metrics_free(struct metrics *m)
{
	free(m->tables);
	free(m->top);
	memset(m, 0, sizeof(*m));
}

static int hit_by_packets(const void *a, const void *b)
{
	const struct xdpl_fw_hit *x = a, *y = b;

	if (x->total.packets != y->total.packets)
		return x->total.packets < y->total.packets ? 1 : -1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int top_by_id(const void *a, const void *b)
{
	const struct top_rule *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int top_by_packets(const void *a, const void *b)
{
	const struct top_rule *x = a, *y = b;

	if (x->hits.packets != y->hits.packets)
		return x->hits.packets < y->hits.packets ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The n rules with the most packets, with their text, most first. */
static int top_rules(struct xdpl_fw *fw, size_t n, struct metrics *m, struct xdpl_error *e)
{
	struct xdpl_fw_rules have = { 0 };
	struct xdpl_fw_hit *hits = NULL;
	size_t nhits = 0;
	int err = xdpl_fw_hits(fw, &hits, &nhits, e);

	if (!err)
		err = xdpl_fw_rules_list(fw, &have, e);
	if (err)
		goto out;
	qsort(hits, nhits, sizeof(*hits), hit_by_packets);
	m->ntop = nhits < n ? nhits : n;
	m->top = calloc(m->ntop ? m->ntop : 1, sizeof(*m->top));
	if (!m->top) {
		err = err_set(e, -ENOMEM, "stats: out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->ntop; i++) {
		m->top[i].id = hits[i].rule;
		m->top[i].hits = hits[i].total;
		snprintf(m->top[i].text, sizeof(m->top[i].text), "?");
	}
	/* A rule's text by its id: one pass over the rules, a search among the few. */
	qsort(m->top, m->ntop, sizeof(*m->top), top_by_id);
	for (size_t i = 0; i < have.n; i++) {
		struct top_rule key = { .id = have.v[i].id };
		struct top_rule *t = bsearch(&key, m->top, m->ntop, sizeof(*m->top), top_by_id);

		if (t)
			xdpl_fw_rule_format(&have.v[i], t->text, sizeof(t->text));
	}
	qsort(m->top, m->ntop, sizeof(*m->top), top_by_packets);
out:
	free(hits);
	xdpl_fw_rules_free(&have);
	return err;
}

/*
 * Read what a scrape shows.  A failure is said once: one whose message is
 * the last one's (kept in last, across --interval's rounds) is not said
 * again every round.
 */
static int metrics_gather(struct opts *o, struct metrics *m, char *last, size_t lastlen)
{
	struct xdpl_fw_open_opts oo = { .sz = sizeof(oo), .lock = XDPL_FW_LOCK_SHARED };
	struct xdpl_error e = { 0 };
	struct xdpl_prog_info info;
	struct xdpl_fw *fw = NULL;
	char dir[4096];
	int code = fw_dir(o, o->dev, dir, sizeof(dir)), ifindex;

	memset(m, 0, sizeof(*m));
	if (code)
		return code;
	if (xdpl_fw_open(&fw, dir, &oo, &e)) {
		if (strcmp(last, e.msg)) {
			/* Said once, with the hint the other verbs give. */
			snprintf(last, lastlen, "%s", e.msg);
			if (fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_SHARED) == EXIT_OK)
				xdpl_fw_close(fw);
		}
		return EXIT_ENV;
	}
	if (xdpl_fw_settings(fw, &m->settings, &e) || xdpl_fw_stats(fw, m->stats, &e) ||
	    xdpl_fw_tables(fw, &m->tables, &m->ntables, &e) ||
	    (o->top > 0 && top_rules(fw, (size_t)o->top, m, &e))) {
		code = EXIT_KERNEL;
		if (strcmp(last, e.msg)) {
			snprintf(last, lastlen, "%s", e.msg);
			report(&e, code);
		}
		goto out;
	}
	m->layout = xdpl_fw_layout(fw);
	ifindex = xdpl_nl_ifindex(cli_nl(), o->dev, NULL);
	m->attached = ifindex > 0 &&
		      xdpl_fw_prog_find(fw, cli_nl(), ifindex, &m->prog_id, &m->mode, NULL) == 0;
	if (m->attached && xdpl_prog_info_by_id(m->prog_id, &info, NULL) == 0)
		memcpy(m->tag, info.tag, sizeof(m->tag));
	last[0] = '\0';
out:
	xdpl_fw_close(fw);
	if (code)
		metrics_free(m);
	return code;
}

/* A label value: backslash, double quote and newline escaped, as the format asks. */
static void label_value(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* "NAME{iface="IFACE"": the caller adds its labels and the value. */
static void sample(FILE *f, const char *name, const char *iface)
{
	fprintf(f, "%s{iface=", name);
	label_value(f, iface);
}

static void sample_end(FILE *f, unsigned long long value)
{
	fprintf(f, "} %llu\n", value);
}

/* A sample with one more label. */
static void sample1(FILE *f, const char *name, const char *iface, const char *label,
		    const char *value, unsigned long long v)
{
	sample(f, name, iface);
	fprintf(f, ",%s=", label);
	label_value(f, value);
	sample_end(f, v);
}

static const struct {
	enum xdpl_fw_stat stat;
	const char *value;
} verdicts[] = {
	{ XDPL_FW_STAT_PASS, "pass" },
	{ XDPL_FW_STAT_DROP, "drop" },
	{ XDPL_FW_STAT_MALFORMED, "malformed" },
}, events[] = {
	{ XDPL_FW_STAT_EVENT_SENT, "sent" },
	{ XDPL_FW_STAT_EVENT_LIMITED, "rate_limited" },
	{ XDPL_FW_STAT_EVENT_LOST, "lost" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void metrics_print(FILE *f, const char *iface, const struct metrics *m, bool top)
{
	const struct xdpl_fw_settings *s = &m->settings;
	char id[16], tag[17], layout[16];

	snprintf(id, sizeof(id), "%u", m->attached ? m->prog_id : 0);
	for (int i = 0; i < 8; i++)
		snprintf(tag + 2 * i, 3, "%02x", m->attached ? m->tag[i] : 0);
	snprintf(layout, sizeof(layout), "%u", m->layout);
	family(f, "xdpload_firewall_info", "gauge",
	       "The firewall of an interface: its program (id 0: none attached), tag and mode, its state's layout version and its settings.");
	sample(f, "xdpload_firewall_info", iface);
	fputs(",prog_id=", f);
	label_value(f, id);
	fputs(",tag=", f);
	label_value(f, m->attached ? tag : "");
	fputs(",mode=", f);
	label_value(f, m->attached ? xdpl_xdp_mode_name(m->mode) : "none");
	fputs(",layout=", f);
	label_value(f, layout);
	fputs(",policy=", f);
	label_value(f, xdpl_fw_policy_name(s->policy));
	fputs(",malformed=", f);
	label_value(f, s->malformed == XDPL_FW_DROP ? "drop" : "pass");
	fputs(",version=", f);
	label_value(f, XDPLOAD_VERSION);
	sample_end(f, 1);

	family(f, "xdpload_firewall_attached", "gauge",
	       "1 when the interface runs this state's firewall, 0 when it runs another program or none.");
	sample(f, "xdpload_firewall_attached", iface);
	sample_end(f, m->attached);

	family(f, "xdpload_firewall_packets_total", "counter",
	       "Packets the firewall saw, by verdict: passed, dropped by the policy, or malformed (passed or dropped as --malformed says).");
	for (size_t i = 0; i < COUNT(verdicts); i++)
		sample1(f, "xdpload_firewall_packets_total", iface, "verdict", verdicts[i].value,
			(unsigned long long)m->stats[verdicts[i].stat].packets);
	family(f, "xdpload_firewall_bytes_total", "counter",
	       "Bytes of the packets the firewall saw, by verdict.");
	for (size_t i = 0; i < COUNT(verdicts); i++)
		sample1(f, "xdpload_firewall_bytes_total", iface, "verdict", verdicts[i].value,
			(unsigned long long)m->stats[verdicts[i].stat].bytes);

	family(f, "xdpload_firewall_events_total", "counter",
	       "Drop events: sent to the ring buffer, held back by the rate limit, or lost to a full ring.");
	for (size_t i = 0; i < COUNT(events); i++)
		sample1(f, "xdpload_firewall_events_total", iface, "result", events[i].value,
			(unsigned long long)m->stats[events[i].stat].packets);
	family(f, "xdpload_firewall_events_rate_limit", "gauge",
	       "Drop events the firewall sends per second and CPU at most (0: none).");
	sample(f, "xdpload_firewall_events_rate_limit", iface);
	sample_end(f, s->events_per_sec);
	family(f, "xdpload_firewall_rule_hits_uncounted_total", "counter",
	       "Packets that matched a rule but found no room for the rule's hit counter.");
	sample(f, "xdpload_firewall_rule_hits_uncounted_total", iface);
	sample_end(f, (unsigned long long)m->stats[XDPL_FW_STAT_HITS_FULL].packets);

	family(f, "xdpload_firewall_rules", "gauge", "Rules loaded, by address family and kind.");
	for (size_t i = 0; i < m->ntables; i++) {
		const struct xdpl_fw_table *t = &m->tables[i];

		if (t->role != XDPL_FW_TABLE_RULES)
			continue;
		sample(f, "xdpload_firewall_rules", iface);
		fputs(",family=", f);
		label_value(f, t->family == 4 ? "ipv4" : "ipv6");
		fputs(",kind=", f);
		label_value(f, t->kind);
		sample_end(f, (unsigned long long)t->entries);
	}
	family(f, "xdpload_firewall_map_entries", "gauge",
	       "Entries in each of the firewall's maps that fill up: rules of one family and kind, and rule hit counters.");
	for (size_t i = 0; i < m->ntables; i++)
		sample1(f, "xdpload_firewall_map_entries", iface, "map", m->tables[i].map,
			(unsigned long long)m->tables[i].entries);
	family(f, "xdpload_firewall_map_capacity", "gauge",
	       "The most entries each of those maps holds.");
	for (size_t i = 0; i < m->ntables; i++)
		sample1(f, "xdpload_firewall_map_capacity", iface, "map", m->tables[i].map,
			(unsigned long long)m->tables[i].capacity);

	if (!top)
		return;
	family(f, "xdpload_firewall_rule_packets_total", "counter",
	       "Packets that matched each of the --top N rules that matched most.");
	for (size_t i = 0; i < m->ntop; i++) {
		snprintf(id, sizeof(id), "%u", m->top[i].id);
		sample(f, "xdpload_firewall_rule_packets_total", iface);
		fputs(",rule=", f);
		label_value(f, id);
		fputs(",match=", f);
		label_value(f, m->top[i].text);
		sample_end(f, (unsigned long long)m->top[i].hits.packets);
	}
	family(f, "xdpload_firewall_rule_bytes_total", "counter",
	       "Bytes of the packets that matched each of the --top N rules that matched most.");
	for (size_t i = 0; i < m->ntop; i++) {
		snprintf(id, sizeof(id), "%u", m->top[i].id);
		sample(f, "xdpload_firewall_rule_bytes_total", iface);
		fputs(",rule=", f);
		label_value(f, id);
		fputs(",match=", f);
		label_value(f, m->top[i].text);
		sample_end(f, (unsigned long long)m->top[i].hits.bytes);
	}
}

/* Where --textfile writes: DIR/xdpload_IFACE.prom, and the name it is written under first. */
static int textfile_paths(const struct opts *o, char *path, size_t len, char *tmp, size_t tmplen)
{
	if ((size_t)snprintf(path, len, "%s/xdpload_%s.prom", o->textfile, o->dev) >= len ||
	    (size_t)snprintf(tmp, tmplen, "%s/.xdpload_%s.prom.%ld", o->textfile, o->dev,
			     (long)getpid()) >= tmplen) {
		fprintf(stderr, "xdpload: stats: --textfile %s: the path is too long\n", o->textfile);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The metrics into DIR/xdpload_IFACE.prom: written whole under another name, then renamed. */
static int textfile_write(const struct opts *o, const struct metrics *m)
{
	char path[4096], tmp[4200];
	int code = textfile_paths(o, path, sizeof(path), tmp, sizeof(tmp)), fd, err = 0;
	const char *step = "create";
	FILE *f;

	if (code)
		return code;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	/* Readable by node_exporter's own user, whatever the umask. */
	fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		goto fail;
	}
	step = "write";
	errno = 0;
	metrics_print(f, o->dev, m, o->top > 0);
	if (fflush(f) || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	if (err)
		goto fail;
	step = "rename";
	if (rename(tmp, path) < 0) {
		err = errno;
		goto fail;
	}
	return EXIT_OK;
fail:
	unlink(tmp);
	fprintf(stderr, "xdpload: stats: --textfile: cannot %s %s: %s (%s)\n", step,
		!strcmp(step, "rename") ? path : tmp, xdpl_errno_name(err), xdpl_errno_text(err));
	return EXIT_ENV;
}

/* Without a firewall to read, no file at all: old counters are never served as new. */
static void textfile_remove(const struct opts *o)
{
	char path[4096], tmp[4200];

	if (textfile_paths(o, path, sizeof(path), tmp, sizeof(tmp)) == EXIT_OK && unlink(path) == 0)
		fprintf(stderr, "xdpload: stats: removed %s until the firewall of %s can be read again\n",
			path, o->dev);
}

static int metrics_once(struct opts *o, char *last, size_t lastlen)
{
	struct metrics m;
	int code = metrics_gather(o, &m, last, lastlen);

	if (code) {
		if (o->textfile)
			textfile_remove(o);
		return code;
	}
	if (o->textfile) {
		code = textfile_write(o, &m);
	} else {
		metrics_print(stdout, o->dev, &m, o->top > 0);
		fflush(stdout);
	}
	metrics_free(&m);
	return code;
}

static int metrics_usage(const char *what)
{
	fprintf(stderr, "xdpload: stats: %s\n", what);
	return EXIT_USAGE;
}

int stats_metrics(struct opts *o)
{
	char last[sizeof(((struct xdpl_error *)0)->msg)] = "";
	struct timespec wait;
	sigset_t stop;
	struct stat st;
	int code, sig;

	if (o->format != STATS_PROMETHEUS && !o->textfile)
		return metrics_usage("--top and --interval are for the Prometheus format: add --format prometheus or --textfile DIR");
	if (o->json || o->format == STATS_JSON)
		return metrics_usage("-j and the Prometheus format are two outputs: choose one");
	if (o->interval >= 0 && !o->textfile)
		return metrics_usage("--interval rewrites a file: it needs --textfile DIR");
	if (o->top > TOP_MAX)
		return metrics_usage("--top: at most 1000 rules (each is a series of its own)");
	if (o->interval == 0 || o->interval > INTERVAL_MAX)
		return metrics_usage("--interval: from 1 to 86400 seconds");
	if (o->textfile && stat(o->textfile, &st) < 0) {
		fprintf(stderr, "xdpload: stats: --textfile %s: %s (%s)\n", o->textfile,
			xdpl_errno_name(errno), xdpl_errno_text(errno));
		return EXIT_ENV;
	}
	if (o->textfile && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "xdpload: stats: --textfile %s: not a directory (node_exporter's --collector.textfile.directory)\n",
			o->textfile);
		return EXIT_USAGE;
	}
	if (o->interval < 0)
		return metrics_once(o, last, sizeof(last));
	/* Blocked, and so taken only between two writes: a file is never left half done. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	for (;;) {
		code = metrics_once(o, last, sizeof(last));
		if (code == EXIT_USAGE)
			return code;
		wait.tv_sec = o->interval;
		wait.tv_nsec = 0;
		do
			sig = sigtimedwait(&stop, NULL, &wait);
		while (sig < 0 && errno == EINTR);
		if (sig > 0)
			return EXIT_OK; /* SIGINT or SIGTERM: the firewall runs on */
	}
}
