// SPDX-License-Identifier: MIT
/*
 * file.c - reads a file the user named (an object, a rules file) into memory,
 * with a bound on what that may cost.  A path can name anything: a FIFO that
 * nobody writes (open() would wait forever), a device that never ends
 * (/dev/zero), a 2 GB file that is not an object at all.  So the file is
 * opened without blocking, must be a regular file, must be no bigger than
 * the caller's cap, and, when the caller knows the magic its format starts
 * with, must start with it: all checked before a byte is allocated for it.
 *
 * Standard input (a NULL path; "-" on the command line) may be a pipe: it is
 * read in growing steps and refused as soon as it passes the cap.
 *
 * It never prints: a refusal is explained in the caller's struct xdpl_error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/internal.h"

static const char *file_kind(mode_t mode)
{
	return S_ISDIR(mode)    ? "a directory"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISCHR(mode)  ? "a character device"
	       : S_ISBLK(mode)  ? "a block device"
	       : S_ISSOCK(mode) ? "a socket"
				: "not a file";
}

/* Up to len bytes from fd at its position into buf; how many (short only at the end), or -errno. */
static ssize_t read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* A stream (stdin as a pipe): read in doubling steps, never past the cap. */
static int read_stream(int fd, const char *name, const struct file_limits *lim, uint8_t **out,
		       size_t *len, struct xdpl_error *e)
{
	size_t cap = 1 << 16, have = 0;
	uint8_t *buf = NULL;

	for (;;) {
		uint8_t *grown;
		ssize_t n;

		if (have == lim->max && buf) {
			uint8_t probe;

			n = read_full(fd, &probe, 1);
			if (n == 0)
				break;
			free(buf);
			if (n < 0)
				return err_sys(e, (int)n, "%s: cannot read %s", lim->step, name);
			return err_set(e, -EFBIG, "%s: %s holds more than %zu MiB, the most %s may be",
				       lim->step, name, lim->max >> 20, lim->what);
		}
		if (cap > lim->max)
			cap = lim->max;
		grown = realloc(buf, cap ? cap : 1);
		if (!grown) {
			free(buf);
			return err_set(e, -ENOMEM, "%s: out of memory reading %s (%zu bytes)", lim->step,
				       name, cap);
		}
		buf = grown;
		n = read_full(fd, buf + have, cap - have);
		if (n < 0) {
			free(buf);
			return err_sys(e, (int)n, "%s: cannot read %s", lim->step, name);
		}
		have += (size_t)n;
		if (have < cap)
			break;
		if (cap < lim->max)
			cap = cap > lim->max / 2 ? lim->max : cap * 2;
	}
	*out = buf;
	*len = have;
	return 0;
}

int file_read_bounded(const char *path, const struct file_limits *lim, uint8_t **out, size_t *len,
	      struct xdpl_error *e)
{
	const char *name = path ? path : "stdin";
	uint8_t head[16];
	struct stat st;
	uint8_t *buf = NULL;
	size_t size;
	ssize_t n;
	int fd, err = 0;

	*out = NULL;
	*len = 0;
	if (lim->magic_len > sizeof(head))
		return err_set(e, -EINVAL, "%s: a magic of %zu bytes is too long", lim->step,
			       lim->magic_len);
	/* Not open(): musl follows it with an fcntl setting FD_CLOEXEC again (for old kernels).
	 * O_NONBLOCK: a FIFO without a writer must not hang the open; O_NOCTTY: a tty is no file. */
	fd = path ? openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC) : 0;
	if (fd < 0)
		return err_sys(e, -errno, "%s: cannot open %s", lim->step, name);
	if (fstat(fd, &st) < 0) {
		err = err_sys(e, -errno, "%s: cannot stat %s", lim->step, name);
		goto out;
	}
	if (!path) { /* stdin: a pipe, or a file read from where its position is */
		err = read_stream(fd, name, lim, out, len, e);
		if (!err && lim->magic_len &&
		    (*len < lim->magic_len || memcmp(*out, lim->magic, lim->magic_len))) {
			free(*out);
			*out = NULL;
			*len = 0;
			err = err_set(e, -ENOEXEC, "%s", lim->bad_magic);
		}
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = err_set(e, -EINVAL, "%s: %s is not a regular file (%s)", lim->step, name,
			      file_kind(st.st_mode));
		goto out;
	}
	if (st.st_size < 0) {
		err = err_set(e, -EINVAL, "%s: %s has a negative size", lim->step, name);
		goto out;
	}
	if (lim->magic_len) {
		n = pread(fd, head, lim->magic_len, 0);
		if (n < 0) {
			err = err_sys(e, -errno, "%s: cannot read %s", lim->step, name);
			goto out;
		}
		if ((size_t)n < lim->magic_len || memcmp(head, lim->magic, lim->magic_len)) {
			err = err_set(e, -ENOEXEC, "%s", lim->bad_magic);
			goto out;
		}
	}
	if ((uint64_t)st.st_size > lim->max) {
		err = err_set(e, -EFBIG, "%s: %s is %llu bytes, more than %zu MiB, the most %s may be",
			      lim->step, name, (unsigned long long)st.st_size, lim->max >> 20, lim->what);
		goto out;
	}
	size = (size_t)st.st_size;
	buf = malloc(size ? size : 1);
	if (!buf) {
		err = err_set(e, -ENOMEM, "%s: out of memory reading %s (%zu bytes)", lim->step, name,
			      size);
		goto out;
	}
	n = read_full(fd, buf, size);
	if (n < 0) {
		err = err_sys(e, (int)n, "%s: cannot read %s", lim->step, name);
		goto out;
	}
	if ((size_t)n < size) {
		err = err_set(e, -EIO, "%s: %s shrank while being read", lim->step, name);
		goto out;
	}
	*out = buf;
	*len = size;
	buf = NULL;
out:
	free(buf);
	if (fd > 0)
		close(fd);
	return err;
}
