// SPDX-License-Identifier: MIT
/* A fuzz seed: CO-RE records of most kinds, on small local types (no headers). */
struct inner {
	int a;
	union {
		unsigned char b : 3, c : 5;
		short d;
	};
	unsigned int arr[4];
} __attribute__((preserve_access_index));

struct outer___v2 {
	long x;
	struct inner in;
	struct inner *ptr;
	int flex[];
} __attribute__((preserve_access_index));

enum colour { RED = 1, GREEN = 2 };

unsigned long long out[16] __attribute__((section(".bss")));

__attribute__((section("xdp"), used)) int core_seed(struct outer___v2 *o)
{
	out[0] = __builtin_preserve_field_info(o->in.arr[2], 0);
	out[1] = __builtin_preserve_field_info(o->in.c, 1);
	out[2] = __builtin_preserve_field_info(o->in.c, 2);
	out[3] = __builtin_preserve_field_info(o->in.c, 3);
	out[4] = __builtin_preserve_field_info(o->in.c, 4);
	out[5] = __builtin_preserve_field_info(o->in.b, 5);
	out[6] = __builtin_btf_type_id(*o, 0);
	out[7] = __builtin_btf_type_id(*o, 1);
	out[8] = __builtin_preserve_type_info(*o, 0);
	out[9] = __builtin_preserve_type_info(*o, 1);
	out[10] = __builtin_preserve_enum_value(*(enum colour *)GREEN, 0);
	out[11] = __builtin_preserve_enum_value(*(enum colour *)GREEN, 1);
	out[12] = __builtin_preserve_field_info(o->flex[3], 0);
	out[13] = o->in.d + o->x;
	return 2;
}

char _license[] __attribute__((section("license"), used)) = "GPL";
