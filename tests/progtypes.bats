#!/usr/bin/env bats
# Every program type libbpf names sections for, loaded by `xdpload load`
# from the corpus in tests/progs/types/ (written against libbpf's headers),
# and each proven to run where the kernel lets it: a test run on a packet or
# a context, tracepoints and probes fired by tests/bpfrun.c, cgroup hooks
# by tests/progtypes_sockets.py, all counted in the program's own map.  Also
# tail calls and maps of maps both ways (libbpf's and iproute2's), the map
# sizes the loader chooses, `load` itself (pins, -j, --prog, nothing left on
# failure), the refusals, and the comparison with bpftool prog loadall.
# Trampolines and kernel probes, which this machine's kernel cannot attach,
# run under qemu on Debian 12's 6.1 (the last test).
load helpers

TYPES="$ROOT/tests/progs/types"
BPFRUN="$ROOT/build/bpfrun"

setup_file() {
	require_root
	[ -f /usr/include/bpf/bpf_helpers.h ] || skip "needs libbpf-dev for the corpus"
	make -s -C "$ROOT" type-progs >&2
	bpffs_create
	# A 64-byte Ethernet + IPv4 + UDP packet, as `xdpload test` sends by default.
	printf '\002\0\0\0\0\002\002\0\0\0\0\001\010\0\105\0\0\062\0\0\100\0\100\021\046\271\012\0\0\001\012\0\0\002\060\071\0\065\0\036\0\0xdpload test packet..\n' \
		>"$BATS_FILE_TMPDIR/packet"
}

teardown_file() {
	bpffs_destroy
}

setup() {
	require_root
}

# Load OBJ (a corpus name) with its programs and maps pinned in $BPFFS/NAME.
load_pinned() {
	local name="$1"
	shift
	run -0 --separate-stderr xdpload load --pin-dir "$BPFFS/$name" "$TYPES/$name.o" "$@"
}

# A counter of the corpus: the value at KEY of DIR's pinned `hits` map.
hits() {
	xdpload map dump "$BPFFS/$1/hits" | sed -n "s/^key: .* ($2)  value: .* (\([0-9]*\))\$/\1/p"
}

# The return value of one test run of pinned program DIR/PROG on the packet.
test_run() {
	bpftool prog run pinned "$BPFFS/$1/$2" data_in "$BATS_FILE_TMPDIR/packet" |
		sed -n 's/^Return value: \([0-9]*\),.*/\1/p'
}

# The kernel frees a program a moment after its last fd closes: wait up to 2 s.
prog_gone() {
	local tries=20
	while bpftool prog show id "$1" >/dev/null 2>&1; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "program $1 is still loaded"
		sleep 0.1
	done
}

# A small object of a test's own, compiled as the corpus is: bpf_cc PATH (PATH.c -> PATH.o).
bpf_cc() {
	clang -O2 -g -target bpf -I"/usr/include/$(gcc -print-multiarch)" -c "$1.c" -o "$1.o"
}

# How many CPUs the kernel may have (/sys/devices/system/cpu/possible: "0-3,8").
possible_cpus() {
	tr , '\n' </sys/devices/system/cpu/possible | awk -F- '{ n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n }'
}

# A struct bpf_sk_lookup for a TCP connection to 127.0.0.1:PORT.
sk_lookup_ctx() {
	python3 -c 'import struct, sys
sys.stdout.buffer.write(struct.pack("<QIII4IHHI4IIII", 0, 2, 6, 0x0100007f, 0, 0, 0, 0, 0, 0,
	0x0100007f, 0, 0, 0, 0, int(sys.argv[1]), 0, 0))' "$1"
}

@test "load: each program with its id, name, kernel type, section and tag, nothing pinned without --pin-dir" {
	run -0 --separate-stderr xdpload load "$TYPES/sockets.o"
	assert_line --index 0 --regexp "^ID +NAME +TYPE +SECTION +TAG$"
	assert_line --index 1 --regexp "^[0-9]+ +lookup +sk_lookup +sk_lookup +[0-9a-f]{16}$"
	assert_line --index 2 --regexp "^[0-9]+ +parser +sk_skb +sk_skb/stream_parser +[0-9a-f]{16}$"
	assert_line --index 4 --regexp "^[0-9]+ +skb_plain +sk_skb +sk_skb +[0-9a-f]{16}$"
	assert_line --index 5 --regexp "^[0-9]+ +msg_verdict +sk_msg +sk_msg +[0-9a-f]{16}$"
	assert_line --index 7 --regexp "^[0-9]+ +reuseport_migrate +sk_reuseport +sk_reuseport/migrate +[0-9a-f]{16}$"
	assert_equal "${#lines[@]}" 8
}

