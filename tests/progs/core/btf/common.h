/* SPDX-License-Identifier: MIT */
/* Shared by the target BTFs: the integer names, and a way to make clang emit a type. */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
#define KEEP(type, name) type name __attribute__((used, section(".bss")))
