#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Rebuilds the seed corpus in fuzz/corpus/ from the objects `make` builds and
# the tiny programs in fuzz/seeds/.  Seeds are named *.bpf, not *.o: the
# repository ignores *.o, and the corpus is meant to be committed.
# Run from the repository root after `make`.
set -eu

CLANG=${CLANG:-clang}
BPF="$CLANG -O2 -target bpf -nostdinc -Wall -Werror -I."
out=fuzz/corpus

mkdir -p "$out"
cp xdp_kern.o "$out/xdp_kern.bpf"
for o in tests/progs/*.o; do
	cp "$o" "$out/test_$(basename "$o" .o).bpf"
done
for c in fuzz/seeds/*.c; do
	n=$(basename "$c" .c)
	$BPF -g -c "$c" -o "$out/seed_$n.bpf"
done
# Without -g: no BTF or DWARF, a few hundred bytes the fuzzer mutates fast.
$BPF -c fuzz/seeds/maps.c -o "$out/seed_maps_nodebug.bpf"
$BPF -c fuzz/seeds/subprog.c -o "$out/seed_subprog_nodebug.bpf"
$BPF -c fuzz/seeds/globals.c -o "$out/seed_globals_nodebug.bpf"
# No symbol table at all: each code section is one program named after it.
$BPF -c tests/progs/xdp_drop.c -o "$out/seed_nosyms.bpf"
${OBJCOPY:-llvm-objcopy} --strip-all "$out/seed_nosyms.bpf"
