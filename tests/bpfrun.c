// SPDX-License-Identifier: MIT
/*
 * bpfrun - the tests' helper for programs xdpload loads but does not attach
 * (tracepoints, probes, trampolines, perf events, iterators): it takes a
 * program pinned by `xdpload load --pin-dir DIR`, attaches it the way its
 * kind is attached, makes the events the corpus (tests/progs/types/) counts,
 * and detaches by exiting.  Test code only: it includes the kernel's uapi
 * headers, which xdpload itself never does.
 *
 *   usage: bpfrun DIR KIND PROG [TARGET]
 *
 *   KIND         TARGET          attached with
 *   tracepoint   CATEGORY/NAME   perf_event_open(PERF_TYPE_TRACEPOINT) + PERF_EVENT_IOC_SET_BPF
 *   kprobe       FUNCTION        perf_event_open(kprobe PMU)
 *   kretprobe    FUNCTION        perf_event_open(kprobe PMU, retprobe)
 *   kprobe_multi FUNCTION        BPF_LINK_CREATE (BPF_TRACE_KPROBE_MULTI)
 *   uprobe       -               perf_event_open(uprobe PMU) on bpfrun_probe_target here
 *   uretprobe    -               the same, retprobe
 *   raw_tp       NAME            BPF_RAW_TRACEPOINT_OPEN
 *   tracing      [run]           BPF_RAW_TRACEPOINT_OPEN without a name (tp_btf, fentry,
 *                                fexit, fmod_ret, lsm); "run": then BPF_PROG_TEST_RUN of PROG
 *   perf_event   -               perf_event_open(page faults, every one), on 4 fresh pages
 *                                whose range goes into DIR/range first
 *   iter         -               BPF_LINK_CREATE (BPF_TRACE_ITER) + BPF_ITER_CREATE: prints it
 *   testrun      CTX_FILE        no attach: BPF_PROG_TEST_RUN with that context and no packet
 *                                (sk_lookup, syscall); prints "retval N" and the context after
 *
 * First it writes its pid into DIR/filter (key 0) when that map exists, so
 * the programs count this process only.  Then, attached, it calls getpid()
 * three times, bpfrun_probe_target() three times and opens /dev/null three
 * times.  Exit 0, or 1 with "bpfrun: STEP: error" on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *dir;

static void fail(const char *step)
{
	fprintf(stderr, "bpfrun: %s: %s\n", step, strerror(errno));
	exit(1);
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int pin_open(const char *name, bool must)
{
	union bpf_attr attr;
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	fd = (int)sys_bpf(BPF_OBJ_GET, &attr);
	if (fd < 0 && must)
		fail(path);
	return fd;
}

static void map_set(int fd, uint32_t key, const void *value)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uint64_t)(uintptr_t)&key;
	attr.value = (uint64_t)(uintptr_t)value;
	if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr))
		fail("BPF_MAP_UPDATE_ELEM");
}

/* The uprobe's target: not inlined, not removed, at a known place in this file. */
__attribute__((noinline)) int bpfrun_probe_target(int x)
{
	__asm__ volatile("" : : : "memory");
	return x + 1;
}

static int read_int(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;

	if (fd < 0)
		fail(path);
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		fail(path);
	return atoi(buf);
}

static int perf_open(struct perf_event_attr *attr, int pid, int cpu)
{
	int fd;

	attr->size = sizeof(*attr);
	fd = (int)syscall(__NR_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		fail("perf_event_open");
	return fd;
}

static void perf_attach(int pfd, int prog)
{
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) < 0)
		fail("PERF_EVENT_IOC_SET_BPF");
	if (ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		fail("PERF_EVENT_IOC_ENABLE");
}

/* A tracepoint's id, from tracefs: mounted here, in a mount namespace of our own, if need be. */
static int tracepoint_id(const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/id", name);
	if (access("/sys/kernel/tracing/events", F_OK)) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
			fail("mount tracefs");
	}
	return read_int(path);
}

/* This file and bpfrun_probe_target's offset in it, from our own mappings. */
static uint64_t probe_offset(char *exe, size_t len)
{
	uintptr_t at = (uintptr_t)&bpfrun_probe_target;
	char line[4096];
	FILE *maps = fopen("/proc/self/maps", "r");
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);

	if (!maps || n < 0)
		fail("/proc/self");
	exe[n] = '\0';
	while (fgets(line, sizeof(line), maps)) {
		unsigned long start, end, off;

		if (sscanf(line, "%lx-%lx %*s %lx", &start, &end, &off) == 3 && at >= start && at < end) {
			fclose(maps);
			return at - start + off;
		}
	}
	errno = ENOENT;
	fail("bpfrun_probe_target in /proc/self/maps");
	return 0;
}

static void test_run(int prog)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (uint32_t)prog;
	if (sys_bpf(BPF_PROG_TEST_RUN, &attr))
		fail("BPF_PROG_TEST_RUN");
}

