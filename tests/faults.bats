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
	# Programs named for this run only: where a program was loaded and
	# xdpload never printed its id (refused or killed afterwards), its name
	# says whether it is still loaded, whatever else runs on the machine.
	DROP=$(own_name xdpl_drop) COUNT=$(own_name xdpl_cnt) MAPS=$(own_name xdpl_maps)
	DROP_O=$(own_prog xdp_drop xdp_drop "$DROP")
	COUNT_O=$(own_prog xdp_count xdp_count "$COUNT")
	MAPS_O=$(own_prog btf_maps xdp_btf_maps "$MAPS")
	export DROP COUNT MAPS DROP_O COUNT_O MAPS_O
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
		pkill -KILL -P "$p" 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null || true
	done
	in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null 2>&1 || true
}

# After a failure: nothing attached to B's interface, nothing new pinned,
# and no program of these names (this run's own) still loaded.
# usage: nothing_left [PROG_NAME...]
nothing_left() {
	local name
	assert_equal "$(xdp_id_b 2>/dev/null)" ""
	assert_equal "$(find "$BPFFS" -mindepth 1 | sort)" "$pins_before"
	for name in "$@"; do
		no_prog_named "$name"
	done
}

@test "a hash map of 2^31 entries: the kernel's E2BIG, named as too large (exit 3)" {
	huge=$(own_name xdpl_huge)
	bpf_build huge -g -Dxdp_huge="$huge" <<-'EOF'
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
	char _license[] SEC("license") = "GPL";
	EOF
	run -3 --separate-stderr xdpload_b attach "$BATS_TEST_TMPDIR/huge.o" "$IF_B"
	assert_equal "$stderr" "xdpload: load: map huge (hash, key 4, value 4, max entries 2147483648): BPF_MAP_CREATE failed: too large for this kernel (its key, value or max entries): E2BIG (Argument list too long)"
	nothing_left "$huge"
}

@test "an array map of 1 TiB: more memory than the kernel can give, ENOMEM (exit 3)" {
	# 2^28 entries of 4 KiB: more than any machine's RAM, so the kernel fails
	# at once instead of trying.
	huge=$(own_name xdpl_huge)
	bpf_build huge -g -Dxdp_huge="$huge" <<-'EOF'
	#include "xdp_kern.h"
	struct {
		__uint(type, BPF_MAP_TYPE_ARRAY);
		__type(key, __u32);
		__uint(value_size, 4096);
		__uint(max_entries, 1U << 28);
	} huge SEC(".maps");
	SEC("xdp") int xdp_huge(struct xdp_md *ctx)
	{
		__u32 k = 0;
		return bpf_map_lookup_elem(&huge, &k) ? XDP_PASS : XDP_DROP;
	}
	char _license[] SEC("license") = "GPL";
	EOF
	run -3 --separate-stderr xdpload_b attach --pin-maps "$BPFFS/huge" "$BATS_TEST_TMPDIR/huge.o" "$IF_B"
	assert_equal "$stderr" "xdpload: load: map huge (array, key 4, value 4096, max entries 268435456): BPF_MAP_CREATE failed: more memory than the kernel can give (lower its max entries): ENOMEM (Cannot allocate memory)"
	nothing_left "$huge"
}

@test "a verifier log over 16 MiB: its last 64 KiB are shown, ending where the verifier stopped" {
	# Each of 25000 iterations is verified apart: about 275000 instructions
	# logged with their registers, some 20 MiB.
	hugelog=$(own_name xdpl_hlog)
	bpf_build hugelog -g -Dxdp_hugelog="$hugelog" <<-'EOF'
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
	nothing_left "$hugelog"
}

# Run xdpload in B as root without some capabilities: dropped from the
# bounding set, they are gone after exec.  usage: without CAPS ARGS...
without() {
	local caps="$1"
	shift
	nsenter --net="/run/netns/$NS_B" setpriv --inh-caps=-all --bounding-set="$caps" "$XDPLOAD" "$@"
}

