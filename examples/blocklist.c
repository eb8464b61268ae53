// SPDX-License-Identifier: MIT
/*
 * blocklist.c - the Aya book's next step, in C on libxdpload.
 *
 *   blocklist OBJ IFACE ADDR...
 *
 * Loads OBJ (blocklist.bpf.o), puts each IPv4 ADDR into its hash map
 * `blocklist`, attaches xdp_blocklist to IFACE with a bpf_link, and prints
 * the drop count (the per-CPU array `drops`, summed) every second until
 * Ctrl-C.  Built as a user builds it:
 *
 *   cc -static -o blocklist blocklist.c $(pkg-config --static --cflags --libs xdpload)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <xdpload.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The drops of every CPU, added up: a per-CPU value is one 8-byte slot each. */
static int drops_read(int fd, unsigned long long *total, struct xdpl_error *err)
{
	unsigned long long per_cpu[1024];
	struct xdpl_map_info info;
	unsigned int zero = 0;
	int e = xdpl_map_info(fd, &info, err);

	if (!e && info.lookup_size > sizeof(per_cpu))
		e = xdpl_error_set(err, -E2BIG, false, "more CPUs than this example counts");
	if (!e)
		e = xdpl_map_lookup(fd, &zero, per_cpu, err);
	*total = 0;
	for (unsigned int c = 0; !e && c < info.lookup_size / 8; c++)
		*total += per_cpu[c];
	return e;
}

int main(int argc, char **argv)
{
	struct xdpl_error err = { 0 };
	struct xdpl_obj *obj = NULL;
	struct xdpl_prog *prog;
	unsigned long long total;
	unsigned int ifindex, one = 1;
	int link = -1, status = 1;

	signal(SIGINT, on_signal); /* before the attach: a Ctrl-C then still detaches */
	signal(SIGTERM, on_signal);
	if (argc < 4) {
		fprintf(stderr, "usage: blocklist OBJ IFACE ADDR...\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		xdpl_error_set(&err, -ENODEV, false, "no interface %s", argv[2]);
		goto out;
	}
	if (xdpl_obj_open(&obj, argv[1], NULL, &err) || xdpl_obj_load(obj, NULL, &err))
		goto out;
	for (int i = 3; i < argc; i++) {
		struct in_addr addr;

		if (inet_pton(AF_INET, argv[i], &addr) != 1) {
			xdpl_error_set(&err, -EINVAL, false, "%s is not an IPv4 address", argv[i]);
			goto out;
		}
		if (xdpl_map_update(xdpl_map_fd(xdpl_obj_map_find(obj, "blocklist")), &addr.s_addr,
				    &one, 0, &err))
			goto out;
		printf("blocked %s\n", argv[i]);
	}
	prog = xdpl_obj_prog_find(obj, "xdp_blocklist");
	link = xdpl_xdp_link(xdpl_prog_fd(prog), (int)ifindex, XDPL_XDP_AUTO, &err);
	if (link < 0)
		goto out;
	printf("attached xdp_blocklist to %s\n", argv[2]);
	while (!stop) {
		if (drops_read(xdpl_map_fd(xdpl_obj_map_find(obj, "drops")), &total, &err))
			goto out;
		printf("drops: %llu\n", total);
		fflush(stdout);
		sleep(1);
	}
	status = 0;
out:
	if (status)
		fprintf(stderr, "blocklist: %s%s%s\n", err.msg, err.errnum ? ": " : "",
			err.errnum ? xdpl_errno_name(err.errnum) : "");
	if (link >= 0)
		close(link);
	xdpl_obj_close(obj);
	xdpl_error_clear(&err);
	return status;
}
