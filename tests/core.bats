#!/usr/bin/env bats
# CO-RE: objects written the libbpf way (tests/progs/core/), relocated by the
# kernel (5.17+: BPF_PROG_LOAD takes the records) or by xdpload (--btf FILE,
# or a kernel that cannot), against this kernel's BTF and against target BTFs
# of our own (tests/progs/core/btf/).  Every value is checked by running the
# program (BPF_PROG_TEST_RUN) and reading back the globals it wrote; both
# paths and libbpf (bpftool prog load) must give the kernel the same
# instructions.
load helpers

CORE="$ROOT/tests/progs/core"
T="$ROOT/tests/progs/core/btf"
VMLINUX=/sys/kernel/btf/vmlinux

setup_file() {
	require_root
	require_pkg bpftool
	require_pkg libbpf-dev
	require_pkg clang-16
	# make test builds them; build them here too when a file is run alone.
	make -s -C "$ROOT" core-progs >/dev/null
	bpffs_create
	netns_create core
	# What this kernel's BTF says, for the expected values.
	bpftool -j btf dump file "$VMLINUX" >"$BATS_FILE_TMPDIR/vmlinux.json"
}

teardown_file() {
	netns_destroy
	bpffs_destroy
}

setup() {
	require_root
	[ -f "$CORE/core_kinds.o" ] || fail "make core-progs did not build the CO-RE corpus"
}

# jq over this kernel's BTF: the STRUCT named $1, etc.
btf_q() { jq -r "$1" "$BATS_FILE_TMPDIR/vmlinux.json"; }
struct_q() { btf_q "[.types[] | select(.kind == \"STRUCT\" and .name == \"$1\")][0] | $2"; }

