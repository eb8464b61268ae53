// SPDX-License-Identifier: MIT
/*
 * report.c - how a failure reaches the user, and the -v step log.
 *
 * Every step returns -errno and explains itself in struct errbuf; report()
 * turns that into one message naming the step, the object and the broken
 * rule, the errno by name (our own table: musl has no strerrorname_np, and
 * musl and glibc word strerror() differently), the kernel's own words, the
 * verifier log, and an exit code from the table in the README.  Part of the
 * command line: it prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/cli.h"

bool xdpl_verbose; /* -v */

void xdpl_log(const char *fmt, ...)
{
	va_list ap;

	if (!xdpl_verbose)
		return;
	va_start(ap, fmt);
	fputs("xdpload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/*
 * Errno names and words of our own: musl has no strerrorname_np, and musl and
 * glibc word strerror() differently, so messages would change with the libc.
 */
static const struct errno_text {
	int err;
	const char *name, *text;
} errno_texts[] = {
	{ EPERM, "EPERM", "Operation not permitted" },
	{ ENOENT, "ENOENT", "No such file or directory" },
	{ ESRCH, "ESRCH", "No such process" },
	{ EINTR, "EINTR", "Interrupted system call" },
	{ EIO, "EIO", "Input/output error" },
	{ ENXIO, "ENXIO", "No such device or address" },
	{ E2BIG, "E2BIG", "Argument list too long" },
	{ ENOEXEC, "ENOEXEC", "Exec format error" },
	{ EBADF, "EBADF", "Bad file descriptor" },
	{ EAGAIN, "EAGAIN", "Resource temporarily unavailable" },
	{ ENOMEM, "ENOMEM", "Cannot allocate memory" },
	{ EACCES, "EACCES", "Permission denied" },
	{ EFAULT, "EFAULT", "Bad address" },
	{ EBUSY, "EBUSY", "Device or resource busy" },
	{ EEXIST, "EEXIST", "File exists" },
	{ EXDEV, "EXDEV", "Invalid cross-device link" },
	{ ENODEV, "ENODEV", "No such device" },
	{ ENOTDIR, "ENOTDIR", "Not a directory" },
	{ EISDIR, "EISDIR", "Is a directory" },
	{ EINVAL, "EINVAL", "Invalid argument" },
	{ ENFILE, "ENFILE", "Too many open files in system" },
	{ EMFILE, "EMFILE", "Too many open files" },
	{ EFBIG, "EFBIG", "File too large" },
	{ ENOSPC, "ENOSPC", "No space left on device" },
	{ EROFS, "EROFS", "Read-only file system" },
	{ ERANGE, "ERANGE", "Numerical result out of range" },
	{ ENAMETOOLONG, "ENAMETOOLONG", "File name too long" },
	{ ENOSYS, "ENOSYS", "Function not implemented" },
	{ ELOOP, "ELOOP", "Too many levels of symbolic links" },
	{ EBADMSG, "EBADMSG", "Bad message" },
	{ EOVERFLOW, "EOVERFLOW", "Value too large for defined data type" },
	{ EPROTO, "EPROTO", "Protocol error" },
	{ EMSGSIZE, "EMSGSIZE", "Message too long" },
	{ EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL", "Cannot assign requested address" },
	{ ENETDOWN, "ENETDOWN", "Network is down" },
	{ ENOBUFS, "ENOBUFS", "No buffer space available" },
	{ ETIMEDOUT, "ETIMEDOUT", "Connection timed out" },
	{ 524, "ENOTSUPP", "Operation not supported by the kernel" },
};

static const struct errno_text *errno_text(int err)
{
	for (size_t i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++)
		if (errno_texts[i].err == err)
			return &errno_texts[i];
	return NULL;
}

const char *xdpl_errno_name(int err)
{
	const struct errno_text *t = errno_text(err < 0 ? -err : err);

	return t ? t->name : "E?";
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
int report(struct errbuf *e, int code)
{
	if (e->errnum) {
		const struct errno_text *t = errno_text(e->errnum);

		if (t)
			fprintf(stderr, "xdpload: %s: %s (%s)\n", e->msg, t->name, t->text);
		else
			fprintf(stderr, "xdpload: %s: errno %d\n", e->msg, e->errnum);
	} else {
		fprintf(stderr, "xdpload: %s\n", e->msg);
	}
	if (e->kernel[0])
		fprintf(stderr, "xdpload: kernel says: %s\n", e->kernel);
	if (e->log) {
		size_t n = strlen(e->log);

		fprintf(stderr, "---- verifier log ----\n%s%s---- end of verifier log ----\n",
			e->log, n && e->log[n - 1] != '\n' ? "\n" : "");
		free(e->log);
		e->log = NULL;
	}
	if (e->where[0])
		fprintf(stderr, "xdpload: %s\n", e->where);
	if (e->environment)
		code = EXIT_ENV;
	if (e->errnum == EPERM) {
		eperm_hint();
		return EXIT_ENV;
	}
	return code;
}
