// SPDX-License-Identifier: MIT
/* Target BTF: delta is a signed 32-bit field, which a 16-bit load cannot follow. */
#include "common.h"

struct hdr {
	__u8 version;
	__u8 flags_lo : 3, flags_hi : 5;
	__u16 len;
	__u32 id;
	__u32 arr[4];
	__u32 kind;
	__s32 delta;
};

KEEP(struct hdr, h);
