// SPDX-License-Identifier: GPL-2.0
/*
 * Global data of every shape `xdpload gen skeleton` spells: integers of each
 * size and sign, bool, char arrays, enums (named, anonymous, one byte), a
 * struct with holes, a packed struct, a union, anonymous members, arrays of
 * arrays, a typedef of an anonymous struct, a pointer, bit-fields, a float,
 * and a static variable the skeleton leaves out; in .rodata, .data, .bss
 * and .data.extra; and a hash map, which is no global data.  Each run copies the .rodata settings into .bss, so a
 * test run shows what the program saw, and counts itself in .bss.
 */
#include "xdp_kern.h"

enum color { RED = 1, GREEN = 2, BLUE = -4 };
enum __attribute__((packed)) tiny { TINY_A = 1, TINY_B = 200 };

struct holes {
	__u8 a;
	__u64 b;
	__u16 c;
};

struct __attribute__((packed)) tight {
	__u8 a;
	__u32 b;
	__u16 c;
};

union either {
	__u32 word;
	__u8 bytes[4];
	struct {
		__u16 lo, hi;
	} half;
};

typedef struct {
	__s32 x, y;
} point_t;

struct flags {
	__u32 on : 1, level : 3, mode : 4;
	__u8 after;
	__u16 more : 9;
};

struct outer {
	struct holes h;
	union {
		__u64 raw;
		struct {
			__u32 lo, hi;
		};
	};
	point_t pts[2][3];
	__u32 *ptr;
	enum tiny t;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} lookups SEC(".maps");

const volatile __u32 cfg_add = 1;
const volatile __s16 cfg_neg = -2;
const volatile enum color cfg_color = GREEN;
const volatile enum tiny cfg_tiny = TINY_B;
const volatile char cfg_name[6] = "skel";
const volatile struct holes cfg_holes = { 1, 2, 3 };
const volatile _Bool cfg_on = 1;

__u64 runs, seen_add, seen_color, seen_tiny; /* .bss */
__s64 seen_neg;
struct holes seen_holes;
char seen_name[6];
struct tight tight;
union either either;
struct flags flags;
struct outer outer;
float ratio;
enum { ANON_X = 5, ANON_Y } anon_e;
static __u32 hidden;

__u32 magic = 0xfeedbeef; /* .data */
__s8 small = -5;
__u64 bonus SEC(".data.extra") = 77;

SEC("xdp")
int xdp_skel(struct xdp_md *ctx)
{
	__u32 key;

	(void)ctx;
	runs++;
	hidden++;
	key = cfg_add;
	bpf_map_update_elem(&lookups, &key, &runs, BPF_ANY);
	seen_add = cfg_add;
	seen_neg = cfg_neg;
	seen_color = cfg_color;
	seen_tiny = cfg_tiny;
	seen_holes.a = cfg_holes.a;
	seen_holes.b = cfg_holes.b;
	seen_holes.c = cfg_holes.c;
	for (int i = 0; i < 6; i++)
		seen_name[i] = cfg_name[i];
	magic += cfg_add;
	bonus += runs;
	flags.level = 5;
	outer.pts[1][2].y = -9;
	outer.hi = 3;
	return cfg_on ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
