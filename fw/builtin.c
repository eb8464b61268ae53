// SPDX-License-Identifier: MIT
/*
 * builtin.c - the firewall (xdp_kern.o) carried inside the library, so one
 * file is all a minimal system needs: `xdpload firewall attach IFACE`.
 * The assembler copies the object's bytes in (.incbin, the path relative to
 * where make runs: xdp_kern.o with its DWARF stripped, see the Makefile);
 * nothing reads them until a caller asks for the built-in object, and then
 * they go through the same parser as any file.
 */
#include "fw/fw.h"

__asm__(".section .rodata.xdpl_builtin,\"a\"\n"
	".balign 8\n"
	".globl xdpl_builtin_obj\n"
	"xdpl_builtin_obj:\n"
	".incbin \"build/xdp_kern.builtin.o\"\n"
	".globl xdpl_builtin_obj_end\n"
	"xdpl_builtin_obj_end:\n"
	".previous\n");

extern const uint8_t xdpl_builtin_obj[], xdpl_builtin_obj_end[];

const void *xdpl_fw_builtin(size_t *size)
{
	*size = (size_t)(xdpl_builtin_obj_end - xdpl_builtin_obj);
	return xdpl_builtin_obj;
}
