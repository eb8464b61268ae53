#!/usr/bin/env bats
# examples/: programs a user writes on libxdpload, built by `make examples`
# against the installed library with pkg-config, each run in a test namespace
# and shown to do what it says.
load helpers

setup_file() {
	require_root
	make -s -C "$ROOT" examples >/dev/null
	netns_create ex
}

teardown_file() {
	netns_destroy
}

# An example a failed test left running goes with its test, and so does a firewall.
teardown() {
	[ -z "${pid:-}" ] || kill -KILL "$pid" 2>/dev/null || true
	[ -z "${BPFFS:-}" ] || { xdpload_b detach "$IF_B" >/dev/null 2>&1 || true; bpffs_destroy; }
}

# Wait up to 5 s for FILE to hold a line matching REGEXP.
wait_line() {
	for _ in $(seq 50); do
		grep -qE "$2" "$1" && return 0
		sleep 0.1
	done
	fail "no line matching $2 in $1: $(cat "$1")"
}

# Wait up to 2 s for the kernel to free program ID (freeing is deferred).
wait_prog_gone() {
	for _ in $(seq 20); do
		bpftool prog show id "$1" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	fail "program $1 is still loaded"
}

@test "hello_xdp: the Aya book's first program attaches with a bpf_link, and its program goes when it exits" {
	out="$BATS_TEST_TMPDIR/hello.out"
	# nsenter execs the example: $! is its pid, for the signal (in_b would fork).
	nsenter --net="/run/netns/$NS_B" "$ROOT/examples/hello_xdp" "$ROOT/examples/hello.bpf.o" "$IF_B" \
		>"$out" 2>&1 &
	pid=$!
	wait_line "$out" "^attached xdp_hello \(id [0-9]+\) to $IF_B; waiting for Ctrl-C$"
	id=$(sed -n 's/^attached xdp_hello (id \([0-9]*\)).*/\1/p' "$out")
	assert_equal "$(xdp_id_b)" "$id"
	run -0 xdpload_b status "$IF_B"
	assert_line --index 1 --regexp "^$IF_B +native +$id +xdp_hello +[0-9a-f]{16} +link$"
	run ping_b
	assert_success
	kill -INT "$pid"
	wait "$pid"
	pid=
	assert_equal "$(tail -n 1 "$out")" "exiting: xdp_hello goes with the link"
	assert_equal "$(xdp_id_b)" ""
	wait_prog_gone "$id"
}

@test "hello_xdp: no such interface is named, and nothing is loaded" {
	run -1 --separate-stderr in_b "$ROOT/examples/hello_xdp" "$ROOT/examples/hello.bpf.o" xdplnosuch0
	assert_equal "$stderr" "hello_xdp: no interface xdplnosuch0"
	run -1 --separate-stderr in_b "$ROOT/examples/hello_xdp" "$BATS_TEST_TMPDIR/none.o" "$IF_B"
	assert_equal "$stderr" "hello_xdp: elf: cannot open $BATS_TEST_TMPDIR/none.o: ENOENT"
	assert_equal "$(xdp_id_b)" ""
}

@test "blocklist: a blocked source's packets are dropped and counted, and the count is printed" {
	out="$BATS_TEST_TMPDIR/blocklist.out"
	nsenter --net="/run/netns/$NS_B" "$ROOT/examples/blocklist" "$ROOT/examples/blocklist.bpf.o" \
		"$IF_B" "$IP_A" >"$out" 2>&1 &
	pid=$!
	wait_line "$out" "^attached xdp_blocklist to $IF_B$"
	assert_equal "$(head -n 1 "$out")" "blocked $IP_A"
	run ping_b 3
	assert_failure
	assert_output --partial "3 packets transmitted, 0 received, 100% packet loss"
	wait_line "$out" "^drops: 3$"
	kill -INT "$pid"
	wait "$pid"
	pid=
	assert_equal "$(xdp_id_b)" ""
	run ping_b
	assert_success
}

@test "blocklist: an address that is not IPv4 is refused before anything attaches" {
	run -1 --separate-stderr in_b "$ROOT/examples/blocklist" "$ROOT/examples/blocklist.bpf.o" "$IF_B" 2001:db8::1
	assert_equal "$stderr" "blocklist: 2001:db8::1 is not an IPv4 address"
	assert_equal "$(xdp_id_b)" ""
}

@test "fw_block: another program adds rules to xdpload's firewall and reads its counters" {
	bpffs_create
	dir="$BPFFS/fw-state/$IF_B"
	run -0 xdpload_b firewall attach "$IF_B" --pin-maps "$BPFFS"
	run -0 --separate-stderr in_b "$ROOT/examples/fw_block" "$BPFFS" "$IF_B" "$IP_A" 198.51.100.0/24
	assert_line --index 0 "blocked 198.51.100.0/24 (rule 1)"
	assert_line --index 1 "blocked $IP_A (rule 2)"
	assert_line "drop: 0 packets"
	run ping_b 2
	assert_output --partial "2 packets transmitted, 0 received"
	run -0 xdpload_b rules --dev "$IF_B" --pin-maps "$BPFFS" -j
	assert_equal "$(echo "$output" | jq ".rules[] | select(.cidr == \"$IP_A\") | .packets")" 2
	# All or nothing: one rule there already, and the other is not added either.
	run -1 --separate-stderr in_b "$ROOT/examples/fw_block" "$BPFFS" "$IF_B" 192.0.2.1 "$IP_A"
	assert_equal "$stderr" "fw_block: firewall: $IP_A is already a rule of $dir (rule 2)"
	run -0 xdpload_b rules --dev "$IF_B" --pin-maps "$BPFFS" -j
	assert_equal "$(echo "$output" | jq '.rules | length')" 2
	run -0 xdpload_b firewall detach "$IF_B" --purge --pin-maps "$BPFFS"
}
