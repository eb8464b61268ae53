#!/usr/bin/env bats
# Objects written the libbpf way: BTF, BTF-defined maps, global data, --set,
# bpf-to-bpf calls, pinning, BTF rewritten for older kernels, verifier logs
# with source lines.  Each proven by running the program (BPF_PROG_TEST_RUN)
# and reading back what it changed.
load helpers
load elf_patch

setup_file() {
	require_root
	bpffs_create
}

teardown_file() {
	bpffs_destroy
}

setup() {
	require_root
}

# Tests that need the wire make their own pair: gone however they end.
teardown() {
	[ -z "${NS_A:-}" ] || netns_destroy
}

@test "test: a .bss counter increments on every run, .data keeps its initial value" {
	run -0 --separate-stderr xdpload test --repeat 3 "$PROGS/globals.o"
	assert_line --index 0 --regexp "^program   xdp_globals \(id [0-9]+\)$"
	assert_line --index 1 "result    XDP_PASS (2)"
	assert_line --index 2 --regexp "^duration  [0-9]+ ns per run \(3 runs\)$"
	assert_line --index 3 "packet    64 bytes in, 64 bytes out, unchanged"
	assert_line --regexp "^  \.bss +runs +__u64 +3$"
	assert_line --regexp "^  \.data +magic +__u32 +4276993775$"
	assert_line --regexp "^  \.data\.stats +udp_seen +__u32 +3$"
}

@test "--set changes a const volatile before load, and so the verdict" {
	run -0 xdpload test -j "$PROGS/globals.o"
	assert_equal "$(echo "$output" | jq -r .result)" XDP_PASS
	run -0 xdpload test -j --set drop_port=53 "$PROGS/globals.o"
	assert_equal "$(echo "$output" | jq -r .result)" XDP_DROP
	assert_equal "$(echo "$output" | jq -c .globals.drop_port)" 53
	run -0 xdpload test -j --set drop_port=54 "$PROGS/globals.o"
	assert_equal "$(echo "$output" | jq -r .result)" XDP_PASS
}

@test "--set takes enums by name, bools, negative numbers, strings and 64-bit values" {
	run -0 xdpload test -j --set mode=MODE_DROP "$PROGS/globals.o"
	assert_equal "$(echo "$output" | jq -r '.result + " " + .globals.mode')" "XDP_DROP MODE_DROP"
	run -0 xdpload test -j --set mode=MODE_DROP --set enabled=false "$PROGS/globals.o"
	assert_equal "$(echo "$output" | jq -r .result)" XDP_PASS
	assert_equal "$(test_global "$PROGS/globals.o" level --set level=-128)" -128
	assert_equal "$(test_global "$PROGS/globals.o" label --set label=hello)" '"hello"'
	run -0 xdpload test --set big=0xffffffffffffffff "$PROGS/globals.o" # jq would round it
	assert_line --regexp "^  \.rodata +big +const __u64 +18446744073709551615$"
	run -0 xdpload inspect --set drop_port=0x35 "$PROGS/globals.o"
	assert_line --regexp "^  \.rodata +drop_port +const __u16 +53$"
}

@test "--set refuses unknown names, wrong types and out-of-range values (exit 1)" {
	run -1 --separate-stderr xdpload test --set nope=1 "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set nope: no global variable nope in the object's data sections"
	run -1 --separate-stderr xdpload test --set drop_port=65536 "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set drop_port=65536: out of range for a unsigned 2-byte integer"
	run -1 --separate-stderr xdpload test --set level=128 "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set level=128: out of range for a signed 1-byte integer"
	run -1 --separate-stderr xdpload test --set drop_port=-1 "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set drop_port=-1: out of range for a unsigned 2-byte integer"
	run -1 --separate-stderr xdpload test --set drop_port=http "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set drop_port=http: not a number"
	run -1 --separate-stderr xdpload test --set enabled=maybe "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set enabled=maybe: a bool takes true, false, 1 or 0"
	run -1 --separate-stderr xdpload test --set label=toolongforit "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set label=toolongforit: 12 characters do not fit in char[8] with its NUL"
	run -1 --separate-stderr xdpload test --set drop_port "$PROGS/globals.o"
	assert_equal "$stderr" "xdpload: --set drop_port: expected NAME=VALUE"
	run -1 --separate-stderr xdpload test --set x=1 "$PROGS/xdp_drop.o"
	assert_equal "$stderr" "xdpload: --set x: no global variable x in the object's data sections"
}

