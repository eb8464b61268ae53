#!/usr/bin/env bats
# bench/load.sh still works: a quick run prints a full row of numbers for
# every tool and object, and leaves nothing behind.  The figures themselves
# are never judged here (bench/README.md has them).
load helpers

setup() {
	require_root
	for tool in bpftool xdp-loader strace; do
		command -v "$tool" >/dev/null || skip "$tool is not installed"
	done
}

# A row with a number in every column: "| TOOL | 1.23 | 4.5 (2.0×) | ... |".
row() {
	local n='[0-9]+(\.[0-9]+)?( \([0-9.]+×\))?'
	echo "^\| $1 \| $n \| $n \| $n \| $n \| $n \| $n \|$"
}

@test "bench/load.sh QUICK=1: a row of numbers per tool and object, nothing left behind" {
	local tool objects=3
	QUICK=1 run -0 --separate-stderr "$ROOT/bench/load.sh"
	assert_equal "$(grep -c '^#### ' <<<"$output")" "$objects"
	for tool in xdpload ip bpftool xdp-loader "exec floor"; do
		assert_equal "$(grep -cE "$(row "$tool")" <<<"$output")" "$objects"
	done
	refute_output --partial "refused"
	run ip netns list
	refute_output --regexp "^xdplb-"
	run ls /sys/fs/bpf
	refute_output --partial "xdplb"
}

@test "bench/load.sh marks a tool that refuses an object, and goes on" {
	QUICK=1 run -0 --separate-stderr "$ROOT/bench/load.sh" "$PROGS/xdp_count.o"
	assert_line --regexp "$(row xdpload)"
	assert_line "| bpftool | refused | | | | | |"
	assert_equal "$(grep -c "refused $PROGS/xdp_count.o" <<<"$stderr")" 3
}