@test "without CAP_BPF (or CAP_SYS_ADMIN): the load's EPERM names it (exit 5)" {
	run -5 --separate-stderr without -bpf,-sys_admin attach "$DROP_O" "$IF_B"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: load: the object's BTF (12 types): BPF_BTF_LOAD failed: EPERM (Operation not permitted)" \
		"xdpload: hint: this process lacks CAP_BPF; XDP needs CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN can stand in for CAP_BPF): run as root or grant them")"
	nothing_left "$DROP"
}

@test "without CAP_NET_ADMIN: loading XDP (or, with CAP_SYS_ADMIN, attaching it) names it (exit 5)" {
	for args in "attach $DROP_O $IF_B" "run $DROP_O $IF_B" "test $DROP_O"; do
		run -5 --separate-stderr without -net_admin,-sys_admin $args
		assert_equal "$stderr" "$(printf '%s\n' \
			"xdpload: load: program $DROP (section xdp, 2 instructions): BPF_PROG_LOAD failed: EPERM (Operation not permitted)" \
			"xdpload: hint: this process lacks CAP_NET_ADMIN; XDP needs CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN can stand in for CAP_BPF): run as root or grant them")"
	done
	# CAP_SYS_ADMIN loads it, but only CAP_NET_ADMIN may change an interface.
	run -5 --separate-stderr without -net_admin attach "$DROP_O" "$IF_B"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: attach: $DROP to $IF_B: RTM_SETLINK refused: EPERM (Operation not permitted)" \
		"xdpload: hint: this process lacks CAP_NET_ADMIN; XDP needs CAP_BPF and CAP_NET_ADMIN (CAP_SYS_ADMIN can stand in for CAP_BPF): run as root or grant them")"
	nothing_left "$DROP"
}

@test "without any capability both are named, as for a user who is not root" {
	run -5 --separate-stderr without -all attach "$DROP_O" "$IF_B"
	[[ "$stderr" == *"xdpload: hint: this process lacks CAP_BPF and CAP_NET_ADMIN; XDP needs "* ]]
	nothing_left "$DROP"
}

@test "root of a user namespace: the capabilities are there but do not count, and the hint says so" {
	run -5 --separate-stderr unshare --user --map-root-user "$XDPLOAD" test "$PROGS/xdp_drop.o"
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: load: the object's BTF (12 types): BPF_BTF_LOAD failed: EPERM (Operation not permitted)" \
		"xdpload: hint: this process has the capabilities XDP needs, yet the kernel said EPERM: capabilities in a user namespace do not count, and a security module or lockdown can forbid BPF")"
}

@test "no bpffs mounted: pinning says how to mount one (exit 5); a load without pins needs none" {
	host=$(mountpoint /sys/fs/bpf || true)
	# A private mount namespace: the host's /sys/fs/bpf stays mounted.
	run -5 --separate-stderr in_b unshare --mount --propagation private sh -c '
		while mountpoint -q /sys/fs/bpf; do umount /sys/fs/bpf || exit 9; done
		"$0" run --duration 0 "$1" "$2"' "$XDPLOAD" "$MAPS_O" "$IF_B"
	assert_equal "$stderr" "xdpload: load: /sys/fs/bpf/xdpload is not on a bpf filesystem; mount one with \`mount -t bpf bpf /sys/fs/bpf\` or choose another --pin-maps"
	run -0 in_b unshare --mount --propagation private sh -c '
		while mountpoint -q /sys/fs/bpf; do umount /sys/fs/bpf || exit 9; done
		"$0" run --duration 0 "$1" "$2"' "$XDPLOAD" "$DROP_O" "$IF_B"
	assert_line --index 0 --regexp "^attached $DROP \(id [0-9]+\) to $IF_B \(native mode\)$"
	assert_line --index 1 "detached $DROP from $IF_B (duration elapsed)"
	assert_equal "$(mountpoint /sys/fs/bpf || true)" "$host"
	nothing_left "$MAPS" "$DROP"
}