@test "load -j: programs with their attach types and tags as the kernel has them, and maps" {
	run -0 --separate-stderr xdpload load -j --pin-dir "$BPFFS/json" "$TYPES/cgroup.o"
	echo "$output" | jq -e . >/dev/null
	assert_equal "$(echo "$output" | jq -c '.programs[] | select(.name == "connect4") | [.type, .section, .attach_type, .pin]')" \
		"[\"cgroup_sock_addr\",\"cgroup/connect4\",\"cgroup_inet4_connect\",\"$BPFFS/json/connect4\"]"
	assert_equal "$(echo "$output" | jq -c '.programs[] | select(.name == "on_sockops") | [.type, .attach_type]')" \
		'["sock_ops","cgroup_sock_ops"]'
	assert_equal "$(echo "$output" | jq -r '.programs | length')" 22
	local id tag
	id=$(echo "$output" | jq -r '.programs[] | select(.name == "on_dev") | .id')
	tag=$(echo "$output" | jq -r '.programs[] | select(.name == "on_dev") | .tag')
	assert_equal "$(bpftool prog show id "$id" -j | jq -r '[.type, .tag] | join(" ")')" "cgroup_device $tag"
	assert_equal "$(echo "$output" | jq -c '[.maps[] | [.name, .type, .pin]]')" \
		"[[\"filter\",\"array\",\"$BPFFS/json/filter\"],[\"hits\",\"array\",\"$BPFFS/json/hits\"]]"
}

@test "every program's type is the one its section names, as the kernel reports it" {
	local obj prog want id
	while read -r obj prog want; do
		run -0 --separate-stderr xdpload load -j --pin-dir "$BPFFS/type_$prog" --prog "$prog" "$TYPES/$obj.o"
		id=$(echo "$output" | jq -r ".programs[] | select(.name == \"$prog\") | .id")
		assert_equal "$obj $prog $(bpftool prog show id "$id" -j 2>/dev/null | jq -r .type)" "$obj $prog $want"
	done <<-EOF
		skb sock_filter socket_filter
		skb tc_plain sched_cls
		skb act_plain sched_act
		skb on_lwt_in lwt_in
		skb lwt_seg6 lwt_seg6local
		skb cg_egress cgroup_skb
		skb dissect flow_dissector
		newer tcx_ingress sched_cls
		newer nk_peer sched_cls
		kprobes on_uprobe kprobe
		kprobes on_multi kprobe
		tracepoints tp_enter tracepoint
		tracepoints raw_enter raw_tracepoint
		tracepoints raw_writable raw_tracepoint_writable
		tracepoints btf_enter tracing
		iter dump_maps tracing
		misc add syscall
		misc faults perf_event
		sockets lookup sk_lookup
		sockets reuseport sk_reuseport
		cgroup on_sysctl cgroup_sysctl
		cgroup on_getsockopt cgroup_sockopt
		cgroup bind6 cgroup_sock_addr
		cgroup post_bind4 cgroup_sock
	EOF
}

