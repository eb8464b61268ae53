#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/datapath.sh - what the built-in firewall costs on the data path,
# next to a floor, a yardstick and a peer.  Markdown tables on stdout,
# progress on stderr:
#
#   1. ns per packet: BPF_PROG_TEST_RUN with a repeat count on 64-byte IPv4
#      and IPv6 UDP frames (exact hit, prefix hit, miss), at 1 to 1M rules
#      per family; next to XDP_PASS (bench/pass.c), one hash lookup in the
#      firewall's own fw_v4 (bench/hash1.c) and xdp-filter (xdp-tools)
#   2. the programs' size: instructions after the verifier, JIT bytes
#   3. kernel memory per rule (the maps' memlock, and /proc/meminfo)
#   4. rules load time: first load, again unchanged, 10% changed, emptied;
#      xdp-filter's one process per rule
#   5. drops per second over a veth, drop events off and on
#   6. port rules: ns per TCP frame to a blocked, an allowed and an unlisted
#      port, IPv4 and IPv6, next to `xdp-filter port` with the same ports
#
# Everything happens in a network namespace and on a private bpffs that the
# script makes and removes on exit; xdp-filter runs in a mount namespace of
# its own with a private bpffs on /sys/fs/bpf, so the host's interfaces and
# pins are never touched.  Numbers are medians of RUNS runs, interleaved
# (every program and packet once per round), since a shared machine is noisy.
# A benchmark reports; it fails only when it cannot run, or when a verdict is
# wrong (a hit that passes is a bug, not a figure).
#
# Needs root, a built tree (`make bench-datapath` builds and runs it),
# bpftool and jq; xdp-filter is optional.  Settings, from the environment:
#
#   QUICK=1        a smoke run in seconds: tiny repeats, up to 1k rules
#   RUNS=N         runs per figure, the median is shown (5)
#   REPEAT=N       BPF_PROG_TEST_RUN repeat count (1000000)
#   SIZES="..."    rules per family, per-packet table (1 1000 10000 100000 1000000)
#   LOAD_SIZES=".." rules in a file, load table (1000 100000 1000000)
#   LOAD_RUNS=N    runs per load figure (3)
#   FLOOD_SECONDS  seconds per flood (5)
#   PEER=0         leave xdp-filter out; PEER_MAX: most rules per family it gets (10000)
#   BENCH_ID=N     the number in the stage's names: namespace xdpl-bdp-N, veths
#                  xdplbdN[a-d], /tmp/xdpl-bdp.N.*; 0 to 9999 (the pid's last digits),
#                  so that a caller can check they are gone
#
# The port rules, on firewalls of their own with no address rule: block mode
# `tcp/22 udp/53 tcp/8000-8100`, allow-only `allow:tcp/22 allow:tcp/443`;
# xdp-filter gets the same ports one `xdp-filter port` each, loaded with
# `-f tcp,udp` and policy allow (its rules drop) or deny (its rules admit).
#
# The rules (say which, since the lookup cost depends on them): per family,
# 90% exact addresses and 10% prefixes once there are 10 or more.  IPv4:
# 10.0.0.1 upwards (/32), and one prefix per /24 from 11.0.0.0, /24 and /28
# in turn.  IPv6: 2001:db8:X:Y::1 (/128), and 2a00:X:Y::/48 and
# 2a00:X:Y:1::/64 in turn.  The miss is a near miss: 11.0.1.200 and
# 2a00:0:1:2::1 sit beside prefixes, so the trie is walked deep.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/mountns.sh

QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	RUNS=${RUNS:-1} REPEAT=${REPEAT:-10000} SIZES=${SIZES:-1 1000} LOAD_SIZES=${LOAD_SIZES:-1000}
	LOAD_RUNS=${LOAD_RUNS:-1} FLOOD_SECONDS=${FLOOD_SECONDS:-0.3} PEER_MAX=${PEER_MAX:-1}
fi
RUNS=${RUNS:-5} REPEAT=${REPEAT:-1000000} SIZES=${SIZES:-1 1000 10000 100000 1000000}
LOAD_SIZES=${LOAD_SIZES:-1000 100000 1000000} LOAD_RUNS=${LOAD_RUNS:-3}
FLOOD_SECONDS=${FLOOD_SECONDS:-5} PEER=${PEER:-1} PEER_MAX=${PEER_MAX:-10000}

XDPLOAD=$PWD/xdpload
FLOOD=$PWD/bench/out/flood