@test "attach --set on the wire: .rodata is frozen and read-only, the verdict follows it" {
	netns_create bt
	run -0 xdpload_b attach --set mode=MODE_DROP "$PROGS/globals.o" "$IF_B"
	run ping_b
	assert_failure
	rodata=$(bpftool prog show id "$(xdp_id_b)" -j | jq -r '.map_ids[]' | while read -r id; do
		bpftool map show id "$id" -j | jq -r 'select(.name == ".rodata") | .id'
	done)
	[ -n "$rodata" ]
	run bpftool map show id "$rodata"
	assert_output --partial "frozen"
	# BPF_F_RDONLY_PROG, and BPF_F_MMAPABLE, which this kernel (5.5 and later) takes.
	assert_output --partial "flags 0x480"
	run -0 xdpload_b detach "$IF_B"
	run ping_b
	assert_success
}

@test "bpf-to-bpf calls: a global function calling a static one, both linked" {
	run -0 --separate-stderr xdpload test -v "$PROGS/calls.o"
	assert_line --regexp "^  \.bss +result +__u32 +42$"
	[[ "$stderr" == *"function times_two_plus_two (.text) linked at instruction"* ]]
	[[ "$stderr" == *"function add_one (.text) linked at instruction"* ]]
	[[ "$stderr" == *"loaded, fd "*"with BTF)"* ]]
	run -0 xdpload inspect "$PROGS/calls.o"
	assert_line "subprograms"
	assert_line "  add_one (.text) times_two_plus_two (.text)"
}

@test "line info that does not start a subprogram: the program loads without it" {
	obj="$BATS_TEST_TMPDIR/lines.o"
	cp "$PROGS/calls.o" "$obj"
	ext=$(sec_offset "$obj" "$(sec_index "$obj" .BTF.ext)")
	btf=$(sec_offset "$obj" "$(sec_index "$obj" .BTF)")
	strs=$((btf + $(le_get "$obj" $((btf + 4)) 4) + $(le_get "$obj" $((btf + 16)) 4)))
	# .BTF.ext line_info: record size, then per section: name offset, count, records.
	at=$((ext + $(le_get "$obj" $((ext + 4)) 4) + $(le_get "$obj" $((ext + 16)) 4)))
	end=$((at + $(le_get "$obj" $((ext + 20)) 4)))
	size=$(le_get "$obj" "$at" 4)
	at=$((at + 4))
	while [ "$at" -lt "$end" ]; do
		name=$(dd if="$obj" bs=1 skip=$((strs + $(le_get "$obj" "$at" 4))) count=5 status=none)
		count=$(le_get "$obj" $((at + 4)) 4)
		if [ "$name" = ".text" ]; then
			le_put "$obj" $((at + 8)) 4 8 # the first record now points one instruction in
			break
		fi
		at=$((at + 8 + count * size))
	done
	[ "$name" = ".text" ]
	run -0 --separate-stderr xdpload test -v "$obj"
	assert_line --regexp "^  \.bss +result +__u32 +42$"
	[[ "$stderr" == *"BTF line_info does not start every function; loading without it"* ]]
}

@test "test: a devmap program loads, and xdpload says why it cannot be test-run (exit 2)" {
	run -2 --separate-stderr xdpload test --prog xdp_in_devmap "$PROGS/xdp_multi.o"
	assert_equal "$stderr" "xdpload: test: xdp_in_devmap (section xdp/devmap) loads, but the kernel cannot test-run programs for devmap entries"
}

@test "BTF-defined maps: inspect shows their definitions and BTF key and value types" {
	run -0 xdpload inspect "$PROGS/btf_maps.o"
	assert_line --regexp "^  counter +array +4 +8 +1  0x0 +\.maps +by name$"
	assert_line "    key __u32, value __u64"
	assert_line --regexp "^  lengths +hash +4 +8 +64  0x1 +\.maps +none$"
}