@test "-v says which rule typed each program, and which are left out by '?'" {
	run -0 --separate-stderr xdpload -v load "$TYPES/tailcalls_optional.o"
	assert_equal "$(echo "$stderr" | grep 'elf: program')" \
		"$(printf '%s\n' "xdpload: elf: program stage_off: section xdp is xdp (xdp) by rule \"xdp\"; '?': not loaded unless asked for" \
			'xdpload: elf: program try_optional: section xdp is xdp (xdp) by rule "xdp"')"
	run -0 --separate-stderr xdpload -v load --prog btf_enter "$TYPES/tracepoints.o"
	assert_equal "$(echo "$stderr" | grep -c 'elf: program')" 6
	assert_equal "$(echo "$stderr" | grep 'elf: program btf_enter')" \
		'xdpload: elf: program btf_enter: section tp_btf/sys_enter is tp_btf (tracing) by rule "tp_btf+"'
	assert_equal "$(echo "$stderr" | grep 'elf: program raw_writable')" \
		'xdpload: elf: program raw_writable: section raw_tp.w/sys_enter is raw_tp.w (raw_tracepoint_writable) by rule "raw_tp.w+"'
	assert_equal "$(echo "$stderr" | grep 'attach target')" \
		"xdpload: load: program btf_enter: attach target tracepoint sys_enter is BTF type $(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[\([0-9]*\)\] TYPEDEF 'btf_trace_sys_enter'.*/\1/p") in vmlinux"
	run -0 --separate-stderr xdpload -v inspect "$PROGS/xdp_elfmap.o"
	assert_equal "$(echo "$stderr" | grep 'elf: program')" \
		'xdpload: elf: program xdp_elfmap: section xdp_prog is xdp (xdp) by rule "xdp" (as libbpf 0.x and iproute2 read it)'
}

@test "packet programs: socket filters, tc, lightweight tunnels, cgroup skb, flow dissector run on a packet" {
	local prog want key
	load_pinned skb
	while read -r prog want key; do
		assert_equal "$prog $(test_run skb "$prog")" "$prog $want"
		assert_equal "$prog $(hits skb "$key")" "$prog 1"
	done <<-EOF
		sock_filter 50 0
		tc_plain 105 5
		cls_plain 106 6
		act_plain 107 7
		on_lwt_in 0 10
		on_lwt_out 0 11
		on_lwt_xmit 0 12
		cg_ingress 1 14
		cg_egress 1 15
		cg_skb 0 16
		dissect 0 17
	EOF
	# lwt_seg6local loads; the kernel has no test run for it.
	assert_equal "$(hits skb 13)" 0
}

@test "tcx, netkit and libbpf's tc/ingress and tc/egress aliases load and run on a packet" {
	local prog want key
	load_pinned newer
	while read -r prog want key; do
		assert_equal "$prog $(test_run newer "$prog")" "$prog $want"
		assert_equal "$prog $(hits newer "$key")" "$prog 1"
	done <<-EOF
		tc_ingress 101 1
		tc_egress 102 2
		tcx_ingress 103 3
		tcx_egress 104 4
		nk_primary 108 8
		nk_peer 109 9
	EOF
}

@test "sk_lookup and syscall programs run on a context, perf_event counts page faults" {
	load_pinned sockets
	sk_lookup_ctx 8080 >"$BATS_TEST_TMPDIR/lookup8080"
	sk_lookup_ctx 80 >"$BATS_TEST_TMPDIR/lookup80"
	run -0 "$BPFRUN" "$BPFFS/sockets" testrun lookup "$BATS_TEST_TMPDIR/lookup8080"
	assert_line --index 0 "retval 1"
	run -0 "$BPFRUN" "$BPFFS/sockets" testrun lookup "$BATS_TEST_TMPDIR/lookup80"
	assert_line --index 0 "retval 0"
	assert_equal "$(hits sockets 0)" 2
	load_pinned misc
	printf '\050\0\0\0\002\0\0\0\0\0\0\0' >"$BATS_TEST_TMPDIR/add"
	run -0 "$BPFRUN" "$BPFFS/misc" testrun add "$BATS_TEST_TMPDIR/add"
	assert_line --index 0 "retval 42"
	assert_line --index 1 "ctx 28 00 00 00 02 00 00 00 2a 00 00 00"
	run -0 "$BPFRUN" "$BPFFS/misc" perf_event faults
	assert_equal "$(hits misc 1)" 4
}

@test "tracepoints, raw tracepoints and tp_btf count three getpid() calls each" {
	local kind prog target key
	load_pinned tracepoints
	while read -r kind prog target key; do
		run -0 "$BPFRUN" "$BPFFS/tracepoints" "$kind" "$prog" "$target"
		assert_equal "$prog $(hits tracepoints "$key")" "$prog 3"
	done <<-EOF
		tracepoint tp_enter syscalls/sys_enter_getpid 0
		tracepoint tp_exit syscalls/sys_exit_getpid 1
		raw_tp raw_enter sys_enter 2
		raw_tp raw_exit sys_exit 3
		tracing btf_enter - 4
	EOF
}

