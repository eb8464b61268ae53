#!/usr/bin/env bats
# Port and protocol rules: their syntax, their verdicts on crafted frames
# (BPF_PROG_TEST_RUN) for every way around a port rule (VLAN tags, IPv4
# options, IPv6 extension headers, fragments, truncated headers, more
# extension headers than the bound), each with the counter it moved; then
# real TCP, UDP and ICMP on a veth, both families, block and allow-only.
load helpers

IP6_A=fd00:201::1
IP6_B=fd00:201::2
BLOCKED4=10.9.0.66 # a source rule on M: decides before any service rule

setup_file() {
	require_root
	netns_create ports
	bpffs_create
	ip -n "$NS_A" addr add "$IP6_A/64" dev "$IF_A" nodad
	ip -n "$NS_B" addr add "$IP6_B/64" dev "$IF_B" nodad
	# M: a veth that stays down, so the crafted-frame counters move only by our frames.
	NS_M="xdpl-ports-m-$(($$ % 10000))" IF_M="xdplptm$(($$ % 10000))"
	export NS_M IF_M
	ip netns add "$NS_M"
	ip -n "$NS_M" link add "$IF_M" type veth peer name "${IF_M}p"
	in_m "$XDPLOAD" firewall attach "$IF_M" --pin-maps "$BPFFS" >/dev/null
	in_m "$XDPLOAD" block "$BLOCKED4" 2001:db8:66::/48 --dev "$IF_M" --pin-maps "$BPFFS" >/dev/null
	in_b "$XDPLOAD" firewall attach "$IF_B" --pin-maps "$BPFFS" >/dev/null
	# nsenter execs python: $! is the server itself, for teardown_file to stop.
	nsenter --net="/run/netns/$NS_B" python3 "$ROOT/tests/fw_ports_net.py" serve 2201 2202 5301 5302 \
		>"$BATS_FILE_TMPDIR/serve" 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/serve.pid"
	wait_until 5 grep -q ready "$BATS_FILE_TMPDIR/serve"
}

teardown_file() {
	[ ! -f "$BATS_FILE_TMPDIR/serve.pid" ] || kill "$(cat "$BATS_FILE_TMPDIR/serve.pid")" 2>/dev/null || true
	ip netns del "$NS_M" 2>/dev/null || true
	netns_destroy
	bpffs_destroy
}

setup() {
	require_root
}

