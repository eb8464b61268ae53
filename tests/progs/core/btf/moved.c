// SPDX-License-Identifier: MIT
/*
 * Target BTF: every field of struct hdr elsewhere; len widened to 32 bits
 * (an unsigned load may grow), the bitfields in 16-bit storage at other bits
 * and one bit wider, the array longer, the enumerators other values.
 */
#include "common.h"

enum hdr_kind { HDR_A = 5, HDR_B = 7 };
enum hdr_big { BIG_ONE = 0x500000000ULL, BIG_TWO = 0x700000000ULL };

struct hdr {
	__u32 id;                                       /* 0 */
	__u32 len;                                      /* 4 */
	__u8 pad;                                       /* 8 */
	__u8 version;                                   /* 9 */
	__u16 flags_lo : 4, flags_hi : 6, other : 6;    /* 10: bits 80-83, 84-89 */
	__s16 delta;                                    /* 12 */
	__u16 pad2;                                     /* 14 */
	__u32 arr[8];                                   /* 16 */
	enum hdr_kind kind;                             /* 48 */
};

struct hdr_opt {
	long x;
};

KEEP(struct hdr, h);
KEEP(struct hdr_opt, o);
KEEP(enum hdr_big, b);