@test "uprobes count three calls each; kernel probes and usdt load" {
	local kind prog key
	load_pinned kprobes
	while read -r kind prog key; do
		run -0 "$BPFRUN" "$BPFFS/kprobes" "$kind" "$prog"
		assert_equal "$prog $(hits kprobes "$key")" "$prog 3"
	done <<-EOF
		uprobe on_uprobe 5
		uretprobe on_uretprobe 6
		uprobe on_uprobe_sleepable 7
	EOF
	assert_file_exists "$BPFFS/kprobes/on_getpid"
	assert_file_exists "$BPFFS/kprobes/on_multi"
	assert_file_exists "$BPFFS/kprobes/on_usdt"
	[ -e /sys/bus/event_source/devices/kprobe ] ||
		skip "this kernel has no kprobes (CONFIG_KPROBES): they run under qemu, in the last test"
	run -0 "$BPFRUN" "$BPFFS/kprobes" kprobe on_getpid __x64_sys_getpid
	assert_equal "$(hits kprobes 0)" 3
}

@test "an iterator's target is found by BTF id, and it reads one line per map" {
	load_pinned iter
	run -0 "$BPFRUN" "$BPFFS/iter" iter dump_maps
	assert_equal "$(echo "$output" | sort -u)" map
	assert_equal "$(hits iter 0)" "${#lines[@]}"
}

@test "cgroup programs and sockops count each call a process in their cgroup makes" {
	local prog type key want cg
	load_pinned cgroup
	cg="/sys/fs/cgroup/unified/xdpl-types-$$"
	[ -d /sys/fs/cgroup/unified ] || cg="/sys/fs/cgroup/xdpl-types-$$"
	mkdir "$cg"
	while read -r prog type key want; do
		bpftool cgroup attach "$cg" "$type" pinned "$BPFFS/cgroup/$prog" multi
	done <<-EOF
		sock_create sock_create
		sock_release sock_release
		sock_plain sock_create
		post_bind4 post_bind4
		bind4 bind4
		connect4 connect4
		sendmsg4 sendmsg4
		recvmsg4 recvmsg4
		getsockname4 getsockname4
		getpeername4 getpeername4
		on_sysctl sysctl
		on_setsockopt setsockopt
		on_getsockopt getsockopt
		on_dev device
		on_sockops sock_ops
	EOF
	run python3 "$ROOT/tests/progtypes_sockets.py" "$cg"
	rmdir "$cg"
	assert_success
	assert_output done
	while read -r prog key want; do
		assert_equal "$prog $(hits cgroup "$key")" "$prog $want"
	done <<-EOF
		sock_create 0 3
		sock_release 1 4
		sock_plain 2 3
		post_bind4 3 2
		bind4 4 2
		connect4 5 2
		sendmsg4 6 1
		recvmsg4 7 1
		getsockname4 8 3
		getpeername4 9 2
		on_sysctl 10 1
		on_setsockopt 11 1
		on_getsockopt 12 1
		on_dev 13 1
		on_sockops 14 1
	EOF
}

@test "tail calls from .values: wired once loaded, through to the last stage" {
	load_pinned tailcalls
	assert_equal "$(test_run tailcalls entry)" 1 # XDP_DROP, from stage2
	assert_equal "$(hits tailcalls 0) $(hits tailcalls 1) $(hits tailcalls 3) $(hits tailcalls 2)" "1 1 1 1"
	# The verbs that run one program load its tail calls with it.
	run -0 xdpload test --prog entry "$TYPES/tailcalls.o"
	assert_line --index 1 "result    XDP_DROP (1)"
}

@test "a slot naming a program in a '?' section stays empty unless it is asked for" {
	run -0 xdpload -v load --pin-dir "$BPFFS/optional" "$TYPES/tailcalls_optional.o"
	assert_line --partial -- "xdpload: load: map optional: slot 0 left empty: program stage_off is not loaded"
	assert_equal "$(test_run optional try_optional)" 2 # XDP_PASS
	run -0 --separate-stderr xdpload load --pin-dir "$BPFFS/optional2" --prog try_optional --prog stage_off "$TYPES/tailcalls_optional.o"
	assert_equal "$(test_run optional2 try_optional)" 3 # XDP_TX
}

