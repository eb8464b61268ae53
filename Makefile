# xdpload: one static binary, no libbpf, no kernel headers.
#   make          ./xdpload (static) and xdp_kern.o
#   make test     the bats suite against the running kernel (root)
#   make core-progs  the CO-RE test corpus alone (bpftool, libbpf-dev, clang-16)
#   make type-progs  the program type corpus alone (libbpf-dev), and tests' build/bpfrun
#   make demo     attach in a throwaway network namespace and show it working
#   make fresh-check  make demo and make test on a brand-new Debian 12 root (root)
#   make asan     ./xdpload-asan, address+undefined sanitizers (the parser tests use it)
#   make fuzz     build the libFuzzer targets: the whole object parser, BTF alone, rules files,
#                 gzip/deflate, kernel config and kallsyms text
#   make fuzz-smoke  run each for a minute (FUZZ_SECONDS), as CI does
#   make bench    xdpload against ip, bpftool and xdp-loader (root; bench/README.md)
#   make bench-core  loading CO-RE objects: both relocation paths against libbpf
#   make bench-datapath  the firewall per packet, per rule, loading, drops (bench/DATAPATH.md)
#   make bench-contend   two CPUs hitting one exact rule: its shared counter
#   make size     the size in bytes of ./xdpload, stripped
#   make lib      libxdpload.a, the library (include/xdpload.h is its header)
#   make install  the binary, its manual, the library, its header and xdpload.pc under $(DESTDIR)$(PREFIX),
#                 the systemd units (contrib/systemd) in $(DESTDIR)$(SYSTEMDUNITDIR)
#   make examples examples/, built with pkg-config against the library installed in build/stage
#   make CC=gcc   ./xdpload with glibc instead of musl, static all the same
#   make CROSS=aarch64-linux-gnu-   ./xdpload-aarch64, static, with Debian's cross gcc
#   make initramfs-test   the binary in an initramfs, on this kernel and on Debian 12's 6.1 under qemu

# musl when it is there (the smallest binary), glibc otherwise. A cross build
# gets its own name: the BPF objects are the same on every architecture.
ifdef CROSS
CC := $(CROSS)gcc
BIN := xdpload-$(firstword $(subst -, ,$(CROSS)))
else
CC := $(shell command -v musl-gcc >/dev/null 2>&1 && echo musl-gcc || echo gcc)
BIN := xdpload
endif
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
# The release binary is built small: for size, without unwind tables (no
# code here unwinds), stripped, and without the library's functions the
# command line never calls (each function in its own section, the unused
# ones dropped at the link).  xdpload-dbg and xdpload-asan keep -g.
CFLAGS ?= -Os -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
LDFLAGS ?= -s -Wl,--gc-sections
LDFLAGS += -static
BPF_CFLAGS := -O2 -g -target bpf -nostdinc -Wall -Werror

