#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Boots VMLINUZ with the test initramfs under qemu and prints the serial
# console on stdout, without carriage returns and the firmware's terminal
# escapes (its reset, ESC c, becomes a line break), so each line reads as
# printed.  usage: boot.sh VMLINUZ CPIO [KERNEL_ARGS]  (KERNEL_ARGS: added
# to the command line, e.g. xdpload.checks=trampoline for tests/initramfs/init.sh)
#
# TCG only: /dev/kvm may be missing or unusable (nested), and a boot takes a
# few seconds anyway.  No NIC: its boot ROM costs time and prints noise.
# /init powers off; a panic (panic=-1 -no-reboot) or a hang (timeout) ends
# qemu too.  The exit status is qemu's, or 124 after a timeout.
set -uo pipefail
limit=${XDPLOAD_BOOT_TIMEOUT:-90}
timeout "$limit" qemu-system-x86_64 \
	-accel tcg -m 256 -smp 1 -nographic -nic none -no-reboot \
	-kernel "$1" -initrd "$2" \
	-append "console=ttyS0 panic=-1 quiet${3:+ $3}" </dev/null |
	sed 's/\x1bc/\n/g; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r$//'
status=${PIPESTATUS[0]}
[ "$status" -ne 124 ] || echo "boot: qemu still running after $limit s, stopped" >&2
exit "$status"
