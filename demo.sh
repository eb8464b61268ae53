#!/usr/bin/env bash
# make demo: xdpload on a throwaway pair of network namespaces, never on a real
# interface.  Namespace A pings namespace B across a veth; xdpload attaches to
# B's end.  Everything is removed on exit, however the demo ends.
set -euo pipefail
cd "$(dirname "$0")"

[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (sudo make demo)" >&2; exit 5; }
for tool in ip ping nsenter; do
	command -v "$tool" >/dev/null || { echo "demo: needs $tool (apt-get install iproute2 iputils-ping util-linux)" >&2; exit 5; }
done

A=xdpl-demo-a B=xdpl-demo-b IFA=xdpldemoa IFB=xdpldemob
cleanup() {
	ip netns del $A 2>/dev/null || true
	ip netns del $B 2>/dev/null || true
}
trap cleanup EXIT INT TERM
cleanup

step() { if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
in_b() { nsenter --net=/run/netns/$B "$@"; }
pings() { ip netns exec $A ping -q -c "$1" -i 0.2 -W 1 10.77.0.2 | sed -n 's/^\([0-9]* packets.*loss\).*/\1/p'; }

step "a throwaway network: namespaces $A and $B joined by veth $IFA <-> $IFB"
ip netns add $A
ip netns add $B
ip link add $IFA netns $A type veth peer name $IFB netns $B
ip -n $A addr add 10.77.0.1/24 dev $IFA
ip -n $B addr add 10.77.0.2/24 dev $IFB
ip -n $A link set $IFA up
ip -n $B link set $IFB up
echo "ping from A to B without XDP:  $(pings 3)"

step "xdpload inspect xdp_kern.o (no kernel needed)"
./xdpload inspect xdp_kern.o

step "xdpload run xdp_kern.o $IFB --duration 3  (the seed: pass everything, held by a bpf_link)"
in_b ./xdpload run xdp_kern.o $IFB --duration 3 &
run_pid=$!
sleep 1
echo "ping while xdp_firewall runs: $(pings 5)"
in_b ./xdpload status
wait $run_pid
echo "after run exits: $(in_b ./xdpload status $IFB | tail -n +2 | wc -l) programs attached"

step "xdpload attach tests/progs/xdp_drop.o $IFB  (rtnetlink; stays after xdpload exits)"
in_b ./xdpload attach tests/progs/xdp_drop.o $IFB
ip -n $B -d link show dev $IFB | grep -o 'prog/xdp id [0-9]* name [a-z_]*'
echo "ping with xdp_drop attached:   $(pings 3 || true)"

step "xdpload detach $IFB"
in_b ./xdpload detach $IFB
echo "ping after detach:             $(pings 3)"

step "xdpload test tests/progs/globals.o --set drop_port=53  (run once on a packet; no interface needed)"
./xdpload test tests/progs/globals.o | sed -n 2p
./xdpload test tests/progs/globals.o --set drop_port=53 | sed -n 2p

step "cleaning up: the namespaces and their veth pair are removed"
