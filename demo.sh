#!/usr/bin/env bash
# make demo: xdpload on a throwaway pair of network namespaces, never on a real
# interface.  Namespace A pings namespace B across a veth; xdpload attaches to
# B's end.  The names carry this process's number, so two demos never meet,
# and only what this demo made is removed on exit, however it ends.
set -euo pipefail
cd "$(dirname "$0")"

[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (sudo make demo)" >&2; exit 5; }
for tool in ip ping nsenter; do
	command -v "$tool" >/dev/null || { echo "demo: needs $tool (apt-get install iproute2 iputils-ping util-linux)" >&2; exit 5; }
done

N=$(($$ % 100000)) # interface names: 15 characters at most
A=xdpl-demo-a-$N B=xdpl-demo-b-$N IFA=xdpldemo${N}a IFB=xdpldemo${N}b
# A private bpffs for the firewall's pinned state: the demo leaves nothing
# behind.  Outside the demo the state lives in /sys/fs/bpf/xdpload/fw-state/IFACE.
PINS=$(mktemp -d /tmp/xdpl-demo-bpffs.XXXXXX)
PINGLOG=$(mktemp /tmp/xdpl-demo-ping.XXXXXX)
made=() # the namespaces this demo created: the only ones it removes
mounted=""
cleanup() {
	for ns in "${made[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
	[ -z "$mounted" ] || umount "$PINS" 2>/dev/null || true
	rmdir "$PINS" 2>/dev/null || true
	rm -f "$PINGLOG"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mount -t bpf bpf "$PINS"
mounted=yes

step() { if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
in_b() { nsenter --net=/run/netns/$B "$@"; }
xdpl() { in_b ./xdpload "$@" --pin-maps "$PINS"; }
pings() { ip netns exec $A ping -q -c "$1" -i 0.2 -W 1 10.77.0.2 | sed -n 's/^\([0-9]* packets.*loss\).*/\1/p'; }

step "a throwaway network: namespaces $A and $B joined by veth $IFA <-> $IFB"
# A name already taken is an error (ip netns add refuses it), never removed.
ip netns add $A && made+=("$A")
ip netns add $B && made+=("$B")
ip link add $IFA netns $A type veth peer name $IFB netns $B
ip -n $A addr add 10.77.0.1/24 dev $IFA
ip -n $B addr add 10.77.0.2/24 dev $IFB
ip -n $A link set $IFA up
ip -n $B link set $IFB up
echo "ping from A to B without XDP:  $(pings 3)"

step "xdpload firewall attach $IFB  (the firewall built into xdpload; state pinned per interface)"
xdpl firewall attach $IFB
ip -n $B -d link show dev $IFB | grep -o 'prog/xdp id [0-9]* name [a-z_]*'
echo "ping with no rules:            $(pings 3)"

step "xdpload block 10.77.0.1 --dev $IFB  (A's address), with drop events streaming"
xdpl block 10.77.0.1 198.51.100.0/24 2001:db8::/32 --dev $IFB
# nsenter execs xdpload: $! is the reader; --duration bounds it.  It reads
# from the newest event on, like tail -f: the pings wait until it has the
# ring mapped (at most 5 s).
nsenter --net=/run/netns/$B ./xdpload events --dev $IFB --pin-maps "$PINS" --count 3 --duration 10 2>/dev/null &
events_pid=$!
for _ in $(seq 50); do
	grep -q 'anon_inode:bpf-map' /proc/$events_pid/maps 2>/dev/null && break
	sleep 0.1
done
echo "ping from a blocked source:    $(pings 3 || true)"
wait $events_pid

step "xdpload rules / stats --dev $IFB  (hits per rule, counters per verdict)"
xdpl rules --dev $IFB
xdpl stats --dev $IFB | sed -n '1,4p'

step "xdpload firewall upgrade $IFB while the blocked source pings: an atomic swap, no gap"
# ping ends by itself: 50 requests, each waited for at most a second.
ip netns exec $A ping -q -c 50 -i 0.02 -W 1 10.77.0.2 >"$PINGLOG" 2>&1 &
ping_pid=$!
for _ in 1 2 3; do xdpl firewall upgrade $IFB; sleep 0.2; done
wait $ping_pid || true
echo "ping during the upgrades:      $(sed -n 's/^\([0-9]* packets.*loss\).*/\1/p' "$PINGLOG")"
xdpl stats --dev $IFB | sed -n '3,4p'

step "xdpload unblock 10.77.0.1 --dev $IFB"
xdpl unblock 10.77.0.1 --dev $IFB
echo "ping after unblock:            $(pings 3)"

step "xdpload firewall detach $IFB --purge  (without --purge, rules and counters stay for the next attach)"
xdpl firewall detach $IFB --purge

step "xdpload test tests/progs/globals.o --set drop_port=53  (run once on a packet; no interface needed)"
./xdpload test tests/progs/globals.o | sed -n 2p
./xdpload test tests/progs/globals.o --set drop_port=53 | sed -n 2p

step "cleaning up: the namespaces, their veth pair and the private bpffs are removed"
