#!/usr/bin/env bats
# The documents that describe the code must keep describing it:
# docs/life-of-a-load.md against a fresh strace of the load it walks through,
# and the man page against `xdpload --help`, which the verb and option tables
# in loader.c print.
load helpers

MAN="$ROOT/xdpload.8"

setup_file() {
	# Only the strace test needs a network namespace (and root).
	if [ "$(id -u)" -eq 0 ]; then
		netns_create dc
	fi
}

teardown_file() {
	netns_destroy
}

# The system calls of an strace text, one a line: a bpf call with its command,
# as bpf(BPF_PROG_LOAD); musl's malloc calls left out (the document says why).
syscall_sequence() {
	sed -E 's/^[0-9]+ +//' |
		grep -E '^[a-z0-9_]+\(' |
		sed -E 's/^(bpf\([A-Z_]+).*/\1)/; t; s/^([a-z0-9_]+)\(.*/\1/' |
		grep -vxE 'brk|mmap|munmap|mremap|madvise'
}

# The trace the document shows: its ```strace blocks, in order.
doc_trace() {
	awk '/^```strace$/ { on = 1; next } /^```$/ { on = 0 } on' "$ROOT/docs/life-of-a-load.md"
}

@test "docs/life-of-a-load.md shows the system calls xdpload run makes, in order" {
	require_root
	require_pkg strace
	grep -q musl-gcc "$ROOT/build/xdpload.cc" ||
		skip "the document traces the musl build; this one was built with: $(cat "$ROOT/build/xdpload.cc")"
	doc_trace | syscall_sequence >"$BATS_TEST_TMPDIR/doc"
	# The blocks are not empty and the filter keeps bpf commands apart.
	grep -qx 'bpf(BPF_PROG_LOAD)' "$BATS_TEST_TMPDIR/doc"
	in_b strace -f -e trace=all -o "$BATS_TEST_TMPDIR/trace" \
		"$XDPLOAD" run "$ROOT/bench/xdp_pass.o" "$IF_B" --duration 0
	syscall_sequence <"$BATS_TEST_TMPDIR/trace" >"$BATS_TEST_TMPDIR/now"
	run diff -u --label docs/life-of-a-load.md --label "strace xdpload run" \
		"$BATS_TEST_TMPDIR/doc" "$BATS_TEST_TMPDIR/now"
	assert_success
}

@test "docs/life-of-a-load.md: every \`FILE: function()\` it names is defined in that file" {
	refs=$(tr '\n' ' ' <"$ROOT/docs/life-of-a-load.md" | grep -oE '`[a-z_/]+\.[ch]: +[a-z_0-9]+\(\)`' | sort -u)
	[ -n "$refs" ]
	while read -r ref; do
		file=$(sed -E 's/^`([^:]+):.*/\1/' <<<"$ref")
		fn=$(sed -E 's/^`[^:]+: +([a-z_0-9]+)\(\)`$/\1/' <<<"$ref")
		# A definition: the name at the start of a line (static inline in a header too).
		grep -qE "^([a-z].* )?\**$fn\(" "$ROOT/$file" || fail "docs/life-of-a-load.md names $file: $fn(), which $file does not define"
	done <<<"$refs"
}

# ---- the man page ----

# The man page's source as text: hyphens unescaped, font changes dropped.
man_unescape() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'
}

# The verbs --help lists (the first word of each line before "options:").
help_verbs() {
	xdpload "$@" --help | awk '/^options:/ { exit } /^  [a-z]/ { print $1 }' | sort -u
}

# The options --help lists, for every verb or after one: "-h, --help" is two.
help_options() {
	xdpload "$@" --help | awk '/^options:/ { on = 1; next } on' |
		grep -oE '^  -[-a-z]+(, -[-a-z]+)?' | tr ',' '\n' | tr -d ' ' | sort -u
}

# The verbs the man page documents: the first word of each .TP tag in COMMANDS.
man_verbs() {
	awk '/^\.SH / { sec = $2 } sec == "COMMANDS" && prev == ".TP" { print } { prev = $0 }' "$MAN" |
		sed -E 's/^\.[A-Z]+ +//; s/"//g' | awk '{ print $1 }' | sort -u
}

