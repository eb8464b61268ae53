// SPDX-License-Identifier: MIT
/*
 * kconfig.c - the values of an object's .kconfig externs, read out of the
 * text of a kernel config (/proc/config.gz once inflated, or
 * /boot/config-$(uname -r)), and LINUX_KERNEL_VERSION out of what uname and
 * Ubuntu's /proc/version_signature say.
 *
 *   CONFIG_BPF=y                 bool 1, tristate 1 (TRI_YES), char 'y'
 *   CONFIG_NF_CONNTRACK=m        tristate 2 (TRI_MODULE), char 'm'; a bool refuses it
 *   # CONFIG_FOO is not set      bool 0, tristate 0, char 'n'; ints and strings stay unset
 *   CONFIG_HZ=250                integers of 1, 2, 4 or 8 bytes, range-checked (also 0x.., -N)
 *   CONFIG_LOCALVERSION="-x"     char[N], with \" and \\ unescaped, cut to N-1 and NUL-ended
 *
 * Each value is written as the extern's BTF type says (kconfig_type_of),
 * at its offset in the .kconfig map's value, the way libbpf does; a value
 * its type cannot hold is refused, naming the option, the line and the type.
 * Pure computation: no files, no syscalls, no printing (fuzz/kconfig_fuzz.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/btf.h"
#include "lib/externs.h"

static const char *const type_names[] = { "a bool", "an enum libbpf_tristate", "a char",
					  "an integer", "a char array" };

/* The kconfig shape of an extern's BTF type, or -ENOTSUP for one no config value fits. */
int kconfig_type_of(const struct btf *btf, uint32_t type_id, uint32_t *type, uint32_t *size,
		    bool *is_signed)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_modifiers(btf, type_id));
	uint64_t bytes;

	*is_signed = false;
	if (!t || btf_type_size(btf, type_id, &bytes) || bytes == 0 || bytes > UINT32_MAX)
		return -ENOTSUP;
	*size = (uint32_t)bytes;
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t enc = *(const uint32_t *)btf_type_data(t) >> 24;
		uint32_t bits = *(const uint32_t *)btf_type_data(t) & 0xff;

		if (bits != bytes * 8)
			return -ENOTSUP; /* a bitfield-like integer */
		if (enc & BTF_INT_BOOL) {
			*type = KCONFIG_BOOL;
			return bytes == 1 ? 0 : -ENOTSUP;
		}
		*is_signed = enc & BTF_INT_SIGNED;
		*type = bytes == 1 ? KCONFIG_CHAR : KCONFIG_INT;
		return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8 ? 0 : -ENOTSUP;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		*type = KCONFIG_TRISTATE;
		return !strcmp(btf_str(btf, t->name_off), "libbpf_tristate") &&
				       (bytes == 4 || bytes == 8)
			       ? 0
			       : -ENOTSUP;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_type_data(t);
		uint32_t elem, elem_size;
		bool elem_signed;

		*type = KCONFIG_STRING;
		if (a->nelems == 0 || kconfig_type_of(btf, a->type, &elem, &elem_size, &elem_signed) ||
		    elem != KCONFIG_CHAR)
			return -ENOTSUP;
		return 0;
	}
	}
	return -ENOTSUP;
}

/* An integer into an extern of type int, char or bool, if it fits. */
int kconfig_value_set(const struct obj_extern *x, uint8_t *data, uint32_t data_size,
		      uint64_t value, bool negative, const char *what, struct xdpl_error *e)
{
	uint32_t bits = x->size * 8;
	bool fits;

	if (x->kconfig_type != KCONFIG_INT && x->kconfig_type != KCONFIG_CHAR &&
	    x->kconfig_type != KCONFIG_BOOL)
		return err_set(e, -EINVAL, "kconfig: %s: %s=%s%llu is a number, but the extern is %s",
			       what, x->name, negative ? "-" : "", (unsigned long long)value,
			       type_names[x->kconfig_type]);
	if (x->offset > data_size || x->size > data_size - x->offset || x->size > 8 || !x->size)
		return err_set(e, -EINVAL, "kconfig: %s: %s lies outside the %u-byte .kconfig map",
			       what, x->name, data_size);
	if (negative && value == 0)
		negative = false;
	if (x->kconfig_type == KCONFIG_BOOL)
		fits = !negative && value <= 1;
	else if (negative)
		fits = x->is_signed && value <= (uint64_t)1 << (bits - 1);
	else if (x->is_signed)
		fits = value <= ((uint64_t)1 << (bits - 1)) - 1;
	else
		fits = bits == 64 || value >> bits == 0;
	if (!fits)
		return err_set(e, -ERANGE, "kconfig: %s: %s=%s%llu does not fit the extern, %s (%s, %u bytes)",
			       what, x->name, negative ? "-" : "", (unsigned long long)value,
			       type_names[x->kconfig_type], x->is_signed ? "signed" : "unsigned",
			       x->size);
	if (negative)
		value = (uint64_t)0 - value;
	memcpy(data + x->offset, &value, x->size); /* little-endian: the low bytes first */
	return 0;
}

