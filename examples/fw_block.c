// SPDX-License-Identifier: MIT
/*
 * fw_block.c - managing xdpload's firewall from a program of one's own,
 * without the command line.
 *
 *   fw_block PIN_BASE IFACE CIDR...
 *
 * Opens the state of IFACE's firewall (attached before, by `xdpload
 * firewall attach IFACE` or xdpl_fw_attach()) under PIN_BASE, adds each CIDR
 * as a rule, all or nothing, and prints each rule's id, then the firewall's
 * counters.  Built as a user builds it:
 *
 *   cc -static -o fw_block fw_block.c $(pkg-config --static --cflags --libs xdpload)
 */
#include <stdio.h>

#include <xdpload.h>

int main(int argc, char **argv)
{
	struct xdpl_fw_open_opts opts = { sizeof(opts), XDPL_FW_LOCK_EXCLUSIVE };
	struct xdpl_fw_counter stats[XDPL_FW_STAT_COUNT];
	struct xdpl_fw_rules set = { NULL, 0, 0 };
	struct xdpl_error err = { 0 };
	struct xdpl_fw *fw = NULL;
	char dir[4096], text[XDPL_FW_RULE_TEXT];
	int status = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: fw_block PIN_BASE IFACE CIDR...\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		struct xdpl_fw_rule rule;

		if (xdpl_fw_rule_parse(argv[i], &rule, &err) || xdpl_fw_rules_push(&set, &rule))
			goto out;
	}
	/* The calls take a set in the library's order, each rule once. */
	if (xdpl_fw_rules_sort(&set, XDPL_FW_ORDER_SET, NULL)) {
		xdpl_error_set(&err, -1, false, "a rule is given twice");
		goto out;
	}
	if (xdpl_fw_dir(dir, sizeof(dir), argv[1], argv[2], &err) ||
	    xdpl_fw_open(&fw, dir, &opts, &err) || xdpl_fw_rules_add(fw, &set, &err))
		goto out;
	for (size_t i = 0; i < set.n; i++) {
		xdpl_fw_rule_format(&set.v[i], text, sizeof(text));
		printf("blocked %s (rule %u)\n", text, (unsigned int)set.v[i].id);
	}
	if (xdpl_fw_stats(fw, stats, &err))
		goto out;
	for (int s = 0; s < XDPL_FW_STAT_COUNT; s++)
		printf("%s: %llu packets\n", xdpl_fw_stat_name((enum xdpl_fw_stat)s),
		       (unsigned long long)stats[s].packets);
	status = 0;
out:
	if (status)
		fprintf(stderr, "fw_block: %s%s%s\n", err.msg, err.errnum ? ": " : "",
			err.errnum ? xdpl_errno_name(err.errnum) : "");
	xdpl_fw_close(fw);
	xdpl_fw_rules_free(&set);
	return status;
}