say() { echo "datapath: $*" >&2; }
die() {
	say "$*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (BPF, namespaces, bpffs)"
for f in "$XDPLOAD" bench/pass.o bench/hash1.o "$FLOOD"; do
	[ -x "$f" ] || [ -f "$f" ] || die "$f is missing: run \`make bench-datapath\`"
done
for tool in bpftool jq nsenter unshare awk; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done
if [ "$PEER" = 1 ] && ! command -v xdp-filter >/dev/null; then
	say "xdp-filter is not installed (apt install xdp-tools): the peer is left out"
	PEER=0
fi

# ---- the stage: one namespace, two veth pairs, a private bpffs ----------

ID=${BENCH_ID:-$(($$ % 10000))}
case "$ID" in '' | *[!0-9]* | ?????*) die "BENCH_ID=$ID: expected a number from 0 to 9999" ;; esac
NS="xdpl-bdp-$ID"
IF_A="xdplbd${ID}a" IF_B="xdplbd${ID}b" # flood A -> B, the firewall on B
IF_C="xdplbd${ID}c" IF_D="xdplbd${ID}d" # xdp-filter on D; C lends itself to size probes
IF_E="xdplbd${ID}e" IF_F="xdplbd${ID}f" # the firewall on E with xdp-filter's rules: exact only
IF_G="xdplbd${ID}g" IF_H="xdplbd${ID}h" # port rules, block: the firewall on G, xdp-filter on H
IF_I="xdplbd${ID}i" IF_J="xdplbd${ID}j" # port rules, allow-only: the firewall on I, xdp-filter on J
TMP=$(mktemp -d "/tmp/xdpl-bdp.$ID.XXXXXX")
BPFFS=$TMP/bpffs
FWDIR=$BPFFS/fw-state/$IF_B
PEER_PID="" READER_PID=""
PORT_PEERS=() # "PID IFACE" of each xdp-filter loaded for the port rules
NS_PIDS=()    # every mount namespace's holder (mount_ns)
HOST_XDPFILTER_BEFORE=$([ -e /sys/fs/bpf/xdp-filter ] && echo yes || echo no)

cleanup() {
	[ -z "$READER_PID" ] || { kill "$READER_PID" 2>/dev/null; wait "$READER_PID" 2>/dev/null; } || true
	if [ -n "$PEER_PID" ]; then
		in_peer xdp-filter unload "$IF_D" >/dev/null 2>&1 || true
	fi
	local p
	for p in "${PORT_PEERS[@]}"; do
		nsenter --mount="/proc/${p% *}/ns/mnt" --net="/run/netns/$NS" xdp-filter unload "${p#* }" \
			>/dev/null 2>&1 || true
	done
	kill_mount_ns
	ip netns del "$NS" 2>/dev/null || true
	mountpoint -q "$BPFFS" 2>/dev/null && umount "$BPFFS"
	rm -rf "$TMP"
	if [ "$HOST_XDPFILTER_BEFORE" = no ] && [ -e /sys/fs/bpf/xdp-filter ]; then
		say "warning: /sys/fs/bpf/xdp-filter appeared on the host's bpffs during the run"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { nsenter --net="/run/netns/$NS" "$@"; }
in_peer() { nsenter --mount="/proc/$PEER_PID/ns/mnt" --net="/run/netns/$NS" "$@"; }
fw() { in_ns "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }
xdp_id() { ip -n "$NS" -j -d link show dev "$1" | jq -r '.[0].xdp.prog.id // empty'; }

ip netns add "$NS"
ip -n "$NS" link add "$IF_A" type veth peer name "$IF_B"
ip -n "$NS" link add "$IF_C" type veth peer name "$IF_D"
ip -n "$NS" link add "$IF_E" type veth peer name "$IF_F"
ip -n "$NS" link add "$IF_G" type veth peer name "$IF_H"
ip -n "$NS" link add "$IF_I" type veth peer name "$IF_J"
for dev in lo "$IF_A" "$IF_B" "$IF_C" "$IF_D" "$IF_E" "$IF_F" "$IF_G" "$IF_H" "$IF_I" "$IF_J"; do
	ip -n "$NS" link set "$dev" up
done
mkdir "$BPFFS"
mount -t bpf bpf "$BPFFS"

# Counters before any rule, for the memory table.
meminfo_kb() { awk '/^(Slab|Percpu):/ { kb += $2 } END { print kb }' /proc/meminfo; }
memlock() { bpftool map show pinned "$FWDIR/$1" -j | jq .bytes_memlock; }
fw firewall attach "$IF_B" >/dev/null
FW_ID=$(xdp_id "$IF_B")
[ -n "$FW_ID" ] || die "the firewall did not attach to $IF_B"
fw firewall attach "$IF_E" >/dev/null
EX_ID=$(xdp_id "$IF_E")
[ -n "$EX_ID" ] || die "the firewall did not attach to $IF_E"
declare -A MEM
for m in fw_v4 fw_v6 fw_lpm4 fw_lpm6 fw_hits; do MEM[0,$m]=$(memlock $m); done
MEM[0,kb]=$(meminfo_kb)

# ---- rules and packets --------------------------------------------------

# gen N4 N6: a rules file with N4 IPv4 and N6 IPv6 rules (see the top).
gen() {
	awk -v n4="$1" -v n6="$2" '
	function v4(x) { return sprintf("%d.%d.%d.%d", int(x / 16777216) % 256, int(x / 65536) % 256, int(x / 256) % 256, x % 256) }
	BEGIN {
		p4 = n4 >= 10 ? int(n4 / 10) : 0; p6 = n6 >= 10 ? int(n6 / 10) : 0
		for (i = 0; i < n4 - p4; i++) print v4(167772161 + i)
		for (i = 0; i < p4; i++) print v4(184549376 + i * 256) (i % 2 ? "/28" : "/24")
		for (i = 0; i < n6 - p6; i++) printf "2001:db8:%x:%x::1\n", int(i / 65536), i % 65536
		for (i = 0; i < p6; i++) printf "2a00:%x:%x%s\n", int(i / 65536), i % 65536, i % 2 ? ":1::/64" : "::/48"
	}'
}

hex4() { printf '%02x%02x%02x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }

# 64-byte frames: Ethernet, IPv4 (20) or IPv6 (40), UDP 12345 -> 53, zeros.
frame4() { echo "020000000002020000000001""0800""450000320000400040110000""$1""c0000201""30390035001e0000""$(printf '%044d' 0)"; }
frame6() { echo "020000000002020000000001""86dd""60000000000a1140""$1""20010db8000000000000000000000002""30390035000a0000""0000"; }

KINDS="v4-exact v4-prefix v4-miss v6-exact v6-prefix v6-miss"

# packet KIND N: the frame for KIND with N rules per family, as hex.
packet() {
	local n=$2 exact prefixes
	prefixes=$((n >= 10 ? n / 10 : 0))
	exact=$((n - prefixes))
	case "$1" in
	v4-exact) frame4 "$(hex4 $((167772161 + exact / 2)))" ;;
	v4-prefix) frame4 "$(hex4 $((184549376 + 2 * (prefixes / 4) * 256 + 7)))" ;;
	v4-miss) frame4 "$(hex4 $((184549376 + 256 + 200)))" ;;
	v6-exact) frame6 "20010db8$(printf '%04x%04x' $((exact / 2 / 65536)) $((exact / 2 % 65536)))0000000000000001" ;;
	v6-prefix) frame6 "2a00$(printf '%04x%04x' $((2 * (prefixes / 4) / 65536)) $((2 * (prefixes / 4) % 65536)))00000000000000000007" ;;
	v6-miss) frame6 "2a00000000010002""0000000000000001" ;;
	esac
}

