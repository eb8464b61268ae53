// SPDX-License-Identifier: MIT
/*
 * errno.c - errno names and words of the library's own, and the error
 * struct's one destructor.  musl has no strerrorname_np, and musl and glibc
 * word strerror() differently, so messages would change with the libc.  The
 * table includes the kernel's ENOTSUPP (524), which no libc names.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "include/xdpload.h"

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
	{ ENOTEMPTY, "ENOTEMPTY", "Directory not empty" },
	{ ENOLCK, "ENOLCK", "No locks available" },
	{ EUCLEAN, "EUCLEAN", "Structure needs cleaning" },
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

static const struct errno_text *errno_find(int err)
{
	for (size_t i = 0; i < sizeof(errno_texts) / sizeof(errno_texts[0]); i++)
		if (errno_texts[i].err == err)
			return &errno_texts[i];
	return NULL;
}

const char *xdpl_errno_name(int err)
{
	const struct errno_text *t = errno_find(err < 0 ? -err : err);

	return t ? t->name : "E?";
}

const char *xdpl_errno_text(int err)
{
	const struct errno_text *t = errno_find(err < 0 ? -err : err);

	return t ? t->text : "unknown error";
}

int xdpl_error_set(struct xdpl_error *e, int err, bool sys, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return err;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->errnum = sys ? -err : 0;
	return err;
}

void xdpl_error_clear(struct xdpl_error *e)
{
	if (!e)
		return;
	free(e->log);
	memset(e, 0, sizeof(*e));
}

unsigned int xdpl_version(void)
{
	return XDPLOAD_VERSION_MAJOR << 16 | XDPLOAD_VERSION_MINOR << 8 | XDPLOAD_VERSION_PATCH;
}
