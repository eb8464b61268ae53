// SPDX-License-Identifier: GPL-2.0
/*
 * .kconfig externs of every type, copied into .bss so that `xdpload test -j`
 * shows what the program read: the test compares them with the running
 * kernel's config and uname (or with a --kconfig file).
 */
#include "externs.h"

extern int CONFIG_HZ __kconfig;                               /* int */
extern bool CONFIG_BPF_JIT __kconfig;                         /* bool, y */
extern enum libbpf_tristate CONFIG_NF_CONNTRACK __kconfig __weak; /* tristate */
extern char CONFIG_LOCALVERSION[16] __kconfig __weak;         /* string */
extern unsigned long long CONFIG_PHYSICAL_START __kconfig __weak; /* hex, 8 bytes */
extern char CONFIG_BPF_SYSCALL __kconfig;                     /* char: 'y' */
extern bool CONFIG_HZ_1000 __kconfig __weak;                  /* "is not set" here */
extern bool CONFIG_XDPLOAD_NO_SUCH_OPTION __kconfig __weak;   /* in no config */
extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig;

int hz = -1;
int jit = -1;
int conntrack = -1;
char localversion[16] = "unread";
unsigned long long physical_start = 1;
int bpf_syscall = -1;
int hz_1000 = -1;
int no_such = -1;
unsigned int kernel_version = 1;
int syscall_wrapper = -1;
int bpf_cookie = -1;

SEC("xdp")
int xdp_kconfig(struct xdp_md *ctx)
{
	hz = CONFIG_HZ;
	jit = CONFIG_BPF_JIT;
	conntrack = CONFIG_NF_CONNTRACK;
	__builtin_memcpy(localversion, CONFIG_LOCALVERSION, sizeof(localversion));
	physical_start = CONFIG_PHYSICAL_START;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	hz_1000 = CONFIG_HZ_1000;
	no_such = CONFIG_XDPLOAD_NO_SUCH_OPTION;
	kernel_version = LINUX_KERNEL_VERSION;
	syscall_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
	bpf_cookie = LINUX_HAS_BPF_COOKIE;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
