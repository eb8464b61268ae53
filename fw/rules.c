// SPDX-License-Identifier: MIT
/*
 * rules.c - firewall rules as people write them, and sets of rules:
 *
 *   "203.0.113.7", "198.51.100.0/24", "2001:db8::/32"   -> struct xdpl_fw_rule
 *   "tcp/22", "udp/53", "tcp/8000-8100", "icmp", "icmpv6", "allow:tcp/22"
 *                                                        -> a service rule
 *   a rules file (one CIDR per line, # comments, ipset "add SET CIDR" lines)
 *                                                        -> a sorted set
 *   the set in the kernel and the set wanted             -> what to add, what to remove
 *   a set with its hits                                  -> the lines of an export,
 *                                                           ending "# end", which
 *                                                           a load requires
 *
 * A prefix with host bits set is refused rather than masked: "10.0.0.1/8"
 * is usually a typo for "10.0.0.1" or "10.0.0.0/8", and guessing would block
 * sixteen million addresses for a single one.  Duplicates are refused too.
 *
 * No syscalls and no printing: the fuzz target runs this file as it is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw/fw.h"

static unsigned int family_bits(uint8_t family)
{
	return family == 4 ? 32 : 128;
}

bool fw_rule_is_exact(const struct xdpl_fw_rule *r)
{
	return r->prefixlen == family_bits(r->family);
}

static const struct {
	const char *name;
	uint8_t proto;
	bool ports;
} services[] = {
	{ "tcp", XDPL_FW_TCP, true }, { "udp", XDPL_FW_UDP, true },
	{ "icmp", XDPL_FW_ICMP, false }, { "icmpv6", XDPL_FW_ICMPV6, false },
};

static const char *service_name(uint8_t proto)
{
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (services[i].proto == proto)
			return services[i].name;
	return "?";
}

/* A port: 0..65535 in decimal, nothing else. */
static bool port_parse(const char *p, const char *end, uint16_t *port)
{
	unsigned long v = 0;

	if (p == end || end - p > 5)
		return false;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* "tcp/22", "udp/53", "tcp/8000-8100", "icmp", "icmpv6", maybe after "allow:". */
static int service_parse(const char *text, struct xdpl_fw_rule *r, char *why, size_t whylen)
{
	const char *p = text, *slash, *dash, *end;
	size_t n;

	r->family = XDPL_FW_SERVICE;
	if (!strncmp(p, "allow:", 6)) {
		r->allow = 1;
		p += 6;
	}
	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		if (strlen(services[i].name) != n || strncmp(p, services[i].name, n))
			continue;
		r->proto = services[i].proto;
		if (!services[i].ports) {
			if (slash) {
				snprintf(why, whylen, "%s has no ports: write %s%s", services[i].name,
					 r->allow ? "allow:" : "", services[i].name);
				return -EINVAL;
			}
			return 0;
		}
		if (!slash) {
			snprintf(why, whylen, "which %s ports? write %s/PORT or %s/FIRST-LAST",
				 services[i].name, services[i].name, services[i].name);
			return -EINVAL;
		}
		end = slash + 1 + strlen(slash + 1);
		dash = strchr(slash + 1, '-');
		if (!port_parse(slash + 1, dash ? dash : end, &r->port_lo) ||
		    !port_parse(dash ? dash + 1 : slash + 1, end, &r->port_hi)) {
			snprintf(why, whylen, "a port is a number from 0 to 65535, a range FIRST-LAST");
			return -EINVAL;
		}
		if (r->port_hi < r->port_lo) {
			snprintf(why, whylen, "the range ends before it begins (%u-%u)", r->port_lo,
				 r->port_hi);
			return -EINVAL;
		}
		return 0;
	}
	snprintf(why, whylen, "not a service: tcp/PORT, udp/PORT (or FIRST-LAST), icmp or icmpv6");
	return -EINVAL;
}

static bool service_like(const char *text)
{
	return !strncmp(text, "allow:", 6) || !strncmp(text, "tcp", 3) ||
	       !strncmp(text, "udp", 3) || !strncmp(text, "icmp", 4);
}

