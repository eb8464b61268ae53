#!/usr/bin/env bats
# Objects that are not what they claim: each gets one clear message naming
# the step, the section and the rule, exit code 2, and no kernel object.
load helpers
load elf_patch

# The parser's tests run the sanitizer build when there is one (make asan):
# a memory error becomes exit 99 instead of passing unnoticed.
[ -x "$ROOT/xdpload-asan" ] && XDPLOAD="$ROOT/xdpload-asan"

setup() {
	obj="$BATS_TEST_TMPDIR/obj.o"
	cp "$PROGS/xdp_count.o" "$obj"
}

inspect_fails() {
	run -2 --separate-stderr xdpload inspect "$obj"
	assert_equal "$output" ""
	assert_equal "$stderr" "$1"
}

@test "a missing file names the path and ENOENT" {
	run -2 --separate-stderr xdpload inspect "$BATS_TEST_TMPDIR/nope.o"
	assert_equal "$stderr" "xdpload: elf: cannot open $BATS_TEST_TMPDIR/nope.o: ENOENT (No such file or directory)"
}

@test "a directory is not an object" {
	run -2 --separate-stderr xdpload inspect "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "xdpload: elf: $BATS_TEST_TMPDIR is not a regular file (a directory)"
}

@test "a text file is not ELF" {
	echo "int main() { return 0; }" >"$obj"
	inspect_fails "xdpload: elf: not an ELF file (no \\177ELF magic)"
}

@test "an empty file is not ELF" {
	: >"$obj"
	inspect_fails "xdpload: elf: not an ELF file (no \\177ELF magic)"
}

@test "an x86-64 program is ELF but not BPF" {
	cp "$ROOT/xdpload" "$obj"
	inspect_fails "xdpload: elf: machine is 62, not BPF (247): is this a \`clang -target bpf\` object?"
}

@test "a big-endian object is refused by name" {
	le_put "$obj" 5 1 2
	inspect_fails "xdpload: elf: not little-endian (data encoding 2); build with -target bpfel or bpf on a little-endian host"
}

@test "an object from clang -target bpfeb is refused by inspect, test and attach alike (exit 2)" {
	bpf_build be -g -target bpfeb <"$PROGS/xdp_count.c" 2>/dev/null || skip "this clang cannot build for bpfeb"
	obj="$BATS_TEST_TMPDIR/be.o"
	run -0 file "$obj"
	assert_output --partial "MSB relocatable, eBPF"
	msg="xdpload: elf: not little-endian (data encoding 2); build with -target bpfel or bpf on a little-endian host"
	inspect_fails "$msg"
	run -2 --separate-stderr xdpload test "$obj"
	assert_equal "$stderr" "$msg"
	run -2 --separate-stderr xdpload attach "$obj" xdpl-none
	assert_equal "$stderr" "$msg"
}

@test "an unknown ELF version shows both fields that hold it" {
	le_put "$obj" 6 1 3
	inspect_fails "xdpload: elf: ELF version is 3 in e_ident and 1 in e_version; only version 1 exists"
	cp "$PROGS/xdp_count.o" "$obj"
	le_put "$obj" 20 4 2
	inspect_fails "xdpload: elf: ELF version is 1 in e_ident and 2 in e_version; only version 1 exists"
}

@test "a truncated object: the section table is cut off" {
	head -c 200 "$PROGS/xdp_count.o" >"$obj"
	shoff=$(le_get "$obj" 40 8)
	inspect_fails "xdpload: elf: section header table at $(printf '0x%x' "$shoff") lies past the end of the 200-byte file (truncated?)"
}

@test "a truncated object: the last section headers are missing" {
	size=$(stat -c %s "$obj")
	head -c $((size - 10)) "$PROGS/xdp_count.o" >"$obj"
	n=$(le_get "$obj" 60 2)
	inspect_fails "xdpload: elf: $n section headers at $(printf '0x%x' "$(le_get "$obj" 40 8)") do not fit in the $((size - 10))-byte file (truncated?)"
}

@test "a truncated object: a section's bytes lie past the end" {
	xdp=$(sec_index "$obj" xdp)
	le_put "$obj" $(($(shdr "$obj" "$xdp") + SH_OFFSET)) 8 $((1 << 40))
	inspect_fails "xdpload: elf: section $xdp: bytes 0x10000000000+0x60 lie past the end of the $(stat -c %s "$obj")-byte file (truncated?)"
}

