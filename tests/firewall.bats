#!/usr/bin/env bats
# The firewall: its verdicts on every packet shape (BPF_PROG_TEST_RUN), then
# end to end on a veth pair: drops, counters, hits, events, upgrades under
# traffic with zero leaks, rule files, the allow-only policy, and its errors.
load helpers

BLOCKED4=10.201.0.1 # = IP_A: A's own traffic is blocked
OTHER4=10.201.0.3   # a second address on A, never blocked

setup_file() {
	require_root
	netns_create fw
	bpffs_create
	ip -n "$NS_A" addr add "$OTHER4/24" dev "$IF_A"
	FWDIR="$BPFFS/fw-state/$IF_B"
	# A second firewall on a veth that stays down: no stray traffic moves
	# its counters, so the verdict matrix can check them exactly.
	NS_M="xdpl-fw-m-$(($$ % 10000))" IF_M="xdplfwm$(($$ % 10000))"
	export FWDIR NS_M IF_M
	ip netns add "$NS_M"
	ip -n "$NS_M" link add "$IF_M" type veth peer name "${IF_M}p"
	local dev
	for dev in "$IF_B" "$IF_M"; do
		nsenter --net="/run/netns/$([ "$dev" = "$IF_B" ] && echo "$NS_B" || echo "$NS_M")" \
			sh -c '"$1" firewall attach "$2" --pin-maps "$3" >/dev/null &&
			"$1" block "$4" 198.51.100.0/24 2001:db8::/48 2001:db8:ffff::1 --dev "$2" --pin-maps "$3" >/dev/null' \
			- "$XDPLOAD" "$dev" "$BPFFS" "$BLOCKED4"
	done
}

teardown_file() {
	ip netns del "$NS_M" 2>/dev/null || true
	netns_destroy
	bpffs_destroy
}

setup() {
	require_root
}

fw() { in_b "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }
in_m() { nsenter --net="/run/netns/$NS_M" "$@"; }
fw_m() { in_m "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }

# A veth pair of its own in M, NAME and NAMEp, for a test that wants a fresh
# firewall state; removed with M, or by the test.
fresh_dev() { ip -n "$NS_M" link add "$1" type veth peer name "${1}p"; }
xdp_id_m() { ip -n "$NS_M" -d link show dev "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }

# A counter from `stats -j`: fw_stat drop|pass|malformed|events_sent... [DEV]
fw_stat() { fw stats --dev "${2:-$IF_B}" -j | jq ".$1.packets"; }

# A rule's hits from `rules -j`: fw_hits CIDR [DEV]
fw_hits() { fw rules --dev "${2:-$IF_B}" -j | jq ".rules[] | select(.cidr == \"$1\") | .packets"; }

# A rule's id from `rules -j`: fw_rule_id CIDR [DEV]
fw_rule_id() { fw rules --dev "${2:-$IF_B}" -j | jq ".rules[] | select(.cidr == \"$1\") | .rule"; }

# ---- packets, as hex: Ethernet (with 0, 1 or 2 VLAN tags) + a payload ----

ip4hex() { local IFS=.; printf '%02x' $1; }

frame() { # frame VLAN ETHERTYPE PAYLOAD
	local tags=""
	case "$1" in
	vlan) tags=81000064 ;;
	qinq) tags=88a800c881000064 ;;
	esac
	echo "020000000002020000000001$tags$2$3"
}

# packet VLAN KIND SRC4 SRC6: one of the shapes the firewall must judge.
packet() {
	local vlan="$1" kind="$2" s4 s6="$4" d4 d6=20010db8ffff00000000000000000002
	s4=$(ip4hex "$3")
	d4=$(ip4hex 10.201.0.2)
	case "$kind" in
	ipv4) frame "$vlan" 0800 "4500001c0000400040110000${s4}${d4}0000000000000000" ;;
	ipv4opts) frame "$vlan" 0800 "460000200000400040110000${s4}${d4}010101000000000000000000" ;;
	ipv4frag) frame "$vlan" 0800 "4500001c000000b940110000${s4}${d4}0000000000000000" ;;
	ipv6) frame "$vlan" 86dd "6000000000081140${s6}${d6}0000000000080000" ;;
	ipv6ext) frame "$vlan" 86dd "6000000000100040${s6}${d6}11000104000000000000000000080000" ;;
	ipv6frag) frame "$vlan" 86dd "60000000001011c0${s6}${d6}110000b9000000010000000000080000" ;;
	icmpv6) frame "$vlan" 86dd "6000000000083a40${s6}${d6}8000000000010001" ;;
	arp) frame "$vlan" 0806 "0001080006040001020000000001${s4}000000000000${d4}" ;;
	truncated) frame "$vlan" 0800 "450000540000" ;;
	esac
}

# The verdict of the firewall's program on a packet, with IF_B's state (or DEV's).
verdict() {
	in_b "$XDPLOAD" test --builtin --pin-maps "$BPFFS" --dev "${2:-$IF_B}" --packet "$1" -j 2>/dev/null |
		jq -r .result
}

# expect VLAN KIND blocked|other VERDICT COUNTER: the verdict, and the one
# counter that moved (and, for a drop by a rule, that rule's hits).
expect() {
	local vlan="$1" kind="$2" who="$3" want="$4" counter="$5" s4 s6 rule
	if [ "$who" = blocked ]; then
		s4=$BLOCKED4 s6=20010db8000000000000000000000001 rule=2001:db8::/48
		case "$kind" in ipv4*|arp|truncated) rule=$BLOCKED4 ;; esac
	else
		s4=$OTHER4 s6=20010db8000100000000000000000001 rule=
	fi
	local before after hits_before hits_after got
	before=$(fw_stat "$counter" "$IF_M")
	[ -z "$rule" ] || hits_before=$(fw_hits "$rule" "$IF_M")
	got=$(verdict "$(packet "$vlan" "$kind" "$s4" "$s6")" "$IF_M")
	after=$(fw_stat "$counter" "$IF_M")
	if [ "$got" != "$want" ] || [ $((after - before)) -ne 1 ]; then
		echo "$vlan $kind from $who: got $got ($counter $before -> $after), want $want" >&2
		return 1
	fi
	if [ "$want" = XDP_DROP ] && [ -n "$rule" ]; then
		hits_after=$(fw_hits "$rule" "$IF_M")
		if [ $((hits_after - hits_before)) -ne 1 ]; then
			echo "$vlan $kind from $who: hits of $rule $hits_before -> $hits_after" >&2
			return 1
		fi
	fi
}

