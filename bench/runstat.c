// SPDX-License-Identifier: MIT
/*
 * runstat.c - run commands one after another and report what they cost,
 * for bench/load.sh:
 *
 *   runstat [-o FILE] [-r] CMD [ARG...] [:: CMD [ARG...]]...
 *
 * appends one line for the whole sequence to FILE (default: stdout):
 *
 *   WALL_US CPU_US PEAK_RSS_KIB STATUS
 *
 * Wall and CPU time (user + system, from wait4's rusage, which the kernel
 * keeps to the microsecond) are summed over the commands; the peak RSS is the
 * largest among them; STATUS is the first non-zero exit status (128 + signal
 * for a signal), and the sequence stops there.
 *
 * Peak RSS (-r) is the VmHWM line of /proc/PID/status, read while the command
 * is stopped at its exit under ptrace (PTRACE_O_TRACEEXIT), its memory still
 * mapped.  rusage's ru_maxrss, which /usr/bin/time -v prints, cannot serve:
 * the kernel reads it from per-CPU counters that lag by up to 32 pages per
 * CPU (a 40 KiB process reports 0), and it includes the pages the child
 * shared with its parent before exec.  The two stops cost a few microseconds
 * of CPU, so timing runs go without -r.  Without -r the column is 0.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long peak_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kib;
}

/* The child shares our memory until exec (vfork), so it adds none to its peak. */
static pid_t spawn(char **argv, bool traced)
{
	pid_t pid = vfork();

	if (pid == 0) {
		if (traced)
			ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/*
 * Run argv to its end: its wait status, rusage and (traced) peak RSS.
 * Traced, the child stops once after exec (SIGTRAP) and once at its exit;
 * any other stop is a signal for the child, passed on.
 */
static int run_one(char **argv, bool traced, int *wstatus, struct rusage *ru, long *rss)
{
	pid_t pid = spawn(argv, traced);
	bool execed = false;

	if (pid < 0)
		return -1;
	for (;;) {
		int sig = 0;

		if (wait4(pid, wstatus, 0, ru) < 0)
			return -1;
		if (!WIFSTOPPED(*wstatus))
			return 0;
		if (*wstatus >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8))
			*rss = peak_rss_kib(pid);
		else if (WSTOPSIG(*wstatus) == SIGTRAP && !execed)
			execed = !ptrace(PTRACE_SETOPTIONS, pid, NULL,
					 (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
		else
			sig = WSTOPSIG(*wstatus);
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
}

int main(int argc, char **argv)
{
	long long wall = 0, cpu = 0;
	long maxrss = 0;
	int status = 0, i = 1;
	bool traced = false;
	FILE *out = stdout;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-r")) {
			traced = true;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = fopen(argv[++i], "a");
			if (!out) {
				perror(argv[i]);
				return 125;
			}
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: runstat [-o FILE] [-r] CMD [ARG...] [:: CMD [ARG...]]...\n");
		return 125;
	}
	while (i < argc && !status) {
		int end = i, wstatus;
		long long start;
		struct rusage ru;
		long rss = 0;

		while (end < argc && strcmp(argv[end], "::"))
			end++;
		argv[end] = NULL;
		start = now_us();
		if (run_one(argv + i, traced, &wstatus, &ru, &rss)) {
			fprintf(stderr, "runstat: %s: %s\n", argv[i], strerror(errno));
			return 125;
		}
		wall += now_us() - start;
		cpu += (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
		if (rss > maxrss)
			maxrss = rss;
		status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
		i = end + 1;
	}
	fprintf(out, "%lld %lld %ld %d\n", wall, cpu, maxrss, status);
	return fclose(out) ? 125 : 0;
}
