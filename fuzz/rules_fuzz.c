// SPDX-License-Identifier: MIT
/*
 * rules_fuzz.c - libFuzzer target for rules.c, the firewall's text side: a
 * rules file (one CIDR per line, comments, ipset lines) and single CIDRs as
 * `block` takes them from the command line.
 *
 * Beyond "no crash", it checks what rules.c promises: a parsed file is
 * sorted with no duplicates and every rule is canonical (no host bits, a
 * prefix length within its family), so that printing a rule and parsing the
 * text again gives the same rule back; and the difference of two sets adds
 * up (kept + added = wanted, kept + removed = had).  Nothing here makes a
 * syscall.
 *
 *   make fuzz
 *   fuzz/rules_fuzz -dict=fuzz/rules.dict fuzz/rules-corpus-run fuzz/rules-seeds
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw/fw.h"

/*
 * A service rule: a protocol it names, TCP and UDP with a range in order,
 * ICMP without ports; its text read back as a rules file is the same rule.
 */
static void check_service(const struct xdpl_fw_rule *r)
{
	char text[XDPL_FW_RULE_TEXT + 1];
	struct xdpl_fw_rules back;
	struct xdpl_error e = { 0 };
	bool ports = r->proto == XDPL_FW_TCP || r->proto == XDPL_FW_UDP;
	size_t len;

	if (!ports && r->proto != XDPL_FW_ICMP && r->proto != XDPL_FW_ICMPV6)
		abort();
	if (ports ? r->port_lo > r->port_hi : r->port_lo || r->port_hi)
		abort();
	if (r->allow > 1)
		abort();
	xdpl_fw_rule_format(r, text, XDPL_FW_RULE_TEXT);
	len = strlen(text);
	text[len] = '\n';
	if (xdpl_fw_rules_parse("again", text, len + 1, &back, &e) || back.n != 1 ||
	    fw_rule_cmp(r, &back.v[0]))
		abort();
	xdpl_fw_rules_free(&back);
}

static void check_rule(const struct xdpl_fw_rule *r)
{
	char text[XDPL_FW_RULE_TEXT], why[160];
	struct xdpl_fw_rule again;
	unsigned int bits = r->family == 4 ? 32 : 128;

	if (r->family == XDPL_FW_SERVICE)
		return check_service(r);
	if ((r->family != 4 && r->family != 6) || r->prefixlen > bits)
		abort();
	for (unsigned int i = r->prefixlen; i < 128; i++)
		if (r->addr[i / 8] & (0x80 >> (i % 8)))
			abort(); /* host bits, or bytes past an IPv4 address */
	xdpl_fw_rule_format(r, text, sizeof(text));
	if (fw_rule_parse_why(text, &again, why, sizeof(why)) || fw_rule_cmp(r, &again))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xdpl_fw_rules set, half = { 0 }, add, del;
	struct xdpl_error e = { 0 };
	char *text = malloc(size + 1);
	struct xdpl_fw_rule one;
	char why[160];
	size_t kept;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* The whole input as one command-line CIDR. */
	if (fw_rule_parse_why(text, &one, why, sizeof(why)) == 0)
		check_rule(&one);
	/* The whole input as a file, from an exact-size copy so ASan sees its end. */
	memcpy(text, data, size);
	if (xdpl_fw_rules_parse("fuzz", text, size, &set, &e) == 0) {
		for (size_t i = 0; i < set.n; i++) {
			check_rule(&set.v[i]);
			if (i && fw_rule_cmp(&set.v[i - 1], &set.v[i]) >= 0)
				abort(); /* not sorted, or a duplicate let through */
			if (i % 2 == 0 && xdpl_fw_rules_push(&half, &set.v[i]))
				abort();
		}
		if (fw_rules_diff(&half, &set, &add, &del, &kept) == 0) {
			if (kept + add.n != set.n || kept + del.n != half.n || del.n)
				abort();
			xdpl_fw_rules_free(&add);
			xdpl_fw_rules_free(&del);
		}
		xdpl_fw_rules_free(&half);
		xdpl_fw_rules_free(&set);
	} else if (!e.msg[0] || strncmp(e.msg, "rules: fuzz", 11)) {
		abort(); /* a failure must name the file */
	}
	free(text);
	return 0;
}
