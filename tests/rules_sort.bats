#!/usr/bin/env bats
# A rules file is sorted before it is compared with the rules in the kernel
# (rules.c, its own stable merge sort): the result must not depend on the
# file's order, and a rule repeated many times is reported at its first
# repetition.
load helpers

@test "rules load: a rule given many times is reported at its first repetition" {
	local f="$BATS_TEST_TMPDIR/dup.txt"
	awk 'BEGIN { for (i = 0; i < 200; i++)
		if (i % 7 == 0) print "192.0.2.1"; else printf "10.0.%d.%d\n", i / 256, i % 256 }' >"$f"
	# The file is refused before any firewall is looked for.
	run -1 --separate-stderr xdpload rules load "$f" --dev xdplnosuch0 --pin-maps "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "xdpload: rules: $f line 8: 192.0.2.1 is already on line 1"
}

@test "rules load: the same rules shuffled are the same set, kept whole" {
	require_root
	netns_create rs
	bpffs_create
	local f="$BATS_TEST_TMPDIR/rules.txt" g="$BATS_TEST_TMPDIR/shuffled.txt"
	awk 'BEGIN { for (i = 0; i < 30000; i++) printf "10.%d.%d.%d\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256;
		for (i = 0; i < 10000; i++) printf "2001:db8:%x::/48\n", i;
		for (i = 0; i < 10000; i++) printf "172.%d.%d.0/24\n", 16 + int(i / 256), i % 256 }' >"$f"
	shuf "$f" >"$g"
	xdpload_b firewall attach "$IF_B" --pin-maps "$BPFFS" >/dev/null
	run -0 xdpload_b rules load "$g" --dev "$IF_B" --pin-maps "$BPFFS"
	assert_output --partial "50000 rules: 0 kept, 50000 added, 0 removed"
	run -0 xdpload_b rules load "$f" --dev "$IF_B" --pin-maps "$BPFFS"
	assert_output --partial "50000 rules: 50000 kept, 0 added, 0 removed"
	run -0 xdpload_b rules --dev "$IF_B" --pin-maps "$BPFFS" -j
	[ "$(echo "$output" | jq '.rules | length')" -eq 50000 ]
}

teardown() {
	[ -z "${NS_A:-}" ] || netns_destroy
	bpffs_destroy
}
