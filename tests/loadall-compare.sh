#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Loads each test object with `xdpload load` and with `bpftool prog loadall`
# (libbpf), side by side on the running kernel, and prints what each did:
#
#   OBJECT                          LIBBPF   XDPLOAD
#   tests/progs/types/skb.o         loads    loads
#   tests/progs/xdp_elfmap.o        refused  loads
#   ...
#   libbpf loads 21 of 40 objects, xdpload 35; xdpload loads every object libbpf loads
#
# and exits 1, naming them, when libbpf loads an object xdpload does not.
# usage: tests/loadall-compare.sh [OBJ...]  (default: every .o under
# tests/progs/, the firewall, bench/ and examples/).  Root: both load into
# the kernel.  It runs in a mount namespace of its own, with a fresh bpffs
# on /sys/fs/bpf for each object: what either loader pins (maps pinned by
# name, bpftool's program pins) lands there, cannot meet another object's
# pins, and goes with the namespace.
set -u
cd "$(dirname "$0")/.." || exit 2
[ "$(id -u)" -eq 0 ] || { echo "loadall-compare: needs root" >&2; exit 2; }
command -v bpftool >/dev/null || { echo "loadall-compare: needs bpftool" >&2; exit 2; }
[ -x ./xdpload ] || { echo "loadall-compare: no ./xdpload; run make" >&2; exit 2; }

if [ -z "${XDPL_COMPARE_NS:-}" ]; then
	XDPL_COMPARE_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

objs=("$@")
if [ ${#objs[@]} -eq 0 ]; then
	shopt -s nullglob
	objs=(tests/progs/*.o tests/progs/*/*.o xdp_kern.o bench/*.o examples/*.bpf.o)
fi
[ ${#objs[@]} -gt 0 ] || { echo "loadall-compare: no objects; run make and make type-progs" >&2; exit 2; }

total=0 by_libbpf=0 by_xdpload=0 missing=()
printf '%-44s %-8s %s\n' OBJECT LIBBPF XDPLOAD
for obj in "${objs[@]}"; do
	total=$((total + 1))
	mount -t bpf bpf /sys/fs/bpf || exit 2
	if bpftool prog loadall "$obj" /sys/fs/bpf/loadall >/dev/null 2>&1; then
		libbpf=loads
		by_libbpf=$((by_libbpf + 1))
	else
		libbpf=refused
	fi
	umount /sys/fs/bpf
	mount -t bpf bpf /sys/fs/bpf || exit 2
	if ./xdpload load "$obj" >/dev/null 2>&1; then
		ours=loads
		by_xdpload=$((by_xdpload + 1))
	else
		ours=refused
	fi
	umount /sys/fs/bpf
	[ "$libbpf" = loads ] && [ "$ours" != loads ] && missing+=("$obj")
	printf '%-44s %-8s %s\n' "$obj" "$libbpf" "$ours"
done
printf 'libbpf loads %d of %d objects, xdpload %d; ' "$by_libbpf" "$total" "$by_xdpload"
if [ ${#missing[@]} -gt 0 ]; then
	echo "libbpf loads ${#missing[@]} that xdpload does not: ${missing[*]}"
	exit 1
fi
echo "xdpload loads every object libbpf loads"
