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

# How many loaded programs carry this name (for "nothing left behind").
# Freeing a program is deferred in the kernel, so wait briefly for it to go.
progs_named() {
	local name="$1" n tries=20
	while :; do
		n=$(bpftool prog show 2>/dev/null | grep -c " name $name " || true)
		[ "$n" -eq "${2:-0}" ] || [ $tries -eq 0 ] && break
		tries=$((tries - 1))
		sleep 0.1
	done
	echo "$n"
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