# Hex on stdin to bytes on stdout (bpftool prog run reads a file).
unhex() { local hex; read -r hex; printf "$(sed "s/../\\\\x&/g" <<<"$hex")"; }

expected() { case "$1" in *miss) echo XDP_PASS ;; *) echo XDP_DROP ;; esac; }
retval_name() { case "$1" in 1) echo XDP_DROP ;; 2) echo XDP_PASS ;; *) echo "retval $1" ;; esac; }

# ---- measuring ----------------------------------------------------------

declare -A R   # R[key] = the values of a figure, one per run
BAD=()         # wrong verdicts

add() { R[$1]="${R[$1]:-} $2"; }
median() {
	printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
med() { [ -n "${R[$1]:-}" ] && median "${R[$1]}" || echo "-"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx\n", a / b }'; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'; }

# test_ns KEY WANT OBJ-ARGS... : one `xdpload test` run; its mean ns into R[KEY].
test_ns() {
	local key=$1 want=$2 out
	shift 2
	out=$("$XDPLOAD" test "$@" --repeat "$REPEAT" -j) || die "xdpload test $* failed"
	add "$key" "$(jq .duration_ns <<<"$out")"
	[ -z "$want" ] || [ "$(jq -r .result <<<"$out")" = "$want" ] ||
		BAD+=("$key: $(jq -r .result <<<"$out"), want $want")
}

# run_ns KEY WANT PROG_ID FRAME_FILE: one `bpftool prog run`; its mean ns into R[KEY].
run_ns() {
	local key=$1 want=$2 out got
	out=$(bpftool -j prog run id "$3" data_in "$4" repeat "$REPEAT") || die "bpftool prog run id $3 failed"
	add "$key" "$(jq .duration <<<"$out")"
	got=$(retval_name "$(jq .retval <<<"$out")")
	[ -z "$want" ] || [ "$got" = "$want" ] || BAD+=("$key: $got, want $want")
}

# ---- the peer: xdp-filter in its own mount namespace --------------------

PEER_ID="" PEER_CAP=0 PEER_RULES=0 PEER_SECONDS=0 PEER_LOADED=0
peer_start() {
	mount_ns || die "no mount namespace for xdp-filter"
	PEER_PID=$NEW_NS_PID
	# Generic (skb) mode; -f ipv4,ipv6 picks its source-address program, the closest to ours.
	in_peer xdp-filter load -m skb -f ipv4,ipv6 "$IF_D" >/dev/null
	PEER_ID=$(xdp_id "$IF_D")
	[ -n "$PEER_ID" ] || die "xdp-filter did not attach to $IF_D"
	local m
	for m in $(bpftool prog show id "$PEER_ID" -j | jq '.map_ids[]'); do
		bpftool map show id "$m" -j | jq -e '.name == "filter_ipv4"' >/dev/null &&
			PEER_CAP=$(bpftool map show id "$m" -j | jq .max_entries)
	done
	say "xdp-filter: program id $PEER_ID, its maps hold $PEER_CAP addresses per family"
}

# peer_fill N: xdp-filter gets the exact addresses among N rules per family
# (those it does not have yet), one process per address, timed.
peer_fill() {
	local n=$1 t0
	gen "$n" "$n" | awk -v have="$PEER_LOADED" '
		/\// { next } /:/ { if (++six > have) print; next } { if (++four > have) print }' >"$TMP/peer.txt"
	# One nsenter for them all, so the time is xdp-filter's own.
	t0=$(now)
	in_peer sh -c 'while read -r addr; do xdp-filter ip "$addr" --mode src >/dev/null || exit 1; done' \
		<"$TMP/peer.txt" || die "xdp-filter ip failed"
	PEER_SECONDS=$(awk -v a="$PEER_SECONDS" -v b="$(since "$t0")" 'BEGIN { print a + b }')
	PEER_RULES=$((PEER_RULES + $(wc -l <"$TMP/peer.txt")))
	PEER_LOADED=$((n >= 10 ? n - n / 10 : n))
}

# ---- 1. ns per packet, and 3. memory, size by size -----------------------

peer_ok() { [ "$PEER" = 1 ] && [ "$1" -le "$PEER_MAX" ] && [ "$(($1 >= 10 ? $1 - $1 / 10 : $1))" -le "$PEER_CAP" ]; }
[ "$PEER" = 1 ] && peer_start

for n in $SIZES; do
	say "$n rules per family: loading"
	gen "$n" "$n" >"$TMP/rules.txt"
	kb0=$(meminfo_kb)
	fw rules load "$TMP/rules.txt" --dev "$IF_B" >/dev/null
	# Slab + Percpu: what B's rules added, size after size (E's below are not in it).
	FW_KB=$((${FW_KB:-0} + $(meminfo_kb) - kb0))
	for m in fw_v4 fw_v6 fw_lpm4 fw_lpm6; do MEM[$n,$m]=$(memlock $m); done
	MEM[$n,kb]=$((${MEM[0,kb]} + FW_KB))
	# The same rules as xdp-filter's: the exact addresses alone, no prefix.
	grep -v / "$TMP/rules.txt" >"$TMP/exact.txt"
	fw rules load "$TMP/exact.txt" --dev "$IF_E" >/dev/null
	peer_here=0
	if peer_ok "$n"; then
		peer_fill "$n"
		peer_here=1
	fi
	for kind in $KINDS; do
		packet "$kind" "$n" | unhex >"$TMP/$kind.bin"
	done
	say "$n rules per family: $RUNS rounds of $REPEAT runs"
	for ((r = 0; r < RUNS; r++)); do
		for kind in $KINDS; do
			case "$kind" in *prefix) [ "$n" -ge 10 ] || continue ;; esac
			p=$(packet "$kind" "$n")
			want=$(expected "$kind")
			test_ns "$n|$kind|pass" XDP_PASS bench/pass.o --packet "$p"
			case "$kind" in v4*) test_ns "$n|$kind|hash1" "" bench/hash1.o --pin-maps "$FWDIR" --packet "$p" ;; esac
			test_ns "$n|$kind|test" "$want" --builtin --pin-maps "$FWDIR" --packet "$p"
			run_ns "$n|$kind|run" "$want" "$FW_ID" "$TMP/$kind.bin"
			[ "${kind#*-}" = prefix ] || run_ns "$n|$kind|exact" "$want" "$EX_ID" "$TMP/$kind.bin"
			if [ "$peer_here" = 1 ] && [ "${kind#*-}" != prefix ]; then
				run_ns "$n|$kind|peer" "$want" "$PEER_ID" "$TMP/$kind.bin"
			fi
		done
		# The same attached program with drop events off: what the limiter costs a drop.
		fw firewall set "$IF_B" --events-rate 0 >/dev/null
		for kind in $KINDS; do
			case "$kind" in *prefix) [ "$n" -ge 10 ] || continue ;; esac
			run_ns "$n|$kind|quiet" "$(expected "$kind")" "$FW_ID" "$TMP/$kind.bin"
		done
		fw firewall set "$IF_B" --events-rate 100 >/dev/null
	done
