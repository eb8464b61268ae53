#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
mkworst.py - writes BPF objects of the shapes that cost a parser the most,
for tests/bounds.bats: each is valid (xdpload inspect must take it) and well
under 16 MB, and each makes a step that is quadratic in some count of the
file take minutes where a near-linear one takes milliseconds.

    tests/mkworst.py OUTDIR [SCALE]

  datasec.o   N global variables in .data, each with its symbol, listed in
              one DATASEC in the reverse of their order (its fix-up finds
              each variable's symbol and sorts the variables by offset)
  funcs.o     N functions of one instruction each in .text (the check that
              no two functions share an instruction)
  sections.o  N program sections, each with one function symbol, and 3N
              other symbols (the functions of each section among all the
              symbols)
  relocs.o    N functions of one ld_imm64 each, every one relocated to a
              global variable (the function of each relocated instruction)
  maps.o      N legacy map definitions in "maps" (no two at one offset)
  maprelocs.o N legacy maps and one program of N ld_imm64, each relocated
              to a map (the map of each relocation)
  datasecs.o  N sections .data.K, each with a DATASEC of one variable (each
              DATASEC's section, each section's DATASEC)

and, for the bounded printing of values (inspect, test):

  selfref.o   a struct whose 8 members are each the struct itself (BTF
              allows what C does not): printed naively, 8^depth values
  deep.o      a chain of 200 structs, each the only member of the next,
              and a struct reached through a typedef loop
  bigarray.o  a 1 MiB array of 16-byte structs (JSON prints every element)
  wide.o      80 variables of a struct 16 members wide and 6 deep: 16^6
              numbers each, more than any one value or all of them may print

It writes the ELF and the BTF itself and shares no code with xdpload.
"""
import os
import struct
import sys

SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS, SHT_REL = 1, 2, 3, 8, 9
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
STB_GLOBAL, STT_OBJECT, STT_FUNC, STT_SECTION = 1, 1, 2, 3
R_BPF_64_64 = 1
EXIT = struct.pack("<BBhi", 0x95, 0, 0, 0)        # exit
LD_IMM64 = struct.pack("<BBhi", 0x18, 1, 0, 0) + struct.pack("<BBhi", 0, 0, 0, 0)
MOV0 = struct.pack("<BBhi", 0xb7, 0, 0, 0)        # r0 = 0

BTF_INT, BTF_ARRAY, BTF_STRUCT, BTF_TYPEDEF, BTF_VAR, BTF_DATASEC = 1, 3, 4, 8, 14, 15


class Strings:
    def __init__(self):
        self.buf = bytearray(b"\0")
        self.seen = {"": 0}

    def add(self, s):
        if s not in self.seen:
            self.seen[s] = len(self.buf)
            self.buf += s.encode() + b"\0"
        return self.seen[s]


class Btf:
    def __init__(self):
        self.types = bytearray()
        self.strs = Strings()
        self.n = 0

    def _type(self, name, kind, vlen, size_or_type, extra=b"", kflag=0):
        self.types += struct.pack("<III", self.strs.add(name),
                                  (kflag << 31) | (kind << 24) | vlen, size_or_type) + extra
        self.n += 1
        return self.n

    def int(self, name, size):
        return self._type(name, BTF_INT, 0, size, struct.pack("<I", size * 8))

    def var(self, name, type_id):
        return self._type(name, BTF_VAR, 0, type_id, struct.pack("<I", 1))

    def datasec(self, name, entries):
        extra = b"".join(struct.pack("<III", t, 0, size) for t, size in entries)
        return self._type(name, BTF_DATASEC, len(entries), 0, extra)

    def struct(self, name, size, members):
        """members: (name, type, bit offset); a type of 0 is patched later with patch()."""
        extra = b"".join(struct.pack("<III", self.strs.add(m), t, off) for m, t, off in members)
        self._type(name, BTF_STRUCT, len(members), size, extra)
        return self.n

    def array(self, elem, index, nelems):
        return self._type("", BTF_ARRAY, 0, 0, struct.pack("<III", elem, index, nelems))

    def typedef(self, name, type_id):
        return self._type(name, BTF_TYPEDEF, 0, type_id)

    def bytes(self):
        return struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(self.types), len(self.types),
                           len(self.strs.buf)) + bytes(self.types) + bytes(self.strs.buf)


class Elf:
    def __init__(self):
        self.secs = []  # (name, type, flags, data, link, info, entsize, size)
        self.shstr = Strings()
        self.syms = bytearray(24)
        self.symstr = Strings()
        self.nsyms = 1

    def section(self, name, data, type_=SHT_PROGBITS, flags=0, link=0, info=0, entsize=0,
                size=None):
        self.secs.append([name, type_, flags, bytes(data), link, info, entsize,
                          len(data) if size is None else size])
        return len(self.secs)  # index (section 0 is the null one)

    def symbol(self, name, shndx, value, size, type_=STT_OBJECT, bind=STB_GLOBAL):
        self.syms += struct.pack("<IBBHQQ", self.symstr.add(name), (bind << 4) | type_, 0,
                                 shndx, value, size)
        self.nsyms += 1
        return self.nsyms - 1

    def write(self, path):
        strtab = self.section(".strtab", self.symstr.buf, SHT_STRTAB)
        first_global = 1
        symtab = self.section(".symtab", self.syms, SHT_SYMTAB, link=strtab,
                              info=first_global, entsize=24)
        for s in self.secs:
            if s[1] == SHT_REL:
                s[4] = symtab
        shstrndx = len(self.secs) + 1
        names = [self.shstr.add(s[0]) for s in self.secs] + [self.shstr.add(".shstrtab")]
        self.secs.append([".shstrtab", SHT_STRTAB, 0, bytes(self.shstr.buf), 0, 0, 0,
                          len(self.shstr.buf)])
        out = bytearray(64)
        offs = []
        for s in self.secs:
            out += b"\0" * (-len(out) % 8)
            offs.append(len(out))
            if s[1] != SHT_NOBITS:
                out += s[3]
        out += b"\0" * (-len(out) % 8)
        shoff = len(out)
        out += b"\0" * 64
        for s, off, name in zip(self.secs, offs, names):
            out += struct.pack("<IIQQQQIIQQ", name, s[1], s[2], 0, off, s[7], s[4], s[5], 8,
                               s[6])
        ident = b"\177ELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
        out[0:64] = ident + struct.pack("<HHIQQQIHHHHHH", 1, 247, 1, 0, 0, shoff, 0, 64, 0, 0,
                                        64, len(self.secs) + 1, shstrndx)
        with open(path, "wb") as f:
            f.write(out)


def license(elf):
    elf.section("license", b"GPL\0", flags=SHF_ALLOC | SHF_WRITE)


def with_btf(elf, btf):
    elf.section(".BTF", btf.bytes())


def datasec(n):
    elf, btf = Elf(), Btf()
    data = elf.section(".data", bytes(4 * n), flags=SHF_ALLOC | SHF_WRITE)
    u32 = btf.int("unsigned int", 4)
    entries = []
    for i in range(n):
        name = "global_variable_number_%07d" % i
        elf.symbol(name, data, 4 * i, 4)
        entries.append((btf.var(name, u32), 4))
    btf.datasec(".data", entries[::-1])
    license(elf)
    with_btf(elf, btf)
    return elf


def funcs(n):
    elf = Elf()
    text = elf.section(".text", EXIT * n, flags=SHF_ALLOC | SHF_EXECINSTR)
    for i in range(n):
        elf.symbol("function_%07d" % i, text, 8 * i, 8, STT_FUNC)
    license(elf)
    return elf


def sections(n):
    elf = Elf()
    for i in range(n):
        sec = elf.section("xdp/prog_%06d" % i, MOV0 + EXIT, flags=SHF_ALLOC | SHF_EXECINSTR)
        elf.symbol("prog_%06d" % i, sec, 0, 16, STT_FUNC)
    # More symbols elsewhere, all named alike: each section's functions are among them too.
    data = elf.section(".data", bytes(8), flags=SHF_ALLOC | SHF_WRITE)
    for i in range(3 * n):
        elf.symbol("v", data, 0, 4, bind=0)
    license(elf)
    return elf


def relocs(n):
    elf, btf = Elf(), Btf()
    prog = elf.section("xdp", (LD_IMM64 + MOV0 + EXIT) * n, flags=SHF_ALLOC | SHF_EXECINSTR)
    data = elf.section(".data", bytes(8), flags=SHF_ALLOC | SHF_WRITE)
    for i in range(n):
        elf.symbol("prog_%06d" % i, prog, 32 * i, 32, STT_FUNC)
    var = elf.symbol("counter", data, 0, 8)
    dsym = elf.symbol(".data", data, 0, 0, STT_SECTION, bind=0)
    rel = b"".join(struct.pack("<QQ", 32 * i, (dsym << 32) | R_BPF_64_64) for i in range(n))
    del var
    elf.section(".relxdp", rel, SHT_REL, info=prog, entsize=16)  # linked in write()
    license(elf)
    u64 = btf.int("unsigned long", 8)
    btf.datasec(".data", [(btf.var("counter", u64), 8)])
    with_btf(elf, btf)
    return elf


def maps(n):
    elf = Elf()
    m = elf.section("maps", struct.pack("<IIIII", 2, 4, 8, 1, 0) * n, flags=SHF_ALLOC | SHF_WRITE)
    for i in range(n):
        elf.symbol("map_%06d" % i, m, 20 * i, 20)
    license(elf)
    return elf


def maprelocs(n):
    elf = Elf()
    m = elf.section("maps", struct.pack("<IIIII", 2, 4, 8, 1, 0) * n, flags=SHF_ALLOC | SHF_WRITE)
    prog = elf.section("xdp", LD_IMM64 * n + MOV0 + EXIT, flags=SHF_ALLOC | SHF_EXECINSTR)
    syms = [elf.symbol("map_%06d" % i, m, 20 * i, 20) for i in range(n)]
    elf.symbol("prog", prog, 0, 16 * n + 16, STT_FUNC)
    # The last map first: a scan from the first map goes the whole way for each.
    rel = b"".join(struct.pack("<QQ", 16 * i, (syms[n - 1 - i] << 32) | R_BPF_64_64)
                   for i in range(n))
    elf.section(".relxdp", rel, SHT_REL, info=prog, entsize=16)
    license(elf)
    return elf


def datasecs(n):
    elf, btf = Elf(), Btf()
    u32 = btf.int("unsigned int", 4)
    for i in range(n):
        name = ".data.section_%06d" % i
        sec = elf.section(name, bytes(4), flags=SHF_ALLOC | SHF_WRITE)
        elf.symbol("variable_%06d" % i, sec, 0, 4)
        btf.datasec(name, [(btf.var("variable_%06d" % i, u32), 4)])
    license(elf)
    with_btf(elf, btf)
    return elf


def one_global(btf, type_id, size, name="value"):
    """An object whose .data holds one variable of type_id, size bytes, all 0x41."""
    elf = Elf()
    data = elf.section(".data", b"\x41" * size, flags=SHF_ALLOC | SHF_WRITE)
    elf.symbol(name, data, 0, size)
    btf.datasec(".data", [(btf.var(name, type_id), size)])
    license(elf)
    with_btf(elf, btf)
    return elf


def selfref(_n):
    btf = Btf()
    u8 = btf.int("unsigned char", 1)
    # struct loop { struct loop m0 .. m7; u8 x; }: every member at offset 0, the size 16.
    members = [("m%d" % i, 2 + 1, 0) for i in range(8)] + [("x", u8, 0)]
    btf.int("int", 4)  # type 2, so that the struct is type 3
    sid = btf.struct("loop", 16, members)
    assert sid == 3
    return one_global(btf, sid, 16)


def deep(_n):
    btf = Btf()
    u8 = btf.int("unsigned char", 1)
    prev = u8
    for i in range(200):
        prev = btf.struct("level_%03d" % i, 8, [("inner", prev, 0), ("pad", u8, 8)])
    # A typedef loop: typedef a -> typedef b -> a, held by a struct.
    a = btf.n + 1
    btf.typedef("loop_a", a + 1)
    btf.typedef("loop_b", a)
    holder = btf.struct("holder", 8, [("chain", prev, 0), ("looped", a, 0)])
    return one_global(btf, holder, 8)


def bigarray(_n):
    btf = Btf()
    u32 = btf.int("unsigned int", 4)
    elem = btf.struct("pair", 16, [("a", u32, 0), ("b", u32, 32), ("c", u32, 64),
                                   ("d", u32, 96)])
    arr = btf.array(elem, u32, 65536)
    return one_global(btf, arr, 16 * 65536)


def wide(n):
    """80 variables of a struct 16 wide and 6 deep (16^6 numbers each): both caps reached."""
    btf, elf = Btf(), Elf()
    u32 = btf.int("unsigned int", 4)
    prev, size = u32, 4
    for level in range(6):
        prev = btf.struct("wide_%d" % level, size, [("f%02d" % i, prev, 0) for i in range(16)])
    data = elf.section(".data", b"\x41" * (size * n), flags=SHF_ALLOC | SHF_WRITE)
    entries = []
    for i in range(n):
        name = "wide_value_%02d" % i
        elf.symbol(name, data, size * i, size)
        entries.append((btf.var(name, prev), size))
    btf.datasec(".data", entries)
    license(elf)
    with_btf(elf, btf)
    return elf


SHAPES = {"datasec": (datasec, 60000), "funcs": (funcs, 150000),
          "sections": (sections, 60000), "relocs": (relocs, 60000), "maps": (maps, 200000), "maprelocs": (maprelocs, 100000),
          "datasecs": (datasecs, 30000), "selfref": (selfref, 1), "deep": (deep, 1),
          "bigarray": (bigarray, 1), "wide": (wide, 80)}


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out, scale = sys.argv[1], float(sys.argv[2]) if len(sys.argv) == 3 else 1.0
    os.makedirs(out, exist_ok=True)
    for name, (make, n) in SHAPES.items():
        path = os.path.join(out, name + ".o")
        make(max(1, int(n * scale))).write(path)
        assert os.path.getsize(path) < 16 << 20, path


if __name__ == "__main__":
    main()
