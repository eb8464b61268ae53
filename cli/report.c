// SPDX-License-Identifier: MIT
/*
 * report.c - how a failure reaches the user, and the -v step log.
 *
 * Every step returns -errno and explains itself in struct xdpl_error; report()
 * turns that into one message naming the step, the object and the broken
 * rule, the errno by name (our own table: musl has no strerrorname_np, and
 * musl and glibc word strerror() differently), the kernel's own words, the
 * verifier log, and an exit code from the table in the README.  Part of the
 * command line: it prints.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/cli.h"

bool xdpl_verbose; /* -v */
int out_errno;     /* the first write to stdout that failed, or 0 */

int out_note(FILE *f, int ret)
{
	if (ret < 0 && f == stdout && !out_errno)
		out_errno = errno ? errno : EIO;
	return ret;
}

void out_forget(void)
{
	clearerr(stdout);
	out_errno = 0;
}

/*
 * As the verb returns: what is still buffered goes out, and a write that
 * failed on the way is an error, whatever the verb itself decided.
 */
int out_finish(int code)
{
	errno = 0;
	fflush(stdout);
	if (!out_errno && ferror(stdout))
		out_errno = EIO;
	if (!out_errno)
		return code;
	fprintf(stderr, "xdpload: writing to standard output failed: %s (%s)\n",
		xdpl_errno_name(out_errno), xdpl_errno_text(out_errno));
	return code ? code : EXIT_ENV;
}

/*
 * A name from an object (program, map, section, variable) or from the
 * command line, made fit to print as one piece of text: a control
 * character, DEL and a byte that is not printable ASCII would reach the
 * terminal raw, and a newline could forge a line of output, so each
 * becomes \n, \t, \r or \xHH, and a backslash \\, so the escape is
 * unambiguous.  Anything else is unchanged: names as they usually are print
 * as before.  The result lives in one of a few rotating buffers, enough for
 * every name of one printf; a name too long for one is cut with "...".
 */
static const char *escape(const char *s, bool backslash)
{
	static char ring[8][2048];
	static unsigned int next;
	char *out = ring[next++ % 8];
	size_t n = 0;

	if (!s)
		return "(null)";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[5];

		if (c == '\\' && backslash)
			snprintf(esc, sizeof(esc), "\\\\");
		else if (c == '\n')
			snprintf(esc, sizeof(esc), "\\n");
		else if (c == '\t')
			snprintf(esc, sizeof(esc), "\\t");
		else if (c == '\r')
			snprintf(esc, sizeof(esc), "\\r");
		else if (c < 0x20 || c >= 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		else
			esc[0] = (char)c, esc[1] = '\0';
		if (n + strlen(esc) + 4 > sizeof(ring[0])) {
			memcpy(out + n, "...", 4);
			return out;
		}
		memcpy(out + n, esc, strlen(esc));
		n += strlen(esc);
	}
	out[n] = '\0';
	return out;
}

const char *text(const char *s)
{
	return escape(s, true);
}

/*
 * A message of the library's or the kernel's, which may hold names: escaped
 * as text() does but for the backslash, which such messages use as text of
 * their own ("no \\177ELF magic") and which forges nothing.
 */
static const char *message(const char *s)
{
	return escape(s, false);
}

/* The library's log hook, set by -v: every step as one stderr line. */
static void log_print(enum xdpl_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	fprintf(stderr, "xdpload: %s\n", message(msg));
}

void verbose_on(void)
{
	xdpl_verbose = true;
	xdpl_log_set(log_print, NULL);
}

/* A -v line of the command line's own. */
void cli_log(const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	if (!xdpl_verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xdpload: %s\n", message(line));
}

/* Capability numbers (linux/capability.h); CAP_BPF exists since Linux 5.8. */
#define CAP_NET_ADMIN 12
#define CAP_SYS_ADMIN 21
#define CAP_BPF 39

/* The effective capability set, from capget(2), which libcs leave unwrapped. */
static int caps_effective(uint64_t *caps)
{
	struct {
		uint32_t version;
		int pid;
	} head = { 0x20080522, 0 }; /* _LINUX_CAPABILITY_VERSION_3: two 32-bit halves */
	struct {
		uint32_t effective, permitted, inheritable;
	} data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &head, data) < 0)
		return -errno;
	*caps = data[0].effective | (uint64_t)data[1].effective << 32;
	return 0;
}

/*
 * After an EPERM, name the capability this process lacks.  Loading an XDP
 * program needs CAP_BPF and CAP_NET_ADMIN, attaching it over rtnetlink
 * CAP_NET_ADMIN; CAP_SYS_ADMIN stands in for CAP_BPF (older kernels have
 * only it) and, when loading, for CAP_NET_ADMIN.
 */
static void eperm_hint(void)
{
	uint64_t caps = 0;
	bool bpf, net;
	char lacks[64] = "";

	if (caps_effective(&caps)) {
		fprintf(stderr, "xdpload: hint: loading and attaching XDP needs root (CAP_BPF and CAP_NET_ADMIN)\n");
		return;
	}
	bpf = caps & (1ULL << CAP_BPF | 1ULL << CAP_SYS_ADMIN);
	net = caps & 1ULL << CAP_NET_ADMIN;
	if (bpf && net) {
		fprintf(stderr, "xdpload: hint: this process has the capabilities XDP needs, yet the kernel said EPERM: capabilities in a user namespace do not count, and a security module or lockdown can forbid BPF\n");
		return;
	}
	if (!bpf)
		strcat(lacks, "CAP_BPF");
	if (!net)
		strcat(lacks, bpf ? "CAP_NET_ADMIN" : " and CAP_NET_ADMIN");
	fprintf(stderr, "xdpload: hint: this process lacks %s; XDP needs CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN can stand in for CAP_BPF): run as root or grant them\n",
		lacks);
}

/* Print a failure and choose its exit code; EPERM always means the environment. */
int report(struct xdpl_error *e, int code)
{
	if (e->errnum) {
		if (strcmp(xdpl_errno_name(e->errnum), "E?"))
			fprintf(stderr, "xdpload: %s: %s (%s)\n", message(e->msg), xdpl_errno_name(e->errnum),
				xdpl_errno_text(e->errnum));
		else
			fprintf(stderr, "xdpload: %s: errno %d\n", message(e->msg), e->errnum);
	} else {
		fprintf(stderr, "xdpload: %s\n", message(e->msg));
	}
	if (e->kernel[0])
		fprintf(stderr, "xdpload: kernel says: %s\n", message(e->kernel));
	if (e->log) {
		size_t n = strlen(e->log);

		fprintf(stderr, "---- verifier log ----\n%s%s---- end of verifier log ----\n",
			e->log, n && e->log[n - 1] != '\n' ? "\n" : "");
		free(e->log);
		e->log = NULL;
	}
	if (e->where[0])
		fprintf(stderr, "xdpload: %s\n", message(e->where));
	if (e->environment)
		code = EXIT_ENV;
	if (e->errnum == EPERM) {
		eperm_hint();
		return EXIT_ENV;
	}
	return code;
}
