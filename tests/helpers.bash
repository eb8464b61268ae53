# Shared by every test file: the bats helper libraries, paths, and a throwaway
# pair of network namespaces joined by a veth, all named xdpl*.
bats_require_minimum_version 1.5.0

for lib in bats-support bats-assert bats-file; do
	if [ ! -f "/usr/lib/bats/$lib/load.bash" ]; then
		echo "tests: /usr/lib/bats/$lib is missing: run make test (as root it installs $lib; tools/deps.sh test says what is missing)" >&2
		return 1
	fi
	load "/usr/lib/bats/$lib/load.bash"
done

ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
PROGS="$ROOT/tests/progs"
XDPLOAD="$ROOT/xdpload"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98

xdpload() { "$XDPLOAD" "$@"; }

require_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to load BPF and create namespaces"
}

# Skips when a package of tools/deps.sh's list is missing, naming it and
# whether it is required (make test installs those as root) or optional.
# Under XDPLOAD_STRICT=1 (CI) a missing required package fails the test.
# usage: require_pkg PACKAGE
require_pkg() {
	local why
	why=$("$ROOT/tools/deps.sh" --probe "$1") && return 0
	case "$why" in
	required*)
		[ -z "${XDPLOAD_STRICT:-}" ] ||
			fail "needs $1, a required package (${why#required }); make test installs it as root"
		skip "needs $1, a required package (${why#required }); make test installs it as root"
		;;
	*) skip "needs $1, an optional package (${why#optional })" ;;
	esac
}

# Names: one pair per test file, unique per run so parallel runs do not meet.
# setup_file exports them; every test of the file sees the same ones.
# Interface names stay within 15 characters.
netns_names() {
	local tag="$1" id=$(($$ % 10000))
	NS_A="xdpl-$tag-a-$id"
	NS_B="xdpl-$tag-b-$id"
	IF_A="xdpl${tag}a$id"
	IF_B="xdpl${tag}b$id"
	IP_A=10.201.0.1
	IP_B=10.201.0.2
	export NS_A NS_B IF_A IF_B IP_A IP_B
}

# Two namespaces, one veth pair: traffic from A reaches B's XDP program.
netns_create() {
	netns_names "$1"
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B"
	ip -n "$NS_A" addr add "$IP_A/24" dev "$IF_A"
	ip -n "$NS_B" addr add "$IP_B/24" dev "$IF_B"
	ip -n "$NS_A" link set "$IF_A" up
	ip -n "$NS_B" link set "$IF_B" up
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
}

# A quiet wire: A and B know each other's addresses for good (no ARP) and A
# sends no IPv6, so B's XDP sees exactly the packets a test sends it.
netns_quiet() {
	local mac_a mac_b
	mac_a=$(ip -n "$NS_A" -j link show dev "$IF_A" | jq -r '.[0].address')
	mac_b=$(ip -n "$NS_B" -j link show dev "$IF_B" | jq -r '.[0].address')
	ip -n "$NS_A" neigh replace "$IP_B" lladdr "$mac_b" dev "$IF_A" nud permanent
	ip -n "$NS_B" neigh replace "$IP_A" lladdr "$mac_a" dev "$IF_B" nud permanent
	ip netns exec "$NS_A" sysctl -q -w "net.ipv6.conf.$IF_A.disable_ipv6=1"
}

netns_destroy() {
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
}

# Run in B's network namespace only (ip netns exec would also remount /sys).
in_b() { nsenter --net="/run/netns/$NS_B" "$@"; }
xdpload_b() { nsenter --net="/run/netns/$NS_B" "$XDPLOAD" "$@"; }

ping_b() { ip netns exec "$NS_A" ping -q -c "${1:-1}" -i 0.2 -W 1 "$IP_B"; }

# The XDP program id on B's interface as ip reports it, empty when none.
xdp_id_b() {
	ip -n "$NS_B" -d link show dev "$IF_B" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}

# Whether B's interface runs an XDP program, or none (for wait_until).
xdp_attached_b() { [ -n "$(xdp_id_b 2>/dev/null)" ]; }
xdp_none_b() { [ -z "$(xdp_id_b 2>/dev/null)" ]; }

# ---- bounded waits: a test that waits, waits for so long and then fails ----