# The options the man page documents: those named in the .TP tags of OPTIONS.
man_options() {
	awk '/^\.SH / { sec = $2 } sec == "OPTIONS" && prev == ".TP" { print } { prev = $0 }' "$MAN" |
		man_unescape | grep -oE '(^|[ "])-[-a-z]+' | tr -d ' "' | sort -u
}

# What the man page says about one verb: each of its entries in COMMANDS, and
# the paragraph that opens the subsection it is in (where the firewall's
# verbs share --pin-maps).
man_verb_text() {
	awk -v verb="$1" '
		/^\.SH / { sec = $2; cur = ""; next }
		sec != "COMMANDS" { next }
		/^\.SS / { pre = ""; in_pre = 1; cur = ""; next }
		/^\.TP/ { in_pre = 0; tag = 1; cur = ""; next }
		tag {
			line = $0
			sub(/^\.[A-Z]+ +/, "", line)
			gsub(/"/, "", line)
			split(line, w, " ")
			cur = w[1]
			tag = 0
			if (cur == verb)
				printf "%s", pre
		}
		in_pre { pre = pre $0 "\n" }
		cur == verb { print }
	' "$MAN" | man_unescape
}

@test "xdpload.8 documents every verb and option --help lists, and no verb it does not" {
	run diff -u --label "xdpload --help" --label xdpload.8 <(help_verbs) <(man_verbs)
	assert_success
	# At least the verbs the README promises, so the parsing above cannot go blind.
	for verb in run attach detach status inspect test map gen firewall block allow unblock rules stats events; do
		grep -qx "$verb" <(man_verbs)
	done
	missing=$(comm -23 <(help_options) <(man_options))
	assert_equal "$missing" ""
	[ "$(help_options | wc -l)" -ge 20 ]
}

@test "xdpload.8: each verb's entry names the options \`xdpload VERB --help\` lists for it" {
	for verb in $(help_verbs); do
		text=$(man_verb_text "$verb")
		[ -n "$text" ] || fail "xdpload.8 has no entry for $verb"
		for opt in $(help_options "$verb"); do
			case "$opt" in -v | -h | --help | --version) continue ;; esac
			[[ "$text" =~ (^|[^-a-z])$opt([^-a-z]|$) ]] ||
				fail "xdpload.8: the entry for $verb does not mention $opt, which \`xdpload $verb --help\` lists"
		done
	done
}

@test "xdpload.8 renders, without warnings from groff" {
	require_pkg man-db # and with it groff
	run -0 --separate-stderr groff -man -Tutf8 -ww -z "$MAN"
	assert_equal "$stderr" ""
	run -0 --separate-stderr man -l "$MAN"
	assert_line --regexp '^XDPLOAD\(8\) +System Administration +XDPLOAD\(8\)$'
	assert_line --regexp '^ +xdpload attach obj iface$'
	assert_line "EXIT STATUS"
}

@test "make install: bin/xdpload and share/man/man8/xdpload.8 under DESTDIR and PREFIX" {
	dest="$BATS_TEST_TMPDIR/dest"
	run -0 make -C "$ROOT" -s install DESTDIR="$dest" PREFIX=/opt/xdpl
	assert_file_executable "$dest/opt/xdpl/bin/xdpload"
	assert_files_equal "$ROOT/xdpload.8" "$dest/opt/xdpl/share/man/man8/xdpload.8"
	assert_file_permission 644 "$dest/opt/xdpl/share/man/man8/xdpload.8"
	run -0 "$dest/opt/xdpl/bin/xdpload" --version
	# PREFIX defaults to /usr/local.
	run -0 make -C "$ROOT" -s -n install DESTDIR=/nowhere
	assert_output --partial "/nowhere/usr/local/bin/xdpload"
	assert_output --partial "/nowhere/usr/local/share/man/man8/xdpload.8"
}
