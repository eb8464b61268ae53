#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The extern checks tests/externs.bats boots under qemu as /init.sh, on
# Debian 12's 6.1 kernel: its /proc/kallsyms lists data symbols (so typed
# ksyms resolve), its config is only in /boot (no /proc/config.gz), its
# uname carries Debian's real sublevel, and its nf_conntrack is a module (a
# kfunc in a module's BTF).  It judges nothing itself: it prints what the
# kernel says and what each object's test run shows, each line prefixed
# "externs: ", and ends with "XDPLOAD-EXTERNS: END".  It never powers off
# (tests/initramfs/init does), so it can also run chrooted on the host.
PATH=/bin
EXT=/progs/externs
say() { echo "externs: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
for m in crc32c_generic libcrc32c nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack; do
	if insmod "/lib/modules/$m.ko"; then say "insmod $m"; else say "insmod $m failed"; fi
done
say "uname -r $(uname -r)"
say "uname -v $(uname -v)"
say "config.gz $([ -e /proc/config.gz ] && echo present || echo absent)"
for sym in runqueues bpf_prog_put; do
	say "kallsyms $(grep " $sym\$" /proc/kallsyms | head -n 1)"
done
say "btf $(ls /sys/kernel/btf | tr '\n' ' ')"
for o in kconfig ksym ksym_typed kfunc_module; do
	xdpload test -v "$EXT/$o.o" >/tmp/out 2>/tmp/err
	say "$o: exit $?"
	sed "s/^/externs: $o: /" /tmp/out
	grep -v -e "xdpload: elf:" -e "xdpload: load: program .*: instruction" /tmp/err |
		sed "s/^/externs: $o: /"
done
echo "XDPLOAD-EXTERNS: END"