static void events(void)
{
	for (int i = 0; i < 3; i++)
		syscall(SYS_getpid);
	for (int i = 0; i < 3; i++)
		bpfrun_probe_target(i);
	for (int i = 0; i < 3; i++) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	const char *kind, *target;
	struct perf_event_attr pe;
	union bpf_attr attr;
	uint32_t pid = (uint32_t)getpid();
	int prog, filter, fd = -1;

	if (argc < 4) {
		fprintf(stderr, "usage: bpfrun DIR KIND PROG [TARGET]\n");
		return 1;
	}
	dir = argv[1];
	kind = argv[2];
	target = argc > 4 ? argv[4] : "";
	prog = pin_open(argv[3], true);
	filter = pin_open("filter", false);
	if (filter >= 0)
		map_set(filter, 0, &pid);
	memset(&pe, 0, sizeof(pe));
	memset(&attr, 0, sizeof(attr));

	if (!strcmp(kind, "tracepoint")) {
		pe.type = PERF_TYPE_TRACEPOINT;
		pe.config = (uint64_t)tracepoint_id(target);
		pe.sample_period = 1;
		fd = perf_open(&pe, -1, 0);
		perf_attach(fd, prog);
	} else if (!strcmp(kind, "kprobe") || !strcmp(kind, "kretprobe")) {
		pe.type = (uint32_t)read_int("/sys/bus/event_source/devices/kprobe/type");
		pe.config = kind[1] == 'r'; /* format/retprobe: config:0 */
		pe.config1 = (uint64_t)(uintptr_t)target; /* kprobe_func */
		fd = perf_open(&pe, -1, 0);
		perf_attach(fd, prog);
	} else if (!strcmp(kind, "uprobe") || !strcmp(kind, "uretprobe")) {
		static char exe[4096];

		pe.type = (uint32_t)read_int("/sys/bus/event_source/devices/uprobe/type");
		pe.config = kind[1] == 'r';
		pe.config2 = probe_offset(exe, sizeof(exe)); /* probe_offset */
		pe.config1 = (uint64_t)(uintptr_t)exe;        /* uprobe_path */
		fd = perf_open(&pe, -1, 0);
		perf_attach(fd, prog);
	} else if (!strcmp(kind, "kprobe_multi")) {
		const char *syms[1] = { target };

		attr.link_create.prog_fd = (uint32_t)prog;
		attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
		attr.link_create.kprobe_multi.syms = (uint64_t)(uintptr_t)syms;
		attr.link_create.kprobe_multi.cnt = 1;
		fd = (int)sys_bpf(BPF_LINK_CREATE, &attr);
		if (fd < 0)
			fail("BPF_LINK_CREATE kprobe_multi");
	} else if (!strcmp(kind, "raw_tp") || !strcmp(kind, "tracing")) {
		attr.raw_tracepoint.name = kind[0] == 'r' ? (uint64_t)(uintptr_t)target : 0;
		attr.raw_tracepoint.prog_fd = (uint32_t)prog;
		fd = (int)sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr);
		if (fd < 0)
			fail("BPF_RAW_TRACEPOINT_OPEN");
	} else if (!strcmp(kind, "perf_event")) {
		long page = sysconf(_SC_PAGESIZE);
		char *mem = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t from = (uint64_t)(uintptr_t)mem, to = from + 4 * page;
		int range = pin_open("range", true);

		if (mem == MAP_FAILED)
			fail("mmap");
		map_set(range, 0, &from);
		map_set(range, 1, &to);
		pe.type = PERF_TYPE_SOFTWARE;
		pe.config = PERF_COUNT_SW_PAGE_FAULTS;
		pe.sample_period = 1;
		fd = perf_open(&pe, 0, -1);
		perf_attach(fd, prog);
		for (int i = 0; i < 4; i++)
			mem[i * page] = 1;
	} else if (!strcmp(kind, "iter")) {
		char buf[4096];
		ssize_t n;
		int it;

		attr.link_create.prog_fd = (uint32_t)prog;
		attr.link_create.attach_type = BPF_TRACE_ITER;
		fd = (int)sys_bpf(BPF_LINK_CREATE, &attr);
		if (fd < 0)
			fail("BPF_LINK_CREATE iter");
		memset(&attr, 0, sizeof(attr));
		attr.iter_create.link_fd = (uint32_t)fd;
		it = (int)sys_bpf(BPF_ITER_CREATE, &attr);
		if (it < 0)
			fail("BPF_ITER_CREATE");
		while ((n = read(it, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		if (n < 0)
			fail("read the iterator");
		close(it);
	} else if (!strcmp(kind, "testrun")) {
		static uint8_t ctx[4096];
		int cf = open(target, O_RDONLY | O_CLOEXEC);
		ssize_t n = cf < 0 ? -1 : read(cf, ctx, sizeof(ctx));

		if (n < 0)
			fail(target);
		close(cf);
		attr.test.prog_fd = (uint32_t)prog;
		attr.test.ctx_in = (uint64_t)(uintptr_t)ctx;
		attr.test.ctx_size_in = (uint32_t)n;
		if (sys_bpf(BPF_PROG_TEST_RUN, &attr))
			fail("BPF_PROG_TEST_RUN");
		printf("retval %u\nctx", attr.test.retval);
		for (ssize_t i = 0; i < n; i++)
			printf(" %02x", ctx[i]);
		putchar('\n');
		return 0;
	} else {
		fprintf(stderr, "bpfrun: unknown kind %s\n", kind);
		return 1;
	}
	events();
	if (!strcmp(kind, "tracing") && !strcmp(target, "run"))
		test_run(prog);
	close(fd);
	return 0;
}
