# SPDX-License-Identifier: MIT
# Sourced by bench/datapath.sh and bench/contend.sh: a mount namespace of
# its own for each xdp-filter they run, so its pins never touch the host's.
#
# mount_ns: a process in a new mount namespace with a private bpffs on
# /sys/fs/bpf; its pid in NEW_NS_PID, and added to NS_PIDS at once, for the
# caller's cleanup to kill whatever fails after.  Fails, with nothing
# mounted, when no new namespace came.
mount_ns() {
	# unshare execs sleep: $! is the process whose mount namespace xdp-filter joins.
	unshare -m --propagation private sleep 100000 &
	NEW_NS_PID=$!
	NS_PIDS+=("$NEW_NS_PID")
	for _ in $(seq 50); do
		[ "$(readlink "/proc/$NEW_NS_PID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] && break
		sleep 0.02
	done
	if [ "$(readlink "/proc/$NEW_NS_PID/ns/mnt")" = "$(readlink /proc/self/ns/mnt)" ]; then
		echo "unshare -m did not make a mount namespace" >&2
		return 1
	fi
	nsenter --mount="/proc/$NEW_NS_PID/ns/mnt" mount -t bpf bpf /sys/fs/bpf
}

# kill_mount_ns: end every process mount_ns started (their namespaces go with them).
kill_mount_ns() {
	local p
	for p in "${NS_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}