done

# ---- 6. port rules (before 5: the flood ends the packet runs) -----------

# TCP SYN frames from 192.0.2.9 / 2001:db8:ffff::9 (in no address rule) to
# port $1: IPv4 64 bytes (padded), IPv6 74.
tcp_hdr() { printf '3039%04x00000000000000005002ffff00000000' "$1"; }
tframe4() { echo "020000000002020000000001""0800""450000280000400040060000""c0000209""c0000201""$(tcp_hdr "$1")""$(printf '%020d' 0)"; }
tframe6() { echo "020000000002020000000001""86dd""6000000000140640""20010db8ffff00000000000000000009""20010db8000000000000000000000002""$(tcp_hdr "$1")"; }

PORT_BLOCK="tcp/22 udp/53 tcp/8000-8100" PORT_ALLOW="tcp/22 tcp/443"
# mode|family|port|verdict: a blocked port, one in the blocked range, one in no
# rule; an allowed port, one in no rule.
PORT_CASES="block|v4|22|XDP_DROP block|v4|8050|XDP_DROP block|v4|80|XDP_PASS
block|v6|22|XDP_DROP block|v6|8050|XDP_DROP block|v6|80|XDP_PASS
allow|v4|22|XDP_PASS allow|v4|80|XDP_DROP allow|v6|22|XDP_PASS allow|v6|80|XDP_DROP"