@test "iproute2 tail calls: MAP_ID/KEY sections take the entry's type and fill the prog array with that id" {
	run -0 xdpload -v load --pin-dir "$BPFFS/iproute2" "$TYPES/tailcalls_iproute2.o"
	assert_line --partial -- 'xdpload: elf: program first: section 1/0 is iproute2 tail call (sched_cls) by rule "iproute2 tail call"'
	assert_line --partial -- "xdpload: load: map jmp_map: slot 1 is program second (tail call)"
	assert_equal "$(test_run iproute2 entry)" 7
	assert_equal "$(xdpload map dump "$BPFFS/iproute2/counts" | sed -n 's/.*value: .* (\([0-9]*\))$/\1/p' | head -3 | tr '\n' ' ')" "1 1 1 "
}

@test "maps of maps from __array(values, struct inner): the slots hold the object's maps" {
	load_pinned mapinmap
	assert_equal "$(test_run mapinmap via_outer)" 1 # XDP_DROP: both lookups found inner_b
	assert_equal "$(xdpload map dump "$BPFFS/mapinmap/inner_b" | sed -n 's/.*value: .* (\([0-9]*\))$/\1/p')" 2
	assert_equal "$(xdpload map dump "$BPFFS/mapinmap/inner_a" | sed -n 's/.*value: .* (\([0-9]*\))$/\1/p')" 0
	assert_equal "$(bpftool map show pinned "$BPFFS/mapinmap/outer_hash" -j | jq -r '[.type, .max_entries] | join(" ")')" "hash_of_maps 8"
}

@test "maps of maps as iproute2 writes them: inner_id names the template, inner_idx its slot" {
	load_pinned mapinmap_iproute2
	assert_equal "$(test_run mapinmap_iproute2 count_inner)" 1
	assert_equal "$(test_run mapinmap_iproute2 count_inner)" 2
	assert_equal "$(xdpload map dump "$BPFFS/mapinmap_iproute2/map_inner" | sed -n 's/.*value: .* (\([0-9]*\))$/\1/p')" 2
}

@test "map sizes the loader chooses: one entry per CPU, ring buffers in whole pages, BTF types dropped where refused" {
	local cpus
	cpus=$(possible_cpus)
	run -0 --separate-stderr xdpload -v load -j "$TYPES/mapkinds.o"
	local log="$stderr"
	assert_equal "$(echo "$output" | jq -c '[.maps[] | select(.name | test("perf|ring|shared|per_")) | [.name, .max_entries]] | sort')" \
		"[[\"per_socket\",0],[\"per_task\",0],[\"perf_events\",$cpus],[\"perf_sized\",$cpus],[\"ring\",8192],[\"shared\",8]]"
	assert_equal "$(echo "$log" | grep 'perf_events (perf_event_array): the kernel')" \
		"xdpload: load: map perf_events (perf_event_array): the kernel takes no BTF key or value types for this kind; dropping them"
	assert_equal "$(echo "$log" | grep 'rounded up')" \
		"xdpload: load: map ring: 5000 bytes rounded up to 8192, a power-of-two number of pages as ring buffers need"
	run -0 --separate-stderr xdpload load -j --pin-dir "$BPFFS/kinds" "$TYPES/mapkinds_loader.o"
	assert_equal "$(echo "$output" | jq -c '[.maps[] | select(.name == "cpus" or .name == "events") | [.name, .max_entries]] | sort')" \
		"[[\"cpus\",$cpus],[\"events\",4096]]"
	assert_equal "$(bpftool map show pinned "$BPFFS/kinds/events" -j | jq -c '[.type, .bytes_key, .bytes_value]')" '["ringbuf",0,0]'
}

@test "a map declaring BPF_F_MMAPABLE is made with it" {
	load_pinned mapkinds
	assert_equal "$(bpftool map show pinned "$BPFFS/mapkinds/shared" -j | jq -r .flags)" 1024
}

