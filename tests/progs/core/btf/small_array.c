// SPDX-License-Identifier: MIT
/* Target BTF: struct hdr whose arr has two elements, so arr[2] is out of bounds. */
#include "common.h"

enum hdr_kind { HDR_A = 1, HDR_B = 2 };

struct hdr {
	__u8 version;
	__u8 flags_lo : 3, flags_hi : 5;
	__u16 len;
	__u32 id;
	__u32 arr[2];
	enum hdr_kind kind;
	__s16 delta;
};

KEEP(struct hdr, h);
