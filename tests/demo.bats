#!/usr/bin/env bats
# The README's first command: make demo works as a new user would try it.
load helpers

@test "make demo: the firewall blocks a source on a throwaway veth, with counters and events, and cleans up" {
	require_root
	run -0 --separate-stderr "$ROOT/demo.sh"
	# Its names carry its own number: these, and only these, are looked for after.
	names=$(sed -n 's/^== a throwaway network: namespaces \(xdpl-demo-a-[0-9]*\) and \(xdpl-demo-b-[0-9]*\) joined by veth \(xdpldemo[0-9]*a\) <-> \(xdpldemo[0-9]*b\)$/\1 \2 \3 \4/p' <<<"$output")
	read -r ns_a ns_b if_a if_b <<<"$names"
	assert_equal "${ns_a#xdpl-demo-a-}" "${ns_b#xdpl-demo-b-}"
	assert_equal "$if_a" "xdpldemo${ns_a#xdpl-demo-a-}a"
	assert_equal "$if_b" "xdpldemo${ns_a#xdpl-demo-a-}b"
	assert_line "ping from A to B without XDP:  3 packets transmitted, 3 received, 0% packet loss"
	assert_line --regexp "^attached xdp_firewall \(id [0-9]+\) to $if_b \(native mode\)$"
	assert_line "ping with no rules:            3 packets transmitted, 3 received, 0% packet loss"
	assert_line --regexp "^blocked 10.77.0.1 on $if_b \(rule [0-9]+\)$"
	assert_line "ping from a blocked source:    3 packets transmitted, 0 received, 100% packet loss"
	assert_equal "$(grep -c ' drop 10.77.0.1 .* 98 bytes' <<<"$output")" 3
	assert_line --regexp "^10.77.0.1 +# rule [0-9]+: 3 packets, 294 bytes$"
	assert_line --regexp "^drop +3 +294$"
	assert_line "ping during the upgrades:      50 packets transmitted, 0 received, 100% packet loss"
	assert_line --regexp "^drop +53 +5194$"
	assert_line "ping after unblock:            3 packets transmitted, 3 received, 0% packet loss"
	pins=$(sed -n "s|^removed \(/tmp/xdpl-demo-bpffs\.[A-Za-z0-9]*\)/fw-state/$if_b (10 pinned maps: rules, counters, settings)$|\1|p" <<<"$output")
	[ -n "$pins" ]
	assert_line "result    XDP_PASS (2)"
	assert_line "result    XDP_DROP (1)"
	assert_equal "$stderr" ""
	# Nothing of it is left: its namespaces (and so its veth), its bpffs.
	assert_equal "$(ip netns list | grep -cE "^($ns_a|$ns_b)( |$)")" 0
	run -0 cat /proc/mounts
	refute_output --partial " $pins "
	assert_not_exists "$pins"
}
