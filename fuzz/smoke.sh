#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make fuzz-smoke: run each fuzz target for FUZZ_SECONDS (default 60) from its
# committed seeds, then every kept crash once.  CI runs it; the long runs
# are recorded in fuzz/README.md.  New inputs go to a temporary directory,
# never into the committed corpus.  A crash fails the run and is printed in
# base64, so that a CI log is enough to rebuild it:
#     base64 -d > crash-x <<EOF ... EOF; fuzz/elf_fuzz crash-x
#
# Without libFuzzer (Debian: libclang-rt-14-dev for clang 14) it says so and
# exits 0: a machine that cannot build the targets has nothing to run.
set -u
cd "$(dirname "$0")/.."

secs=${FUZZ_SECONDS:-60}
clang=${CLANG:-clang}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' >"$tmp/probe.c"
if ! command -v "$clang" >/dev/null 2>&1 ||
	! "$clang" -fsanitize=fuzzer,address,undefined "$tmp/probe.c" -o "$tmp/probe" 2>"$tmp/probe.err"; then
	echo "fuzz-smoke: skipped: $clang cannot link -fsanitize=fuzzer (Debian: apt install libclang-rt-14-dev, or the version matching clang):"
	head -n 3 "$tmp/probe.err" | sed 's/^/    /'
	exit 0
fi
make -s fuzz || exit 1

status=0
# target, seeds, dictionary, the seconds one input may take: parsing an
# object or its BTF is near-linear in its size (tests/bounds.bats), so an
# input of the fuzzer's few kilobytes that takes 2 s under the sanitizers is
# a bug, reported like a crash.
for spec in elf:corpus:elf:2 btf:corpus-btf:elf:2 rules:rules-seeds:rules:10 \
	inflate:inflate-seeds:inflate:10 kconfig:kconfig-seeds:kconfig:10; do
	IFS=: read -r target seeds dict timeout <<-EOF
	$spec
	EOF
	mkdir "$tmp/$target"
	fuzz/${target}_fuzz -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
		-dict="fuzz/$dict.dict" -print_final_stats=1 -artifact_prefix="$tmp/$target-" \
		"$tmp/$target" "fuzz/$seeds" >"$tmp/$target.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$target.log")
	cov=$(grep -E '^#[0-9]+' "$tmp/$target.log" | tail -n 1 | sed -n 's/.*\(cov: [0-9]* ft: [0-9]*\).*/\1/p')
	crashes=$(ls "$tmp/$target-"* 2>/dev/null)
	if [ $rc -ne 0 ] || [ -n "$crashes" ]; then
		echo "fuzz-smoke: ${target}_fuzz FAILED (exit $rc) after ${runs:-?} runs:"
		grep -E -A 12 'ERROR:|runtime error|broken promise|description breaks|ALARM' "$tmp/$target.log" | head -n 40
		for c in $crashes; do
			echo "fuzz-smoke: $(basename "$c"), base64:"
			base64 "$c"
		done
		status=1
	else
		echo "fuzz-smoke: ${target}_fuzz: ${runs:-?} runs in ${secs} s, ${cov:-cov ?}, no crash"
	fi
done

# Every input a bug was once found with still runs clean: fuzz/crashes/ in
# elf_fuzz, fuzz/crashes-TARGET/ in that target.
for dir in fuzz/crashes fuzz/crashes-*; do
	target=${dir#fuzz/crashes-}
	[ "$dir" != fuzz/crashes ] || target=elf
	if ! fuzz/${target}_fuzz "$dir"/* >"$tmp/crashes.log" 2>&1; then
		echo "fuzz-smoke: a kept crash in $dir/ fails ${target}_fuzz again:"
		tail -n 30 "$tmp/crashes.log"
		status=1
	else
		echo "fuzz-smoke: the $(ls "$dir" | wc -l) inputs in $dir/ run clean"
	fi
done
exit $status
