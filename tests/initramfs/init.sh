#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The checks an initramfs runs against the kernel it booted: mount what xdpload
# needs, join two network namespaces with a veth pair, and prove with real
# traffic that the static xdpload loads, attaches, counts, drops and detaches,
# and that its built-in firewall blocks and counts.
# Ends with one line that the host reads, and nothing after it:
#
#   XDPLOAD-INITRAMFS: PASS kernel=RELEASE checks=NAME,NAME,...
#   XDPLOAD-INITRAMFS: FAIL kernel=RELEASE failed=NAME,NAME,...
#
# It runs under busybox sh with only busybox applets, as PID 1's child in the
# VM (tests/initramfs/init) and chrooted in fresh namespaces on the host.  It
# never powers off and never touches an interface it did not make, so the
# host pre-check is safe.  Everything a kernel may or may not support is for
# xdpload to handle; this script works around nothing but a missing veth
# driver, which it loads from /lib/modules/veth.ko when the archive has one.
#
# A check is a function check_NAME listed in CHECKS (and in the CHECKS of
# tests/initramfs.bats, which expects exactly these); set-up and result stay.
# xdpload.checks=NAME,... on the kernel command line runs those instead:
# tests/progtypes.bats boots with xdpload.checks=kprobe,trampoline, the
# program types this machine's own kernel cannot attach.

PATH=/bin
PROGS=/progs
PINS=/sys/fs/bpf/xdpl
IF_A=xdpla          # ours, in this namespace: the programs sit here
IF_B=xdplb          # the peer, in namespace B, which sends the traffic
IP_A=10.201.0.1
IP_B=10.201.0.2
CHECKS="test btf count drop link firewall"

say() { echo "initramfs: $*"; }

# Run in namespace B (set up by netns_create).
in_b() { nsenter -t "$NS_PID" -n "$@"; }

# ping A from B: COUNT packets, giving up after DEADLINE seconds.
ping_a() { in_b ping -q -c "$1" -i 0.2 -W 1 -w "$2" "$IP_A" >/dev/null 2>&1; }