in_m() { nsenter --net="/run/netns/$NS_M" "$@"; }
fw_m() { in_m "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }
fw() { in_b "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }

pkt() { python3 "$ROOT/tests/fw_ports_pkt.py" "$@"; }
verdict_m() { fw_m test --builtin --dev "$IF_M" --packet "$1" -j 2>/dev/null | jq -r .result; }
stat_m() { fw_m stats --dev "$IF_M" -j | jq ".$1.packets"; }
hits_m() { fw_m rules --dev "$IF_M" -j | jq ".rules[] | select(.service == \"$1\" or .cidr == \"$1\") | .packets"; }
stat_b() { fw stats --dev "$IF_B" -j | jq ".$1.packets"; }
hits_b() { fw rules --dev "$IF_B" -j | jq ".rules[] | select(.service == \"$1\") | .packets"; }

# expect VERDICT COUNTER RULE|- PACKET-ARGS...: the verdict on the frame, the
# one counter (pass, drop, malformed) it moved by one, and the rule's hits
# moved by one (RULE: tcp/22, a CIDR; -: no rule hit).
expect() {
	local want="$1" counter="$2" rule="$3" before after hits0 hits1 got
	shift 3
	before=$(stat_m "$counter")
	[ "$rule" = - ] || hits0=$(hits_m "$rule")
	got=$(verdict_m "$(pkt "$@")")
	after=$(stat_m "$counter")
	if [ "$got" != "$want" ] || [ $((after - before)) -ne 1 ]; then
		echo "$*: got $got ($counter $before -> $after), want $want" >&2
		return 1
	fi
	if [ "$rule" != - ]; then
		hits1=$(hits_m "$rule")
		if [ $((hits1 - hits0)) -ne 1 ]; then
			echo "$*: hits of $rule $hits0 -> $hits1" >&2
			return 1
		fi
	fi
}

@test "rule syntax: tcp/22, udp/53, ranges, icmp, icmpv6, allow:; refusals say why" {
	run -0 fw_m block tcp/22 udp/53 tcp/8000-8100 icmp --dev "$IF_M"
	assert_line --regexp "^blocked tcp/22 on $IF_M \\(rule [0-9]+\\)$"
	assert_line "services on $IF_M: block (the services blocked are dropped)"
	run -0 fw_m rules --dev "$IF_M"
	assert_line --regexp '^tcp/8000-8100 +# rule [0-9]+: 0 packets, 0 bytes$'
	assert_line --regexp '^icmp +# rule [0-9]+: 0 packets, 0 bytes$'
	run -0 fw_m rules --dev "$IF_M" -j
	assert_output --partial '"services":"block"'
	run -1 fw_m block tcp/70000 --dev "$IF_M"
	assert_output "xdpload: block: tcp/70000: a port is a number from 0 to 65535, a range FIRST-LAST"
	run -1 fw_m block tcp/90-80 --dev "$IF_M"
	assert_output "xdpload: block: tcp/90-80: the range ends before it begins (90-80)"
	run -1 fw_m block icmp/8 --dev "$IF_M"
	assert_output "xdpload: block: icmp/8: icmp has no ports: write icmp"
	run -1 fw_m block tcp --dev "$IF_M"
	assert_output "xdpload: block: tcp: which tcp ports? write tcp/PORT or tcp/FIRST-LAST"
	run -1 fw_m block allow:tcp/23 --dev "$IF_M"
	assert_output "xdpload: block: allow:tcp/23 is an allow rule: \`xdpload allow tcp/23\`"
	run -1 fw_m block tcp/8050 --dev "$IF_M"
	assert_line --index 0 --regexp "^xdpload: firewall: tcp/8050 shares a port with rule [0-9]+ of .*: a port has one rule$"
	assert_line --index 1 "xdpload: block: nothing changed"
	run -1 fw_m block tcp/100-130 tcp/120 --dev "$IF_M"
	assert_output "xdpload: block: tcp/100-130 and tcp/120 share a port: a port has one rule"
	run -0 fw_m unblock tcp/22 udp/53 tcp/8000-8100 icmp --dev "$IF_M"
	assert_line "services on $IF_M: none (no service rules)"
	run -0 fw_m rules --dev "$IF_M" -j
	assert_output --partial '"services":"none"'
}

@test "crafted frames, block mode: every way around a port rule is dropped and counted" {
	fw_m block tcp/22 udp/53 tcp/8000-8100 icmp icmpv6 --dev "$IF_M" >/dev/null
	local vlan
	for vlan in "" vlan qinq; do
		expect XDP_DROP drop tcp/22 $vlan tcp=22
		expect XDP_PASS pass - $vlan tcp=23
		expect XDP_DROP drop udp/53 $vlan udp=53
		expect XDP_PASS pass - $vlan udp=54
		expect XDP_DROP drop tcp/8000-8100 $vlan tcp=8100
		expect XDP_PASS pass - $vlan tcp=8101
		expect XDP_DROP drop tcp/22 $vlan opts tcp=22
		expect XDP_DROP drop icmp $vlan icmp
		expect XDP_DROP drop tcp/22 $vlan v6 tcp=22
		expect XDP_DROP drop udp/53 $vlan v6 udp=53
		expect XDP_DROP drop icmpv6 $vlan v6 icmpv6
		expect XDP_DROP drop tcp/22 $vlan v6 ext=hop tcp=22
		expect XDP_DROP drop tcp/22 $vlan v6 ext=rt tcp=22
		expect XDP_DROP drop tcp/22 $vlan v6 ext=dst tcp=22
		expect XDP_DROP drop tcp/22 $vlan v6 ext=ah tcp=22
		expect XDP_DROP drop udp/53 $vlan v6 ext=hop,rt,frag,dst udp=53
		# six extension headers are walked; a seventh is past the bound: malformed, dropped
		expect XDP_DROP drop tcp/22 $vlan v6 ext=hop,dst,rt,ah,frag,dst tcp=22
		expect XDP_PASS pass - $vlan v6 ext=hop,dst,rt,ah,frag,dst tcp=23
		expect XDP_DROP malformed - $vlan v6 ext=hop,dst,rt,ah,dst,dst,dst tcp=23
		# a first fragment carries the ports and is judged; a later one has none and passes
		expect XDP_DROP drop tcp/22 $vlan frag0 tcp=22
		expect XDP_PASS pass - $vlan frag1 tcp=22
		expect XDP_DROP drop tcp/22 $vlan v6 ext=frag tcp=22
		expect XDP_PASS pass - $vlan v6 ext=frag1 tcp=22
		# no room for the ports: malformed, and dropped though --malformed is pass
		expect XDP_DROP malformed - $vlan tcp=23 l4len=3
		expect XDP_DROP malformed - $vlan frag0 udp=54 l4len=2
		expect XDP_DROP malformed - $vlan v6 ext=hop udp=54 l4len=3
		expect XDP_PASS pass - $vlan v6 udp=54 l4len=4
		# a protocol no rule names passes in block mode
		expect XDP_PASS pass - $vlan gre
		expect XDP_PASS pass - $vlan v6 ext=hop gre
	done
	# the source decides first: a blocked source is dropped by its rule, not the service's
	expect XDP_DROP drop "$BLOCKED4" src="$BLOCKED4" tcp=23
	expect XDP_DROP drop 2001:db8:66::/48 v6 src=2001:db8:66::9 ext=hop,hop,hop,hop,hop,hop,hop tcp=23
	fw_m unblock tcp/22 udp/53 tcp/8000-8100 icmp icmpv6 --dev "$IF_M" >/dev/null
}

@test "crafted frames, allow-only: only the services allowed pass; the rest, and tricks, are dropped" {
	run -0 fw_m allow tcp/22 udp/53 icmpv6 --dev "$IF_M"
	assert_line "allowed allow:tcp/22 on $IF_M (rule $(fw_m rules --dev "$IF_M" -j | jq '.rules[] | select(.service == "allow:tcp/22") | .rule'))"
	assert_line "services on $IF_M: allow-only (only the services allowed pass)"
	local vlan
	for vlan in "" vlan qinq; do
		expect XDP_PASS pass allow:tcp/22 $vlan tcp=22
		expect XDP_DROP drop - $vlan tcp=23
		expect XDP_PASS pass allow:udp/53 $vlan udp=53
		expect XDP_DROP drop - $vlan udp=54
		expect XDP_DROP drop - $vlan icmp
		expect XDP_DROP drop - $vlan gre
		expect XDP_DROP drop - $vlan opts tcp=23
		expect XDP_PASS pass allow:tcp/22 $vlan opts tcp=22
		expect XDP_PASS pass allow:tcp/22 $vlan v6 ext=hop,rt,dst tcp=22
		expect XDP_DROP drop - $vlan v6 ext=hop,rt,dst tcp=23
		expect XDP_DROP drop - $vlan v6 ext=ah,frag udp=54
		expect XDP_PASS pass allow:icmpv6 $vlan v6 icmpv6
		expect XDP_DROP malformed - $vlan v6 ext=hop,hop,hop,hop,hop,hop,hop tcp=22
		expect XDP_DROP malformed - $vlan tcp=22 l4len=3
		expect XDP_DROP drop - $vlan frag0 tcp=23
		expect XDP_PASS pass - $vlan frag1 tcp=23
	done
	# neighbour discovery is no service: it passes without an icmpv6 rule
	fw_m unblock icmpv6 --dev "$IF_M" >/dev/null
	local ns=6000000000183aff${IP6_LL:=fe800000000000000000000000000001}ff020000000000000000000000000002
	ns+=8700000000000000fe800000000000000000000000000002
	before=$(stat_m pass)
	[ "$(verdict_m "02000000000202000000000186dd$ns")" = XDP_PASS ]
	[ $(($(stat_m pass) - before)) -eq 1 ]
	expect XDP_DROP drop - v6 icmpv6
	fw_m unblock tcp/22 udp/53 --dev "$IF_M" >/dev/null
	# services none: the step is skipped, so even the bound and truncation are the source's business
	expect XDP_PASS pass - v6 ext=hop,hop,hop,hop,hop,hop,hop tcp=22
	expect XDP_PASS pass - tcp=22 l4len=3
}

@test "rules load: services diff-applied with addresses; block to allow in one load keeps every other rule" {
	local f="$BATS_TEST_TMPDIR/rules"
	printf '%s\n' 192.0.2.1 tcp/22 udp/5000-5100 icmp >"$f"
	run -0 fw_m rules load "$f" --dev "$IF_M"
	assert_output --regexp "^rules $f on $IF_M: 4 rules: 0 kept, 4 added, 2 removed"
	id=$(fw_m rules --dev "$IF_M" -j | jq '.rules[] | select(.service == "udp/5000-5100") | .rule')
	printf '%s\n' 192.0.2.1 allow:tcp/22 udp/5000-5100 >"$f"
	run -0 fw_m rules load "$f" --dev "$IF_M"
	assert_output --regexp "^rules $f on $IF_M: 3 rules: 2 kept, 1 added, 2 removed"
	run -0 fw_m rules --dev "$IF_M" -j
	assert_output --partial '"services":"allow-only"'
	[ "$(fw_m rules --dev "$IF_M" -j | jq '.rules[] | select(.service == "udp/5000-5100") | .rule')" = "$id" ]
	# the export is itself a rules file: loading it changes nothing
	fw_m rules --dev "$IF_M" >"$f"
	run -0 fw_m rules load "$f" --dev "$IF_M"
	assert_output --regexp "^rules $f on $IF_M: 3 rules: 3 kept, 0 added, 0 removed"
	printf '%s\n' tcp/22 tcp/20-30 >"$f"
	run -1 fw_m rules load "$f" --dev "$IF_M"
	assert_output "xdpload: rules: $f line 2: tcp/20-30 shares a port with tcp/22 on line 1: a port has one rule"
	printf '%s\n' "$BLOCKED4" 2001:db8:66::/48 >"$f"
	run -0 fw_m rules load "$f" --dev "$IF_M"
	run -0 fw_m rules --dev "$IF_M" -j
	assert_output --partial '"services":"none"'
}

@test "real traffic, block: TCP and UDP to a blocked port are dropped and counted, other ports work, both families" {
	fw block tcp/2202 udp/5302 icmp --dev "$IF_B" >/dev/null
	for host in "$IP_B" "$IP6_B"; do
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" tcp "$host" 2201
		assert_output open
		h0=$(hits_b tcp/2202)
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" tcp "$host" 2202
		assert_output timeout
		[ "$(hits_b tcp/2202)" -gt "$h0" ]
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" udp "$host" 5301 3
		assert_output 3
		h0=$(hits_b udp/5302) d0=$(stat_b drop)
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" udp "$host" 5302 3
		assert_output 0
		[ $(($(hits_b udp/5302) - h0)) -eq 3 ]
		[ $(($(stat_b drop) - d0)) -eq 3 ]
	done
	h0=$(hits_b icmp)
	run ip netns exec "$NS_A" ping -q -c 3 -i 0.1 -W 1 "$IP_B"
	assert_output --partial "3 packets transmitted, 0 received"
	[ $(($(hits_b icmp) - h0)) -eq 3 ]
	run -0 ip netns exec "$NS_A" ping -q -c 2 -i 0.1 -W 1 "$IP6_B"
	fw unblock tcp/2202 udp/5302 icmp --dev "$IF_B" >/dev/null
}

@test "real traffic, allow-only: only the services allowed get in, IPv6 neighbour discovery still works" {
	fw allow tcp/2201 udp/5301 --dev "$IF_B" >/dev/null
	ip -n "$NS_A" neigh flush dev "$IF_A"
	for host in "$IP_B" "$IP6_B"; do
		h0=$(hits_b allow:tcp/2201)
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" tcp "$host" 2201
		assert_output open
		[ "$(hits_b allow:tcp/2201)" -gt "$h0" ]
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" tcp "$host" 2202
		assert_output timeout
		h0=$(hits_b allow:udp/5301)
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" udp "$host" 5301 3
		assert_output 3
		[ $(($(hits_b allow:udp/5301) - h0)) -eq 3 ]
		d0=$(stat_b drop)
		run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" udp "$host" 5302 3
		assert_output 0
		[ $(($(stat_b drop) - d0)) -ge 3 ]
	done
	run ip netns exec "$NS_A" ping -q -c 2 -i 0.1 -W 1 "$IP_B"
	assert_output --partial "2 packets transmitted, 0 received"
	fw allow icmp --dev "$IF_B" >/dev/null
	run -0 ip netns exec "$NS_A" ping -q -c 2 -i 0.1 -W 1 "$IP_B"
	assert_output --partial "2 packets transmitted, 2 received"
	fw unblock tcp/2201 udp/5301 icmp --dev "$IF_B" >/dev/null
	run -0 ip netns exec "$NS_A" python3 "$ROOT/tests/fw_ports_net.py" tcp "$IP_B" 2202
	assert_output open
}

@test "a state of layout 2 (no fw_svc) is refused with the way out" {
	local dir="$BPFFS/fw-state/xdplold0"
	mkdir -p "$dir"
	bpftool map create "$dir/fw_meta" type array key 4 value 24 entries 1 name fw_meta
	bpftool map update pinned "$dir/fw_meta" key 0 0 0 0 value 2 0 0 0 0 0 0 0 0 0 0 0 100 0 0 0 1 0 0 0 0 0 0 0
	run -5 fw_m block tcp/22 --dev xdplold0
	assert_line --index 0 "xdpload: firewall: $dir/fw_meta says layout 2; this xdpload reads layout 3"
	assert_line --index 1 --partial "was made by another version of xdpload's firewall. Export its rules with the xdpload that made it"
	rm -r "$dir"
}
