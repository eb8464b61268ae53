#!/usr/bin/env bats
# Running the firewall for real: its Prometheus metrics (checked by
# promtool, served by a real node_exporter and read back with curl), rules
# that follow a file (an edit, a rename into place, a ConfigMap's ..data
# swap, a bad file, SIGHUP, SIGTERM), the systemd units (systemd-analyze
# verify and security, their commands run as written with the capabilities
# and system calls they allow) and the Kubernetes DaemonSet (it parses, and
# its commands run as written).  Nothing here touches the machine's
# systemd: units are only verified, and their command lines run by hand.
load helpers

setup_file() {
	require_root
	netns_create op
	netns_quiet
	bpffs_create
	in_b "$XDPLOAD" firewall attach "$IF_B" --pin-maps "$BPFFS" >/dev/null
}

teardown_file() {
	netns_destroy
	bpffs_destroy
}

setup() {
	require_root
}

# Background processes a test started, stopped whatever the test's outcome.
teardown() {
	local pid
	[ -f "$BATS_TEST_TMPDIR/bg.pids" ] || return 0
	while read -r pid; do
		kill -TERM "$pid" 2>/dev/null || continue
		wait_exit "$pid" 5 >/dev/null 2>&1 || true
	done <"$BATS_TEST_TMPDIR/bg.pids"
}
bg_started() { echo "$1" >>"$BATS_TEST_TMPDIR/bg.pids"; }

fw() { in_b "$XDPLOAD" "$@" --pin-maps "$BPFFS"; }

# The rules on IF_B, sorted, on one line; rules_are CIDR...: exactly these.
cidrs() { fw rules --dev "$IF_B" -j | jq -r '.rules[].cidr' | sort | tr '\n' ' '; }
rules_are() { [ "$(cidrs)" = "$(printf '%s\n' "$@" | sort | tr '\n' ' ')" ]; }

# set_rules CIDR...: IF_B's rules, whatever an earlier test left.
set_rules() { printf '%s\n' "$@" | fw rules load - --dev "$IF_B" --force >/dev/null; }

# A 42-byte IPv4 UDP frame from SRC to B, as hex, for `xdpload test`.
frame4() {
	local IFS=.
	# shellcheck disable=SC2086
	echo "0200000000020200000000010800" "4500001c0000400040110000$(printf '%02x' $1)0ac90002" \
		"0000000000000000" | tr -d ' '
}

# hits SRC N: N packets from SRC through IF_B's firewall (BPF_PROG_TEST_RUN
# against its state: the counters move as on the wire).
hits() { fw test --builtin --dev "$IF_B" --packet "$(frame4 "$1")" --repeat "$2" >/dev/null; }

# A sample's value in Prometheus text: metric FILE 'NAME{LABELS}'.  Labels
# match in any order (node_exporter sorts them), and the value is an
# integer (it writes 1048576 as 1.048576e+06).
metric() {
	python3 -c '
import re, sys
sample = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$")
label = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\]|\\.)*)\",?")
def key(m):
    return m.group(1), frozenset(label.findall(m.group(2) or ""))
want = key(sample.match(sys.argv[2] + " 0"))
for line in open(sys.argv[1]):
    m = sample.match(line.strip())
    if m and not line.startswith("#") and key(m) == want:
        print("%.0f" % float(m.group(3)))
' "$@"
}

