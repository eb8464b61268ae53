#!/usr/bin/env bats
# Faults from around xdpload: limits the kernel enforces, signals, a rival
# process, missing privileges, a missing or read-only bpffs, an interface
# that goes away.  Each gets a clear message naming the step and the errno,
# and leaves nothing behind: no XDP program attached, no pin, no program.
load helpers

setup_file() {
	require_root
	netns_create fl
	bpffs_create
}

teardown_file() {
	bpffs_destroy
	netns_destroy fl
}

setup() {
	require_root
	pins_before=$(find "$BPFFS" -mindepth 1 | sort)
}

teardown() {
	for p in ${pids:-}; do
		kill -KILL "$p" 2>/dev/null || true
	done
	in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null 2>&1 || true
}

# Compile a small XDP source with our header into $BATS_TEST_TMPDIR/NAME.o;
# from a file, so that BTF line info has the source text.
# usage: build NAME <<< SOURCE
build() {
	cat >"$BATS_TEST_TMPDIR/$1.c"
	clang -O2 -g -target bpf -nostdinc -I"$ROOT" -c "$BATS_TEST_TMPDIR/$1.c" -o "$BATS_TEST_TMPDIR/$1.o"
}

# After a failure: nothing attached to B's interface, nothing new pinned,
# and no program of that name still loaded.  usage: nothing_left [PROG_NAME]
nothing_left() {
	assert_equal "$(xdp_id_b 2>/dev/null)" ""
	assert_equal "$(find "$BPFFS" -mindepth 1 | sort)" "$pins_before"
	[ -z "${1:-}" ] || assert_equal "$(progs_named "$1" 0)" 0
}

@test "a verifier log over 16 MiB: its last 64 KiB are shown, ending where the verifier stopped" {
	# Each of 25000 iterations is verified apart: about 275000 instructions
	# logged with their registers, some 20 MiB.
	build hugelog <<-'EOF'
	#include "xdp_kern.h"
	SEC("xdp") int xdp_hugelog(struct xdp_md *ctx)
	{
		unsigned char *data = (unsigned char *)(long)ctx->data;
		__u32 acc = 0;

		for (int i = 0; i < 25000; i++)
			acc = acc * 3 + i;
		return data[acc & 1];
	}
	char _license[] SEC("license") = "GPL";
	EOF
	run -3 --separate-stderr xdpload_b attach -v "$BATS_TEST_TMPDIR/hugelog.o" "$IF_B"
	[ "${#stderr}" -lt $((70 << 10)) ]
	[[ "$stderr" == *"xdpload: load: the verifier log outgrew 16 MiB; keeping its last 64 KiB"* ]]
	[[ "$stderr" == *"BPF_PROG_LOAD failed: EACCES (Permission denied)"$'\n'"---- verifier log ----"$'\n'"[... "*" bytes left out: the log outgrew its 16 MiB buffer; these are the last "*" bytes the kernel kept]"$'\n'* ]]
	[[ "$stderr" == *"invalid access to packet"*"processed "*" insns"* ]]
	assert_equal "$(echo "$stderr" | tail -n 1)" \
		"xdpload: the verifier stopped at instruction 18, hugelog.c:9: return data[acc & 1];"
	nothing_left xdp_hugelog
}
