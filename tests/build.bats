#!/usr/bin/env bats
# The build promises: one static binary, no libbpf, no kernel headers.
load helpers

@test "xdpload is a static binary with no dynamic dependencies" {
	run -0 file "$ROOT/xdpload"
	assert_output --partial "statically linked"
	run readelf -d "$ROOT/xdpload"
	refute_output --partial "NEEDED"
}

@test "xdpload builds from its own headers only: no linux/, asm/ or bpf/ headers" {
	# glibc's own headers pull in kernel ones; musl's never do, so musl-gcc
	# shows exactly what our sources ask for.
	command -v musl-gcc >/dev/null || skip "musl-gcc (musl-tools) is not installed"
	cd "$ROOT"
	for src in loader.c elf.c load.c netlink.c; do
		run -0 musl-gcc -std=gnu11 -M "$src"
		refute_output --regexp "/(linux|asm|asm-generic|bpf)/"
		assert_output --partial "bpf_sys.h"
	done
	run -0 clang -target bpf -nostdinc -I. -M xdp_kern.c
	refute_output --regexp "/usr/include"
}

@test "xdp_kern.o is a BPF object holding xdp_firewall in section xdp" {
	run -0 file "$ROOT/xdp_kern.o"
	assert_output --partial "eBPF"
	run -0 xdpload inspect -j "$ROOT/xdp_kern.o"
	assert_equal "$(echo "$output" | jq -c '[.programs[] | [.name, .section]]')" '[["xdp_firewall","xdp"]]'
}

@test "the ABI bpf_sys.h and btf.h restate matches the kernel's uapi headers" {
	# The headers are read here, by the test, never by the build.
	[ -f /usr/include/linux/bpf.h ] || skip "no kernel uapi headers (linux-libc-dev)"
	cd "$ROOT"
	run -0 gcc -o "$BATS_TEST_TMPDIR/kernel" tests/abi/kernel.c
	run -0 gcc -I. -o "$BATS_TEST_TMPDIR/ours" tests/abi/ours.c
	run -0 diff <("$BATS_TEST_TMPDIR/kernel") <("$BATS_TEST_TMPDIR/ours")
	run -0 "$BATS_TEST_TMPDIR/ours"
	assert_line "BPF_XDP_DEVMAP 33"
}
