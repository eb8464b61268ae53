#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
mkmalformed.py - writes a corpus of broken BPF objects, each one a single
deliberate fault in a good object, for tests/malformed.bats.

    tests/mkmalformed.py OUTDIR OBJ...

Every file breaks a rule that xdpload must enforce, so every one must be
refused: a file that loads is a parser bug (or a mutation here that turned
out harmless, which is a bug in this script).  The faults are chosen so
that the result cannot be a valid object by accident:

  trunc        the file cut short before the end of its section header table
  ehdr         a bit flipped in a header field with exactly one valid value,
               or a count or offset pushed past the end of the file
  shdr         a section's offset, size or name past the end; a relocation
               table pointing at no section or no symbol table; a symbol or
               relocation table that is not whole entries
  sym          a symbol's name or section index out of range, or its bytes
               past the end of its section
  rel          a code relocation misaligned, past the end of its section,
               naming no symbol, or of an unknown type
  btf          .BTF header bounds past the end, wrong magic, an unknown kind,
               a type id or name offset out of range, entries past the end
  btfext       .BTF.ext header bounds past the end, a func_info type id that
               is not a FUNC, an instruction offset not at an instruction,
               a name offset past the strings, a record count that does not fit

The choice of fields, entries and bits is random but repeatable: each input
object seeds its own generator from its file name and SEED, so the same
objects always give the same corpus, and adding an object changes no other
object's files.  This script reads the ELF, BTF and .BTF.ext layout itself;
it shares no code with xdpload.

