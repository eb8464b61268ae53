#!/usr/bin/env python3
# mknames.py IN OUT: IN (tests/progs/xdp_count.o) with names that forge
# output: the program "x ESC [31m NL \ DEL", the map "p NL FAKE ESC" and the
# program's section "xdp NL ESC[7mX \ DEL abc", made by rewriting .strtab
# and .BTF's strings in place (same lengths) and pointing the section's name at a string of
# its own (the one .debug_loclists had; that section is left nameless).
# mknames.py IN OUT btf: only the map's variable in .BTF is renamed, so the
# load fails with the name in its message.
import struct
import sys

d = bytearray(open(sys.argv[1], "rb").read())
shoff, = struct.unpack_from("<Q", d, 0x28)
shnum, shstrndx = struct.unpack_from("<HH", d, 0x3C)
sec = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * 64) for i in range(shnum)]
stroff, strsize = sec[shstrndx][4], sec[shstrndx][5]
strtab = d[stroff:stroff + strsize]


def name_at(off):
    return bytes(strtab[off:strtab.index(b"\0", off)])


def put(old, new, btf_only=False):
    """Every whole string old (in .strtab and .BTF's strings) becomes new."""
    assert len(old) == len(new)
    at = strtab.index(b"\0" + old + b"\0") + 1
    i = d.find(b"\0" + old + b"\0")
    while i >= 0:
        if not (btf_only and stroff <= i < stroff + strsize):
            d[i + 1:i + 1 + len(new)] = new
        i = d.find(b"\0" + old + b"\0", i + 1)
    return at


if sys.argv[3:] == ["btf"]:
    put(b"packets", b"p\nFAKE\x1b", btf_only=True)
    open(sys.argv[2], "wb").write(d)
    sys.exit(0)


put(b"xdp_count", b"x\x1b[31m\n\\\x7f")
put(b"packets", b"p\nFAKE\x1b")
at = put(b".debug_loclists", b"xdp\n\x1b[7mX\\\x7fabcd")
for i, s in enumerate(sec):
    name = name_at(s[0])
    if name == b"xdp":
        struct.pack_into("<I", d, shoff + i * 64, at)
    elif s[0] == at:  # .debug_loclists, renamed above: no name now
        struct.pack_into("<I", d, shoff + i * 64, 0)
open(sys.argv[2], "wb").write(d)
