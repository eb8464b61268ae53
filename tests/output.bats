#!/usr/bin/env bats
# Output a user trusts (issue 17): `run` says so when its interface goes away
# and never claims a detach that did not happen; a failed write is an error
# for every verb; names from an object are printed as data; `run NAME` that
# could mean a file or an interface is refused.
load helpers

setup_file() {
	require_root
	netns_create out
	bpffs_create
	# A third interface in B, that tests delete and make again.
	IF_C="xdplc$(($$ % 10000))"
	export IF_C
}

teardown_file() {
	netns_destroy
	bpffs_destroy
}

setup() {
	require_root
	pid=""
	ip -n "$NS_B" link add "$IF_C" type veth peer name "${IF_C}p" 2>/dev/null || true
	ip -n "$NS_B" link set "$IF_C" up
}

teardown() {
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
	ip -n "$NS_B" link del "$IF_C" 2>/dev/null || true
	[ -z "${NS_E:-}" ] || ip netns del "$NS_E" 2>/dev/null || true
	in_b "$XDPLOAD" firewall detach "$IF_B" --purge --pin-maps "$BPFFS" >/dev/null 2>&1 || true
	in_b "$XDPLOAD" detach "$IF_B" >/dev/null 2>&1 || true
}

# The XDP program id on B's IF_C, empty when none.
xdp_id_c() { ip -n "$NS_B" -d link show dev "$IF_C" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }

@test "run: the interface deleted under it: exit 5, it says nothing is attached, and never 'detached'" {
	run_start "$PROGS/xdp_drop.o" "$IF_C"
	id=$(xdp_id_c)
	[ -n "$id" ]
	ifindex=$(ip -n "$NS_B" -j link show dev "$IF_C" | jq '.[0].ifindex')
	ip -n "$NS_B" link del "$IF_C"
	rc=0
	wait_exit "$pid" 10 || rc=$?
	pid=""
	assert_equal "$rc" 5
	assert_equal "$(cat "$out.err")" "xdpload: run: $IF_C (ifindex $ifindex) was deleted or left this network namespace; xdp_drop went with it, nothing is attached"
	run -0 cat "$out"
	refute_output --partial detached
	prog_gone "$id"
	# One made again with the same name has nothing attached.
	ip -n "$NS_B" link add "$IF_C" type veth peer name "${IF_C}p"
	assert_equal "$(xdp_id_c)" ""
}

@test "run --builtin: the interface moved to another namespace is as good as deleted: exit 5, no firewall anywhere" {
	NS_E="xdpl-out-e-$(($$ % 10000))"
	ip netns add "$NS_E"
	run_start --builtin "$IF_C" --pin-maps "$BPFFS"
	id=$(xdp_id_c)
	[ -n "$id" ]
	ip -n "$NS_B" link set "$IF_C" netns "$NS_E"
	rc=0
	wait_exit "$pid" 10 || rc=$?
	pid=""
	assert_equal "$rc" 5
	run -0 grep -c "^xdpload: run: $IF_C (ifindex [0-9]*) was deleted or left this network namespace; xdp_firewall went with it, nothing is attached$" "$out.err"
	run -0 cat "$out"
	refute_output --partial detached
	run -0 ip -n "$NS_E" -d link show dev "$IF_C"
	refute_output --partial "prog/xdp"
	ip -n "$NS_E" link del "$IF_C"
}

@test "run: another interface deleted is no concern of it; SIGTERM still detaches" {
	run_start "$PROGS/xdp_drop.o" "$IF_B"
	ip -n "$NS_B" link del "$IF_C"
	sleep 0.5
	kill -0 "$pid"
	kill -TERM "$pid"
	rc=0
	wait_exit "$pid" 10 || rc=$?
	pid=""
	assert_equal "$rc" 0
	assert_equal "$(tail -n 1 "$out")" "detached xdp_drop from $IF_B (SIGTERM)"
}

@test "run --duration still ends by itself while the interface is watched" {
	run -0 --separate-stderr xdpload_b run "$PROGS/xdp_drop.o" "$IF_C" --duration 1
	assert_line --index 1 "detached xdp_drop from $IF_C (duration elapsed)"
}