static const uint8_t v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Parse "ADDR" or "ADDR/LEN"; on failure, `why` says what is wrong. */
int fw_rule_parse_why(const char *text, struct xdpl_fw_rule *r, char *why, size_t whylen)
{
	char addr[XDPL_FW_RULE_TEXT];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long len;
	unsigned int bits, i;
	char *end;

	memset(r, 0, sizeof(*r));
	if (service_like(text))
		return service_parse(text, r, why, whylen);
	if (n == 0 || n >= sizeof(addr)) {
		snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return -EINVAL;
	}
	memcpy(addr, text, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, r->addr) == 1) {
		r->family = 4;
	} else if (inet_pton(AF_INET6, addr, r->addr) == 1) {
		r->family = 6;
	} else {
		snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return -EINVAL;
	}
	bits = family_bits(r->family);
	len = bits;
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end || errno || len > bits) {
			snprintf(why, whylen, "prefix length must be a number from 0 to %u", bits);
			return -EINVAL;
		}
	}
	r->prefixlen = (uint8_t)len;
	/*
	 * ::ffff:a.b.c.d is how dual-stack logs show IPv4 sources; the packets
	 * themselves are IPv4, so the rule must be too, or it never matches.
	 */
	if (r->family == 6 && r->prefixlen >= 96 && !memcmp(r->addr, v4_mapped, sizeof(v4_mapped))) {
		memmove(r->addr, r->addr + 12, 4);
		memset(r->addr + 4, 0, 12);
		r->family = 4;
		r->prefixlen -= 96;
		bits = 32;
	}
	for (i = r->prefixlen; i < bits; i++) {
		if (r->addr[i / 8] & (0x80 >> (i % 8))) {
			struct xdpl_fw_rule net = *r;
			char text_net[XDPL_FW_RULE_TEXT];

			for (unsigned int k = r->prefixlen; k < bits; k++)
				net.addr[k / 8] &= (uint8_t)~(0x80 >> (k % 8));
			xdpl_fw_rule_format(&net, text_net, sizeof(text_net));
			snprintf(why, whylen, "host bits are set after the first %u bits (the network is %s)",
				 r->prefixlen, text_net);
			return -EINVAL;
		}
	}
	return 0;
}

int xdpl_fw_rule_parse(const char *text, struct xdpl_fw_rule *r, struct xdpl_error *e)
{
	char why[160];
	int err = fw_rule_parse_why(text, r, why, sizeof(why));

	return err ? err_set(e, err, "%s: %s", text, why) : 0;
}

/* "203.0.113.7" for a single address, "198.51.100.0/24" for a prefix. */
void xdpl_fw_rule_format(const struct xdpl_fw_rule *r, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (r->family == XDPL_FW_SERVICE) {
		const char *allow = r->allow ? "allow:" : "";

		if (r->proto != XDPL_FW_TCP && r->proto != XDPL_FW_UDP)
			snprintf(buf, len, "%s%s", allow, service_name(r->proto));
		else if (r->port_lo == r->port_hi)
			snprintf(buf, len, "%s%s/%u", allow, service_name(r->proto), r->port_lo);
		else
			snprintf(buf, len, "%s%s/%u-%u", allow, service_name(r->proto), r->port_lo,
				 r->port_hi);
		return;
	}
	if (!inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	if (fw_rule_is_exact(r))
		snprintf(buf, len, "%s", addr);
	else
		snprintf(buf, len, "%s/%u", addr, r->prefixlen);
}

/* Services: by protocol, then by first port, then by last; a block rule before an allow rule. */
static int service_cmp(const struct xdpl_fw_rule *x, const struct xdpl_fw_rule *y)
{
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port_lo != y->port_lo)
		return x->port_lo < y->port_lo ? -1 : 1;
	if (x->port_hi != y->port_hi)
		return x->port_hi < y->port_hi ? -1 : 1;
	return x->allow - y->allow;
}

/*
 * Two service rules of a sorted set that share a port (or both name ICMP):
 * 0 and their indexes, or -ENOENT.  A port has one verdict, one rule.
 */
int fw_services_overlap(const struct xdpl_fw_rules *set, size_t *a, size_t *b)
{
	size_t widest = 0;
	bool have = false;

	for (size_t i = 0; i < set->n; i++) {
		const struct xdpl_fw_rule *r = &set->v[i];

		if (r->family != XDPL_FW_SERVICE)
			continue;
		if (have && set->v[widest].proto == r->proto && set->v[widest].port_hi >= r->port_lo) {
			*a = widest;
			*b = i;
			return 0;
		}
		if (!have || set->v[widest].proto != r->proto || r->port_hi > set->v[widest].port_hi)
			widest = i;
		have = true;
	}
	return -ENOENT;
}

/* Order: IPv4 before IPv6 before services, then by prefix length, then by address. */
int fw_rule_cmp(const void *a, const void *b)
{
	const struct xdpl_fw_rule *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->family == XDPL_FW_SERVICE)
		return service_cmp(x, y);
	if (x->prefixlen != y->prefixlen)
		return x->prefixlen < y->prefixlen ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