@test "max_entries 0 without --map-size: the error names the map and the option, and nothing is made (exit 2)" {
	run -2 xdpload -v load "$TYPES/sizeless.o"
	assert_line --partial -- "xdpload: load: map flows (hash) has max_entries 0, which only the caller can choose: give it a size with --map-size flows=N (xdpl_map_set_max_entries())"
	refute_line --partial "created"
	refute_line --partial "BTF loaded"
	run -0 --separate-stderr xdpload load -j --map-size flows=64 "$TYPES/sizeless.o"
	assert_equal "$(echo "$output" | jq -c '.maps[] | select(.name == "flows") | .max_entries')" 64
	run -1 --separate-stderr xdpload load --map-size nope=4 "$TYPES/sizeless.o"
	assert_equal "$stderr" "xdpload: --map-size nope=4: $TYPES/sizeless.o has no map named nope"
	run -1 --separate-stderr xdpload load --map-size flows=0 "$TYPES/sizeless.o"
	assert_equal "$stderr" "xdpload: --map-size flows=0: expected a number of entries from 1 to 4294967295"
}

@test "an unknown section name is refused, naming it; libbpf refuses it too (exit 2)" {
	run -2 --separate-stderr xdpload load "$TYPES/unknown_section.o"
	assert_equal "$stderr" "xdpload: load: program misspelt: section kprobes/do_nanosleep names no program type xdpload knows (the section names libbpf documents, listed in the README)"
	run -0 --separate-stderr xdpload load --prog fine "$TYPES/unknown_section.o"
	assert_line --index 1 --regexp "^[0-9]+ +fine +xdp +xdpx_prog +[0-9a-f]{16}$"
	run ! bpftool prog loadall "$TYPES/unknown_section.o" "$BPFFS/libbpf_unknown"
}

@test "freplace and struct_ops are refused by name, before anything is made (exit 2)" {
	cat >"$BATS_TEST_TMPDIR/refused.c" <<-'EOF'
		#include <linux/bpf.h>
		#include <bpf/bpf_helpers.h>
		SEC("freplace/handler") int replace(void *ctx) { return 0; }
		SEC("struct_ops/ssthresh") int ssthresh(void *ctx) { return 0; }
		char _license[] SEC("license") = "GPL";
	EOF
	bpf_cc "$BATS_TEST_TMPDIR/refused"
	run -2 xdpload -v load --prog replace "$BATS_TEST_TMPDIR/refused.o"
	assert_line --partial -- "xdpload: load: program replace (section freplace/handler): freplace programs are not loaded by xdpload: their target is another loaded program, which an object file cannot name"
	refute_line --partial "BTF loaded"
	run -2 --separate-stderr xdpload load --prog ssthresh "$BATS_TEST_TMPDIR/refused.o"
	assert_equal "$stderr" "xdpload: load: program ssthresh (section struct_ops/ssthresh): struct_ops programs are not loaded by xdpload: they load with their .struct_ops map, registered with the kernel subsystem they implement"
}

@test "a tracing target the kernel lacks, and a section with no target, are refused naming them (exit 2)" {
	cat >"$BATS_TEST_TMPDIR/targets.c" <<-'EOF'
		#include <linux/bpf.h>
		#include <bpf/bpf_helpers.h>
		SEC("fentry/xdpl_no_such_function") int missing(void *ctx) { return 0; }
		SEC("tp_btf") int untargeted(void *ctx) { return 0; }
		SEC("fexit/xdpl_mod:some_function") int in_module(void *ctx) { return 0; }
		char _license[] SEC("license") = "GPL";
	EOF
	bpf_cc "$BATS_TEST_TMPDIR/targets"
	run -2 --separate-stderr xdpload load --prog missing "$BATS_TEST_TMPDIR/targets.o"
	assert_equal "$stderr" "xdpload: load: program missing (section fentry/xdpl_no_such_function): the kernel's BTF (/sys/kernel/btf/vmlinux) has no function xdpl_no_such_function (FUNC xdpl_no_such_function)"
	run -2 --separate-stderr xdpload load --prog untargeted "$BATS_TEST_TMPDIR/targets.o"
	assert_equal "$stderr" "xdpload: load: program untargeted (section tp_btf) names no attach target; write SEC(\"tp_btf/TARGET\") as libbpf does"
	run -2 --separate-stderr xdpload load --prog in_module "$BATS_TEST_TMPDIR/targets.o"
	assert_equal "$stderr" "xdpload: load: program in_module (section fexit/xdpl_mod:some_function): function some_function is in module xdpl_mod, and xdpload looks up attach targets in vmlinux only"
}

