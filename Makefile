# xdpload: one static binary, no libbpf, no kernel headers.
#   make          ./xdpload (static) and xdp_kern.o
#   make test     the bats suite against the running kernel (root)
#   make demo     attach in a throwaway network namespace and show it working
#   make asan     ./xdpload-asan, address+undefined sanitizers (the parser tests use it)
#   make fuzz     build the libFuzzer target for the ELF parser (needs clang + libfuzzer)
#   make bench-datapath   the data-path benchmark (bench/datapath.sh, root; QUICK=1 for a smoke run)

CC := $(shell command -v musl-gcc >/dev/null 2>&1 && echo musl-gcc || echo gcc)
CLANG ?= clang
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
LDFLAGS += -static
BPF_CFLAGS := -O2 -g -target bpf -nostdinc -Wall -Werror

SRCS := loader.c attach.c testrun.c show.c fw_cli.c elf.c object.c maps.c btf.c btf_compat.c \
	reloc.c load.c netlink.c fw.c rules.c builtin.c
HDRS := xdpload.h bpf_sys.h btf.h cli.h fw.h firewall.h
TEST_PROGS := $(patsubst %.c,%.o,$(wildcard tests/progs/*.c))

all: xdpload xdp_kern.o $(TEST_PROGS)

xdpload: $(SRCS) $(HDRS) xdp_kern.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(SRCS)

xdpload-asan: $(SRCS) $(HDRS) xdp_kern.o
	gcc -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -o $@ $(SRCS)

asan: xdpload-asan

# An unoptimised glibc build for valgrind (fd and leak checks in tests/leaks.bats).
xdpload-dbg: $(SRCS) $(HDRS) xdp_kern.o
	gcc -std=gnu11 -O0 -g -Wall -Wextra -Werror -o $@ $(SRCS)

%.o: %.c xdp_kern.h firewall.h
	$(CLANG) $(BPF_CFLAGS) -I. -c $< -o $@

# Everything between the file and the kernel: no syscalls, so it can be fuzzed.
PARSER := elf.c object.c maps.c btf.c btf_compat.c reloc.c

fuzz/elf_fuzz: fuzz/elf_fuzz.c $(PARSER) $(HDRS)
	$(CLANG) -g -O1 -I. -fsanitize=fuzzer,address,undefined -o $@ fuzz/elf_fuzz.c $(PARSER)

fuzz: fuzz/elf_fuzz

test: all xdpload-asan xdpload-dbg
	tests/run

demo: all
	./demo.sh

# The data path measured: ns per packet, size, memory, rules load time, drops
# over a veth (bench/DATAPATH.md).  It reports; it is no test.
BENCH_DATAPATH := bench/pass.o bench/hash1.o bench/out/flood

bench/out/flood: bench/flood.c
	mkdir -p bench/out
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ bench/flood.c

bench-datapath: all $(BENCH_DATAPATH)
	bench/datapath.sh

clean:
	rm -f xdpload xdpload-asan xdpload-dbg xdp_kern.o tests/progs/*.o fuzz/elf_fuzz

.PHONY: all asan fuzz test demo clean bench-datapath
tests/progs/fw_small.o: xdp_kern.c
