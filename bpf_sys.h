/* SPDX-License-Identifier: MIT */
/*
 * bpf_sys.h - the slice of the kernel's bpf ABI that xdpload speaks, and one
 * thin wrapper per bpf(2) command.
 *
 * xdpload builds without kernel headers, so the numbers and layouts it needs
 * live here, written from the kernel's uapi documentation.  Each command gets
 * its own attr struct holding exactly the fields that command reads, laid out
 * as the matching member of the kernel's `union bpf_attr`.  The wrapper zeroes
 * it, fills what it uses and passes sizeof() as the attr size: the kernel
 * accepts a shorter attr and rejects a longer one only when the extra bytes are
 * non-zero, so unused trailing fields cost nothing on older kernels.
 *
 * Wrappers return a file descriptor or 0 on success and -errno on failure.
 * They never print.
 */
#ifndef XDPLOAD_BPF_SYS_H
#define XDPLOAD_BPF_SYS_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* bpf(2) has no libc wrapper; its number differs per architecture. */
#if defined(__x86_64__)
#define XDPL_NR_BPF 321
#elif defined(__i386__)
#define XDPL_NR_BPF 357
#elif defined(__aarch64__) || defined(__riscv) || defined(__loongarch__)
#define XDPL_NR_BPF 280
#elif defined(__arm__)
#define XDPL_NR_BPF 386
#elif defined(__powerpc64__)
#define XDPL_NR_BPF 361
#else
#error "bpf(2) syscall number unknown for this architecture"
#endif

/* The parsers read ELF, BTF and netlink fields in host order. */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "xdpload reads little-endian BPF objects in host byte order: little-endian hosts only"
#endif

/* Commands (enum bpf_cmd). */
enum {
	BPF_MAP_CREATE = 0,
	BPF_MAP_LOOKUP_ELEM = 1,
	BPF_MAP_UPDATE_ELEM = 2,
	BPF_MAP_DELETE_ELEM = 3,
	BPF_MAP_GET_NEXT_KEY = 4,
	BPF_PROG_LOAD = 5,
	BPF_OBJ_PIN = 6,
	BPF_OBJ_GET = 7,
	BPF_PROG_TEST_RUN = 10,
	BPF_PROG_GET_FD_BY_ID = 13,
	BPF_OBJ_GET_INFO_BY_FD = 15,
	BPF_BTF_LOAD = 18,
	BPF_BTF_GET_FD_BY_ID = 19,
	BPF_BTF_GET_NEXT_ID = 23,
	BPF_MAP_FREEZE = 22,
	BPF_MAP_LOOKUP_BATCH = 24,
	BPF_MAP_UPDATE_BATCH = 26,
	BPF_MAP_DELETE_BATCH = 27,
	BPF_LINK_CREATE = 28,
	BPF_LINK_UPDATE = 29,
	BPF_LINK_GET_FD_BY_ID = 30,
	BPF_LINK_GET_NEXT_ID = 31,
};

#define BPF_LINK_TYPE_XDP 6

/* Map types (enum bpf_map_type) that the loader or the firewall's control path treats apart. */
enum {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_CGROUP_ARRAY = 8,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_LPM_TRIE = 11,
	BPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPF_MAP_TYPE_HASH_OF_MAPS = 13,
	BPF_MAP_TYPE_DEVMAP = 14,
	BPF_MAP_TYPE_SOCKMAP = 15,
	BPF_MAP_TYPE_CPUMAP = 16,
	BPF_MAP_TYPE_XSKMAP = 17,
	BPF_MAP_TYPE_SOCKHASH = 18,
	BPF_MAP_TYPE_CGROUP_STORAGE = 19,
	BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21,
	BPF_MAP_TYPE_QUEUE = 22,
	BPF_MAP_TYPE_STACK = 23,
	BPF_MAP_TYPE_SK_STORAGE = 24,
	BPF_MAP_TYPE_DEVMAP_HASH = 25,
	BPF_MAP_TYPE_STRUCT_OPS = 26,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_INODE_STORAGE = 28,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
	BPF_MAP_TYPE_USER_RINGBUF = 31,
	BPF_MAP_TYPE_CGRP_STORAGE = 32,
	BPF_MAP_TYPE_ARENA = 33,
};

