// SPDX-License-Identifier: MIT
/*
 * inflate_fuzz.c - libFuzzer target for lib/inflate.c: every input as a gzip
 * file (how /proc/config.gz is read) and as a raw deflate stream.
 *
 * Beyond "no crash", it checks what inflate.c promises: the output limit
 * holds exactly (a stream that inflates to N bytes succeeds with a limit of
 * N and fails with EFBIG at N - 1); a raw stream never claims more input
 * than it was given, and its first `used` bytes alone give the same output;
 * the same input always gives the same bytes; every refusal says why.
 * Nothing here makes a syscall.
 *
 *   make fuzz
 *   fuzz/inflate_fuzz -dict=fuzz/inflate.dict fuzz/inflate-corpus-run fuzz/inflate-seeds
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/externs.h"

/* Make UBSan reports fatal, so libFuzzer keeps the input (see elf_fuzz.c). */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

#define LIMIT (1U << 20)

static void check_limit(const uint8_t *data, size_t size, bool gzip, const uint8_t *want,
			size_t want_len)
{
	struct xdpl_error e = { 0 };
	uint8_t *out = NULL;
	size_t len = 0, used;
	int err;

	err = gzip ? gzip_inflate(data, size, want_len, "fuzz", &out, &len, &e)
		   : inflate_raw(data, size, want_len, "fuzz", &out, &len, &used, &e);
	if (err || len != want_len || (len && memcmp(out, want, len)))
		abort(); /* not the same answer at exactly its size */
	free(out);
	if (!want_len)
		return;
	err = gzip ? gzip_inflate(data, size, want_len - 1, "fuzz", &out, &len, &e)
		   : inflate_raw(data, size, want_len - 1, "fuzz", &out, &len, &used, &e);
	if (err != -EFBIG)
		abort(); /* one byte less must be too little */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1), *out = NULL;
	struct xdpl_error e = { 0 };
	size_t len = 0, used = 0;

	if (!copy)
		return 0;
	/* An exact-size copy, so that ASan sees any read past its end. */
	memcpy(copy, data, size);
	if (gzip_inflate(copy, size, LIMIT, "fuzz", &out, &len, &e) == 0) {
		if (len > LIMIT || size < 18)
			abort(); /* a header and a trailer at least */
		check_limit(copy, size, true, out, len);
		free(out);
	} else if (!e.msg[0]) {
		abort(); /* every refusal says why */
	}
	memset(&e, 0, sizeof(e));
	out = NULL;
	if (inflate_raw(copy, size, LIMIT, "fuzz", &out, &len, &used, &e) == 0) {
		if (len > LIMIT || used > size || used == 0)
			abort();
		check_limit(copy, used, false, out, len);
		free(out);
	} else if (!e.msg[0]) {
		abort();
	}
	free(copy);
	return 0;
}