# wait_until SECONDS CMD...: CMD, every 0.1 s until it succeeds; fails,
# naming CMD, if it has not succeeded within SECONDS.
wait_until() {
	local tenths=$(($1 * 10)) i
	shift
	for ((i = 0; i < tenths; i++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	"$@" && return 0
	echo "wait_until: still false after $((tenths / 10)) s: $*" >&2
	return 1
}

# run_start ARGS...: start `xdpload run ARGS` in the namespace $NS_B and wait
# until it says it attached; $pid is xdpload itself (nsenter execs it), $out
# its output and $out.err its errors, which are shown if it never attaches.
# fd 3 belongs to bats.
run_start() {
	out="$BATS_TEST_TMPDIR/run.out"
	nsenter --net="/run/netns/$NS_B" "$XDPLOAD" run "$@" >"$out" 2>"$out.err" 3>&- &
	pid=$!
	wait_until 5 grep -q '^attached' "$out" && return 0
	cat "$out.err" >&2
	return 1
}

# wait_exit PID SECONDS: the exit status of a background process this test
# started, waiting at most SECONDS; one still running then is killed
# (SIGKILL), and the status is 124, as timeout(1) says.  Never a bare
# `wait`: bats' own timeout watchdog is a background job of the test too.
wait_exit() {
	local pid="$1" tenths=$(($2 * 10)) i
	for ((i = 0; i < tenths; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "wait_exit: process $pid still running after $2 s: killed" >&2
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}

# ---- kernel objects: only those this test made ----

# Program ids are the kernel's, shared by every process on the machine:
# tests look only at the ids they were told (xdpload's output, -v's
# "program NAME is id N", `ip -d link`), or at names only this run uses.

# prog_gone ID...: none of these programs is loaded any more.  The kernel
# frees a program after an RCU grace period, so each gets 5 s.
prog_gone() {
	local id
	for id in "$@"; do
		[ -n "$id" ] || fail "prog_gone: an empty program id"
		wait_until 5 prog_absent "$id" || fail "program $id is still loaded"
	done
}
prog_absent() { ! bpftool prog show id "$1" >/dev/null 2>&1; }

# The program ids a -v log names ("xdpload: load: program NAME is id N").
# usage: logged_prog_ids FILE
logged_prog_ids() {
	sed -n 's/^xdpload: load: program [^ ]* is id \([0-9]*\)$/\1/p' "$1"
}

# A program name no other run of the suite uses, for the loads whose id
# xdpload never gets to print (killed, or refused after the load): BASE and
# this run's number, at most 15 characters (BPF_OBJ_NAME_LEN).
# usage: own_name BASE
own_name() {
	local name="${1}_$(($$ % 100000))"
	[ ${#name} -le 15 ] || fail "own_name: $name is longer than 15 characters"
	echo "$name"
}

# no_prog_named NAME: no program of this name is loaded (NAME from own_name:
# only this run can have made one), waiting 5 s for deferred frees.
no_prog_named() {
	wait_until 5 no_prog_named_now "$1" || fail "a program named $1 is still loaded"
}
no_prog_named_now() {
	[ "$(bpftool prog show -j | jq --arg n "$1" '[.[] | select(.name == $n)] | length')" = 0 ]
}

# ---- test programs built here ----

# bpf_build NAME [CLANG_FLAGS...] < SOURCE: compile BPF C written against
# xdpload's own xdp_kern.h into $BATS_TEST_TMPDIR/NAME.o.  The source is kept
# as NAME.c beside it, so BTF line info names it and quotes its lines.
bpf_build() {
	local name="$1"
	shift
	cat >"$BATS_TEST_TMPDIR/$name.c"
	clang -O2 -target bpf -nostdinc -I"$ROOT" "$@" -c "$BATS_TEST_TMPDIR/$name.c" \
		-o "$BATS_TEST_TMPDIR/$name.o"
}

# own_prog SRC FUNCTION NAME: tests/progs/SRC.c (or the path SRC) built into
# NAME.o, in the test's temporary directory (the file's, in setup_file),
# with its program FUNCTION renamed NAME (from own_name).  Prints its path.
own_prog() {
	local src="$PROGS/$1.c" out="${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/$3.o"
	[[ "$1" != */* ]] || src=$1
	clang -O2 -g -target bpf -nostdinc -I"$ROOT" -D"$2=$3" -c "$src" -o "$out" && echo "$out"
}

# ---- valgrind ----

# valgrind_args LOG: sets VALGRIND to the memcheck command line of the
# leak tests: a definite leak or a memory error is exit 99, and every fd
# open at exit is listed in LOG.
valgrind_args() {
	VALGRIND=(valgrind -q --track-fds=yes --leak-check=full --errors-for-leak-kinds=definite
		--error-exitcode=99 --suppressions="$ROOT/tests/valgrind.supp" --log-file="$1")
}

# The fds a valgrind LOG lists as open at exit, other than those inherited.
valgrind_fds_left() {
	grep -A1 "Open file descriptor" "$1" |
		grep -v -e "Open file descriptor" -e "inherited from parent" -e "^--$" || true
}

# A map value read back from the kernel as a little-endian unsigned number.
# usage: map_u64 MAP_ID KEY_BYTE...
map_u64() {
	local id="$1" hex="" b
	shift
	for b in $(bpftool map lookup id "$id" key "$@" | sed -n 's/.*value: //p'); do
		hex="$b$hex"
	done
	[ -n "$hex" ] && echo $((16#$hex))
}

# A private bpffs instance for tests that pin: unmounting it removes every
# pin, whatever the test left.  usage: bpffs_create (in setup_file), bpffs_destroy.
bpffs_create() {
	BPFFS="$(mktemp -d /tmp/xdpl-bpffs.XXXXXX)"
	mount -t bpf bpf "$BPFFS"
	export BPFFS
}

bpffs_destroy() {
	[ -n "${BPFFS:-}" ] || return 0
	umount "$BPFFS" 2>/dev/null || true
	rmdir "$BPFFS" 2>/dev/null || true
}

# A global variable's value as `xdpload test -j` reports it after the run.
# usage: test_global OBJ NAME [xdpload test options...]
test_global() {
	local obj="$1" name="$2"
	shift 2
	xdpload test -j "$obj" "$@" | jq -c ".globals.$name"
}