int xdpl_fw_rules_push(struct xdpl_fw_rules *set, const struct xdpl_fw_rule *r)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 256;
		struct xdpl_fw_rule *v = realloc(set->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		set->v = v;
		set->cap = cap;
	}
	set->v[set->n++] = *r;
	return 0;
}

/*
 * One rule moved in three fixed-size pieces: gcc -Os copies a 36-byte struct
 * with `rep movsl`, whose start-up cost made the sort below take 0.35 s more
 * of a million-rule load once the services made rules 36 bytes (at 28 it
 * used plain moves); pieces of 16 bytes and less become plain moves.
 */
static inline void rule_move(struct xdpl_fw_rule *to, const struct xdpl_fw_rule *from)
{
	_Static_assert(sizeof(*to) > 32 && sizeof(*to) <= 48, "rule_move's pieces");
	memcpy(to, from, 16);
	memcpy((char *)to + 16, (const char *)from + 16, 16);
	memcpy((char *)to + 32, (const char *)from + 32, sizeof(*to) - 32);
}

/*
 * A stable merge sort, bottom up: a million rules sort in a fraction of a
 * second, where musl's qsort (smoothsort, moving elements through memcpy)
 * took 1.4 s of a 2.2 s reload of a million unchanged rules.  The rules
 * themselves move, not pointers to them: a set read from the kernel comes in
 * hash order, and comparing through pointers to it missed the cache at every
 * step (0.3 s more for a million).  A set already in order (a file written
 * by `xdpload rules`) is seen in one pass and left as it is.  Stable, so
 * equal rules stay in file order.  Falls back to qsort without memory.
 */
static void rules_sort_by(struct xdpl_fw_rules *set, int (*cmp)(const void *, const void *))
{
	struct xdpl_fw_rule *v = set->v, *tmp, *from, *to;
	size_t n = set->n, i;

	for (i = 1; i < n && cmp(&v[i - 1], &v[i]) <= 0; i++)
		;
	if (i >= n)
		return;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		qsort(v, n, sizeof(*v), cmp);
		return;
	}
	from = v;
	to = tmp;
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t a = lo, b = mid, k = lo;

			while (a < mid && b < hi)
				rule_move(&to[k++], cmp(&from[b], &from[a]) < 0 ? &from[b++] : &from[a++]);
			while (a < mid)
				rule_move(&to[k++], &from[a++]);
			while (b < hi)
				rule_move(&to[k++], &from[b++]);
		}
		struct xdpl_fw_rule *swap = from;

		from = to;
		to = swap;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
	free(tmp);
}

/* XDPL_FW_ORDER_ADDRESS: by address, IPv4 first; a prefix just before the addresses in it. */
static int rule_address_cmp(const void *a, const void *b)
{
	const struct xdpl_fw_rule *x = a, *y = b;
	int c = x->family != y->family ? x->family - y->family
					: memcmp(x->addr, y->addr, sizeof(x->addr));

	if (!c && x->family == XDPL_FW_SERVICE)
		return service_cmp(x, y);

	return c ? c : x->prefixlen - y->prefixlen;
}

int xdpl_fw_rules_sort(struct xdpl_fw_rules *set, enum xdpl_fw_order order, size_t *dup)
{
	int (*cmp)(const void *, const void *) =
		order == XDPL_FW_ORDER_ADDRESS ? rule_address_cmp : fw_rule_cmp;

	rules_sort_by(set, cmp);
	/* Both orders compare every field of a rule: equal rules end up side by side. */
	for (size_t i = 1; i < set->n; i++) {
		if (!cmp(&set->v[i - 1], &set->v[i])) {
			if (dup)
				*dup = i;
			return -EEXIST;
		}
	}
	return 0;
}

void xdpl_fw_rules_free(struct xdpl_fw_rules *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* The next whitespace-separated word of a line, or NULL at its end. */
static const char *word_next(const char **pos, const char *end, size_t *len)
{
	const char *p = *pos, *start;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p == end)
		return NULL;
	start = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	*len = (size_t)(p - start);
	*pos = p;
	return start;
}

/* One line: blank, a comment, "CIDR", "add SET CIDR ..." or "create SET ..." (ipset). */
static int line_parse(const char *name, uint32_t line, const char *p, const char *end,
		      struct xdpl_fw_rules *out, struct xdpl_error *e)
{
	const char *hash = memchr(p, '#', (size_t)(end - p));
	const char *word, *cidr;
	char text[XDPL_FW_RULE_TEXT], why[160];
	size_t len, cidr_len;
	struct xdpl_fw_rule r;

