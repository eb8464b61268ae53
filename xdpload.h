/* SPDX-License-Identifier: MIT */
/*
 * xdpload.h - the types that carry one load from left to right, and the
 * entry points of each step:
 *
 *   elf.c      bytes       -> struct elf_obj (validated description, no syscalls)
 *   load.c     elf_obj     -> struct obj_fds (maps created, program loaded)
 *   netlink.c  prog fd     -> attached to an interface over rtnetlink
 *   loader.c   the command line: calls the steps in order and reports
 *
 * Every step returns 0 (or an fd) on success and a negative errno on failure,
 * and explains a failure in a caller-provided struct errbuf.  Only loader.c
 * prints; the one exception is xdpl_log(), the -v step log loader.c provides.
 */
#ifndef XDPLOAD_H
#define XDPLOAD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XDPLOAD_VERSION "0.1.0"

/* ---- errors ---- */

struct errbuf {
	char msg[512];    /* "step: object: broken rule" */
	int errnum;       /* errno of the failing syscall; 0 when we found the fault */
	char kernel[512]; /* the kernel's own words (netlink extended ack) */
	char *log;        /* verifier log, malloc'd; loader.c prints and frees it */
};

__attribute__((format(printf, 3, 4))) static inline int err_set(struct errbuf *e, int err,
								const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->errnum = 0;
	return err;
}

/* Like err_set() for a failed syscall: err is -errno and is reported by name. */
__attribute__((format(printf, 3, 4))) static inline int err_sys(struct errbuf *e, int err,
								const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->errnum = -err;
	return err;
}

/* The -v step log; loader.c prints it when asked, everyone else calls it. */
__attribute__((format(printf, 1, 2))) void xdpl_log(const char *fmt, ...);

/* ---- the parsed object (elf.c) ---- */

struct obj_section {
	const char *name;
	uint32_t type;  /* SHT_* */
	uint64_t flags; /* SHF_* */
	const uint8_t *data;
	uint64_t size;
	uint32_t link, info;
};

enum reloc_kind {
	RELOC_MAP,    /* ld_imm64 of a legacy map definition: becomes a map fd */
	RELOC_DATA,   /* ld_imm64 of a global variable (.data, .rodata, .bss) */
	RELOC_CALL,   /* call of a bpf-to-bpf function */
	RELOC_FUNC,   /* ld_imm64 of a function's address (callbacks) */
	RELOC_EXTERN, /* a symbol the object does not define (ksym, kconfig) */
};

struct obj_reloc {
	uint32_t sec;    /* section holding the instruction */
	uint32_t insn;   /* instruction index within that section */
	uint32_t kind;   /* enum reloc_kind */
	uint32_t target; /* map index, or section index of a data/function target */
	uint64_t offset; /* byte offset within the target section */
	const char *sym; /* the symbol's name, for messages */
};

struct obj_prog {
	const char *name;    /* function symbol, or the section name for old objects */
	const char *section;
	uint32_t sec;
	uint32_t first_insn; /* instruction index within the section */
	uint32_t insn_cnt;
	uint32_t type;       /* BPF_PROG_TYPE_*; 0 when the section type is not supported */
	uint32_t expected_attach_type;
	uint32_t prog_flags;
};

struct obj_map {
	const char *name;
	uint32_t type, key_size, value_size, max_entries, flags;
	uint32_t sec;    /* section the definition lives in */
	uint64_t offset; /* its offset there */
};

struct elf_obj {
	uint8_t *buf; /* the whole file; everything below points into it */
	size_t size;
	struct obj_section *secs;
	uint32_t nsecs;
	const void *syms; /* Elf64_Sym[nsyms] */
	uint32_t nsyms;
	const char *strtab;
	uint64_t strtab_size;
	struct obj_prog *progs;
	uint32_t nprogs;
	struct obj_map *maps;
	uint32_t nmaps;
	struct obj_reloc *relocs; /* sorted by section, then instruction */
	uint32_t nrelocs;
	const char *license; /* NULL when the object has no license section */
	uint32_t maps_sec;   /* index of the legacy "maps" section, 0 if none */
};

int elf_obj_open(struct elf_obj *obj, const char *path, struct errbuf *e);
int elf_obj_parse(struct elf_obj *obj, struct errbuf *e); /* obj->buf, obj->size set */
void elf_obj_free(struct elf_obj *obj);
const struct obj_prog *elf_prog_find(const struct elf_obj *obj, const char *name);
uint32_t elf_prog_relocs(const struct elf_obj *obj, const struct obj_prog *prog,
			 const struct obj_reloc **first);
const char *elf_prog_type_name(const struct obj_prog *prog);
const char *elf_map_type_name(uint32_t type);

/* ---- loading (load.c) ---- */

struct obj_fds {
	int *map_fds; /* one per obj->maps, -1 until created */
	uint32_t nmaps;
	int prog_fd;
};

int load_maps(const struct elf_obj *obj, struct obj_fds *fds, struct errbuf *e);
int load_prog(const struct elf_obj *obj, const struct obj_prog *prog, struct obj_fds *fds,
	      struct errbuf *e);
void load_close(struct obj_fds *fds);

/* ---- rtnetlink (netlink.c) ---- */

enum xdp_mode { XDP_MODE_NONE, XDP_MODE_NATIVE, XDP_MODE_SKB, XDP_MODE_HW, XDP_MODE_MULTI };

struct xdp_state {
	int ifindex;
	char ifname[16];
	uint8_t attached;  /* enum xdp_mode as the kernel reports it (IFLA_XDP_ATTACHED) */
	uint32_t prog_id;  /* the program when exactly one is attached */
	uint32_t mode_ids[4]; /* per mode: [XDP_MODE_NATIVE], [XDP_MODE_SKB], [XDP_MODE_HW] */
};

int nl_xdp_set(int ifindex, int prog_fd, uint32_t flags, int expected_fd, struct errbuf *e);
int nl_xdp_get(int ifindex, struct xdp_state *st, struct errbuf *e);
int nl_xdp_list(struct xdp_state **list, size_t *count, struct errbuf *e);

#endif