@test "trampolines on this kernel: xdpload and libbpf meet the same answer" {
	run bpftool prog loadall "$TYPES/tracing.o" "$BPFFS/libbpf_tracing"
	if [ "$status" -eq 0 ]; then
		run -0 xdpload load "$TYPES/tracing.o"
	else
		assert_output --partial "Operation not permitted"
		run -5 xdpload load "$TYPES/tracing.o"
		assert_line --index 0 "xdpload: load: program fentry_test1 (section fentry/bpf_fentry_test1, 27 instructions): BPF_PROG_LOAD failed: EPERM (Operation not permitted)"
	fi
}

@test "--pin-dir: made with its parents, every program and map pinned (dots as _), this run's pins taken back when one fails" {
	run -0 --separate-stderr xdpload load --pin-dir "$BPFFS/made/here" "$TYPES/tailcalls.o"
	assert_equal "$(ls "$BPFFS/made/here" | tr '\n' ' ')" "entry filter hits jumps stage1 stage2 "
	cat >"$BATS_TEST_TMPDIR/rodata.c" <<-'EOF'
		#include <linux/bpf.h>
		#include <bpf/bpf_helpers.h>
		const volatile int verdict = XDP_PASS;
		SEC("xdp") int pass(struct xdp_md *ctx) { return verdict; }
		char _license[] SEC("license") = "GPL";
	EOF
	bpf_cc "$BATS_TEST_TMPDIR/rodata"
	run -0 --separate-stderr xdpload load --pin-dir "$BPFFS/dots" "$BATS_TEST_TMPDIR/rodata.o"
	assert_equal "$(ls "$BPFFS/dots" | tr '\n' ' ')" "_rodata pass "
	# A pin in the way: the pins this run made go again, the one there stays (exit 5).
	mkdir "$BPFFS/busy"
	xdpload load --pin-dir "$BPFFS/busy" "$BATS_TEST_TMPDIR/rodata.o" >/dev/null
	rm "$BPFFS/busy/pass"
	local before id
	before=$(bpftool map show pinned "$BPFFS/busy/_rodata" -j | jq .id)
	run -5 xdpload -v load --pin-dir "$BPFFS/busy" "$BATS_TEST_TMPDIR/rodata.o"
	assert_line --partial -- "xdpload: load: cannot pin map .rodata at $BPFFS/busy/_rodata: something is pinned there already"
	assert_equal "$(ls "$BPFFS/busy" | tr '\n' ' ')" "_rodata "
	assert_equal "$(bpftool map show pinned "$BPFFS/busy/_rodata" -j | jq .id)" "$before"
	id=$(echo "$output" | sed -n 's/^xdpload: load: program pass is id \([0-9]*\)$/\1/p')
	assert [ -n "$id" ]
	prog_gone "$id"
}

@test "a program the kernel refuses: those loaded before it go too, and no pin is made (exit 3)" {
	cat >"$BATS_TEST_TMPDIR/second_bad.c" <<-'EOF'
		#include <linux/bpf.h>
		#include <bpf/bpf_helpers.h>
		struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, __u64); __uint(max_entries, 1); } seen SEC(".maps");
		SEC("socket") int fine(struct __sk_buff *skb) { return 0; }
		SEC("socket") int reads_past(struct __sk_buff *skb) { return *(volatile int *)((char *)skb + 4096); }
		char _license[] SEC("license") = "GPL";
	EOF
	bpf_cc "$BATS_TEST_TMPDIR/second_bad"
	run -3 xdpload -v load --pin-dir "$BPFFS/never" "$BATS_TEST_TMPDIR/second_bad.o"
	assert_line --regexp "^xdpload: load: program reads_past \(section socket, [0-9]+ instructions\): BPF_PROG_LOAD failed: EACCES \(Permission denied\)$"
	local id
	id=$(echo "$output" | sed -n 's/^xdpload: load: program fine is id \([0-9]*\)$/\1/p')
	assert [ -n "$id" ]
	prog_gone "$id"
	assert_not_exists "$BPFFS/never"
}

