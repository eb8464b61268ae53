#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a module's split BTF on top of a base BTF (vmlinux), as the kernel
publishes it in /sys/kernel/btf/MODULE: type ids continue the base's, string
offsets continue its string section.  It holds one type for
tests/progs/core/core_module.c to find:

    struct xdpl_mod_thing { int a; int pad; int b; };   /* b at 8, size 12 */

usage: tests/mksplitbtf.py BASE OUT   (prints the new type's id)
"""
import struct
import sys

base = open(sys.argv[1], 'rb').read()
magic, version, flags, hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from('<HBBIIIII', base)
assert magic == 0xeb9f
types = base[hdr_len + type_off:hdr_len + type_off + type_len]
strs = base[hdr_len + str_off:hdr_len + str_off + str_len]

# Walk the base's types: count them and find "int".
sizes = {1: 4, 2: 0, 3: 12, 4: None, 5: None, 6: None, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0, 12: 0,
         13: None, 14: 4, 15: None, 16: 0, 17: 4, 18: 0, 19: None}
per = {4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12}
off, n, int_id = 0, 0, 0
while off < len(types):
    name_off, info, size = struct.unpack_from('<III', types, off)
    kind, vlen = (info >> 24) & 0x1f, info & 0xffff
    n += 1
    name = strs[name_off:strs.index(b'\0', name_off)]
    if kind == 1 and name == b'int' and not int_id:
        int_id = n
    extra = sizes[kind] if sizes[kind] is not None else per[kind] * vlen
    off += 12 + extra
assert int_id

own = b'\0xdpl_mod_thing\0a\0pad\0b\0'
def s(name):
    return str_len + own.index(name.encode() + b'\0', 1)

body = struct.pack('<III', s('xdpl_mod_thing'), 4 << 24 | 3, 12)
for i, m in enumerate(('a', 'pad', 'b')):
    body += struct.pack('<III', s(m), int_id, 32 * i)
hdr = struct.pack('<HBBIIIII', 0xeb9f, 1, 0, 24, 0, len(body), len(body), len(own))
open(sys.argv[2], 'wb').write(hdr + body + own)
print(n + 1)
