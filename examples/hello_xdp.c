// SPDX-License-Identifier: MIT
/*
 * hello_xdp.c - the Aya book's first program, in C on libxdpload.
 *
 *   hello_xdp OBJ [IFACE]      (IFACE: eth0)
 *
 * Loads OBJ, takes its XDP program xdp_hello, attaches it to IFACE with a
 * bpf_link and waits ten seconds, or until Ctrl-C.  When it exits the
 * program is gone: the link's fd was all that held it, so even kill -9
 * detaches it.  Built as a user builds it:
 *
 *   cc -static -o hello_xdp hello_xdp.c $(pkg-config --static --cflags --libs xdpload)
 */
#define _POSIX_C_SOURCE 200809L
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

int main(int argc, char **argv)
{
	const char *iface = argc > 2 ? argv[2] : "eth0";
	struct xdpl_error err = { 0 };
	struct xdpl_obj *obj = NULL;
	struct xdpl_prog *prog;
	unsigned int ifindex;
	int link = -1, status = 1;

	signal(SIGINT, on_signal); /* before the attach: a Ctrl-C then still detaches */
	signal(SIGTERM, on_signal);
	if (argc < 2) {
		fprintf(stderr, "usage: hello_xdp OBJ [IFACE]\n");
		return 2;
	}
	ifindex = if_nametoindex(iface);
	if (!ifindex) {
		xdpl_error_set(&err, -ENODEV, false, "no interface %s", iface);
		goto out;
	}
	if (xdpl_obj_open(&obj, argv[1], NULL, &err))
		goto out;
	prog = xdpl_obj_prog_find(obj, "xdp_hello");
	if (!prog) {
		xdpl_error_set(&err, -ENOENT, false, "%s has no program xdp_hello", argv[1]);
		goto out;
	}
	if (xdpl_obj_load(obj, NULL, &err))
		goto out;
	link = xdpl_xdp_link(xdpl_prog_fd(prog), (int)ifindex, XDPL_XDP_AUTO, &err);
	if (link < 0)
		goto out;
	printf("attached xdp_hello (id %u) to %s; waiting for Ctrl-C\n", xdpl_prog_id(prog), iface);
	fflush(stdout);
	for (int i = 0; i < 10 && !stop; i++)
		sleep(1);
	printf("exiting: xdp_hello goes with the link\n");
	status = 0;
out:
	if (status)
		fprintf(stderr, "hello_xdp: %s%s%s\n", err.msg, err.errnum ? ": " : "",
			err.errnum ? xdpl_errno_name(err.errnum) : "");
	if (link >= 0)
		close(link);
	xdpl_obj_close(obj);
	xdpl_error_clear(&err);
	return status;
}