mount_all() {
	mkdir -p /proc /sys /dev /tmp &&
		mount -t proc proc /proc &&
		mount -t sysfs sysfs /sys &&
		mount -t bpf bpf /sys/fs/bpf &&
		mount -t tmpfs tmpfs /tmp &&
		{ [ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev; }
}

# A veth pair, IF_A here and IF_B in a new network namespace held by a
# sleeping process.  busybox's `ip link add` ignores "peer name", so the
# kernel names the peer (vethN); it is renamed before it moves.
netns_create() {
	if ! ip link add name "$IF_A" type veth 2>/dev/null; then
		[ -f /lib/modules/veth.ko ] || { say "no veth driver and no veth.ko"; return 1; }
		insmod /lib/modules/veth.ko || return 1
		say "veth: loaded /lib/modules/veth.ko"
		ip link add name "$IF_A" type veth || return 1
	fi
	peer=$(ip link show "$IF_A" | sed -n "1s/^[0-9]*: $IF_A@\([^:]*\):.*/\1/p")
	[ -n "$peer" ] || { say "cannot find the peer of $IF_A"; return 1; }
	ip link set "$peer" name "$IF_B" || return 1

	unshare -n sleep 1000 &
	NS_PID=$!
	tries=50
	while [ "$(readlink "/proc/$NS_PID/ns/net")" = "$(readlink /proc/self/ns/net)" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { say "namespace B did not appear"; return 1; }
		sleep 0.1
	done
	ip link set "$IF_B" netns "$NS_PID" &&
		ip addr add "$IP_A/24" dev "$IF_A" &&
		ip link set "$IF_A" up &&
		in_b ip addr add "$IP_B/24" dev "$IF_B" &&
		in_b ip link set "$IF_B" up &&
		in_b ip link set lo up
}

# The attached program's name on IF_A, and how: "xdp_drop netlink", or empty.
attached() {
	xdpload status "$IF_A" | sed -n "s/^$IF_A  *[a-z]*  *[0-9]*  *\([^ ]*\)  *[0-9a-f]*  *\([a-z]*\)\$/\1 \2/p"
}

# Each check prints why it failed and returns non-zero.

# No interface: BPF_PROG_TEST_RUN on a program with global data, one of them
# set before load (BTF, .rodata frozen, --set), so the verdict proves the value.
check_test() {
	out=$(xdpload test "$PROGS/globals.o") || return 1
	echo "$out" | grep -q '^result  *XDP_PASS' || { say "globals.o: $out"; return 1; }
	out=$(xdpload test --set drop_port=53 "$PROGS/globals.o") || return 1
	echo "$out" | grep -q '^result  *XDP_DROP' || { say "globals.o --set drop_port=53: $out"; return 1; }
}

# BTF with every newer kind (FLOAT, DECL_TAG, TYPE_TAG, global functions):
# the program must load with BTF, whatever xdpload had to rewrite for it.
check_btf() {
	xdpload test -v "$PROGS/btf_kinds.o" >/tmp/btf.out 2>&1 || { cat /tmp/btf.out; return 1; }
	grep 'BTF' /tmp/btf.out | sed 's/^/initramfs: btf: /'
	grep -q 'loaded, fd [0-9]* (.*, with BTF)' /tmp/btf.out || { say "btf_kinds.o did not load with BTF"; return 1; }
}

# attach over netlink with a map pinned by name; traffic moves its counter.
check_count() {
	xdpload attach --pin-maps "$PINS" "$PROGS/btf_maps.o" "$IF_A" || return 1
	[ "$(attached)" = "xdp_btf_maps netlink" ] || { say "status: $(attached)"; return 1; }
	ping_a 3 5 || { say "ping failed through xdp_btf_maps"; return 1; }
	dump=$(xdpload map dump "$PINS/counter") || return 1
	count=$(echo "$dump" | sed -n 's/^key: 00 00 00 00 (0)  value: .* (\([0-9]*\))$/\1/p')
	[ "${count:-0}" -ge 3 ] || { say "counter after 3 pings: $dump"; return 1; }
	say "count: $count packets seen"
	xdpload detach --unpin --pin-maps "$PINS" "$IF_A" || return 1
	[ -z "$(attached)" ] || { say "still attached: $(attached)"; return 1; }
	[ ! -e "$PINS/counter" ] || { say "$PINS/counter still pinned"; return 1; }
}

# A drop program stops the traffic, and detaching it lets it through again.
check_drop() {
	xdpload attach "$PROGS/xdp_drop.o" "$IF_A" || return 1
	if ping_a 2 2; then
		say "ping passed through xdp_drop"
		xdpload detach "$IF_A"
		return 1
	fi
	xdpload detach "$IF_A" || return 1
	ping_a 1 5 || { say "ping failed after detaching xdp_drop"; return 1; }
}

# run: the bpf_link holds the program exactly as long as xdpload runs.
check_link() {
	xdpload run "$PROGS/xdp_drop.o" "$IF_A" &
	run_pid=$!
	tries=50
	while [ "$(attached)" != "xdp_drop link" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { say "run did not attach: $(attached)"; kill "$run_pid"; return 1; }
		sleep 0.1
	done
	if ping_a 2 2; then
		say "ping passed through xdp_drop held by a link"
		kill "$run_pid"
		return 1
	fi
	kill -INT "$run_pid"
	wait "$run_pid" || { say "run exited $? on SIGINT"; return 1; }
	[ -z "$(attached)" ] || { say "still attached after run: $(attached)"; return 1; }
	ping_a 1 5 || { say "ping failed after run ended"; return 1; }
}

# A firewall counter from `stats`: stat NAME prints its packets.
stat() {
	xdpload stats --dev "$IF_A" | sed -n "s/^$1  *\([0-9]*\)  *[0-9]*\$/\1/p"
}

# The firewall built into the binary: a rule blocks B's address, its counters
# move, and removing the rule lets B's packets through again.
check_firewall() {
	xdpload firewall attach "$IF_A" || return 1
	ping_a 1 5 || { say "ping failed through the firewall with no rules"; return 1; }
	passed=$(stat pass)
	[ "${passed:-0}" -ge 1 ] || { say "pass counter after a ping: '$passed'"; return 1; }
	xdpload block "$IP_B/32" --dev "$IF_A" || return 1
	if ping_a 2 2; then
		say "ping passed through a rule blocking $IP_B"
		return 1
	fi
	dropped=$(stat drop)
	[ "${dropped:-0}" -ge 2 ] || { say "drop counter after 2 blocked pings: '$dropped'"; return 1; }
	say "firewall: $passed passed, $dropped dropped"
	xdpload unblock "$IP_B/32" --dev "$IF_A" || return 1
	ping_a 1 5 || { say "ping failed after unblock"; return 1; }
	# A rules file: runs of addresses and of prefixes in both families, each
	# run one batch (both kernels here have batches for hashes and tries; one
	# by one is for kernels before 5.13); B's /24 among them.
	printf '%s\n' 10.99.0.1 10.99.0.2 10.98.0.0/24 10.97.0.0/28 2001:db8:99::1 2001:db8:99::2 \
		2001:db8:98::/48 2001:db8:97::/64 10.201.0.0/24 >/tmp/rules.txt
	xdpload rules load /tmp/rules.txt --dev "$IF_A" || return 1
	rules=$(xdpload rules --dev "$IF_A" | grep -vc '^#')
	[ "$rules" = 9 ] || { say "rules after a load of 9: $rules"; return 1; }
	if ping_a 2 2; then
		say "ping passed through a rules file blocking 10.201.0.0/24"
		return 1
	fi
	: >/tmp/empty.txt
	xdpload rules load /tmp/empty.txt --dev "$IF_A" --force || return 1
	rules=$(xdpload rules --dev "$IF_A" | grep -vc '^#')
	[ "$rules" = 0 ] || { say "rules after emptying: $rules"; return 1; }
	ping_a 1 5 || { say "ping failed after the rules were emptied"; return 1; }
	xdpload firewall detach --purge "$IF_A" || return 1
	[ -z "$(attached)" ] || { say "still attached: $(attached)"; return 1; }
}

# A counter of the program type corpus: hits VALUE of pinned map DIR/hits at KEY.
hits() {
	xdpload map dump "$1/hits" | sed -n "s/^key: .* ($2)  value: .* (\([0-9]*\))\$/\1/p"
}

# Each program counts, at its key, the events bpfrun makes while it holds it attached.
# usage: counts DIR KEY EXPECTED KIND PROG [TARGET]
counts() {
	dir=$1 key=$2 want=$3
	shift 3
	bpfrun "$dir" "$@" || { say "bpfrun $*: failed"; return 1; }
	got=$(hits "$dir" "$key")
	[ "$got" = "$want" ] || { say "$2 (key $key): $got runs, not $want"; return 1; }
	say "$2: $got runs"
}

# Kernel probes (this machine's kernel has none): kprobe, kretprobe, ksyscall,
# kretsyscall on getpid's wrapper; three getpid() calls each.  (kprobe.multi
# needs fprobe, which neither kernel has: it loads, in tests/progtypes.bats.)
check_kprobe() {
	d=$PINS/kprobes
	xdpload load --pin-dir "$d" "$PROGS/types/kprobes.o" >/tmp/kp.out 2>&1 || { cat /tmp/kp.out; return 1; }
	counts "$d" 0 3 kprobe on_getpid __x64_sys_getpid &&
		counts "$d" 1 3 kretprobe on_getpid_ret __x64_sys_getpid &&
		counts "$d" 2 3 kprobe on_ksyscall __x64_sys_getpid &&
		counts "$d" 3 3 kretprobe on_kretsyscall __x64_sys_getpid
	ok=$?
	rm -rf "$d"
	return $ok
}

# Trampolines, which this machine's kernel refuses to every loader: each
# program loads with its target's BTF id and runs where it is attached.
check_trampoline() {
	d=$PINS/tracing
	xdpload load --pin-dir "$d" "$PROGS/types/tracing.o" >/tmp/tr.out 2>&1 || { cat /tmp/tr.out; return 1; }
	counts "$d" 0 1 tracing fentry_test1 run &&
		counts "$d" 1 1 tracing fexit_test1 run &&
		counts "$d" 2 3 tracing fmod_ret_test &&
		counts "$d" 3 3 tracing lsm_file_open
	ok=$?
	rm -rf "$d"
	return $ok
}

main() {
	failed=""
	if ! mount_all; then
		failed=mount
	elif ! netns_create; then
		failed=netns
	else
		asked=$(sed -n 's/.*xdpload\.checks=\([a-z,]*\).*/\1/p' /proc/cmdline | tr , ' ')
		[ -z "$asked" ] || CHECKS=$asked
		say "$(xdpload --version) on $(uname -r)"
		for check in $CHECKS; do
			if "check_$check"; then
				say "ok $check"
			else
				say "FAIL $check"
				failed="$failed${failed:+,}$check"
			fi
		done
	fi
	[ -n "${NS_PID:-}" ] && kill "$NS_PID" 2>/dev/null
	if [ -z "$failed" ]; then
		echo "XDPLOAD-INITRAMFS: PASS kernel=$(uname -r) checks=$(echo $CHECKS | tr ' ' ,)"
	else
		echo "XDPLOAD-INITRAMFS: FAIL kernel=$(uname -r) failed=$failed"
	fi
}

main
