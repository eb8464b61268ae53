#!/bin/sh
# SPDX-License-Identifier: MIT
# What the build, the demo and the tests need, in one list, and the one place
# that installs it.  `make demo`, `make test`, `make fuzz-smoke`, `make
# fresh-check` and .ci/run all call it before they build anything.
#
# usage: tools/deps.sh GOAL...     check GOAL's packages; as root on Debian or
#                                  Ubuntu install what is missing, otherwise
#                                  print the command to run and exit 1
#        tools/deps.sh --list      the table below: package goal kind probe
#        tools/deps.sh --missing GOAL...   only print what is missing
#        tools/deps.sh --probe PACKAGE     exit 0 when it is there; else print
#                                  "required|optional WHY" and exit 1 (the tests'
#                                  require_pkg)
# GOAL: build demo test fuzz fresh-check
#
# A required package stops its goal when it cannot be had; an optional one
# never does: the tests that need it skip and say which package it is.
# Nothing is installed, and no network is used, when everything is there.
# A package is "there" when its probe is: the command or file we use of it,
# so a tool built by hand counts as much as the package.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

# package               goal         kind      probe                             what it is for
table() {
	cat <<'EOF'
make                    build        required  make                              the build
gcc                     build        required  gcc                               the build (and gcc -static without musl)
libc6-dev               build        required  /usr/include/stdio.h              the build: the C library's headers
musl-tools              build        required  musl-gcc                          the static musl binary the README describes
clang                   build        required  clang                             the BPF objects (clang -target bpf)
llvm                    build        required  llvm-strip                        the firewall embedded without DWARF
binutils                build        required  strip                             make size, the tests' nm and objcopy
iproute2                demo         required  ip                                the demo's and tests' namespaces and veth pairs
iputils-ping            demo         required  ping                              the demo's and tests' traffic
util-linux              demo         required  nsenter                           running in a namespace's network only
bats                    test         required  bats                              the test runner
bats-support            test         required  /usr/lib/bats/bats-support/load.bash  the tests' output helpers
bats-assert             test         required  /usr/lib/bats/bats-assert/load.bash   the tests' assertions
bats-file               test         required  /usr/lib/bats/bats-file/load.bash     the tests' file assertions
jq                      test         required  jq                                reading xdpload's -j output
bpftool                 test         required  bpftool                           checking kernel state; libbpf's loader to compare with
xdp-tools               test         required  xdp-loader                        the tools the benchmarks compare; xdp-tools' objects to load
libbpf-dev              test         required  /usr/include/bpf/bpf_helpers.h    test objects written against libbpf's headers
clang-16                test         required  clang-16                          the CO-RE test objects (enum64, bpf_core_type_matches need clang 15+)
valgrind                test         required  valgrind                          no fd or memory left behind (tests/leaks.bats)
strace                  test         required  strace                            faults and signals injected at chosen system calls
python3                 test         required  python3                           the malformed-object corpus
file                    test         required  file                              what kind of binary the build made
pkg-config              test         required  pkg-config                        building the examples as a user builds them
qemu-system-x86         test         optional  qemu-system-x86_64                the initramfs boot on Debian 12's 6.1 kernel
busybox-static          test         optional  busybox                           the initramfs the boot tests build
gcc-aarch64-linux-gnu   test         optional  aarch64-linux-gnu-gcc             the arm64 cross build
libc6-dev-arm64-cross   test         optional  /usr/aarch64-linux-gnu/include/stdio.h  the arm64 cross build's C library
man-db                  test         optional  man                               rendering the man page
libclang-rt-dev         fuzz         required  @libfuzzer                        libFuzzer for make fuzz and fuzz-smoke
mmdebstrap              fresh-check  required  mmdebstrap                        a brand-new Debian root for make fresh-check
EOF
}

# Goals include the ones below them: the tests run the demo's tools and build.
goal_covers() { # GOAL ROW_GOAL
	case "$1:$2" in
	"$2:$2" | demo:build | test:build | test:demo | fuzz:build | fresh-check:build) return 0 ;;
	esac
	return 1
}

# libFuzzer's runtime comes in a package named after clang's version.
clang_major() { clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1; }