matrix() {
	local vlan="$1" kind
	for kind in ipv4 ipv4opts ipv4frag ipv6 ipv6ext ipv6frag icmpv6; do
		expect "$vlan" "$kind" blocked XDP_DROP drop
		expect "$vlan" "$kind" other XDP_PASS pass
	done
	# ARP has no IP source to judge; a truncated header is malformed, passed and counted.
	expect "$vlan" arp blocked XDP_PASS pass
	expect "$vlan" arp other XDP_PASS pass
	expect "$vlan" truncated blocked XDP_PASS malformed
	expect "$vlan" truncated other XDP_PASS malformed
}

@test "firewall attach: ip shows xdp_firewall; rules, counters and settings are pinned per interface" {
	run ip -n "$NS_B" -d link show dev "$IF_B"
	assert_output --regexp "prog/xdp id [0-9]+ name xdp_firewall"
	run ls "$FWDIR"
	assert_output "$(printf '%s\n' fw_events fw_hits fw_limit fw_lpm4 fw_lpm6 fw_meta fw_stats fw_svc fw_v4 fw_v6)"
	run -0 fw rules --dev "$IF_B"
	assert_output "# 4 rules on $IF_B, policy deny
$BLOCKED4                                 # rule 2: 0 packets, 0 bytes
198.51.100.0/24                            # rule 1: 0 packets, 0 bytes
2001:db8::/48                              # rule 3: 0 packets, 0 bytes
2001:db8:ffff::1                           # rule 4: 0 packets, 0 bytes
# end"
}

@test "verdicts, untagged: every IPv4/IPv6 shape from a blocked source drops; ARP and truncated pass" {
	matrix none
}

@test "verdicts, one VLAN tag (802.1Q): the same" {
	matrix vlan
}

@test "verdicts, QinQ (802.1ad + 802.1Q): the same" {
	matrix qinq
}

@test "verdicts: a third VLAN tag is malformed and dropped, whatever --malformed says" {
	local p
	p="020000000002020000000001""88a800c8""81000064""81000065""0800""4500001c0000400040110000$(ip4hex $OTHER4)$(ip4hex 10.201.0.2)0000000000000000"
	before=$(fw_stat malformed "$IF_M")
	[ "$(verdict "$p" "$IF_M")" = XDP_DROP ]
	[ $(($(fw_stat malformed "$IF_M") - before)) -eq 1 ]
	# A truncated frame is malformed too, but passes unless --malformed drop.
	t=$(packet none truncated 0 0)
	[ "$(verdict "$t" "$IF_M")" = XDP_PASS ]
	fw firewall set "$IF_M" --malformed drop
	[ "$(verdict "$t" "$IF_M")" = XDP_DROP ]
	fw firewall set "$IF_M" --malformed pass
}

@test "malformed: each frame the firewall cannot read to its source is counted, and passed or dropped as --malformed says" {
	local eth=020000000002020000000001 s4 d4 s6=20010db8000100000000000000000001 d6=20010db8ffff00000000000000000002
	s4=$(ip4hex "$OTHER4") d4=$(ip4hex 10.201.0.2)
	local -A frames=(
		[a VLAN tag cut short]="${eth}8100""0064"
		[a second VLAN tag cut short]="${eth}88a8""00c88100""0064"
		[an IPv4 header cut short]="${eth}0800""4500001c0000"
		[an IPv4 header cut short behind a tag]="${eth}81000064""0800""4500001c0000"
		[IPv4 with version 5]="${eth}0800""5500001c0000400040110000${s4}${d4}0000000000000000"
		[IPv4 with an IHL under 5]="${eth}0800""4400001c0000400040110000${s4}${d4}0000000000000000"
		[IPv4 options past the end]="${eth}0800""4f00001c0000400040110000${s4}${d4}0000000000000000"
		[an IPv6 header cut short]="${eth}86dd""60000000000811"
		[IPv6 with version 4]="${eth}86dd""4000000000081140${s6}${d6}0000000000080000"
	)
	local what setting want before pass_before got
	for setting in pass drop; do
		fw firewall set "$IF_M" --malformed "$setting" >/dev/null
		want=XDP_PASS
		[ "$setting" = pass ] || want=XDP_DROP
		for what in "${!frames[@]}"; do
			before=$(fw_stat malformed "$IF_M")
			pass_before=$(fw_stat pass "$IF_M")
			got=$(verdict "${frames[$what]}" "$IF_M")
			[ "$got" = "$want" ] || fail "$what, --malformed $setting: $got, not $want"
			[ $(($(fw_stat malformed "$IF_M") - before)) -eq 1 ] || fail "$what: not counted as malformed"
			[ "$(fw_stat pass "$IF_M")" -eq "$pass_before" ] || fail "$what: counted as passed"
		done
	done
	fw firewall set "$IF_M" --malformed pass >/dev/null
	# Shorter than an Ethernet header is no frame XDP is ever given: the
	# kernel refuses to test-run one (and veth never delivers one).
	run -3 --separate-stderr in_b "$XDPLOAD" test --builtin --pin-maps "$BPFFS" --dev "$IF_M" \
		--packet <(printf '\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08')
	assert_equal "$stderr" "xdpload: test: BPF_PROG_TEST_RUN of xdp_firewall failed: EINVAL (Invalid argument)"
}

@test "verdicts: prefix rules (LPM) and exact IPv6 rules match; neighbours of them do not" {
	[ "$(verdict "$(packet none ipv4 198.51.100.77 0)")" = XDP_DROP ]
	[ "$(verdict "$(packet none ipv4 198.51.101.1 0)")" = XDP_PASS ]
	[ "$(verdict "$(packet none ipv6 0 20010db8ffff00000000000000000001)")" = XDP_DROP ]
	[ "$(verdict "$(packet none ipv6 0 20010db8ffff00000000000000000003)")" = XDP_PASS ]
}

# fw_meta's flags (FW_F_*) of DEV's state, as bpftool reads them through its BTF.
meta_flags() { bpftool map dump pinned "$BPFFS/fw-state/$1/fw_meta" -j | jq -e '.[0].formatted.value.flags'; }

