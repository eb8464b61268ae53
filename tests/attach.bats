#!/usr/bin/env bats
# attach, detach, status: over rtnetlink, proven with real traffic on a veth.
load helpers

setup_file() {
	require_root
	netns_create at
	netns_quiet
	# A program named for this run only, for loads refused after the
	# program is in the kernel: xdpload never prints its id.
	PASS=$(own_name xdpl_pass)
	PASS_O=$(own_prog "$ROOT/bench/xdp_pass.c" xdp_pass "$PASS")
	export PASS PASS_O
}

teardown_file() {
	netns_destroy at
}

setup() {
	require_root
}

teardown() {
	in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null 2>&1 || true
	ip -n "$NS_A" link set dev "$IF_A" mtu 1500
	ip -n "$NS_B" link set dev "$IF_B" mtu 1500
}

@test "attach: a drop program stops ping, detach lets it through again" {
	run ping_b
	assert_success

	run -0 --separate-stderr xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
	assert_output --regexp "^attached xdp_drop \(id [0-9]+\) to $IF_B \(native mode\)$"
	id=$(xdp_id_b)
	[ -n "$id" ]
	assert_output --partial "(id $id)"
	run ip -n "$NS_B" -d link show dev "$IF_B"
	assert_output --partial "prog/xdp id $id name xdp_drop"

	run ping_b
	assert_failure

	run -0 --separate-stderr xdpload_b detach "$IF_B"
	assert_output "detached xdp_drop (id $id) from $IF_B (native mode)"
	[ -z "$(xdp_id_b)" ]
	run ping_b
	assert_success
}

@test "attach: the object outlives xdpload, as ip link set xdp does" {
	run -0 xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
	id=$(sed -n 's/^attached xdp_drop (id \([0-9]*\)).*/\1/p' <<<"$output")
	[ -n "$id" ]
	# xdpload has exited: the program it loaded is still there, still on B.
	assert_equal "$(xdp_id_b)" "$id"
	run -0 bpftool prog show id "$id"
	assert_output --partial "name xdp_drop"
	run ping_b
	assert_failure
}

@test "attach: a program with a legacy map really counts packets in it" {
	run -0 xdpload_b attach "$PROGS/xdp_count.o" "$IF_B"
	map_id=$(bpftool prog show id "$(xdp_id_b)" | sed -n 's/.*map_ids \([0-9]*\).*/\1/p')
	[ -n "$map_id" ]
	run bpftool map show id "$map_id"
	assert_output --partial "array  name packets"
	assert_equal "$(map_u64 "$map_id" 0 0 0 0)" 0
	run ping_b 3
	assert_success
	# The wire is quiet (setup_file): the three echo requests and nothing else.
	assert_equal "$(map_u64 "$map_id" 0 0 0 0)" 3
}

@test "attach: iproute2-style bpf_elf_map definitions (9 fields) load" {
	run -0 --separate-stderr xdpload_b attach -v "$PROGS/xdp_elfmap.o" "$IF_B"
	assert_output --partial "attached xdp_elfmap"
	assert_line --index 0 --regexp "attached xdp_elfmap \(id [0-9]+\)"
	[[ "$stderr" == *"map hits (percpu_array) created"* ]]
	[[ "$stderr" == *"map flows (hash) created"* ]]
	run ping_b
	assert_success
}