/* y, n or m: a bool, a tristate or a char takes it. */
static int value_letter(const struct obj_extern *x, uint8_t *data, char letter, uint32_t line,
			const char *what, struct xdpl_error *e)
{
	uint64_t v;

	switch (x->kconfig_type) {
	case KCONFIG_BOOL:
		if (letter == 'm')
			return err_set(e, -EINVAL, "kconfig: %s line %u: %s=m (a module) does not fit a bool extern; declare it enum libbpf_tristate",
				       what, line, x->name);
		data[x->offset] = letter == 'y';
		return 0;
	case KCONFIG_TRISTATE:
		v = letter == 'y' ? 1 : letter == 'm' ? 2 : 0;
		memcpy(data + x->offset, &v, x->size);
		return 0;
	case KCONFIG_CHAR:
		data[x->offset] = (uint8_t)letter;
		return 0;
	}
	return err_set(e, -EINVAL, "kconfig: %s line %u: %s=%c, but the extern is %s (y, n and m need a bool, a tristate or a char)",
		       what, line, x->name, letter, type_names[x->kconfig_type]);
}

/* "...": unescaped into a char array, cut to fit with its NUL. */
static int value_string(const struct obj_extern *x, uint8_t *data, const char *v, size_t len,
			uint32_t line, bool *truncated, const char *what, struct xdpl_error *e)
{
	uint8_t *dst = data + x->offset;
	size_t n = 0, i = 1;

	if (x->kconfig_type != KCONFIG_STRING)
		return err_set(e, -EINVAL, "kconfig: %s line %u: %s is a string, but the extern is %s, not a char array",
			       what, line, x->name, type_names[x->kconfig_type]);
	for (; i < len && v[i] != '"'; i++) {
		if (v[i] == '\\' && i + 1 < len)
			i++;
		if (n + 1 < x->size)
			dst[n++] = (uint8_t)v[i];
		else
			*truncated = true;
	}
	if (i != len - 1)
		return err_set(e, -EINVAL, "kconfig: %s line %u: %s: the string does not end with the line",
			       what, line, x->name);
	memset(dst + n, 0, x->size - n);
	return 0;
}

/* A number as Kconfig writes them: decimal, 0x hex (or C octal), perhaps negative. */
static int value_number(const struct obj_extern *x, uint8_t *data, uint32_t data_size,
			const char *v, size_t len, uint32_t line, const char *what,
			struct xdpl_error *e)
{
	char buf[32], *end;
	bool negative = len && v[0] == '-';
	uint64_t value;

	if (len - negative == 0 || len - negative >= sizeof(buf) || v[negative] < '0' ||
	    v[negative] > '9')
		goto bad;
	memcpy(buf, v + negative, len - negative);
	buf[len - negative] = '\0';
	errno = 0;
	value = strtoull(buf, &end, 0);
	if (*end)
		goto bad;
	if (errno)
		return err_set(e, -ERANGE, "kconfig: %s line %u: %s=%.*s is out of range for 64 bits",
			       what, line, x->name, (int)len, v);
	{
		char at[320];

		snprintf(at, sizeof(at), "%s line %u", what, line);
		return kconfig_value_set(x, data, data_size, value, negative, at, e);
	}
bad:
	return err_set(e, -EINVAL, "kconfig: %s line %u: %s=%.*s is not y, n, m, a quoted string or a number",
		       what, line, x->name, (int)(len > 64 ? 64 : len), v);
}

static int extern_named(const struct obj_extern *ext, uint32_t n, const char *name, size_t len)
{
	for (uint32_t i = 0; i < n; i++)
		if (ext[i].kind == EXTERN_KCONFIG && !strncmp(ext[i].name, name, len) &&
		    ext[i].name[len] == '\0')
			return (int)i;
	return -1;
}

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/*
 * Every line of the config that sets one of the externs, written into data.
 * Lines for options the object does not use are passed over unread beyond
 * their name, so a config this code does not understand in places still
 * serves; an option set twice is refused.
 */
