#!/usr/bin/env python3
# fw_ports_net.py - real traffic for tests/fw_ports.bats:
#   serve PORT...        TCP and UDP on each PORT, both families: TCP accepts
#                        and closes, UDP echoes; runs until killed
#   tcp HOST PORT        "open" when a connection is made within 1 s, else "timeout"
#   udp HOST PORT N      N datagrams, one at a time; prints how many were echoed
import selectors
import socket
import sys


def serve(ports):
    sel = selectors.DefaultSelector()
    for port in ports:
        for fam, any_addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            t = socket.socket(fam, socket.SOCK_STREAM)
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            t.bind((any_addr, port))
            t.listen(16)
            sel.register(t, selectors.EVENT_READ, "tcp")
            u = socket.socket(fam, socket.SOCK_DGRAM)
            if fam == socket.AF_INET6:
                u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            u.bind((any_addr, port))
            sel.register(u, selectors.EVENT_READ, "udp")
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "tcp":
                c, _ = s.accept()
                c.close()
            else:
                data, peer = s.recvfrom(2048)
                s.sendto(data, peer)


def family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def tcp(host, port):
    s = socket.socket(family(host), socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect((host, port))
        print("open")
    except (socket.timeout, OSError):
        print("timeout")


def udp(host, port, n):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.settimeout(0.3)
    echoed = 0
    for i in range(n):
        s.sendto(b"x%d" % i, (host, port))
        try:
            s.recv(2048)
            echoed += 1
        except socket.timeout:
            pass
    print(echoed)


cmd = sys.argv[1]
if cmd == "serve":
    serve([int(p) for p in sys.argv[2:]])
elif cmd == "tcp":
    tcp(sys.argv[2], int(sys.argv[3]))
else:
    udp(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
