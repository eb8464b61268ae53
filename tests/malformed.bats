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
	require_pkg python3 # to generate the corpus
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
	require_pkg python3 # to generate the corpus
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
	out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" ids="$BATS_TEST_TMPDIR/ids" bad=0
	pins=$(find "$BPFFS" -mindepth 1) # a fresh bpffs may hold the kernel's own *.debug files
	: >"$ids"
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
		# A refusal by the parser (elf, btf) comes before any system call but
		# reading the file.  One from the load step reached the kernel: again
		# with -v, which names the id of any program it loaded.  Program ids
		# are every process's: only these are looked at below.
		if [ "$rc" -eq 3 ] || [[ "$(head -n 1 "$err")" == "xdpload: load: "* ]]; then
			nsenter --net="/run/netns/$NS_B" "$XDPLOAD" attach -v --pin-maps "$BPFFS/maps" \
				"$CORPUS/$file" "$IF_B" >/dev/null 2>"$err" || true
			logged_prog_ids "$err" >>"$ids"
			! xdp_attached_b || in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null
		fi
	done <"$CORPUS/MANIFEST"
	assert_equal "$bad" 0
	assert_equal "$(find "$BPFFS" -mindepth 1)" "$pins"
	# -v does name a loaded program's id (so the list above is not blind)...
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" attach -v "$PROGS/xdp_drop.o" "$IF_B" >/dev/null 2>"$err"
	in_b "$ROOT/xdpload" detach "$IF_B" >/dev/null
	assert_equal "$(logged_prog_ids "$err" | wc -l)" 1
	# ...and none of the programs those refused loads made is still loaded.
	echo "$(wc -l <"$ids") programs loaded by refused loads" >&3
	prog_gone $(logged_prog_ids "$err") $(cat "$ids")
}

@test "valgrind: one malformed object of each kind is refused with no leak, no invalid read, no fd left" {
	require_pkg valgrind
	[ -x "$ROOT/xdpload-dbg" ] || skip "make xdpload-dbg first"
	log="$BATS_TEST_TMPDIR/vg.log" bad=0
	valgrind_args "$log"
	# The kind is the file name without its object and numbers, to the second
	# dash: trunc-, shdr-size, btf-ref, ...
	while IFS=$'\t' read -r file step what; do
		rc=0
		"${VALGRIND[@]}" "$ROOT/xdpload-dbg" inspect "$CORPUS/$file" >/dev/null 2>&1 || rc=$?
		if [ "$rc" -ne 2 ] || [ -n "$(valgrind_fds_left "$log")" ]; then
			echo "$file ($what): exit $rc under valgrind"
			head -n 30 "$log"
			bad=$((bad + 1))
		fi
	done < <(awk -F'\t' '{ kind = $1; sub(/.*--/, "", kind); gsub(/[0-9]+|\.o$/, "", kind)
		split(kind, w, "-"); kind = w[1] "-" w[2]
		if (!(kind in seen)) { seen[kind] = 1; print } }' "$CORPUS/MANIFEST")
	assert_equal "$bad" 0
}
