#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/contend.sh - what an exact rule's shared hit counter costs when two
# CPUs hit the same rule at once (a flood of one source that RSS spreads over
# queues), against two CPUs hitting two rules, and one CPU alone.
#
#   bench/contend.sh            (as root, after `make`; needs 2 CPUs, bpftool, jq, taskset)
#   RUNS=N     rounds, the median is shown (7)
#   REPEAT=N   BPF_PROG_TEST_RUN repeat count per run (20000000, about a second)
#
# An exact rule's value holds its packets and bytes (struct fw_exact), added
# to atomically by every CPU: one cache line per rule that CPUs hitting the
# same rule pass between them.  Here the built-in firewall holds 10.0.0.1 and
# 10.0.0.2, drop events off, on a veth in a namespace of its own with a
# private bpffs; `bpftool prog run` runs the attached program pinned to CPU 0,
# and to CPU 1 at the same time.  Beside it, xdp-filter (xdp-tools, when
# installed; PEER=0 leaves it out) holds the same two addresses in its
# per-CPU hash, in a mount namespace of its own with a private bpffs, on a
# second veth, measured the same way.  A VM's two vCPUs are not always on two
# physical cores at once: a round where they were not shows no contention, so
# the rounds are printed with the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/mountns.sh
RUNS=${RUNS:-7} REPEAT=${REPEAT:-20000000}
say() { echo "contend: $*" >&2; }
[ "$(id -u)" -eq 0 ] || { say "needs root"; exit 1; }
[ "$(nproc)" -ge 2 ] || { say "needs 2 CPUs"; exit 1; }
for tool in bpftool jq taskset nsenter; do
	command -v "$tool" >/dev/null || { say "$tool is missing"; exit 1; }
done
XDPLOAD=$PWD/xdpload
[ -x "$XDPLOAD" ] || { say "$XDPLOAD is missing: run make"; exit 1; }

ID=$(($$ % 10000))
NS="xdpl-ct-$ID" IF_A="xdplct${ID}a" IF_B="xdplct${ID}b" IF_C="xdplct${ID}c" IF_D="xdplct${ID}d"
PEER=${PEER:-1} PEER_PID="" NS_PIDS=()
command -v xdp-filter >/dev/null || PEER=0
TMP=$(mktemp -d "/tmp/xdpl-ct.$ID.XXXXXX")
cleanup() {
	if [ -n "$PEER_PID" ]; then
		in_peer xdp-filter unload "$IF_D" >/dev/null 2>&1 || true
	fi
	kill_mount_ns
	ip netns del "$NS" 2>/dev/null || true
	mountpoint -q "$TMP/bpffs" 2>/dev/null && umount "$TMP/bpffs"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NS"
ip -n "$NS" link add "$IF_A" type veth peer name "$IF_B"
ip -n "$NS" link add "$IF_C" type veth peer name "$IF_D"
ip -n "$NS" link set "$IF_B" up
ip -n "$NS" link set "$IF_D" up
mkdir "$TMP/bpffs"
mount -t bpf bpf "$TMP/bpffs"
fw() { nsenter --net="/run/netns/$NS" "$XDPLOAD" "$@" --pin-maps "$TMP/bpffs"; }
fw firewall attach "$IF_B" >/dev/null
printf '10.0.0.1\n10.0.0.2\n' >"$TMP/rules.txt"
fw rules load "$TMP/rules.txt" --dev "$IF_B" >/dev/null
fw firewall set "$IF_B" --events-rate 0 >/dev/null
xdp_id() { ip -n "$NS" -j -d link show dev "$1" | jq -r '.[0].xdp.prog.id // empty'; }
PROG_fw=$(xdp_id "$IF_B")
in_peer() { nsenter --mount="/proc/$PEER_PID/ns/mnt" --net="/run/netns/$NS" "$@"; }
PROGS=fw
if [ "$PEER" = 1 ]; then
	mount_ns || exit 1
	PEER_PID=$NEW_NS_PID
	in_peer xdp-filter load -m skb -f ipv4,ipv6 "$IF_D" >/dev/null
	in_peer xdp-filter ip 10.0.0.1 --mode src >/dev/null
	in_peer xdp-filter ip 10.0.0.2 --mode src >/dev/null
	PROG_peer=$(xdp_id "$IF_D")
	PROGS="fw peer"
fi

# frame SRC: 64-byte IPv4 UDP from SRC (hex) to 192.0.2.1, as bytes.
frame() {
	local hex="020000000002020000000001""0800""450000320000400040110000""$1""c0000201""30390035001e0000""$(printf '%044d' 0)"
	printf "$(sed 's/../\\x&/g' <<<"$hex")"
}
frame 0a000001 >"$TMP/a.bin"
frame 0a000002 >"$TMP/b.bin"

# run CPU FRAME: ns per run of $PROG; a verdict other than XDP_DROP fails the benchmark.
run() {
	local out
	out=$(taskset -c "$1" bpftool -j prog run id "$PROG" data_in "$2" repeat "$REPEAT")
	[ "$(jq .retval <<<"$out")" = 1 ] || { say "not dropped: $out"; exit 1; }
	jq .duration <<<"$out"
}
# pair FRAME0 FRAME1: both CPUs at once; the slower CPU's ns.
pair() {
	local f=$TMP/pair
	run 0 "$1" >"$f.0" &
	local p0=$!
	run 1 "$2" >"$f.1" &
	local p1=$!
	wait "$p0"
	wait "$p1"
	sort -n "$f.0" "$f.1" | tail -n 1
}
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A R
say "$RUNS rounds of $REPEAT runs"
for ((r = 0; r < RUNS; r++)); do
	for p in $PROGS; do
		prog=PROG_$p
		PROG=${!prog}
		R[$p,alone]="${R[$p,alone]:-} $(run 0 "$TMP/a.bin")"
		R[$p,same]="${R[$p,same]:-} $(pair "$TMP/a.bin" "$TMP/a.bin")"
		R[$p,other]="${R[$p,other]:-} $(pair "$TMP/a.bin" "$TMP/b.bin")"
	done
done

echo "## An exact rule's counter, shared by two CPUs"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) CPUs, Linux $(uname -r); \`bench/contend.sh\`, $RUNS rounds of $REPEAT runs; ns per packet (IPv4 exact hit, dropped), the slower CPU of a pair."
echo
echo "| program | case | median | rounds |"
echo "|---|---|---|---|"
for p in $PROGS; do
	name=$([ "$p" = fw ] && echo "xdpload firewall" || echo "xdp-filter (per-CPU hash)")
	for c in alone:"one CPU" same:"two CPUs, the same rule" other:"two CPUs, a rule each"; do
		v=${R[$p,${c%%:*}]}
		# shellcheck disable=SC2086 # the rounds are words
		echo "| $name | ${c#*:} | $(printf '%s\n' $v | median) | ${v# } |"
	done
done