@test "prefixes: the trie is skipped only while a family has none; the first prefix counts at once, the last one's removal too" {
	dev="xdplfwp$(($$ % 10000))"
	fresh_dev "$dev"
	run -0 fw_m firewall attach "$dev"
	run -0 fw_m block 10.77.0.1 2001:db8:77::1 --dev "$dev"
	# No prefix in either family: both "no prefix" bits (2 and 4) are set.
	run -0 meta_flags "$dev"
	assert_output 6
	run -0 verdict "$(packet none ipv4 10.77.0.1 0)" "$dev"
	assert_output XDP_DROP
	run -0 verdict "$(packet none ipv4 10.78.1.1 0)" "$dev"
	assert_output XDP_PASS
	run -0 fw_m block 10.78.0.0/16 --dev "$dev"
	run -0 meta_flags "$dev"
	assert_output 4
	run -0 verdict "$(packet none ipv4 10.78.1.1 0)" "$dev"
	assert_output XDP_DROP
	run -0 verdict "$(packet none ipv6 0 20010db8007800000000000000000001)" "$dev"
	assert_output XDP_PASS
	run -0 fw_m block 2001:db8:78::/48 --dev "$dev"
	run -0 meta_flags "$dev"
	assert_output 0
	run -0 verdict "$(packet none ipv6 0 20010db8007800000000000000000001)" "$dev"
	assert_output XDP_DROP
	# A rules load that trades an exact rule for a prefix covering it: the
	# prefix is looked for before the exact rule goes.
	printf '10.77.0.0/24\n2001:db8:78::/48\n' >"$BATS_TEST_TMPDIR/swap.rules"
	run -0 fw_m rules load "$BATS_TEST_TMPDIR/swap.rules" --dev "$dev"
	run -0 verdict "$(packet none ipv4 10.77.0.1 0)" "$dev"
	assert_output XDP_DROP
	run -0 verdict "$(packet none ipv4 10.78.1.1 0)" "$dev"
	assert_output XDP_PASS
	run -0 fw_m unblock 10.77.0.0/24 2001:db8:78::/48 --dev "$dev"
	run -0 meta_flags "$dev"
	assert_output 6
	run -0 verdict "$(packet none ipv4 10.77.0.1 0)" "$dev"
	assert_output XDP_PASS
	ip -n "$NS_M" link del "$dev"
}

@test "end to end: a blocked source's pings are dropped, another address passes; counters equal packets sent" {
	drop0=$(fw_stat drop)
	hits0=$(fw_hits "$BLOCKED4")
	run ip netns exec "$NS_A" ping -q -c 5 -i 0.1 -W 1 "$IP_B"
	assert_output --partial "5 packets transmitted, 0 received"
	[ $(($(fw_stat drop) - drop0)) -eq 5 ]
	[ $(($(fw_hits "$BLOCKED4") - hits0)) -eq 5 ]
	run ip netns exec "$NS_A" ping -q -c 3 -i 0.1 -W 1 -I "$OTHER4" "$IP_B"
	assert_output --partial "3 packets transmitted, 3 received"
}

# Whether the events reader PID has mapped the ring yet: it reads from the
# newest event on, like tail -f, so drops before that are not for it.
ring_mapped() { grep -q 'anon_inode:bpf-map' "/proc/$1/maps"; }

@test "events: each drop arrives with source, rule and length; stats count them" {
	local out="$BATS_TEST_TMPDIR/events"
	sent0=$(fw_stat events_sent)
	# nsenter execs xdpload: $! is the reader; --duration bounds it.
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" events --dev "$IF_B" --pin-maps "$BPFFS" \
		--count 3 --duration 10 -j >"$out" 2>/dev/null 3>&- &
	pid=$!
	wait_until 5 ring_mapped "$pid"
	ip netns exec "$NS_A" ping -q -c 3 -i 0.1 -W 1 "$IP_B" >/dev/null || true
	wait_exit "$pid" 15
	rule=$(fw rules --dev "$IF_B" -j | jq ".rules[] | select(.cidr == \"$BLOCKED4\") | .rule")
	run jq -c '[.src, .rule, .len, .action]' "$out"
	assert_output "$(printf '["%s",%s,98,"drop"]\n' $BLOCKED4 $rule $BLOCKED4 $rule $BLOCKED4 $rule)"
	[ $(($(fw_stat events_sent) - sent0)) -eq 3 ]
}

@test "events: the rate limit holds back a flood and counts what it held back" {
	fw firewall set "$IF_B" --events-rate 5
	limited0=$(fw_stat events_rate_limited)
	sent0=$(fw_stat events_sent)
	t0=$(date +%s)
	ip netns exec "$NS_A" ping -q -i 0.001 -c 200 -W 1 "$IP_B" >/dev/null || true
	seconds=$(($(date +%s) - t0 + 1))
	sent=$(($(fw_stat events_sent) - sent0))
	limited=$(($(fw_stat events_rate_limited) - limited0))
	fw firewall set "$IF_B" --events-rate 100
	echo "sent $sent, held back $limited in ${seconds}s" >&3
	# 5 per second and CPU: one-second windows, started at most once more per CPU.
	[ "$sent" -ge 5 ]
	[ "$sent" -le $((5 * $(nproc) * (seconds + 1))) ]
	[ $((sent + limited)) -eq 200 ]
}

@test "firewall upgrade under a flood: zero blocked packets get through, counters and rules stay" {
	drop0=$(fw_stat drop)
	ip netns exec "$NS_A" ping -q -i 0.002 -c 1500 -W 1 "$IP_B" >"$BATS_TEST_TMPDIR/ping" 2>&1 &
	pid=$!
	upgrades=0
	# ping ends by itself (-c, -W), and so does the loop.
	while kill -0 "$pid" 2>/dev/null; do
		fw firewall upgrade "$IF_B" >/dev/null
		upgrades=$((upgrades + 1))
	done
	wait_exit "$pid" 10 || true
	echo "upgrades: $upgrades" >&3
	[ "$upgrades" -ge 5 ]
	run cat "$BATS_TEST_TMPDIR/ping"
	assert_output --partial "1500 packets transmitted, 0 received"
	[ $(($(fw_stat drop) - drop0)) -eq 1500 ]
	run -0 fw rules --dev "$IF_B" -j
	[ "$(echo "$output" | jq '.rules | length')" -eq 4 ]
}

