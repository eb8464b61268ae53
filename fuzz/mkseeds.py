#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Rebuilds the seeds of inflate_fuzz and kconfig_fuzz (fuzz/inflate-seeds/,
fuzz/kconfig-seeds/): gzip files and raw deflate streams made by Python's
zlib with every block type and header field, and kernel-config, kallsyms
and uname texts of every form the parsers read.  Deterministic: the same
files each run.  Run from the repository root."""
import os
import struct
import zlib

TEXT = b"".join(b"CONFIG_OPTION_%d=%s\n" % (i, b"ym n"[i % 3:i % 3 + 1]) for i in range(120))
TEXT += b'# CONFIG_FOO is not set\nCONFIG_HZ=250\nCONFIG_LOCALVERSION="-x"\n'


def deflate(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return c.compress(data) + c.flush()


def gzip(data, flags=0, extra=b"", name=b"", comment=b"", body=None):
    head = b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\0\x03"
    if flags & 4:
        head += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        head += name + b"\0"
    if flags & 16:
        head += comment + b"\0"
    if flags & 2:
        head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
    body = deflate(data) if body is None else body
    return head + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def write(directory, name, data):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


d = "fuzz/inflate-seeds"
for old in os.listdir(d):
    os.unlink(os.path.join(d, old))
write(d, "stored.gz", gzip(TEXT, body=deflate(TEXT, 0)))
write(d, "fixed.gz", gzip(TEXT[:300], body=deflate(TEXT[:300], 9, zlib.Z_FIXED)))
write(d, "dynamic.gz", gzip(TEXT, body=deflate(TEXT, 9)))
write(d, "huffman-only.gz", gzip(TEXT, body=deflate(TEXT, 6, zlib.Z_HUFFMAN_ONLY)))
write(d, "rle.gz", gzip(b"a" * 2000 + TEXT[:200], body=deflate(b"a" * 2000 + TEXT[:200], 6, zlib.Z_RLE)))
write(d, "empty.gz", gzip(b""))
write(d, "header-fields.gz", gzip(b"hello\n", 2 | 4 | 8 | 16, b"AB\2\0xy", b"config", b"a comment"))
write(d, "two-members.gz", gzip(b"first\n") + gzip(b"second\n"))
write(d, "raw-dynamic.deflate", deflate(TEXT, 9))
write(d, "raw-fixed.deflate", deflate(b"xdpload xdpload xdpload", 9, zlib.Z_FIXED))
write(d, "raw-stored.deflate", deflate(b"plain bytes", 0))

d = "fuzz/kconfig-seeds"
for old in os.listdir(d):
    os.unlink(os.path.join(d, old))
write(d, "every-form.config", b"""#
# Automatically generated file; DO NOT EDIT.
#
CONFIG_A=y
CONFIG_B=m
CONFIG_C=n
CONFIG_D=65535
CONFIG_E=-2147483648
CONFIG_F=0xffffffffffffffff
CONFIG_G=-1
CONFIG_H="a \\"quoted\\" \\\\ string"
CONFIG_I=y
CONFIG_J=""
CONFIG_HZ=250
# CONFIG_UNUSED is not set
CONFIG_OTHER=42
""")
write(d, "not-set.config", b"# CONFIG_A is not set\n# CONFIG_B is not set\n# CONFIG_C is not set\n# CONFIG_D is not set\n")
write(d, "kallsyms.txt", b"""ffffffff81000000 T _text
ffffffff81001000 t a
ffffffff82a0b940 D init_task
ffffffffc0a01230 t nf_conntrack_in\t[nf_conntrack]
ffffffffc0a01230 t nf_conntrack_in\t[nf_conntrack]
ffffffff81234567 d a.llvm.123456
0000000000000000 A fixed_percpu_data
""")
write(d, "version-ubuntu.txt", b"Ubuntu 5.15.0-91.101-generic 5.15.131\0" b"5.15.0-91-generic\0" b"#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023\0")
write(d, "version-debian.txt", b"\0" b"6.1.0-29-amd64\0" b"#1 SMP PREEMPT_DYNAMIC Debian 6.1.123-1 (2025-01-02)\0")
write(d, "version-plain.txt", b"\0" b"6.18.44-fc-v1045\0" b"#1 SMP PREEMPT_DYNAMIC @0\0")
