#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/load.sh - the control path, side by side: what one load + attach +
# detach cycle costs with xdpload, ip, bpftool and xdp-loader, on a veth in a
# throwaway network namespace.
#
#   bench/load.sh [OBJ...]      (as root, after `make`; `make bench` runs it)
#
#   OBJ      objects holding one XDP program (in a section named xdp...);
#            default: bench/xdp_pass.o (the seed: no maps, XDP_PASS),
#            bench/xdp_count.o (one BTF-defined map) and xdp_kern.o (the
#            firewall xdpload ships)
#   ROUNDS   timed rounds (default 30); QUICK=1 is a smoke run of 2
#   MODE     skb (default) or native
#
# One cycle, per tool (IF is one end of the veth pair, PIN a file on bpffs):
#
#   xdpload     xdpload attach --mode skb OBJ IF; xdpload detach IF
#   ip          ip link set dev IF xdpgeneric obj OBJ sec SEC; ip link set dev IF xdpgeneric off
#   bpftool     bpftool prog load OBJ PIN type xdp; bpftool net attach xdpgeneric pinned PIN dev IF;
#               bpftool net detach xdpgeneric dev IF   (then the pin is removed, untimed: an unlink)
#   xdp-loader  xdp-loader load -m skb IF OBJ; xdp-loader unload --all IF
#   exec floor  a static no-op, run twice (as many execs as xdpload's cycle)
#
# Every tool attaches in the same mode (skb by default, as xdp-loader is asked
# for), so the kernel does the same attach work for each.  The commands run
# one after another with nothing else in the cycle; the tools are interleaved
# within each round (A B C D A B C D ...) so that load on the machine falls on
# all of them alike, and every figure is the median over the rounds of the
# whole cycle:
#
#   CPU ms    user + system time of the cycle's commands (wait4's rusage, to
#             the microsecond, by bench/runstat.c; nothing of the script's own)
#   wall ms   from the first exec to the last exit; mostly the RCU grace
#             periods the kernel waits for in attach and detach, so read CPU
#   syscalls  all system calls of the cycle's commands, and bpf() calls among
#             them, as `strace -f -c` counts them (exit_group, which never
#             returns, is not counted)
#   peak RSS  the largest VmHWM among the cycle's commands, read at exit
#             (bench/runstat.c says why not ru_maxrss / `time -v`)
#   on disk   the executable plus every shared library ldd says it maps
#
# Ratios are to xdpload's figure.  A tool that refuses an object shows
# "refused" in that row (its error is printed once, above the tables).
#
# Nothing outside is touched: the script runs in its own mount namespace with
# a fresh bpffs on /sys/fs/bpf (so pins by any tool land there and vanish with
# it), in a network namespace and veth pair named xdplb*, all removed on exit.
set -euo pipefail
export LC_ALL=C

root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${MODE:-skb}"
rounds="${ROUNDS:-30}"
[ "${QUICK:-0}" = 1 ] && rounds=2
count_rounds=$((rounds < 3 ? 1 : 3))

die() {
	echo "bench/load.sh: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (it loads BPF and creates a network namespace)"
case "$mode" in
skb) ip_mode=xdpgeneric ;;
native) ip_mode=xdpdrv ;;
*) die "MODE=$mode: expected skb or native" ;;
esac
case "$rounds" in
'' | *[!0-9]* | 0) die "ROUNDS=$rounds: expected a count from 1" ;;
esac
for tool in ip bpftool xdp-loader strace nsenter unshare jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
cc=$(command -v musl-gcc || echo gcc)

# A private mount namespace, so no bpffs mount or pin can leak out.
if [ "${XDPL_BENCH_PRIVATE:-}" != "$$" ]; then
	XDPL_BENCH_PRIVATE=$$ exec unshare -m --propagation private "$0" "$@"
fi

