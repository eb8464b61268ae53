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
rm -f "$out"/*.bpf
cp xdp_kern.o "$out/xdp_kern.bpf"
for o in tests/progs/*.o; do
	cp "$o" "$out/test_$(basename "$o" .o).bpf"
done
# With -g but without DWARF: .BTF and .BTF.ext in a third of the bytes, so
# that more mutations land in them.
for n in maps sections globals core; do
	$BPF -g -c "fuzz/seeds/$n.c" -o "$out/seed_$n.bpf"
	${OBJCOPY:-llvm-objcopy} --strip-debug "$out/seed_$n.bpf"
done
# The CO-RE corpus (make core-progs), stripped the same way, when it is built.
for n in core_hdr core_kinds; do
	[ -f "tests/progs/core/$n.o" ] || continue
	${OBJCOPY:-llvm-objcopy} --strip-debug "tests/progs/core/$n.o" "$out/test_$n.bpf"
done
# Without -g: a few hundred bytes, which the fuzzer mutates fastest.
for n in subprog maps16; do
	$BPF -c "fuzz/seeds/$n.c" -o "$out/seed_${n}_nodebug.bpf"
done

# btf_fuzz: the .BTF and .BTF.ext of every seed above, as that target reads
# them: the length of .BTF (u32, little-endian), .BTF, then .BTF.ext.
btf=fuzz/corpus-btf
mkdir -p "$btf"
rm -f "$btf"/*.btf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for o in "$out"/*.bpf; do
	name=$(basename "$o" .bpf)
	# With no output file, objcopy would rewrite the seed in place.
	${OBJCOPY:-llvm-objcopy} --dump-section .BTF="$tmp/btf" "$o" "$tmp/copy" 2>/dev/null || continue
	${OBJCOPY:-llvm-objcopy} --dump-section .BTF.ext="$tmp/ext" "$o" "$tmp/copy" 2>/dev/null || : >"$tmp/ext"
	n=$(wc -c <"$tmp/btf")
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n & 255)) $((n >> 8 & 255)) $((n >> 16 & 255)) $((n >> 24)))" >"$btf/$name.btf"
	cat "$tmp/btf" "$tmp/ext" >>"$btf/$name.btf"
	rm -f "$tmp/btf" "$tmp/ext" "$tmp/copy"
done