OUTDIR/MANIFEST has one line per file: "NAME<TAB>STEP<TAB>WHAT", where STEP
is the step whose message must report it (elf or btf) and WHAT says what
was broken.
"""
import os
import struct
import sys
import zlib

SEED = 6  # the issue this corpus answers; change it to explore a new corpus

# How many entries to pick, at most, where an object has many candidates.
PICK = {"cut": 5, "sec": 2, "sym": 2, "rel": 2, "btf_ref": 3, "btf_name": 2, "btfext_rec": 2}

EHDR_SIZE, SHDR_SIZE, SYM_SIZE, REL_SIZE = 64, 64, 24, 16
SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS, SHT_REL = 0, 1, 2, 3, 4, 8, 9
SHF_EXECINSTR = 0x4
STT_OBJECT, STT_FUNC = 1, 2
SHN_LORESERVE = 0xFF00
R_BPF_NONE = 0


class Rng:
    """splitmix64: the same numbers from every Python version."""

    def __init__(self, seed):
        self.state = seed & (2**64 - 1)

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & (2**64 - 1)
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & (2**64 - 1)
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & (2**64 - 1)
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def sample(self, items, k):
        """Up to k of items, in their original order."""
        items = list(items)
        left = list(range(len(items)))
        picked = []
        while left and len(picked) < k:
            picked.append(left.pop(self.below(len(left))))
        return [items[i] for i in sorted(picked)]


class Section:
    def __init__(self, index, raw):
        (self.name_off, self.type, self.flags, _, self.offset, self.size, self.link,
         self.info, _, self.entsize) = struct.unpack_from("<IIQQQQIIQQ", raw)
        self.index = index
        self.name = ""

    @property
    def is_code(self):
        return self.type == SHT_PROGBITS and self.flags & SHF_EXECINSTR


class Obj:
    """The layout of a good object, as the mutations need it."""

    def __init__(self, data):
        self.data = bytes(data)
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ValueError("not a little-endian ELF64 file")
        self.shoff, = struct.unpack_from("<Q", data, 40)
        self.shnum, self.shstrndx = struct.unpack_from("<HH", data, 60)
        self.secs = [Section(i, data[self.shoff + i * SHDR_SIZE:][:SHDR_SIZE])
                     for i in range(self.shnum)]
        names = self.secs[self.shstrndx]
        for s in self.secs:
            end = data.index(b"\0", names.offset + s.name_off)
            s.name = data[names.offset + s.name_off:end].decode()
        self.symtab = next((s for s in self.secs if s.type == SHT_SYMTAB), None)
        self.nsyms = self.symtab.size // SYM_SIZE if self.symtab else 0
        self.sht_end = self.shoff + self.shnum * SHDR_SIZE

    def section(self, name):
        return next((s for s in self.secs if s.name == name), None)

    def shdr(self, sec):
        return self.shoff + sec.index * SHDR_SIZE

    def sym(self, i):
        off = self.symtab.offset + i * SYM_SIZE
        name, info, _, shndx, value, size = struct.unpack_from("<IBBHQQ", self.data, off)
        return off, name, info & 0xF, shndx, value, size

    def code_rels(self):
        """(offset of entry, r_offset, r_info, relocated section) of every code relocation."""
        out = []
        for s in self.secs:
            if s.type == SHT_REL and s.info < self.shnum and self.secs[s.info].is_code:
                for n in range(s.size // REL_SIZE):
                    off = s.offset + n * REL_SIZE
                    r_offset, r_info = struct.unpack_from("<QQ", self.data, off)
                    out.append((off, r_offset, r_info, self.secs[s.info]))
        return out


class Btf:
    """The .BTF section: header fields and every place holding a type id or name offset."""

    def __init__(self, obj, sec):
        d = obj.data
        self.base = sec.offset
        (magic, version, _, self.hdr_len, self.type_off, self.type_len, self.str_off,
         self.str_len) = struct.unpack_from("<HBBIIIII", d, sec.offset)
        if magic != 0xEB9F or version != 1:
            raise ValueError(".BTF has a bad header")
        self.refs = []   # (file offset, type id) of every reference to a type
        self.names = []  # file offsets of every name offset
        self.types = []  # (file offset, kind, vlen)
        pos = sec.offset + self.hdr_len + self.type_off
        end = pos + self.type_len
        while pos < end:
            name_off, info, size_or_type = struct.unpack_from("<III", d, pos)
            kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
            self.types.append((pos, kind, vlen))
            self.names.append(pos)
            data = pos + 12
            if kind in (2, 8, 9, 10, 11, 12, 14, 17, 18):  # PTR TYPEDEF ... FUNC VAR DECL_TAG TYPE_TAG
                self.refs.append((pos + 8, size_or_type))
            if kind in (1, 14, 17):    # INT, VAR, DECL_TAG: one u32
                data += 4
            elif kind == 3:            # ARRAY: type, index type, count
                self.refs += [(data, 0), (data + 4, 0)]
                data += 12
            elif kind in (4, 5):       # STRUCT, UNION: name, type, offset
                for i in range(vlen):
                    self.names.append(data + 12 * i)
                    self.refs.append((data + 12 * i + 4, 0))
                data += 12 * vlen
            elif kind == 6:            # ENUM: name, value
                self.names += [data + 8 * i for i in range(vlen)]
                data += 8 * vlen
            elif kind == 13:           # FUNC_PROTO: return type, then name, type
                self.refs.append((pos + 8, size_or_type))
                for i in range(vlen):
                    self.names.append(data + 8 * i)
                    self.refs.append((data + 8 * i + 4, 0))
                data += 8 * vlen
            elif kind == 15:           # DATASEC: type, offset, size
                self.refs += [(data + 12 * i, 0) for i in range(vlen)]
                data += 12 * vlen
            elif kind == 19:           # ENUM64: name, lo32, hi32
                self.names += [data + 12 * i for i in range(vlen)]
                data += 12 * vlen
            elif kind not in (2, 7, 8, 9, 10, 11, 12, 16, 18):
                raise ValueError(f".BTF kind {kind} unknown to this script")
            pos = data
        self.nr_types = len(self.types)


class BtfExt:
    """The .BTF.ext section: its header and its func_info and line_info records."""

    def __init__(self, obj, sec):
        d = obj.data
        self.base = sec.offset
        self.size = sec.size
        magic, version, _, self.hdr_len = struct.unpack_from("<HBBI", d, sec.offset)
        if magic != 0xEB9F or version != 1:
            raise ValueError(".BTF.ext has a bad header")
        fields = struct.unpack_from("<IIII", d, sec.offset + 8)
        self.blocks = {"func_info": fields[0:2], "line_info": fields[2:4]}
        self.secnames = []  # file offsets of section name offsets
        self.counts = []    # file offsets of record counts
        self.records = {"func_info": [], "line_info": []}  # file offsets of records
        for what, (off, length) in self.blocks.items():
            if not length:
                continue
            pos = sec.offset + self.hdr_len + off
            end = pos + length
            rec_size, = struct.unpack_from("<I", d, pos)
            pos += 4
            while pos < end:
                _, count = struct.unpack_from("<II", d, pos)
                self.secnames.append(pos)
                self.counts.append(pos + 4)
                self.records[what] += [pos + 8 + i * rec_size for i in range(count)]
                pos += 8 + count * rec_size


def u(size, value):
    return struct.pack("<" + {1: "B", 2: "H", 4: "I", 8: "Q"}[size], value & (2 ** (8 * size) - 1))


def get(data, off, size):
    return struct.unpack_from("<" + {1: "B", 2: "H", 4: "I", 8: "Q"}[size], data, off)[0]


class Corpus:
    def __init__(self, outdir, obj, base, rng):
        self.outdir, self.obj, self.base, self.rng = outdir, obj, base, rng
        self.lines = []

    def put(self, name, step, what, patches=(), cut=None):
        """Write one broken copy: patches are (offset, bytes); cut truncates."""
        data = bytearray(self.obj.data)
        for off, b in patches:
            data[off:off + len(b)] = b
        if cut is not None:
            del data[cut:]
        if bytes(data) == self.obj.data:
            raise AssertionError(f"{name}: the mutation changed nothing")
        fname = f"{self.base}--{name}.o"
        with open(os.path.join(self.outdir, fname), "wb") as f:
            f.write(data)
        self.lines.append(f"{fname}\t{step}\t{what}")

    def field(self, name, step, what, off, size, value):
        self.put(name, step, what, [(off, u(size, value))])

    def flip(self, name, step, what, off, size, bit):
        self.field(name, step, what, off, size, get(self.obj.data, off, size) ^ (1 << bit))


def truncations(c):
    o = c.obj
    size = len(o.data)
    # Within the header, at some sections' start or middle, and at random;
    # every cut lies before the end of the section header table.
    cuts = {0, 4, 63, o.shoff, o.shoff + SHDR_SIZE // 2, o.sht_end - 1}
    bounds = [x for s in o.secs if s.type not in (SHT_NULL, SHT_NOBITS) and s.size
              for x in (s.offset, s.offset + s.size // 2)]
    cuts |= set(c.rng.sample(bounds, PICK["cut"]))
    cuts |= {1 + c.rng.below(o.sht_end - 1) for _ in range(2)}
    for cut in sorted(x for x in cuts if x < min(size, o.sht_end)):
        c.put(f"trunc-{cut}", "elf", f"the file cut to {cut} of {size} bytes", cut=cut)


def ehdr(c):
    o = c.obj
    # Fields with exactly one valid value: any flipped bit breaks them.  Every
    # object has the same header, so each gets half of them.
    for name, off, size in c.rng.sample((("magic", 0, 4), ("class", 4, 1), ("data", 5, 1),
                                         ("ident_version", 6, 1), ("type", 16, 2),
                                         ("machine", 18, 2), ("version", 20, 4),
                                         ("shentsize", 58, 2)), 4):
        bit = c.rng.below(8 * size)
        c.flip(f"ehdr-{name}-bit{bit}", "elf", f"bit {bit} of e_{name} flipped", off, size, bit)
    # The section table moved off an 8-byte boundary, or past the end.
    bit = c.rng.below(3)
    c.flip(f"ehdr-shoff-bit{bit}", "elf", "e_shoff not a multiple of 8", 40, 8, bit)
    bit = len(o.data).bit_length() + c.rng.below(64 - len(o.data).bit_length())
    c.flip(f"ehdr-shoff-bit{bit}", "elf", "e_shoff past the end", 40, 8, bit)
    # More sections than fit: the table is the last thing in the file.
    extra = 1 + c.rng.below(0xFFFF - o.shnum)
    c.field(f"ehdr-shnum-plus{extra}", "elf", f"e_shnum {extra} past the table",
            60, 2, o.shnum + extra)
    for value in (o.shnum, o.shnum + 1 + c.rng.below(0xFEFF - o.shnum)):
        c.field(f"ehdr-shstrndx-{value}", "elf", f"e_shstrndx {value} is not a section name table",
                62, 2, value)


def shdr(c):
    o = c.obj
    size = len(o.data)
    with_bytes = [s for s in o.secs[1:] if s.type not in (SHT_NULL, SHT_NOBITS)]
    for s in c.rng.sample(with_bytes, PICK["sec"]):
        h = o.shdr(s)
        c.field(f"shdr{s.index}-offset-past-end", "elf", f"section {s.name} starts past the end",
                h + 24, 8, size + 1 + c.rng.below(4096))
        c.field(f"shdr{s.index}-size-past-end", "elf", f"section {s.name} ends past the end",
                h + 32, 8, size - s.offset + 1 + c.rng.below(4096))
        c.field(f"shdr{s.index}-size-huge", "elf", f"section {s.name} claims 2^63 bytes",
                h + 32, 8, s.size | (1 << 63))
    names = o.secs[o.shstrndx]
    for s in c.rng.sample(o.secs[1:], 1):
        c.field(f"shdr{s.index}-name-past-end", "elf", f"section {s.name}'s name past the name table",
                o.shdr(s), 4, names.size + c.rng.below(1 << 20))
    bss = o.section(".bss")
    if bss is not None:
        # With BTF, its DATASEC is fixed up (and refused) before the map is made.
        c.field(f"shdr{bss.index}-bss-4gib", "btf" if o.section(".BTF") else "elf",
                ".bss claims 4 GiB", o.shdr(bss) + 32, 8, 1 << 32)
    for s in c.rng.sample([s for s in o.secs if s.type == SHT_REL], 1):
        c.field(f"shdr{s.index}-info-past", "elf", f"{s.name} relocates no section",
                o.shdr(s) + 44, 4, o.shnum + c.rng.below(1000))
    for s in o.secs:
        if s.type == SHT_REL and o.secs[s.info].is_code:
            c.field(f"shdr{s.index}-link-0", "elf", f"{s.name} links no symbol table",
                    o.shdr(s) + 40, 4, 0)
            c.field(f"shdr{s.index}-size-part", "elf", f"{s.name} is not whole entries",
                    o.shdr(s) + 32, 8, s.size - 8)
    if o.symtab:
        h = o.shdr(o.symtab)
        c.field(f"shdr{o.symtab.index}-link-past", "elf", "the symbol table's string table is no section",
                h + 40, 4, o.shnum + c.rng.below(1000))
        c.field(f"shdr{o.symtab.index}-size-part", "elf", "the symbol table is not whole entries",
                h + 32, 8, o.symtab.size - 1 - c.rng.below(SYM_SIZE - 1))


def symbols(c):
    o = c.obj
    if not o.symtab:
        return
    strtab = o.secs[o.symtab.link]
    for i in c.rng.sample(range(1, o.nsyms), PICK["sym"]):
        off, _, kind, shndx, value, _ = o.sym(i)
        c.field(f"sym{i}-name-past", "elf", f"symbol {i}'s name past the string table",
                off, 4, strtab.size + c.rng.below(1 << 16))
        c.field(f"sym{i}-shndx-past", "elf", f"symbol {i}'s section is no section",
                off + 6, 2, o.shnum + c.rng.below(SHN_LORESERVE - o.shnum))
        if kind in (STT_FUNC, STT_OBJECT) and 0 < shndx < o.shnum:
            sec = o.secs[shndx]
            c.field(f"sym{i}-size-past", "elf", f"symbol {i}'s bytes reach past {sec.name}",
                    off + 16, 8, sec.size - value + 8 * (1 + c.rng.below(64)))


def relocations(c):
    o = c.obj
    rels = [r for r in o.code_rels() if r[2] & 0xFFFFFFFF != R_BPF_NONE]
    for n in c.rng.sample(range(len(rels)), PICK["rel"]):
        off, r_offset, r_info, target = rels[n]
        c.field(f"rel{n}-offset-misaligned", "elf", f"relocation {n} is not at an instruction",
                off, 8, r_offset + 1 + c.rng.below(7))
        c.field(f"rel{n}-offset-past-end", "elf", f"relocation {n} lies past the end of {target.name}",
                off, 8, target.size + 8 * c.rng.below(1 << 20))
        c.field(f"rel{n}-sym-past", "elf", f"relocation {n} names no symbol",
                off + 12, 4, o.nsyms + c.rng.below(1 << 20))
        c.field(f"rel{n}-sym-0", "elf", f"relocation {n} names the null symbol", off + 12, 4, 0)
        c.field(f"rel{n}-type", "elf", f"relocation {n} has an unknown type",
                off + 8, 4, 11 + c.rng.below(200))


def btf(c):
    o = c.obj
    sec = o.section(".BTF")
    if sec is None:
        return
    b = Btf(o, sec)
    h = sec.offset
    c.flip("btf-magic", "btf", ".BTF magic flipped", h, 2, c.rng.below(16))
    c.field("btf-version-2", "btf", ".BTF version 2", h + 2, 1, 2)
    # Each header bound pushed past the end of the section.
    for name, off in c.rng.sample((("hdr_len", 4), ("type_off", 8), ("type_len", 12),
                                   ("str_off", 16), ("str_len", 20)), 3):
        c.field(f"btf-{name}-past", "btf", f".BTF {name} past the end",
                h + off, 4, sec.size + 1 + c.rng.below(1 << 16))
    c.field("btf-type_len-misaligned", "btf", ".BTF type_len not whole words",
            h + 12, 4, b.type_len - 1 - c.rng.below(3))
    # A type of a kind that does not exist.
    pos, kind, vlen = b.types[c.rng.below(b.nr_types)]
    info = get(o.data, pos + 4, 4)
    c.field(f"btf-type{b.types.index((pos, kind, vlen)) + 1}-kind", "btf", "a type of unknown kind",
            pos + 4, 4, (info & ~(0x1F << 24)) | ((20 + c.rng.below(12)) << 24))
    # Entries past the end of the type section.
    with_entries = [t for t in b.types if t[1] in (4, 5, 6, 13, 15, 19)]
    for pos, kind, vlen in c.rng.sample(with_entries, 1):
        c.field(f"btf-type{b.types.index((pos, kind, vlen)) + 1}-vlen", "btf",
                "a type's entries run past the type section", pos + 4, 2, 0xFFFF)
    # Type ids and name offsets out of range.
    for off, _ in c.rng.sample(b.refs, PICK["btf_ref"]):
        c.field(f"btf-ref{off - h}-past", "btf", "a type id past the last type",
                off, 4, b.nr_types + 1 + c.rng.below(1 << 20))
    for off in c.rng.sample(b.names, PICK["btf_name"]):
        c.field(f"btf-name{off - h}-past", "btf", "a name offset past the strings",
                off, 4, b.str_len + c.rng.below(1 << 20))
    ext = o.section(".BTF.ext")
    if ext is not None:
        btf_ext(c, o, b, BtfExt(o, ext))


def btf_ext(c, o, b, x):
    h = x.base
    c.flip("btfext-magic", "btf", ".BTF.ext magic flipped", h, 2, c.rng.below(16))
    c.field("btfext-hdr_len-past", "btf", ".BTF.ext header length past the end",
            h + 4, 4, x.size + 4 * (1 + c.rng.below(256)))
    for off in c.rng.sample((8, 12, 16, 20), 2):
        c.field(f"btfext-hdr{off}-past", "btf", ".BTF.ext block bounds past the end",
                h + off, 4, x.size + 4 * (1 + c.rng.below(256)))
    for what in ("func_info", "line_info"):
        if x.blocks[what][1]:
            rec_size_at = h + x.hdr_len + x.blocks[what][0]
            c.field(f"btfext-{what}-recsize", "btf", f".BTF.ext {what} record size not whole words",
                    rec_size_at, 4, get(o.data, rec_size_at, 4) + 1 + c.rng.below(3))
    for off in x.secnames[:1]:
        c.field(f"btfext-secname{off - h}-past", "btf", ".BTF.ext section name past the strings",
                off, 4, b.str_len + c.rng.below(1 << 20))
    for off in x.counts[:1]:
        c.field(f"btfext-count{off - h}-huge", "btf", ".BTF.ext record count that does not fit",
                off, 4, 0x10000000 + c.rng.below(1 << 20))
    for off in c.rng.sample(x.records["func_info"], PICK["btfext_rec"]):
        c.field(f"btfext-func{off - h}-misaligned", "btf", "func_info not at an instruction",
                off, 4, get(o.data, off, 4) + 1 + c.rng.below(7))
        c.field(f"btfext-func{off - h}-type-past", "btf", "func_info names a type past the last",
                off + 4, 4, b.nr_types + 1 + c.rng.below(1 << 20))
    for off in c.rng.sample(x.records["line_info"], PICK["btfext_rec"]):
        c.field(f"btfext-line{off - h}-misaligned", "btf", "line_info not at an instruction",
                off, 4, get(o.data, off, 4) + 1 + c.rng.below(7))
        c.field(f"btfext-line{off - h}-file-past", "btf", "line_info file name past the strings",
                off + 4, 4, b.str_len + c.rng.below(1 << 20))


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: mkmalformed.py OUTDIR OBJ...")
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    manifest = []
    for path in argv[2:]:
        base = os.path.splitext(os.path.basename(path))[0]
        with open(path, "rb") as f:
            obj = Obj(f.read())
        c = Corpus(outdir, obj, base, Rng(zlib.crc32(base.encode()) ^ (SEED << 32)))
        for step in (truncations, ehdr, shdr, symbols, relocations, btf):
            step(c)
        manifest += c.lines
    with open(os.path.join(outdir, "MANIFEST"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    print(f"{len(manifest)} broken objects from {len(argv) - 2} in {outdir}")


if __name__ == "__main__":
    main(sys.argv)