@test "block and unblock: bad input is refused with the rule broken, and nothing changes" {
	run -1 fw block 10.0.0.1/24 --dev "$IF_B"
	assert_output "xdpload: block: 10.0.0.1/24: host bits are set after the first 24 bits (the network is 10.0.0.0/24)"
	run -1 fw block 10.0.0.300 --dev "$IF_B"
	assert_output "xdpload: block: 10.0.0.300: not an IPv4 or IPv6 address"
	run -1 fw block 10.0.0.0/33 --dev "$IF_B"
	assert_output "xdpload: block: 10.0.0.0/33: prefix length must be a number from 0 to 32"
	run -1 fw block 192.0.2.1 192.0.2.1/32 --dev "$IF_B"
	assert_output "xdpload: block: 192.0.2.1 is given twice"
	run -1 fw block 192.0.2.9 "$BLOCKED4" --dev "$IF_B"
	assert_output --regexp "^xdpload: block: $BLOCKED4 is already a rule on $IF_B \(rule [0-9]+\); nothing changed$"
	run -1 fw block 192.0.2.0/24 198.51.100.0/24 --dev "$IF_B"
	assert_output --partial "198.51.100.0/24 is already a rule"
	run -1 fw unblock 192.0.2.77 --dev "$IF_B"
	assert_output "xdpload: unblock: 192.0.2.77 is not a rule on $IF_B; nothing changed"
	run -1 fw unblock 198.51.0.0/16 --dev "$IF_B"
	assert_output --partial "198.51.0.0/16 is not a rule"
	run -1 fw block 192.0.2.1
	assert_output "xdpload: block: which interface's firewall? give --dev IFACE"
	run -5 fw block 192.0.2.1 --dev xdplnosuch0
	assert_output --partial "hint: no firewall was attached to xdplnosuch0"
	run -0 fw rules --dev "$IF_B" -j
	[ "$(echo "$output" | jq '.rules | length')" -eq 4 ]
	run -0 fw block 192.0.2.0/24 --dev "$IF_B"
	run -0 fw unblock 192.0.2.0/24 --dev "$IF_B"
	assert_output --regexp "^unblocked 192.0.2.0/24 on $IF_B \(rule [0-9]+\)$"
	# An IPv4-mapped IPv6 address, as dual-stack logs write it, is the IPv4 rule.
	run -0 fw block ::ffff:192.0.2.55 --dev "$IF_B"
	assert_output --regexp "^blocked 192.0.2.55 on $IF_B \(rule [0-9]+\)$"
	[ "$(verdict "$(packet none ipv4 192.0.2.55 0)")" = XDP_DROP ]
	run -0 fw unblock 192.0.2.55 --dev "$IF_B"
}

@test "rules load: a file replaces the set by its difference; kept rules keep their ids and hits" {
	local f="$BATS_TEST_TMPDIR/rules.txt"
	fw rules --dev "$IF_B" >"$f"   # the listing is itself a rules file
	hits=$(fw_hits "$BLOCKED4")
	[ "$hits" -gt 0 ]
	cat >>"$f" <<-EOF
		# firehol style: addresses and networks, comments
		203.0.113.0/25   # trailing comment
		2001:db8:aaaa::/64
		create myset hash:net family inet
		add myset 203.0.113.200
	EOF
	sed -i '/198.51.100.0/d' "$f"
	run -0 fw rules load "$f" --dev "$IF_B" --dry-run
	assert_output --regexp "^rules $f on $IF_B: 6 rules: 3 kept, 3 to be added, 1 to be removed \([0-9.]+ s\)
dry run: nothing changed$"
	run -0 fw rules --dev "$IF_B" -j
	[ "$(echo "$output" | jq '.rules | length')" -eq 4 ]
	run -0 fw rules load "$f" --dev "$IF_B"
	assert_output --regexp "^rules $f on $IF_B: 6 rules: 3 kept, 3 added, 1 removed"
	run -0 fw rules --dev "$IF_B" -j
	assert_equal "$(echo "$output" | jq -r '[.rules[].cidr] | join(" ")')" \
		"$BLOCKED4 203.0.113.0/25 203.0.113.200 2001:db8::/48 2001:db8:aaaa::/64 2001:db8:ffff::1"
	[ "$(fw_hits "$BLOCKED4")" -eq "$hits" ]
	[ "$(verdict "$(packet none ipv4 198.51.100.77 0)")" = XDP_PASS ]
	[ "$(verdict "$(packet none ipv4 203.0.113.5 0)")" = XDP_DROP ]
}

@test "rules load: a UTF-8 byte-order mark is skipped; orphan hit counters are swept up" {
	local f="$BATS_TEST_TMPDIR/bom.txt" n hits
	n=$(fw rules --dev "$IF_B" -j | jq '.rules | length')
	hits=$(fw_hits "$BLOCKED4")
	[ "$hits" -gt 0 ]
	fw rules --dev "$IF_B" >"$f.plain"
	printf '\xef\xbb\xbf' | cat - "$f.plain" >"$f"
	run -0 fw rules load "$f" --dev "$IF_B"
	assert_output --regexp "^rules $f on $IF_B: $n rules: $n kept, 0 added, 0 removed "
	# A counter for rule 12345, which does not exist: what a packet racing an unblock leaves.
	bpftool map update pinned "$FWDIR/fw_hits" key 0x39 0x30 0 0 value 1 0 0 0 0 0 0 0 64 0 0 0 0 0 0 0
	run -0 bpftool map lookup pinned "$FWDIR/fw_hits" key 0x39 0x30 0 0
	run -0 fw rules load "$f" --dev "$IF_B"
	run bpftool map lookup pinned "$FWDIR/fw_hits" key 0x39 0x30 0 0
	assert_failure
	assert_equal "$(fw_hits "$BLOCKED4")" "$hits" # the live rules' counters stay
}

@test "rules load: a bad line names the file and line, and nothing changes" {
	local f="$BATS_TEST_TMPDIR/bad.txt"
	before=$(fw rules --dev "$IF_B")
	printf '# ok\n192.0.2.0/24\n10.1.2.3/8\n' >"$f"
	run -1 fw rules load "$f" --dev "$IF_B"
	assert_output "xdpload: rules: $f line 3: 10.1.2.3/8: host bits are set after the first 8 bits (the network is 10.0.0.0/8)"
	printf '192.0.2.0/24\n\n192.0.2.0/24\n' >"$f"
	run -1 fw rules load "$f" --dev "$IF_B"
	assert_output "xdpload: rules: $f line 3: 192.0.2.0/24 is already on line 1"
	printf '192.0.2.0/24 10.0.0.1\n' >"$f"
	run -1 fw rules load "$f" --dev "$IF_B"
	assert_output "xdpload: rules: $f line 1: expected one CIDR per line, found more words after 192.0.2.0/24"
	printf 'create s hash:net\nadd s 10.0.0.0/8\nadd s 10.1.0.0/16 nomatch\n' >"$f"
	run -1 fw rules load "$f" --dev "$IF_B"
	assert_output "xdpload: rules: $f line 3: 10.1.0.0/16 nomatch: an ipset exception, which a list of sources cannot express"
	: >"$f"
	run -1 fw rules load "$f" --dev "$IF_B"
	assert_output --regexp "^xdpload: rules: $f holds no rules; loading it would remove all [0-9]+ rules on $IF_B. Pass --force if that is what you want$"
	run -5 fw rules load "$BATS_TEST_TMPDIR/missing" --dev "$IF_B"
	assert_output "xdpload: rules: cannot open $BATS_TEST_TMPDIR/missing: ENOENT (No such file or directory)"
	[ "$(fw rules --dev "$IF_B")" = "$before" ]
}

