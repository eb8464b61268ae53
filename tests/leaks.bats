#!/usr/bin/env bats
# "Nothing left behind" taken literally: on success and on every kind of
# failure, xdpload exits holding no file descriptor it opened and having
# leaked no memory (valgrind on an unoptimised build, real syscalls).
load helpers

setup_file() {
	require_root
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	netns_create lk
	bpffs_create
}

teardown_file() {
	bpffs_destroy
	netns_destroy lk
}

setup() {
	require_root
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	[ -x "$ROOT/xdpload-dbg" ] || skip "make xdpload-dbg first"
}

# Run xdpload under valgrind in B's namespace; fail on a leak or on any fd
# still open at exit that xdpload did not inherit.
# usage: clean_exit EXPECTED_STATUS ARGS...
clean_exit() {
	local want="$1" log="$BATS_TEST_TMPDIR/vg.log"
	shift
	run nsenter --net="/run/netns/$NS_B" valgrind -q --track-fds=yes --leak-check=full \
		--suppressions="$ROOT/tests/valgrind.supp" \
		--errors-for-leak-kinds=definite --error-exitcode=99 --log-file="$log" \
		"$ROOT/xdpload-dbg" "$@"
	if [ "$status" -ne "$want" ] ||
		grep -A1 "Open file descriptor" "$log" | grep -v -e "Open file descriptor" -e "inherited from parent" -e "^--$" | grep -q .; then
		echo "xdpload $* exited $status (wanted $want):"
		echo "$output" | head -20
		head -60 "$log"
		return 1
	fi
}

@test "no fd or memory left behind: attach, status, detach" {
	clean_exit 0 attach "$PROGS/xdp_count.o" "$IF_B"
	clean_exit 0 status
	clean_exit 0 status -j "$IF_B"
	clean_exit 0 detach "$IF_B"
}

@test "no fd or memory left behind: attach refused by the kernel, and --force" {
	clean_exit 0 attach "$PROGS/xdp_drop.o" "$IF_B"
	clean_exit 4 attach "$PROGS/xdp_count.o" "$IF_B"
	clean_exit 0 attach --force "$PROGS/btf_maps.o" --pin-maps "$BPFFS/a" "$IF_B"
	clean_exit 0 detach --unpin --pin-maps "$BPFFS/a" "$IF_B"
}

@test "no fd or memory left behind: run until its duration ends" {
	clean_exit 0 run --duration 1 "$PROGS/globals.o" "$IF_B"
}

@test "no fd or memory left behind: the verifier refuses, with a grown log" {
	clean_exit 3 test "$PROGS/xdp_unsafe.o"
	clean_exit 3 test "$PROGS/xdp_biglog.o"
}

@test "no fd or memory left behind: test with BTF, globals, calls, rewritten BTF" {
	clean_exit 0 test --set drop_port=53 "$PROGS/globals.o"
	clean_exit 0 test "$PROGS/calls.o"
	XDPLOAD_BTF_LACKS=all clean_exit 0 test "$PROGS/btf_kinds.o"
}

@test "no fd or memory left behind: pins reused, refused, and undone after a failure" {
	clean_exit 0 test --pin-maps "$BPFFS/p" "$PROGS/btf_maps.o"
	clean_exit 0 test --pin-maps "$BPFFS/p" "$PROGS/btf_maps.o"
	clean_exit 5 test --pin-maps "$BPFFS/p" "$PROGS/btf_maps_other.o"
	clean_exit 3 test --pin-maps "$BPFFS/q" "$PROGS/pinned_unsafe.o"
	clean_exit 0 map dump "$BPFFS/p/counter"
}

@test "no fd or memory left behind: bad objects, options and interfaces" {
	clean_exit 2 inspect "$ROOT/fuzz/crashes/func-ldimm64-last"
	clean_exit 2 inspect "$ROOT/xdpload"
	clean_exit 2 attach "$PROGS/tc_only.o" "$IF_B"
	clean_exit 1 attach "$PROGS/xdp_multi.o" "$IF_B"
	clean_exit 5 attach "$PROGS/xdp_drop.o" xdplnosuch0
	clean_exit 1 test --set nope=1 "$PROGS/globals.o"
	clean_exit 0 inspect "$PROGS/globals.o"
}
