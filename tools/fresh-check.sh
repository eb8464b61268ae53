#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make fresh-check: the README's two commands on a brand-new Debian 12 machine.
#
# Builds (or copies from build/fresh-root.tar) a root with only what a fresh
# machine image of this kind has, clones this repository's HEAD into it, and
# runs `make demo` then `make test` there as root, exactly as the README
# writes them: whatever they need beyond that root, they must install
# themselves.  Prints both outputs and ends with the suite's summary line.
#
# The root runs in its own mount namespace: the root bound onto itself,
# /proc, /sys and /dev, a fresh bpffs and a private /run/netns, then
# pivot_root into it.  Everything mounted goes when the namespace does, also
# on failure, and the root is removed only once nothing is mounted under it.
# Not a pid namespace: programs there see other pids than the kernel's
# helpers report (bpf_get_current_pid_tgid), which no fresh machine does;
# what the run leaves running is found by a mark in its environment instead.
#
# usage: tools/fresh-check.sh          (root)
#   FRESH_ROOT_TAR=FILE   the cached root (default build/fresh-root.tar)
#   FRESH_KEEP=1          keep the unpacked root for a look afterwards
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

[ "$(id -u)" -eq 0 ] || { echo "fresh-check: needs root (it mounts and chroots)" >&2; exit 5; }
tools/deps.sh fresh-check || exit 1

# What a fresh machine of this kind has (../shared/notes/fresh-root.md): the
# required packages and these tools, and not sudo, ping, musl, bpftool, the
# bats helpers or xdp-tools.
fresh_tools=make,gcc,libc6-dev,clang,llvm,bats,git,iproute2,jq,python3,strace,valgrind,procps,file,binutils,ca-certificates
tar=${FRESH_ROOT_TAR:-$top/build/fresh-root.tar}
if [ ! -s "$tar" ]; then
	echo "fresh-check: building a Debian 12 root with mmdebstrap (about a minute)"
	mkdir -p "$(dirname "$tar")"
	# mmdebstrap makes a tarball only of a name ending in .tar (else a directory).
	part="${tar%.tar}.part.tar"
	mmdebstrap --quiet --variant=required --include="$fresh_tools" bookworm "$part" ||
		{ rm -rf "$part"; echo "fresh-check: mmdebstrap failed" >&2; exit 1; }
	mv "$part" "$tar"
fi

root=$(mktemp -d /var/tmp/xdpl-fresh.XXXXXX)
mounted_under() { grep -F " $root" /proc/mounts; }
mark="XDPL_FRESH_CHECK=$$"
# Whatever the run started and left running (it carries the mark).
stragglers_kill() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" != "$$" ] && grep -qz "^$mark$" "$p/environ" 2>/dev/null &&
			kill -KILL "${p#/proc/}" 2>/dev/null
	done
	return 0
}
cleanup() {
	stragglers_kill
	sleep 0.5 # the killed processes' mount namespace goes with the last of them
	if [ -n "${FRESH_KEEP:-}" ]; then
		echo "fresh-check: kept $root"
	elif mounted_under >/dev/null; then
		echo "fresh-check: still mounted under $root; not removing it:" >&2
		mounted_under >&2
	else
		rm -rf "$root"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tar -xf "$tar" -C "$root" || { echo "fresh-check: cannot unpack $tar" >&2; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# The committed tree, as CI and a new user get it.
git clone -q --no-hardlinks "$top" "$root/root/xdpload" ||
	{ echo "fresh-check: cannot clone $top" >&2; exit 1; }

# Inside the new namespaces: make the root a mount point (ip netns needs one),
# mount what a booted machine has, and pivot into it.
inner='
set -e
mount --bind "$1" "$1"
cd "$1"
mount -t proc proc proc
mount --rbind /sys sys
mount --make-rslave sys
mount --rbind /dev dev
mount --make-rslave dev
mount -t tmpfs tmpfs run
mkdir -p run/netns
mkdir -p .oldroot
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot
mount -t bpf bpf /sys/fs/bpf
cd /root/xdpload
export XDPLOAD_STRICT XDPL_FRESH_CHECK HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
echo "fresh-check: make demo"
make demo
echo "fresh-check: make test"
make test
'
log=$(mktemp)
env -i TERM=dumb XDPLOAD_STRICT=1 "$mark" unshare --mount --fork --propagation private \
	bash -c "$inner" fresh "$root" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
rm -f "$log"
if [ "$status" -eq 0 ]; then
	echo "fresh-check: make demo and make test passed on a brand-new Debian 12 root ($summary)"
else
	echo "fresh-check: FAILED (exit $status) on a brand-new Debian 12 root${summary:+ ($summary)}" >&2
fi
exit "$status"
