/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the extern test objects share: libbpf's headers (a test-time
 * dependency only), and what Debian 12's libbpf 1.1 headers lack.
 */
#ifndef XDPL_TEST_EXTERNS_H
#define XDPL_TEST_EXTERNS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* libbpf 1.2's bpf_ksym_exists(): is a __weak ksym or kfunc there? */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) ({ _Static_assert(!__builtin_constant_p(!!sym), #sym " should be marked __weak"); !!sym; })
#endif

/* Helper 201 (5.19), which libbpf 1.1's bpf_helper_defs.h does not declare. */
static long (*dynptr_read)(void *dst, __u32 len, const struct bpf_dynptr *src, __u32 offset,
			   __u64 flags) = (void *)201;

#endif
