#!/usr/bin/env bats
# bench/load.sh still works: a quick run prints a full row of numbers for
# every tool and object, and leaves nothing behind.  The figures themselves
# are never judged here (bench/README.md has them).
load helpers

setup() {
	require_root
	require_pkg bpftool
	require_pkg xdp-tools
	require_pkg strace
}

# A row with a number in every column: "| TOOL | 1.23 | 4.5 (2.0×) | ... |".
row() {
	local n='[0-9]+(\.[0-9]+)?( \([0-9.]+×\))?'
	echo "^\| $1 \| $n \| $n \| $n \| $n \| $n \| $n \|$"
}

# In a namespace other than this test's?  usage: other_ns KIND PID
other_ns() { [ "$(readlink "/proc/$2/ns/$1")" != "$(readlink "/proc/self/ns/$1")" ]; }

@test "bench/load.sh QUICK=1: a row of numbers per tool and object, nothing left behind" {
	local tool objects=3 out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err"
	# In the background, to know its pid: the script names its network
	# namespace xdplb-PID, and runs in a mount namespace of its own.
	QUICK=1 "$ROOT/bench/load.sh" >"$out" 2>"$err" 3>&- &
	pid=$!
	wait_until 60 ip netns pids "xdplb-$pid"
	other_ns mnt "$pid" # its bpffs, and every pin in it, go with it
	rc=0
	wait_exit "$pid" 600 || rc=$?
	assert_equal "$rc" 0
	output=$(cat "$out")
	assert_equal "$(grep -c '^#### ' <<<"$output")" "$objects"
	for tool in xdpload ip bpftool xdp-loader "exec floor"; do
		assert_equal "$(grep -cE "$(row "$tool")" <<<"$output")" "$objects"
	done
	refute_output --partial "refused"
	assert_equal "$(ip netns list | grep -cE "^xdplb-$pid( |$)")" 0
}

@test "bench/load.sh marks a tool that refuses an object, and goes on" {
	QUICK=1 run -0 --separate-stderr "$ROOT/bench/load.sh" "$PROGS/xdp_count.o"
	assert_line --regexp "$(row xdpload)"
	assert_line "| bpftool | refused | | | | | |"
	assert_equal "$(grep -c "refused $PROGS/xdp_count.o" <<<"$stderr")" 3
}