# modified_since FILE TIME: FILE's mtime (stat -c %y) is no longer TIME.
modified_since() { [ "$(stat -c %y "$1")" != "$2" ]; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- Prometheus ----

@test "stats --format prometheus: promtool accepts it, and each counter is what stats -j says" {
	require_pkg prometheus
	set_rules 10.201.0.1 198.51.100.0/24 2001:db8::1 2001:db8:1::/48
	before=$(fw stats --dev "$IF_B" -j | jq .drop.packets)
	run ! ping_b 3
	hits 198.51.100.9 2
	fw stats --dev "$IF_B" --format prometheus >"$BATS_TEST_TMPDIR/m.prom"
	fw stats --dev "$IF_B" -j >"$BATS_TEST_TMPDIR/s.json"
	run -0 promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	assert_output ""
	m="$BATS_TEST_TMPDIR/m.prom" s="$BATS_TEST_TMPDIR/s.json" l="iface=\"$IF_B\""
	assert_equal "$(jq .drop.packets "$s")" $((before + 5))
	for v in pass drop malformed; do
		assert_equal "$(metric "$m" "xdpload_firewall_packets_total{$l,verdict=\"$v\"}")" "$(jq ".$v.packets" "$s")"
		assert_equal "$(metric "$m" "xdpload_firewall_bytes_total{$l,verdict=\"$v\"}")" "$(jq ".$v.bytes" "$s")"
	done
	assert_equal "$(metric "$m" "xdpload_firewall_events_total{$l,result=\"sent\"}")" "$(jq .events_sent.packets "$s")"
	assert_equal "$(metric "$m" "xdpload_firewall_events_total{$l,result=\"rate_limited\"}")" "$(jq .events_rate_limited.packets "$s")"
	assert_equal "$(metric "$m" "xdpload_firewall_events_total{$l,result=\"lost\"}")" "$(jq .events_lost.packets "$s")"
	assert_equal "$(metric "$m" "xdpload_firewall_rule_hits_uncounted_total{$l}")" "$(jq .hits_not_counted.packets "$s")"
	assert_equal "$(metric "$m" "xdpload_firewall_events_rate_limit{$l}")" "$(jq .events_per_sec "$s")"
	# Rules per family and kind, and the maps they fill.
	assert_equal "$(metric "$m" "xdpload_firewall_rules{$l,family=\"ipv4\",kind=\"address\"}")" 1
	assert_equal "$(metric "$m" "xdpload_firewall_rules{$l,family=\"ipv4\",kind=\"prefix\"}")" 1
	assert_equal "$(metric "$m" "xdpload_firewall_rules{$l,family=\"ipv6\",kind=\"address\"}")" 1
	assert_equal "$(metric "$m" "xdpload_firewall_rules{$l,family=\"ipv6\",kind=\"prefix\"}")" 1
	assert_equal "$(awk '$1 ~ /^xdpload_firewall_rules\{/ { n += $2 } END { print n }' "$m")" "$(jq .rules "$s")"
	assert_equal "$(metric "$m" "xdpload_firewall_map_entries{$l,map=\"fw_lpm4\"}")" 1
	assert_equal "$(metric "$m" "xdpload_firewall_map_capacity{$l,map=\"fw_v4\"}")" 1048576
	# fw_hits holds prefixes' counters: an exact rule's hits are in its own fw_v4 entry.
	assert_equal "$(metric "$m" "xdpload_firewall_map_entries{$l,map=\"fw_hits\"}")" 1
	# The program ip sees on the interface, its tag as bpftool has it, the layout.
	id=$(xdp_id_b)
	tag=$(bpftool prog show id "$id" -j | jq -r .tag)
	assert_equal "$(metric "$m" "xdpload_firewall_info{$l,prog_id=\"$id\",tag=\"$tag\",mode=\"native\",layout=\"3\",policy=\"deny\",malformed=\"pass\",version=\"$("$XDPLOAD" --version | cut -d' ' -f2)\"}")" 1
	assert_equal "$(metric "$m" "xdpload_firewall_attached{$l}")" 1
	# No rule is a series of its own without --top.
	run -1 grep -c '^xdpload_firewall_rule_packets_total' "$m"
}

@test "stats --top N: the N rules that matched most, and never more; --top is bounded" {
	require_pkg prometheus
	set_rules 10.9.0.1 10.9.0.2 10.9.0.3 10.9.0.4 10.10.0.0/16
	hits 10.9.0.1 1
	hits 10.9.0.2 5
	hits 10.10.3.4 3
	hits 10.9.0.4 2
	fw stats --dev "$IF_B" --format prometheus --top 2 >"$BATS_TEST_TMPDIR/m.prom"
	run -0 promtool check metrics <"$BATS_TEST_TMPDIR/m.prom"
	run -0 grep '^xdpload_firewall_rule_packets_total' "$BATS_TEST_TMPDIR/m.prom"
	assert_equal "${#lines[@]}" 2
	id2=$(fw rules --dev "$IF_B" -j | jq '.rules[] | select(.cidr == "10.9.0.2") | .rule')
	id16=$(fw rules --dev "$IF_B" -j | jq '.rules[] | select(.cidr == "10.10.0.0/16") | .rule')
	assert_line --index 0 "xdpload_firewall_rule_packets_total{iface=\"$IF_B\",rule=\"$id2\",match=\"10.9.0.2\"} 5"
	assert_line --index 1 "xdpload_firewall_rule_packets_total{iface=\"$IF_B\",rule=\"$id16\",match=\"10.10.0.0/16\"} 3"
	assert_equal "$(metric "$BATS_TEST_TMPDIR/m.prom" "xdpload_firewall_rule_bytes_total{iface=\"$IF_B\",rule=\"$id2\",match=\"10.9.0.2\"}")" 210
	# More asked than rules with hits: those there are.
	fw stats --dev "$IF_B" --format prometheus --top 1000 >"$BATS_TEST_TMPDIR/all.prom"
	run -0 grep -c '^xdpload_firewall_rule_packets_total' "$BATS_TEST_TMPDIR/all.prom"
	assert_output 4
	run -1 --separate-stderr fw stats --dev "$IF_B" --format prometheus --top 1001
	assert_equal "$stderr" "xdpload: stats: --top: at most 1000 rules (each is a series of its own)"
	run -1 --separate-stderr fw stats --dev "$IF_B" --top 3
	assert_equal "$stderr" "xdpload: stats: --top and --interval are for the Prometheus format: add --format prometheus or --textfile DIR"
	run -1 --separate-stderr fw stats --dev "$IF_B" --format prometheus -j
	assert_equal "$stderr" "xdpload: stats: -j and the Prometheus format are two outputs: choose one"
	run -1 fw stats --dev "$IF_B" --format yaml
	assert_line --index 0 "xdpload: --format yaml: expected text, json or prometheus"
}

@test "stats --textfile DIR: DIR/xdpload_IFACE.prom, renamed into place whole, nothing else left in DIR" {
	require_pkg prometheus
	dir="$BATS_TEST_TMPDIR/textfile"
	mkdir "$dir"
	set_rules 10.201.0.1
	run -0 --separate-stderr fw stats --dev "$IF_B" --textfile "$dir" --top 3
	assert_output ""
	file="$dir/xdpload_$IF_B.prom"
	fw stats --dev "$IF_B" --format prometheus --top 3 >"$BATS_TEST_TMPDIR/stdout.prom"
	assert_files_equal "$file" "$BATS_TEST_TMPDIR/stdout.prom"
	run -0 promtool check metrics <"$file"
	assert_file_permission 644 "$file"
	run -0 ls -A "$dir"
	assert_output "xdpload_$IF_B.prom"
	# Each write is a new file under another name, renamed over the old one.
	in_b strace -qq -e trace=open,openat,rename -o "$BATS_TEST_TMPDIR/trace" \
		"$XDPLOAD" stats --dev "$IF_B" --pin-maps "$BPFFS" --textfile "$dir"
	run -0 grep -F "\"$dir/" "$BATS_TEST_TMPDIR/trace"
	assert_line --index 0 --regexp "^open(at)?\((AT_FDCWD, )?\"$dir/\.xdpload_$IF_B\.prom\.[0-9]+\", O_WRONLY\|O_CREAT\|O_TRUNC(\|O_LARGEFILE)?\|O_CLOEXEC, 0644\) = [0-9]+$"
	assert_line --index 1 --regexp "^rename\(\"$dir/\.xdpload_$IF_B\.prom\.[0-9]+\", \"$dir/xdpload_$IF_B\.prom\"\) = 0$"
	assert_equal "${#lines[@]}" 2
	# --interval: written again and again; a reader never sees half a file.
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" stats --dev "$IF_B" --pin-maps "$BPFFS" --textfile "$dir" --interval 1 \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	pid=$!
	bg_started "$pid"
	written=$(stat -c %y "$file")
	wait_until 5 modified_since "$file" "$written"
	written=$(stat -c %y "$file")
	wait_until 5 modified_since "$file" "$written"
	for i in $(seq 200); do
		tail -n 1 "$file" | grep -q '^xdpload_firewall_map_capacity{' || fail "read $i: $(tail -n 1 "$file")"
	done
	# SIGTERM: it stops at once, leaves the last file whole, and the firewall runs on.
	kill -TERM "$pid"
	wait_exit "$pid" 5
	run -0 promtool check metrics <"$file"
	[ -n "$(xdp_id_b)" ]
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
}

@test "stats --textfile: without a firewall to read the file goes (no stale counters); bad directories are refused" {
	dir="$BATS_TEST_TMPDIR/textfile"
	mkdir "$dir"
	ip -n "$NS_B" link add xdplopgone type veth peer name xdplopgonep
	in_b "$XDPLOAD" firewall attach xdplopgone --pin-maps "$BPFFS" >/dev/null
	run -0 fw stats --dev xdplopgone --textfile "$dir"
	assert_file_exists "$dir/xdpload_xdplopgone.prom"
	in_b "$XDPLOAD" firewall detach xdplopgone --purge --pin-maps "$BPFFS" >/dev/null
	ip -n "$NS_B" link del xdplopgone
	run -5 fw stats --dev xdplopgone --textfile "$dir"
	assert_line --partial "no firewall state in $BPFFS/fw-state/xdplopgone"
	assert_line "xdpload: stats: removed $dir/xdpload_xdplopgone.prom until the firewall of xdplopgone can be read again"
	assert_file_not_exists "$dir/xdpload_xdplopgone.prom"
	run -5 --separate-stderr fw stats --dev "$IF_B" --textfile "$dir/none"
	assert_equal "$stderr" "xdpload: stats: --textfile $dir/none: ENOENT (No such file or directory)"
	run -1 --separate-stderr fw stats --dev "$IF_B" --textfile /etc/hostname
	assert_equal "$stderr" "xdpload: stats: --textfile /etc/hostname: not a directory (node_exporter's --collector.textfile.directory)"
	run -1 --separate-stderr fw stats --dev "$IF_B" --format prometheus --interval 5
	assert_equal "$stderr" "xdpload: stats: --interval rewrites a file: it needs --textfile DIR"
	run -1 --separate-stderr fw stats --dev "$IF_B" --textfile "$dir" --interval 0
	assert_equal "$stderr" "xdpload: stats: --interval: from 1 to 86400 seconds"
}

@test "node_exporter's textfile collector serves the metrics; read back with curl, they equal stats -j" {
	require_pkg prometheus-node-exporter
	require_pkg curl
	dir="$BATS_TEST_TMPDIR/textfile"
	mkdir "$dir"
	set_rules 10.201.0.1 2001:db8::/32
	run ! ping_b 2
	fw stats --dev "$IF_B" --textfile "$dir" --top 5
	fw stats --dev "$IF_B" -j >"$BATS_TEST_TMPDIR/s.json"
	port=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$dir" \
		>"$BATS_TEST_TMPDIR/ne.log" 2>&1 3>&- &
	bg_started $!
	wait_until 10 curl -sf -o "$BATS_TEST_TMPDIR/scrape" "http://127.0.0.1:$port/metrics"
	m="$BATS_TEST_TMPDIR/scrape" s="$BATS_TEST_TMPDIR/s.json" l="iface=\"$IF_B\""
	assert_equal "$(metric "$m" 'node_textfile_scrape_error')" 0
	for v in pass drop malformed; do
		assert_equal "$(metric "$m" "xdpload_firewall_packets_total{$l,verdict=\"$v\"}")" "$(jq ".$v.packets" "$s")"
		assert_equal "$(metric "$m" "xdpload_firewall_bytes_total{$l,verdict=\"$v\"}")" "$(jq ".$v.bytes" "$s")"
	done
	[ "$(jq .drop.packets "$s")" -ge 2 ]
	assert_equal "$(metric "$m" "xdpload_firewall_events_total{$l,result=\"sent\"}")" "$(jq .events_sent.packets "$s")"
	assert_equal "$(metric "$m" "xdpload_firewall_rules{$l,family=\"ipv6\",kind=\"prefix\"}")" 1
	id=$(fw rules --dev "$IF_B" -j | jq '.rules[] | select(.cidr == "10.201.0.1") | .rule')
	assert_equal "$(metric "$m" "xdpload_firewall_rule_packets_total{$l,match=\"10.201.0.1\",rule=\"$id\"}")" \
		"$(fw rules --dev "$IF_B" -j | jq '.rules[] | select(.cidr == "10.201.0.1") | .packets')"
	run -0 grep -c "^xdpload_firewall_info{.*prog_id=\"$(xdp_id_b)\"" "$m"
	assert_output 1
}

@test "the README lists every metric xdpload writes" {
	fw stats --dev "$IF_B" --format prometheus --top 1 >"$BATS_TEST_TMPDIR/m.prom"
	hits 10.201.0.1 1
	names=$(sed -n 's/^# TYPE \([a-z_]*\) .*/\1/p' "$BATS_TEST_TMPDIR/m.prom")
	[ "$(wc -l <<<"$names")" -ge 12 ]
	for n in $names; do
		grep -q "\`$n\`" "$ROOT/README.md" || fail "README.md does not list the metric $n"
	done
}

# ---- rules that follow a file ----

# watch_start FILE [OPTIONS...]: rules load FILE --watch on IF_B in the
# background, its output in $BATS_TEST_TMPDIR/watch.out and .err; sets WATCH.
watch_start() {
	local f="$1"
	shift
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" rules load "$f" --dev "$IF_B" --pin-maps "$BPFFS" \
		--watch "$@" >"$BATS_TEST_TMPDIR/watch.out" 2>"$BATS_TEST_TMPDIR/watch.err" 3>&- &
	WATCH=$!
	bg_started "$WATCH"
}
watch_said() { grep -qF -- "$1" "$BATS_TEST_TMPDIR/watch.${2:-out}"; }
said_times() { [ "$(grep -cF -- "$2" "$BATS_TEST_TMPDIR/watch.${3:-out}")" -eq "$1" ]; }
# How many lines of the watch's output say a file was applied.
applied() { grep -c "^rules .* on $IF_B: " "$BATS_TEST_TMPDIR/watch.out" || true; }

@test "rules load --watch: an edit, a rename into place, a bad file (said, old rules kept), SIGHUP, SIGTERM" {
	set_rules 192.0.2.99
	id=$(xdp_id_b)
	f="$BATS_TEST_TMPDIR/etc/$IF_B.rules"
	mkdir "$BATS_TEST_TMPDIR/etc"
	printf '10.0.0.1\n' >"$f"
	watch_start "$f"
	wait_until 5 rules_are 10.0.0.1
	# An edit in place: applied once it is closed.
	printf '10.0.0.1\n10.0.0.2\n' >"$f"
	wait_until 5 rules_are 10.0.0.1 10.0.0.2
	# A file renamed into place, as editors, sed -i and Ansible do.
	printf '10.0.0.3\n2001:db8::/32\n' >"$f.tmp"
	mv "$f.tmp" "$f"
	wait_until 5 rules_are 10.0.0.3 2001:db8::/32
	# An unchanged file is not applied again; SIGHUP applies it, undoing a change by hand.
	n=$(applied)
	touch "$f"
	fw block 10.0.0.4 --dev "$IF_B" >/dev/null
	sleep 0.5
	assert_equal "$(applied)" "$n"
	kill -HUP "$WATCH"
	wait_until 5 rules_are 10.0.0.3 2001:db8::/32
	watch_said "rules --watch: SIGHUP: applying $f"
	# A bad file: the file and line are named, and the rules stay.
	printf '10.0.0.5\nnot-an-address\n' >"$f.tmp"
	mv "$f.tmp" "$f"
	wait_until 5 watch_said "xdpload: rules: $f line 2: not-an-address: not an IPv4 or IPv6 address" err
	watch_said "xdpload: rules --watch: $f not applied; the rules on $IF_B stay as they were" err
	run rules_are 10.0.0.3 2001:db8::/32
	assert_success
	# Fixed: applied.
	printf '10.0.0.5\n' >"$f.tmp"
	mv "$f.tmp" "$f"
	wait_until 5 rules_are 10.0.0.5
	# SIGTERM: exit 0, the firewall attached with the last rules.
	kill -TERM "$WATCH"
	wait_exit "$WATCH" 5
	watch_said "rules --watch: SIGTERM: stopped following $f; the firewall on $IF_B keeps its rules"
	assert_equal "$(xdp_id_b)" "$id"
	run rules_are 10.0.0.5
	assert_success
}

# The kubelet's atomic writer: cm_write DIR TS CIDR... makes DIR/..TS with
# the file, points ..data at it with one rename, and removes the old one.
cm_write() {
	local dir="$1" ts="$2" old=""
	shift 2
	[ ! -L "$dir/..data" ] || old=$(readlink "$dir/..data")
	mkdir "$dir/..$ts"
	printf '%s\n' "$@" >"$dir/..$ts/eth0.rules"
	ln -s "..$ts" "$dir/..data_tmp"
	mv -T "$dir/..data_tmp" "$dir/..data"
	[ -L "$dir/eth0.rules" ] || ln -s ..data/eth0.rules "$dir/eth0.rules"
	[ -z "$old" ] || rm -rf "${dir:?}/$old"
}

@test "rules load --watch follows a ConfigMap volume: each ..data swap is applied" {
	cm="$BATS_TEST_TMPDIR/configmap"
	mkdir "$cm"
	cm_write "$cm" 2026_11_30_10_00_00.1 10.1.0.1
	watch_start "$cm/eth0.rules"
	wait_until 5 rules_are 10.1.0.1
	cm_write "$cm" 2026_11_30_10_01_00.2 10.1.0.1 10.1.0.2
	wait_until 5 rules_are 10.1.0.1 10.1.0.2
	cm_write "$cm" 2026_11_30_10_02_00.3 10.1.0.3
	wait_until 5 rules_are 10.1.0.3
	assert_equal "$(cat "$BATS_TEST_TMPDIR/watch.err")" ""
}

@test "rules load --watch: a file being written is not read until it is closed; a missing file is waited for" {
	set_rules 192.0.2.1
	dir="$BATS_TEST_TMPDIR/etc"
	mkdir "$dir"
	f="$dir/r.rules"
	watch_start "$f"
	wait_until 5 watch_said "xdpload: rules --watch: $f is not there; the rules on $IF_B stay as they are until it is" err
	run rules_are 192.0.2.1
	assert_success
	# Half written: a smaller set that must not be taken for the file.  One
	# writer holds it open (a shell's children would close it too).
	python3 -c '
import sys, time
with open(sys.argv[1], "w") as f:
    f.write("10.2.0.1\n")
    f.flush()
    time.sleep(1.5)
    f.write("10.2.0.2\n")
' "$f" 3>&- &
	writer=$!
	bg_started "$writer"
	wait_until 5 test -s "$f"
	sleep 0.6
	run rules_are 192.0.2.1
	assert_success
	wait_exit "$writer" 5
	wait_until 5 rules_are 10.2.0.1 10.2.0.2
	# Removed: the rules stay, and it says so.
	rm "$f"
	wait_until 5 said_times 2 "is not there" err
	run rules_are 10.2.0.1 10.2.0.2
	assert_success
	# An empty file is no way to drop every rule, unless --force says so.
	: >"$f"
	wait_until 5 watch_said "holds no rules; loading it would remove all 2 rules on $IF_B" err
	run rules_are 10.2.0.1 10.2.0.2
	assert_success
}

@test "rules load --watch under systemd: READY=1 on NOTIFY_SOCKET once the first rules are in" {
	sock="$BATS_TEST_TMPDIR/notify"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(10)
with open(sys.argv[2], "w") as out:
    while True:
        msg = s.recv(4096).decode()
        out.write(msg + "\n")
        out.flush()
        if "STOPPING=1" in msg:
            break
' "$sock" "$BATS_TEST_TMPDIR/notified" 3>&- &
	bg_started $!
	wait_until 5 test -S "$sock"
	printf '10.3.0.1\n' >"$BATS_TEST_TMPDIR/r.rules"
	NOTIFY_SOCKET="$sock" watch_start "$BATS_TEST_TMPDIR/r.rules"
	wait_until 5 grep -qx READY=1 "$BATS_TEST_TMPDIR/notified"
	run rules_are 10.3.0.1
	assert_success
	run -0 head -n 2 "$BATS_TEST_TMPDIR/notified"
	assert_line --index 0 "STATUS=$BATS_TEST_TMPDIR/r.rules applied to $IF_B"
	assert_line --index 1 "READY=1"
	kill -TERM "$WATCH"
	wait_exit "$WATCH" 5
	wait_until 5 grep -qx STOPPING=1 "$BATS_TEST_TMPDIR/notified"
}

@test "rules load --watch: stdin, --dry-run and a firewall that is not there are refused at once" {
	run -1 --separate-stderr fw rules load - --dev "$IF_B" --watch
	assert_equal "$stderr" "xdpload: rules load --watch: standard input cannot change: give a file"
	run -1 --separate-stderr fw rules load /etc/hostname --dev "$IF_B" --watch --dry-run
	assert_equal "$stderr" "xdpload: rules load --watch: --dry-run changes nothing, and --watch is there to change: choose one"
	run -5 fw rules load /etc/hostname --dev xdplopnone --watch
	assert_line --index 0 --partial "no firewall state in $BPFFS/fw-state/xdplopnone"
	run -5 fw rules load "$BATS_TEST_TMPDIR/none/r.rules" --dev "$IF_B" --watch
	assert_line "xdpload: rules --watch: cannot watch the directory $BATS_TEST_TMPDIR/none: ENOENT (No such file or directory)"
	run -1 fw rules load "$BATS_TEST_TMPDIR/r.rules" --dev "$IF_B" --watch --purge
	assert_line --index 0 "xdpload: option --purge does not apply to this verb"
}

@test "rules load: a device, or a file of more than 512 MiB, is refused before it fills memory" {
	run -1 --separate-stderr fw rules load /dev/zero --dev "$IF_B"
	assert_equal "$stderr" "xdpload: rules: /dev/zero is not a regular file (a character device)"
	truncate -s 600M "$BATS_TEST_TMPDIR/huge.rules"
	run -1 --separate-stderr fw rules load "$BATS_TEST_TMPDIR/huge.rules" --dev "$IF_B"
	assert_equal "$stderr" "xdpload: rules: $BATS_TEST_TMPDIR/huge.rules is 629145600 bytes, more than 512 MiB, the most a rules file may be"
}

# ---- firewall attach --upgrade ----

@test "firewall attach --upgrade: attaches where there is none, upgrades its own with no gap, leaves another program alone" {
	dev=xdplopup
	ip -n "$NS_B" link add "$dev" type veth peer name "${dev}p"
	run -0 fw firewall attach "$dev" --upgrade
	assert_line --index 0 --regexp "^attached xdp_firewall \(id [0-9]+\) to $dev \((native|skb) mode\)$"
	first=$(ip -n "$NS_B" -d link show dev "$dev" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	fw block 203.0.113.5 --dev "$dev" >/dev/null
	run -0 fw firewall attach "$dev" --upgrade
	assert_output --regexp "^upgraded the firewall on $dev: program $first -> [0-9]+ \(native mode, via netlink\); rules and counters kept in $BPFFS/fw-state/$dev$"
	run -0 fw rules --dev "$dev" -j
	assert_equal "$(jq -r '.rules[].cidr' <<<"$output")" 203.0.113.5
	# An upgrade is no way to change the settings either.
	now=$(ip -n "$NS_B" -d link show dev "$dev" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	run -1 fw firewall attach "$dev" --upgrade --policy allow-only
	assert_line --index 0 "xdpload: firewall: $BPFFS/fw-state/$dev keeps the policy deny with its rules; --policy allow-only would change what they mean on a reload"
	assert_equal "$(ip -n "$NS_B" -d link show dev "$dev" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')" "$now"
	# Without --upgrade an attached firewall is refused, as before.
	run -4 --separate-stderr fw firewall attach "$dev"
	fw firewall detach "$dev" --purge >/dev/null
	in_b "$XDPLOAD" attach "$ROOT/bench/xdp_pass.o" "$dev" >/dev/null
	run -4 fw firewall attach "$dev" --upgrade
	assert_line "xdpload: kernel says: XDP program already attached"
	run -1 --separate-stderr fw firewall detach "$dev" --upgrade
	assert_equal "$stderr" "xdpload: firewall detach: --upgrade is for firewall attach"
	ip -n "$NS_B" link del "$dev"
}

# ---- systemd ----

# make install into a prefix of the test's own, so the units name a binary that is there.
units_install() {
	PFX="$BATS_TEST_TMPDIR/usr"
	UNITS="$PFX/lib/systemd/system"
	make -s -C "$ROOT" install PREFIX="$PFX" >/dev/null
}

@test "systemd-analyze verify accepts the units make install writes; security rates them well hardened" {
	require_pkg systemd
	units_install
	assert_file_exists "$UNITS/xdpload-firewall@.service"
	assert_file_exists "$UNITS/xdpload-firewall-metrics@.service"
	run -0 grep -h '^Exec' "$UNITS/xdpload-firewall@.service" "$UNITS/xdpload-firewall-metrics@.service"
	refute_output --partial "@BINDIR@"
	assert_line "ExecStartPre=$PFX/bin/xdpload firewall attach %I --upgrade"
	# An instance of each, as `systemctl enable xdpload-firewall@eth0` makes it;
	# Documentation=man:xdpload(8) is looked up with man, where it is there.
	man=--man=yes
	command -v man >/dev/null || man=--man=no
	run -0 env MANPATH="$PFX/share/man" systemd-analyze verify "$man" \
		"$UNITS/xdpload-firewall@eth0.service" "$UNITS/xdpload-firewall-metrics@eth0.service"
	assert_output ""
	# The check can fail: a unit naming a binary that is not there.
	sed 's|^ExecStart=[^ ]*|ExecStart=/nonexistent/xdpload|' "$UNITS/xdpload-firewall@.service" \
		>"$BATS_TEST_TMPDIR/xdpl-broken@.service"
	run -1 systemd-analyze verify --man=no "$BATS_TEST_TMPDIR/xdpl-broken@eth0.service"
	assert_output --partial "Command /nonexistent/xdpload is not executable"
	for u in xdpload-firewall@eth0.service xdpload-firewall-metrics@eth0.service; do
		run -0 systemd-analyze security --offline=true --threshold=25 "$UNITS/$u"
		assert_line --regexp "Overall exposure level for $u: [0-2]\.[0-9] OK"
	done
}

# The command lines of a unit's Exec KEY, as it would run them for IFACE:
# %I the test's interface, its paths the test's directories, --pin-maps
# the test's bpffs.  unit_cmd UNIT KEY, into the array CMD.
unit_cmd() {
	local line
	line=$(sed -n "s/^$2=//p" "$1")
	[ -n "$line" ] || fail "$1 has no $2"
	line=${line//%I/$IF_B}
	line=${line//\/etc\/xdpload/$ETC}
	line=${line//\/var\/lib\/prometheus\/node-exporter/$TEXTFILE}
	read -ra CMD <<<"$line"
	CMD+=(--pin-maps "$BPFFS")
}

# The unit's CapabilityBoundingSet= for setpriv: +bpf,+net_admin,+sys_admin.
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$1" | tr ' ' '\n' | sed 's/^CAP_/+/' | tr 'A-Z' 'a-z' | paste -sd,
}

@test "the units' commands run as written, with only the capabilities the units leave them" {
	require_pkg systemd
	units_install
	ETC="$BATS_TEST_TMPDIR/etc" TEXTFILE="$BATS_TEST_TMPDIR/textfile"
	mkdir "$ETC" "$TEXTFILE"
	fwu="$UNITS/xdpload-firewall@.service" mu="$UNITS/xdpload-firewall-metrics@.service"
	caps=$(unit_caps "$fwu")
	assert_equal "$caps" "+bpf,+net_admin,+sys_admin"
	assert_equal "$(unit_caps "$mu")" "$caps"
	printf '10.4.0.1\n10.4.0.2\n' >"$ETC/$IF_B.rules"
	old=$(xdp_id_b)
	# ExecStartPre on a restart: the firewall attached already is upgraded, never detached.
	unit_cmd "$fwu" ExecStartPre
	run -0 in_b setpriv --bounding-set=-all,"$caps" -- "${CMD[@]}"
	assert_output --regexp "^upgraded the firewall on $IF_B: program $old -> [0-9]+ "
	# ExecStart: the rules of /etc/xdpload/IFACE.rules, followed.
	unit_cmd "$fwu" ExecStart
	nsenter --net="/run/netns/$NS_B" setpriv --bounding-set=-all,"$caps" -- "${CMD[@]}" \
		>"$BATS_TEST_TMPDIR/watch.out" 2>&1 3>&- &
	watch=$!
	bg_started "$watch"
	wait_until 5 rules_are 10.4.0.1 10.4.0.2
	printf '10.4.0.3\n' >"$ETC/$IF_B.rules.new"
	mv "$ETC/$IF_B.rules.new" "$ETC/$IF_B.rules"
	wait_until 5 rules_are 10.4.0.3
	# ExecReload's signal.
	grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$fwu"
	kill -HUP "$watch"
	wait_until 5 grep -q "SIGHUP: applying" "$BATS_TEST_TMPDIR/watch.out"
	# The metrics unit's command writes the textfile.
	unit_cmd "$mu" ExecStart
	nsenter --net="/run/netns/$NS_B" setpriv --bounding-set=-all,"$caps" -- "${CMD[@]}" \
		>"$BATS_TEST_TMPDIR/metrics.out" 2>&1 3>&- &
	metrics=$!
	bg_started "$metrics"
	wait_until 5 test -s "$TEXTFILE/xdpload_$IF_B.prom"
	assert_equal "$(metric "$TEXTFILE/xdpload_$IF_B.prom" "xdpload_firewall_attached{iface=\"$IF_B\"}")" 1
	# systemctl stop sends SIGTERM: both exit 0, and the firewall stays with its rules.
	now=$(xdp_id_b)
	kill -TERM "$watch" "$metrics"
	wait_exit "$watch" 5
	wait_exit "$metrics" 5
	assert_equal "$(xdp_id_b)" "$now"
	run rules_are 10.4.0.3
	assert_success
	assert_equal "$(cat "$BATS_TEST_TMPDIR/metrics.out")" ""
}

# Every system call a command made, one name a line (strace -o FILE).
syscalls_of() {
	sed -E 's/^[0-9]+ +//' "$1" | grep -oE '^[a-z_0-9]+\(' | tr -d '(' | sort -u
}

# What SystemCallFilter=GROUP... allows, each @group expanded.
filter_allows() {
	local g
	for g in "$@"; do
		case "$g" in
		@*) systemd-analyze syscall-filter "$g" | tail -n +2 | sed 's/#.*//' | tr -d ' ' | grep -v '^$' |
			while read -r w; do filter_allows "$w"; done ;;
		*) echo "$g" ;;
		esac
	done
}

@test "the units' commands make only system calls their SystemCallFilter= allows" {
	require_pkg systemd
	require_pkg strace
	units_install
	ETC="$BATS_TEST_TMPDIR/etc" TEXTFILE="$BATS_TEST_TMPDIR/textfile"
	mkdir "$ETC" "$TEXTFILE"
	fwu="$UNITS/xdpload-firewall@.service" mu="$UNITS/xdpload-firewall-metrics@.service"
	read -ra filter <<<"$(sed -n 's/^SystemCallFilter=//p' "$fwu")"
	assert_equal "$(sed -n 's/^SystemCallFilter=//p' "$mu")" "${filter[*]}"
	filter_allows "${filter[@]}" | sort -u >"$BATS_TEST_TMPDIR/allowed"
	grep -qx bpf "$BATS_TEST_TMPDIR/allowed"
	grep -qx read "$BATS_TEST_TMPDIR/allowed"
	printf '10.5.0.1\n' >"$ETC/$IF_B.rules"
	unit_cmd "$fwu" ExecStartPre
	in_b strace -f -qq -o "$BATS_TEST_TMPDIR/pre.trace" "${CMD[@]}" >/dev/null
	# The metrics loop: its first round, and the wait for the next.
	unit_cmd "$mu" ExecStart
	nsenter --net="/run/netns/$NS_B" strace -f -qq -o "$BATS_TEST_TMPDIR/metrics.trace" "${CMD[@]}" \
		>"$BATS_TEST_TMPDIR/metrics.out" 2>&1 3>&- &
	tracer=$!
	bg_started "$tracer"
	wait_until 5 test -s "$TEXTFILE/xdpload_$IF_B.prom"
	wait_until 5 grep -q rt_sigtimedwait "$BATS_TEST_TMPDIR/metrics.trace"
	kill -TERM "$(pgrep -P "$tracer" -x xdpload)"
	wait_exit "$tracer" 5
	unit_cmd "$fwu" ExecStart
	nsenter --net="/run/netns/$NS_B" strace -f -qq -o "$BATS_TEST_TMPDIR/watch.trace" "${CMD[@]}" \
		>"$BATS_TEST_TMPDIR/watch.out" 2>&1 3>&- &
	tracer=$!
	bg_started "$tracer"
	wait_until 5 rules_are 10.5.0.1
	printf '10.5.0.2\n' >"$ETC/$IF_B.rules"
	wait_until 5 rules_are 10.5.0.2
	watch=$(pgrep -P "$tracer" -x xdpload)
	kill -HUP "$watch"
	wait_until 5 grep -q "SIGHUP: applying" "$BATS_TEST_TMPDIR/watch.out"
	kill -TERM "$watch"
	wait_exit "$tracer" 5
	for t in pre metrics watch; do
		syscalls_of "$BATS_TEST_TMPDIR/$t.trace" >"$BATS_TEST_TMPDIR/$t.calls"
		grep -qx bpf "$BATS_TEST_TMPDIR/$t.calls"
		run comm -23 "$BATS_TEST_TMPDIR/$t.calls" "$BATS_TEST_TMPDIR/allowed"
		assert_output ""
	done
	grep -qx inotify_add_watch "$BATS_TEST_TMPDIR/watch.calls"
	grep -qx rename "$BATS_TEST_TMPDIR/metrics.calls"
	grep -qx rt_sigtimedwait "$BATS_TEST_TMPDIR/metrics.calls"
}

# ---- Kubernetes ----

# ds_cmd CONTAINER: that container's command (or args) in the DaemonSet, as
# the test runs it: /xdpload this tree's binary, eth0 the test's interface,
# the mounted directories the test's, --pin-maps the test's bpffs; one
# argument a line, into the array CMD.
ds_cmd() {
	mapfile -t CMD < <(python3 - "$ROOT/contrib/kubernetes/daemonset.yaml" "$1" <<'EOF'
import os, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
ds = next(d for d in docs if d["kind"] == "DaemonSet")
spec = ds["spec"]["template"]["spec"]
for c in spec.get("initContainers", []) + spec["containers"]:
    if c["name"] == sys.argv[2]:
        for a in c.get("command", []) + c.get("args", []):
            print(a)
EOF
	)
	[ "${#CMD[@]}" -gt 0 ] || fail "the DaemonSet has no container $1"
	local i
	for i in "${!CMD[@]}"; do
		case "${CMD[$i]}" in
		/xdpload) CMD[i]=$XDPLOAD ;;
		eth0) CMD[i]=$IF_B ;;
		*)
			CMD[i]=${CMD[$i]//\/etc\/xdpload\/rules/$CM}
			CMD[i]=${CMD[$i]//\/textfile/$TEXTFILE}
			;;
		esac
	done
	[ "${CMD[0]}" != "$XDPLOAD" ] || CMD+=(--pin-maps "$BPFFS")
}

@test "the DaemonSet parses: host network, the capabilities, the host's bpffs, the ConfigMap as a directory" {
	require_pkg python3-yaml
	run -0 python3 - "$ROOT/contrib/kubernetes/daemonset.yaml" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
print(" ".join(d["kind"] for d in docs))
ds = next(d for d in docs if d["kind"] == "DaemonSet")
spec = ds["spec"]["template"]["spec"]
print("hostNetwork", spec["hostNetwork"])
vols = {v["name"]: v for v in spec["volumes"]}
print("bpffs", vols["bpffs"]["hostPath"]["path"])
print("rules", vols["rules"]["configMap"]["name"])
for c in spec["initContainers"] + spec["containers"]:
    caps = c["securityContext"].get("capabilities", {})
    mounts = ",".join(m["mountPath"] + ("(ro)" if m.get("readOnly") else "") for m in c.get("volumeMounts", []))
    print(c["name"], "add=" + ",".join(caps.get("add", [])), "drop=" + ",".join(caps.get("drop", [])),
          "subPath" if any("subPath" in m for m in c.get("volumeMounts", [])) else "", mounts)
cm = next(d for d in docs if d["kind"] == "ConfigMap")
print("configmap", cm["metadata"]["name"], " ".join(sorted(cm["data"])))
EOF
	assert_line --index 0 "ConfigMap DaemonSet"
	assert_line "hostNetwork True"
	assert_line "bpffs /sys/fs/bpf"
	assert_line "rules xdpload-rules"
	assert_line "attach add=BPF,NET_ADMIN,SYS_ADMIN drop=ALL  /sys/fs/bpf"
	assert_line "rules add=BPF,NET_ADMIN,SYS_ADMIN drop=ALL  /sys/fs/bpf,/etc/xdpload/rules(ro)"
	assert_line "metrics add=BPF,NET_ADMIN,SYS_ADMIN drop=ALL  /sys/fs/bpf(ro),/textfile"
	assert_line "node-exporter add= drop=ALL  /textfile(ro)"
	assert_line "configmap xdpload-rules eth0.rules"
}

@test "the DaemonSet's commands run as written: attach, rules from a ConfigMap update, metrics, node-exporter" {
	require_pkg python3-yaml
	require_pkg prometheus-node-exporter
	require_pkg curl
	CM="$BATS_TEST_TMPDIR/configmap" TEXTFILE="$BATS_TEST_TMPDIR/textfile"
	mkdir "$CM" "$TEXTFILE"
	# The ConfigMap's own rules, as the kubelet writes them.
	mapfile -t cm_rules < <(python3 -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d["kind"] == "ConfigMap":
        print(d["data"]["eth0.rules"], end="")' "$ROOT/contrib/kubernetes/daemonset.yaml")
	cm_write "$CM" 2026_11_30_10_00_00.1 "${cm_rules[@]}"
	old=$(xdp_id_b)
	ds_cmd attach
	run -0 in_b "${CMD[@]}"
	assert_output --regexp "^upgraded the firewall on $IF_B: program $old -> "
	ds_cmd rules
	nsenter --net="/run/netns/$NS_B" "${CMD[@]}" >"$BATS_TEST_TMPDIR/rules.out" 2>&1 3>&- &
	rules=$!
	bg_started "$rules"
	wait_until 5 rules_are 203.0.113.0/24 2001:db8:bad::/48
	# kubectl apply of a new ConfigMap: the kubelet swaps ..data.
	cm_write "$CM" 2026_11_30_10_05_00.2 203.0.113.0/24 198.51.100.7
	wait_until 5 rules_are 203.0.113.0/24 198.51.100.7
	ds_cmd metrics
	nsenter --net="/run/netns/$NS_B" "${CMD[@]}" >"$BATS_TEST_TMPDIR/metrics.out" 2>&1 3>&- &
	bg_started $!
	wait_until 5 test -s "$TEXTFILE/xdpload_$IF_B.prom"
	# The node-exporter container's arguments, on a free port of 127.0.0.1.
	ds_cmd node-exporter
	port=$(free_port)
	CMD=("${CMD[@]/#--web.listen-address=*/--web.listen-address=127.0.0.1:$port}")
	[[ " ${CMD[*]} " == *" --web.listen-address=127.0.0.1:$port "* ]]
	prometheus-node-exporter "${CMD[@]}" >"$BATS_TEST_TMPDIR/ne.log" 2>&1 3>&- &
	bg_started $!
	wait_until 10 curl -sf -o "$BATS_TEST_TMPDIR/scrape" "http://127.0.0.1:$port/metrics"
	l="iface=\"$IF_B\""
	assert_equal "$(metric "$BATS_TEST_TMPDIR/scrape" "xdpload_firewall_rules{$l,family=\"ipv4\",kind=\"address\"}")" 1
	assert_equal "$(metric "$BATS_TEST_TMPDIR/scrape" "xdpload_firewall_rules{$l,family=\"ipv4\",kind=\"prefix\"}")" 1
	assert_equal "$(metric "$BATS_TEST_TMPDIR/scrape" "xdpload_firewall_attached{$l}")" 1
}
