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
	require_pkg musl-tools
	cd "$ROOT"
	for src in *.c lib/*.c fw/*.c cli/*.c; do
		run -0 musl-gcc -std=gnu11 -I. -Iinclude -M "$src"
		refute_output --regexp "/(linux|asm|asm-generic|bpf)/"
	done
	# The files that make system calls take the kernel ABI from bpf_sys.h.
	for src in loader.c netlink.c lib/load.c; do
		run -0 musl-gcc -std=gnu11 -I. -Iinclude -M "$src"
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
	# The headers are read here, by the test, never by the build: Debian's
	# libc6-dev brings them (linux-libc-dev).
	require_pkg libc6-dev
	assert_file_exists /usr/include/linux/bpf.h
	cd "$ROOT"
	run -0 gcc -o "$BATS_TEST_TMPDIR/kernel" tests/abi/kernel.c
	run -0 gcc -I. -o "$BATS_TEST_TMPDIR/ours" tests/abi/ours.c
	run -0 diff <("$BATS_TEST_TMPDIR/kernel") <("$BATS_TEST_TMPDIR/ours")
	run -0 "$BATS_TEST_TMPDIR/ours"
	assert_line "BPF_XDP_DEVMAP 33"
}

# The sources and Makefile copied to a scratch directory, so that a build with
# another compiler never replaces the binary the other tests run.
source_copy() {
	SRC="$BATS_TEST_TMPDIR/src"
	mkdir -p "$SRC"
	git -C "$ROOT" ls-files -z -- '*.c' '*.h' Makefile | (cd "$ROOT" && xargs -0 cp --parents -t "$SRC")
}

@test "make CC=gcc builds a static glibc xdpload, even right after the default build" {
	source_copy
	run -0 make -s -C "$SRC" xdpload
	run -0 make -s -C "$SRC" CC=gcc xdpload
	run -0 file "$SRC/xdpload"
	assert_output --partial "statically linked"
	assert_output --partial "for GNU/Linux" # glibc's ABI note; musl has none
	run readelf -d "$SRC/xdpload"
	refute_output --partial "NEEDED"
	run -0 "$SRC/xdpload" inspect "$PROGS/xdp_count.o"
	assert_line --regexp "^  xdp_count +xdp"
}

@test "make CROSS=aarch64-linux-gnu- builds a static aarch64 xdpload-aarch64" {
	require_pkg gcc-aarch64-linux-gnu
	require_pkg libc6-dev-arm64-cross
	source_copy
	run -0 make -s -C "$SRC" CROSS=aarch64-linux-gnu-
	run -0 file "$SRC/xdpload-aarch64"
	assert_output --partial "ARM aarch64"
	assert_output --partial "statically linked"
	run readelf -d "$SRC/xdpload-aarch64"
	refute_output --partial "NEEDED"
	# The BPF objects do not depend on the host; the native binary's name stays free.
	run -0 file "$SRC/xdp_kern.o"
	assert_output --partial "LSB relocatable, eBPF"
	assert_file_not_exists "$SRC/xdpload"
}
