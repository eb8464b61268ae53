#!/usr/bin/env bats
# Externs, as libbpf objects declare them (tests/progs/externs/, built with
# libbpf's headers by `make extern-progs`): .kconfig values read from the
# kernel's config and uname, untyped ksyms from /proc/kallsyms, typed ksyms
# and kfuncs from the kernel's BTF.  Each proven by running the program
# (BPF_PROG_TEST_RUN) and comparing what it saw with what the kernel says;
# each failure mode by its exact message, and a __weak extern that is
# missing by the zero, or the poisoned call, the program gets.
load helpers

EXT="$ROOT/tests/progs/externs"

setup_file() {
	require_root
	require_pkg libbpf-dev
	make -s -C "$ROOT" extern-progs >/dev/null
	bpffs_create
}

teardown_file() {
	bpffs_destroy
}

setup() {
	require_root
	require_pkg libbpf-dev
}

# The running kernel's config, as xdpload looks for it, and where it was.
config_where() {
	if [ -e /proc/config.gz ]; then
		echo /proc/config.gz
	elif [ -e "/boot/config-$(uname -r)" ]; then
		echo "/boot/config-$(uname -r)"
	else
		skip "the kernel's config is neither in /proc/config.gz nor in /boot/config-$(uname -r)"
	fi
}

config_text() {
	case "$1" in
	*.gz) zcat "$1" ;;
	*) cat "$1" ;;
	esac
}

# An option's value in the config, empty when it is not set.
config_value() {
	config_text "$(config_where)" | sed -n "s/^$1=//p"
}

# libbpf's KERNEL_VERSION(a, b, c) of `uname -r`, the sublevel clamped to 255.
uname_version() {
	local a b c
	IFS=.- read -r a b c _ <<<"$(uname -r)"
	c=${c%%[!0-9]*}
	echo $(((a << 16) + (b << 8) + (${c:-0} > 255 ? 255 : ${c:-0})))
}

# A global of `xdpload test OBJ [OPTIONS]` as JSON.
global() {
	local obj="$1" name="$2"
	shift 2
	xdpload test -j "$obj" "$@" | jq -r ".globals.$name"
}