@test "rules load -: the rules come from stdin, and its errors name stdin" {
	n=$(fw rules --dev "$IF_B" -j | jq '.rules | length')
	run -0 sh -c '"$1" rules --dev "$2" --pin-maps "$3" | "$1" rules load - --dev "$2" --pin-maps "$3"' \
		- "$XDPLOAD" "$IF_B" "$BPFFS"
	assert_output --regexp "^rules - on $IF_B: $n rules: $n kept, 0 added, 0 removed \([0-9.]+ s\)$"
	before=$(fw rules --dev "$IF_B")
	run -1 --separate-stderr sh -c 'printf "192.0.2.0/24\n10.1.2.3/8\n" | "$1" rules load - --dev "$2" --pin-maps "$3"' \
		- "$XDPLOAD" "$IF_B" "$BPFFS"
	assert_equal "$stderr" "xdpload: rules: stdin line 2: 10.1.2.3/8: host bits are set after the first 8 bits (the network is 10.0.0.0/8)"
	assert_equal "$(fw rules --dev "$IF_B")" "$before"
	run -0 sh -c '{ "$1" rules --dev "$2" --pin-maps "$3"; echo 192.0.2.0/24; } | "$1" rules load - --dev "$2" --pin-maps "$3"' \
		- "$XDPLOAD" "$IF_B" "$BPFFS"
	assert_output --regexp "^rules - on $IF_B: $((n + 1)) rules: $n kept, 1 added, 0 removed "
	assert_equal "$(verdict "$(packet none ipv4 192.0.2.9 0)")" XDP_DROP
	run -0 fw unblock 192.0.2.0/24 --dev "$IF_B"
}

@test "locks: rules and stats share a lock; block waits for every reader, and readers for a change" {
	# The lock xdpload takes is flock(2) on the state directory: held here
	# the same way, on a descriptor of this shell's own.
	local n
	n=$(fw rules --dev "$IF_B" -j | jq '.rules | length')
	exec {lock}<"$FWDIR"
	flock -s "$lock"
	run -0 timeout 5 nsenter --net="/run/netns/$NS_B" "$XDPLOAD" rules --dev "$IF_B" --pin-maps "$BPFFS" {lock}<&-
	assert_line --index 0 "# $n rules on $IF_B, policy deny"
	run -0 timeout 5 nsenter --net="/run/netns/$NS_B" "$XDPLOAD" stats --dev "$IF_B" --pin-maps "$BPFFS" {lock}<&-
	# A rule change waits until the shared lock is let go.
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" block 192.0.2.77 --dev "$IF_B" --pin-maps "$BPFFS" \
		>"$BATS_TEST_TMPDIR/block" 2>&1 {lock}<&- 3>&- &
	changer=$!
	sleep 0.5
	kill -0 "$changer" # still waiting
	run -0 timeout 5 nsenter --net="/run/netns/$NS_B" "$XDPLOAD" rules --dev "$IF_B" --pin-maps "$BPFFS" -j {lock}<&-
	assert_equal "$(jq '.rules | length' <<<"$output")" "$n"
	flock -u "$lock"
	wait_exit "$changer" 5
	assert_equal "$(cat "$BATS_TEST_TMPDIR/block")" "blocked 192.0.2.77 on $IF_B (rule $(fw_rule_id 192.0.2.77))"
	# Readers wait while a change holds the exclusive lock.
	flock -x "$lock"
	for verb in rules stats; do
		nsenter --net="/run/netns/$NS_B" "$XDPLOAD" $verb --dev "$IF_B" --pin-maps "$BPFFS" \
			>"$BATS_TEST_TMPDIR/$verb" 2>&1 {lock}<&- 3>&- &
		eval "${verb}_pid=\$!"
	done
	sleep 0.5
	kill -0 "$rules_pid"
	kill -0 "$stats_pid"
	assert_file_empty "$BATS_TEST_TMPDIR/rules"
	flock -u "$lock"
	exec {lock}<&-
	wait_exit "$rules_pid" 5
	wait_exit "$stats_pid" 5
	run -0 cat "$BATS_TEST_TMPDIR/rules"
	assert_line --index 0 "# $((n + 1)) rules on $IF_B, policy deny"
	run -0 cat "$BATS_TEST_TMPDIR/stats"
	assert_line --index 0 "firewall on $IF_B: policy deny, $((n + 1)) rules, malformed packets passed, events 100/s per CPU"
	run -0 fw unblock 192.0.2.77 --dev "$IF_B"
}

@test "rules load: 100k mixed IPv4/IPv6 rules load, and loading them again changes nothing" {
	local f="$BATS_TEST_TMPDIR/big.txt"
	awk 'BEGIN { for (i = 0; i < 60000; i++) printf "10.%d.%d.%d\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256;
		for (i = 0; i < 20000; i++) printf "2001:db8:%x::/48\n", i + 4096;
		for (i = 0; i < 20000; i++) printf "172.%d.%d.0/24\n", 16 + int(i / 256), i % 256 }' >"$f"
	run -0 fw rules load "$f" --dev "$IF_B"
	assert_output --regexp "100000 rules: 0 kept, 100000 added, 6 removed"
	run -0 fw rules load "$f" --dev "$IF_B"
	assert_output --regexp "100000 rules: 100000 kept, 0 added, 0 removed"
	[ "$(verdict "$(packet none ipv4 10.100.3.7 0)")" = XDP_DROP ]
	[ "$(verdict "$(packet none ipv4 172.20.1.9 0)")" = XDP_DROP ]
	[ "$(verdict "$(packet none ipv4 $BLOCKED4 0)")" = XDP_PASS ]
	# Back to the rules the other tests expect.
	printf '%s\n' "$BLOCKED4" 198.51.100.0/24 2001:db8::/48 2001:db8:ffff::1 >"$f"
	run -0 fw rules load "$f" --dev "$IF_B"
	assert_output --regexp "4 rules: 0 kept, 4 added, 100000 removed"
}