	for (const char *c = p; c < end; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\r')
			return err_set(e, -EINVAL, "rules: %s line %u: control character 0x%02x; a rules file is text",
				       name, line, (unsigned char)*c);
	if (hash)
		end = hash;
	word = word_next(&p, end, &len);
	if (!word)
		return 0;
	if (len == 6 && !memcmp(word, "create", 6))
		return 0;
	cidr = word;
	cidr_len = len;
	if (len == 3 && !memcmp(word, "add", 3)) {
		const char *option;
		size_t option_len;

		if (!word_next(&p, end, &len) || !(cidr = word_next(&p, end, &cidr_len)))
			return err_set(e, -EINVAL, "rules: %s line %u: expected \"add SET CIDR\" (ipset)",
				       name, line);
		/*
		 * ipset options may follow (timeout 60, comment "..."): they do not
		 * apply here, except nomatch, which makes the entry an exception to
		 * the set; taking it as a rule would do the opposite of the list.
		 */
		while ((option = word_next(&p, end, &option_len)))
			if (option_len == 7 && !memcmp(option, "nomatch", 7))
				return err_set(e, -EINVAL,
					       "rules: %s line %u: %.*s nomatch: an ipset exception, which a list of sources cannot express",
					       name, line, (int)(cidr_len < 48 ? cidr_len : 48), cidr);
	} else if (word_next(&p, end, &len)) {
		return err_set(e, -EINVAL,
			       "rules: %s line %u: expected one CIDR per line, found more words after %.*s",
			       name, line, (int)(cidr_len < 48 ? cidr_len : 48), cidr);
	}
	if (cidr_len >= sizeof(text))
		return err_set(e, -EINVAL, "rules: %s line %u: %.48s...: not an IPv4 or IPv6 address",
			       name, line, cidr);
	memcpy(text, cidr, cidr_len);
	text[cidr_len] = '\0';
	if (fw_rule_parse_why(text, &r, why, sizeof(why)))
		return err_set(e, -EINVAL, "rules: %s line %u: %s: %s", name, line, text, why);
	r.line = line;
	if (xdpl_fw_rules_push(out, &r))
		return err_set(e, -ENOMEM, "rules: %s: out of memory at line %u", name, line);
	return 0;
}

/*
 * A whole rules file, all or nothing: the first bad line fails it with its
 * number.  The result is sorted; a rule given twice is an error naming both lines.
 */
/* "# N rules on IFACE, policy P": the first line of an export. */
static bool export_header(const char *p, const char *end)
{
	static const char tag[] = " rules on ";

	if (end - p < 3 || p[0] != '#' || p[1] != ' ' || p[2] < '0' || p[2] > '9')
		return false;
	for (p += 2; p < end && *p >= '0' && *p <= '9'; p++)
		;
	return (size_t)(end - p) >= sizeof(tag) - 1 && !memcmp(p, tag, sizeof(tag) - 1);
}

/* "# end": the last line of an export; trailing blanks allowed. */
static bool export_end(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return end - p == 5 && !memcmp(p, "# end", 5);
}

int xdpl_fw_rules_parse(const char *name, const char *buf, size_t len,
			struct xdpl_fw_rules *out, struct xdpl_error *e)
{
	const char *p = buf, *end = buf + len;
	bool export = false, whole = false;
	uint32_t line = 0;
	int err;

	memset(out, 0, sizeof(*out));
	/* A UTF-8 byte-order mark, as some editors write one, is not a rule. */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;

		if (++line == 0) {
			xdpl_fw_rules_free(out);
			return err_set(e, -EFBIG, "rules: %s has more than 4294967295 lines", name);
		}
		if (line == 1)
			export = export_header(p, stop);
		whole |= export && export_end(p, stop);
		err = line_parse(name, line, p, stop, out, e);
		if (err) {
			xdpl_fw_rules_free(out);
			return err;
		}
		p = nl ? nl + 1 : end;
	}
	/*
	 * An export stops at its end line; one that stops before was cut short
	 * (a full disk, a killed writer), and loading it would remove every
	 * rule after the cut.  Lines after the end (rules added by hand) are fine.
	 */
	if (export && !whole) {
		xdpl_fw_rules_free(out);
		return err_set(e, -EBADMSG,
			       "rules: %s begins as an export of xdpload's rules but has no \"# end\" line: it was cut short (a full disk, a killed writer) or written by an older xdpload; nothing changed. If it is whole, end it with a line \"# end\"",
			       name);
	}
	rules_sort_by(out, fw_rule_cmp);
	for (size_t i = 1; i < out->n; i++) {
		if (fw_rule_cmp(&out->v[i - 1], &out->v[i]) == 0) {
			char text[XDPL_FW_RULE_TEXT];
			uint32_t a = out->v[i - 1].line, b = out->v[i].line;

			xdpl_fw_rule_format(&out->v[i], text, sizeof(text));
			xdpl_fw_rules_free(out);
			return err_set(e, -EINVAL, "rules: %s line %u: %s is already on line %u",
				       name, a > b ? a : b, text, a < b ? a : b);
		}
	}
	size_t x, y;