package_name() {
	case "$1" in
	libclang-rt-dev) echo "libclang-rt-$(clang_major)-dev" ;;
	*) echo "$1" ;;
	esac
}

probe() {
	case "$1" in
	@libfuzzer)
		rt=$(clang -print-resource-dir 2>/dev/null)
		[ -n "$rt" ] && ls "$rt"/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ;;
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

# Prints "package<TAB>kind<TAB>why" for each missing package of the goals.
missing() {
	table | while read -r pkg goal kind prb why; do
		for g in "$@"; do
			goal_covers "$g" "$goal" || continue
			probe "$prb" || printf '%s\t%s\t%s\n' "$(package_name "$pkg")" "$kind" "$why"
			break
		done
	done
}

apt_install() { # PACKAGE...
	DEBIAN_FRONTEND=noninteractive
	export DEBIAN_FRONTEND
	apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 && return 0
	# An install fails on stale package lists: refresh them once and retry.
	echo "deps: apt-get install failed; running apt-get update and trying again" >&2
	apt-get update -q >/dev/null 2>&1 || return 1
	apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

is_debian() {
	command -v apt-get >/dev/null 2>&1 && [ -r /etc/os-release ] &&
		grep -Eq '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release
}

case "${1:-}" in
--list) table; exit 0 ;;
--missing) shift; missing "$@"; exit 0 ;;
--probe)
	table | awk -v p="${2:-}" '$1 == p' | {
		read -r pkg goal kind prb why || { echo "deps: '${2:-}' is not in the list" >&2; exit 2; }
		probe "$prb" && exit 0
		echo "$kind $why"
		exit 1
	}
	exit $? ;;
"" | -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
for g in "$@"; do
	case "$g" in
	build | demo | test | fuzz | fresh-check) ;;
	*) echo "deps: unknown goal '$g' (build, demo, test, fuzz, fresh-check)" >&2; exit 1 ;;
	esac
done

list=$(missing "$@")
required=$(printf '%s\n' "$list" | awk -F'\t' '$2 == "required" { print $1 }' | tr '\n' ' ')
optional=$(printf '%s\n' "$list" | awk -F'\t' '$2 == "optional" { print $1 }' | tr '\n' ' ')
explain() { printf '%s\n' "$list" | awk -F'\t' -v k="$1" '$2 == k { printf "  %-24s %s\n", $1, $3 }'; }

if [ -n "$list" ]; then
	if [ "$(id -u)" -ne 0 ] || ! is_debian; then
		if [ -n "$required" ]; then
			echo "deps: $* needs packages this machine lacks:" >&2
			explain required >&2
			if is_debian; then
				echo "deps: install them as root, then run make again:" >&2
				echo "  apt-get install $required" >&2
			else
				echo "deps: install them with your system's package manager (the names are Debian's)" >&2
			fi
			exit 1
		fi
		echo "deps: not installing (not root, or not Debian); the tests that need these skip:" >&2
		explain optional >&2
	else
		if [ -n "$required" ]; then
			echo "deps: installing what $* needs:"
			explain required
			# shellcheck disable=SC2086
			apt_install $required || { echo "deps: apt-get install $required failed" >&2; exit 1; }
		fi
		if [ -n "$optional" ]; then
			echo "deps: installing optional packages (their tests skip without them):"
			explain optional
			# shellcheck disable=SC2086
			apt_install $optional || echo "deps: could not install $optional; their tests will skip" >&2
		fi
	fi
fi

# The qemu boot boots Debian 12's 6.1 kernel, unpacked into build/kernel (never
# installed: this machine's /boot stays as it is); a download, once.
for g in "$@"; do
	[ "$g" = test ] || continue
	"$top/tests/initramfs/kernel.sh" >/dev/null 2>&1 && break
	command -v qemu-system-x86_64 >/dev/null 2>&1 || break
	echo "deps: fetching Debian 12's 6.1 kernel into build/kernel for the qemu boot test"
	"$top/tests/initramfs/kernel.sh" --fetch >/dev/null ||
		echo "deps: no 6.1 kernel; the initramfs boot under qemu will skip" >&2
done
exit 0
