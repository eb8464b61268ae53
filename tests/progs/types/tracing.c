// SPDX-License-Identifier: GPL-2.0
/*
 * Trampoline programs: fentry+ and fexit+ on a function the kernel keeps
 * for BPF's own tests, fmod_ret+ on security_file_open, lsm+ on file_open.  The load names
 * each target by its BTF id in vmlinux.  tests/bpfrun.c attaches them and
 * test-runs the fentry and fexit programs, which calls bpf_fentry_test1
 * (and the other test functions) once, and opens /dev/null three times.  Kernels that
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

struct file;

/*
 * fmod_ret may replace the return of security_* functions and of those
 * marked for error injection (which Debian's 6.1 has none of); 0 leaves it.
 */
SEC("fmod_ret/security_file_open")
int BPF_PROG(fmod_ret_test, struct file *file, int ret)
{
	hit(2);
	return 0;
}

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