int kconfig_parse(const char *text, size_t len, const char *what, const struct obj_extern *ext,
		  uint32_t n, uint8_t *data, uint32_t data_size, struct kconfig_found *found,
		  struct xdpl_error *e)
{
	static const char not_set[] = " is not set";
	uint32_t line = 0;

	for (size_t pos = 0; pos < len;) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos, name_len = 0;
		const char *name;
		bool unset = false;
		int i, err;

		pos += ll + (nl != NULL);
		line++;
		if (ll > 9 && !strncmp(l, "# CONFIG_", 9)) {
			name = l + 2;
			unset = true;
		} else if (ll > 7 && !strncmp(l, "CONFIG_", 7)) {
			name = l;
		} else {
			continue;
		}
		while (name + name_len < l + ll && is_name_char(name[name_len]))
			name_len++;
		i = extern_named(ext, n, name, name_len);
		if (i < 0)
			continue;
		const struct obj_extern *x = &ext[i];
		const char *v = name + name_len;
		size_t vlen = (size_t)(l + ll - v);

		if (unset && (vlen != sizeof(not_set) - 1 || memcmp(v, not_set, vlen)))
			continue; /* a comment that only mentions the option */
		if (x->offset > data_size || x->size > data_size - x->offset)
			return err_set(e, -EINVAL, "kconfig: %s: %s lies outside the %u-byte .kconfig map",
				       what, x->name, data_size);
		if (!unset && (vlen < 2 || v[0] != '='))
			return err_set(e, -EINVAL, "kconfig: %s line %u: %s has no value after it (CONFIG_X=VALUE)",
				       what, line, x->name);
		if (found[i].line)
			return err_set(e, -EINVAL, "kconfig: %s: %s is set twice, on lines %u and %u",
				       what, x->name, found[i].line, line);
		if (unset) {
			/* Kconfig writes this for a bool or tristate that is off. */
			if (x->kconfig_type == KCONFIG_INT || x->kconfig_type == KCONFIG_STRING)
				continue;
			err = value_letter(x, data, 'n', line, what, e);
		} else {
			v++;
			vlen--;
			if (vlen == 1 && (v[0] == 'y' || v[0] == 'n' || v[0] == 'm'))
				err = value_letter(x, data, v[0], line, what, e);
			else if (v[0] == '"')
				err = value_string(x, data, v, vlen, line, &found[i].truncated, what, e);
			else
				err = value_number(x, data, data_size, v, vlen, line, what, e);
		}
		if (err)
			return err;
		found[i].line = line;
	}
	return 0;
}

/* "a.b.c" at the start of s (c may be missing: "6.8-rc1"); false when it is no version. */
static bool version_parse(const char *s, uint32_t *a, uint32_t *b, uint32_t *c)
{
	uint32_t part[3] = { 0, 0, 0 };
	int i = 0;

	for (;;) {
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9') {
			if (part[i] > 100000)
				return false;
			part[i] = part[i] * 10 + (uint32_t)(*s++ - '0');
		}
		if (i == 2 || *s != '.' || s[1] < '0' || s[1] > '9')
			break;
		s++;
		i++;
	}
	if (i == 0)
		return false;
	*a = part[0];
	*b = part[1];
	*c = part[2];
	return true;
}

/*
 * LINUX_KERNEL_VERSION as libbpf computes it, KERNEL_VERSION(a, b, c) with
 * the sublevel clamped to 255 (as the kernel's own macro does since 4.9.256
 * and 4.14.256 overflowed it).  Ubuntu's uname says "5.15.0-91-generic"
 * whatever the real sublevel; its /proc/version_signature ends with the
 * upstream version.  Debian's release is "6.1.0-29-amd64" and its uname
 * version carries "Debian 6.1.123-1".  0 when none of them parses.
 */
uint32_t kconfig_kernel_version(const char *signature, const char *release, const char *version)
{
	uint32_t a, b, c;
	const char *p;
	bool ok = false;

	if (signature) {
		/* "Ubuntu 5.15.0-91.101-generic 5.15.131": the third word. */
		p = signature;
		for (int word = 0; word < 2 && p; word++) {
			p = strchr(p, ' ');
			p = p ? p + 1 : NULL;
		}
		ok = p && version_parse(p, &a, &b, &c);
	}
	if (!ok && version && (p = strstr(version, "Debian ")))
		ok = version_parse(p + strlen("Debian "), &a, &b, &c);
	if (!ok && release)
		ok = version_parse(release, &a, &b, &c);
	if (!ok || a > 255 || b > 255)
		return 0;
	return a << 16 | b << 8 | (c > 255 ? 255 : c);
}
