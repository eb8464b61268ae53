#!/usr/bin/env bats
# The data-path benchmark still works: a QUICK=1 run through its make target
# prints every table with numbers in it and leaves nothing behind.  Only
# that: the figures themselves are never checked here, a benchmark on a
# shared machine is no test.
load helpers

setup_file() {
	require_root
	require_pkg xdp-tools # the peer it measures
	OUT="$BATS_FILE_TMPDIR/datapath.md"
	ERR="$BATS_FILE_TMPDIR/datapath.err"
	# The stage's names carry this number: only they are looked for afterwards.
	BENCH_ID=$(($$ % 10000))
	export OUT ERR BENCH_ID
	(cd "$ROOT" && QUICK=1 make -s bench-datapath) >"$OUT" 2>"$ERR" 3>&-
	echo $? >"$BATS_FILE_TMPDIR/status"
}

setup() {
	require_root
	require_pkg xdp-tools
}

# row PATTERN: the table rows matching PATTERN (a regexp on the whole line).
row() { grep -E "^\| $1 \|" "$OUT"; }

@test "QUICK=1 make bench-datapath exits 0 and prints its seven tables" {
	run -0 cat "$BATS_FILE_TMPDIR/status"
	assert_output 0
	run -0 grep -c '^### ' "$OUT"
	assert_output 7
	run -0 grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}, [0-9]+ cores, Linux ' "$OUT"
}

@test "ns per packet: a row per size and packet, with numbers for the floor and the firewall" {
	# In short: exact hit, prefix hit, miss, events off as IPv4 / IPv6.
	run -0 row "1000( \| [0-9.]+ / [0-9.]+){4}"
	for n in 1 1000; do
		for kind in v4-exact v6-exact; do
			run -0 row "$n \| $kind \| XDP_DROP \| [0-9]+ \| ([0-9.]+|-) \| [0-9]+ \| [0-9]+"
		done
		for kind in v4-miss v6-miss; do
			run -0 row "$n \| $kind \| XDP_PASS \| [0-9]+ \| ([0-9.]+|-) \| [0-9]+ \| [0-9]+"
		done
	done
	run -0 row "1000 \| v4-prefix \| XDP_DROP \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9]+"
	run -0 row "1000 \| v6-prefix \| XDP_DROP \| [0-9]+ \| - \| [0-9]+ \| [0-9]+"
	# xdp-filter is measured at one rule, beside our firewall holding the same
	# exact rules: both columns and the ratio have numbers, for each packet.
	for kind in v4-exact v6-exact; do
		run -0 row "1 \| $kind \| XDP_DROP \| [0-9]+ \| ([0-9.]+|-)( \| [0-9]+){5} \| [0-9.]+x"
	done
	for kind in v4-miss v6-miss; do
		run -0 row "1 \| $kind \| XDP_PASS \| [0-9]+ \| ([0-9.]+|-)( \| [0-9]+){5} \| [0-9.]+x"
	done
	# In short: the ratios, hit and miss, IPv4 / IPv6.
	run -0 row "1( \| [^|]+){8} \| [0-9.]+x / [0-9.]+x \| [0-9.]+x / [0-9.]+x"
}

@test "port rules: block and allow-only, each family, both programs and the ratio have numbers" {
	# The verdicts were checked by the run itself (a wrong one fails it).
	for fam in v4 v6; do
		run -0 row "block \| $fam-tcp/22 \| XDP_DROP \| [0-9]+ \| [0-9]+ \| [0-9.]+x"
		run -0 row "block \| $fam-tcp/8050 \| XDP_DROP \| [0-9]+ \| [0-9]+ \| [0-9.]+x"
		run -0 row "block \| $fam-tcp/80 \| XDP_PASS \| [0-9]+ \| [0-9]+ \| [0-9.]+x"
		run -0 row "allow-only \| $fam-tcp/22 \| XDP_PASS \| [0-9]+ \| [0-9]+ \| [0-9.]+x"
		run -0 row "allow-only \| $fam-tcp/80 \| XDP_DROP \| [0-9]+ \| [0-9]+ \| [0-9.]+x"
	done
}

@test "program size, memory, load time and drops: rows with numbers" {
	run -0 row "xdpload firewall \| [0-9]+ \| [0-9]+ \| 1.00x"
	run -0 row "XDP_PASS \| [0-9]+ \| [0-9]+"
	run -0 row "1000( \| [0-9]+){4}"
	run -0 row "1000( \| [0-9]+\.[0-9]{3}){4}"
	run -0 row "off \(--events-rate 0\) \| [0-9]+ \| [0-9]+ \| 1.00x \| 0"
	run -0 row "100/s per CPU \(the default\) \| [0-9]+ \| [0-9]+ \| [0-9.]+x \| [0-9]+"
}

@test "it leaves no namespace, mount or directory of its own behind, and warns of nothing" {
	# Its stage was named after BENCH_ID (the flood ran over its veth pair)...
	run -0 grep -c "^datapath: drops over xdplbd${BENCH_ID}a -> xdplbd${BENCH_ID}b: " "$ERR"
	# ...and none of it is left.
	assert_equal "$(ip netns list | grep -cE "^xdpl-bdp-$BENCH_ID( |$)")" 0
	run -0 cat /proc/mounts
	refute_output --partial " /tmp/xdpl-bdp.$BENCH_ID."
	run -0 find /tmp -maxdepth 1 -name "xdpl-bdp.$BENCH_ID.*"
	assert_output ""
	run ! grep -q 'warning' "$ERR"
}