@test "a failed write is an error for every verb: exit 5, ENOSPC named" {
	xdpload load "$PROGS/xdp_count.o" --pin-dir "$BPFFS/out-load" >/dev/null
	in_b "$XDPLOAD" firewall attach "$IF_B" --pin-maps "$BPFFS" >/dev/null
	msg="xdpload: writing to standard output failed: ENOSPC (No space left on device)"
	for verb in "--help" "--version" "inspect $PROGS/xdp_count.o" "inspect -j $PROGS/xdp_count.o" \
		"test $PROGS/xdp_count.o" "test -j $PROGS/xdp_count.o" "status" "status -j" \
		"map dump $BPFFS/out-load/packets" "map dump -j $BPFFS/out-load/packets" \
		"stats --dev $IF_B --pin-maps $BPFFS" "stats -j --dev $IF_B --pin-maps $BPFFS" \
		"stats --format prometheus --dev $IF_B --pin-maps $BPFFS" \
		"block 192.0.2.1 --dev $IF_B --pin-maps $BPFFS" \
		"unblock 192.0.2.1 --dev $IF_B --pin-maps $BPFFS" "inspect --builtin" \
		"load $PROGS/xdp_count.o" "load -j $PROGS/xdp_count.o"; do
		# shellcheck disable=SC2086 # the words of $verb are its arguments
		run -5 --separate-stderr in_b sh -c '"$0" "$@" >/dev/full' "$XDPLOAD" $verb
		assert_equal "$verb: $stderr" "$verb: $msg"
	done
	# rules says it itself, naming what it could not write, once.
	run -5 --separate-stderr in_b sh -c '"$0" rules -j --dev "$1" --pin-maps "$2" >/dev/full' \
		"$XDPLOAD" "$IF_B" "$BPFFS"
	assert_equal "$stderr" "xdpload: rules: writing the rules of $IF_B failed: ENOSPC (No space left on device)"
	rm -rf "${BPFFS:?}/out-load"
}

@test "a closed standard output is an error too (EBADF)" {
	run -5 --separate-stderr sh -c '"$0" inspect "$1" >&-' "$XDPLOAD" "$PROGS/xdp_count.o"
	assert_equal "$stderr" "xdpload: writing to standard output failed: EBADF (Bad file descriptor)"
}

@test "a verb that says its own write failed is not told twice" {
	run -5 --separate-stderr sh -c '"$0" gen skeleton "$1" >/dev/full' "$XDPLOAD" "$PROGS/xdp_count.o"
	assert_equal "$stderr" "xdpload: gen skeleton: writing the header failed: ENOSPC"
}

@test "names from the object are printed escaped, in text and JSON, and forge no line" {
	obj="$BATS_TEST_TMPDIR/names.o"
	python3 "$ROOT/tests/mknames.py" "$PROGS/xdp_count.o" "$obj"
	run -0 xdpload inspect "$obj"
	# The raw bytes: no ESC, no DEL, and every line one of inspect's own.
	refute_output --partial $'\x1b'
	refute_output --partial $'\x7f'
	refute_line "FAKE"
	assert_line --regexp '^  x\\x1b\[31m\\n\\\\\\x7f +xdp\\n\\x1b\[7mX\\\\\\x7fabcd xdp +12 +1$'
	assert_line --regexp '^  p\\nFAKE\\x1b +array +4 +8 +1 +0x0 +maps +none$'
	run -0 xdpload inspect -j "$obj"
	assert_equal "$(jq -r '.programs[0].name' <<<"$output")" $'x\x1b[31m\n\\\x7f'
	assert_equal "$(jq -r '.maps[0].name' <<<"$output")" $'p\nFAKE\x1b'
	assert_equal "$(jq -r '.programs[0].section' <<<"$output")" $'xdp\n\x1b[7mX\\\x7fabcd'
	[ "$(wc -l <<<"$output")" -eq 1 ]
}

@test "names in error messages are escaped: a refusal's program list and the library's own message" {
	obj="$BATS_TEST_TMPDIR/names.o"
	python3 "$ROOT/tests/mknames.py" "$PROGS/xdp_count.o" "$obj"
	run -1 --separate-stderr xdpload test "$obj" --prog nope
	assert_equal "$stderr" "xdpload: $obj has no program or section named nope; it has: x\\x1b[31m\\n\\\\\\x7f (xdp\\n\\x1b[7mX\\\\\\x7fabcd)"
	python3 "$ROOT/tests/mknames.py" "$PROGS/xdp_count.o" "$obj" btf
	run -2 --separate-stderr xdpload inspect "$obj"
	assert_equal "$stderr" "xdpload: btf: DATASEC maps: variable p\\nFAKE\\x1b has no symbol in the section"
}

@test "names the kernel loaded are escaped as they run, and in -v" {
	obj="$BATS_TEST_TMPDIR/names.o"
	python3 "$ROOT/tests/mknames.py" "$PROGS/xdp_count.o" "$obj"
	run -0 --separate-stderr xdpload -v test "$obj"
	assert_line --index 0 --regexp '^program   x\\x1b\[31m\\n\\\\\\x7f \(id [0-9]+\)$'
	refute_output --partial $'\x1b'
	[[ "$stderr" != *$'\x1b'* ]]
}

@test "run NAME, a file here and an interface: refused, naming both spellings" {
	cd "$BATS_TEST_TMPDIR"
	cp "$PROGS/xdp_drop.o" "$IF_C"
	run -1 --separate-stderr xdpload_b run "$IF_C"
	assert_equal "$stderr" "xdpload: run: $IF_C is both a file here and an interface; say which: \`xdpload run ./$IF_C\` loads the file (onto eth0), \`xdpload run --builtin $IF_C\` runs the built-in firewall on the interface"
	assert_equal "$(xdp_id_c)" ""
	# ./NAME is the file: there is no eth0 in B, so it is refused for that.
	run -5 --separate-stderr xdpload_b run "./$IF_C"
	assert_equal "$stderr" "xdpload: attach: no interface eth0 in this network namespace: ENODEV (No such device)"
}
