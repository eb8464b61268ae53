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
	[ -z "${pid:-}" ] || kill -KILL "$pid" 2>/dev/null || true
	in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null 2>&1 || true
	[ -z "${NS_E:-}" ] || ip netns del "$NS_E" 2>/dev/null || true
	bpffs_destroy
}

# The id `xdpload run` printed as it attached.
run_id() { sed -n 's/^attached .* (id \([0-9]*\)) to .*/\1/p' "$out"; }

@test "run: attaches with a bpf_link and detaches on SIGINT" {
	run_start "$PROGS/xdp_drop.o" "$IF_B"
	id=$(xdp_id_b)
	assert_equal "$(cat "$out")" "attached xdp_drop (id $id) to $IF_B (native mode)"
	# A bpf_link holds it: one link, an XDP one, to this program.
	run -0 bpftool link show -j
	assert_equal "$(jq -c --argjson id "$id" '[.[] | select(.prog_id == $id) | .type]' <<<"$output")" '["xdp"]'
	run -0 xdpload_b status "$IF_B"
	assert_line --index 1 --regexp "^$IF_B +native +$id +xdp_drop +[0-9a-f]{16} +link$"
	run ping_b
	assert_failure
	kill -INT "$pid"
	rc=0
	wait_exit "$pid" 10 || rc=$?
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
	wait_exit "$pid" 10 || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(tail -n 1 "$out")" "detached xdp_drop from $IF_B (SIGTERM)"
	[ -z "$(xdp_id_b)" ]
}

@test "run: SIGKILL cannot leave the program behind: the kernel closes the link" {
	run_start "$PROGS/xdp_drop.o" "$IF_B"
	id=$(run_id)
	assert_equal "$(xdp_id_b)" "$id"
	kill -KILL "$pid"
	rc=0
	wait_exit "$pid" 10 || rc=$?
	assert_equal "$rc" 137
	wait_until 5 xdp_none_b
	prog_gone "$id"
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
	assert_equal "$(cat "$out")" "attached xdp_drop (id $(run_id)) to $IF_B (skb mode)"
	run ip -n "$NS_B" -d link show dev "$IF_B"
	assert_output --partial "xdpgeneric"
	kill -INT "$pid"
	wait_exit "$pid" 10
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
	# The program run printed is the one on B.
	assert_equal "$(xdp_id_b)" "$(run_id)"
	run ping_b
	assert_failure
	kill -TERM "$pid"
	wait_exit "$pid" 10
	[ -z "$(xdp_id_b)" ]
	# run held the one it took over (to put it back, had the link failed) until it ended.
	prog_gone "$old"
}

@test "run --force puts the previous program back when the link fails" {
	run -0 xdpload_b attach --mode skb "$PROGS/xdp_drop.o" "$IF_B"
	old=$(xdp_id_b)
	# veth has no hardware offload, so the link is refused after the old program is removed.
	run -4 --separate-stderr xdpload_b run --force --mode hw --duration 1 "$ROOT/bench/xdp_pass.o" "$IF_B"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: run: xdp_pass to $IF_B: BPF_LINK_CREATE (XDP) refused: EINVAL (Invalid argument)" \
		"xdpload: put the previous program back on $IF_B (skb mode)")"
	assert_equal "$(xdp_id_b)" "$old"
	run ping_b
	assert_failure
}

@test "run: IFACE defaults to eth0, as in the Aya book" {
	# B has no eth0, so the default shows in the error without touching a real interface.
	run -5 --separate-stderr xdpload_b run --duration 1 "$PROGS/xdp_drop.o"
	assert_equal "$stderr" "xdpload: attach: no interface eth0 in this network namespace: ENODEV (No such device)"
}

@test "bare run: the built-in firewall on eth0, its state in /sys/fs/bpf/xdpload/fw-state/eth0, until SIGINT" {
	# An eth0 of our own: the peer of a new veth, made in a namespace of this
	# test; and a private bpffs bound on /sys/fs/bpf for xdpload alone.
	NS_E="xdpl-rn-e-$(($$ % 10000))"
	local if_a="xdplrne$(($$ % 10000))"
	ip netns add "$NS_E"
	ip link add "$if_a" netns "$NS_A" type veth peer name eth0 netns "$NS_E"
	ip -n "$NS_A" addr add 10.201.1.1/24 dev "$if_a"
	ip -n "$NS_E" addr add 10.201.1.2/24 dev eth0
	ip -n "$NS_A" link set "$if_a" up
	ip -n "$NS_E" link set eth0 up
	bpffs_create
	out="$BATS_TEST_TMPDIR/run.out"
	nsenter --net="/run/netns/$NS_E" unshare --mount --propagation private sh -c \
		'mount --bind "$0" /sys/fs/bpf && exec "$1" run' "$BPFFS" "$XDPLOAD" >"$out" 2>"$out.err" 3>&- &
	pid=$!
	wait_until 5 grep -q '^attached' "$out"
	id=$(run_id)
	assert_equal "$(cat "$out")" "attached xdp_firewall (id $id) to eth0 (native mode)"
	run -0 ip -n "$NS_E" -d link show dev eth0
	assert_output --partial "prog/xdp id $id name xdp_firewall"
	# Its state is where the firewall verbs look by default, so they work on it.
	fw() { nsenter --net="/run/netns/$NS_E" "$XDPLOAD" "$@" --pin-maps "$BPFFS/xdpload"; }
	assert_file_exists "$BPFFS/xdpload/fw-state/eth0/fw_meta"
	run -0 fw block 10.201.1.1 --dev eth0
	assert_output --regexp "^blocked 10.201.1.1 on eth0 \(rule [0-9]+\)$"
	run ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 1 10.201.1.2
	assert_output --partial "2 packets transmitted, 0 received"
	assert_equal "$(fw stats --dev eth0 -j | jq .drop.packets)" 2
	kill -INT "$pid"
	rc=0
	wait_exit "$pid" 10 || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(tail -n 1 "$out")" "detached xdp_firewall from eth0 (SIGINT)"
	assert_equal "$(cat "$out.err")" ""
	run -0 ip -n "$NS_E" -d link show dev eth0
	refute_output --partial "prog/xdp"
	prog_gone "$id"
}