@test "pinning by name: a pinned map keeps its value across two loads" {
	dir="$BPFFS/keep"
	run -0 xdpload test --pin-maps "$dir" "$PROGS/btf_maps.o"
	run -0 xdpload test --pin-maps "$dir" "$PROGS/btf_maps.o"
	assert_file_exists "$dir/counter"
	assert_file_not_exists "$dir/lengths"
	run -0 --separate-stderr xdpload map dump "$dir/counter"
	assert_output "key: 00 00 00 00 (0)  value: 02 00 00 00 00 00 00 00 (2)"
	run -0 xdpload map dump -j "$dir/counter"
	assert_equal "$(echo "$output" | jq -c '[.[] | [.key_u, .values[0].u]]')" "[[0,2]]"
}

@test "map dump: every entry of a hash map, and a per-CPU map's value on each possible CPU" {
	local dir="$BPFFS/dump" cpus c want
	mkdir "$dir"
	bpftool map create "$dir/hash" type hash key 4 value 8 entries 8 name dump_hash
	bpftool map update pinned "$dir/hash" key 1 0 0 0 value 0x2a 0 0 0 0 0 0 0
	bpftool map update pinned "$dir/hash" key 2 0 0 0 value 0 1 0 0 0 0 0 0
	run -0 --separate-stderr xdpload map dump "$dir/hash"
	# A hash map's order is the kernel's: sorted here.
	assert_equal "$(sort <<<"$output")" "key: 01 00 00 00 (1)  value: 2a 00 00 00 00 00 00 00 (42)
key: 02 00 00 00 (2)  value: 00 01 00 00 00 00 00 00 (256)"
	run -0 xdpload map dump -j "$dir/hash"
	assert_equal "$(jq -c 'sort_by(.key_u) | [.[] | [.key_u, .values[0].u]]' <<<"$output")" '[[1,42],[2,256]]'
	# Per-CPU maps: one value per possible CPU (bpftool writes the same to each).
	cpus=$(awk -F, '{ for (i = 1; i <= NF; i++) { n = split($i, r, "-"); c += n == 2 ? r[2] - r[1] + 1 : 1 } } END { print c }' \
		/sys/devices/system/cpu/possible)
	bpftool map create "$dir/percpu" type percpu_array key 4 value 4 entries 2 name dump_pcpu
	bpftool map update pinned "$dir/percpu" key 1 0 0 0 value 7 0 0 0
	want=""
	for key in 0 1; do
		want+="key: 0$key 00 00 00 ($key)"
		if [ "$cpus" -eq 1 ]; then
			want+="  value: 0$((key * 7)) 00 00 00 ($((key * 7)))"$'\n'
		else
			want+=$'\n'
			for ((c = 0; c < cpus; c++)); do
				want+="  cpu $c: 0$((key * 7)) 00 00 00 ($((key * 7)))"$'\n'
			done
		fi
	done
	run -0 --separate-stderr xdpload map dump "$dir/percpu"
	assert_equal "$output" "${want%$'\n'}"
	bpftool map create "$dir/percpu_hash" type percpu_hash key 4 value 8 entries 4 name dump_phash
	bpftool map update pinned "$dir/percpu_hash" key 5 0 0 0 value 9 0 0 0 0 0 0 0
	run -0 xdpload map dump -j "$dir/percpu_hash"
	assert_equal "$(jq -c '[.[] | [.key_u, (.values | length), ([.values[].u] | unique)]]' <<<"$output")" "[[5,$cpus,[9]]]"
}

@test "test --packet FILE: the file's bytes are the packet" {
	# The default packet is UDP to port 53; the file's goes to port 54, in 60 bytes.
	hex=$(xdpload test -j "$ROOT/bench/xdp_pass.o" | jq -r .data_out)
	hex="${hex:0:72}0036${hex:76:44}"
	printf "$(sed 's/../\\x&/g' <<<"$hex")" >"$BATS_TEST_TMPDIR/to54"
	assert_file_size_equals "$BATS_TEST_TMPDIR/to54" 60
	run -0 xdpload test --set drop_port=53 "$PROGS/globals.o"
	assert_line --index 1 "result    XDP_DROP (1)"
	run -0 xdpload test --set drop_port=53 --packet "$BATS_TEST_TMPDIR/to54" "$PROGS/globals.o"
	assert_line --index 1 "result    XDP_PASS (2)"
	assert_line --index 3 "packet    60 bytes in, 60 bytes out, unchanged"
	run -0 xdpload test --set drop_port=54 --packet "$BATS_TEST_TMPDIR/to54" "$PROGS/globals.o"
	assert_line --index 1 "result    XDP_DROP (1)"
	assert_line --regexp "^  \.data\.stats +udp_seen +__u32 +1$"
}

