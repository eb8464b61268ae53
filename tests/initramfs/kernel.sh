#!/bin/sh
# SPDX-License-Identifier: MIT
# Finds the Debian 12 kernel (6.1 series) that the initramfs test boots, and
# its veth driver; prints "VMLINUZ VETH_KO" on one line, or nothing and exits 1.
# usage: kernel.sh [--fetch]
#
# Looked for, in order: $XDPLOAD_KERNEL (a vmlinuz; veth.ko from the
# matching /lib/modules), /boot/vmlinuz-6.1.* (linux-image-amd64 installed),
# build/kernel/ (fetched earlier).  --fetch, when none is found, downloads
# the package linux-image-amd64 points to with `apt-get download` and
# unpacks only the kernel, its config, veth.ko and the modules
# tests/externs.bats loads (nf_conntrack and what it needs) into
# build/kernel: the host's /boot, its boot loader and its initramfs are
# never touched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
store=$top/build/kernel

# veth.ko for the kernel at $1: from its own tree under $2 (a root directory).
veth_for() {
	release=${1##*/vmlinuz-}
	ko=$2/lib/modules/$release/kernel/drivers/net/veth.ko
	[ -f "$ko" ] && echo "$ko"
}

found() {
	echo "$1 $(veth_for "$1" "$2")"
	exit 0
}

if [ -n "${XDPLOAD_KERNEL:-}" ]; then
	[ -f "$XDPLOAD_KERNEL" ] || { echo "kernel: XDPLOAD_KERNEL=$XDPLOAD_KERNEL: no such file" >&2; exit 1; }
	found "$XDPLOAD_KERNEL" /
fi
for k in /boot/vmlinuz-6.1.*; do [ -f "$k" ] && found "$k" /; done
for k in "$store"/boot/vmlinuz-6.1.*; do [ -f "$k" ] && found "$k" "$store"; done
[ "${1:-}" = --fetch ] || exit 1

# The package linux-image-amd64 depends on, downloaded into the current
# directory; the package lists are refreshed once if that fails (stale lists
# name a version the mirror no longer has).
download() {
	package=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*\)$/\1/p' | head -n 1)
	[ -n "$package" ] && apt-get download -q "$package" >/dev/null 2>&1
}

mkdir -p "$store"
cd "$store" || exit 1
rm -f ./*.deb
download || { apt-get update -q >/dev/null 2>&1; download; } ||
	{ echo "kernel: cannot download ${package:-a 6.1 kernel for linux-image-amd64} with apt-get" >&2; exit 1; }
dpkg-deb --fsys-tarfile ./*.deb |
	tar -x --wildcards './boot/vmlinuz-*' './boot/config-*' './lib/modules/*/kernel/drivers/net/veth.ko' \
		'./lib/modules/*/kernel/crypto/crc32c_generic.ko' './lib/modules/*/kernel/lib/libcrc32c.ko' \
		'./lib/modules/*/kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko' \
		'./lib/modules/*/kernel/net/ipv6/netfilter/nf_defrag_ipv6.ko' \
		'./lib/modules/*/kernel/net/netfilter/nf_conntrack.ko' ||
	{ echo "kernel: cannot unpack $package" >&2; exit 1; }
rm -f ./*.deb
for k in "$store"/boot/vmlinuz-6.1.*; do [ -f "$k" ] && found "$k" "$store"; done
echo "kernel: $package holds no /boot/vmlinuz-6.1.*" >&2
exit 1
