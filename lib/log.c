// SPDX-License-Identifier: MIT
/*
 * log.c - the library's step log, sent to the hook its caller sets with
 * xdpl_log_set() (libbpf_set_print's model), and nowhere by default.  The
 * hook is the library's one writable global; everything else lives in the
 * handles it gives out.  Nothing here prints: the caller's hook decides.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/internal.h"

static struct {
	xdpl_log_fn fn;
	void *ctx;
} log_hook;

void xdpl_log_set(xdpl_log_fn fn, void *ctx)
{
	log_hook.fn = fn;
	log_hook.ctx = ctx;
}

bool xdpl_log_enabled(void)
{
	return log_hook.fn != NULL;
}

static void log_send(enum xdpl_log_level level, const char *fmt, va_list ap)
{
	char line[1024], *big = NULL;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	/* A long line (a kernel's BTF log) is formatted again into its own buffer. */
	if (n >= (int)sizeof(line) && (big = malloc((size_t)n + 1)))
		vsnprintf(big, (size_t)n + 1, fmt, again);
	va_end(again);
	log_hook.fn(level, big ? big : line, log_hook.ctx);
	free(big);
}

void xdpl_log(const char *fmt, ...)
{
	va_list ap;

	if (!log_hook.fn)
		return;
	va_start(ap, fmt);
	log_send(XDPL_LOG_INFO, fmt, ap);
	va_end(ap);
}

void xdpl_log_at(enum xdpl_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_hook.fn)
		return;
	va_start(ap, fmt);
	log_send(level, fmt, ap);
	va_end(ap);
}
