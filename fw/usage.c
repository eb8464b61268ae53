// SPDX-License-Identifier: MIT
/*
 * usage.c - how full a firewall state is, for a monitor (Prometheus
 * metrics, capacity alerts):
 *
 *   xdpl_fw_tables   each map that fills up (the rules of one family and
 *                    kind, the hit counters): entries now, capacity
 *   xdpl_fw_layout   the layout version of the state's maps
 *
 * The list of tables is the one place that knows which map holds which
 * kind of rule, so a monitor counts rules by kind without knowing the
 * kinds: a new kind of rule is a new line below.  Counting walks each map
 * (the kernel keeps no count a user can read), in batches where it can.
 * Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>

#include "fw/fw.h"

static const struct {
	enum fw_map map;
	enum xdpl_fw_table_role role;
	uint8_t family;
	const char *kind;
} fw_tables[] = {
	{ FW_MAP_V4, XDPL_FW_TABLE_RULES, 4, "address" },
	{ FW_MAP_LPM4, XDPL_FW_TABLE_RULES, 4, "prefix" },
	{ FW_MAP_V6, XDPL_FW_TABLE_RULES, 6, "address" },
	{ FW_MAP_LPM6, XDPL_FW_TABLE_RULES, 6, "prefix" },
	{ FW_MAP_HITS, XDPL_FW_TABLE_HITS, 0, "hits" },
};

#define FW_TABLE_COUNT (sizeof(fw_tables) / sizeof(fw_tables[0]))

static int entry_count(const void *key, const void *value, void *ctx)
{
	(void)key;
	(void)value;
	++*(uint64_t *)ctx;
	return 0;
}

int xdpl_fw_tables(struct xdpl_fw *fw, struct xdpl_fw_table **tables, size_t *n,
		   struct xdpl_error *e)
{
	struct xdpl_fw_table *t = calloc(FW_TABLE_COUNT, sizeof(*t));

	*tables = NULL;
	*n = 0;
	if (!t)
		return err_set(e, -ENOMEM, "firewall: out of memory");
	for (size_t i = 0; i < FW_TABLE_COUNT; i++) {
		enum fw_map m = fw_tables[i].map;
		int err;

		t[i].map = fw_map_names[m];
		t[i].role = fw_tables[i].role;
		t[i].family = fw_tables[i].family;
		t[i].kind = fw_tables[i].kind;
		t[i].capacity = fw->max_entries[m];
		err = xdpl_map_walk(fw->fds[m], entry_count, &t[i].entries, NULL);
		if (err) {
			free(t);
			return err_sys(e, err, "firewall: %s/%s: cannot count its entries", fw->dir,
				       fw_map_names[m]);
		}
	}
	*tables = t;
	*n = FW_TABLE_COUNT;
	return 0;
}

uint32_t xdpl_fw_layout(const struct xdpl_fw *fw)
{
	return fw->meta.layout;
}
