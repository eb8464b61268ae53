// SPDX-License-Identifier: MIT
/* Target BTF: two flavours of struct hdr that disagree on where id is. */
#include "common.h"

struct hdr___v1 {
	__u32 id;
};

struct hdr___v2 {
	__u64 before;
	__u32 id;
};

KEEP(struct hdr___v1, v1);
KEEP(struct hdr___v2, v2);