@test "the section name table must end in NUL" {
	strtab=$(sec_index "$obj" .strtab)
	end=$(($(sec_offset "$obj" "$strtab") + $(sec_size "$obj" "$strtab") - 1))
	le_put "$obj" "$end" 1 65
	inspect_fails "xdpload: elf: section $strtab (section names): not a NUL-terminated string table"
}

@test "a section name offset past the name table" {
	xdp=$(sec_index "$obj" xdp)
	le_put "$obj" $(($(shdr "$obj" "$xdp") + SH_NAME)) 4 99999
	inspect_fails "xdpload: elf: section $xdp: name offset 99999 is past the end of the name table"
}

@test "the section name table index must be a section" {
	le_put "$obj" 62 2 999
	inspect_fails "xdpload: elf: section name table index 999 is not a section"
}

@test "a symbol's name offset past the string table" {
	sym=$(sym_index "$obj" packets)
	le_put "$obj" "$(sym_offset "$obj" "$sym")" 4 999999
	inspect_fails "xdpload: elf: symbol $sym: name offset 999999 is past the end of .strtab"
}

@test "a symbol's section index that is not a section" {
	sym=$(sym_index "$obj" packets)
	le_put "$obj" $(($(sym_offset "$obj" "$sym") + 6)) 2 500
	inspect_fails "xdpload: elf: symbol $sym (packets): section index 500 is not a section"
}

@test "a function symbol that reaches past its section" {
	sym=$(sym_index "$obj" xdp_count)
	le_put "$obj" $(($(sym_offset "$obj" "$sym") + 16)) 8 4096
	inspect_fails "xdpload: elf: symbol $sym (xdp_count): bytes 0x0+0x1000 lie outside section $(sec_index "$obj" xdp) (xdp)"
}

@test "a relocation offset that is not 8-byte aligned" {
	rel=$(sec_index "$obj" .relxdp)
	off=$(sec_offset "$obj" "$rel")
	le_put "$obj" "$off" 8 $(($(le_get "$obj" "$off" 8) + 4))
	inspect_fails "xdpload: elf: section $rel (.relxdp): relocation 0 offset 0x24 is not 8-byte aligned"
}

@test "a relocation past the end of the code it patches" {
	rel=$(sec_index "$obj" .relxdp)
	le_put "$obj" "$(sec_offset "$obj" "$rel")" 8 4096
	inspect_fails "xdpload: elf: section $rel (.relxdp): relocation 0 offset 0x1000 is past the end of xdp"
}

@test "a map relocation must hit an ld_imm64 instruction" {
	rel=$(sec_index "$obj" .relxdp)
	le_put "$obj" "$(sec_offset "$obj" "$rel")" 8 0
	op=$(printf '0x%02x' "$(le_get "$obj" "$(sec_offset "$obj" "$(sec_index "$obj" xdp)")" 1)")
	inspect_fails "xdpload: elf: section $rel (.relxdp): relocation 0 (packets) at 0x0 must hit a 16-byte ld_imm64, found opcode $op"
}

@test "a relocation naming a symbol that does not exist" {
	rel=$(sec_index "$obj" .relxdp)
	le_put "$obj" $(($(sec_offset "$obj" "$rel") + 8)) 8 $(((5000 << 32) | 1))
	inspect_fails "xdpload: elf: section $rel (.relxdp): relocation 0 names symbol 5000, not a symbol"
}

@test "a relocation of an unknown type" {
	rel=$(sec_index "$obj" .relxdp)
	info=$(le_get "$obj" $(($(sec_offset "$obj" "$rel") + 8)) 8)
	le_put "$obj" $(($(sec_offset "$obj" "$rel") + 8)) 8 $(((info & ~0xffffffff) | 77))
	inspect_fails "xdpload: elf: section $rel (.relxdp): relocation 0 has type 77, not one an instruction can carry"
}

@test "a relocation section for a section that does not exist" {
	rel=$(sec_index "$obj" .relxdp)
	le_put "$obj" $(($(shdr "$obj" "$rel") + SH_INFO)) 4 700
	inspect_fails "xdpload: elf: section $rel (.relxdp): relocates section 700, which does not exist"
}

@test "a relocation section linked to something other than the symbol table" {
	rel=$(sec_index "$obj" .relxdp)
	le_put "$obj" $(($(shdr "$obj" "$rel") + SH_LINK)) 4 1
	inspect_fails "xdpload: elf: section $rel (.relxdp): symbol table link 1 is not the symbol table"
}

