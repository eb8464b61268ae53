// SPDX-License-Identifier: MIT
/* Target BTF: struct hdr exactly as core_hdr.c has it. */
#include "common.h"

enum hdr_kind { HDR_A = 1, HDR_B = 2 };
enum hdr_big { BIG_ONE = 0x100000000ULL, BIG_TWO = 0x200000000ULL };

struct hdr {
	__u8 version;
	__u8 flags_lo : 3, flags_hi : 5;
	__u16 len;
	__u32 id;
	__u32 arr[4];
	enum hdr_kind kind;
	__s16 delta;
};

struct hdr_opt {
	int x;
};

KEEP(struct hdr, h);
KEEP(struct hdr_opt, o);
KEEP(enum hdr_big, b);
