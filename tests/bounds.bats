#!/usr/bin/env bats
# Bounded work on untrusted input: what a file costs to read and to parse,
# and what a value costs to print, whatever the file is.  A FIFO, a device,
# a 2 GB file without the ELF magic and one past the cap are refused at
# once; the worst shapes tests/mkworst.py writes (every one valid, under
# 16 MB) parse in well under the `timeout 10` given here (each step was
# quadratic or worse in some count: 3 to over 30 s before); a struct
# containing itself, deep nesting and a huge array print a bounded amount,
# and -j stays valid JSON.
load helpers

setup_file() {
	require_pkg python3 # the worst-case objects
	WORST="$BATS_FILE_TMPDIR/worst"
	"$ROOT/tests/mkworst.py" "$WORST"
	export WORST
}

# The largest resident size, in KiB, of running the command (python3 reads it).
max_rss() {
	python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

# ---- reading a file ----

@test "a FIFO is refused at once, not opened to wait for a writer" {
	mkfifo "$BATS_TEST_TMPDIR/fifo.o"
	run -2 --separate-stderr timeout 5 "$XDPLOAD" inspect "$BATS_TEST_TMPDIR/fifo.o"
	assert_equal "$stderr" "xdpload: elf: $BATS_TEST_TMPDIR/fifo.o is not a regular file (a FIFO)"
}

@test "a device is not an object" {
	run -2 --separate-stderr timeout 5 "$XDPLOAD" inspect /dev/zero
	assert_equal "$stderr" "xdpload: elf: /dev/zero is not a regular file (a character device)"
}

@test "a 2 GB file without the ELF magic is refused before it is read" {
	truncate -s 2G "$BATS_TEST_TMPDIR/big.o"
	run -2 --separate-stderr timeout 5 "$XDPLOAD" inspect "$BATS_TEST_TMPDIR/big.o"
	assert_equal "$stderr" "xdpload: elf: not an ELF file (no \\177ELF magic)"
	run -0 max_rss timeout 5 "$XDPLOAD" inspect "$BATS_TEST_TMPDIR/big.o"
	[ "$output" -lt 51200 ] || fail "inspect of a 2 GB file took $output KiB"
}

@test "an object past 256 MiB is refused, naming the cap, before it is read" {
	printf '\177ELF' >"$BATS_TEST_TMPDIR/huge.o"
	truncate -s 300M "$BATS_TEST_TMPDIR/huge.o"
	run -2 --separate-stderr timeout 5 "$XDPLOAD" inspect "$BATS_TEST_TMPDIR/huge.o"
	assert_equal "$stderr" "xdpload: elf: $BATS_TEST_TMPDIR/huge.o is 314572800 bytes, more than 256 MiB, the most an object may be"
	run -0 max_rss timeout 5 "$XDPLOAD" inspect "$BATS_TEST_TMPDIR/huge.o"
	[ "$output" -lt 51200 ] || fail "inspect of a 300 MB file took $output KiB"
}

@test "test --btf: a FIFO is refused at once, not opened to wait for a writer" {
	require_root
	[ -f "$PROGS/core/core_kinds.o" ] || skip "the CO-RE corpus is not built (make core-progs)"
	mkfifo "$BATS_TEST_TMPDIR/vmlinux.btf"
	run -2 --separate-stderr timeout 5 "$XDPLOAD" test --btf "$BATS_TEST_TMPDIR/vmlinux.btf" "$PROGS/core/core_kinds.o"
	assert_equal "$stderr" "xdpload: core: the target BTF $BATS_TEST_TMPDIR/vmlinux.btf is not a regular file"
}

@test "rules load: a device and a FIFO are refused at once; stdin may be a pipe" {
	run -1 --separate-stderr timeout 5 "$XDPLOAD" rules load /dev/zero --dev xdplnone
	assert_equal "$stderr" "xdpload: rules: /dev/zero is not a regular file (a character device)"
	mkfifo "$BATS_TEST_TMPDIR/fifo.rules"
	run -1 --separate-stderr timeout 5 "$XDPLOAD" rules load "$BATS_TEST_TMPDIR/fifo.rules" --dev xdplnone
	assert_equal "$stderr" "xdpload: rules: $BATS_TEST_TMPDIR/fifo.rules is not a regular file (a FIFO)"
	# Read whole from the pipe, then parsed: the syntax error proves it got there.
	run -1 --separate-stderr timeout 5 sh -c 'printf "10.0.0.0/8\nnot-a-cidr\n" | "$1" rules load - --dev xdplnone' sh "$XDPLOAD"
	assert_equal "$stderr" "xdpload: rules: stdin line 2: not-a-cidr: not an IPv4 or IPv6 address"
}

@test "rules load: a file past 512 MiB is refused, naming the cap" {
	truncate -s 600M "$BATS_TEST_TMPDIR/huge.rules"
	run -1 --separate-stderr timeout 5 "$XDPLOAD" rules load "$BATS_TEST_TMPDIR/huge.rules" --dev xdplnone
	assert_equal "$stderr" "xdpload: rules: $BATS_TEST_TMPDIR/huge.rules is 629145600 bytes, more than 512 MiB, the most a rules file may be"
}

# ---- parsing: near-linear in the file ----

# inspect of a worst case: done within 10 s (each takes well under 1 s), its
# output in $OUT (megabytes: grep reads it faster than bats' lines do).
inspect_bounded() {
	local obj="$WORST/$1.o"
	OUT="$BATS_TEST_TMPDIR/out"
	[ "$(stat -c %s "$obj")" -lt $((16 << 20)) ] || fail "$obj is 16 MB or more"
	run -0 timeout 10 sh -c '"$1" inspect "$2" >"$3"' sh "$XDPLOAD" "$obj" "$OUT"
}

@test "parse: 60,000 variables in one DATASEC, in reverse order" {
	inspect_bounded datasec
	run -0 grep -c "global_variable_number_0059999 unsigned int" "$OUT"
}

@test "parse: 150,000 functions in .text" {
	inspect_bounded funcs
	run -0 grep -c "function_0149999 (.text)" "$OUT"
}

@test "parse: 60,000 program sections among 240,000 symbols" {
	inspect_bounded sections
	run -0 grep -c "prog_059999  *xdp/prog_059999" "$OUT"
}

@test "parse: 60,000 relocated ld_imm64 in 60,000 functions" {
	inspect_bounded relocs
	run -0 grep -c "^relocations  *60000$" "$OUT"
}

@test "parse: 200,000 legacy maps" {
	inspect_bounded maps
	run -0 grep -c "map_199999" "$OUT"
}

@test "parse: 100,000 ld_imm64 each relocated to one of 100,000 legacy maps" {
	inspect_bounded maprelocs
	run -0 grep -c "^relocations  *100000$" "$OUT"
}

@test "parse: 30,000 data sections, each with its DATASEC" {
	inspect_bounded datasecs
	run -0 grep -c "variable_029999" "$OUT"
}

# ---- printing a value: bounded in depth, in cycles, in bytes ----

@test "print: a struct containing itself is printed once, the inner ones cut" {
	run -0 timeout 10 "$XDPLOAD" inspect "$WORST/selfref.o"
	assert_line --partial "{m0 = <cut: type 3 inside itself>, m1 = <cut: type 3 inside itself>,"
	assert_line --partial "m7 = <cut: type 3 inside itself>, x = 65}"
	run -0 timeout 10 sh -c '"$1" inspect -j "$2" | jq -c .globals' sh "$XDPLOAD" "$WORST/selfref.o"
	assert_output --partial '{"value":{"m0":"<cut: type 3 inside itself>",'
}

@test "print: nesting stops at 6 levels, and a typedef loop prints nothing" {
	run -0 timeout 10 "$XDPLOAD" inspect "$WORST/deep.o"
	assert_line --partial "{chain = {inner = {inner = {inner = {inner = {inner = <cut: nested more than 6 deep>, pad = 65}, pad = 65}, pad = 65}, pad = 65}, pad = 65}}"
	run -0 timeout 10 sh -c '"$1" inspect -j "$2" | jq -c .globals.value.chain.inner.inner.inner.inner.inner' sh "$XDPLOAD" "$WORST/deep.o"
	assert_output '"<cut: nested more than 6 deep>"'
}

@test "print: a 1 MiB array prints 16 KiB in JSON, and stays JSON" {
	run -0 timeout 10 sh -c '"$1" inspect -j "$2" >"$3"' sh "$XDPLOAD" "$WORST/bigarray.o" "$BATS_TEST_TMPDIR/out.json"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out.json")" -lt 20000 ] || fail "printed $(stat -c %s "$BATS_TEST_TMPDIR/out.json") bytes"
	run -0 jq -r '.globals.value[-1]' "$BATS_TEST_TMPDIR/out.json"
	assert_output "<cut: output limit>"
}

