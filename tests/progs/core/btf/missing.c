// SPDX-License-Identifier: MIT
/* Target BTF: struct hdr without delta, no struct hdr_opt, no HDR_B, no BIG_TWO. */
#include "common.h"

enum hdr_kind { HDR_A = 1 };
enum hdr_big { BIG_ONE = 0x100000000ULL };

struct hdr {
	__u8 version;
	__u8 flags_lo : 3, flags_hi : 5;
	__u16 len;
	__u32 id;
	__u32 arr[4];
	enum hdr_kind kind;
};

KEEP(struct hdr, h);
KEEP(enum hdr_big, b);
