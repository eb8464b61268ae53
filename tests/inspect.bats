#!/usr/bin/env bats
# inspect and the command line itself: no kernel involved.
load helpers

@test "inspect shows the firewall: program, its ten maps pinned by name, license" {
	run -0 --separate-stderr xdpload inspect "$ROOT/xdp_kern.o"
	assert_line --index 0 "object       $ROOT/xdp_kern.o"
	assert_line --index 1 "license      GPL"
	assert_line --index 2 --regexp "^relocations  [0-9]+$"
	assert_line --index 3 --regexp "^btf          [0-9]+ types, [0-9]+ bytes of strings, 1 func_info and [0-9]+ line_info records$"
	assert_line --index 4 "programs (1)"
	assert_line --index 6 --regexp "^  xdp_firewall +xdp +xdp +[0-9]+ +[0-9]+$"
	assert_line "maps (10)"
	assert_line --regexp "^  fw_svc +array +4 +4 +131074  0x0 +.maps +by name$"
	assert_line --regexp "^  fw_v4 +hash +4 +24 +1048576  0x1 +.maps +by name$"
	assert_line --regexp "^  fw_lpm6 +lpm_trie +20 +4 +1048576  0x1 +.maps +by name$"
	assert_line --regexp "^  fw_events +ringbuf +0 +0 +262144  0x0 +.maps +by name$"
	assert_line "globals (0)"
}

@test "inspect --builtin: the firewall inside the binary is the same object" {
	run -0 --separate-stderr xdpload inspect --builtin
	assert_line --index 0 "object       the built-in firewall"
	builtin=$(xdpload inspect --builtin -j | jq -c '{programs, maps}')
	file=$(xdpload inspect "$ROOT/xdp_kern.o" -j | jq -c '{programs, maps}')
	assert_equal "$builtin" "$file"
}

@test "inspect shows legacy maps with their definitions and relocation counts" {
	run -0 xdpload inspect "$PROGS/xdp_elfmap.o"
	assert_line --index 2 "relocations  2"
	assert_line --regexp "^  xdp_elfmap +xdp_prog +xdp +[0-9]+ +2$"
	assert_line --index 7 "maps (2)"
	assert_line --index 9 --regexp "^  hits +percpu_array +4 +8 +4  0x0 +maps +none$"
	assert_line --index 10 --regexp "^  flows +hash +4 +4 +1024  0x1 +maps +none$"
}

@test "inspect lists every program with the type its section names" {
	run -0 xdpload inspect "$PROGS/xdp_multi.o"
	assert_line --regexp "^  xdp_drop_all +xdp +xdp +2 +0$"
	assert_line --regexp "^  xdp_pass_all +xdp_pass +xdp +2 +0$"
	assert_line --regexp "^  xdp_in_devmap +xdp/devmap +xdp/devmap +5 +0$"
	assert_line --regexp "^  tc_pass +tc +tc +2 +0$"
	run -0 xdpload inspect "$PROGS/xdp_frags.o"
	assert_line --regexp "^  xdp_frags_pass +xdp.frags +xdp.frags +2 +0$"
}

@test "inspect -j is JSON with the same facts" {
	run -0 --separate-stderr xdpload inspect -j "$PROGS/xdp_count.o"
	assert_equal "$(echo "$output" | jq -c '{license, relocations, p: .programs[0], m: .maps[0]}')" \
		'{"license":"GPL","relocations":1,"p":{"name":"xdp_count","section":"xdp","type":"xdp","insns":12,"relocations":1},"m":{"name":"packets","type":"array","key_size":4,"value_size":8,"max_entries":1,"flags":0,"pinning":0}}'
}

@test "no XDP program in the object (exit 2)" {
	run -2 --separate-stderr xdpload attach "$PROGS/tc_only.o" xdplnone0
	assert_equal "$stderr" "xdpload: $PROGS/tc_only.o: no XDP program (no function in a section whose name starts with \"xdp\"); found tc_ingress (classifier)"
}

@test "several XDP programs and no --prog asks for one (exit 1)" {
	run -1 --separate-stderr xdpload run "$PROGS/xdp_multi.o" xdplnone0
	assert_equal "$stderr" "xdpload: $PROGS/xdp_multi.o holds 2 XDP programs: xdp_drop_all xdp_pass_all; choose one with --prog NAME"
}

