#!/usr/bin/env bats
# "Nothing left behind" taken literally: on success and on every kind of
# failure, xdpload exits holding no file descriptor it opened and having
# leaked no memory (valgrind on an unoptimised build, real syscalls).
load helpers

setup_file() {
	require_root
	require_pkg valgrind
	netns_create lk
	bpffs_create
}

teardown_file() {
	bpffs_destroy
	netns_destroy lk
}

setup() {
	require_root
	require_pkg valgrind
	[ -x "$ROOT/xdpload-dbg" ] || skip "make xdpload-dbg first"
}

teardown() {
	! mountpoint -q "$BATS_TEST_TMPDIR/ro" 2>/dev/null || umount "$BATS_TEST_TMPDIR/ro"
}

# Run xdpload under valgrind in B's namespace; fail on a leak or on any fd
# still open at exit that xdpload did not inherit.  $WRAP, if set, is a
# command to run valgrind with (setpriv, for instance).
# usage: clean_exit EXPECTED_STATUS ARGS...
clean_exit() {
	local want="$1" log="$BATS_TEST_TMPDIR/vg.log"
	shift
	valgrind_args "$log"
	run nsenter --net="/run/netns/$NS_B" ${WRAP:-} "${VALGRIND[@]}" "$ROOT/xdpload-dbg" "$@"
	if [ "$status" -ne "$want" ] || [ -n "$(valgrind_fds_left "$log")" ]; then
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

@test "no fd or memory left behind: run whose interface is deleted under it, and run NAME refused" {
	local log="$BATS_TEST_TMPDIR/run.vg" ifc="xdplkc$(($$ % 10000))"
	ip -n "$NS_B" link add "$ifc" type veth peer name "${ifc}p"
	ip -n "$NS_B" link set "$ifc" up
	valgrind_args "$log"
	nsenter --net="/run/netns/$NS_B" "${VALGRIND[@]}" "$ROOT/xdpload-dbg" run \
		"$PROGS/xdp_drop.o" "$ifc" >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
	pid=$!
	wait_until 30 grep -q '^attached' "$BATS_TEST_TMPDIR/run.out"
	ip -n "$NS_B" link del "$ifc"
	rc=0
	wait_exit "$pid" 30 || rc=$?
	assert_equal "$rc" 5
	assert_equal "$(valgrind_fds_left "$log")" ""
	cp "$PROGS/xdp_drop.o" "$BATS_TEST_TMPDIR/$IF_B"
	cd "$BATS_TEST_TMPDIR"
	clean_exit 1 run "$IF_B"
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

@test "no fd or memory left behind: a map too large, a log over 16 MiB, EROFS, EPERM, a link in the way" {
	bpf_build faults -g <<-'EOF2'
	#include "xdp_kern.h"
	struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__type(key, __u32);
		__type(value, __u32);
		__uint(max_entries, 1U << 31);
	} huge SEC(".maps");
	SEC("xdp") int xdp_huge(struct xdp_md *ctx)
	{
		__u32 k = 0;
		return bpf_map_lookup_elem(&huge, &k) ? XDP_PASS : XDP_DROP;
	}
	SEC("xdp") int xdp_hugelog(struct xdp_md *ctx)
	{
		unsigned char *data = (unsigned char *)(long)ctx->data;
		__u32 acc = 0;

		for (int i = 0; i < 25000; i++)
			acc = acc * 3 + i;
		return data[acc & 1];
	}
	char _license[] SEC("license") = "GPL";
	EOF2
	clean_exit 3 test --prog xdp_huge "$BATS_TEST_TMPDIR/faults.o"
	clean_exit 3 test --prog xdp_hugelog "$BATS_TEST_TMPDIR/faults.o"
	ro="$BATS_TEST_TMPDIR/ro"
	mkdir "$ro"
	mount -t bpf -o ro bpf "$ro"
	clean_exit 5 test --pin-maps "$ro/pins" "$PROGS/btf_maps.o"
	umount "$ro"
	WRAP="setpriv --bounding-set=-bpf,-sys_admin" clean_exit 5 test "$PROGS/xdp_drop.o"
	nsenter --net="/run/netns/$NS_B" "$ROOT/xdpload" run --duration 30 "$PROGS/xdp_drop.o" "$IF_B" >/dev/null 3>&- &
	holder=$!
	wait_until 5 xdp_attached_b
	clean_exit 4 attach --force "$PROGS/xdp_count.o" "$IF_B"
	clean_exit 4 run --duration 1 "$PROGS/xdp_count.o" "$IF_B"
	kill -INT "$holder"
	wait_exit "$holder" 10
}

@test "no fd or memory left behind: externs resolved, and each way they fail" {
	ext="$ROOT/tests/progs/externs"
	[ -f "$ext/kfunc.o" ] || skip "make extern-progs first (needs libbpf-dev)"
	clean_exit 0 test "$ext/kconfig.o"
	clean_exit 0 test "$ext/ksym.o"
	clean_exit 0 test "$ext/kfunc.o"
	clean_exit 2 test "$ext/kconfig_missing.o"
	clean_exit 2 test "$ext/ksym_missing.o"
	clean_exit 2 test "$ext/ksym_typed_mismatch.o"
	clean_exit 2 test "$ext/kfunc_missing.o"
	clean_exit 3 test "$ext/kfunc_weak_reached.o"
	printf 'CONFIG_HZ=100\nCONFIG_HZ=250\n' >"$BATS_TEST_TMPDIR/config"
	clean_exit 2 test --kconfig "$BATS_TEST_TMPDIR/config" "$ext/kconfig.o"
	printf 'CONFIG_HZ=250\n' | gzip -c | head -c 20 >"$BATS_TEST_TMPDIR/config.gz"
	clean_exit 5 test --kconfig "$BATS_TEST_TMPDIR/config.gz" "$ext/kconfig.o"
}

@test "no fd or memory left behind: the firewall's verbs, their refusals, a state an attach left unfinished" {
	local pins=(--pin-maps "$BPFFS") state="$BPFFS/fw-state/$IF_B"
	clean_exit 0 firewall attach "$IF_B" "${pins[@]}"
	clean_exit 4 firewall attach "$IF_B" "${pins[@]}"
	clean_exit 0 block 192.0.2.1 198.51.100.0/24 --dev "$IF_B" "${pins[@]}"
	clean_exit 1 block 192.0.2.1 --dev "$IF_B" "${pins[@]}"
	clean_exit 0 rules --dev "$IF_B" "${pins[@]}"
	printf '# 1 rules on %s, policy deny\n192.0.2.1\n' "$IF_B" >"$BATS_TEST_TMPDIR/cut.txt"
	clean_exit 1 rules load "$BATS_TEST_TMPDIR/cut.txt" --dev "$IF_B" "${pins[@]}"
	printf '192.0.2.1\n' >"$BATS_TEST_TMPDIR/one.txt"
	clean_exit 0 rules load "$BATS_TEST_TMPDIR/one.txt" --dev "$IF_B" "${pins[@]}"
	clean_exit 0 stats --dev "$IF_B" "${pins[@]}"
	clean_exit 0 events --dev "$IF_B" --duration 0 "${pins[@]}"
	clean_exit 0 firewall set "$IF_B" --events-rate 5 "${pins[@]}"
	clean_exit 0 firewall upgrade "$IF_B" "${pins[@]}"
	clean_exit 0 firewall detach "$IF_B" --purge "${pins[@]}"
	# One map, fw_meta never filled in: refused with the way out, then completed.
	mkdir -p "$state"
	bpftool map create "$state/fw_meta" type array key 4 value 24 entries 1 name fw_meta
	clean_exit 5 rules --dev "$IF_B" "${pins[@]}"
	clean_exit 0 firewall attach "$IF_B" "${pins[@]}"
	clean_exit 0 firewall detach "$IF_B" --purge "${pins[@]}"
}

@test "no fd or memory left behind: Prometheus metrics, a textfile, --top, rules load --watch until SIGTERM" {
	local pins=(--pin-maps "$BPFFS") dir="$BATS_TEST_TMPDIR/textfile" log="$BATS_TEST_TMPDIR/watch.vg"
	mkdir "$dir"
	clean_exit 0 firewall attach "$IF_B" "${pins[@]}"
	clean_exit 0 block 192.0.2.1 198.51.100.0/24 --dev "$IF_B" "${pins[@]}"
	clean_exit 0 test --builtin --dev "$IF_B" --packet "$(printf '%s' 0200000000020200000000010800 \
		4500001c0000400040110000c00002010ac900020000000000000000)" "${pins[@]}"
	clean_exit 0 stats --dev "$IF_B" --format prometheus --top 5 "${pins[@]}"
	clean_exit 0 stats --dev "$IF_B" --textfile "$dir" --top 5 "${pins[@]}"
	clean_exit 5 stats --dev "$IF_B" --textfile "$dir/none" "${pins[@]}"
	clean_exit 5 stats --dev xdplnone --textfile "$dir" "${pins[@]}"
	printf '192.0.2.1\n' >"$BATS_TEST_TMPDIR/r.rules"
	valgrind_args "$log"
	nsenter --net="/run/netns/$NS_B" "${VALGRIND[@]}" "$ROOT/xdpload-dbg" rules load \
		"$BATS_TEST_TMPDIR/r.rules" --dev "$IF_B" --watch "${pins[@]}" \
		>"$BATS_TEST_TMPDIR/watch.out" 2>&1 3>&- &
	pid=$!
	wait_until 30 grep -q "^rules .* on $IF_B: 1 rules" "$BATS_TEST_TMPDIR/watch.out"
	printf '192.0.2.2\nbad\n' >"$BATS_TEST_TMPDIR/r.rules"
	wait_until 30 grep -q "line 2: bad" "$BATS_TEST_TMPDIR/watch.out"
	printf '192.0.2.3\n' >"$BATS_TEST_TMPDIR/r.rules"
	wait_until 30 grep -q "0 kept, 1 added, 1 removed" "$BATS_TEST_TMPDIR/watch.out"
	kill -TERM "$pid"
	wait_exit "$pid" 30
	assert_equal "$(valgrind_fds_left "$log")" ""
	clean_exit 0 firewall detach "$IF_B" --purge "${pins[@]}"
}