	if (!fw_services_overlap(out, &x, &y)) {
		char tx[XDPL_FW_RULE_TEXT], ty[XDPL_FW_RULE_TEXT];
		uint32_t a = out->v[x].line, b = out->v[y].line;

		xdpl_fw_rule_format(&out->v[x], tx, sizeof(tx));
		xdpl_fw_rule_format(&out->v[y], ty, sizeof(ty));
		xdpl_fw_rules_free(out);
		return err_set(e, -EINVAL, "rules: %s line %u: %s shares a port with %s on line %u: a port has one rule",
			       name, a > b ? a : b, a > b ? tx : ty, a > b ? ty : tx, a < b ? a : b);
	}
	return 0;
}

/*
 * What changes from `have` (the kernel's, with ids) to `want`: both sorted.
 * Rules in both are kept with their ids, and so with their hit counters.
 */
int fw_rules_diff(const struct xdpl_fw_rules *have, const struct xdpl_fw_rules *want,
		  struct xdpl_fw_rules *add, struct xdpl_fw_rules *del, size_t *kept)
{
	size_t i = 0, j = 0;

	memset(add, 0, sizeof(*add));
	memset(del, 0, sizeof(*del));
	*kept = 0;
	add->v = want->n ? malloc(want->n * sizeof(*add->v)) : NULL;
	del->v = have->n ? malloc(have->n * sizeof(*del->v)) : NULL;
	if ((want->n && !add->v) || (have->n && !del->v)) {
		xdpl_fw_rules_free(add);
		xdpl_fw_rules_free(del);
		return -ENOMEM;
	}
	add->cap = want->n;
	del->cap = have->n;
	while (i < have->n || j < want->n) {
		int c = i == have->n ? 1 : j == want->n ? -1 : fw_rule_cmp(&have->v[i], &want->v[j]);

		if (c == 0) {
			(*kept)++;
			i++;
			j++;
		} else if (c < 0) {
			del->v[del->n++] = have->v[i];
			i++;
		} else {
			add->v[add->n++] = want->v[j];
			j++;
		}
	}
	return 0;
}

/* ---- the export: a listing that is itself a rules file ---- */

static const char *const policy_names[] = { "?", "deny", "allow-only" };

const char *xdpl_fw_policy_name(enum xdpl_fw_policy policy)
{
	return (unsigned int)policy <= XDPL_FW_POLICY_ALLOW_ONLY ? policy_names[policy] : "?";
}

const char *xdpl_fw_services_name(enum xdpl_fw_services mode)
{
	static const char *const names[] = { "none", "block", "allow-only" };

	return (unsigned int)mode <= XDPL_FW_SERVICES_ALLOW_ONLY ? names[mode] : "?";
}

int xdpl_fw_export_header(char *buf, size_t len, size_t nrules, const char *ifname,
			  enum xdpl_fw_policy policy)
{
	return snprintf(buf, len, "# %zu rules on %s, policy %s\n", nrules, ifname,
			xdpl_fw_policy_name(policy));
}

int xdpl_fw_export_rule(char *buf, size_t len, const struct xdpl_fw_rule *r,
			const struct xdpl_fw_counter *hits)
{
	struct xdpl_fw_counter none = { 0, 0 };
	char text[XDPL_FW_RULE_TEXT];

	if (!hits)
		hits = &none;
	xdpl_fw_rule_format(r, text, sizeof(text));
	return snprintf(buf, len, "%-42s # rule %u: %llu packets, %llu bytes\n", text, r->id,
			(unsigned long long)hits->packets, (unsigned long long)hits->bytes);
}

int xdpl_fw_export_end(char *buf, size_t len)
{
	return snprintf(buf, len, "# end\n");
}