@test "a full map is refused with its capacity, and nothing changes" {
	in_a() { nsenter --net="/run/netns/$NS_A" "$@"; }
	in_a "$XDPLOAD" firewall attach "$IF_A" "$PROGS/fw_small.o" --pin-maps "$BPFFS" >/dev/null
	run -0 in_a "$XDPLOAD" block 192.0.2.1 192.0.2.2 192.0.2.3 --dev "$IF_A" --pin-maps "$BPFFS"
	run -3 in_a "$XDPLOAD" block 192.0.2.4 192.0.2.5 --dev "$IF_A" --pin-maps "$BPFFS"
	assert_output "xdpload: firewall: $BPFFS/fw-state/$IF_A/fw_v4 is full at 192.0.2.5: it holds at most 4 rules of this kind: E2BIG (Argument list too long)"
	run -0 in_a "$XDPLOAD" rules --dev "$IF_A" --pin-maps "$BPFFS" -j
	[ "$(echo "$output" | jq '.rules | length')" -eq 3 ]
	# rules load, refused the same way halfway through its additions, undoes them.
	before=$(in_a "$XDPLOAD" rules --dev "$IF_A" --pin-maps "$BPFFS")
	local f="$BATS_TEST_TMPDIR/full.txt"
	printf '%s\n' 192.0.2.1 10.0.0.0/8 192.0.2.4 192.0.2.5 2001:db8::/32 >"$f"
	run -3 --separate-stderr in_a "$XDPLOAD" rules load "$f" --dev "$IF_A" --pin-maps "$BPFFS"
	assert_equal "$stderr" "xdpload: firewall: $BPFFS/fw-state/$IF_A/fw_v4 is full at 192.0.2.5: it holds at most 4 rules of this kind: E2BIG (Argument list too long)
xdpload: rules: nothing changed on $IF_A"
	assert_equal "$(in_a "$XDPLOAD" rules --dev "$IF_A" --pin-maps "$BPFFS")" "$before"
	# 10.0.0.0/8 and 192.0.2.4 went in before 192.0.2.5 failed; they are out again.
	small() { in_a "$XDPLOAD" test "$PROGS/fw_small.o" --dev "$IF_A" --pin-maps "$BPFFS" --packet "$1" -j | jq -r .result; }
	assert_equal "$(small "$(packet none ipv4 10.1.2.3 0)")" XDP_PASS
	assert_equal "$(small "$(packet none ipv4 192.0.2.4 0)")" XDP_PASS
	assert_equal "$(small "$(packet none ipv4 192.0.2.2 0)")" XDP_DROP
	assert_dir_exists "$BPFFS/fw-state/$IF_A"
	run -0 in_a "$XDPLOAD" firewall detach "$IF_A" --purge --pin-maps "$BPFFS"
	assert_line "removed $BPFFS/fw-state/$IF_A (10 pinned maps: rules, counters, settings)"
	assert_not_exists "$BPFFS/fw-state/$IF_A"
	[ -z "$(ip -n "$NS_A" -d link show dev "$IF_A" | grep prog/xdp)" ]
}

