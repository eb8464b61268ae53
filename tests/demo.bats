#!/usr/bin/env bats
# The README's first command: make demo works as a new user would try it.
load helpers

@test "make demo shows pass, drop and detach on a throwaway veth, and cleans up" {
	require_root
	run -0 --separate-stderr "$ROOT/demo.sh"
	assert_line --regexp "^attached xdp_firewall \(id [0-9]+\) to xdpldemob \(native mode\)$"
	assert_line "ping while xdp_firewall runs: 5 packets transmitted, 5 received, 0% packet loss"
	assert_line "after run exits: 0 programs attached"
	assert_line "ping with xdp_drop attached:   3 packets transmitted, 0 received, 100% packet loss"
	assert_line "ping after detach:             3 packets transmitted, 3 received, 0% packet loss"
	assert_line "result    XDP_PASS (2)"
	assert_line "result    XDP_DROP (1)"
	run ip netns list
	refute_output --partial "xdpl-demo"
}
