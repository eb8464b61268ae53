// SPDX-License-Identifier: MIT
/*
 * kallsyms.c - the addresses of untyped ksyms (`extern const void x __ksym;`)
 * out of the text of /proc/kallsyms, one pass for all of them:
 *
 *   ffffffff82a0b940 D init_task
 *   ffffffffc0a01230 t nf_conntrack_in\t[nf_conntrack]
 *   ^ address (hex)  ^ type  ^ name, then perhaps a tab and the module
 *
 * The file has well over 100 000 lines and is read in chunks (externs_load.c),
 * so a scan takes whole lines only and says how far it got.  Each line costs
 * a name comparison against the few names wanted, by length and first byte
 * before bytes.  A name seen twice with different addresses is remembered so
 * that the caller can refuse the ambiguity, as libbpf does; a name LLVM
 * suffixed for link-time optimisation ("x.llvm.1234") still counts as x.
 * How many addresses were non-zero is counted too: without root (or with
 * kernel.kptr_restrict=2) the kernel shows every address as zero.
 *
 * Pure text processing: no files, no syscalls, no printing.
 */
#include <errno.h>
#include <string.h>

#include "lib/externs.h"

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void line_match(struct kallsyms_want *want, uint32_t n, const char *name, size_t len,
		       uint64_t addr)
{
	const char *llvm = memchr(name, '.', len);

	/* "x.llvm.<hash>" is x, renamed by LTO. */
	if (llvm && (size_t)(name + len - llvm) > 6 && !memcmp(llvm, ".llvm.", 6))
		len = (size_t)(llvm - name);
	for (uint32_t i = 0; i < n; i++) {
		struct kallsyms_want *w = &want[i];

		if (w->name[0] != name[0] || strlen(w->name) != len || memcmp(w->name, name, len))
			continue;
		if (w->seen && w->addr != addr && !w->other)
			w->other = addr;
		if (!w->seen)
			w->addr = addr;
		w->seen++;
	}
}

int kallsyms_scan(const char *text, size_t len, size_t *used, struct kallsyms_want *want,
		  uint32_t n, uint64_t *nonzero, struct xdpl_error *e)
{
	size_t pos = 0;

	while (pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		const char *p = l, *end, *name;
		uint64_t addr = 0;
		int digits = 0, d;

		if (!nl)
			break;
		end = nl;
		while (p < end && (d = hex_value(*p)) >= 0 && digits < 16) {
			addr = addr << 4 | (uint64_t)d;
			p++;
			digits++;
		}
		/* "ADDR T NAME": a space, one type letter, a space, a name. */
		if (!digits || end - p < 4 || p[0] != ' ' || p[2] != ' ' || p[3] == ' ' ||
		    p[3] == '\t')
			return err_set(e, -EINVAL, "kallsyms: byte %zu: \"%.*s\" is not \"ADDRESS TYPE NAME\"",
				       pos, (int)(end - l > 80 ? 80 : end - l), l);
		name = p + 3;
		p = name;
		while (p < end && *p != '\t' && *p != ' ')
			p++;
		if (addr)
			(*nonzero)++;
		line_match(want, n, name, (size_t)(p - name), addr);
		pos = (size_t)(nl - text) + 1;
	}
	*used = pos;
	return 0;
}
