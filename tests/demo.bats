#!/usr/bin/env bats
# The README's first command: make demo works as a new user would try it.
load helpers

@test "make demo: the firewall blocks a source on a throwaway veth, with counters and events, and cleans up" {
	require_root
	run -0 --separate-stderr "$ROOT/demo.sh"
	assert_line --regexp "^attached xdp_firewall \(id [0-9]+\) to xdpldemob \(native mode\)$"
	assert_line "ping with no rules:            3 packets transmitted, 3 received, 0% packet loss"
	assert_line --regexp "^blocked 10.77.0.1 on xdpldemob \(rule [0-9]+\)$"
	assert_line "ping from a blocked source:    3 packets transmitted, 0 received, 100% packet loss"
	[ "$(grep -c ' drop 10.77.0.1 .* 98 bytes' <<<"$output")" -eq 3 ]
	assert_line --regexp "^10.77.0.1 +# rule [0-9]+: 3 packets, 294 bytes$"
	assert_line --regexp "^drop +3 +294$"
	assert_line "ping during the upgrades:      50 packets transmitted, 0 received, 100% packet loss"
	assert_line --regexp "^drop +53 +"
	assert_line "ping after unblock:            3 packets transmitted, 3 received, 0% packet loss"
	assert_line --regexp "^removed /tmp/xdpl-demo-bpffs.* \(9 pinned maps: rules, counters, settings\)$"
	assert_line "result    XDP_PASS (2)"
	assert_line "result    XDP_DROP (1)"
	run ip netns list
	refute_output --partial "xdpl-demo"
	run grep xdpl-demo-bpffs /proc/mounts
	assert_failure
}