# port_peer POLICY IFACE SERVICE...: xdp-filter in a mount namespace of its
# own, `-f tcp,udp` and POLICY (allow: its rules drop; deny: they admit) on
# IFACE, holding SERVICE's ports (a range is a port each, as it takes them);
# its program id in PORT_PEER_ID.
port_peer() {
	local policy=$1 dev=$2
	shift 2
	mount_ns || die "no mount namespace for xdp-filter"
	PORT_PEERS+=("$NEW_NS_PID $dev")
	nsenter --mount="/proc/$NEW_NS_PID/ns/mnt" --net="/run/netns/$NS" \
		xdp-filter load -m skb -f tcp,udp -p "$policy" "$dev" >/dev/null
	printf '%s\n' "$@" | awk -F'[/-]' '{ for (p = $2; p <= ($3 == "" ? $2 : $3); p++) print $1, p }' |
		nsenter --mount="/proc/$NEW_NS_PID/ns/mnt" --net="/run/netns/$NS" \
			sh -c 'while read -r proto port; do xdp-filter port "$port" -p "$proto" >/dev/null || exit 1; done' ||
		die "xdp-filter port failed"
	PORT_PEER_ID=$(xdp_id "$dev")
	[ -n "$PORT_PEER_ID" ] || die "xdp-filter did not attach to $dev"
}

say "port rules: block $PORT_BLOCK on $IF_G, allow-only $PORT_ALLOW on $IF_I"
fw firewall attach "$IF_G" >/dev/null
fw firewall attach "$IF_I" >/dev/null
PORT_ID_block=$(xdp_id "$IF_G") PORT_ID_allow=$(xdp_id "$IF_I")
[ -n "$PORT_ID_block" ] && [ -n "$PORT_ID_allow" ] || die "the firewall did not attach to $IF_G and $IF_I"
# shellcheck disable=SC2086 # the services are words
fw block $PORT_BLOCK --dev "$IF_G" >/dev/null
# shellcheck disable=SC2086
fw allow $PORT_ALLOW --dev "$IF_I" >/dev/null
PEER_PORT_block="" PEER_PORT_allow=""
if [ "$PEER" = 1 ]; then
	# shellcheck disable=SC2086
	port_peer allow "$IF_H" $PORT_BLOCK
	PEER_PORT_block=$PORT_PEER_ID
	# shellcheck disable=SC2086
	port_peer deny "$IF_J" $PORT_ALLOW
	PEER_PORT_allow=$PORT_PEER_ID
fi
for c in $PORT_CASES; do
	IFS='|' read -r mode fam port want <<<"$c"
	"tframe${fam#v}" "$port" | unhex >"$TMP/tcp-$fam-$port.bin"
done
say "port rules: $RUNS rounds of $REPEAT runs"
for ((r = 0; r < RUNS; r++)); do
	for c in $PORT_CASES; do
		IFS='|' read -r mode fam port want <<<"$c"
		ours=PORT_ID_$mode theirs=PEER_PORT_$mode
		run_ns "port|$mode|$fam|$port|run" "$want" "${!ours}" "$TMP/tcp-$fam-$port.bin"
		[ -z "${!theirs}" ] || run_ns "port|$mode|$fam|$port|peer" "$want" "${!theirs}" "$TMP/tcp-$fam-$port.bin"
	done