@test "a read-only bpffs: EROFS for the pin directory, a new pin, or opening an old one (exit 5)" {
	dir=$(mktemp -d /tmp/xdpl-robpf.XXXXXX)
	# In a private mount namespace: a fresh bpffs, pins made, then read-only.
	run -0 --separate-stderr unshare --mount --propagation private sh -c '
		xdpload=$1 obj=$2 dir=$3
		mount -t bpf bpf "$dir" && mkdir "$dir/empty" || exit 9
		"$xdpload" test --pin-maps "$dir/full" "$obj" >/dev/null || exit 9
		mount -o remount,ro "$dir" || exit 9
		for sub in new empty full; do
			"$xdpload" test --pin-maps "$dir/$sub" "$obj"; echo "$sub: $?"
		done
		ls -A "$dir/empty"' sh "$XDPLOAD" "$MAPS_O" "$dir"
	rmdir "$dir"
	assert_output "$(printf '%s\n' "new: 5" "empty: 5" "full: 5")"
	# BPF_OBJ_GET asks for a read-write fd, which a read-only mount refuses too.
	assert_equal "$stderr" "$(printf '%s\n' \
		"xdpload: load: cannot create pin directory $dir/new: EROFS (Read-only file system)" \
		"xdpload: load: map counter: cannot pin it at $dir/empty/counter: EROFS (Read-only file system)" \
		"xdpload: load: map counter: cannot open the pin $dir/full/counter: EROFS (Read-only file system)")"
	nothing_left "$MAPS"
}

@test "an interface removed between lookup and attach: the kernel's error, and a hint that it is gone (exit 5)" {
	require_pkg strace # to hold xdpload between lookup and attach
	for verb in attach run; do
		ip -n "$NS_B" link add xdplgone0 type veth peer name xdplgone1
		ip -n "$NS_B" link set xdplgone0 up
		gone=$(ip -n "$NS_B" -o link show xdplgone0 | cut -d: -f1)
		# Its first bpf() call, just after the lookup, waits a second; the
		# interface goes meanwhile.
		(sleep 0.4 && ip -n "$NS_B" link del xdplgone0) &
		remover=$!
		run -5 --separate-stderr nsenter --net="/run/netns/$NS_B" strace -o /dev/null -e trace=bpf \
			-e inject=bpf:delay_enter=1s:when=1 "$XDPLOAD" $verb "$DROP_O" xdplgone0
		# Not a bare wait: that would also wait for bats' own per-test timer.
		wait_exit "$remover" 5
		if [ $verb = attach ]; then
			refusal="attach: $DROP to xdplgone0: RTM_SETLINK refused: ENODEV (No such device)"
		else
			refusal="run: $DROP to xdplgone0: BPF_LINK_CREATE (XDP) refused: EINVAL (Invalid argument)"
		fi
		assert_equal "$stderr" "$(printf '%s\n' "xdpload: $refusal" \
			"xdpload: hint: xdplgone0 (ifindex $gone) is gone: it was removed after xdpload looked it up")"
	done
	nothing_left "$DROP"
}

# The system calls xdpload makes for ARGS... in B, one "NAME N" line each
# (the Nth call of that name), for strace to inject a fault at.
# usage: syscalls NAMES ARGS...   (NAMES: a strace set such as bpf,sendto)
syscalls() {
	local names="$1" log="$BATS_TEST_TMPDIR/strace.log"
	shift
	nsenter --net="/run/netns/$NS_B" strace -o "$log" -e trace="$names" "$XDPLOAD" "$@" >/dev/null
	sed -n 's/^\([a-z]*\)(.*/\1/p' "$log" | awk '{ print $1, ++n[$1] }'
}

# xdpload in B under strace, with one fault injected at a traced system call.
# usage: inject SPEC ARGS...   (SPEC: NAME:signal=KILL:when=N, ...)
inject() {
	local spec="$1"
	shift
	nsenter --net="/run/netns/$NS_B" strace -o /dev/null -e trace="${spec%%:*}" -e inject="$spec" \
		"$XDPLOAD" "$@"
}

