#!/usr/bin/env python3
# fw_ports_pkt.py - a frame for tests/fw_ports.bats, as hex on stdout:
#   fw_ports_pkt.py [vlan|qinq] [v6] [src=ADDR] [opts] [ext=hop,rt,dst,ah,frag,frag1,...]
#                   [frag1] [tcp=PORT|udp=PORT|icmp|icmpv6|gre] [l4len=N]
# Ethernet, up to two VLAN tags, IPv4 (with options) or IPv6 (with extension
# headers), then the transport header: 20 bytes of TCP, 8 of UDP, 8 of ICMP,
# or l4len bytes of it (a truncated header).  frag1 alone is a non-first
# IPv4 fragment; ext=frag a first IPv6 fragment, ext=frag1 a non-first one.
import ipaddress
import struct
import sys

args = dict(a.split("=", 1) if "=" in a else (a, "") for a in sys.argv[1:])
v6 = "v6" in args
src = ipaddress.ip_address(args.get("src", "2001:db8:1::1" if v6 else "10.9.0.1")).packed
dst = ipaddress.ip_address("2001:db8:2::2" if v6 else "10.9.0.2").packed

if "tcp" in args:
    proto, l4 = 6, struct.pack("!HHIIBBHHH", 40000, int(args["tcp"]), 0, 0, 0x50, 2, 8192, 0, 0)
elif "udp" in args:
    proto, l4 = 17, struct.pack("!HHHH", 40000, int(args["udp"]), 8, 0)
elif "icmp" in args:
    proto, l4 = 1, struct.pack("!BBHHH", 8, 0, 0, 1, 1)
elif "icmpv6" in args:
    proto, l4 = 58, struct.pack("!BBHHH", 128, 0, 0, 1, 1)
else:
    proto, l4 = 47, b"\0" * 8  # GRE: a protocol no service rule names
if "l4len" in args:
    l4 = l4[: int(args["l4len"])]

if v6:
    exts = [e for e in args.get("ext", "").split(",") if e]
    body, nxt = l4, proto
    for e in reversed(exts):
        if e in ("hop", "rt", "dst"):
            code = {"hop": 0, "rt": 43, "dst": 60}[e]
            hdr = bytes([nxt, 0]) + b"\x01\x04\0\0\0\0" if e != "rt" else bytes([nxt, 0, 0, 0]) + b"\0" * 4
        elif e == "ah":
            code, hdr = 51, bytes([nxt, 4, 0, 0]) + b"\0" * 20  # (4 + 2) * 4 = 24 bytes
        else:  # frag: offset 0, more fragments; frag1: offset 8, the last
            code = 44
            off = 0x0001 if e == "frag" else (1 << 3)
            hdr = struct.pack("!BBHI", nxt, 0, off, 0x1234)
        body, nxt = hdr + body, code
    l3 = struct.pack("!IHBB", 0x60000000, len(body), nxt, 64) + src + dst + body
    ethertype = 0x86DD
else:
    opts = b"\x01\x01\x01\x00" if "opts" in args else b""  # NOP NOP NOP EOL
    ihl = 5 + len(opts) // 4
    frag = 0x00B9 if "frag1" in args else (0x2000 if "frag0" in args else 0x4000)
    l3 = struct.pack("!BBHHHBBH", 0x40 | ihl, 0, 20 + len(opts) + len(l4), 0, frag, 64, proto, 0)
    l3 += src + dst + opts + l4
    ethertype = 0x0800

tags = b""
if "vlan" in args:
    tags = struct.pack("!HH", 0x8100, 100)
elif "qinq" in args:
    tags = struct.pack("!HHHH", 0x88A8, 200, 0x8100, 100)
frame = bytes.fromhex("020000000002020000000001") + tags + struct.pack("!H", ethertype) + l3
print(frame.hex())