done

# ---- 5. drops per second over the veth, events off and on ---------------

LAST=${SIZES##* }
MAC=$(ip -n "$NS" -j link show dev "$IF_B" | jq -r '.[0].address' | tr -d :)
FLOOD_FRAME=$MAC$(packet v4-exact "$LAST" | cut -c13-)
packet v4-exact "$LAST" | unhex >"$TMP/flood.bin"
stat_of() { jq ".$2.packets" <<<"$1"; }
MODES="off default all"
mode_rate() { case "$1" in off) echo 0 ;; default) echo 100 ;; all) echo 1000000 ;; esac; }

say "drops over $IF_A -> $IF_B: $RUNS rounds of ${FLOOD_SECONDS}s per setting"
for ((r = 0; r < RUNS; r++)); do
	for mode in $MODES; do
		fw firewall set "$IF_B" --events-rate "$(mode_rate "$mode")" >/dev/null
		if [ "$mode" = all ]; then
			# nsenter execs xdpload: $! is the reader itself.
			nsenter --net="/run/netns/$NS" "$XDPLOAD" events --dev "$IF_B" --pin-maps "$BPFFS" -j \
				>/dev/null 2>&1 &
			READER_PID=$!
			sleep 0.2
		fi
		run_ns "flood|$mode|ns" XDP_DROP "$FW_ID" "$TMP/flood.bin"
		before=$(fw stats --dev "$IF_B" -j)
		t0=$(now)
		in_ns "$FLOOD" "$IF_A" "$FLOOD_SECONDS" "$FLOOD_FRAME" >/dev/null
		seconds=$(since "$t0")
		after=$(fw stats --dev "$IF_B" -j)
		if [ -n "$READER_PID" ]; then
			kill "$READER_PID" 2>/dev/null || true
			wait "$READER_PID" 2>/dev/null || true
			READER_PID=""
		fi
		for s in drop events_sent; do
			add "flood|$mode|$s" "$(awk -v a="$(stat_of "$before" $s)" -v b="$(stat_of "$after" $s)" \
				-v t="$seconds" 'BEGIN { printf "%d\n", (b - a) / t }')"
		done
	done
done
fw firewall set "$IF_B" --events-rate 100 >/dev/null

# ---- 2. the programs' size ----------------------------------------------

declare -A SIZE
size_of() { SIZE[$1]=$(bpftool prog show id "$2" -j | jq -r '"\(.bytes_xlated / 8) \(.bytes_jited)"'); }
probe() { # probe NAME OBJ [ARGS]: attach to C just long enough to read its size
	local name=$1 obj=$2
	shift 2
	in_ns "$XDPLOAD" attach "$obj" "$IF_C" "$@" >/dev/null
	size_of "$name" "$(xdp_id "$IF_C")"
	in_ns "$XDPLOAD" detach "$IF_C" >/dev/null
}
probe pass bench/pass.o
probe hash1 bench/hash1.o --pin-maps "$FWDIR"
size_of firewall "$FW_ID"
[ -z "$PEER_ID" ] || size_of peer "$PEER_ID"

# ---- 4. rules load time -------------------------------------------------

: >"$TMP/empty.txt"
for l in $LOAD_SIZES; do
	gen $((l / 2)) $((l - l / 2)) >"$TMP/load.txt"
	awk 'NR % 10 == 0 { x = 201326592 + NR; printf "%d.%d.%d.%d\n", int(x / 16777216), int(x / 65536) % 256, int(x / 256) % 256, x % 256; next } { print }' \
		"$TMP/load.txt" >"$TMP/changed.txt"
	say "rules load of $l rules: $LOAD_RUNS rounds"
	fw rules load "$TMP/empty.txt" --dev "$IF_B" --force >/dev/null
	for ((r = 0; r < LOAD_RUNS; r++)); do
		for step in first:load same:load changed:changed empty:empty; do
			t0=$(now)
			fw rules load "$TMP/${step#*:}.txt" --dev "$IF_B" --force >/dev/null
			add "load|$l|${step%%:*}" "$(since "$t0")"
		done
	done
done

# ---- the tables ---------------------------------------------------------

