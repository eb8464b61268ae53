// SPDX-License-Identifier: MIT
/*
 * counter.c - a generated skeleton in use.  `xdpload gen skeleton
 * counter.bpf.o > counter.skel.h` embeds the object in the header, with its
 * program, maps and global variables typed, so this program opens no file:
 *
 *   counter IFACE icmp|tcp|udp [SOURCE]
 *
 * It sets what to count (a protocol, and an IPv4 source) in the skeleton's
 * .rodata before the load, attaches xdp_counter to IFACE with a bpf_link,
 * and prints the counts every second until Ctrl-C, read from .bss where the
 * kernel keeps them: the skeleton maps it into this process.  Built as a
 * user builds it (make examples does both steps):
 *
 *   xdpload gen skeleton counter.bpf.o > counter.skel.h
 *   cc -static -o counter counter.c $(pkg-config --static --cflags --libs xdpload)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "counter.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { [1] = "icmp", [6] = "tcp", [17] = "udp" };
	struct xdpl_error err = { 0 };
	struct counter *skel = NULL;
	struct counter__bss now;
	struct in_addr source = { 0 };
	unsigned int ifindex, protocol = 0, zero = 0;
	int link = -1, status = 1;

	signal(SIGINT, on_signal); /* before the attach: a Ctrl-C then still detaches */
	signal(SIGTERM, on_signal);
	while (argc >= 3 && ++protocol < sizeof(names) / sizeof(names[0]))
		if (names[protocol] && !strcmp(argv[2], names[protocol]))
			break;
	if (argc < 3 || argc > 4 || protocol >= sizeof(names) / sizeof(names[0])) {
		fprintf(stderr, "usage: counter IFACE icmp|tcp|udp [SOURCE]\n");
		return 2;
	}
	if (!(ifindex = if_nametoindex(argv[1])))
		xdpl_error_set(&err, -ENODEV, false, "no interface %s", argv[1]);
	else if (argc == 4 && inet_pton(AF_INET, argv[3], &source) != 1)
		xdpl_error_set(&err, -EINVAL, false, "%s is not an IPv4 address", argv[3]);
	else if ((skel = counter__open(&err))) {
		skel->rodata->protocol = (uint8_t)protocol; /* what the program reads as a constant */
		skel->rodata->source = source.s_addr;
		if (!counter__load(skel, NULL, &err))
			link = xdpl_xdp_link(xdpl_prog_fd(skel->progs.xdp_counter), (int)ifindex,
					     XDPL_XDP_AUTO, &err);
	}
	if (link >= 0) {
		printf("counting %s packets from %s on %s\n", argv[2], argc == 4 ? argv[3] : "anywhere",
		       argv[1]);
		status = 0;
	}
	while (!status && !stop) {
		/* The kernel's own memory, mapped; on a kernel before 5.5 a copy looked up. */
		if (skel->mapped.bss)
			now = *(volatile struct counter__bss *)skel->bss;
		else if (xdpl_map_lookup(xdpl_map_fd(skel->maps.bss), &zero, &now, &err))
			status = 1;
		if (!status)
			printf("%s: %llu packets, %llu bytes\n", argv[2],
			       (unsigned long long)now.counts.packets,
			       (unsigned long long)now.counts.bytes);
		fflush(stdout);
		sleep(1);
	}
	if (status)
		fprintf(stderr, "counter: %s%s%s\n", err.msg, err.errnum ? ": " : "",
			err.errnum ? xdpl_errno_name(err.errnum) : "");
	if (link >= 0)
		close(link);
	counter__destroy(skel);
	xdpl_error_clear(&err);
	return status;
}