@test "load --prog: only those, '?' ones included; an unknown one lists the object's programs (exit 1)" {
	run -0 --separate-stderr xdpload load --prog raw_writable --prog tp_exit "$TYPES/tracepoints.o"
	assert_equal "$(echo "$output" | awk 'NR > 1 { print $2 }' | tr '\n' ' ')" "tp_exit raw_writable "
	run -1 --separate-stderr xdpload load --prog nope "$TYPES/iter.o"
	assert_equal "$stderr" "xdpload: $TYPES/iter.o has no program or section named nope; it has: dump_maps (iter/bpf_map)"
	run -1 xdpload test --prog a --prog b "$TYPES/iter.o"
	assert_line --index 0 "xdpload: test takes one --prog (load takes several)"
}

@test "attach, run and test take XDP programs and say so for the others (exit 2)" {
	run -2 --separate-stderr xdpload test --prog sock_filter "$TYPES/skb.o"
	assert_equal "$stderr" "xdpload: $TYPES/skb.o: program sock_filter (section socket) is a socket program, not XDP; this verb takes XDP programs (xdpload load takes any)"
}

@test "xdpload load and bpftool prog loadall over every test object: xdpload loads all libbpf loads" {
	run -0 "$ROOT/tests/loadall-compare.sh"
	assert_line --regexp "^tests/progs/types/skb.o +loads +loads$"
	assert_line --regexp "^tests/progs/xdp_elfmap.o +refused +loads$"
	assert_line --regexp "^libbpf loads [0-9]+ of [0-9]+ objects, xdpload [0-9]+; xdpload loads every object libbpf loads$"
}

@test "kernel probes and trampolines run on Debian 12's 6.1 kernel under qemu" {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
	command -v busybox >/dev/null || skip "busybox is not installed (Debian package busybox-static)"
	read -r vmlinuz veth < <("$ROOT/tests/initramfs/kernel.sh") ||
		skip "no 6.1 kernel: install linux-image-amd64, or run tests/initramfs/kernel.sh --fetch"
	run -0 "$ROOT/tests/initramfs/mkroot.sh" "$BATS_FILE_TMPDIR/initramfs" "$veth"
	run -0 "$ROOT/tests/initramfs/boot.sh" "$vmlinuz" "$BATS_FILE_TMPDIR/initramfs/initramfs.cpio" xdpload.checks=kprobe,trampoline
	assert_line "initramfs: on_kretsyscall: 3 runs"
	assert_line "initramfs: fentry_test1: 1 runs"
	assert_line "initramfs: fexit_test1: 1 runs"
	assert_line "initramfs: fmod_ret_test: 3 runs"
	assert_line "initramfs: lsm_file_open: 3 runs"
	assert_line "XDPLOAD-INITRAMFS: PASS kernel=${vmlinuz##*/vmlinuz-} checks=kprobe,trampoline"
}

@test "load leaves no fd or memory behind: tracing targets, maps of maps, tail calls, pins, refusals" {
	require_pkg valgrind
	[ -x "$ROOT/xdpload-dbg" ] || skip "make xdpload-dbg first"
	local log="$BATS_TEST_TMPDIR/vg.log" want args
	while read -r want args; do
		valgrind_args "$log"
		# shellcheck disable=SC2086 # args are words
		run "${VALGRIND[@]}" "$ROOT/xdpload-dbg" load $args
		assert_equal "$args: $status" "$args: $want"
		assert_equal "$args: $(valgrind_fds_left "$log")" "$args: "
	done <<-EOF
		0 --prog btf_enter --prog tp_exit $TYPES/tracepoints.o
		0 $TYPES/mapinmap.o
		0 --pin-dir $BPFFS/vg/tail $TYPES/tailcalls.o
		0 $TYPES/mapinmap_iproute2.o
		0 -j $TYPES/mapkinds.o
		2 $TYPES/sizeless.o
		2 $TYPES/unknown_section.o
		5 --pin-dir $BPFFS/vg/tail $TYPES/tailcalls.o
	EOF
}
