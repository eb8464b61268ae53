#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/core.sh - what loading a CO-RE object costs, xdpload against libbpf
# (bpftool), in the same run, on this kernel:
#
#   bench/core.sh [OBJ...]     (as root, after `make all core-progs`)
#
#   OBJ      CO-RE objects holding one XDP program; default: the corpus's
#            tests/progs/core/core_kinds.o (28 relocations),
#            core_guarded.o (2) and core_big.o (544, the large one)
#   ROUNDS   timed rounds (default 20); QUICK=1 is a smoke run of 2
#
# One load per tool, each from a fresh process, the program then let go:
#
#   xdpload kernel   xdpload test OBJ                 the kernel applies the records
#   xdpload user     xdpload test --btf VMLINUX OBJ   xdpload applies them, against
#                                                     /sys/kernel/btf/vmlinux
#   libbpf           bpftool prog load OBJ PIN type xdp   (then the pin goes, untimed)
#
# `test` loads, runs the program once on a 64-byte packet (a microsecond) and
# exits; `bpftool prog load` loads and pins.  Neither attaches.  The tools
# take turns within each round, and each figure is the median over rounds:
#
#   CPU ms     user + system time of the command (wait4's rusage, by
#              bench/runstat.c), the kernel's verification included
#   syscalls   all system calls, and bpf() among them (strace -f -c)
#   ratio      CPU against libbpf's on the same object
#
# It runs in its own mount namespace with a fresh bpffs on /sys/fs/bpf, so
# nothing it pins outlives it.
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${ROUNDS:-20}"
[ "${QUICK:-0}" = 1 ] && rounds=2
vmlinux=/sys/kernel/btf/vmlinux

die() {
	echo "bench/core.sh: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (it loads BPF)"
case "$rounds" in
'' | *[!0-9]* | 0) die "ROUNDS=$rounds: expected a count from 1" ;;
esac
for tool in bpftool strace unshare; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -r "$vmlinux" ] || die "$vmlinux is missing: this kernel has no BTF to relocate against"
cc=$(command -v musl-gcc || echo gcc)

if [ "${XDPL_BENCH_PRIVATE:-}" != "$$" ]; then
	XDPL_BENCH_PRIVATE=$$ exec unshare -m --propagation private "$0" "$@"
fi

objs=("$@")
if [ ${#objs[@]} -eq 0 ]; then
	cd "$root"
	objs=(tests/progs/core/core_kinds.o tests/progs/core/core_guarded.o tests/progs/core/core_big.o)
fi
for obj in "${objs[@]}"; do
	[ -f "$obj" ] || die "$obj: no such object (run make all core-progs first)"
done
xdpload="$root/xdpload"
[ -x "$xdpload" ] || die "$xdpload is not built (run make first)"

tmp=$(mktemp -d /tmp/xdplc.XXXXXX)
pin=/sys/fs/bpf/xdplc-prog
cleanup() {
	umount /sys/fs/bpf 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount -t bpf bpf /sys/fs/bpf
"$cc" -std=gnu11 -O2 -static -o "$tmp/runstat" "$root/bench/runstat.c"

tools=(kernel user libbpf)
declare -A label=([kernel]="xdpload, kernel relocates" [user]="xdpload, relocated in user space"
	[libbpf]="libbpf (bpftool prog load)")
command_of() { # TOOL OBJ
	case "$1" in
	kernel) echo "$xdpload test $2" ;;
	user) echo "$xdpload test --btf $vmlinux $2" ;;
	libbpf) echo "bpftool prog load $2 $pin type xdp" ;;
	esac
}

# One timed load; its "WALL CPU RSS STATUS" line is appended to FILE.
timed() { # FILE TOOL OBJ
	local status
	# shellcheck disable=SC2046 # the command is split into words on purpose
	"$tmp/runstat" -o "$1" $(command_of "$2" "$3") </dev/null >"$tmp/log" 2>&1 || true
	rm -f "$pin"
	status=$(tail -n 1 "$1" | cut -d' ' -f4)
	[ "$status" = 0 ] || { cat "$tmp/log" >&2; die "${label[$2]} failed on $3"; }
}

counted() { # TOOL OBJ: prints "TOTAL BPF"
	# shellcheck disable=SC2046
	strace -f -c -U name,calls -o "$tmp/strace" $(command_of "$1" "$2") </dev/null >/dev/null 2>&1 || true
	rm -f "$pin"
	awk '$1 == "total" { t = $2 } $1 == "bpf" { b = $2 } END { print t + 0, b + 0 }' "$tmp/strace"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

for i in "${!objs[@]}"; do
	for tool in "${tools[@]}"; do
		timed "$tmp/warm" "$tool" "${objs[$i]}"
	done
done
for ((r = 0; r < rounds; r++)); do
	for i in "${!objs[@]}"; do
		for tool in "${tools[@]}"; do
			timed "$tmp/$tool.$i" "$tool" "${objs[$i]}"
		done
	done
done

printf '%s, %s cores, Linux %s, %s rounds\n\n' "$(date -u +%F)" "$(nproc)" "$(uname -r)" "$rounds"
printf '| object | relocations | loader | CPU ms | vs libbpf | syscalls | bpf() |\n'
printf '|---|---:|---|---:|---:|---:|---:|\n'
for i in "${!objs[@]}"; do
	obj="${objs[$i]}"
	relos=$("$xdpload" inspect --core -j "$obj" | jq '.relocations | length')
	base=$(cut -d' ' -f2 "$tmp/libbpf.$i" | median)
	for tool in "${tools[@]}"; do
		cpu=$(cut -d' ' -f2 "$tmp/$tool.$i" | median)
		read -r calls bpf < <(counted "$tool" "$obj")
		printf '| %s | %s | %s | %.2f | %.2fx | %s | %s |\n' "$(basename "$obj")" "$relos" \
			"${label[$tool]}" "$(echo "$cpu / 1000" | bc -l)" "$(echo "$cpu / $base" | bc -l)" "$calls" "$bpf"
	done
done