#define BPF_NOEXIST 1         /* map update: only if the key is new */
#define BPF_F_RDONLY (1U << 3)   /* map_flags: user space may only read it */
#define BPF_F_MMAPABLE (1U << 10) /* map_flags: an array user space can mmap (5.5) */
#define BPF_F_REPLACE (1U << 2) /* BPF_LINK_UPDATE: only if old_prog_fd is still attached */

/* Program types (enum bpf_prog_type): the kernel's numbers, in its order. */
enum {
	BPF_PROG_TYPE_SOCKET_FILTER = 1,
	BPF_PROG_TYPE_KPROBE = 2,
	BPF_PROG_TYPE_SCHED_CLS = 3,
	BPF_PROG_TYPE_SCHED_ACT = 4,
	BPF_PROG_TYPE_TRACEPOINT = 5,
	BPF_PROG_TYPE_XDP = 6,
	BPF_PROG_TYPE_PERF_EVENT = 7,
	BPF_PROG_TYPE_CGROUP_SKB = 8,
	BPF_PROG_TYPE_CGROUP_SOCK = 9,
	BPF_PROG_TYPE_LWT_IN = 10,
	BPF_PROG_TYPE_LWT_OUT = 11,
	BPF_PROG_TYPE_LWT_XMIT = 12,
	BPF_PROG_TYPE_SOCK_OPS = 13,
	BPF_PROG_TYPE_SK_SKB = 14,
	BPF_PROG_TYPE_CGROUP_DEVICE = 15,
	BPF_PROG_TYPE_SK_MSG = 16,
	BPF_PROG_TYPE_RAW_TRACEPOINT = 17,
	BPF_PROG_TYPE_CGROUP_SOCK_ADDR = 18,
	BPF_PROG_TYPE_LWT_SEG6LOCAL = 19,
	BPF_PROG_TYPE_LIRC_MODE2 = 20,
	BPF_PROG_TYPE_SK_REUSEPORT = 21,
	BPF_PROG_TYPE_FLOW_DISSECTOR = 22,
	BPF_PROG_TYPE_CGROUP_SYSCTL = 23,
	BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE = 24,
	BPF_PROG_TYPE_CGROUP_SOCKOPT = 25,
	BPF_PROG_TYPE_TRACING = 26,
	BPF_PROG_TYPE_STRUCT_OPS = 27,
	BPF_PROG_TYPE_EXT = 28,
	BPF_PROG_TYPE_LSM = 29,
	BPF_PROG_TYPE_SK_LOOKUP = 30,
	BPF_PROG_TYPE_SYSCALL = 31,
	BPF_PROG_TYPE_NETFILTER = 32,
};

