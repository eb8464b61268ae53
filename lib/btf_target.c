// SPDX-License-Identifier: MIT
/*
 * btf_target.c - reads the types a CO-RE object is relocated against, when
 * xdpload relocates it itself: the running kernel's /sys/kernel/btf/vmlinux,
 * a module's split BTF in /sys/kernel/btf/MODULE (its ids continue
 * vmlinux's), or a file given with --btf, which is either a raw BTF blob
 * (BTFHub's files, `bpftool gen min_core_btf` output) or an ELF file holding
 * a .BTF section (a vmlinux, or an object compiled with clang -g).
 *
 *   raw:  9f eb 01 ..  header | types | strings
 *   ELF:  7f 'E' 'L' 'F' .. section headers -> ".BTF" -> the same blob
 *
 * The kernel's path (kernels that apply CO-RE themselves) never comes here:
 * vmlinux BTF is 5 MB, and reading it is what that path saves.  Nothing here
 * prints; the parse is btf.c's, with every check it makes.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/btf.h"
#include "lib/core.h"

#define FILE_MAX (1ULL << 31) /* larger than any BTF a kernel has */

/*
 * The whole file, mapped when the file lets us (sysfs BTF does since 6.16:
 * no copy, no 4 KiB reads), read otherwise; sysfs files report a size, but
 * reading goes to the end regardless.
 */
static int file_read(const char *path, struct btf_file *f, struct xdpl_error *e)
{
	struct stat st;
	size_t cap, n = 0;
	uint8_t *buf;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC); /* a FIFO must not hang */

	if (fd < 0) {
		e->environment = true;
		return err_sys(e, -errno, "core: cannot open the target BTF %s", path);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, -EINVAL, "core: the target BTF %s is not a regular file", path);
	}
	if (st.st_size > 0 && (uint64_t)st.st_size < FILE_MAX) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (map != MAP_FAILED) {
			close(fd);
			f->bytes = map;
			f->size = (size_t)st.st_size;
			f->mapped = true;
			return 0;
		}
	}
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 16;
	buf = malloc(cap);
	for (;;) {
		ssize_t got;

		if (!buf) {
			close(fd);
			return err_set(e, -ENOMEM, "core: out of memory reading %s", path);
		}
		if (n == cap) {
			uint8_t *grown = cap >= FILE_MAX ? NULL : realloc(buf, cap * 2);

			if (!grown) {
				free(buf);
				close(fd);
				return err_set(e, -EFBIG, "core: %s is too large to be BTF", path);
			}
			buf = grown;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = -errno;

			free(buf);
			close(fd);
			return err_sys(e, err, "core: reading the target BTF %s failed", path);
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	f->bytes = buf;
	f->size = n;
	return 0;
}

/* The .BTF section of a 64-bit little-endian ELF file, bounds checked. */
static int elf_btf_find(const uint8_t *buf, size_t size, const uint8_t **btf, size_t *len,
			const char *path, struct xdpl_error *e)
{
	const Elf64_Ehdr *h = (const void *)buf;
	const Elf64_Shdr *sh, *names;

	if (size < sizeof(*h) || buf[EI_CLASS] != ELFCLASS64 || buf[EI_DATA] != ELFDATA2LSB)
		return err_set(e, -EINVAL, "core: --btf %s: only 64-bit little-endian ELF files are read", path);
	if (h->e_shentsize != sizeof(*sh) || h->e_shoff > size ||
	    (uint64_t)h->e_shnum * sizeof(*sh) > size - h->e_shoff || h->e_shstrndx >= h->e_shnum ||
	    h->e_shoff % 8)
		return err_set(e, -EINVAL, "core: --btf %s: the ELF section headers lie outside the file", path);
	sh = (const void *)(buf + h->e_shoff);
	names = &sh[h->e_shstrndx];
	if (names->sh_offset > size || names->sh_size > size - names->sh_offset)
		return err_set(e, -EINVAL, "core: --btf %s: the ELF section names lie outside the file", path);
	for (uint32_t i = 0; i < h->e_shnum; i++) {
		const char *name = (const char *)buf + names->sh_offset + sh[i].sh_name;

		if (sh[i].sh_name >= names->sh_size ||
		    !memchr(name, '\0', names->sh_size - sh[i].sh_name) || strcmp(name, ".BTF"))
			continue;
		if (sh[i].sh_type == SHT_NOBITS || sh[i].sh_offset > size ||
		    sh[i].sh_size > size - sh[i].sh_offset)
			return err_set(e, -EINVAL, "core: --btf %s: section .BTF lies outside the file", path);
		*btf = buf + sh[i].sh_offset;
		*len = sh[i].sh_size;
		return 0;
	}
	return err_set(e, -ENOENT, "core: --btf %s: the ELF file has no .BTF section (build with clang -g, or give a raw BTF file)",
		       path);
}

int btf_target_read(const char *path, const struct btf *base, struct btf_file *f,
		    struct xdpl_error *e)
{
	const uint8_t *blob;
	size_t len;
	int err;

	memset(f, 0, sizeof(*f));
	err = file_read(path, f, e);
	if (err)
		return err;
	blob = f->bytes;
	len = f->size;
	if (len >= 4 && !memcmp(blob, ELFMAG, SELFMAG))
		err = elf_btf_find(f->bytes, f->size, &blob, &len, path, e);
	else if (len < 2 || blob[0] != 0x9f || blob[1] != 0xeb)
		err = err_set(e, -EINVAL, "core: --btf %s is neither BTF (magic 0xeb9f) nor an ELF file", path);
	if (!err) {
		/* The types stay where the file put them: f keeps the bytes. */
		err = btf_parse_view(&f->btf, base, blob, len, e);
		if (err) {
			char inner[sizeof(e->msg)];

			snprintf(inner, sizeof(inner), "%s", e->msg);
			err_set(e, err, "core: target BTF %s: %s", path, inner);
		}
	}
	if (err)
		btf_target_close(f);
	return err;
}

void btf_target_close(struct btf_file *f)
{
	btf_free(f->btf);
	if (f->mapped)
		munmap(f->bytes, f->size);
	else
		free(f->bytes);
	memset(f, 0, sizeof(*f));
}
