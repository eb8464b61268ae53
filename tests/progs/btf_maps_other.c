// SPDX-License-Identifier: GPL-2.0
/*
 * The same pinned map name as btf_maps.c, but another definition (4-byte
 * values, 4 entries): the loader must refuse to reuse the pin, naming each
 * difference.
 */
#define COUNTER_VALUE __u32
#define COUNTER_ENTRIES 4
#define PROGRAM xdp_btf_maps_other
#include "btf_maps.c"
