#!/usr/bin/env bats
# The static xdpload on a minimal system: an initramfs holding busybox, the
# binary and the test objects runs tests/initramfs/init.sh, which attaches
# programs and the firewall to a veth pair, moves packets through them and
# ends with one result line.  The same /init runs on the running kernel (in
# fresh namespaces, chrooted into the tree) and on Debian 12's 6.1 kernel
# under qemu: whatever differs between the two kernels is xdpload's to handle.
load helpers

CHECKS=test,btf,count,drop,link,firewall
BUILD="$ROOT/build/initramfs"

# The tree and archive, with the given kernel's veth driver (or none).
initramfs_build() {
	require_pkg busybox-static
	run -0 "$ROOT/tests/initramfs/mkroot.sh" "$BUILD" "${1:-}"
}

# The same /init as PID 1 of fresh pid, network and mount namespaces.
init_on_host() {
	timeout 120 unshare -p -f --kill-child -n -m chroot "$BUILD/root" /bin/sh /init.sh
}

@test "initramfs: the /init checks pass on the running kernel" {
	require_root
	initramfs_build
	run -0 init_on_host
	assert_equal "${lines[-1]}" "XDPLOAD-INITRAMFS: PASS kernel=$(uname -r) checks=$CHECKS"
}

@test "initramfs: a broken xdpload makes /init report each failed check" {
	require_root
	initramfs_build
	ln -sf busybox "$BUILD/root/bin/xdpload" # busybox, called as xdpload, fails every command
	run -0 init_on_host
	assert_equal "${lines[-1]}" "XDPLOAD-INITRAMFS: FAIL kernel=$(uname -r) failed=${CHECKS}"
}

@test "initramfs: Debian 12's 6.1 kernel boots it under qemu and the checks pass" {
	require_pkg qemu-system-x86
	read -r vmlinuz veth < <("$ROOT/tests/initramfs/kernel.sh") ||
		skip "no 6.1 kernel: install linux-image-amd64, or run tests/initramfs/kernel.sh --fetch"
	[ -n "$veth" ] || skip "no veth.ko next to $vmlinuz"
	initramfs_build "$veth"
	run -0 "$ROOT/tests/initramfs/boot.sh" "$vmlinuz" "$BUILD/initramfs.cpio"
	assert_line "initramfs: veth: loaded /lib/modules/veth.ko"
	assert_line "XDPLOAD-INITRAMFS: PASS kernel=${vmlinuz##*/vmlinuz-} checks=$CHECKS"
}
