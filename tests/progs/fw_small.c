// SPDX-License-Identifier: GPL-2.0
/* The firewall with room for four rules of each kind: to test a full map. */
#define FW_MAX_EXACT 4
#define FW_MAX_PREFIX 4
#include "../../xdp_kern.c"
