// SPDX-License-Identifier: GPL-2.0
/*
 * Trampoline programs: fentry+, fexit+, fmod_ret+ on the functions the
 * kernel keeps for BPF's own tests, and lsm+ on file_open.  The load names
 * each target by its BTF id in vmlinux.  tests/bpfrun.c attaches them and
 * test-runs the fentry program, which calls bpf_fentry_test1 (and the other
 * test functions) once, and opens /dev/null three times.  Kernels that
 * refuse trampolines (this machine's does, for every loader) get them under
 * qemu, on Debian 12's 6.1 (tests/initramfs).
 */
#include "common.h"

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(fentry_test1, int a)
{
	if (a == 1)
		hit(0);
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(fexit_test1, int a, int ret)
{
	if (a == 1 && ret == 2)
		hit(1);
	return 0;
}

/* int bpf_modify_return_test(int a, int *b): leaves its return alone (0: no override). */
SEC("fmod_ret/bpf_modify_return_test")
int BPF_PROG(fmod_ret_test, int a, int *b, int ret)
{
	hit(2);
	return 0;
}

struct file;

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file)
{
	hit(3);
	return 0;
}

SEC("lsm.s/bprm_committed_creds")
int BPF_PROG(lsm_exec, void *bprm)
{
	hit(4);
	return 0;
}

char _license[] SEC("license") = "GPL";