@test "run: SIGINT or SIGTERM at any bpf() call of the load detaches cleanly once attached" {
	require_pkg strace # to signal xdpload at a chosen system call
	calls=$(syscalls bpf run --duration 0 "$COUNT_O" "$IF_B")
	[ "$(echo "$calls" | wc -l)" -ge 4 ]
	for sig in INT TERM; do
		while read -r name n; do
			# Signals wait, blocked, until the link exists; --duration is a backstop.
			run -0 --separate-stderr inject "$name:signal=$sig:when=$n" \
				run --duration 10 "$COUNT_O" "$IF_B"
			assert_line --index 0 --regexp "^attached $COUNT \(id [0-9]+\) to $IF_B \(native mode\)$"
			assert_line --index 1 "detached $COUNT from $IF_B (SIG$sig)"
			prog_gone "$(sed -n 's/^attached .* (id \([0-9]*\)).*/\1/p' <<<"$output")"
			nothing_left
		done <<<"$calls"
	done
}

@test "run: SIGKILL at any bpf() or netlink call leaves nothing attached or loaded" {
	require_pkg strace # to signal xdpload at a chosen system call
	calls=$(syscalls bpf,sendto,recvfrom run --duration 0 "$COUNT_O" "$IF_B")
	while read -r name n; do
		# --duration: a backstop, should the kill not come.
		run -137 inject "$name:signal=KILL:when=$n" run --duration 10 "$COUNT_O" "$IF_B"
		nothing_left "$COUNT"
	done <<<"$calls"
}

@test "attach --force: SIGKILL at any bpf() or netlink call leaves the old program or the new one, never none" {
	require_pkg strace # to signal xdpload at a chosen system call
	pins="$BPFFS/killed"
	new=(attach --force --pin-maps "$pins" "$MAPS_O" "$IF_B")
	run -0 xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
	calls=$(syscalls bpf,sendto,recvfrom "${new[@]}")
	in_b "$ROOT/xdpload" detach --unpin --pin-maps "$pins" "$IF_B" >/dev/null
	rmdir "$pins"
	[ "$(echo "$calls" | grep -c sendto)" -ge 2 ]
	old_seen=0 new_seen=0
	while read -r name n; do
		run -0 xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
		old=$(xdp_id_b 2>/dev/null)
		run -137 inject "$name:signal=KILL:when=$n" "${new[@]}"
		id=$(xdp_id_b 2>/dev/null)
		if [ "$id" = "$old" ]; then
			old_seen=$((old_seen + 1))
			no_prog_named "$MAPS"
		else
			new_seen=$((new_seen + 1))
			assert_equal "$(bpftool prog show id "$id" -j | jq -r .name)" "$MAPS"
			prog_gone "$old"
		fi
		# A pin made before the kill is whole, like one left by detach
		# without --unpin: the next load reuses it.
		if [ -e "$pins/counter" ]; then
			run -0 xdpload_b test --pin-maps "$pins" "$MAPS_O"
			rm -r "$pins"
		fi
		in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null
		prog_gone "$id"
	done <<<"$calls"
	# The kills fell on both sides of the RTM_SETLINK.
	[ "$old_seen" -gt 0 ]
	[ "$new_seen" -gt 0 ]
	nothing_left "$MAPS"
}

# Start xdpload in B in the background with a fault injected, its output in
# $BATS_TEST_TMPDIR/NAME.{out,err}.  nsenter execs strace, so the pid appended
# to $pids is strace's, and xdpload is its only child.
# usage: inject_bg NAME SPEC ARGS...
inject_bg() {
	local name="$1" spec="$2"
	shift 2
	nsenter --net="/run/netns/$NS_B" strace -o /dev/null -e trace="${spec%%:*}" -e inject="$spec" \
		"$XDPLOAD" "$@" >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	pids="${pids:-} $!"
}

