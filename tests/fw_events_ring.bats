#!/usr/bin/env bats
# Drop events with nobody reading them: the ring buffer fills and stays
# full, and the rate limit must still bound what the data path tries.
# Drops beyond the rate are held back (counted as such), never each one
# sent to the full ring and counted lost.
load helpers

BLOCKED4=10.203.0.1

setup_file() {
	require_root
	netns_create er
	bpffs_create
	in_b "$XDPLOAD" firewall attach "$IF_B" --pin-maps "$BPFFS" >/dev/null
	in_b "$XDPLOAD" block "$BLOCKED4" --dev "$IF_B" --pin-maps "$BPFFS" >/dev/null
}

teardown_file() {
	netns_destroy
	bpffs_destroy
}

setup() {
	require_root
}

fw() { in_b "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }
fw_stat() { fw stats --dev "$IF_B" -j | jq ".$1.packets"; }

# drops N: N packets from the blocked source through the firewall's program (BPF_PROG_TEST_RUN).
drops() {
	local p
	p="020000000002020000000001""0800""450000320000400040110000""0acb0001""c0000201""30390035001e0000$(printf '%044d' 0)"
	in_b "$XDPLOAD" test --builtin --pin-maps "$BPFFS/fw-state/$IF_B" --packet "$p" --repeat "$1" -j | jq -r .result
}

@test "events, ring full and nobody reading: at most the rate is tried, the rest is held back" {
	# Fill the ring: 20000 drop events is far more than 256 KiB holds.
	fw firewall set "$IF_B" --events-rate 1000000 >/dev/null
	[ "$(drops 20000)" = XDP_DROP ]
	[ "$(fw_stat events_lost)" -gt 0 ]
	fw firewall set "$IF_B" --events-rate 5 >/dev/null
	sleep 1.1 # a new one-second window on every CPU
	lost0=$(fw_stat events_lost) limited0=$(fw_stat events_rate_limited) sent0=$(fw_stat events_sent)
	# One test run is on one CPU and takes a few milliseconds: one window.
	[ "$(drops 10000)" = XDP_DROP ]
	assert_equal "$(fw_stat events_sent)" "$sent0"
	assert_equal $(($(fw_stat events_lost) - lost0)) 5
	assert_equal $(($(fw_stat events_rate_limited) - limited0)) 9995
}