objs=("$@")
if [ ${#objs[@]} -eq 0 ]; then
	objs=(bench/xdp_pass.o bench/xdp_count.o xdp_kern.o)
	cd "$root"
fi
for obj in "${objs[@]}"; do
	[ -f "$obj" ] || die "$obj: no such object (run make first)"
done
xdpload="$root/xdpload"
[ -x "$xdpload" ] || die "$xdpload is not built (run make first)"

tmp=$(mktemp -d /tmp/xdplb.XXXXXX)
ns="xdplb-$$"
if_a="xdplb$$a"
if_b="xdplb$$b"
cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	umount /sys/fs/bpf 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount -t bpf bpf /sys/fs/bpf
ip netns add "$ns"
ip link add "$if_a" netns "$ns" type veth peer name "$if_b" netns "$ns"
ip -n "$ns" link set "$if_a" up
ip -n "$ns" link set "$if_b" up
in_ns() { nsenter --net="/run/netns/$ns" "$@"; }

# The measuring tool and the floor: both static, so neither adds a loader's cost.
"$cc" -std=gnu11 -O2 -static -o "$tmp/runstat" "$root/bench/runstat.c"
echo 'int main(void) { return 0; }' >"$tmp/noop.c"
"$cc" -O2 -static -s -o "$tmp/noop" "$tmp/noop.c"

tools=(xdpload ip bpftool xdp-loader floor)
declare -A label=([xdpload]=xdpload [ip]=ip [bpftool]=bpftool [xdp-loader]=xdp-loader
	[floor]="exec floor")
declare -A binary=([xdpload]="$xdpload" [ip]="$(command -v ip)"
	[bpftool]="$(command -v bpftool)" [xdp-loader]="$(command -v xdp-loader)"
	[floor]="$tmp/noop")

# The cycle of TOOL on OBJ as one command line, the commands apart by "::"
# (so no path may hold a space).
cycle() {
	local tool="$1" obj="$2" sec="$3" pin="/sys/fs/bpf/xdplb-prog"

	case "$tool" in
	xdpload) echo "$xdpload attach --mode $mode $obj $if_a :: $xdpload detach $if_a" ;;
	ip) echo "ip link set dev $if_a $ip_mode obj $obj sec $sec :: ip link set dev $if_a $ip_mode off" ;;
	bpftool) echo "bpftool prog load $obj $pin type xdp :: bpftool net attach $ip_mode pinned $pin dev $if_a :: bpftool net detach $ip_mode dev $if_a" ;;
	xdp-loader) echo "xdp-loader load -m $mode $if_a $obj :: xdp-loader unload --all $if_a" ;;
	floor) echo "$tmp/noop :: $tmp/noop" ;;
	esac
}

# After a cycle: the bpftool pin goes (untimed); after a failure, any program left.
after() {
	rm -f /sys/fs/bpf/xdplb-prog
	if [ "$1" -ne 0 ]; then
		in_ns ip link set dev "$if_a" xdpgeneric off 2>/dev/null || true
		in_ns ip link set dev "$if_a" xdpdrv off 2>/dev/null || true
	fi
}

# Run one cycle under runstat; its line is appended to FILE.  usage: timed FILE [-r] CYCLE
timed() {
	local file="$1" status=125
	shift
	if in_ns "$tmp/runstat" -o "$file" "$@" </dev/null >>"$tmp/log" 2>&1; then
		status=$(tail -n 1 "$file" | cut -d' ' -f4)
	fi
	after "$status"
	return "$status"
}