/* Attach types (enum bpf_attach_type): what a program's expected_attach_type names. */
enum {
	BPF_CGROUP_INET_INGRESS = 0,
	BPF_CGROUP_INET_EGRESS = 1,
	BPF_CGROUP_INET_SOCK_CREATE = 2,
	BPF_CGROUP_SOCK_OPS = 3,
	BPF_SK_SKB_STREAM_PARSER = 4,
	BPF_SK_SKB_STREAM_VERDICT = 5,
	BPF_CGROUP_DEVICE = 6,
	BPF_SK_MSG_VERDICT = 7,
	BPF_CGROUP_INET4_BIND = 8,
	BPF_CGROUP_INET6_BIND = 9,
	BPF_CGROUP_INET4_CONNECT = 10,
	BPF_CGROUP_INET6_CONNECT = 11,
	BPF_CGROUP_INET4_POST_BIND = 12,
	BPF_CGROUP_INET6_POST_BIND = 13,
	BPF_CGROUP_UDP4_SENDMSG = 14,
	BPF_CGROUP_UDP6_SENDMSG = 15,
	BPF_LIRC_MODE2 = 16,
	BPF_FLOW_DISSECTOR = 17,
	BPF_CGROUP_SYSCTL = 18,
	BPF_CGROUP_UDP4_RECVMSG = 19,
	BPF_CGROUP_UDP6_RECVMSG = 20,
	BPF_CGROUP_GETSOCKOPT = 21,
	BPF_CGROUP_SETSOCKOPT = 22,
	BPF_TRACE_RAW_TP = 23,
	BPF_TRACE_FENTRY = 24,
	BPF_TRACE_FEXIT = 25,
	BPF_MODIFY_RETURN = 26,
	BPF_LSM_MAC = 27,
	BPF_TRACE_ITER = 28,
	BPF_CGROUP_INET4_GETPEERNAME = 29,
	BPF_CGROUP_INET6_GETPEERNAME = 30,
	BPF_CGROUP_INET4_GETSOCKNAME = 31,
	BPF_CGROUP_INET6_GETSOCKNAME = 32,
	BPF_XDP_DEVMAP = 33,
	BPF_CGROUP_INET_SOCK_RELEASE = 34,
	BPF_XDP_CPUMAP = 35,
	BPF_SK_LOOKUP = 36,
	BPF_XDP = 37,
	BPF_SK_SKB_VERDICT = 38,
	BPF_SK_REUSEPORT_SELECT = 39,
	BPF_SK_REUSEPORT_SELECT_OR_MIGRATE = 40,
	BPF_PERF_EVENT = 41,
	BPF_TRACE_KPROBE_MULTI = 42,
	BPF_LSM_CGROUP = 43,
	BPF_STRUCT_OPS = 44,
	BPF_NETFILTER = 45,
	BPF_TCX_INGRESS = 46,
	BPF_TCX_EGRESS = 47,
	BPF_TRACE_UPROBE_MULTI = 48,
	BPF_CGROUP_UNIX_CONNECT = 49,
	BPF_CGROUP_UNIX_SENDMSG = 50,
	BPF_CGROUP_UNIX_RECVMSG = 51,
	BPF_CGROUP_UNIX_GETPEERNAME = 52,
	BPF_CGROUP_UNIX_GETSOCKNAME = 53,
	BPF_NETKIT_PRIMARY = 54,
	BPF_NETKIT_PEER = 55,
	BPF_TRACE_KPROBE_SESSION = 56,
	BPF_TRACE_UPROBE_SESSION = 57,
	BPF_TRACE_FSESSION = 58,
};

#define BPF_F_SLEEPABLE (1U << 4)     /* prog_flags: the program may sleep */
#define BPF_F_XDP_HAS_FRAGS (1U << 5) /* prog_flags: program handles multi-buffer packets */

/* IFLA_XDP_FLAGS and BPF_LINK_CREATE flags. */
#define XDP_FLAGS_UPDATE_IF_NOEXIST (1U << 0)
#define XDP_FLAGS_SKB_MODE (1U << 1)
#define XDP_FLAGS_DRV_MODE (1U << 2)
#define XDP_FLAGS_HW_MODE (1U << 3)
#define XDP_FLAGS_REPLACE (1U << 4)

/* Instructions. */
struct bpf_insn {
	uint8_t code;
	uint8_t dst_reg : 4;
	uint8_t src_reg : 4;
	int16_t off;
	int32_t imm;
};

#define BPF_INSN_SIZE 8
#define BPF_OP_LD_IMM64 0x18 /* BPF_LD | BPF_IMM | BPF_DW: two slots, 64-bit immediate */
#define BPF_OP_CALL 0x85     /* BPF_JMP | BPF_CALL */
#define BPF_PSEUDO_MAP_FD 1    /* ld_imm64 src_reg: imm is a map fd */
#define BPF_PSEUDO_MAP_VALUE 2 /* ld_imm64 src_reg: imm is a map fd, next imm an offset */
#define BPF_PSEUDO_CALL 1      /* call src_reg: imm is a relative bpf-to-bpf call */
#define BPF_PSEUDO_KFUNC_CALL 2 /* call src_reg: imm is a kfunc's BTF id, off its BTF's fd_array index */
#define BPF_PSEUDO_BTF_ID 3     /* ld_imm64 src_reg: imm is a kernel VAR or FUNC's BTF id, next imm its BTF fd */

#define BPF_OBJ_NAME_LEN 16
#define BPF_TAG_SIZE 8

/* ---- attr layouts, one per command ---- */

struct bpf_map_create_attr {
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t inner_map_fd;
	uint32_t numa_node;
	char map_name[BPF_OBJ_NAME_LEN];
	uint32_t map_ifindex;
	uint32_t btf_fd;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t map_extra; /* bloom filter hashes, arena address */
};