@test "an unknown --prog lists what the object has (exit 1)" {
	run -1 --separate-stderr xdpload attach --prog nope "$PROGS/xdp_multi.o" xdplnone0
	assert_equal "$stderr" "xdpload: $PROGS/xdp_multi.o has no program or section named nope; it has: xdp_drop_all (xdp) xdp_pass_all (xdp_pass) xdp_in_devmap (xdp/devmap) tc_pass (tc)"
}

@test "--prog naming a non-XDP or devmap program says why it cannot attach (exit 2)" {
	run -2 --separate-stderr xdpload attach --prog tc_pass "$PROGS/xdp_multi.o" xdplnone0
	assert_equal "$stderr" "xdpload: $PROGS/xdp_multi.o: program tc_pass (section tc) is a tc program, not XDP; this verb takes XDP programs (xdpload load takes any)"
	run -2 --separate-stderr xdpload attach --prog xdp/devmap "$PROGS/xdp_multi.o" xdplnone0
	assert_equal "$stderr" "xdpload: $PROGS/xdp_multi.o: program xdp_in_devmap (section xdp/devmap) runs on devmap entries and cannot attach to an interface"
}

@test "usage errors exit 1 and show the verb's usage" {
	run -1 --separate-stderr xdpload
	assert_equal "$output" ""
	[[ "$stderr" == "xdpload: no verb given"* ]]
	run -1 --separate-stderr xdpload frobnicate
	[[ "$stderr" == "xdpload: unknown verb frobnicate"* ]]
	run -1 --separate-stderr xdpload attach "$ROOT/xdp_kern.o"
	[[ "$stderr" == "xdpload: attach needs more arguments"*"attach OBJ IFACE"* ]]
	run -1 --separate-stderr xdpload attach --mode turbo "$ROOT/xdp_kern.o" xdplnone0
	[[ "$stderr" == "xdpload: --mode turbo: expected skb, native or hw"* ]]
	run -1 --separate-stderr xdpload detach xdplnone0 --duration 3
	[[ "$stderr" == "xdpload: option --duration does not apply to this verb"* ]]
	run -1 --separate-stderr xdpload run --duration soon "$ROOT/xdp_kern.o"
	[[ "$stderr" == "xdpload: --duration soon: expected whole seconds"* ]]
	run -1 --separate-stderr xdpload inspect a.o b.o
	[[ "$stderr" == "xdpload: unexpected argument b.o"* ]]
	run -1 --separate-stderr xdpload attach --prog
	[[ "$stderr" == "xdpload: option --prog needs a value"* ]]
}

@test "an unknown option exits 1 and shows the verb's usage, before anything else is done" {
	run -1 --separate-stderr xdpload inspect --frobnicate "$ROOT/xdp_kern.o"
	assert_equal "$output" ""
	assert_equal "${stderr%%$'\n'*}" "xdpload: unknown option --frobnicate"
	assert_equal "$(sed -n 2p <<<"$stderr")" "usage: xdpload VERB [ARGS] [OPTIONS]"
	assert_regex "$stderr" $'\n  inspect OBJ '
	# Whatever the verb, and wherever the option: even a verb that would
	# otherwise fail first (no such file) stops at the option.
	while IFS='|' read -r args first; do
		run -1 --separate-stderr xdpload $args
		assert_equal "$output" ""
		assert_equal "${stderr%%$'\n'*}" "$first"
	done <<-EOF
	attach $ROOT/xdp_kern.o xdplnone0 --nope|xdpload: unknown option --nope
	test --nope /nonexistent.o|xdpload: unknown option --nope
	rules --nope --dev xdplnone0|xdpload: unknown option --nope
	status -x|xdpload: unknown option -x
	--nope|xdpload: unknown verb --nope
	EOF
}

@test "--help lists every verb and option; --version prints the version" {
	run -0 xdpload --help
	for verb in "run [OBJ] [IFACE]" "attach OBJ IFACE" "detach IFACE" "status [IFACE]" "inspect OBJ"; do
		assert_output --partial "  $verb "
	done
	for opt in --prog --mode --force --duration -j -v --version; do
		assert_output --partial "  $opt"
	done
	run -0 xdpload attach -h
	assert_output --partial "attach OBJ IFACE"
	refute_output --partial "inspect OBJ"
	refute_output --partial "--duration"
	run -0 xdpload --version
	assert_output --regexp "^xdpload [0-9]+\.[0-9]+\.[0-9]+$"
}
