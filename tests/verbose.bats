#!/usr/bin/env bats
# -v: every step of a load is logged, in the order it happens, so that a
# reader can follow it in the terminal (docs/life-of-a-load.md walks the same
# load through its system calls).
load helpers

setup_file() {
	require_root
	netns_create vb
}

teardown_file() {
	netns_destroy vb
}

setup() {
	require_root
}

teardown() {
	in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null 2>&1 || true
}

# usage: lines_in_order TEXT REGEX...: each REGEX matches a whole line of
# TEXT, each on a later line than the one before.
lines_in_order() {
	local text="$1" line re
	shift
	re="$1"
	while IFS= read -r line; do
		if [ -n "$re" ] && [[ "$line" =~ ^$re$ ]]; then
			shift
			re="${1:-}"
		fi
	done <<<"$text"
	if [ -n "$re" ]; then
		echo "no line matching /^$re\$/ in order in:" >&2
		echo "$text" >&2
		return 1
	fi
}

@test "-v attach: sections, BTF, maps and fds, relocations, program id, the netlink request and its ACK" {
	run -0 --separate-stderr xdpload_b attach "$PROGS/xdp_count.o" "$IF_B" -v
	id=$(xdp_id_b)
	[ -n "$id" ]
	lines_in_order "$stderr" \
		"xdpload: elf: $PROGS/xdp_count.o: [0-9]+ bytes, [0-9]+ sections" \
		"xdpload: elf: section [0-9]+ \(xdp\): code, 12 instructions, 1 program" \
		"xdpload: elf: section [0-9]+ \(\.relxdp\): relocations of xdp: 1" \
		"xdpload: elf: section [0-9]+ \(maps\): legacy map definitions: 1" \
		"xdpload: elf: section [0-9]+ \(license\): license \"GPL\"" \
		"xdpload: elf: section [0-9]+ \(\.BTF\): BTF, [0-9]+ types" \
		"xdpload: elf: section [0-9]+ \(\.BTF\.ext\): BTF\.ext, func_info records: 1, line_info records: [0-9]+" \
		"xdpload: elf: section [0-9]+ \(\.symtab\): symbol table, [0-9]+ symbols" \
		"xdpload: elf: [0-9]+ more sections that a load does not use \(debug info and the like\)" \
		"xdpload: netlink: interface $IF_B is ifindex [0-9]+" \
		"xdpload: object $PROGS/xdp_count.o: program xdp_count \(section xdp\), interface $IF_B" \
		"xdpload: load: BTF loaded, fd [0-9]+ \([0-9]+ types\)" \
		"xdpload: load: map packets \(array\) created, fd [0-9]+" \
		"xdpload: load: program xdp_count: instruction 4 -> map packets \(fd [0-9]+\)" \
		"xdpload: load: program xdp_count: relocations applied: 1, functions linked: 0, instructions: 12" \
		"xdpload: load: program xdp_count loaded, fd [0-9]+ \(12 instructions, with BTF\)" \
		"xdpload: load: program xdp_count is id $id" \
		"xdpload: attach: RTM_SETLINK IFLA_XDP: .*" \
		"xdpload: netlink: sent RTM_SETLINK \(IFLA_XDP\), [0-9]+ bytes, seq [0-9]+, asking for an ACK" \
		"xdpload: netlink: ACK for seq [0-9]+ \(RTM_NEWLINK replies: 0\)"
	# The ACK answers the request just sent: the same sequence number.
	sent=$(sed -n 's/.*sent RTM_SETLINK.*, seq \([0-9]*\),.*/\1/p' <<<"$stderr")
	[[ "$stderr" == *"ACK for seq $sent "* ]]
}

@test "-v: the fd each map was created with is the fd its relocations use" {
	run -0 --separate-stderr xdpload_b attach "$PROGS/calls.o" "$IF_B" -v
	fd=$(sed -n 's/.*map \.bss (array) created, fd \([0-9]*\)$/\1/p' <<<"$stderr")
	[ -n "$fd" ]
	[[ "$stderr" == *"instruction 3 -> variable result, offset 0 of .bss (fd $fd)"* ]]
	[[ "$stderr" == *"elf: section 2 (.text): code, 6 instructions, 2 functions to link"* ]]
	[[ "$stderr" == *"relocations applied: 2, functions linked: 2, instructions: 14"* ]]
}

@test "-v run: the link that holds the program, then its close" {
	run -0 --separate-stderr xdpload_b run "$ROOT/bench/xdp_pass.o" "$IF_B" --duration 0 -v
	lines_in_order "$stderr" \
		"xdpload: load: program xdp_pass: relocations applied: 0, functions linked: 0, instructions: 2" \
		"xdpload: load: program xdp_pass is id [0-9]+" \
		"xdpload: link: BPF_LINK_CREATE: ifindex [0-9]+, prog fd [0-9]+, flags 0x0" \
		"xdpload: run: bpf_link fd [0-9]+ holds xdp_pass on ifindex [0-9]+ until it is closed" \
		"xdpload: netlink: sent RTM_GETLINK, [0-9]+ bytes, seq [0-9]+, asking for an ACK" \
		"xdpload: netlink: ACK for seq [0-9]+ \(RTM_NEWLINK replies: 1\)" \
		"xdpload: run: closing bpf_link fd [0-9]+: the kernel detaches xdp_pass"
}

@test "-v: a refused netlink request is logged with the errno and the kernel's words" {
	run -0 xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B"
	run -4 --separate-stderr xdpload_b attach "$PROGS/xdp_drop.o" "$IF_B" -v
	assert_regex "$stderr" $'\n''xdpload: netlink: seq [0-9]+ refused: EBUSY: XDP program already attached'$'\n'
	run -0 --separate-stderr xdpload_b detach "$IF_B" -v
	lines_in_order "$stderr" \
		"xdpload: netlink: sent RTM_GETLINK, [0-9]+ bytes, seq [0-9]+, asking for an ACK" \
		"xdpload: netlink: ACK for seq [0-9]+ \(RTM_NEWLINK replies: 1\)" \
		"xdpload: netlink: sent RTM_SETLINK \(IFLA_XDP\), [0-9]+ bytes, seq [0-9]+, asking for an ACK" \
		"xdpload: netlink: ACK for seq [0-9]+ \(RTM_NEWLINK replies: 0\)"
}

@test "without -v a load logs nothing" {
	run -0 --separate-stderr xdpload_b attach "$PROGS/calls.o" "$IF_B"
	assert_equal "$stderr" ""
	run -0 --separate-stderr xdpload inspect "$PROGS/calls.o"
	assert_equal "$stderr" ""
}

@test "-v inspect: the sections, with no kernel involved" {
	run -0 --separate-stderr xdpload inspect "$PROGS/globals.o" -v
	for sec in .rodata .data .data.stats .bss; do
		assert_regex "$stderr" "xdpload: elf: section [0-9]+ \\($sec\\): global data, [0-9]+ bytes, one array map"
	done
	[[ "$stderr" != *"xdpload: netlink:"* ]]
	[[ "$stderr" != *"xdpload: load:"* ]]
}

@test "-v may come before the verb, as with ip" {
	run -0 --separate-stderr xdpload -v inspect "$PROGS/xdp_count.o"
	[[ "$stderr" == *"xdpload: elf: $PROGS/xdp_count.o: "* ]]
	run -1 --separate-stderr xdpload -v
	[[ "$stderr" == "xdpload: no verb given"* ]]
}