@test "print: 80 values of 16^6 numbers each: 16 KiB each, 1 MiB in all, in text and in JSON" {
	run -0 timeout 10 sh -c '"$1" inspect "$2" >"$3"' sh "$XDPLOAD" "$WORST/wide.o" "$BATS_TEST_TMPDIR/out.txt"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out.txt")" -lt 1100000 ] || fail "printed $(stat -c %s "$BATS_TEST_TMPDIR/out.txt") bytes"
	run -0 tail -n 1 "$BATS_TEST_TMPDIR/out.txt"
	assert_output "  <cut: 1 MiB of values printed; the other variables are not>"
	run -0 timeout 10 sh -c '"$1" inspect -j "$2" >"$3"' sh "$XDPLOAD" "$WORST/wide.o" "$BATS_TEST_TMPDIR/out.json"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out.json")" -lt 1100000 ] || fail "printed $(stat -c %s "$BATS_TEST_TMPDIR/out.json") bytes"
	run -0 jq -r '.globals["<cut>"]' "$BATS_TEST_TMPDIR/out.json"
	assert_output "<cut: 1 MiB of values printed>"
	run -0 jq -r '.globals.wide_value_00 | tostring | length' "$BATS_TEST_TMPDIR/out.json"
	[ "$output" -lt 17000 ] || fail "one value printed $output bytes"
}