struct bpf_map_elem_attr {
	uint32_t map_fd;
	uint32_t pad;
	uint64_t key;
	uint64_t value; /* next_key for BPF_MAP_GET_NEXT_KEY */
	uint64_t flags;
};

/* BPF_MAP_{LOOKUP,UPDATE,DELETE}_BATCH: many elements per call (5.6). */
struct bpf_map_batch_attr {
	uint64_t in_batch;  /* where to resume a lookup; 0 (NULL) at the start */
	uint64_t out_batch;
	uint64_t keys;
	uint64_t values;
	uint32_t count;     /* in: elements given; out: elements done */
	uint32_t map_fd;
	uint64_t elem_flags;
	uint64_t flags;
};

struct bpf_prog_load_attr {
	uint32_t prog_type;
	uint32_t insn_cnt;
	uint64_t insns;
	uint64_t license;
	uint32_t log_level;
	uint32_t log_size;
	uint64_t log_buf;
	uint32_t kern_version;
	uint32_t prog_flags;
	char prog_name[BPF_OBJ_NAME_LEN];
	uint32_t prog_ifindex;
	uint32_t expected_attach_type;
	uint32_t prog_btf_fd;
	uint32_t func_info_rec_size;
	uint64_t func_info;
	uint32_t func_info_cnt;
	uint32_t line_info_rec_size;
	uint64_t line_info;
	uint32_t line_info_cnt;
	uint32_t attach_btf_id;
	uint32_t attach_prog_fd; /* or attach_btf_obj_fd */
	/* CO-RE relocations the kernel applies itself (5.17); older kernels answer E2BIG. */
	uint32_t core_relo_cnt;
	uint64_t fd_array; /* kfunc calls: module BTF fds, indexed by the call's off (5.13) */
	uint64_t core_relos;
	uint32_t core_relo_rec_size;
	uint32_t pad;
};

struct bpf_obj_pin_attr {
	uint64_t pathname;
	uint32_t bpf_fd;
	uint32_t file_flags;
};

struct bpf_test_run_attr {
	uint32_t prog_fd;
	uint32_t retval;
	uint32_t data_size_in;
	uint32_t data_size_out;
	uint64_t data_in;
	uint64_t data_out;
	uint32_t repeat;
	uint32_t duration;
};

struct bpf_get_fd_by_id_attr {
	uint32_t id;
	uint32_t next_id;
	uint32_t open_flags;
};

struct bpf_info_by_fd_attr {
	uint32_t bpf_fd;
	uint32_t info_len;
	uint64_t info;
};

struct bpf_btf_load_attr {
	uint64_t btf;
	uint64_t btf_log_buf;
	uint32_t btf_size;
	uint32_t btf_log_size;
	uint32_t btf_log_level;
	uint32_t pad;
};

struct bpf_link_create_attr {
	uint32_t prog_fd;
	uint32_t target_ifindex;
	uint32_t attach_type;
	uint32_t flags;
};

/* The head of struct bpf_prog_info; the kernel fills as much as we ask for. */
struct bpf_prog_info {
	uint32_t type;
	uint32_t id;
	uint8_t tag[BPF_TAG_SIZE];
	uint32_t jited_prog_len;
	uint32_t xlated_prog_len;
	uint64_t jited_prog_insns;
	uint64_t xlated_prog_insns;
	uint64_t load_time;
	uint32_t created_by_uid;
	uint32_t nr_map_ids;
	uint64_t map_ids;
	char name[BPF_OBJ_NAME_LEN];
};

/* The head of struct bpf_link_info, with the XDP member of its union. */
struct bpf_link_info {
	uint32_t type;
	uint32_t id;
	uint32_t prog_id;
	uint32_t pad;
	uint32_t xdp_ifindex;
	uint32_t pad2[3];
};

/* struct bpf_btf_info: what the kernel says about one of its BTF objects. */
struct bpf_btf_info {
	uint64_t btf; /* a buffer for the raw BTF, btf_size bytes */
	uint32_t btf_size;
	uint32_t id;
	uint64_t name; /* a buffer for the name, name_len bytes */
	uint32_t name_len;
	uint32_t kernel_btf; /* vmlinux's or a module's, not a program's */
};

