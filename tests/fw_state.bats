#!/usr/bin/env bats
# The firewall's state under races, kills and full disks (issue 17): one
# interface's attach, upgrade and detach never interleave; a load that lost
# removes only what nobody else uses; a kill leaves a state the next attach
# completes; one events reader at a time; a generic pin never blocks the
# firewall; a pin of the wrong kind is named as such; and an export cut
# short never loads as a smaller rule set.  strace holds a process at a
# chosen system call (delay) or kills it there, so each race is exact.
load helpers

setup_file() {
	require_root
	netns_create fs
	bpffs_create
}

teardown_file() {
	netns_destroy
	bpffs_destroy
}

setup() {
	require_root
	require_pkg strace
	FWDIR="$BPFFS/fw-state/$IF_B"
	pids=""
}

teardown() {
	for p in $pids; do
		pkill -KILL -P "$p" 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null || true
	done
	in_b "$XDPLOAD" firewall detach "$IF_B" --purge --pin-maps "$BPFFS" >/dev/null 2>&1 || true
	in_b "$XDPLOAD" detach "$IF_B" >/dev/null 2>&1 || true
	rm -rf "${FWDIR:?}" 2>/dev/null || true
}

fw() { in_b "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }

# The N of the first call of NAME (a strace syscall set) whose line matches
# PATTERN (LAST=N: the Nth such call), in a run of xdpload ARGS... in B.
# The run itself happens.
# usage: [LAST=N] call_index NAME PATTERN ARGS...
call_index() {
	local name="$1" pattern="$2" log="$BATS_TEST_TMPDIR/index.strace"
	shift 2
	nsenter --net="/run/netns/$NS_B" strace -o "$log" -e trace="$name" "$XDPLOAD" "$@" \
		>/dev/null 2>&1 3>&- || true
	grep -n -- "$pattern" "$log" | head -n "${LAST:-1}" | tail -n 1 | cut -d: -f1
}

# How many calls of NAME a run of xdpload ARGS... in B makes.  The run itself happens.
# usage: call_count NAME ARGS...
call_count() {
	local name="$1" log="$BATS_TEST_TMPDIR/count.strace"
	shift
	nsenter --net="/run/netns/$NS_B" strace -o "$log" -e trace="$name" "$XDPLOAD" "$@" \
		>/dev/null 2>&1 3>&- || true
	grep -c "^$name(" "$log"
}

# xdpload ARGS... in B under strace in the background, one fault injected:
# its output in $BATS_TEST_TMPDIR/NAME.{out,err}, the calls of the traced
# set in NAME.strace; strace's pid appended to $pids.
# usage: traced_bg NAME SPEC ARGS...   (SPEC: bpf:delay_enter=2s:when=N, ...)
traced_bg() {
	local name="$1" spec="$2"
	shift 2
	nsenter --net="/run/netns/$NS_B" strace -o "$BATS_TEST_TMPDIR/$name.strace" \
		-e trace="${spec%%:*}" -e inject="$spec" "$XDPLOAD" "$@" \
		>"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- &
	pids="$pids $!"
}

# Wait up to 5 s for FILE to have at least N lines.
wait_lines() {
	for _ in $(seq 100); do
		[ "$(cat "$1" 2>/dev/null | wc -l)" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "$1 never reached $2 lines: $(cat "$1")"
}

# Wait up to 5 s for a path to exist.
wait_exists() {
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	fail "$1 never appeared"
}

# rc: the exit status of background process PID (not in a $(...): only
# the shell that started it can wait for it).
reap() {
	rc=0
	wait "$1" || rc=$?
}

@test "upgrade racing detach --purge: the detach waits, then takes off the new firewall and its state" {
	run -0 fw firewall attach "$IF_B"
	n=$(call_index bpf BPF_PROG_LOAD firewall upgrade "$IF_B" --pin-maps "$BPFFS")
	[ -n "$n" ]
	# The upgrade has loaded its program and waits 2 s before its next bpf() call.
	traced_bg up "bpf:delay_enter=2s:when=$((n + 1))" firewall upgrade "$IF_B" --pin-maps "$BPFFS"
	wait_lines "$BATS_TEST_TMPDIR/up.strace" "$n"
	run -0 fw firewall detach "$IF_B" --purge
	reap "${pids# }"
	assert_equal "$rc" 0
	new=$(sed -n 's/^upgraded the firewall on .* -> \([0-9]*\) .*/\1/p' "$BATS_TEST_TMPDIR/up.out")
	[ -n "$new" ]
	assert_output "detached the firewall (id $new) from $IF_B (native mode)
removed $FWDIR (10 pinned maps: rules, counters, settings)"
	assert_equal "$(xdp_id_b)" ""
	assert_not_exists "$FWDIR"
}

@test "upgrade racing a plain detach: the upgrade refuses to swap for a program that is gone" {
	run -0 fw firewall attach "$IF_B"
	n=$(call_index bpf BPF_PROG_LOAD firewall upgrade "$IF_B" --pin-maps "$BPFFS")
	old=$(xdp_id_b)
	traced_bg up "bpf:delay_enter=2s:when=$((n + 1))" firewall upgrade "$IF_B" --pin-maps "$BPFFS"
	wait_lines "$BATS_TEST_TMPDIR/up.strace" "$n"
	# `xdpload detach` knows nothing of firewall states: it takes no lock.
	run -0 xdpload_b detach "$IF_B"
	assert_output "detached xdp_firewall (id $old) from $IF_B (native mode)"
	reap "${pids# }"
	assert_equal "$rc" 4
	assert_equal "$(cat "$BATS_TEST_TMPDIR/up.err")" \
		"xdpload: firewall upgrade: $IF_B: the firewall it replaces (program $old) was detached meanwhile; nothing was attached"
	assert_equal "$(xdp_id_b)" ""
}

@test "two firewall attach at once: the loser leaves the winner's ten pins, and every verb works after" {
	n=$(LAST=9 call_index bpf BPF_OBJ_PIN firewall attach "$IF_B" --pin-maps "$BPFFS")
	[ -n "$n" ]
	run -0 fw firewall detach "$IF_B" --purge
	# A pins its ten maps, then waits 2 s before its next bpf() call; B
	# starts meanwhile, and would reuse those pins and attach first.
	traced_bg a "bpf:delay_enter=2s:when=$((n + 1))" firewall attach "$IF_B" --pin-maps "$BPFFS"
	wait_lines "$BATS_TEST_TMPDIR/a.strace" "$n"
	traced_bg b "bpf:delay_enter=10ms:when=1" firewall attach "$IF_B" --pin-maps "$BPFFS"
	set -- $pids
	reap "$1"
	a=$rc
	reap "$2"
	assert_equal "$a $rc" "0 4"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/b.err")" \
		"xdpload: attach: xdp_firewall to $IF_B: RTM_SETLINK refused: EBUSY (Device or resource busy)
xdpload: kernel says: XDP program already attached
xdpload: hint: $IF_B already has an XDP program; replace it with --force or remove it with \`xdpload detach $IF_B\`"
	run -0 ls "$FWDIR"
	assert_output "$(printf '%s\n' fw_events fw_hits fw_limit fw_lpm4 fw_lpm6 fw_meta fw_stats fw_svc fw_v4 fw_v6)"
	id=$(sed -n 's/^attached xdp_firewall (id \([0-9]*\)).*/\1/p' "$BATS_TEST_TMPDIR/a.out")
	assert_equal "$(xdp_id_b)" "$id"
	run -0 fw block 192.0.2.1 --dev "$IF_B"
	run -0 fw rules --dev "$IF_B"
	assert_line --index 1 --regexp "^192\.0\.2\.1 +# rule 1: 0 packets, 0 bytes$"
	run -0 fw firewall detach "$IF_B"
	assert_line --index 0 "detached the firewall (id $id) from $IF_B (native mode)"
}

@test "run --builtin racing detach --purge: the purge waits until the link holds the firewall, then refuses" {
	n=$(call_index bpf BPF_LINK_CREATE run --builtin "$IF_B" --duration 0 --pin-maps "$BPFFS")
	[ -n "$n" ]
	run -0 fw firewall detach "$IF_B" --purge
	traced_bg run "bpf:delay_enter=2s:when=$n" run --builtin "$IF_B" --duration 20 --pin-maps "$BPFFS"
	wait_lines "$BATS_TEST_TMPDIR/run.strace" $((n - 1))
	run -4 fw firewall detach "$IF_B" --purge
	for _ in $(seq 50); do grep -q '^attached' "$BATS_TEST_TMPDIR/run.out" && break; sleep 0.1; done
	id=$(sed -n 's/^attached xdp_firewall (id \([0-9]*\)).*/\1/p' "$BATS_TEST_TMPDIR/run.out")
	[ -n "$id" ]
	assert_line --index 0 --regexp "^xdpload: firewall detach: program $id from $IF_B \(native mode\): RTM_SETLINK refused: [A-Z]+ .*"
	assert_line "xdpload: hint: a bpf_link holds it (\`xdpload run\`); stop that process to detach"
	run -0 ls "$FWDIR"
	assert_output "$(printf '%s\n' fw_events fw_hits fw_limit fw_lpm4 fw_lpm6 fw_meta fw_stats fw_svc fw_v4 fw_v6)"
	run -0 fw rules --dev "$IF_B"
	kill -INT "$(pgrep -P "${pids# }")"
	reap "${pids# }"
	assert_equal "$rc" 0
	assert_equal "$(tail -n 1 "$BATS_TEST_TMPDIR/run.out")" "detached xdp_firewall from $IF_B (SIGINT)"
}

@test "SIGKILL at any bpf() call of firewall attach: the state is named with its way out, and the next attach completes it" {
	calls=$(call_count bpf firewall attach "$IF_B" --pin-maps "$BPFFS")
	run -0 fw firewall detach "$IF_B" --purge
	[ "$calls" -ge 20 ]
	none="xdpload: firewall: no firewall state in $FWDIR: ENOENT (No such file or directory)
xdpload: hint: no firewall was attached to $IF_B with this --pin-maps; attach one with \`xdpload firewall attach $IF_B\`"
	for n in $(seq "$calls"); do
		run -137 nsenter --net="/run/netns/$NS_B" strace -o /dev/null -e trace=bpf \
			-e inject="bpf:signal=KILL:when=$n" "$XDPLOAD" firewall attach "$IF_B" --pin-maps "$BPFFS"
		assert_equal "$(xdp_id_b)" ""
		run -5 --separate-stderr fw stats --dev "$IF_B"
		if [ -z "$(ls -A "$FWDIR" 2>/dev/null)" ]; then
			assert_equal "$stderr" "$none"
		else
			assert_equal "$(echo "$stderr" | tail -n 1)" \
				"xdpload: hint: an attach of the firewall on $IF_B did not finish: \`xdpload firewall attach $IF_B\` completes it, \`xdpload firewall detach $IF_B --purge\` removes it"
		fi
		run -0 fw firewall attach "$IF_B"
		run -0 ls "$FWDIR"
		assert_output "$(printf '%s\n' fw_events fw_hits fw_limit fw_lpm4 fw_lpm6 fw_meta fw_stats fw_svc fw_v4 fw_v6)"
		run -0 fw block 192.0.2.1 --dev "$IF_B"
		run -0 fw firewall detach "$IF_B" --purge
	done
}

@test "a program pinned where the firewall keeps a map: said so, by every verb, and purge removes it" {
	run -0 fw firewall attach "$IF_B"
	run -0 fw firewall detach "$IF_B"
	rm "$FWDIR/fw_v4"
	bpftool prog load "$PROGS/xdp_drop.o" "$FWDIR/fw_v4"
	hint="xdpload: hint: $FWDIR holds a pin the firewall did not make; remove it, or the whole state with \`xdpload firewall detach $IF_B --purge\`"
	run -5 --separate-stderr fw rules --dev "$IF_B"
	assert_equal "$stderr" "xdpload: firewall: $FWDIR/fw_v4: this pin is a program, not a map
$hint"
	run -5 --separate-stderr fw firewall attach "$IF_B"
	assert_equal "$stderr" "xdpload: firewall: $FWDIR/fw_v4: this pin is a program, not a map
$hint"
	# A generic load that would reuse the pin says the same.
	run -5 --separate-stderr in_b "$XDPLOAD" test --builtin --pin-maps "$FWDIR"
	assert_equal "$stderr" "xdpload: load: map fw_v4: the pin $FWDIR/fw_v4 is a program, not a map; remove it to start afresh"
	run -0 fw firewall detach "$IF_B" --purge
	assert_line "removed $FWDIR (10 pinned maps: rules, counters, settings)"
}

@test "events: a second reader is refused while the first one gets every event" {
	run -0 fw firewall attach "$IF_B"
	run -0 fw block "$IP_A" --dev "$IF_B"
	# nsenter execs xdpload: $! is its pid.
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" events --dev "$IF_B" --count 3 --pin-maps "$BPFFS" \
		>"$BATS_TEST_TMPDIR/r1.out" 2>"$BATS_TEST_TMPDIR/r1.err" 3>&- &
	reader=$!
	pids="$reader"
	# It reads once the ring is mapped into it.
	for _ in $(seq 100); do grep -q 'anon_inode:bpf-map' "/proc/$reader/maps" && break; sleep 0.05; done
	run -5 --separate-stderr fw events --dev "$IF_B" --duration 1
	assert_equal "$stderr" "xdpload: events: another process reads the drop events of $IF_B; each event reaches one reader only, so a second is refused: stop the other first"
	ip netns exec "$NS_A" ping -q -c 3 -i 0.1 -W 1 "$IP_B" >/dev/null || true
	reap "$reader"
	assert_equal "$rc" 0
	pids=""
	run -0 awk '{ print $3, $5 }' "$BATS_TEST_TMPDIR/r1.out"
	assert_output "$(printf '%s 1\n' "$IP_A" "$IP_A" "$IP_A")"
	# Once the first has gone, another may read.
	run -0 --separate-stderr fw events --dev "$IF_B" --duration 0
}

@test "rules: a failed write is an error, and an export cut short by a full disk never loads" {
	run -0 fw firewall attach "$IF_B"
	awk 'BEGIN { for (i = 0; i < 5000; i++) printf "10.%d.%d.%d\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256 }' \
		>"$BATS_TEST_TMPDIR/5000.txt"
	run -0 fw rules load "$BATS_TEST_TMPDIR/5000.txt" --dev "$IF_B"
	run -5 --separate-stderr in_b sh -c '"$0" rules --dev "$1" --pin-maps "$2" >/dev/full' \
		"$XDPLOAD" "$IF_B" "$BPFFS"
	assert_equal "$stderr" "xdpload: rules: writing the rules of $IF_B failed: ENOSPC (No space left on device)"
	# A backup to a disk with room for a few hundred of the 5,000 rules.
	cut="$BATS_TEST_TMPDIR/cut.txt"
	mkdir "$BATS_TEST_TMPDIR/disk"
	run -0 --separate-stderr in_b unshare --mount --propagation private sh -c '
		mount -t tmpfs -o size=16k tmpfs "$4" || exit 9
		"$0" rules --dev "$1" --pin-maps "$2" >"$4/backup.txt"
		echo "exit $?"
		cp "$4/backup.txt" "$3"' "$XDPLOAD" "$IF_B" "$BPFFS" "$cut" "$BATS_TEST_TMPDIR/disk"
	assert_output "exit 5"
	[ "$(grep -c '^10\.' "$cut")" -lt 5000 ]
	run -1 --separate-stderr fw rules load "$cut" --dev "$IF_B"
	assert_equal "$stderr" "xdpload: rules: $cut begins as an export of xdpload's rules but has no \"# end\" line: it was cut short (a full disk, a killed writer) or written by an older xdpload; nothing changed. If it is whole, end it with a line \"# end\""
	run -0 fw rules --dev "$IF_B" -j
	assert_equal "$(echo "$output" | jq '.rules | length')" 5000
	# A whole export ends so, and loads back as it was.
	run -0 fw rules --dev "$IF_B"
	assert_line --index 5001 "# end"
	fw rules --dev "$IF_B" >"$BATS_TEST_TMPDIR/whole.txt"
	run -0 fw rules load "$BATS_TEST_TMPDIR/whole.txt" --dev "$IF_B"
	assert_output --regexp "5000 rules: 5000 kept, 0 added, 0 removed"
}

@test "a generic object's map pinned under the interface's name does not stand in the firewall's way" {
	dev=xdplgen0
	ip -n "$NS_B" link add "$dev" type veth peer name xdplgen1
	cat >"$BATS_TEST_TMPDIR/gen.c" <<-'EOF'
	#include "xdp_kern.h"
	struct {
		__uint(type, BPF_MAP_TYPE_ARRAY);
		__type(key, __u32);
		__type(value, __u64);
		__uint(max_entries, 1);
		__uint(pinning, LIBBPF_PIN_BY_NAME);
	} xdplgen0 SEC(".maps");
	SEC("xdp") int xdp_gen(struct xdp_md *ctx)
	{
		__u32 k = 0;
		__u64 *v = bpf_map_lookup_elem(&xdplgen0, &k);

		if (v)
			(*v)++;
		return XDP_PASS;
	}
	char _license[] SEC("license") = "GPL";
	EOF
	clang -O2 -g -target bpf -nostdinc -I"$ROOT" -c "$BATS_TEST_TMPDIR/gen.c" -o "$BATS_TEST_TMPDIR/gen.o"
	run -0 in_b "$XDPLOAD" test --pin-maps "$BPFFS" "$BATS_TEST_TMPDIR/gen.o"
	run -0 bpftool map show pinned "$BPFFS/$dev"
	run -0 fw firewall attach "$dev"
	run -0 fw block 192.0.2.9 --dev "$dev"
	# The generic pin is still its object's, and still reused.
	run -0 in_b "$XDPLOAD" test --pin-maps "$BPFFS" "$BATS_TEST_TMPDIR/gen.o"
	run -0 bpftool map dump pinned "$BPFFS/$dev"
	assert_output --partial '"value": 2'
	run -0 fw firewall detach "$dev" --purge
	rm "$BPFFS/$dev"
	ip -n "$NS_B" link del "$dev"
}

@test "a state an older xdpload kept in PIN_BASE/IFACE is not replaced by an empty one: the hint says how to move it" {
	run -0 fw firewall attach "$IF_B"
	run -0 fw block 192.0.2.7 --dev "$IF_B"
	mv "$FWDIR" "$BPFFS/$IF_B" # where xdpload 0.2 kept it
	move="xdpload: hint: move it where this xdpload looks: \`mkdir -p $BPFFS/fw-state && mv $BPFFS/$IF_B $BPFFS/fw-state/\`"
	run -5 --separate-stderr fw rules --dev "$IF_B"
	assert_equal "$stderr" "xdpload: firewall: no firewall state in $FWDIR: ENOENT (No such file or directory)
$move"
	run -5 --separate-stderr fw firewall attach "$IF_B" --force
	assert_equal "$stderr" "xdpload: firewall: the state of $IF_B is in $BPFFS/$IF_B, where an older xdpload kept it; attaching now would start an empty one in $FWDIR
$move"
	assert_not_exists "$FWDIR"
	mkdir -p "$BPFFS/fw-state" && mv "$BPFFS/$IF_B" "$BPFFS/fw-state/"
	run -0 fw rules --dev "$IF_B"
	assert_line --index 1 --regexp "^192\.0\.2\.7 +# rule 1: "
	run -0 fw firewall upgrade "$IF_B"
}