@test "two attaches at once: one wins, the other is told the interface already has a program (exit 4)" {
	require_pkg strace # to hold both at the same step
	for round in 1 2 3; do
		pids=""
		# Both load, then wait 300 ms at their RTM_SETLINK: the two requests
		# reach the kernel together.
		inject_bg drop sendto:delay_enter=300ms:when=1 attach "$DROP_O" "$IF_B"
		inject_bg count sendto:delay_enter=300ms:when=1 attach "$COUNT_O" "$IF_B"
		codes=""
		for p in $pids; do
			rc=0
			wait_exit "$p" 30 || rc=$?
			codes+=" $rc"
		done
		pids=""
		id=$(xdp_id_b)
		winner=$(bpftool prog show id "$id" -j | jq -r .name)
		if [ "$winner" = "$DROP" ]; then
			loser=count loser_name=$COUNT codes_wanted=" 0 4"
		else
			assert_equal "$winner" "$COUNT"
			loser=drop loser_name=$DROP codes_wanted=" 4 0"
		fi
		assert_equal "$codes" "$codes_wanted"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/$loser.err")" "$(printf '%s\n' \
			"xdpload: attach: $loser_name to $IF_B: RTM_SETLINK refused: EBUSY (Device or resource busy)" \
			"xdpload: kernel says: XDP program already attached" \
			"xdpload: hint: $IF_B already has an XDP program; replace it with --force or remove it with \`xdpload detach $IF_B\`")"
		no_prog_named "$loser_name"
		in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null
		prog_gone "$id"
	done
	nothing_left "$DROP" "$COUNT"
}

@test "two runs at once: one wins; the other, and an attach, are told a bpf_link holds it (exit 4)" {
	require_pkg strace # to hold both at the same step
	# A third program of this run's own, for the attaches refused meanwhile.
	other=$(own_name xdpl_oth)
	other_o=$(own_prog xdp_count xdp_count "$other")
	link_one=$(syscalls bpf run --duration 0 "$DROP_O" "$IF_B" | grep -c .)
	link_two=$(syscalls bpf run --duration 0 "$COUNT_O" "$IF_B" | grep -c .)
	pids=""
	# BPF_LINK_CREATE is the last bpf() call; both wait there 300 ms.
	# --duration 10 bounds both, and so the waits below.
	inject_bg one "bpf:delay_enter=300ms:when=$link_one" run --duration 10 "$DROP_O" "$IF_B"
	inject_bg two "bpf:delay_enter=300ms:when=$link_two" run --duration 10 "$COUNT_O" "$IF_B"
	set -- $pids
	# The first to end is the loser; the winner holds its link until SIGINT.
	rc=0
	wait -n -p ended "$1" "$2" || rc=$?
	assert_equal "$rc" 4
	if [ "$ended" = "$1" ]; then
		loser=one loser_name=$DROP winner=two winner_name=$COUNT winner_pid=$2
	else
		loser=two loser_name=$COUNT winner=one winner_name=$DROP winner_pid=$1
	fi
	wait_until 5 grep -q '^attached' "$BATS_TEST_TMPDIR/$winner.out"
	id=$(sed -n "s/^attached $winner_name (id \([0-9]*\)).*/\1/p" "$BATS_TEST_TMPDIR/$winner.out")
	assert_equal "$(xdp_id_b)" "$id"
	held="xdpload: hint: $IF_B already has an XDP program (id $id) held by a bpf_link, as \`xdpload run\` holds one; neither detach nor --force can remove it: it goes when the link's owner ends"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/$loser.err")" "$(printf '%s\n' \
		"xdpload: run: $loser_name to $IF_B: BPF_LINK_CREATE (XDP) refused: EBUSY (Device or resource busy)" "$held")"
	no_prog_named "$loser_name"
	# While the winner holds it, attach, even with --force, is refused the same way.
	run -4 --separate-stderr xdpload_b attach "$other_o" "$IF_B"
	assert_equal "$(echo "$stderr" | tail -n 1)" "$held"
	run -4 --separate-stderr xdpload_b attach --force "$other_o" "$IF_B"
	assert_equal "$(echo "$stderr" | tail -n 1)" "$held"
	assert_equal "$(xdp_id_b 2>/dev/null)" "$id"
	no_prog_named "$other"
	# $pids are strace's; SIGINT goes to xdpload, its child.
	kill -INT "$(pgrep -P "$winner_pid")"
	wait_exit "$winner_pid" 10
	pids=""
	assert_equal "$(tail -n 1 "$BATS_TEST_TMPDIR/$winner.out")" "detached $winner_name from $IF_B (SIGINT)"
	prog_gone "$id"
	nothing_left "$DROP" "$COUNT"
}
