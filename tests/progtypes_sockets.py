#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The calls tests/progs/types/cgroup.c counts, each a known number of times.

usage: progtypes_sockets.py CGROUP_DIR

In a network namespace of its own (loopback only, nothing leaves it), this
process joins CGROUP_DIR and then, on 127.0.0.1:
  3 sockets made (UDP, TCP listener, TCP client) and 4 closed (with the accepted one)
  2 binds, 2 connects (UDP, TCP), 1 unconnected UDP sendto, 1 UDP recvfrom,
  3 getsocknames (two calls, and Python's accept() asks the new socket's),
  2 getpeernames (one call, and accept4() itself, for the peer's address),
  1 setsockopt and 1 getsockopt of SO_REUSEADDR,
  1 read of a sysctl, 1 open of /dev/null, 1 TCP connection established.
It prints "done" when all of them happened.
"""
import ctypes
import fcntl
import os
import socket
import struct
import sys

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def loopback_up():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, req + b"\0" * 22)[:18])[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP) + b"\0" * 22)


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        sys.exit("progtypes_sockets: unshare(CLONE_NEWNET): %s" % os.strerror(ctypes.get_errno()))
    loopback_up()  # before joining: its socket is not counted
    with open(os.path.join(sys.argv[1], "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # sock_create 1
    udp.bind(("127.0.0.1", 0))                                 # bind4 1, post_bind4 1
    here = udp.getsockname()                                   # getsockname4 1
    udp.sendto(b"x", here)                                     # sendmsg4 1
    udp.recvfrom(16)                                           # recvmsg4 1
    udp.connect(here)                                          # connect4 1

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # sock_create 2
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # setsockopt 1
    server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)     # getsockopt 1
    server.bind(("127.0.0.1", 0))                                # bind4 2, post_bind4 2
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # sock_create 3
    client.connect(server.getsockname())                         # getsockname4 2, connect4 2, sockops 1
    client.getpeername()                                         # getpeername4 1
    accepted, _ = server.accept()                                # getpeername4 2, getsockname4 3

    fd = os.open("/proc/sys/net/ipv4/ip_forward", os.O_RDONLY)
    os.read(fd, 16)                                              # sysctl 1
    os.close(fd)
    os.close(os.open("/dev/null", os.O_RDONLY))                  # dev 1

    for s in (accepted, client, server, udp):                   # sock_release 4
        s.close()
    print("done")


main()