# The layers (../shared/DESIGN.md): the library is elf.c, netlink.c, lib/ and
# the firewall's control plane in fw/; the command line is loader.c and cli/.
# Each build variant compiles them into its own directory under build/ and
# links the command line against that variant's libxdpload.a.
LIB_SRCS := elf.c netlink.c $(wildcard lib/*.c) $(wildcard fw/*.c)
CLI_SRCS := loader.c $(wildcard cli/*.c)
HDRS := bpf_sys.h $(wildcard lib/*.h fw/*.h cli/*.h include/*.h)
CPPFLAGS += -I. -Iinclude
TEST_PROGS := $(patsubst %.c,%.o,$(wildcard tests/progs/*.c))
# Written against libbpf's headers (libbpf-dev, a test-time package), so not
# part of `make`: `make test` builds them (make extern-progs alone).
EXTERN_PROGS := $(patsubst %.c,%.o,$(wildcard tests/progs/externs/*.c))
BENCH_PROGS := bench/xdp_pass.o bench/xdp_count.o

all: $(BIN) libxdpload.a xdp_kern.o $(TEST_PROGS) $(BENCH_PROGS)

# usage: $(call objs,DIR,SOURCES)
objs = $(patsubst %.c,$(1)/%.o,$(2))

REL := build/$(BIN)
$(REL)/%.o: %.c $(HDRS) build/$(BIN).cc
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
$(REL)/libxdpload.a: $(call objs,$(REL),$(LIB_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
$(BIN): $(call objs,$(REL),$(CLI_SRCS)) $(REL)/libxdpload.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# What the binary was built with: `make CC=gcc` after `make` rebuilds it.
build/$(BIN).cc: FORCE
	@mkdir -p build
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' >$@

# The firewall the binary carries (fw/builtin.c): xdp_kern.o without its DWARF,
# which only debuggers read; BTF and its line info stay.  11 KB less.
build/xdp_kern.builtin.o: xdp_kern.o
	@mkdir -p build
	$(LLVM_STRIP) --strip-debug -o $@ xdp_kern.o
$(REL)/fw/builtin.o build/asan/fw/builtin.o build/dbg/fw/builtin.o build/lib/fw/builtin.o: build/xdp_kern.builtin.o

# libxdpload.a as users link it: built by the system's compiler, for its libc
# (their programs use that one), whatever builds the binary; position
# independent, so it links into PIE programs and shared objects alike.
LIB_CC ?= $(if $(CROSS),$(CROSS)gcc,cc)
LIB_CFLAGS := -O2 -g -fPIC -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
build/lib/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(LIB_CC) $(CPPFLAGS) $(LIB_CFLAGS) -c -o $@ $<
# One relocatable object whose only global symbols are the functions the
# public header declares: the library's internal names cannot collide with
# a user's.
libxdpload.a: $(call objs,build/lib,$(LIB_SRCS)) include/xdpload.h
	grep -oE '\bxdpl_[a-z0-9_]+\(' include/xdpload.h | tr -d '(' | sort -u >build/lib/public.syms
	$(CROSS)ld -r -o build/lib/xdpload.o $(filter %.o,$^)
	$(CROSS)objcopy --keep-global-symbols=build/lib/public.syms build/lib/xdpload.o
	rm -f $@ && $(AR) rcs $@ build/lib/xdpload.o
lib: libxdpload.a

ASAN_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
build/asan/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	gcc $(CPPFLAGS) $(ASAN_CFLAGS) -c -o $@ $<
build/asan/libxdpload.a: $(call objs,build/asan,$(LIB_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
xdpload-asan: $(call objs,build/asan,$(CLI_SRCS)) build/asan/libxdpload.a
	gcc $(ASAN_CFLAGS) -o $@ $^

asan: xdpload-asan

# An unoptimised glibc build for valgrind (fd and leak checks in tests/leaks.bats).
DBG_CFLAGS := -std=gnu11 -O0 -g -Wall -Wextra -Werror
build/dbg/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	gcc $(CPPFLAGS) $(DBG_CFLAGS) -c -o $@ $<
build/dbg/libxdpload.a: $(call objs,build/dbg,$(LIB_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
xdpload-dbg: $(call objs,build/dbg,$(CLI_SRCS)) build/dbg/libxdpload.a
	gcc $(DBG_CFLAGS) -o $@ $^

%.o: %.c xdp_kern.h fw/firewall.h
	$(CLANG) $(BPF_CFLAGS) -I. -c $< -o $@

# libbpf-style test objects: the system's headers (uapi, bpf/bpf_helpers.h).
LIBBPF_BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror \
	-I/usr/include/$(shell gcc -print-multiarch 2>/dev/null)
tests/progs/externs/%.o: tests/progs/externs/%.c tests/progs/externs/externs.h
	$(CLANG) $(LIBBPF_BPF_CFLAGS) -c $< -o $@
extern-progs: $(EXTERN_PROGS)

# The fuzz targets link the library itself, built for them with coverage
# and sanitizers: the parsers they drive make no syscalls, and the rest of
# the archive is only linked in.
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined
build/fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<
build/fuzz/libxdpload.a: $(call objs,build/fuzz,$(LIB_SRCS))
	rm -f $@ && $(AR) rcs $@ $^
build/fuzz/fw/builtin.o: build/xdp_kern.builtin.o

# elf_fuzz: the whole object parser; btf_fuzz: .BTF alone; rules_fuzz: rules files.
fuzz/%_fuzz: fuzz/%_fuzz.c build/fuzz/libxdpload.a $(HDRS)
	$(CLANG) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< build/fuzz/libxdpload.a

# inflate_fuzz: gzip and deflate (/proc/config.gz); kconfig_fuzz: kernel
# configs, /proc/kallsyms lines, uname strings.  The same rule builds them.
fuzz: fuzz/elf_fuzz fuzz/btf_fuzz fuzz/rules_fuzz fuzz/inflate_fuzz fuzz/kconfig_fuzz

# Each target for FUZZ_SECONDS (60) from its seeds, then the kept crashes; CI runs it.
fuzz-smoke:
	tools/deps.sh fuzz
	fuzz/smoke.sh

# The CO-RE corpus (tests/progs/core/, tests/core.bats): objects written as
# libbpf users write them, against libbpf's headers and a vmlinux.h dumped
# from this kernel's BTF, and target BTFs of our own (core/btf/, as ELF
# objects and as raw .BTF blobs).  Building xdpload needs none of this, so it
# is not part of `make`; `make test` builds it (tools/deps.sh: bpftool,
# libbpf-dev, and clang 16 for enum64 and bpf_core_type_matches).
CORE_CLANG ?= clang-16
CORE_PROGS := $(patsubst %.c,%.o,$(wildcard tests/progs/core/*.c))
CORE_TARGETS := $(patsubst %.c,%.o,$(wildcard tests/progs/core/btf/*.c))
CORE_TARGETS += $(patsubst %.c,%.btf,$(wildcard tests/progs/core/btf/*.c))

build/vmlinux.h:
	@mkdir -p build
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >$@.tmp && mv $@.tmp $@
tests/progs/core/btf/%.o: tests/progs/core/btf/%.c tests/progs/core/btf/common.h
	$(CORE_CLANG) -O2 -g -target bpf -Wall -Werror -c $< -o $@
tests/progs/core/btf/%.btf: tests/progs/core/btf/%.o
	llvm-objcopy --dump-section .BTF=$@ $< /dev/null
tests/progs/core/%.o: tests/progs/core/%.c tests/progs/core/types.h build/vmlinux.h
	$(CORE_CLANG) -O2 -g -target bpf -Wall -Werror -Ibuild -Itests/progs/core -c $< -o $@

core-progs: $(CORE_PROGS) $(CORE_TARGETS)
# The program type corpus (tests/progs/types/, tests/progtypes.bats): objects
# written as libbpf users write them, against libbpf's headers and the
# kernel's uapi headers (libbpf-dev, linux-libc-dev), and build/bpfrun, the
# tests' attach-and-trigger helper, static so the initramfs can carry it.
# Building xdpload needs none of it, so it is not part of `make`; `make test`
# builds it.
TYPE_PROGS := $(patsubst %.c,%.o,$(wildcard tests/progs/types/*.c))
TYPE_CFLAGS := -O2 -g -target bpf -Wall -Werror -D__TARGET_ARCH_x86 \
	-I/usr/include/$(shell gcc -print-multiarch 2>/dev/null)
tests/progs/types/%.o: tests/progs/types/%.c tests/progs/types/common.h
	$(CLANG) $(TYPE_CFLAGS) -c $< -o $@
build/bpfrun: tests/bpfrun.c
	@mkdir -p build
	gcc -O2 -std=gnu11 -Wall -Wextra -Werror -static -o $@ tests/bpfrun.c
type-progs: $(TYPE_PROGS) build/bpfrun

# demo and test check what they need first (tools/deps.sh: as root on Debian
# they install it, otherwise they say what to install), before building.
test:
	tools/deps.sh test
	$(MAKE) all xdpload-asan xdpload-dbg core-progs extern-progs type-progs
	tests/run

demo:
	tools/deps.sh demo
	$(MAKE) all
	./demo.sh

# make demo and make test on a brand-new Debian 12 root (root; tools/fresh-check.sh).
fresh-check:
	tools/fresh-check.sh

# The data path measured: ns per packet, size, memory, rules load time, drops
# over a veth (bench/DATAPATH.md).  It reports; it is no test.
BENCH_DATAPATH := bench/pass.o bench/hash1.o bench/out/flood

bench/out/flood: bench/flood.c
	mkdir -p bench/out
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ bench/flood.c

bench-datapath: all $(BENCH_DATAPATH)
	bench/datapath.sh

# Two CPUs hitting one exact rule: its shared counter (bench/DATAPATH.md).
bench-contend: $(BIN)
	bench/contend.sh

# Both benchmarks: the control path (bench/README.md), then the data path.
# Loading CO-RE objects, both relocation paths against libbpf (bench/README.md).
bench-core: all core-progs
	bench/core.sh

bench: all core-progs $(BENCH_DATAPATH)
	bench/load.sh
	bench/core.sh
	bench/datapath.sh

size: $(BIN)
	@t=$$(mktemp) && strip -o $$t $(BIN) && stat -c %s $$t; rm -f $$t

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
# systemd looks in /usr/local/lib/systemd/system too; a package puts them in /lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UNITS := $(wildcard contrib/systemd/*.service)

# The binary and its manual; the library, its one header, a pkg-config file
# (`pkg-config --static --cflags --libs xdpload` is all a user needs) and its
# reference; the systemd units, naming the binary where it was installed.  A
# cross build installs as xdpload too: the binary for that machine.
install: $(BIN) libxdpload.a
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/xdpload
	@mkdir -p $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(UNITS); do \
		sed 's|@BINDIR@|$(PREFIX)/bin|g' $$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} || exit 1; \
	done
	install -D -m 0644 xdpload.8 $(DESTDIR)$(PREFIX)/share/man/man8/xdpload.8
	install -D -m 0644 libxdpload.a $(DESTDIR)$(LIBDIR)/libxdpload.a
	install -D -m 0644 include/xdpload.h $(DESTDIR)$(INCLUDEDIR)/xdpload.h
	install -D -m 0644 docs/api.md $(DESTDIR)$(PREFIX)/share/doc/xdpload/api.md
	@mkdir -p $(DESTDIR)$(LIBDIR)/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e "s|@VERSION@|$$(sed -n 's/^#define XDPLOAD_VERSION "\(.*\)"/\1/p' include/xdpload.h)|" \
		xdpload.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/xdpload.pc

# The examples, built against the library installed into build/stage exactly
# as a user builds them: with pkg-config, and nothing from this tree.
STAGE := $(CURDIR)/build/stage
EXAMPLES := $(patsubst examples/%.c,examples/%,$(filter-out %.bpf.c,$(wildcard examples/*.c)))
EXAMPLE_OBJS := $(patsubst %.bpf.c,%.bpf.o,$(wildcard examples/*.bpf.c))
PKG_STAGE := PKG_CONFIG_PATH=$(STAGE)$(LIBDIR)/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(STAGE)
# Each BPF object's skeleton, by the xdpload just built (counter.c uses its own).
EXAMPLE_SKELS := $(patsubst %.bpf.c,%.skel.h,$(wildcard examples/*.bpf.c))
examples: $(EXAMPLE_OBJS) $(EXAMPLE_SKELS)
	$(MAKE) --no-print-directory install DESTDIR=$(STAGE) >/dev/null
	@for e in $(EXAMPLES); do \
		echo "cc -static -o $$e $$e.c \$$(pkg-config --static --cflags --libs xdpload)"; \
		cc -std=c99 -pedantic -Wall -Wextra -Werror -static -o $$e $$e.c \
			$$($(PKG_STAGE) pkg-config --static --cflags --libs xdpload) || exit 1; \
	done

examples/%.bpf.o: examples/%.bpf.c
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
examples/%.skel.h: examples/%.bpf.o $(BIN)
	./$(BIN) gen skeleton $< $* >$@.tmp && mv $@.tmp $@

# tests/initramfs.bats, with the 6.1 kernel fetched into build/kernel when
# it is not installed (its test skips, saying why, when there is none).
initramfs-test: all
	tests/initramfs/kernel.sh --fetch >/dev/null || true
	tests/run tests/initramfs.bats

# build/kernel stays: it is a download, not something make builds.
clean:
	rm -f xdpload xdpload-* xdp_kern.o libxdpload.a tests/progs/*.o tests/progs/externs/*.o tests/progs/types/*.o bench/*.o
	rm -f fuzz/elf_fuzz fuzz/btf_fuzz fuzz/rules_fuzz fuzz/inflate_fuzz fuzz/kconfig_fuzz
	rm -f $(EXAMPLES) examples/*.o examples/*.skel.h
	rm -f tests/progs/core/*.o tests/progs/core/btf/*.o tests/progs/core/btf/*.btf build/vmlinux.h
	rm -rf build/initramfs build/*.cc build/xdp_kern.builtin.o build/xdpload* build/asan build/dbg build/lib build/fuzz build/stage bench/out

.PHONY: all lib examples core-progs extern-progs type-progs bench-core asan fuzz fuzz-smoke test demo fresh-check bench bench-datapath bench-contend size install initramfs-test clean FORCE
tests/progs/fw_small.o: xdp_kern.c