struct bpf_map_info {
	uint32_t type;
	uint32_t id;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	char name[BPF_OBJ_NAME_LEN];
	uint32_t ifindex;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t netns_dev;
	uint64_t netns_ino;
	uint32_t btf_id;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_id;
	uint64_t map_extra;
};

/* ---- wrappers ---- */

static inline uint64_t bpf_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static inline int sys_bpf(int cmd, void *attr, unsigned int size)
{
	long ret = syscall(XDPL_NR_BPF, cmd, attr, size);

	return ret < 0 ? -errno : (int)ret;
}

static inline int bpf_map_create(struct bpf_map_create_attr *attr)
{
	return sys_bpf(BPF_MAP_CREATE, attr, sizeof(*attr));
}

static inline int bpf_map_elem(int cmd, int fd, const void *key, void *value, uint64_t flags)
{
	struct bpf_map_elem_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = bpf_ptr(key);
	attr.value = bpf_ptr(value);
	attr.flags = flags;
	return sys_bpf(cmd, &attr, sizeof(attr));
}

static inline int bpf_prog_load(struct bpf_prog_load_attr *attr)
{
	int ret;

	/* The verifier can be interrupted by a signal; the kernel asks us to retry. */
	do
		ret = sys_bpf(BPF_PROG_LOAD, attr, sizeof(*attr));
	while (ret == -EAGAIN);
	return ret;
}

static inline int bpf_obj_pin(int fd, const char *path)
{
	struct bpf_obj_pin_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = bpf_ptr(path);
	attr.bpf_fd = (uint32_t)fd;
	return sys_bpf(BPF_OBJ_PIN, &attr, sizeof(attr));
}

static inline int bpf_obj_get(const char *path)
{
	struct bpf_obj_pin_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = bpf_ptr(path);
	return sys_bpf(BPF_OBJ_GET, &attr, sizeof(attr));
}

static inline int bpf_prog_test_run(struct bpf_test_run_attr *attr)
{
	return sys_bpf(BPF_PROG_TEST_RUN, attr, sizeof(*attr));
}

/* The next object id after `id` (BPF_*_GET_NEXT_ID), or -ENOENT at the end. */
static inline int bpf_next_id(int cmd, uint32_t id, uint32_t *next)
{
	struct bpf_get_fd_by_id_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.id = id;
	err = sys_bpf(cmd, &attr, sizeof(attr));
	*next = attr.next_id;
	return err;
}

static inline int bpf_fd_by_id(int cmd, uint32_t id)
{
	struct bpf_get_fd_by_id_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.id = id;
	return sys_bpf(cmd, &attr, sizeof(attr));
}

static inline int bpf_obj_info(int fd, void *info, uint32_t len)
{
	struct bpf_info_by_fd_attr attr;

	memset(&attr, 0, sizeof(attr));
	memset(info, 0, len);
	attr.bpf_fd = (uint32_t)fd;
	attr.info_len = len;
	attr.info = bpf_ptr(info);
	return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
}

static inline int bpf_btf_load(struct bpf_btf_load_attr *attr)
{
	return sys_bpf(BPF_BTF_LOAD, attr, sizeof(*attr));
}

static inline int bpf_map_freeze(int fd)
{
	uint32_t map_fd = (uint32_t)fd;

	return sys_bpf(BPF_MAP_FREEZE, &map_fd, sizeof(map_fd));
}

static inline int bpf_map_batch(int cmd, struct bpf_map_batch_attr *attr)
{
	return sys_bpf(cmd, attr, sizeof(*attr));
}

/* Swap the program behind a link, only if old_prog_fd is still the one there. */
static inline int bpf_link_update(int link_fd, int new_prog_fd, int old_prog_fd)
{
	uint32_t attr[4] = { (uint32_t)link_fd, (uint32_t)new_prog_fd, BPF_F_REPLACE,
			     (uint32_t)old_prog_fd };

	return sys_bpf(BPF_LINK_UPDATE, attr, sizeof(attr));
}

static inline int bpf_link_create_xdp(int prog_fd, int ifindex, uint32_t flags)
{
	struct bpf_link_create_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.target_ifindex = (uint32_t)ifindex;
	attr.attach_type = BPF_XDP;
	attr.flags = flags;
	return sys_bpf(BPF_LINK_CREATE, &attr, sizeof(attr));
}

#endif
