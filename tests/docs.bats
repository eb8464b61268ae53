#!/usr/bin/env bats
# The documents that describe the code must keep describing it:
# docs/life-of-a-load.md against a fresh strace of the load it walks through.
load helpers

setup_file() {
	require_root
	netns_create dc
}

teardown_file() {
	netns_destroy dc
}

# The system calls of an strace text, one a line: a bpf call with its command,
# as bpf(BPF_PROG_LOAD); musl's malloc calls left out (the document says why).
syscall_sequence() {
	sed -E 's/^[0-9]+ +//' |
		grep -E '^[a-z0-9_]+\(' |
		sed -E 's/^(bpf\([A-Z_]+).*/\1)/; t; s/^([a-z0-9_]+)\(.*/\1/' |
		grep -vxE 'brk|mmap|munmap|mremap|madvise'
}

# The trace the document shows: its ```strace blocks, in order.
doc_trace() {
	awk '/^```strace$/ { on = 1; next } /^```$/ { on = 0 } on' "$ROOT/docs/life-of-a-load.md"
}

@test "docs/life-of-a-load.md shows the system calls xdpload run makes, in order" {
	require_root
	command -v strace >/dev/null || skip "strace is not installed"
	grep -q musl-gcc "$ROOT/build/xdpload.cc" ||
		skip "the document traces the musl build; this one was built with: $(cat "$ROOT/build/xdpload.cc")"
	doc_trace | syscall_sequence >"$BATS_TEST_TMPDIR/doc"
	# The blocks are not empty and the filter keeps bpf commands apart.
	grep -qx 'bpf(BPF_PROG_LOAD)' "$BATS_TEST_TMPDIR/doc"
	in_b strace -f -e trace=all -o "$BATS_TEST_TMPDIR/trace" \
		"$XDPLOAD" run "$ROOT/bench/xdp_pass.o" "$IF_B" --duration 0
	syscall_sequence <"$BATS_TEST_TMPDIR/trace" >"$BATS_TEST_TMPDIR/now"
	run diff -u --label docs/life-of-a-load.md --label "strace xdpload run" \
		"$BATS_TEST_TMPDIR/doc" "$BATS_TEST_TMPDIR/now"
	assert_success
}
