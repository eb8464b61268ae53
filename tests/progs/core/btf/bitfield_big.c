// SPDX-License-Identifier: MIT
/* Target BTF: flags_hi straddles a 64-bit boundary, beyond any one load. */
#include "common.h"

struct __attribute__((packed)) hdr {
	__u64 version : 60;
	__u64 flags_hi : 10;
	__u8 flags_lo : 3;
	__u32 id;
};

KEEP(struct hdr, h);
