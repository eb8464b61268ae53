// SPDX-License-Identifier: MIT
/* The ABI facts of list.h, as the kernel's uapi headers state them (test only). */
#include <stddef.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/if_link.h>

int main(void)
{
#define C(name) printf("%s %lld\n", #name, (long long)(name));
#define O(ours, kernel, kfield, ofield) printf("offsetof %s.%s %zu\n", #ours, #ofield, offsetof(kernel, kfield));
#define K(ours, kernel) printf("%s %lld\n", #ours, (long long)(kernel));
#define S(ours, kernel) printf("sizeof %s %zu\n", #ours, sizeof(kernel));
#include "list.h"
	return 0;
}
