// SPDX-License-Identifier: MIT
/*
 * vlog.c - the verifier's log, for a program the kernel refused: loaded
 * again with a log buffer that grows until the log fits (up to 16 MiB, the
 * most older kernels take; beyond that, its last 64 KiB), then annotated
 * with the object's source lines from BTF line info when the kernel did not
 * interleave them itself, and the line where the verifier stopped found.
 * Loads are quiet first (load.c): the kernel is faster without a log, so
 * this runs only after a refusal.  Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/internal.h"

#define LOG_SIZE_FIRST (64U << 10)
#define LOG_SIZE_MAX ((16U << 20) - 1) /* kernels before 5.2 take no more */
#define LOG_TAIL (64U << 10)             /* what we show of a log larger than that */

/*
 * A log that outgrew the largest buffer: the kernel kept its end (since 6.4;
 * older kernels keep its start).  Show only the last LOG_TAIL bytes of it, from
 * a line start, so that a runaway log does not flood the terminal.
 */
static char *log_tail(char *log)
{
	size_t n = strlen(log), cap = LOG_TAIL + 200;
	const char *from;
	char *tail;

	if (n <= LOG_TAIL || !(tail = malloc(cap)))
		return log;
	from = strchr(log + n - LOG_TAIL, '\n');
	from = from ? from + 1 : log + n - LOG_TAIL;
	snprintf(tail, cap, "[... %zu bytes left out: the log outgrew its %u MiB buffer; these are the last %zu bytes the kernel kept]\n%s",
		 (size_t)(from - log), (LOG_SIZE_MAX + 1) >> 20, n - (size_t)(from - log), from);
	free(log);
	xdpl_log("load: the verifier log outgrew %u MiB; keeping its last %u KiB", (LOG_SIZE_MAX + 1) >> 20,
		 LOG_TAIL >> 10);
	return tail;
}

/*
 * Load again with a verifier log, growing the buffer until the log fits.
 * The answer stays the first load's: if the log never fits, the kernel says
 * ENOSPC, but the user needs to hear why the verifier refused.
 */
int vlog_prog_load(struct bpf_prog_load_attr *attr, int first_err, struct xdpl_error *e)
{
	uint32_t size = LOG_SIZE_FIRST;
	int fd;

	for (;;) {
		char *log = calloc(1, size); /* zeroed: valgrind cannot see the kernel write it */

		if (!log)
			return first_err;
		log[0] = '\0';
		attr->log_level = 1;
		attr->log_size = size;
		attr->log_buf = bpf_ptr(log);
		fd = bpf_prog_load(attr);
		attr->log_level = 0;
		attr->log_size = 0;
		attr->log_buf = 0;
		if (fd == -ENOSPC && size < LOG_SIZE_MAX) {
			free(log);
			xdpl_log("load: the verifier log needs more than %u KiB; growing the buffer", size >> 10);
			size = size > LOG_SIZE_MAX / 4 ? LOG_SIZE_MAX : size * 4;
			continue;
		}
		if (fd == -ENOSPC)
			log = log_tail(log);
		if (fd < 0 && !log[0] && e->log) {
			free(log); /* keep the log we already have */
		} else {
			free(e->log);
			e->log = log;
		}
		return fd == -ENOSPC ? first_err : fd;
	}
}

/* The line_info record covering an image instruction, or NULL. */
static const struct btf_line_info *line_of(const struct prog_image *img, uint32_t insn)
{
	const struct btf_line_info *best = NULL;

	for (uint32_t i = 0; i < img->line_info_cnt; i++) {
		const struct btf_line_info *l =
			(const void *)(img->line_info + (size_t)i * img->line_info_rec_size);

		if (l->insn_off <= insn)
			best = l;
	}
	return best;
}

static const char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Point at the source line where the verifier stopped: the last instruction
 * its log names ("N: (op) ...").  When the kernel did not interleave source
 * lines itself (it does so only with BTF loaded), add them to the log.
 */
void vlog_annotate(const struct obj *obj, const struct prog_image *img, struct xdpl_error *e)
{
	const struct btf *btf = obj->btf;
	const struct btf_line_info *l, *shown = NULL;
	bool kernel_lines = strstr(e->log, "\n; ") || !strncmp(e->log, "; ", 2);
	size_t lines = 1, cap, used = 0;
	char *out;
	long last = -1;

	if (!btf || !img->line_info_cnt)
		return;
	for (const char *c = e->log; *c; c++)
		lines += *c == '\n';
	/* Room for the log and one bounded (<= 700 bytes) annotation per line of it. */
	cap = strlen(e->log) + lines * 704 + 1;
	out = kernel_lines ? NULL : malloc(cap);
	for (char *line = e->log; *line;) {
		char *end = strchr(line, '\n') ? strchr(line, '\n') : line + strlen(line);
		char *after;
		long insn = strtol(line, &after, 10);

		if (after != line && after[0] == ':' && after[1] == ' ' && after[2] == '(') {
			last = insn;
			l = line_of(img, (uint32_t)insn);
			if (out && l && l != shown) {
				/* snprintf returns what it wanted to write: count only what it wrote. */
				int n = snprintf(out + used, cap - used, "; %.512s @ %.128s:%u\n",
						 trimmed(btf_str(btf, l->line_off)),
						 base_name(btf_str(btf, l->file_name_off)),
						 l->line_col >> 10);

				used += n < 0 ? 0 : (size_t)n < cap - used ? (size_t)n : cap - used - 1;
			}
			shown = l;
		}
		if (out && used + (size_t)(end - line) + 2 < cap) {
			memcpy(out + used, line, (size_t)(end - line));
			used += (size_t)(end - line);
			out[used++] = '\n';
		}
		line = *end ? end + 1 : end;
	}
	if (out) {
		out[used] = '\0';
		free(e->log);
		e->log = out;
	}
	l = last >= 0 ? line_of(img, (uint32_t)last) : NULL;
	if (l)
		snprintf(e->where, sizeof(e->where), "the verifier stopped at instruction %ld, %.128s:%u: %.256s",
			 last, base_name(btf_str(btf, l->file_name_off)), l->line_col >> 10,
			 trimmed(btf_str(btf, l->line_off)));
}
