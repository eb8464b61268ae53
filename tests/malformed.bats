#!/usr/bin/env bats
# The malformed corpus: tests/mkmalformed.py breaks every test object in
# about seventy ways, one fault per file (truncations, header bit flips,
# sizes, counts, indices and offsets out of range, BTF type ids past the
# last type).  Each file must be refused with exit 2 and a message from the
# step that found the fault, by `inspect` and by an `attach` in a test
# namespace, under the sanitizer build, leaving nothing in the kernel.
load helpers

[ -x "$ROOT/xdpload-asan" ] && XDPLOAD="$ROOT/xdpload-asan"

setup_file() {
	command -v python3 >/dev/null || skip "python3 is needed to generate the corpus"
	CORPUS="$BATS_FILE_TMPDIR/corpus"
	"$ROOT/tests/mkmalformed.py" "$CORPUS" "$ROOT/xdp_kern.o" "$PROGS"/*.o >/dev/null
	export CORPUS
	if [ "$(id -u)" -eq 0 ]; then
		netns_create ml
		bpffs_create
	fi
}

teardown_file() {
	if [ "$(id -u)" -eq 0 ]; then
		bpffs_destroy
		netns_destroy ml
	fi
}

setup() {
	command -v python3 >/dev/null || skip "python3 is needed to generate the corpus"
}

# Check one run's outcome, already in $rc and the file $err; print what is
# wrong and return 1, or return 0.  usage: refused FILE STEP WHAT CODES
refused() {
	local file="$1" step="$2" what="$3" codes="$4" first
	first=$(head -n 1 "$err")
	if [[ " $codes " != *" $rc "* ]] || [ -s "$out" ] ||
		! [[ "$first" =~ ^xdpload:\ ($step):\ . ]] ||
		grep -q -e "Sanitizer" -e "runtime error" -e "LeakSanitizer" "$err"; then
		echo "$file ($what): exit $rc, wanted $codes and \"xdpload: $step: ...\":"
		head -n 5 "$err" "$out"
		return 1
	fi
}

@test "the corpus is the same every time: a fixed seed, no clock, no state" {
	again="$BATS_TEST_TMPDIR/again"
	"$ROOT/tests/mkmalformed.py" "$again" "$ROOT/xdp_kern.o" "$PROGS"/*.o >/dev/null
	assert_equal "$(cd "$again" && sha256sum -- * | sha256sum)" \
		"$(cd "$CORPUS" && sha256sum -- * | sha256sum)"
	[ "$(wc -l <"$CORPUS/MANIFEST")" -ge 1000 ]
}

@test "inspect refuses every malformed object: exit 2, the step that broke, no sanitizer report" {
	out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" bad=0
	while IFS=$'\t' read -r file step what; do
		rc=0
		xdpload inspect "$CORPUS/$file" >"$out" 2>"$err" || rc=$?
		refused "$file" "$step" "$what" 2 || bad=$((bad + 1))
	done <"$CORPUS/MANIFEST"
	assert_equal "$bad" 0
}

@test "attach in a test namespace refuses every malformed object and leaves nothing behind" {
	require_root
	out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" bad=0
	first_id=$(bpftool prog show -j | jq '[.[].id] | max // 0')
	pins=$(find "$BPFFS" -mindepth 1) # a fresh bpffs may hold the kernel's own *.debug files
	while IFS=$'\t' read -r file step what; do
		rc=0
		nsenter --net="/run/netns/$NS_B" "$XDPLOAD" attach --pin-maps "$BPFFS/maps" \
			"$CORPUS/$file" "$IF_B" >"$out" 2>"$err" || rc=$?
		# 3: a fault only the kernel found is still a refusal, if nothing stays.
		refused "$file" "$step|load" "$what" "2 3" || bad=$((bad + 1))
		id=$(xdp_id_b 2>/dev/null)
		if [ -n "$id" ]; then
			echo "$file ($what): left program $id attached"
			in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null
			bad=$((bad + 1))
		fi
	done <"$CORPUS/MANIFEST"
	assert_equal "$bad" 0
	# Nothing pinned, and no program loaded since the first file outlives its loader.
	assert_equal "$(find "$BPFFS" -mindepth 1)" "$pins"
	names=$(for o in "$ROOT/xdp_kern.o" "$PROGS"/*.o; do
		readelf -sW "$o" | awk '$4 == "FUNC" { print $8 }'
	done | sort -u | paste -sd '|')
	for _ in $(seq 20); do
		left=$(bpftool prog show -j | jq -r --argjson from "$first_id" --arg names "^($names)$" \
			'.[] | select(.id > $from and ((.name // "") | test($names))) | "\(.id) \(.name)"')
		[ -z "$left" ] && break
		sleep 0.1
	done
	assert_equal "$left" ""
}

@test "valgrind: one malformed object of each kind is refused with no leak, no invalid read, no fd left" {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	[ -x "$ROOT/xdpload-dbg" ] || skip "make xdpload-dbg first"
	log="$BATS_TEST_TMPDIR/vg.log" bad=0
	# The kind is the file name without its object and numbers, to the second
	# dash: trunc-, shdr-size, btf-ref, ...
	while IFS=$'\t' read -r file step what; do
		rc=0
		valgrind -q --track-fds=yes --leak-check=full --errors-for-leak-kinds=definite \
			--error-exitcode=99 --suppressions="$ROOT/tests/valgrind.supp" --log-file="$log" \
			"$ROOT/xdpload-dbg" inspect "$CORPUS/$file" >/dev/null 2>&1 || rc=$?
		if [ "$rc" -ne 2 ] || grep -A1 "Open file descriptor" "$log" |
			grep -v -e "Open file descriptor" -e "inherited from parent" -e "^--$" | grep -q .; then
			echo "$file ($what): exit $rc under valgrind"
			head -n 30 "$log"
			bad=$((bad + 1))
		fi
	done < <(awk -F'\t' '{ kind = $1; sub(/.*--/, "", kind); gsub(/[0-9]+|\.o$/, "", kind)
		split(kind, w, "-"); kind = w[1] "-" w[2]
		if (!(kind in seen)) { seen[kind] = 1; print } }' "$CORPUS/MANIFEST")
	assert_equal "$bad" 0
}
