#!/bin/sh
# SPDX-License-Identifier: MIT
# Assembles the test initramfs from what `make` built: DIR/root, the tree
# (which the host pre-check chroots into), and DIR/initramfs.cpio, the same
# tree as the archive qemu boots.  usage: mkroot.sh DIR [VETH_KO [EXTRA]]
# EXTRA, a directory, is copied over the tree last: more files, or another
# /init.sh (tests/externs.bats boots its own checks this way).
#
#   /init /init.sh          tests/initramfs/
#   /bin/busybox + applets  busybox-static: sh, mount, ip, ping, unshare, nsenter, insmod
#   /bin/xdpload            the static binary under test
#   /progs/*.o              xdp_kern.o and the test programs
#   /progs/types/*.o        the program type corpus, when make type-progs built it
#   /bin/bpfrun             the tests' attach helper (build/bpfrun), likewise
#   /lib/modules/veth.ko    the booted kernel's veth driver, when given
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
veth=${2:-}
busybox=$(command -v busybox) || { echo "mkroot: busybox is not installed (Debian package busybox-static)" >&2; exit 1; }
file -L "$busybox" | grep -q 'statically linked' ||
	{ echo "mkroot: $busybox is not statically linked; install busybox-static" >&2; exit 1; }
file "$top/xdpload" | grep -q 'statically linked' ||
	{ echo "mkroot: $top/xdpload is missing or not static; run make" >&2; exit 1; }

rm -rf "$dir/root"
mkdir -p "$dir/root"
cd "$dir/root"
mkdir -p bin progs lib/modules proc sys dev tmp
cp "$busybox" bin/busybox
for applet in $(bin/busybox --list); do
	[ "$applet" = busybox ] || ln -s busybox "bin/$applet"
done
cp "$top/xdpload" bin/xdpload
cp "$top/xdp_kern.o" "$top"/tests/progs/*.o progs/
if ls "$top"/tests/progs/types/*.o >/dev/null 2>&1; then
	mkdir -p progs/types
	cp "$top"/tests/progs/types/*.o progs/types/
fi
[ ! -x "$top/build/bpfrun" ] || cp "$top/build/bpfrun" bin/bpfrun
cp "$here/init" init
cp "$here/init.sh" init.sh
chmod 755 init init.sh
[ -z "$veth" ] || cp "$veth" lib/modules/veth.ko
[ -z "${3:-}" ] || cp -R "$3"/. .
find . | LC_ALL=C sort | bin/busybox cpio -o -H newc -R 0:0 >"$dir/initramfs.cpio" 2>/dev/null