@test "pinning by name: an incompatible pinned map is refused, naming each difference (exit 5)" {
	dir="$BPFFS/clash"
	run -0 xdpload test --pin-maps "$dir" "$PROGS/btf_maps.o"
	run -5 --separate-stderr xdpload test --pin-maps "$dir" "$PROGS/btf_maps_other.o"
	assert_equal "$stderr" "xdpload: load: map counter: the map pinned at $dir/counter does not match the object: value size 8 (pinned) != 4 (object), max entries 1 (pinned) != 4 (object); remove the pin to start afresh"
	run -0 xdpload map dump "$dir/counter"
	assert_output --partial "(1)"
}

@test "pinning: a failed load removes the pins it made" {
	require_pkg strace # to see the pin made before the verifier refused the program
	dir="$BPFFS/failed"
	log="$BATS_TEST_TMPDIR/strace"
	run -3 --separate-stderr strace -o "$log" -e trace=bpf,unlink,rmdir,mkdir \
		"$XDPLOAD" test --pin-maps "$dir" "$PROGS/pinned_unsafe.o"
	[[ "$stderr" == *"BPF_PROG_LOAD failed: EACCES"* ]]
	# The directory and the pin were made, the program refused (quietly, then
	# again for the verifier's log), then both removed.
	run -0 grep -E -e '^mkdir\(' -e 'BPF_OBJ_PIN|BPF_PROG_LOAD' -e '^(unlink|rmdir)\(' "$log"
	assert_equal "$(sed -E 's/^(mkdir|unlink|rmdir)\("([^"]*)".* = (-?[0-9]+).*/\1 \2 \3/; s/^bpf\((BPF_[A-Z_]+), .*pathname="([^"]*)".* = (-?[0-9]+).*/\1 \2 \3/; s/^bpf\((BPF_PROG_LOAD), .* = (-?[0-9]+) .*/\1 \2/' <<<"$output")" \
		"mkdir $dir 0
BPF_OBJ_PIN $dir/leftover 0
BPF_PROG_LOAD -1
BPF_PROG_LOAD -1
unlink $dir/leftover 0
rmdir $dir 0"
	assert_not_exists "$dir"
}

@test "pinning: a --pin-maps directory off bpffs is an environment error (exit 5)" {
	run -5 --separate-stderr xdpload test --pin-maps "$BATS_TEST_TMPDIR/pins" "$PROGS/btf_maps.o"
	assert_equal "$stderr" "xdpload: load: $BATS_TEST_TMPDIR/pins is not on a bpf filesystem; mount one with \`mount -t bpf bpf /sys/fs/bpf\` or choose another --pin-maps"
}

@test "attach --pin pins the program; detach --unpin removes it and its pinned maps" {
	netns_create bp
	dir="$BPFFS/attached"
	run -0 xdpload_b attach --pin-maps "$dir" --pin "$dir/prog" "$PROGS/btf_maps.o" "$IF_B"
	assert_line "pinned xdp_btf_maps at $dir/prog"
	assert_file_exists "$dir/prog"
	assert_file_exists "$dir/counter"
	run bpftool prog show pinned "$dir/prog"
	assert_output --partial "name xdp_btf_maps"
	run -0 xdpload_b detach --unpin --pin-maps "$dir" "$IF_B"
	assert_line --index 0 --regexp "^detached xdp_btf_maps \(id [0-9]+\) from $IF_B \(native mode\)$"
	assert_line "unpinned $dir/counter"
	assert_line "unpinned $dir/prog"
	assert_file_not_exists "$dir/prog"
	assert_file_not_exists "$dir/counter"
}

@test "detach without --unpin leaves pinned maps, still holding their values" {
	netns_create br
	netns_quiet
	dir="$BPFFS/stays"
	run -0 xdpload_b attach --pin-maps "$dir" "$PROGS/btf_maps.o" "$IF_B"
	run ping_b 2
	assert_success
	run -0 xdpload_b detach "$IF_B"
	refute_output --partial "unpinned"
	assert_file_exists "$dir/counter"
	# The wire is quiet: the counter holds the two echo requests, no more.
	run -0 xdpload map dump -j "$dir/counter"
	assert_equal "$(echo "$output" | jq '.[0].values[0].u')" 2
}

@test "detach --unpin keeps the pins when the detach itself is refused" {
	netns_create bq
	dir="$BPFFS/held"
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" run --duration 10 --pin-maps "$dir" "$PROGS/btf_maps.o" "$IF_B" >/dev/null 3>&- &
	pid=$!
	wait_until 5 xdp_attached_b
	run -4 --separate-stderr xdpload_b detach --unpin --pin-maps "$dir" "$IF_B"
	[[ "$stderr" == *"Can't replace active BPF XDP link"* ]]
	refute_output --partial "unpinned"
	assert_file_exists "$dir/counter"
	kill -INT "$pid"
	wait_exit "$pid" 10
}

@test "BTF rewritten for older kernels still loads: each missing kind, and all" {
	for lacks in func datasec global_func float decl_tag all; do
		XDPLOAD_BTF_LACKS=$lacks run -0 --separate-stderr xdpload test -v "$PROGS/btf_kinds.o"
		assert_line --index 1 "result    XDP_PASS (2)"
		[[ "$stderr" == *"BTF: rewriting kinds this kernel lacks"* ]]
		[[ "$stderr" == *"BTF loaded"* ]]
	done
	XDPLOAD_BTF_LACKS=float run -0 --separate-stderr xdpload test -v "$PROGS/btf_kinds.o"
	[[ "$stderr" == *"lacks (mask 0x18)"* ]] # FLOAT and the newer DECL_TAG
}

@test "the verifier log shows the failing source line, from the kernel or from us" {
	for lacks in "" func; do
		XDPLOAD_BTF_LACKS=$lacks run -3 --separate-stderr xdpload test "$PROGS/xdp_unsafe.o"
		[[ "$stderr" == *"; return data[12] == 0x08 ? XDP_DROP : XDP_PASS; @ xdp_unsafe.c:13"* ]]
		assert_equal "$(echo "$stderr" | tail -n 1)" \
			"xdpload: the verifier stopped at instruction 1, xdp_unsafe.c:13: return data[12] == 0x08 ? XDP_DROP : XDP_PASS;"
	done
}

@test "a verifier log too big for the first buffer is grown into and shown whole" {
	run -3 --separate-stderr xdpload test -v "$PROGS/xdp_biglog.o"
	[[ "$stderr" == *"the verifier log needs more than 64 KiB; growing the buffer"* ]]
	[[ "$stderr" == *"the verifier log needs more than 256 KiB; growing the buffer"* ]]
	# Whole: from the first instruction to the refusal and the summary line.
	[[ "$stderr" == *$'---- verifier log ----\n0: R1=ctx('* ]]
	[[ "$stderr" == *$'invalid access to packet'*$'processed 6006 insns'*$'---- end of verifier log ----'* ]]
	assert_equal "$(echo "$stderr" | tail -n 1)" \
		"xdpload: the verifier stopped at instruction 6005, xdp_biglog.c:18: return data[acc & 1];"
}

@test "BTF map definitions xdpload cannot honour are refused by name (exit 2)" {
	map() {
		printf '#include "xdp_kern.h"\nstruct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, __u32); __uint(max_entries, 1); %s } m SEC(".maps");\nSEC("xdp") int p(struct xdp_md *c) { (void)c; return bpf_map_lookup_elem(&m, &(__u32){0}) ? XDP_PASS : XDP_DROP; }\nchar _l[] SEC("license") = "GPL";\n' "$1"
	}
	map "__uint(colour, 3);" | bpf_build colour -g
	run -2 --separate-stderr xdpload inspect "$BATS_TEST_TMPDIR/colour.o"
	assert_equal "$stderr" "xdpload: btf: map m: unknown field colour"
	map "__uint(pinning, 2);" | bpf_build pinning -g
	run -2 --separate-stderr xdpload inspect "$BATS_TEST_TMPDIR/pinning.o"
	assert_equal "$stderr" "xdpload: btf: map m: pinning 2 is not supported (0: none, 1: by name)"
	map "__uint(values, 1);" | bpf_build values -g
	run -2 --separate-stderr xdpload inspect "$BATS_TEST_TMPDIR/values.o"
	assert_equal "$stderr" "xdpload: btf: map m: field values is for prog arrays and maps of maps, not for a map of kind array"
	map "" | bpf_build nobtf
	run -2 --separate-stderr xdpload inspect "$BATS_TEST_TMPDIR/nobtf.o"
	[[ "$stderr" == "xdpload: elf: section "*" (.maps): BTF-defined maps need the object's BTF; build with clang -g" ]]
}

@test "--set refuses integers wider than 8 bytes (exit 1)" {
	printf '#include "xdp_kern.h"\nconst volatile unsigned __int128 wide = 0;\nSEC("xdp") int p(struct xdp_md *c) { (void)c; return wide ? XDP_DROP : XDP_PASS; }\nchar _l[] SEC("license") = "GPL";\n' | bpf_build wide -g
	run -1 --separate-stderr xdpload inspect --set wide=5 "$BATS_TEST_TMPDIR/wide.o"
	assert_equal "$stderr" "xdpload: --set wide: 16-byte integers are not supported (at most 8 bytes)"
}

@test "test and map dump: bad packets, counts and pins are usage or environment errors" {
	run -1 --separate-stderr xdpload test --packet 0xzz "$PROGS/xdp_drop.o"
	assert_equal "$stderr" "xdpload: --packet 0xzz: neither a readable file nor at least 14 bytes of hex"
	run -1 --separate-stderr xdpload test --repeat 0 "$PROGS/xdp_drop.o"
	[[ "$stderr" == "xdpload: --repeat 0: expected a count from 1"* ]]
	run -0 xdpload test --packet "$(printf '00%.0s' $(seq 20))" "$PROGS/xdp_drop.o"
	assert_line "packet    20 bytes in, 20 bytes out, unchanged"
	run -5 --separate-stderr xdpload map dump "$BPFFS/none"
	assert_equal "$stderr" "xdpload: map: cannot open the pinned map $BPFFS/none: ENOENT (No such file or directory)"
	run -1 --separate-stderr xdpload map show "$BPFFS/none"
	assert_equal "$stderr" "xdpload: usage: xdpload map dump PIN_PATH"
}

@test "malformed BTF gets a clear error (exit 2)" {
	obj="$BATS_TEST_TMPDIR/bad.o"
	btf_at() { sec_offset "$obj" "$(sec_index "$obj" .BTF)"; }
	types_at() { echo $(($(btf_at) + $(le_get "$obj" $(($(btf_at) + 4)) 4) + $(le_get "$obj" $(($(btf_at) + 8)) 4))); }

	cp "$PROGS/xdp_drop.o" "$obj"
	le_put "$obj" $(($(types_at) + 8)) 4 9999
	run -2 --separate-stderr xdpload inspect "$obj"
	assert_equal "$stderr" "xdpload: btf: type 1 (PTR ): it refers to type 9999, past the last type 12"

	cp "$PROGS/xdp_drop.o" "$obj"
	le_put "$obj" $(($(types_at) + 12 + 4)) 4 $(((4 << 24) | 0xffff))
	run -2 --separate-stderr xdpload inspect "$obj"
	assert_equal "$stderr" "xdpload: btf: type 2 (STRUCT): 65535 entries run past the end of the type section"

	cp "$PROGS/xdp_drop.o" "$obj"
	str_len=$(le_get "$obj" $(($(btf_at) + 20)) 4)
	le_put "$obj" $(($(btf_at) + 20)) 4 $((str_len - 1))
	run -2 --separate-stderr xdpload inspect "$obj"
	assert_equal "$stderr" "xdpload: btf: the $((str_len - 1))-byte string section must start and end with NUL (truncated?)"

	cp "$PROGS/xdp_drop.o" "$obj"
	le_put "$obj" $(($(btf_at) + 20)) 4 $((str_len + 4096))
	run -2 --separate-stderr xdpload inspect "$obj"
	[[ "$stderr" == "xdpload: btf: .BTF header (length 24, types 0+"*") does not lay out aligned types, then strings, in its "*" bytes" ]]

	cp "$PROGS/xdp_drop.o" "$obj"
	le_put "$obj" "$(btf_at)" 2 0x1234
	run -2 --separate-stderr xdpload inspect "$obj"
	assert_equal "$stderr" "xdpload: btf: .BTF has magic 0x1234 version 1, not 0xeb9f version 1"
}

@test "BTF the kernel refuses: the program loads without it, and -v says why" {
	obj="$BATS_TEST_TMPDIR/badname.o"
	cp "$PROGS/xdp_drop.o" "$obj"
	btf=$(sec_offset "$obj" "$(sec_index "$obj" .BTF)")
	size=$(sec_size "$obj" "$(sec_index "$obj" .BTF)")
	# A struct named "9dp_md" is well-formed BTF to us but not a C name to the kernel.
	for at in $(grep -obUa "xdp_md" "$obj" | cut -d: -f1); do
		if [ "$at" -gt "$btf" ] && [ "$at" -lt $((btf + size)) ]; then
			le_put "$obj" "$at" 1 0x39
		fi
	done
	run -0 --separate-stderr xdpload test -v "$obj"
	assert_line --index 1 "result    XDP_DROP (1)"
	[[ "$stderr" == *"load: BTF refused (EINVAL); loading without BTF. The kernel said:"*"9dp_md"* ]]
	[[ "$stderr" == *"program xdp_drop loaded, fd "*"(2 instructions)"* ]]
}

@test "a source written against libbpf's own headers loads and runs unchanged" {
	require_pkg libbpf-dev
	obj="$BATS_TEST_TMPDIR/typical.o"
	run -0 clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu \
		-c "$ROOT/tests/libbpf/typical.c" -o "$obj"
	run -0 xdpload inspect "$obj"
	assert_line --regexp "^  proto_count +percpu_array +4 +8 +256  0x0 +\.maps +none$"
	assert_line --regexp "^  \.rodata +xdp_typical\.____fmt +const char\[21\] +\"dropping protocol %d\"$"
	run -0 xdpload test -j "$obj"
	assert_equal "$(echo "$output" | jq -r '"\(.result) \(.globals.seen)"')" "XDP_PASS 1"
	run -0 xdpload test -j --set blocked_proto=17 "$obj"
	assert_equal "$(echo "$output" | jq -r .result)" XDP_DROP
}

@test "objects built by xdp-tools (libbpf conventions) load and run unchanged" {
	require_pkg xdp-tools
	dir=/usr/lib/x86_64-linux-gnu/bpf
	run -0 xdpload test --prog xdp_dispatcher "$dir/xdp-dispatcher.o"
	assert_line --index 1 "result    XDP_PASS (2)"
	run -0 xdpload test --pin-maps "$BPFFS/xdpfilt" "$dir/xdpfilt_alw_all.o"
	assert_line --index 1 "result    XDP_PASS (2)"
	# The verdict to match is the one libbpf's loader gets on the same packet:
	# bpftool loads and runs the object on a bpffs of its own.
	hex=$(xdpload test -j "$ROOT/bench/xdp_pass.o") # the packet test sends, as it came out
	printf "$(jq -r .data_out <<<"$hex" | sed 's/../\\x&/g')" >"$BATS_TEST_TMPDIR/packet"
	assert_file_size_equals "$BATS_TEST_TMPDIR/packet" 64
	run -0 unshare --mount --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf && bpftool prog load "$0" /sys/fs/bpf/ref type xdp 2>/dev/null &&
			bpftool prog run pinned /sys/fs/bpf/ref data_in "$1"' "$dir/xdpfilt_alw_all.o" "$BATS_TEST_TMPDIR/packet"
	assert_output --regexp "^Return value: 2, duration"
	assert_file_exists "$BPFFS/xdpfilt/filter_ports"
	run -0 xdpload test "$dir/xsk_def_xdp_prog.o"
	assert_line --regexp "^  \.data +refcnt +int +1$"
}
