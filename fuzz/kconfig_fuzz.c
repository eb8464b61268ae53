// SPDX-License-Identifier: MIT
/*
 * kconfig_fuzz.c - libFuzzer target for the text parsers behind externs:
 * lib/kconfig.c (a kernel config, against one extern of every kind it
 * fills, and the kernel version from uname-like strings) and
 * lib/kallsyms.c (/proc/kallsyms lines).
 *
 * Beyond "no crash", it checks what they promise: a value is written only
 * into its own extern's bytes (every other byte of the .kconfig map keeps
 * its fill), and only when the extern is reported found; a bool holds 0 or
 * 1, a tristate 0, 1 or 2, a char array its NUL; a found line number is a
 * line of the input; a kallsyms scan stops at a line's end and says how far
 * it got; every refusal says why.  Nothing here makes a syscall.
 *
 *   make fuzz
 *   fuzz/kconfig_fuzz -dict=fuzz/kconfig.dict fuzz/kconfig-corpus-run fuzz/kconfig-seeds
 */
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

#define FILL 0xa5

/* One extern of every shape kconfig.c writes, laid out as externs.c would. */
static const struct obj_extern externs[] = {
	{ "CONFIG_A", EXTERN_KCONFIG, false, 1, 0, KCONFIG_BOOL, 0, 1, false },
	{ "CONFIG_B", EXTERN_KCONFIG, false, 2, 0, KCONFIG_TRISTATE, 4, 4, false },
	{ "CONFIG_C", EXTERN_KCONFIG, true, 3, 0, KCONFIG_CHAR, 8, 1, true },
	{ "CONFIG_D", EXTERN_KCONFIG, false, 4, 0, KCONFIG_INT, 10, 2, false },
	{ "CONFIG_E", EXTERN_KCONFIG, false, 5, 0, KCONFIG_INT, 12, 4, true },
	{ "CONFIG_F", EXTERN_KCONFIG, false, 6, 0, KCONFIG_INT, 16, 8, false },
	{ "CONFIG_G", EXTERN_KCONFIG, false, 7, 0, KCONFIG_INT, 24, 8, true },
	{ "CONFIG_H", EXTERN_KCONFIG, false, 8, 0, KCONFIG_STRING, 32, 8, false },
	{ "CONFIG_I", EXTERN_KCONFIG, false, 9, 0, KCONFIG_TRISTATE, 40, 8, false },
	{ "CONFIG_J", EXTERN_KCONFIG, false, 10, 0, KCONFIG_STRING, 48, 1, false },
	{ "CONFIG_HZ", EXTERN_KCONFIG, false, 11, 0, KCONFIG_INT, 52, 4, true },
	{ "ksym", EXTERN_KSYM, false, 12, 0, 0, 0, 0, false }, /* never a config value */
};
#define NEXT (sizeof(externs) / sizeof(externs[0]))
#define DATA_SIZE 56

static void check_kconfig(const char *text, size_t size)
{
	struct kconfig_found found[NEXT];
	uint8_t *data = malloc(DATA_SIZE); /* exact size: ASan sees a write past it */
	struct xdpl_error e = { 0 };
	uint32_t lines = 1;

	if (!data)
		return;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	memset(data, FILL, DATA_SIZE);
	memset(found, 0, sizeof(found));
	if (kconfig_parse(text, size, "fuzz", externs, NEXT, data, DATA_SIZE, found, &e)) {
		if (!e.msg[0])
			abort();
		free(data);
		return;
	}
	for (size_t i = 0; i < NEXT; i++) {
		const struct obj_extern *x = &externs[i];
		const uint8_t *v = data + x->offset;

		if (found[i].line > lines || (x->kind != EXTERN_KCONFIG && found[i].line))
			abort();
		if (!found[i].line) {
			for (uint32_t b = 0; b < x->size; b++)
				if (v[b] != FILL)
					abort(); /* written, yet not found */
			continue;
		}
		if ((x->kconfig_type == KCONFIG_BOOL && v[0] > 1) ||
		    (x->kconfig_type == KCONFIG_TRISTATE && (v[0] > 2 || v[1] || v[2] || v[3])) ||
		    (x->kconfig_type == KCONFIG_STRING && !memchr(v, '\0', x->size)))
			abort();
	}
	/* The gaps between externs are nobody's. */
	for (uint32_t b = 0; b < DATA_SIZE; b++) {
		bool owned = false;

		for (size_t i = 0; i < NEXT; i++)
			owned |= externs[i].kind == EXTERN_KCONFIG && b >= externs[i].offset &&
				 b - externs[i].offset < externs[i].size;
		if (!owned && data[b] != FILL)
			abort();
	}
	free(data);
}

static void check_kallsyms(const char *text, size_t size)
{
	struct kallsyms_want want[3] = { { "a", 0, 0, 0 }, { "init_task", 0, 0, 0 },
					 { "nf_conntrack_in", 0, 0, 0 } };
	struct xdpl_error e = { 0 };
	uint64_t nonzero = 0;
	size_t used = 0;

	if (kallsyms_scan(text, size, &used, want, 3, &nonzero, &e)) {
		if (!e.msg[0])
			abort();
		return;
	}
	if (used > size || (used && text[used - 1] != '\n') ||
	    memchr(text + used, '\n', size - used))
		abort(); /* every whole line, and only those */
	for (int i = 0; i < 3; i++)
		if ((want[i].other && want[i].seen < 2) || (!want[i].seen && want[i].addr))
			abort();
}

/* The input as up to three NUL-separated strings: version_signature, release, version. */
static void check_version(const char *text, size_t size)
{
	const char *parts[3] = { NULL, NULL, NULL };
	const char *p = text;
	uint32_t v;

	for (int i = 0; i < 3 && p < text + size; i++) {
		parts[i] = p;
		p += strlen(p) + 1;
	}
	v = kconfig_kernel_version(parts[0], parts[1], parts[2]);
	if ((v & 0xff) > 255 || v >> 24)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* kconfig_parse and kallsyms_scan take lengths; the version, strings */
	check_kconfig(text, size);
	check_kallsyms(text, size);
	check_version(text, size);
	free(text);
	return 0;
}