echo "## Data path: xdpload's firewall"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, Linux $(uname -r); \`$([ "$QUICK" = 1 ] && echo "QUICK=1 ")bench/datapath.sh\`, medians of $RUNS runs, BPF_PROG_TEST_RUN repeat $REPEAT."
echo
echo "### ns per 64-byte packet, in short"
echo
echo "xdpload's firewall as attached (\`bpftool prog run\`), IPv4 / IPv6; the details follow."
echo
echo "| rules per family | exact hit | prefix hit | miss | exact hit, events off | exact rules only: hit | exact rules only: miss | xdp-filter exact hit | xdp-filter miss | xdp-filter / xdpload, hit | xdp-filter / xdpload, miss | one hash lookup (IPv4 hit) | XDP_PASS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
both() { echo "$(med "$1|v4-$2|$3") / $(med "$1|v6-$2|$3")"; }
# ratio_both N KIND: xdp-filter's time over ours with the same rules, IPv4 / IPv6 (above 1: we are faster).
ratio_both() { echo "$(ratio "$(med "$1|v4-$2|peer")" "$(med "$1|v4-$2|exact")") / $(ratio "$(med "$1|v6-$2|peer")" "$(med "$1|v6-$2|exact")")"; }
for n in $SIZES; do
	prefix="- / -"
	[ "$n" -lt 10 ] || prefix=$(both "$n" prefix run)
	echo "| $n | $(both "$n" exact run) | $prefix | $(both "$n" miss run) | $(both "$n" exact quiet) | $(both "$n" exact exact) | $(both "$n" miss exact) | $(both "$n" exact peer) | $(both "$n" miss peer) | $(ratio_both "$n" exact) | $(ratio_both "$n" miss) | $(med "$n|v4-exact|hash1") | $(med "$n|v4-exact|pass") |"
done
echo
echo "### ns per 64-byte packet"
echo
echo "XDP_PASS: bench/pass.c. One hash lookup: bench/hash1.c, Ethernet + IPv4 parse and one lookup in the firewall's own fw_v4 (IPv4 only). xdpload: the built-in firewall with its settings as shipped (drop events 100/s per CPU, held back beyond), run by \`xdpload test --builtin\` and, as attached, by \`bpftool prog run\`; then as attached with drop events off; and a second firewall holding only the exact addresses, xdp-filter's rules (\`exact only\`), the one to compare with it. xdp-filter: \`xdp-filter load -m skb -f ipv4,ipv6\`, its program run by \`bpftool prog run\`, with the same exact addresses (it has no prefixes) up to $PEER_MAX per family; its maps hold $PEER_CAP addresses per family, so it cannot take 100000."
echo
echo "| rules per family | packet | verdict | XDP_PASS | one hash lookup | xdpload (test) | xdpload (prog run) | xdpload, events off (prog run) | xdpload, exact only (prog run) | xdp-filter (prog run) | xdp-filter / xdpload, exact only |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
	for kind in $KINDS; do
		case "$kind" in *prefix) [ "$n" -ge 10 ] || continue ;; esac
		exact=$(med "$n|$kind|exact")
		peer=$(med "$n|$kind|peer")
		echo "| $n | $kind | $(expected "$kind") | $(med "$n|$kind|pass") | $(med "$n|$kind|hash1") | $(med "$n|$kind|test") | $(med "$n|$kind|run") | $(med "$n|$kind|quiet") | $exact | $peer | $(ratio "$peer" "$exact") |"
	done
done
echo
echo "### Port rules: ns per TCP frame"
echo
echo "Firewalls of their own with no address rule: block mode \`xdpload block $PORT_BLOCK\`, allow-only \`xdpload allow $PORT_ALLOW\`; xdp-filter \`load -m skb -f tcp,udp\` with policy allow (its port rules drop) and with policy deny (they admit), holding the same ports through \`xdp-filter port PORT -p PROTO\` (a range as a port each: 103 calls). A TCP SYN from an address in no rule, IPv4 64 bytes, IPv6 74; both programs as attached, by \`bpftool prog run\`."
echo
echo "| mode | packet | verdict | xdpload (prog run) | xdp-filter (prog run) | xdp-filter / xdpload |"
echo "|---|---|---|---|---|---|"
for c in $PORT_CASES; do
	IFS='|' read -r mode fam port want <<<"$c"
	ours=$(med "port|$mode|$fam|$port|run")
	theirs=$(med "port|$mode|$fam|$port|peer")
	echo "| $([ "$mode" = allow ] && echo allow-only || echo block) | $fam-tcp/$port | $want | $ours | $theirs | $(ratio "$theirs" "$ours") |"
done
echo
echo "### Program size"
echo
echo "| program | instructions (xlated) | JIT bytes | instructions / xdpload |"
echo "|---|---|---|---|"
for p in pass:"XDP_PASS" hash1:"one hash lookup" firewall:"xdpload firewall" peer:"xdp-filter (ipv4,ipv6)"; do
	read -r insns jit <<<"${SIZE[${p%%:*}]:-- -}"
	echo "| ${p#*:} | $insns | $jit | $(ratio "$insns" "${SIZE[firewall]%% *}") |"
done
echo
echo "### Kernel memory per rule"
echo
echo "Bytes per rule: the growth of each map's memlock (the kernel's own estimate for maps that are not preallocated: elements times element size; the trie's inner nodes are not in it) and of Slab + Percpu in /proc/meminfo (the whole machine: noisy) since no rules, divided by the rules. With no rules the maps already hold $(((${MEM[0,fw_v4]} + ${MEM[0,fw_v6]} + ${MEM[0,fw_lpm4]} + ${MEM[0,fw_lpm6]} + ${MEM[0,fw_hits]}) / 1024)) KiB (memlock; mostly the hash tables' bucket arrays, sized for 1M entries)."
echo
echo "| rules per family | fw_v4 (/32) | fw_v6 (/128) | fw_lpm4 | fw_lpm6 | Slab + Percpu |"
echo "|---|---|---|---|---|---|"
# Slab + Percpu moves by whole slabs, and with the rest of the machine: only for many rules.
slab_per() { [ "$1" -ge 1000 ] && per $((${MEM[0,kb]} * 1024)) $((${MEM[$1,kb]} * 1024)) $((2 * $1)) || echo "(too few rules)"; }
per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { if (n <= 0) print "-"; else printf "%.0f\n", (b - a) / n }'; }
for n in $SIZES; do
	prefixes=$((n >= 10 ? n / 10 : 0))
	exact=$((n - prefixes))
	echo "| $n | $(per "${MEM[0,fw_v4]}" "${MEM[$n,fw_v4]}" $exact) | $(per "${MEM[0,fw_v6]}" "${MEM[$n,fw_v6]}" $exact) | $(per "${MEM[0,fw_lpm4]}" "${MEM[$n,fw_lpm4]}" $prefixes) | $(per "${MEM[0,fw_lpm6]}" "${MEM[$n,fw_lpm6]}" $prefixes) | $(slab_per "$n") |"
done
echo
echo "### Rules load time (seconds)"
echo
if [ "$PEER_RULES" -gt 0 ]; then
	per_rule=$(awk -v s="$PEER_SECONDS" -v n="$PEER_RULES" 'BEGIN { print s / n }')
	echo "A rules file of N lines, half IPv4 and half IPv6, mixed as above, loaded with \`xdpload rules load\`: into an empty firewall, again unchanged, with every tenth line changed, and then an empty file. xdp-filter takes one process per address (\`xdp-filter ip ADDR --mode src\`): measured over its $PEER_RULES additions above ($(awk -v p="$per_rule" 'BEGIN { printf "%.1f ms", p * 1000 }') each) and multiplied out, so the column is an extrapolation; it holds no more than $PEER_CAP addresses per family, so beyond that it cannot load them at all."
else
	per_rule=-
	echo "A rules file of N lines, half IPv4 and half IPv6, mixed as above, loaded with \`xdpload rules load\`: into an empty firewall, again unchanged, with every tenth line changed, and then an empty file. (xdp-filter was not measured.)"
fi
echo
echo "| rules | first load | unchanged | 10% changed | emptied | xdp-filter, one process per rule | xdp-filter / xdpload |"
echo "|---|---|---|---|---|---|---|"
for l in $LOAD_SIZES; do
	first=$(med "load|$l|first")
	peer=-
	[ "$per_rule" = - ] || peer=$(awk -v p="$per_rule" -v n="$l" 'BEGIN { printf "%.1f\n", p * n }')
	note=""
	[ "$peer" = - ] || [ $((l / 2)) -le "$PEER_CAP" ] || note=" (over its capacity)"
	echo "| $l | $first | $(med "load|$l|same") | $(med "load|$l|changed") | $(med "load|$l|empty") | $peer$note | $(ratio "$peer" "$first") |"
done
echo
echo "### Drops over a veth, drop events off and on"
echo
echo "One sender (bench/flood.c: 64-byte frames from a blocked IPv4 source through AF_PACKET, ${FLOOD_SECONDS}s per run) into the veth whose peer runs the firewall with $LAST rules per family (native XDP); drops per second from \`xdpload stats\`. The sender's own cost per frame is most of the path, so the program's share shows better in ns per drop (\`bpftool prog run\`, the same frame)."
echo
echo "| drop events | ns per drop | drops/s | ratio to events off | events sent/s |"
echo "|---|---|---|---|---|"
off=$(med "flood|off|drop")
for mode in $MODES; do
	case "$mode" in
	off) label="off (--events-rate 0)" ;;
	default) label="100/s per CPU (the default)" ;;
	all) label="1000000/s per CPU, \`xdpload events\` reading" ;;
	esac
	drops=$(med "flood|$mode|drop")
	echo "| $label | $(med "flood|$mode|ns") | $drops | $(ratio "$drops" "$off") | $(med "flood|$mode|events_sent") |"
done

if [ ${#BAD[@]} -gt 0 ]; then
	say "wrong verdicts:"
	printf '  %s\n' "${BAD[@]}" >&2
	exit 1
fi