# 64 bytes of packet: the hex given, then zeros.
packet() { printf '%s%0*d' "$1" $((128 - ${#1})) 0; }

# Local layout (tests/progs/core/core_hdr.c): version 7, flags_lo 5,
# flags_hi 21, len 1280, id 0x11223344, arr[2] 0x01020304, kind 2, delta -3.
PKT_SAME="07ad0005443322110000000000000000040302010000000002000000fdff"
# btf/moved.c's layout: id, len (32 bits), pad, version, flags in 16 bits
# (lo 10, hi 43), delta, pad, arr[8] (arr[2] at 24), kind 7 at 48.
PKT_MOVED="4433221100050000""0007ba02fdff0000""0000000000000000""04030201""0000000000000000000000000000000000000000""07000000"

@test "every CO-RE kind against this kernel: the kernel relocates, and each value is the kernel's own" {
	run -0 --separate-stderr xdpload -v test -j "$CORE/core_kinds.o"
	assert_equal "$(grep -c 'the kernel applies them (it accepted a probe program with one), so vmlinux BTF is not read here' <<<"$stderr")" 1
	g=$(jq -c .globals <<<"$output")
	assert_equal "$(jq .off_pid <<<"$g")" "$(($(struct_q task_struct '.members[] | select(.name == "pid") | .bits_offset') / 8))"
	assert_equal "$(jq .size_comm <<<"$g")" 16
	assert_equal "$(jq -c '[.has_pid, .has_nope, .pid_signed]' <<<"$g")" "[1,0,1]"
	fclone_bits=$(struct_q sk_buff '.members[] | select(.name == "fclone") | .bits_offset')
	assert_equal "$(jq .fclone_off <<<"$g")" $((fclone_bits / 8))
	assert_equal "$(jq .fclone_size <<<"$g")" 1
	assert_equal "$(jq .fclone_lshift <<<"$g")" $((64 - (fclone_bits + 2 - fclone_bits / 8 * 8)))
	assert_equal "$(jq .fclone_rshift <<<"$g")" 62
	assert_equal "$(jq .local_id <<<"$g")" "$(bpftool -j btf dump file "$CORE/core_kinds.o" | jq '[.types[] | select(.kind == "STRUCT" and .name == "task_struct")][0].id')"
	assert_equal "$(jq .target_id <<<"$g")" "$(struct_q task_struct .id)"
	assert_equal "$(jq -c '[.task_exists, .nope_exists, .nope_size, .buff_matches]' <<<"$g")" "[1,0,0,1]"
	assert_equal "$(jq .task_size <<<"$g")" "$(struct_q task_struct .size)"
	assert_equal "$(jq -c '[.ringbuf_exists, .ringbuf_value, .nope_enum_exists]' <<<"$g")" "[1,27,0]"
	# enum64: PERF_CONTEXT_MAX is -4095 as a u64 (jq would round it).
	assert_equal "$(grep -o '"callchain_max":[0-9]*' <<<"$output")" '"callchain_max":18446744073709547521'
	# Kernel memory read through relocated offsets: the xdp_buff, and three pointers deep.
	assert_equal "$(jq .pkt_len <<<"$g")" 64
	assert_equal "$(jq .ifindex_core <<<"$g")" "$(jq .ifindex_ctx <<<"$g")"
	assert_equal "$(jq .ifindex_ctx <<<"$g")" 1
}

@test "--btf vmlinux: xdpload relocates in user space, and every value is the same as the kernel's" {
	run -0 xdpload test -j "$CORE/core_kinds.o"
	kernel=$(jq -c .globals <<<"$output")
	run -0 --separate-stderr xdpload -v test -j --btf "$VMLINUX" "$CORE/core_kinds.o"
	assert_equal "$(jq -c .globals <<<"$output")" "$kernel"
	assert_equal "$(grep -c "core: 28 CO-RE relocations: xdpload applies them, --btf $VMLINUX gives the target types" <<<"$stderr")" 1
	# -v prints every decision.
	assert_equal "$(grep -c '^xdpload: core: program core_kinds: relocation #[0-9]* at instruction' <<<"$stderr")" 28
	assert_equal "$(grep -c 'relocation #19 at instruction 83: enumval_value of enum bpf_map_type___mine::BPF_MAP_TYPE_RINGBUF___mine ("0") -> 27 (vmlinux type' <<<"$stderr")" 1
}

@test "the kernel's path never opens vmlinux BTF; the user-space path reads it once" {
	require_pkg strace
	run -0 strace -f -e trace=openat,open -o "$BATS_TEST_TMPDIR/k" "$XDPLOAD" test "$CORE/core_big.o"
	assert_equal "$(grep -c "$VMLINUX" "$BATS_TEST_TMPDIR/k")" 0
	run -0 strace -f -e trace=openat,open -o "$BATS_TEST_TMPDIR/u" "$XDPLOAD" test --btf "$VMLINUX" "$CORE/core_big.o"
	assert_equal "$(grep -c "\"$VMLINUX\"" "$BATS_TEST_TMPDIR/u")" 1
}

# The kernel's translated instructions of a pinned program, map ids left out.
xlated() { bpftool prog dump xlated pinned "$1" | sed -E 's/map\[id:[0-9]+\]/map[id:N]/g'; }

@test "kernel relocation, xdpload's and libbpf's give the kernel the same instructions, object by object" {
	for obj in core_kinds core_guarded core_big; do
		# bpffs names take no dots.
		run -0 xdpload_b attach --mode skb --pin "$BPFFS/${obj}_k" "$CORE/$obj.o" "$IF_B"
		run -0 xdpload_b detach "$IF_B"
		run -0 xdpload_b attach --mode skb --pin "$BPFFS/${obj}_u" --btf "$VMLINUX" "$CORE/$obj.o" "$IF_B"
		run -0 xdpload_b detach "$IF_B"
		run -0 bpftool prog load "$CORE/$obj.o" "$BPFFS/${obj}_l" type xdp
		for path in k u l; do
			xlated "$BPFFS/${obj}_$path" >"$BATS_TEST_TMPDIR/$obj.$path"
			rm "$BPFFS/${obj}_$path"
		done
		[ -s "$BATS_TEST_TMPDIR/$obj.k" ] || fail "$obj: no xlated instructions"
		run -0 diff "$BATS_TEST_TMPDIR/$obj.k" "$BATS_TEST_TMPDIR/$obj.u"
		run -0 diff "$BATS_TEST_TMPDIR/$obj.k" "$BATS_TEST_TMPDIR/$obj.l"
	done
}

@test "a missing field behind bpf_core_field_exists is dead code: the program loads, on both paths" {
	run -0 xdpload test -j "$CORE/core_guarded.o"
	assert_equal "$(jq -c '[.globals.exists, .globals.seen]' <<<"$output")" "[0,42]"
	run -0 xdpload test -j --btf "$VMLINUX" "$CORE/core_guarded.o"
	assert_equal "$(jq -c '[.globals.exists, .globals.seen]' <<<"$output")" "[0,42]"
}

@test "a missing field read unguarded: the verifier reaches the poisoned call, and the log names the relocation (exit 3)" {
	run -3 --separate-stderr xdpload test "$CORE/core_reached.o"
	assert_equal "$(grep -c '^xdpload: load: program reached (section xdp, [0-9]* instructions): BPF_PROG_LOAD failed: EINVAL' <<<"$stderr")" 1
	assert_equal "$(grep -c '^[0-9]*: (85) call unknown#195896080$' <<<"$stderr")" 1
	assert_equal "$(grep -c '^; instruction [0-9]* is CO-RE relocation #0, byte_off of struct xdp_buff___future.no_such_field ("0:1") (which the kernel could not resolve)$' <<<"$stderr")" 1
	assert_equal "$(grep -c '^xdpload: the verifier reached instruction [0-9]*, which CO-RE relocation #0 poisoned: byte_off of struct xdp_buff___future.no_such_field' <<<"$stderr")" 1
	# Relocated here, the reason is ours to give.
	run -3 --separate-stderr xdpload test --btf "$VMLINUX" "$CORE/core_reached.o"
	assert_equal "$(grep -c '^; instruction [0-9]* is CO-RE relocation #0, byte_off of struct xdp_buff___future.no_such_field ("0:1"): poisoned: vmlinux: struct xdp_buff has no field no_such_field of a compatible type$' <<<"$stderr")" 1
}

@test "no vmlinux BTF and no --btf: the user-space path says what to give it (exit 5); --btf then loads" {
	require_pkg util-linux
	run -5 --separate-stderr unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf && exec '$XDPLOAD' -v test '$CORE/core_kinds.o'"
	assert_equal "$(grep -c "core: 28 CO-RE relocations: xdpload applies them, there is no $VMLINUX: the kernel has no BTF of its own to relocate against" <<<"$stderr")" 1
	assert_equal "$(tail -n 1 <<<"$stderr")" "xdpload: core: program core_kinds has 28 CO-RE relocations and no types to relocate them against: this kernel has no $VMLINUX (CONFIG_DEBUG_INFO_BTF); give --btf FILE, its BTF from BTFHub or from \`bpftool gen min_core_btf\`"
	cp "$VMLINUX" "$BATS_TEST_TMPDIR/vmlinux.btf"
	run -0 unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf && exec '$XDPLOAD' test -j --btf '$BATS_TEST_TMPDIR/vmlinux.btf' '$CORE/core_kinds.o'"
	assert_equal "$(jq .globals.ringbuf_value <<<"$output")" 27
}

@test "inspect --core shows every relocation and its decision without loading; -j too" {
	run -0 xdpload inspect --core --btf "$T/moved.o" "$CORE/core_hdr.o"
	assert_line --regexp '^  hdr_read +6  byte_off +0:0 +struct hdr\.version +9 \(was 0; moved\.o type 1\)$'
	assert_line --regexp '^  hdr_read +55  lshift_u64 +0:2 +struct hdr\.flags_hi +54 \(was 56; moved\.o type 1\)$'
	assert_line --regexp '^  hdr_read +76  byte_off +0:5:2 +struct hdr\.arr\[2\] +24 \(was 16; moved\.o type 1\)$'
	assert_line --regexp '^  hdr_read +108  enumval_value +1 +enum hdr_big::BIG_TWO +30064771072 \(was 8589934592; moved\.o type 17\)$'
	assert_line "34 CO-RE relocations against $T/moved.o: 0 poisoned, 0 unresolvable"
	run -0 xdpload inspect --core -j --btf "$T/missing.o" "$CORE/core_hdr.o"
	assert_equal "$(jq -c '[.poisoned, .errors, (.relocations | length)]' <<<"$output")" "[6,0,34]"
	assert_equal "$(jq -c '.relocations[] | select(.program == "hdr_guarded" and .kind == "field_exists") | [.insn, .access, .spec, .value, .poisoned]' <<<"$output")" '[10,"0:7","struct hdr.delta",0,false]'
	assert_equal "$(jq -r '.relocations[] | select(.program == "hdr_read" and .spec == "struct hdr.delta") | .reason' <<<"$output")" "missing.o: struct hdr has no field delta of a compatible type"
	run -0 xdpload inspect --core "$ROOT/tests/progs/globals.o"
	assert_output "$ROOT/tests/progs/globals.o: no CO-RE relocations"
}

@test "--btf: a target whose fields all moved, widened and renumbered; the packet is read as the target lays it out" {
	run -0 xdpload test -j --btf "$T/moved.o" --prog hdr_read --packet "$(packet "$PKT_MOVED")" "$CORE/core_hdr.o"
	assert_equal "$(jq -r .result <<<"$output")" XDP_PASS
	assert_equal "$(jq -c '.globals | [.v_version, .v_flags_lo, .v_flags_hi, .v_len, .v_id, .v_arr2, .v_kind, .v_delta]' <<<"$output")" "[7,10,43,1280,287454020,16909060,7,-3]"
	assert_equal "$(jq -c '.globals | [.off_id, .size_len, .size_hdr, .kind_b, .big_two, .flags_hi_signed]' <<<"$output")" "[0,4,52,7,30064771072,0]"
}

@test "--btf takes a raw BTF blob and an ELF file holding .BTF alike" {
	run -0 xdpload test -j --btf "$T/same.btf" --prog hdr_read --packet "$(packet "$PKT_SAME")" "$CORE/core_hdr.o"
	raw=$(jq -c .globals <<<"$output")
	assert_equal "$(jq -c '[.v_version, .v_flags_lo, .v_flags_hi, .v_len, .v_id, .v_arr2, .v_kind, .v_delta, .size_hdr, .kind_b, .big_two]' <<<"$raw")" "[7,5,21,1280,287454020,16909060,2,-3,32,2,8589934592]"
	run -0 xdpload test -j --btf "$T/same.o" --prog hdr_read --packet "$(packet "$PKT_SAME")" "$CORE/core_hdr.o"
	assert_equal "$(jq -c .globals <<<"$output")" "$raw"
}

@test "--btf: missing field, type and enumerators guarded: the program loads and sees zeros" {
	run -0 xdpload test -j --btf "$T/missing.o" --prog hdr_guarded --packet "$(packet "$PKT_SAME")" "$CORE/core_hdr.o"
	assert_equal "$(jq -c '.globals | [.v_id, .has_delta, .v_delta, .has_opt, .has_kind_b, .kind_b, .has_big_two, .big_two]' <<<"$output")" "[287454020,0,0,0,0,0,0,0]"
	run -0 xdpload test -j --btf "$T/same.o" --prog hdr_guarded --packet "$(packet "$PKT_SAME")" "$CORE/core_hdr.o"
	assert_equal "$(jq -c '.globals | [.v_id, .has_delta, .v_delta, .has_opt, .has_kind_b, .kind_b, .has_big_two, .big_two]' <<<"$output")" "[287454020,1,-3,1,1,2,1,8589934592]"
}

@test "--btf: type ids and type matches: the same layout matches, another or a smaller one does not" {
	local_id=$(bpftool -j btf dump file "$CORE/core_hdr.o" | jq '[.types[] | select(.kind == "STRUCT" and .name == "hdr")][0].id')
	for target in same:1 moved:0 missing:0; do
		run -0 xdpload test -j --btf "$T/${target%:*}.o" --prog hdr_guarded --packet "$(packet "$PKT_SAME")" "$CORE/core_hdr.o"
		target_id=$(bpftool -j btf dump file "$T/${target%:*}.o" | jq '[.types[] | select(.kind == "STRUCT" and .name == "hdr")][0].id')
		assert_equal "$(jq -c '.globals | [.hdr_local_id, .hdr_target_id, .hdr_matches]' <<<"$output")" "[$local_id,$target_id,${target#*:}]"
	done
}

@test "--btf: a missing field read unguarded fails at its instruction, named in the log (exit 3)" {
	run -3 --separate-stderr xdpload test --btf "$T/missing.o" --prog hdr_read "$CORE/core_hdr.o"
	assert_equal "$(grep -c '^86: (85) call unknown#195896080$' <<<"$stderr")" 1
	assert_equal "$(grep -c '^; instruction 86 is CO-RE relocation #18, byte_off of struct hdr.delta ("0:7"): poisoned: missing.o: struct hdr has no field delta of a compatible type$' <<<"$stderr")" 1
	assert_equal "$(grep -c '^xdpload: the verifier reached instruction 86, which CO-RE relocation #18 poisoned: byte_off of struct hdr.delta' <<<"$stderr")" 1
}

@test "--btf: ambiguous candidates are an error naming both (exit 2)" {
	run -2 --separate-stderr xdpload test --btf "$T/ambiguous.o" --prog hdr_read "$CORE/core_hdr.o"
	assert_equal "$stderr" "xdpload: core: program hdr_read: relocation #14 at instruction 71 (byte_off of struct hdr.id): ambiguous: ambiguous.o candidates struct hdr___v1 (type 1) gives 0 and struct hdr___v2 (type 5) gives 8"
}

@test "--btf: an array index past the target's array poisons the access" {
	run -0 xdpload inspect --core -j --btf "$T/small_array.o" "$CORE/core_hdr.o"
	assert_equal "$(jq -r '.relocations[] | select(.spec == "struct hdr.arr[2]") | [.poisoned, .reason] | @tsv' <<<"$output")" "$(printf 'true\tsmall_array.o: index 2 is past the 2 elements of arr in the target')"
	run -3 --separate-stderr xdpload test --btf "$T/small_array.o" --prog hdr_read "$CORE/core_hdr.o"
	assert_equal "$(grep -c '^; instruction 76 is CO-RE relocation #16, byte_off of struct hdr.arr\[2\] ("0:5:2"): poisoned: small_array.o: index 2 is past the 2 elements of arr in the target$' <<<"$stderr")" 1
}

@test "--btf: a bitfield no 8-byte load can hold is an error (exit 2)" {
	run -2 --separate-stderr xdpload test --btf "$T/bitfield_big.o" --prog hdr_read "$CORE/core_hdr.o"
	assert_equal "$stderr" "xdpload: core: program hdr_read: relocation #7 at instruction 37 (byte_off of struct hdr.flags_hi) against bitfield_big.o type 1: the 10-bit field at bit 60 cannot be read with one 8-byte load"
}

@test "--btf: a signed field that changed size poisons its load; a plain field turned bitfield too" {
	run -0 xdpload inspect --core -j --btf "$T/signed_resize.o" "$CORE/core_hdr.o"
	assert_equal "$(jq -r '.relocations[] | select(.program == "hdr_read" and .spec == "struct hdr.delta") | .reason' <<<"$output")" "the field is 4 bytes in the target, 2 here, and only unsigned integers and pointers can be read at another size"
	run -2 xdpload inspect --core -j --btf "$T/bitfield_big.o" "$CORE/core_hdr.o"
	assert_equal "$(jq -r '.relocations[] | select(.spec == "struct hdr.version") | .reason' <<<"$output")" "the field is a bitfield in the target, which this 1-byte access cannot read"
}

@test "--btf: files that are no BTF are refused, naming the file and the rule (exit 2)" {
	printf 'hello' >"$BATS_TEST_TMPDIR/junk"
	run -2 --separate-stderr xdpload test --btf "$BATS_TEST_TMPDIR/junk" "$CORE/core_kinds.o"
	assert_equal "$stderr" "xdpload: core: --btf $BATS_TEST_TMPDIR/junk is neither BTF (magic 0xeb9f) nor an ELF file"
	run -2 --separate-stderr xdpload test --btf "$XDPLOAD" "$CORE/core_kinds.o"
	assert_equal "$stderr" "xdpload: core: --btf $XDPLOAD: the ELF file has no .BTF section (build with clang -g, or give a raw BTF file)"
	head -c 100 "$T/same.btf" >"$BATS_TEST_TMPDIR/cut.btf"
	run -2 --separate-stderr xdpload test --btf "$BATS_TEST_TMPDIR/cut.btf" "$CORE/core_kinds.o"
	assert_equal "$(grep -c "^xdpload: core: target BTF $BATS_TEST_TMPDIR/cut.btf: btf: " <<<"$stderr")" 1
	run -5 --separate-stderr xdpload test --btf "$BATS_TEST_TMPDIR/none" "$CORE/core_kinds.o"
	assert_equal "$stderr" "xdpload: core: cannot open the target BTF $BATS_TEST_TMPDIR/none: ENOENT (No such file or directory)"
}

@test "a type only a module has: found in the module's split BTF, whose ids continue vmlinux's" {
	require_pkg python3
	require_pkg util-linux
	id=$(python3 "$ROOT/tests/mksplitbtf.py" "$VMLINUX" "$BATS_TEST_TMPDIR/xdplmod")
	cp "$VMLINUX" "$BATS_TEST_TMPDIR/vmlinux"
	# This kernel's /sys/kernel/btf, with one more module, in a mount namespace of our own.
	with_module() {
		unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf &&
			cp '$BATS_TEST_TMPDIR/vmlinux' '$BATS_TEST_TMPDIR/xdplmod' /sys/kernel/btf/ && exec \"\$@\"" sh "$@"
	}
	run -0 with_module "$XDPLOAD" inspect --core "$CORE/core_module.o"
	assert_line --regexp "^  core_module +0  byte_off +0:1 +struct xdpl_mod_thing\.b +8 \(was 4; xdplmod type $id\)$"
	assert_line --regexp "^  core_module +8  target_type_id +0 +struct xdpl_mod_thing +$id \(was [0-9]+; xdplmod type $id\)$"
	# Relocated here (the object's BTF rewritten as for an older kernel keeps the kernel out of it).
	run -0 --separate-stderr with_module env XDPLOAD_BTF_LACKS=func "$XDPLOAD" -v test -j "$CORE/core_module.o"
	assert_equal "$(jq -c '.globals | [.off_b, .size_thing, .thing_id]' <<<"$output")" "[8,12,$id]"
	assert_equal "$(grep -c '^xdpload: core: the split BTF of 1 module read$' <<<"$stderr")" 1
}

@test "bench/core.sh QUICK=1: a row of numbers per object and loader, nothing left behind" {
	QUICK=1 run -0 --separate-stderr "$ROOT/bench/core.sh"
	n='[0-9]+\.[0-9]{2}'
	for loader in "xdpload, kernel relocates" "xdpload, relocated in user space" "libbpf \(bpftool prog load\)"; do
		assert_equal "$(grep -cE "^\| core_[a-z]+\.o \| [0-9]+ \| $loader \| $n \| ${n}x \| [0-9]+ \| [0-9]+ \|$" <<<"$output")" 3
	done
	assert_line --regexp '^\| core_big\.o \| 546 \| '
	run ls /sys/fs/bpf
	refute_output --partial "xdplc"
}

# Under valgrind (the unoptimised build): no leak, no fd left open at exit.
# usage: core_clean_exit EXPECTED_STATUS ARGS...
core_clean_exit() {
	local want="$1" log="$BATS_TEST_TMPDIR/vg.log"
	shift
	run valgrind -q --track-fds=yes --leak-check=full --suppressions="$ROOT/tests/valgrind.supp" \
		--errors-for-leak-kinds=definite --error-exitcode=99 --log-file="$log" "$ROOT/xdpload-dbg" "$@"
	if [ "$status" -ne "$want" ] ||
		grep -A1 "Open file descriptor" "$log" | grep -v -e "Open file descriptor" -e "inherited from parent" -e "^--$" | grep -q .; then
		echo "xdpload $* exited $status (wanted $want):"
		head -60 "$log"
		return 1
	fi
}

@test "no fd or memory left behind by either path, on success and on each failure" {
	require_pkg valgrind
	[ -x "$ROOT/xdpload-dbg" ] || fail "make xdpload-dbg first (make test builds it)"
	core_clean_exit 0 test "$CORE/core_kinds.o"
	core_clean_exit 0 test --btf "$VMLINUX" "$CORE/core_guarded.o"
	core_clean_exit 0 test --btf "$T/moved.btf" --prog hdr_read "$CORE/core_hdr.o"
	core_clean_exit 3 test "$CORE/core_reached.o"
	core_clean_exit 3 test --btf "$T/missing.o" --prog hdr_read "$CORE/core_hdr.o"
	core_clean_exit 2 test --btf "$T/ambiguous.o" --prog hdr_read "$CORE/core_hdr.o"
	core_clean_exit 2 inspect --core --btf "$T/bitfield_big.o" "$CORE/core_hdr.o"
	core_clean_exit 5 test --btf "$BATS_TEST_TMPDIR/none" "$CORE/core_kinds.o"
}