@test "a maps section that does not split into whole definitions" {
	maps=$(sec_index "$obj" maps)
	le_put "$obj" $(($(shdr "$obj" "$maps") + SH_SIZE)) 8 22
	inspect_fails "xdpload: elf: section $maps (maps): 22 bytes do not split into 1 map definitions of at least 16 bytes in whole 4-byte fields"
}

@test "a .bss claiming 4 GiB is refused with its real size, not one wrapped to 0" {
	cp "$PROGS/globals.o" "$obj"
	bss=$(sec_index "$obj" .bss)
	le_put "$obj" $(($(shdr "$obj" "$bss") + SH_SIZE)) 8 $((1 << 32))
	inspect_fails "xdpload: btf: DATASEC .bss (type $(bpftool btf dump file "$obj" | sed -n "s/^\[\([0-9]*\)\] DATASEC '.bss'.*/\1/p")): section $bss is 4294967296 bytes, more than a BTF size can hold"
}

@test "a license that is not NUL-terminated" {
	lic=$(sec_index "$obj" license)
	le_put "$obj" $(($(sec_offset "$obj" "$lic") + 3)) 1 65
	inspect_fails "xdpload: elf: section $lic (license): not a NUL-terminated string"
}

@test "code whose size is not whole instructions" {
	xdp=$(sec_index "$obj" xdp)
	le_put "$obj" $(($(shdr "$obj" "$xdp") + SH_SIZE)) 8 $(($(sec_size "$obj" "$xdp") - 4))
	inspect_fails "xdpload: elf: symbol $(sym_index "$obj" xdp_count) (xdp_count): bytes 0x0+0x60 lie outside section $xdp (xdp)"
}

@test "the same errors stop attach before anything reaches the kernel" {
	# (No such interface either: were the object parsed, that would stop it.)
	require_root
	head -c 200 "$PROGS/xdp_count.o" >"$obj"
	run -2 --separate-stderr xdpload attach "$obj" xdplnone0
	[[ "$stderr" == "xdpload: elf: section header table at "*"(truncated?)" ]]
}

@test "every input the fuzzer found is refused with the rule it breaks (exit 2)" {
	while IFS='|' read -r name message; do
		run -2 --separate-stderr xdpload inspect "$ROOT/fuzz/crashes/$name"
		assert_equal "$stderr" "xdpload: $message"
	done <<-'EOF'
	bss-4gib|elf: section 9 (.bss): 4294967280 bytes are too many for a map value (at most 67108864)
	btf-hdr-len-25|btf: .BTF header (length 25, types 0+268, strings 268+212) does not lay out aligned types, then strings, in its 505 bytes
	btf-strings-before-types|btf: .BTF header (length 24, types 212+268, strings 0+212) does not lay out aligned types, then strings, in its 504 bytes
	btf-zero-length-array|btf: map zero: field value is not written __type(value, T) with a sized T
	func-ldimm64-last|elf: section 5 (.relxdp): relocation 2 (.text) at 0x48: the ld_imm64 is not whole inside one function
	overlapping-functions|elf: section 3 (xdp): functions LBB1_2 and xdp_calls share instructions
	reloc-call-shn-abs|elf: section 4 (.relxdp): relocation 0 calls subprog.c, which is not in a code section
	EOF
	# Every kept input is in the list above.
	assert_equal "$(ls "$ROOT/fuzz/crashes" | wc -l)" 7
}

@test "random corruption never crashes the parser" {
	# Flip bytes at random in every test object; each must parse or be refused
	# with exit 2, never crash (the sanitizer build turns memory errors into exit 99).
	for src in "$ROOT/xdp_kern.o" "$PROGS"/*.o; do
		size=$(stat -c %s "$src")
		for round in $(seq 40); do
			cp "$src" "$obj"
			for _ in 1 2 3 4; do
				le_put "$obj" $((RANDOM * 32768 % size + RANDOM % size)) 1 $((RANDOM % 256)) 2>/dev/null || true
			done
			head -c $((size - RANDOM % 64)) "$obj" >"$obj.cut"
			for f in "$obj" "$obj.cut"; do
				run xdpload inspect "$f"
				if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
					cp "$f" "$BATS_TEST_TMPDIR/crash.o"
					echo "$src round $round: exit $status: $output"
					false
				fi
			done
		done
	done
}
