#!/usr/bin/env bats
# run: a bpf_link that lives exactly as long as the xdpload process.
load helpers

setup_file() {
	require_root
	netns_create rn
}

teardown_file() {
	netns_destroy rn
}

setup() {
	require_root
}

teardown() {
	[ -n "${pid:-}" ] && kill -KILL "$pid" 2>/dev/null || true
	in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null 2>&1 || true
}

# Start `xdpload run` in B and wait until its program is attached.
run_start() {
	out="$BATS_TEST_TMPDIR/run.out"
	# nsenter execs xdpload, so $! is xdpload itself; fd 3 belongs to bats.
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" run "$@" >"$out" 2>"$out.err" 3>&- &
	pid=$!
	for _ in $(seq 100); do
		grep -q '^attached' "$out" 2>/dev/null && return 0
		sleep 0.05
	done
	cat "$out.err" >&2
	return 1
}

@test "run: attaches with a bpf_link and detaches on SIGINT" {
	run_start "$PROGS/xdp_drop.o" "$IF_B"
	id=$(xdp_id_b)
	assert_equal "$(cat "$out")" "attached xdp_drop (id $id) to $IF_B (native mode)"
	run bpftool link show
	assert_output --regexp "xdp +prog $id"
	run -0 xdpload_b status "$IF_B"
	assert_line --index 1 --regexp "^$IF_B +native +$id +xdp_drop +[0-9a-f]{16} +link$"
	run ping_b
	assert_failure
	kill -INT "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(tail -n 1 "$out")" "detached xdp_drop from $IF_B (SIGINT)"
	[ -z "$(xdp_id_b)" ]
	run ping_b
	assert_success
}

@test "run: detaches on SIGTERM" {
	run_start "$PROGS/xdp_drop.o" "$IF_B"
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(tail -n 1 "$out")" "detached xdp_drop from $IF_B (SIGTERM)"
	[ -z "$(xdp_id_b)" ]
}

@test "run: SIGKILL cannot leave the program behind: the kernel closes the link" {
	run_start "$PROGS/xdp_drop.o" "$IF_B"
	id=$(xdp_id_b)
	kill -KILL "$pid"
	wait "$pid" || true
	for _ in $(seq 20); do [ -z "$(xdp_id_b)" ] && break; sleep 0.1; done
	[ -z "$(xdp_id_b)" ]
	assert_equal "$(progs_named xdp_drop 0)" 0
	run ping_b
	assert_success
}

@test "run --duration detaches by itself" {
	run -0 --separate-stderr xdpload_b run --duration 1 "$PROGS/xdp_drop.o" "$IF_B"
	assert_line --index 0 --regexp "^attached xdp_drop \(id [0-9]+\) to $IF_B \(native mode\)$"
	assert_line --index 1 "detached xdp_drop from $IF_B (duration elapsed)"
	[ -z "$(xdp_id_b)" ]
}

@test "run --mode skb uses generic mode" {
	run_start --mode skb "$PROGS/xdp_drop.o" "$IF_B"
	grep -q "(skb mode)" "$out"
	run ip -n "$NS_B" -d link show dev "$IF_B"
	assert_output --partial "xdpgeneric"
	kill -INT "$pid"
	wait "$pid"
}

@test "run: refuses an interface that already has a program, and --force takes it over" {
	run -0 xdpload_b attach "$ROOT/bench/xdp_pass.o" "$IF_B"
	old=$(xdp_id_b)
	run -4 --separate-stderr xdpload_b run --duration 1 "$PROGS/xdp_drop.o" "$IF_B"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: run: xdp_drop to $IF_B: BPF_LINK_CREATE (XDP) refused: EBUSY (Device or resource busy)" \
		"xdpload: hint: $IF_B already has an XDP program (id $old); remove it with \`xdpload detach $IF_B\` or pass --force")"
	assert_equal "$(xdp_id_b)" "$old"
	run_start --force "$PROGS/xdp_drop.o" "$IF_B"
	[ "$(xdp_id_b)" != "$old" ]
	run ping_b
	assert_failure
	kill -TERM "$pid"
	wait "$pid"
	[ -z "$(xdp_id_b)" ]
}

@test "run --force puts the previous program back when the link fails" {
	run -0 xdpload_b attach --mode skb "$PROGS/xdp_drop.o" "$IF_B"
	old=$(xdp_id_b)
	# veth has no hardware offload, so the link is refused after the old program is removed.
	run -4 --separate-stderr xdpload_b run --force --mode hw --duration 1 "$ROOT/bench/xdp_pass.o" "$IF_B"
	[[ "$stderr" == *"BPF_LINK_CREATE (XDP) refused"* ]]
	[[ "$stderr" == *"put the previous program back on $IF_B (skb mode)"* ]]
	assert_equal "$(xdp_id_b)" "$old"
	run ping_b
	assert_failure
}

@test "run: IFACE defaults to eth0, as in the Aya book" {
	# B has no eth0, so the default shows in the error without touching a real interface.
	run -5 --separate-stderr xdpload_b run --duration 1 "$PROGS/xdp_drop.o"
	assert_equal "$stderr" "xdpload: attach: no interface eth0 in this network namespace: ENODEV (No such device)"
}