# Count one cycle's syscalls, one strace per command; prints "TOTAL BPF".
counted() {
	local total=0 bpf=0 cmd t b
	while IFS= read -r cmd; do
		# shellcheck disable=SC2086 # the command is split on purpose
		in_ns strace -f -c -U name,calls -o "$tmp/strace" $cmd </dev/null >>"$tmp/log" 2>&1 || true
		read -r t b < <(awk '$1 == "total" { t = $2 } $1 == "bpf" { b = $2 }
			END { print t + 0, b + 0 }' "$tmp/strace")
		total=$((total + t))
		bpf=$((bpf + b))
	done <<<"${1// :: /$'\n'}"
	after 1
	echo "$total $bpf"
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# Bytes on disk of an executable and the shared libraries it maps.
footprint() {
	local bytes lib
	bytes=$(stat -L -c %s "$1")
	for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
		bytes=$((bytes + $(stat -L -c %s "$lib")))
	done
	echo "$bytes"
}

# One untimed cycle each first: a tool that refuses an object is left out.
declare -A refused sections
for i in "${!objs[@]}"; do
	obj="${objs[$i]}"
	sections[$i]=$("$xdpload" inspect -j "$obj" |
		jq -r '[.programs[] | select(.type == "xdp")][0].section')
	for tool in "${tools[@]}"; do
		# shellcheck disable=SC2046 # a cycle is split into words on purpose
		if ! timed "$tmp/probe" $(cycle "$tool" "$obj" "${sections[$i]}"); then
			refused[$tool.$i]=1
			echo "bench/load.sh: ${label[$tool]} refused $obj:" >&2
			tail -n 5 "$tmp/log" | sed 's/^/    /' >&2
		fi
		: >"$tmp/log"
	done
done

for ((r = 0; r < rounds; r++)); do
	for i in "${!objs[@]}"; do
		for tool in "${tools[@]}"; do
			[ -z "${refused[$tool.$i]:-}" ] || continue
			# shellcheck disable=SC2046 # a cycle is split into words on purpose
			timed "$tmp/time.$tool.$i" $(cycle "$tool" "${objs[$i]}" "${sections[$i]}") || true
		done
	done
done
for ((r = 0; r < count_rounds; r++)); do
	for i in "${!objs[@]}"; do
		for tool in "${tools[@]}"; do
			[ -z "${refused[$tool.$i]:-}" ] || continue
			counted "$(cycle "$tool" "${objs[$i]}" "${sections[$i]}")" >>"$tmp/count.$tool.$i"
			# shellcheck disable=SC2046 # a cycle is split into words on purpose
			timed "$tmp/rss.$tool.$i" -r $(cycle "$tool" "${objs[$i]}" "${sections[$i]}") || true
		done
	done
done

# The lines of a runstat file whose cycle succeeded.
ok() { awk '$4 == 0' "$1"; }

# "VALUE" for xdpload's row, "VALUE (RATIO×)" for the others.
cell() {
	local value="$1" base="$2" digits="$3"
	if [ "$4" = xdpload ]; then
		printf "%.${digits}f" "$value"
	else
		awk -v v="$value" -v b="$base" -v d="$digits" 'BEGIN {
			printf "%.*f", d, v
			if (b > 0) printf(v / b >= 10 ? " (%.0f×)" : v / b >= 1 ? " (%.1f×)" : " (%.2f×)", v / b) }'
	fi
}

echo "Control path: one load + attach ($mode mode) + detach cycle; medians of $rounds rounds" \
	"(syscalls and RSS: $count_rounds)."
echo "$(date -u +%Y-%m-%d), $(nproc) cores, Linux $(uname -r);" \
	"ROUNDS=$rounds MODE=$mode bench/load.sh${*:+ $*}"
for i in "${!objs[@]}"; do
	declare -A cpu=() wall=() calls=() bpfs=() rss=() disk=()
	for tool in "${tools[@]}"; do
		[ -z "${refused[$tool.$i]:-}" ] || continue
		wall[$tool]=$(ok "$tmp/time.$tool.$i" | awk '{ print $1 / 1000 }' | median)
		cpu[$tool]=$(ok "$tmp/time.$tool.$i" | awk '{ print $2 / 1000 }' | median)
		rss[$tool]=$(ok "$tmp/rss.$tool.$i" | awk '{ print $3 }' | median)
		calls[$tool]=$(awk '{ print $1 }' "$tmp/count.$tool.$i" | median)
		bpfs[$tool]=$(awk '{ print $2 }' "$tmp/count.$tool.$i" | median)
		disk[$tool]=$(($(footprint "${binary[$tool]}") / 1024))
	done
	echo
	echo "#### ${objs[$i]}"
	echo
	echo "| tool | CPU ms | wall ms | syscalls | bpf() | peak RSS KiB | on disk KiB |"
	echo "|---|---|---|---|---|---|---|"
	for tool in "${tools[@]}"; do
		if [ -n "${refused[$tool.$i]:-}" ] || [ -z "${cpu[$tool]}" ]; then
			echo "| ${label[$tool]} | refused | | | | | |"
			continue
		fi
		x=xdpload
		echo "| ${label[$tool]} | $(cell "${cpu[$tool]}" "${cpu[$x]:-0}" 2 "$tool")" \
			"| $(cell "${wall[$tool]}" "${wall[$x]:-0}" 1 "$tool")" \
			"| $(cell "${calls[$tool]}" "${calls[$x]:-0}" 0 "$tool")" \
			"| $(cell "${bpfs[$tool]}" "${bpfs[$x]:-0}" 0 "$tool")" \
			"| $(cell "${rss[$tool]}" "${rss[$x]:-0}" 0 "$tool")" \
			"| $(cell "${disk[$tool]}" "${disk[$x]:-0}" 0 "$tool") |"
	done
done