@test "attach: a second attach without --force is refused with the kernel's words" {
	run -0 xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
	first=$(xdp_id_b)
	run -4 --separate-stderr xdpload_b attach "$PASS_O" "$IF_B"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: attach: $PASS to $IF_B: RTM_SETLINK refused: EBUSY (Device or resource busy)" \
		"xdpload: kernel says: XDP program already attached" \
		"xdpload: hint: $IF_B already has an XDP program; replace it with --force or remove it with \`xdpload detach $IF_B\`")"
	assert_equal "$(xdp_id_b)" "$first"
	no_prog_named "$PASS"
}

@test "attach --force replaces the program atomically" {
	run -0 xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
	first=$(xdp_id_b)
	[ -n "$first" ]
	run -0 --separate-stderr xdpload_b attach --force "$ROOT/bench/xdp_pass.o" "$IF_B"
	assert_output --regexp "^attached xdp_pass \(id [0-9]+\) to $IF_B \(native mode\)$"
	# B now runs the program xdpload just printed, and the one it replaced is freed.
	assert_equal "$(xdp_id_b)" "$(sed -n 's/^attached xdp_pass (id \([0-9]*\)).*/\1/p' <<<"$output")"
	prog_gone "$first"
	run ping_b
	assert_success
}

@test "attach --force keeps the mode of the program it replaces" {
	run -0 xdpload_b attach --mode skb "$PROGS/xdp_drop.o" "$IF_B"
	run -0 xdpload_b attach --force "$ROOT/bench/xdp_pass.o" "$IF_B"
	assert_output --partial "(skb mode)"
	run ip -n "$NS_B" -d link show dev "$IF_B"
	assert_output --partial "xdpgeneric"
}

@test "attach --force will not change modes behind the user's back (exit 4)" {
	run -0 xdpload_b attach --mode skb "$PROGS/xdp_drop.o" "$IF_B"
	old=$(xdp_id_b)
	run -4 --separate-stderr xdpload_b attach --force --mode native "$PASS_O" "$IF_B"
	assert_equal "$stderr" "xdpload: attach: $IF_B has program $old in skb mode; --force replaces a program in its own mode, so detach it first to use native mode"
	assert_equal "$(xdp_id_b)" "$old"
	no_prog_named "$PASS"
}

@test "attach --mode skb attaches in generic mode, and status says so" {
	run -0 xdpload_b attach --mode skb "$PROGS/xdp_drop.o" "$IF_B"
	assert_output --partial "(skb mode)"
	run ip -n "$NS_B" -d link show dev "$IF_B"
	assert_output --partial "prog/xdp id"
	assert_output --partial "xdpgeneric"
	run ping_b
	assert_failure
	run -0 xdpload_b status "$IF_B"
	assert_line --index 1 --regexp "^$IF_B +skb +[0-9]+ +xdp_drop +[0-9a-f]{16} +netlink$"
	run -0 xdpload_b detach "$IF_B"
	assert_output --partial "(skb mode)"
	[ -z "$(xdp_id_b)" ]
}

@test "attach --prog picks one program of several, by function or section name" {
	run -1 --separate-stderr xdpload_b attach "$PROGS/xdp_multi.o" "$IF_B"
	assert_equal "$stderr" "xdpload: $PROGS/xdp_multi.o holds 2 XDP programs: xdp_drop_all xdp_pass_all; choose one with --prog NAME"
	[ -z "$(xdp_id_b)" ]
	run -0 xdpload_b attach --prog xdp_pass "$PROGS/xdp_multi.o" "$IF_B"
	assert_output --partial "attached xdp_pass_all"
	run -0 xdpload_b attach --force --prog xdp_drop_all "$PROGS/xdp_multi.o" "$IF_B"
	assert_output --partial "attached xdp_drop_all"
	run ping_b
	assert_failure
}

@test "attach: a section xdp.frags loads as a multi-buffer program" {
	# Above a page of MTU, veth takes only programs that handle frames in
	# several buffers (BPF_F_XDP_HAS_FRAGS): the plain XDP_PASS program is
	# refused, the same one in xdp.frags attaches and passes a 6000-byte ping.
	ip -n "$NS_A" link set dev "$IF_A" mtu 9000
	ip -n "$NS_B" link set dev "$IF_B" mtu 9000
	run -4 --separate-stderr xdpload_b attach "$ROOT/bench/xdp_pass.o" "$IF_B"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: attach: xdp_pass to $IF_B: RTM_SETLINK refused: ERANGE (Numerical result out of range)" \
		"xdpload: kernel says: veth: Peer MTU is too large to set XDP")"
	run -0 xdpload_b attach "$PROGS/xdp_frags.o" "$IF_B"
	run -0 bpftool prog show id "$(xdp_id_b)"
	assert_output --partial "name xdp_frags_pass"
	run ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 1 -s 6000 -M do "$IP_B"
	assert_output --partial "2 packets transmitted, 2 received"
}

@test "status -j prints JSON a program can read" {
	run -0 xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
	id=$(xdp_id_b)
	run -0 --separate-stderr xdpload_b status -j
	echo "$output" | jq -e . >/dev/null
	assert_equal "$(echo "$output" | jq -r ".[] | select(.ifname == \"$IF_B\") | \"\(.mode) \(.id) \(.name) \(.via)\"")" "native $id xdp_drop netlink"
	tag=$(bpftool prog show id "$id" | sed -n 's/.*tag \([0-9a-f]*\).*/\1/p')
	assert_equal "$(echo "$output" | jq -r '.[0].tag')" "$tag"
}

@test "status: nothing attached gives only the header; detach says so" {
	run -0 xdpload_b status "$IF_B"
	assert_output --regexp "^INTERFACE +MODE +ID +NAME +TAG +VIA$"
	run -0 xdpload_b status -j
	assert_output "[]"
	run -0 xdpload_b detach "$IF_B"
	assert_output "no XDP program on $IF_B"
}

@test "attach: no such interface is an environment error (exit 5)" {
	run -5 --separate-stderr xdpload_b attach "$PROGS/xdp_drop.o" xdplnosuch0
	assert_equal "$stderr" "xdpload: attach: no interface xdplnosuch0 in this network namespace: ENODEV (No such device)"
	# The interface is looked up before anything reaches the kernel: -v shows no load step.
	run -5 --separate-stderr xdpload_b attach -v "$PROGS/xdp_drop.o" xdplnosuch0
	assert_equal "${stderr##*$'\n'}" "xdpload: attach: no interface xdplnosuch0 in this network namespace: ENODEV (No such device)"
	refute_regex "$stderr" $'(^|\n)xdpload: load: '
	assert_equal "$(xdp_id_b)" ""
}

@test "attach: the verifier's refusal is shown with its log (exit 3)" {
	run -3 --separate-stderr xdpload_b attach "$PROGS/xdp_unsafe.o" "$IF_B"
	assert_equal "$output" ""
	[[ "$stderr" == "xdpload: load: program xdp_unsafe (section xdp, 6 instructions): BPF_PROG_LOAD failed: EACCES (Permission denied)"* ]]
	[[ "$stderr" == *"---- verifier log ----"*"invalid access to packet"*"---- end of verifier log ----"* ]]
	[ -z "$(xdp_id_b)" ]
}

@test "attach: without root privileges the error is EPERM with a hint (exit 5)" {
	dir=$(mktemp -d /tmp/xdpl-eperm.XXXXXX)
	cp "$PROGS/xdp_drop.o" "$dir/"
	chmod -R a+rX "$dir"
	run -5 --separate-stderr in_b setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$XDPLOAD" attach "$dir/xdp_drop.o" "$IF_B"
	rm -rf "$dir"
	[[ "$stderr" == *": EPERM (Operation not permitted)"* ]]
	[[ "$stderr" == *"xdpload: hint: this process lacks CAP_BPF and CAP_NET_ADMIN; XDP needs CAP_BPF and CAP_NET_ADMIN"* ]]
	[ -z "$(xdp_id_b)" ]
}

@test "detach: a program held by a bpf_link is not taken away behind its owner" {
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" run --duration 10 "$PROGS/xdp_drop.o" "$IF_B" >/dev/null 3>&- &
	pid=$!
	wait_until 5 xdp_attached_b
	id=$(xdp_id_b)
	run -4 --separate-stderr xdpload_b detach "$IF_B"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: detach: xdp_drop (id $id) from $IF_B (native mode): RTM_SETLINK refused: EBUSY (Device or resource busy)" \
		"xdpload: kernel says: Can't replace active BPF XDP link" \
		"xdpload: hint: a bpf_link holds it (\`xdpload run\` or another loader); stop that process to detach")"
	assert_equal "$(xdp_id_b)" "$id"
	kill -INT $pid
	wait_exit $pid 10
}