@test "kconfig: int, bool, tristate, char, string and 64-bit externs hold the running kernel's config" {
	where=$(config_where)
	run -0 --separate-stderr xdpload test -j -v "$EXT/kconfig.o"
	json=$output
	assert_equal "$(jq -r .result <<<"$json")" XDP_PASS
	assert_equal "$(jq -r .globals.hz <<<"$json")" "$(config_value CONFIG_HZ)"
	assert_equal "$(jq -r .globals.jit <<<"$json")" "$([ "$(config_value CONFIG_BPF_JIT)" = y ] && echo 1 || echo 0)"
	tristate=$(config_value CONFIG_NF_CONNTRACK)
	assert_equal "$(jq -r .globals.conntrack <<<"$json")" "$(case $tristate in y) echo 1 ;; m) echo 2 ;; *) echo 0 ;; esac)"
	localversion=$(config_value CONFIG_LOCALVERSION)
	localversion=${localversion#\"}
	assert_equal "$(jq -r .globals.localversion <<<"$json")" "${localversion%\"}"
	physical=$(config_value CONFIG_PHYSICAL_START)
	assert_equal "$(jq -r .globals.physical_start <<<"$json")" "$((${physical:-0}))"
	assert_equal "$(jq -r .globals.bpf_syscall <<<"$json")" "$(printf '%d' "'$(config_value CONFIG_BPF_SYSCALL)")"
	# The map the program read is the one the kernel holds, frozen.
	assert_equal "$(jq -r .globals.CONFIG_HZ <<<"$json")" "$(config_value CONFIG_HZ)"
	[[ "$stderr" == *"load: kconfig: CONFIG_HZ from $where line $(config_text "$where" | grep -n '^CONFIG_HZ=' | cut -d: -f1)"* ]]
	[[ "$stderr" == *"load: map .kconfig (array) created"* ]]
}

@test "kconfig: an option the config says is not set is n; one it never names is 0 only because it is __weak" {
	where=$(config_where)
	line=$(config_text "$where" | grep -n '^# CONFIG_HZ_1000 is not set$' | cut -d: -f1)
	[ -n "$line" ] || skip "this kernel's config sets CONFIG_HZ_1000"
	run -0 --separate-stderr xdpload test -j -v "$EXT/kconfig.o"
	assert_equal "$(jq -r '"\(.globals.hz_1000) \(.globals.no_such)"' <<<"$output")" "0 0"
	[[ "$stderr" == *"load: kconfig: CONFIG_HZ_1000 from $where line $line"$'\n'* ]]
	[[ "$stderr" == *"load: kconfig: CONFIG_XDPLOAD_NO_SUCH_OPTION is not set in $where; weak, so 0"* ]]
}

@test "kconfig: LINUX_KERNEL_VERSION is uname's; LINUX_HAS_SYSCALL_WRAPPER and LINUX_HAS_BPF_COOKIE as libbpf computes them" {
	run -0 xdpload test -j "$EXT/kconfig.o"
	assert_equal "$(jq -r .globals.kernel_version <<<"$output")" "$(uname_version)"
	wrapper=$(grep -cE ' __(x64|arm64|ia32|riscv|s390x)_sys_bpf$' /proc/kallsyms || true)
	assert_equal "$(jq -r .globals.syscall_wrapper <<<"$output")" "$((wrapper > 0))"
	# bpftool lists the helpers each program type may call: the cookie's for tracepoints.
	cookie=$(bpftool feature probe kernel 2>/dev/null |
		sed -n '/^eBPF helpers supported for program type tracepoint:$/,/^$/p' |
		grep -c 'bpf_get_attach_cookie$' || true)
	assert_equal "$(jq -r .globals.bpf_cookie <<<"$output")" "$((cookie > 0))"
}

@test "kconfig: on Ubuntu, LINUX_KERNEL_VERSION is /proc/version_signature's upstream version, its sublevel clamped to 255" {
	# A private /proc holding only an Ubuntu signature: the load reads nothing else there.
	for case in "5.15.0-91.101-generic 5.15.131|$(((5 << 16) + (15 << 8) + 131))" \
		"4.14.0-1.2-generic 4.14.300|$(((4 << 16) + (14 << 8) + 255))"; do
		run -0 unshare -m sh -c 'mount -t tmpfs xdpl-proc /proc &&
			echo "Ubuntu $1" >/proc/version_signature && exec "$2" test -j "$3"' \
			sh "${case%|*}" "$XDPLOAD" "$EXT/kversion.o"
		assert_equal "$(jq -r .globals.version <<<"$output")" "${case#*|}"
	done
}

@test "kconfig: --kconfig takes another config, gzip or not: m is TRI_MODULE, numbers in any base, strings unescaped and cut to fit" {
	cfg="$BATS_TEST_TMPDIR/config"
	cat >"$cfg" <<-'EOF'
	# a config written by hand
	CONFIG_HZ=0x3e8
	CONFIG_BPF_JIT=n
	CONFIG_NF_CONNTRACK=m
	CONFIG_LOCALVERSION="-a \"b\" \\c and more"
	CONFIG_PHYSICAL_START=9007199254740991
	CONFIG_BPF_SYSCALL=m
	# CONFIG_HZ_1000 is not set
	EOF
	run -0 --separate-stderr xdpload test -j -v --kconfig "$cfg" "$EXT/kconfig.o"
	assert_equal "$(jq -r '[.globals.hz, .globals.jit, .globals.conntrack, .globals.physical_start, .globals.bpf_syscall] | join(" ")' <<<"$output")" \
		"1000 0 2 9007199254740991 109"
	assert_equal "$(jq -r .globals.localversion <<<"$output")" '-a "b" \c and m'
	[[ "$stderr" == *"load: kconfig: CONFIG_LOCALVERSION from $cfg line 5, cut to fit its char array"* ]]
	gzip -c "$cfg" >"$cfg.gz"
	run -0 xdpload test -j --kconfig "$cfg.gz" "$EXT/kconfig.o"
	assert_equal "$(jq -r .globals.hz <<<"$output")" 1000
}

@test "kconfig: a strong extern the config does not set is an error naming it and the config (exit 2)" {
	where=$(config_where)
	run -2 --separate-stderr xdpload test "$EXT/kconfig_missing.o"
	assert_equal "$stderr" "xdpload: kconfig: extern CONFIG_XDPLOAD_NO_SUCH_OPTION is not set in $where (declare it __weak to default to 0)"
}

@test "kconfig: a value the extern's type cannot hold is refused with the line and the type (exit 2)" {
	cfg="$BATS_TEST_TMPDIR/config"
	while IFS='|' read -r line message; do
		printf 'CONFIG_BPF_SYSCALL=y\n%s\n' "$line" >"$cfg"
		run -2 --separate-stderr xdpload test --kconfig "$cfg" "$EXT/kconfig.o"
		assert_equal "$stderr" "xdpload: kconfig: $cfg line 2: $message"
	done <<-'EOF'
	CONFIG_BPF_JIT=m|CONFIG_BPF_JIT=m (a module) does not fit a bool extern; declare it enum libbpf_tristate
	CONFIG_HZ=2147483648|CONFIG_HZ=2147483648 does not fit the extern, an integer (signed, 4 bytes)
	CONFIG_HZ="250"|CONFIG_HZ is a string, but the extern is an integer, not a char array
	CONFIG_HZ=y|CONFIG_HZ=y, but the extern is an integer (y, n and m need a bool, a tristate or a char)
	CONFIG_LOCALVERSION=1|CONFIG_LOCALVERSION=1 is a number, but the extern is a char array
	CONFIG_HZ=25O|CONFIG_HZ=25O is not y, n, m, a quoted string or a number
	CONFIG_LOCALVERSION="open|CONFIG_LOCALVERSION: the string does not end with the line
	CONFIG_HZ|CONFIG_HZ has no value after it (CONFIG_X=VALUE)
	EOF
	printf 'CONFIG_HZ=100\nCONFIG_HZ=250\n' >"$cfg"
	run -2 --separate-stderr xdpload test --kconfig "$cfg" "$EXT/kconfig.o"
	assert_equal "$stderr" "xdpload: kconfig: $cfg: CONFIG_HZ is set twice, on lines 1 and 2"
}

@test "kconfig: a config that cannot be read or inflated is the environment's fault (exit 5)" {
	run -5 --separate-stderr xdpload test --kconfig "$BATS_TEST_TMPDIR/none" "$EXT/kconfig.o"
	assert_equal "$stderr" "xdpload: kconfig: cannot read $BATS_TEST_TMPDIR/none: ENOENT (No such file or directory)"
	printf 'CONFIG_HZ=250\n' | gzip -c >"$BATS_TEST_TMPDIR/bad.gz"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/bad.gz")
	printf '\377' | dd of="$BATS_TEST_TMPDIR/bad.gz" bs=1 seek=$((size - 8)) conv=notrunc status=none
	run -5 --separate-stderr xdpload test --kconfig "$BATS_TEST_TMPDIR/bad.gz" "$EXT/kconfig.o"
	[[ "$stderr" =~ ^"xdpload: gzip: $BATS_TEST_TMPDIR/bad.gz: byte $((size - 8)): CRC-32 0x"[0-9a-f]{8}" of the data does not match the trailer's 0x"[0-9a-f]{8}$ ]]
	head -c $((size - 3)) "$BATS_TEST_TMPDIR/bad.gz" >"$BATS_TEST_TMPDIR/cut.gz"
	run -5 --separate-stderr xdpload test --kconfig "$BATS_TEST_TMPDIR/cut.gz" "$EXT/kconfig.o"
	assert_equal "$stderr" "xdpload: gzip: $BATS_TEST_TMPDIR/cut.gz: byte $((size - 8)): the trailer (CRC-32 and size) is cut off"
}

@test "kconfig: --set cannot change a __kconfig extern (exit 1)" {
	run -1 --separate-stderr xdpload test --set CONFIG_HZ=100 "$EXT/kconfig.o"
	assert_equal "$stderr" "xdpload: --set CONFIG_HZ: a __kconfig extern takes its value from the kernel's config; give another config with --kconfig FILE"
}

@test "ksym: an untyped ksym is the address /proc/kallsyms gives; a __weak one no kernel has is 0" {
	addr=$(awk '$3 == "bpf_prog_put" { print $1; exit }' /proc/kallsyms)
	[ "$addr" != 0000000000000000 ] || skip "/proc/kallsyms shows no addresses to this process"
	run -0 xdpload test "$EXT/ksym.o"
	assert_line --regexp "^  \.data +prog_put +unsigned long long +$(printf '%u' "0x$addr")$"
	assert_line --regexp "^  \.data +no_such +unsigned long long +0$"
}

@test "ksym: a strong untyped ksym that /proc/kallsyms lacks is an error naming it (exit 2)" {
	run -2 --separate-stderr xdpload test "$EXT/ksym_missing.o"
	assert_equal "$stderr" "xdpload: ksym: extern xdpload_no_such_symbol is not in /proc/kallsyms (declare it __weak to allow it missing)"
}

@test "ksym: without CAP_SYSLOG, /proc/kallsyms shows zeros, and the load says addresses need root (exit 5)" {
	[ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 2 ] ||
		skip "kernel.perf_event_paranoid below 2 shows kallsyms addresses to every process"
	[ "$(cat /proc/sys/kernel/kptr_restrict)" -lt 2 ] || skip "kernel.kptr_restrict=2 hides addresses from root too"
	run -5 --separate-stderr setpriv --bounding-set -syslog "$XDPLOAD" test "$EXT/ksym.o"
	assert_equal "$stderr" "xdpload: ksym: extern bpf_prog_put: /proc/kallsyms shows every address as 0: reading kernel addresses needs root (CAP_SYSLOG) and kernel.kptr_restrict below 2"
}

@test "typed ksym: per-CPU variables by their BTF VAR (runqueues less this_cpu_off is its kallsyms address)" {
	rq=$(awk '$3 == "runqueues" { print $1; exit }' /proc/kallsyms)
	if [ -z "$rq" ]; then
		# The verifier finds a typed ksym's address in kallsyms, which lists
		# data symbols only with CONFIG_KALLSYMS_ALL; libbpf fails alike.
		run -3 --separate-stderr xdpload test "$EXT/ksym_typed.o"
		[[ "$stderr" == *$'\n'"ldimm64 failed to find the address for kernel symbol 'runqueues'."$'\n'* ]]
		skip "this kernel's /proc/kallsyms lists no data symbols (CONFIG_KALLSYMS_ALL is off), which the verifier needs for typed ksyms; the qemu test below runs it on 6.1"
	fi
	run -0 xdpload test "$EXT/ksym_typed.o"
	assert_line --regexp "^  \.data +rq_symbol +unsigned long long +$(printf '%u' "0x$rq")$"
}

@test "typed ksym: a __weak one the kernel's BTF lacks reads as NULL, and the program takes its other way" {
	run -0 xdpload test -j "$EXT/ksym_typed_weak.o"
	assert_equal "$(jq -r '"\(.result) \(.globals.seen)"' <<<"$output")" "XDP_DROP 0"
}

@test "typed ksym: a strong one the kernel's BTF lacks, or declared with another type, is an error naming it (exit 2)" {
	run -2 --separate-stderr xdpload test "$EXT/ksym_typed_missing.o"
	assert_equal "$stderr" "xdpload: ksym: typed ksym xdpload_no_such_percpu has no VAR in the kernel's BTF (vmlinux and $(($(ls /sys/kernel/btf | wc -l) - 1)) modules; only per-CPU variables have one); declare it __weak to allow it missing, or \`extern const void xdpload_no_such_percpu __ksym\` for its address"
	id=$(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[[0-9]*\] VAR 'bpf_prog_active' type_id=\([0-9]*\),.*/\1/p")
	run -2 --separate-stderr xdpload test "$EXT/ksym_typed_mismatch.o"
	assert_equal "$stderr" "xdpload: ksym: typed ksym bpf_prog_active: the object declares it struct xdpload_not_an_int, which does not match vmlinux's type $id (INT int)"
}

@test "kfunc: bpf_dynptr_from_xdp and bpf_dynptr_size read the packet the program ran on" {
	run -0 xdpload test -j "$EXT/kfunc.o"
	assert_equal "$(jq -r '[.result, .globals.from_xdp, .globals.size, .globals.ethertype] | join(" ")' <<<"$output")" "XDP_PASS 0 64 2048"
	# An IPv6 frame of 100 bytes: another size, another EtherType.
	run -0 xdpload test -j --packet "020000000002020000000001 86dd $(printf '00%.0s' $(seq 86))" "$EXT/kfunc.o"
	assert_equal "$(jq -r '[.result, .globals.size, .globals.ethertype] | join(" ")' <<<"$output")" "XDP_PASS 100 34525"
}

@test "kfunc: bpf_ksym_exists says which kfuncs the kernel has; a __weak missing one, never reached, does not stop the load" {
	run -0 --separate-stderr xdpload test -j -v "$EXT/kfunc.o"
	assert_equal "$(jq -r '"\(.globals.size_exists) \(.globals.no_such_exists)"' <<<"$output")" "1 0"
	[[ "$stderr" =~ "calls the missing weak kfunc bpf_xdpload_no_such_kfunc: poisoned (call unknown#20020000"[0-9]{2}"), refused only if reached" ]]
	[[ "$stderr" == *"-> kfunc bpf_dynptr_from_xdp (BTF id $(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[\([0-9]*\)\] FUNC 'bpf_dynptr_from_xdp' .*/\1/p"))"* ]]
}

@test "kfunc: a __weak missing kfunc that is reached fails in the verifier, which is told which kfunc it was (exit 3)" {
	run -3 --separate-stderr xdpload test "$EXT/kfunc_weak_reached.o"
	assert_equal "${stderr_lines[0]}" "xdpload: load: program xdp_kfunc_weak_reached (section xdp, 2 instructions): BPF_PROG_LOAD failed: EINVAL (Invalid argument)"
	[[ "$stderr" == *$'\n'"invalid func unknown#2002000000"$'\n'* ]]
	assert_equal "${stderr##*$'\n'}" "xdpload: the verifier stopped at instruction 0, kfunc_weak_reached.c:14: return bpf_xdpload_no_such_kfunc(ctx); (instruction 0 calls kfunc bpf_xdpload_no_such_kfunc, which this kernel does not have: it is __weak, so that call must be unreachable when it is missing (test for it with bpf_ksym_exists()))"
}

@test "kfunc: a strong one the kernel lacks, or declared with another prototype, is an error naming it (exit 2)" {
	run -2 --separate-stderr xdpload test "$EXT/kfunc_missing.o"
	assert_equal "$stderr" "xdpload: ksym: kfunc bpf_xdpload_no_such_kfunc is not in the kernel's BTF (vmlinux and $(($(ls /sys/kernel/btf | wc -l) - 1)) modules); declare it __weak to allow it missing"
	proto=$(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[[0-9]*\] FUNC 'bpf_dynptr_size' type_id=\([0-9]*\) .*/\1/p")
	run -2 --separate-stderr xdpload test "$EXT/kfunc_mismatch.o"
	assert_equal "$stderr" "xdpload: ksym: kfunc bpf_dynptr_size: the object declares another prototype than vmlinux's (FUNC_PROTO $proto): its parameters or return type differ"
}

@test "externs: libbpf (bpftool prog load) loads the same objects" {
	require_pkg bpftool
	for o in kconfig ksym kfunc ksym_typed_weak; do
		run -0 bpftool prog load "$EXT/$o.o" "$BPFFS/$o"
		rm -f "$BPFFS/$o"
	done
}

@test "kfunc: nf_conntrack's bpf_xdp_ct_lookup, wherever its BTF is, says ENOENT for a flow that does not exist" {
	bpftool btf dump file /sys/kernel/btf/vmlinux | grep -q "FUNC 'bpf_xdp_ct_lookup'" ||
		skip "this kernel's vmlinux BTF has no bpf_xdp_ct_lookup (nf_conntrack is a module or missing; the qemu test covers a module)"
	run -0 --separate-stderr xdpload test -v "$EXT/kfunc_module.o"
	assert_line --regexp "^  \.data +error +int +-2$"
	assert_line --regexp "^  \.data +found +int +0$"
	[[ "$stderr" == *"load: kfunc bpf_xdp_ct_lookup: vmlinux BTF id "* ]]
}

# Debian 12's 6.1 kernel, as tests/initramfs.bats boots it, with the
# modules and config kernel.sh --fetch unpacks next to it.
@test "qemu, Debian 12's 6.1: typed ksyms, a kfunc in a module's BTF (fd_array), the config in /boot, Debian's sublevel" {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
	command -v busybox >/dev/null || skip "busybox is not installed (Debian package busybox-static)"
	read -r vmlinuz veth < <("$ROOT/tests/initramfs/kernel.sh") ||
		skip "no 6.1 kernel: install linux-image-amd64, or run tests/initramfs/kernel.sh --fetch"
	release=${vmlinuz##*/vmlinuz-}
	top=${vmlinuz%/boot/*}
	mods=$top/lib/modules/$release/kernel
	config=$top/boot/config-$release
	extra="$BATS_TEST_TMPDIR/extra"
	mkdir -p "$extra/boot" "$extra/lib/modules" "$extra/progs/externs"
	for ko in crypto/crc32c_generic lib/libcrc32c net/ipv4/netfilter/nf_defrag_ipv4 \
		net/ipv6/netfilter/nf_defrag_ipv6 net/netfilter/nf_conntrack; do
		[ -f "$mods/$ko.ko" ] ||
			skip "no $mods/$ko.ko: a kernel fetched before externs were tested; rm -r build/kernel and run tests/initramfs/kernel.sh --fetch"
		cp "$mods/$ko.ko" "$extra/lib/modules/"
	done
	[ -f "$config" ] || skip "no $config next to $vmlinuz"
	cp "$config" "$extra/boot/"
	cp "$EXT"/*.o "$extra/progs/externs/"
	cp "$ROOT/tests/initramfs/externs.sh" "$extra/init.sh"
	run -0 "$ROOT/tests/initramfs/mkroot.sh" "$BATS_TEST_TMPDIR/vm" "$veth" "$extra"
	run -0 "$ROOT/tests/initramfs/boot.sh" "$vmlinuz" "$BATS_TEST_TMPDIR/vm/initramfs.cpio"
	assert_line "XDPLOAD-EXTERNS: END"
	assert_line "externs: insmod nf_conntrack"
	assert_line "externs: config.gz absent"
	# kconfig: from /boot/config-RELEASE; nf_conntrack is m there, TRI_MODULE.
	assert_line "externs: kconfig: exit 0"
	assert_line --regexp "^externs: kconfig:   \.data +hz +int +$(sed -n 's/^CONFIG_HZ=//p' "$config")$"
	assert_line --regexp "^externs: kconfig:   \.data +conntrack +int +2$"
	assert_line --regexp "^externs: kconfig: xdpload: load: kconfig: CONFIG_HZ from /boot/config-$release line $(grep -n '^CONFIG_HZ=' "$config" | cut -d: -f1)$"
	# LINUX_KERNEL_VERSION from "Debian 6.1.N-M" in uname -v, not the release's 6.1.0.
	IFS=. read -r a b c < <(printf '%s\n' "${lines[@]}" | sed -n 's/^externs: uname -v .*Debian \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
	assert_line --regexp "^externs: kconfig:   \.data +kernel_version +unsigned int +$(((a << 16) + (b << 8) + (c > 255 ? 255 : c)))$"
	# An untyped ksym and typed ones, against the VM's own kallsyms.
	put=$(printf '%s\n' "${lines[@]}" | sed -n 's/^externs: kallsyms \([0-9a-f]*\) T bpf_prog_put$/\1/p')
	assert_line --regexp "^externs: ksym:   \.data +prog_put +unsigned long long +$(printf '%u' "0x$put")$"
	rq=$(printf '%s\n' "${lines[@]}" | sed -n 's/^externs: kallsyms \([0-9a-f]*\) . runqueues$/\1/p')
	assert_line "externs: ksym_typed: exit 0"
	assert_line --regexp "^externs: ksym_typed:   \.data +rq_symbol +unsigned long long +$(printf '%u' "0x$rq")$"
	# The kfunc found in nf_conntrack's BTF, called with that BTF's fd in fd_array.
	assert_line --regexp "^externs: kfunc_module: xdpload: load: kfunc bpf_xdp_ct_lookup: nf_conntrack BTF id [0-9]+$"
	assert_line "externs: kfunc_module: exit 0"
	assert_line --regexp "^externs: kfunc_module:   \.data +error +int +-2$"
}
