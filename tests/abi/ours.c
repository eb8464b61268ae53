// SPDX-License-Identifier: MIT
/* The ABI facts of list.h, as bpf_sys.h and btf.h restate them. */
#include <stddef.h>
#include <stdio.h>
#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/core.h"

int main(void)
{
#define C(name) printf("%s %lld\n", #name, (long long)(name));
#define O(ours, kernel, kfield, ofield) printf("offsetof %s.%s %zu\n", #ours, #ofield, offsetof(struct ours, ofield));
#define K(ours, kernel) printf("%s %lld\n", #ours, (long long)(ours));
#define S(ours, kernel) printf("sizeof %s %zu\n", #ours, sizeof(struct ours));
#include "list.h"
	return 0;
}