@test "the policy is kept with the rules: a reload cannot flip it, firewall set changes it on purpose" {
	run -1 fw firewall attach "$IF_B" --policy allow-only --force
	assert_output "xdpload: firewall: $FWDIR keeps the policy deny with its rules; --policy allow-only would change what they mean on a reload
xdpload: hint: to change it on purpose: \`xdpload firewall set $IF_B --policy allow-only\`"
	run -1 fw allow 192.0.2.1 --dev "$IF_B"
	assert_output "xdpload: allow: the firewall on $IF_B is deny: its rules are the sources it drops; use \`xdpload block\`"
}

@test "allow-only: listed sources pass, others drop, ARP and IPv6 neighbour discovery keep working" {
	ip -n "$NS_A" addr add 2001:db8:5::1/64 dev "$IF_A" nodad
	ip -n "$NS_B" addr add 2001:db8:5::2/64 dev "$IF_B" nodad
	fw firewall set "$IF_B" --policy allow-only
	local f="$BATS_TEST_TMPDIR/allow.txt"
	printf '%s\n' "$OTHER4" 2001:db8:5::1 >"$f"
	fw rules load "$f" --dev "$IF_B" >/dev/null
	ip -n "$NS_A" neigh flush all
	ip -n "$NS_B" neigh flush all
	run ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 1 -I "$OTHER4" "$IP_B"
	assert_output --partial "2 packets transmitted, 2 received"
	run ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 1 2001:db8:5::2
	assert_output --partial "2 packets transmitted, 2 received"
	run ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 1 "$IP_B"
	assert_output --partial "2 packets transmitted, 0 received"
	# Neighbour solicitation from an unlisted source passes; the same ICMPv6 routed
	# (hop limit 64) does not, nor a router advertisement or a redirect from it.
	nd="6000000000083aff""fe800000000000000000000000000009""ff0200000000000000000001ff000002""8700000000000000"
	[ "$(verdict "$(frame none 86dd "$nd")")" = XDP_PASS ]
	[ "$(verdict "$(frame none 86dd "${nd:0:14}40${nd:16}")")" = XDP_DROP ]
	[ "$(verdict "$(frame none 86dd "${nd:0:80}86${nd:82}")")" = XDP_DROP ]
	[ "$(verdict "$(frame none 86dd "${nd:0:80}89${nd:82}")")" = XDP_DROP ]
	[ "$(verdict "$(frame none 86dd "${nd:0:80}88${nd:82}")")" = XDP_PASS ]
	# Back to deny and its rules.
	fw firewall set "$IF_B" --policy deny
	printf '%s\n' "$BLOCKED4" 198.51.100.0/24 2001:db8::/48 2001:db8:ffff::1 >"$f"
	fw rules load "$f" --dev "$IF_B" >/dev/null
}

@test "firewall attach on a fresh state: --policy allow-only, --malformed drop, --events-rate N are its settings; allow admits" {
	local dev="xdplfwn$(($$ % 10000))"
	local dir="$BPFFS/fw-state/$dev"
	fresh_dev "$dev"
	assert_not_exists "$dir"
	run -0 fw_m firewall attach "$dev" --policy allow-only --malformed drop --events-rate 7
	id=$(xdp_id_m "$dev")
	assert_output "attached xdp_firewall (id $id) to $dev (native mode)
firewall on $dev: policy allow-only, malformed packets dropped, events 7/s per CPU; rules and counters in $dir"
	run -0 fw_m stats --dev "$dev" -j
	assert_equal "$(jq -c '[.policy, .malformed_verdict, .events_per_sec, .rules]' <<<"$output")" '["allow-only","drop",7,0]'
	# No rules, allow-only: every IP source drops; ARP passes; a malformed frame drops.
	assert_equal "$(verdict "$(packet none ipv4 "$OTHER4" 0)" "$dev")" XDP_DROP
	assert_equal "$(verdict "$(packet none ipv6 0 20010db8000100000000000000000005)" "$dev")" XDP_DROP
	assert_equal "$(verdict "$(packet none arp "$OTHER4" 0)" "$dev")" XDP_PASS
	assert_equal "$(verdict "$(packet none truncated 0 0)" "$dev")" XDP_DROP
	run -0 fw_m allow "$OTHER4" 2001:db8:1::/48 --dev "$dev"
	assert_output "allowed $OTHER4 on $dev (rule 1)
allowed 2001:db8:1::/48 on $dev (rule 2)"
	assert_equal "$(verdict "$(packet none ipv4 "$OTHER4" 0)" "$dev")" XDP_PASS
	assert_equal "$(verdict "$(packet none ipv6 0 20010db8000100000000000000000005)" "$dev")" XDP_PASS
	assert_equal "$(verdict "$(packet none ipv4 "$BLOCKED4" 0)" "$dev")" XDP_DROP
	run -1 fw_m block 192.0.2.1 --dev "$dev"
	assert_output "xdpload: block: the firewall on $dev is allow-only: its rules are the sources it lets in; use \`xdpload allow\`"
	# 7 events per second and CPU: 100 drops in one test run (one CPU, well
	# within a second, a second after the last drop) send 7 and hold back 93.
	sleep 1.1
	sent0=$(fw_stat events_sent "$dev") limited0=$(fw_stat events_rate_limited "$dev")
	run -0 in_b "$XDPLOAD" test --builtin --pin-maps "$BPFFS" --dev "$dev" --repeat 100 \
		--packet "$(packet none ipv4 "$BLOCKED4" 0)" -j
	assert_equal "$(jq -r .result <<<"$output")" XDP_DROP
	assert_equal $(($(fw_stat events_sent "$dev") - sent0)) 7
	assert_equal $(($(fw_stat events_rate_limited "$dev") - limited0)) 93
	run -0 fw_m firewall detach "$dev" --purge
	prog_gone "$id"
	ip -n "$NS_M" link del "$dev"
}

@test "attach --builtin: the built-in firewall, its state where the firewall verbs look" {
	local dev="xdplfwk$(($$ % 10000))"
	fresh_dev "$dev"
	run -0 in_m "$XDPLOAD" attach --builtin "$dev" --pin-maps "$BPFFS"
	id=$(xdp_id_m "$dev")
	assert_output "attached xdp_firewall (id $id) to $dev (native mode)"
	run -0 bpftool prog show id "$id"
	assert_output --partial "name xdp_firewall"
	assert_file_exists "$BPFFS/fw-state/$dev/fw_meta"
	run -0 fw_m stats --dev "$dev"
	assert_line --index 0 "firewall on $dev: policy deny, 0 rules, malformed packets passed, events 100/s per CPU"
	run -0 fw_m block "$BLOCKED4" --dev "$dev"
	assert_output "blocked $BLOCKED4 on $dev (rule 1)"
	assert_equal "$(verdict "$(packet none ipv4 "$BLOCKED4" 0)" "$dev")" XDP_DROP
	run -0 fw_m firewall detach "$dev" --purge
	assert_output "detached the firewall (id $id) from $dev (native mode)
removed $BPFFS/fw-state/$dev (10 pinned maps: rules, counters, settings)"
	prog_gone "$id"
	ip -n "$NS_M" link del "$dev"
}

@test "detach keeps rules and counters; attach picks them up; --purge leaves nothing" {
	drop0=$(fw_stat drop)
	run -0 fw firewall detach "$IF_B"
	assert_output --regexp "^detached the firewall \(id [0-9]+\) from $IF_B \(native mode\)
rules and counters stay in $FWDIR for the next \`xdpload firewall attach $IF_B\`; --purge removes them$"
	[ -z "$(xdp_id_b)" ]
	run -0 fw firewall attach "$IF_B"
	assert_output --partial "policy deny"
	[ "$(fw_stat drop)" -eq "$drop0" ]
	run ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 1 "$IP_B"
	assert_output --partial "2 packets transmitted, 0 received"
}

@test "test --builtin: a test run uses the interface's rules, but never pins anything of its own" {
	pins=$(find "$BPFFS" | sort)
	[ "$(verdict "$(packet none ipv4 198.51.100.7 0)")" = XDP_DROP ]
	assert_equal "$(find "$BPFFS" | sort)" "$pins"
	# Without --pin-maps: the built-in firewall's maps are private to the run.
	# Its default pin directory is /sys/fs/bpf/xdpload: here a fresh bpffs of
	# this test's own, in a mount namespace of its own, still empty after.
	run -0 in_b unshare --mount --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf || exit 9
		before=$(find /sys/fs/bpf | sort)
		"$0" test --builtin || exit 8
		[ "$(find /sys/fs/bpf | sort)" = "$before" ] || { echo "pinned:"; find /sys/fs/bpf; exit 7; }' "$XDPLOAD"
	assert_line "result    XDP_PASS (2)"
	run -5 in_b "$XDPLOAD" test --builtin --pin-maps "$BPFFS" --dev xdplnone0
	assert_output "xdpload: test: no firewall state for xdplnone0 in $BPFFS/fw-state/xdplnone0; attach one with \`xdpload firewall attach xdplnone0\`"
}

@test "firewall verbs: usage errors, a state that is missing, a program that is not ours" {
	local dev="${IF_M}p"
	run -1 fw firewall frobnicate "$IF_B"
	assert_output "xdpload: firewall: unknown command frobnicate; expected attach, upgrade, detach or set"
	run -1 fw firewall detach "$IF_B" extra
	assert_output "xdpload: usage: xdpload firewall attach|upgrade IFACE [OBJ], firewall detach|set IFACE"
	run -1 fw firewall set "$IF_B"
	assert_output "xdpload: firewall set: give --policy, --malformed or --events-rate"
	run -1 fw rules show --dev "$IF_B"
	assert_output "xdpload: usage: xdpload rules --dev IFACE [-j], xdpload rules load FILE --dev IFACE [--dry-run]"
	run -1 fw rules --dev ../etc
	assert_output "xdpload: firewall: ../etc is not an interface name"
	run -5 fw firewall detach "$dev"
	assert_output "xdpload: firewall detach: no firewall state for $dev in $BPFFS/fw-state/$dev"
	run -5 fw stats --dev "$dev"
	assert_output "xdpload: firewall: no firewall state in $BPFFS/fw-state/$dev: ENOENT (No such file or directory)
xdpload: hint: no firewall was attached to $dev with this --pin-maps; attach one with \`xdpload firewall attach $dev\`"
	# State without its program; then another program on the interface.
	in_m "$XDPLOAD" firewall attach "$dev" --pin-maps "$BPFFS" >/dev/null
	in_m "$XDPLOAD" detach "$dev" >/dev/null
	run -4 in_m "$XDPLOAD" firewall upgrade "$dev" --pin-maps "$BPFFS"
	assert_output "xdpload: firewall upgrade: no firewall of $BPFFS/fw-state/$dev is attached to $dev; attach it with \`xdpload firewall attach $dev\`"
	in_m "$XDPLOAD" attach "$PROGS/xdp_drop.o" "$dev" >/dev/null
	id=$(ip -n "$NS_M" -d link show dev "$dev" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	run -0 in_m "$XDPLOAD" firewall detach "$dev" --purge --pin-maps "$BPFFS"
	assert_output "$dev runs XDP program $id, not the firewall of $BPFFS/fw-state/$dev: left alone (\`xdpload detach $dev\` removes it)
removed $BPFFS/fw-state/$dev (10 pinned maps: rules, counters, settings)"
	run ip -n "$NS_M" -d link show dev "$dev"
	assert_output --partial "prog/xdp id $id name xdp_drop "
	in_m "$XDPLOAD" detach "$dev" >/dev/null
}

@test "events: a firewall with events off says how to turn them on" {
	fw firewall set "$IF_B" --events-rate 0 >/dev/null
	run -0 --separate-stderr fw events --dev "$IF_B" --duration 0
	fw firewall set "$IF_B" --events-rate 100 >/dev/null
	assert_equal "$stderr" "xdpload: events: the firewall on $IF_B sends no events (rate 0); \`xdpload firewall set $IF_B --events-rate N\` turns them on
xdpload: events: 0 shown; meanwhile the firewall sent 0, held back 0 over the rate, lost 0 to a full ring"
}

@test "a pinned map of another layout is refused with the way out" {
	local dir="$BPFFS/fw-state/xdplfake0"
	mkdir -p "$dir"
	bpftool map create "$dir/fw_meta" type array key 4 value 24 entries 1 name fw_meta
	# One map, its fw_meta never filled in: what an attach killed halfway leaves.
	run -5 fw block 192.0.2.1 --dev xdplfake0
	assert_output "xdpload: firewall: $dir: an attach did not finish: 9 of the 10 maps are not pinned (fw_v4 the first)
xdpload: hint: an attach of the firewall on xdplfake0 did not finish: \`xdpload firewall attach xdplfake0\` completes it, \`xdpload firewall detach xdplfake0 --purge\` removes it"
	bpftool map create "$dir/fw_v4" type hash key 8 value 4 entries 16 name fw_v4 flags 1
	for m in fw_v6 fw_lpm4 fw_lpm6 fw_hits fw_stats fw_limit fw_events fw_svc; do
		bpftool map create "$dir/$m" type array key 4 value 4 entries 1 name "$m"
	done
	run -5 fw block 192.0.2.1 --dev xdplfake0
	assert_output "xdpload: firewall: $dir/fw_v4 is a hash map with 8-byte keys and 4-byte values; firewall layout 3 needs a hash map with 4 and 24
xdpload: hint: $dir was made by another version of xdpload's firewall. Export its rules with the xdpload that made it (\`xdpload rules --dev xdplfake0 > rules.txt\`), remove it with \`xdpload firewall detach xdplfake0 --purge\`, attach again and \`xdpload rules load rules.txt --dev xdplfake0\`"
	rm -r "$dir"
}

@test "run --builtin holds the firewall with a bpf_link; firewall upgrade swaps it with BPF_LINK_UPDATE" {
	in_m "$XDPLOAD" firewall detach "$IF_M" --pin-maps "$BPFFS" >/dev/null
	nsenter --net="/run/netns/$NS_M" "$XDPLOAD" run --builtin "$IF_M" --pin-maps "$BPFFS" \
		>"$BATS_TEST_TMPDIR/run" 2>&1 3>&- &
	pid=$!
	wait_until 5 grep -q attached "$BATS_TEST_TMPDIR/run"
	run -0 in_m "$XDPLOAD" firewall upgrade "$IF_M" --pin-maps "$BPFFS"
	assert_output --regexp "^upgraded the firewall on $IF_M: program [0-9]+ -> [0-9]+ \(native mode, via link\); rules and counters kept in $BPFFS/fw-state/$IF_M$"
	new=$(echo "$output" | sed 's/.*-> \([0-9]*\).*/\1/')
	run -0 in_m "$XDPLOAD" status "$IF_M"
	assert_output --regexp "$new +xdp_firewall .* link"
	run -4 --separate-stderr in_m "$XDPLOAD" firewall detach "$IF_M" --pin-maps "$BPFFS"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: firewall detach: program $new from $IF_M (native mode): RTM_SETLINK refused: EBUSY (Device or resource busy)" \
		"xdpload: kernel says: Can't replace active BPF XDP link" \
		"xdpload: hint: a bpf_link holds it (\`xdpload run\`); stop that process to detach")"
	kill -INT "$pid"
	wait_exit "$pid" 10
	prog_gone "$new"
	run -0 in_m "$XDPLOAD" status "$IF_M"
	refute_output --partial xdp_firewall
	# The rules stayed with the state, not with the program.
	[ "$(verdict "$(packet none ipv4 $BLOCKED4 0)" "$IF_M")" = XDP_DROP ]
}

@test "firewall detach --purge: no program, no pins, no directory" {
	id=$(xdp_id_b)
	[ -n "$id" ]
	assert_file_exists "$FWDIR/fw_meta"
	run -0 fw firewall detach "$IF_B" --purge
	assert_line "removed $FWDIR (10 pinned maps: rules, counters, settings)"
	[ -z "$(xdp_id_b)" ]
	assert_not_exists "$FWDIR"
	prog_gone "$id"
}
