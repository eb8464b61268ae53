// SPDX-License-Identifier: MIT
/*
 * testrun.c - the `test` verb: load a program without attaching it, run it
 * on one packet with BPF_PROG_TEST_RUN (once, or --repeat times for a mean
 * time), and show the verdict, the packet that came out and the global
 * variables as the run left them.  The quickest way to see what a program
 * does, and what the tests use to prove each feature works.
 *
 * Part of the command line: with loader.c, attach.c and show.c, the only
 * files that print.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

/* The packet `test` sends by default: Ethernet, IPv4 10.0.0.1 -> 10.0.0.2, UDP 12345 -> 53. */
static const uint8_t default_packet[64] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x32, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x26, 0xb9,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x00, 0x35, 0x00, 0x1e, 0x00, 0x00,
	'x', 'd', 'p', 'l', 'o', 'a', 'd', ' ', 't', 'e', 's', 't', ' ', 'p', 'a', 'c', 'k', 'e',
	't', '.', '.', '\n',
};

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* --packet: a file of raw bytes, or hex digits (spaces and colons allowed). */
static int packet_read(const char *arg, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(arg, "rb");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, cap, f);
		fclose(f);
		*len = n;
		return n ? 0 : -EINVAL;
	}
	for (const char *p = arg; *p;) {
		int high, low;

		if (*p == ' ' || *p == ':' || *p == '\n') {
			p++;
			continue;
		}
		high = hex_digit(p[0]);
		low = high < 0 ? -1 : hex_digit(p[1]);
		if (n == cap || low < 0)
			return -EINVAL;
		buf[n++] = (uint8_t)(high << 4 | low);
		p += 2;
	}
	*len = n;
	return n >= 14 ? 0 : -EINVAL;
}

static const char *xdp_verdict(uint32_t ret)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
					     "XDP_REDIRECT" };

	return ret < 5 ? names[ret] : "unknown";
}

/* test OBJ: load, run once (or --repeat times) with BPF_PROG_TEST_RUN, show the verdict and globals. */
int cmd_test(struct opts *o)
{
	static uint8_t in[65536], out[65536 + 4096];
	struct xdpl_test_run run = { .sz = sizeof(run) };
	struct xdpl_error e = { 0 };
	struct xdpl_fw *fw = NULL;
	struct loaded l;
	size_t in_len = sizeof(default_packet);
	const char *name;
	int code;

	if (o->packet && packet_read(o->packet, in, sizeof(in), &in_len)) {
		fprintf(stderr, "xdpload: --packet %s: neither a readable file nor at least 14 bytes of hex\n",
			o->packet);
		return EXIT_USAGE;
	}
	if (!o->packet)
		memcpy(in, default_packet, in_len);
	/*
	 * Pins, for a test run: --dev runs against that firewall's state (reading
	 * and writing it, making nothing new); --pin-maps uses and makes pins
	 * there as attach would; otherwise the run has maps of its own, so
	 * `xdpload test OBJ` neither sees nor leaves anything in /sys/fs/bpf.
	 */
	if (o->dev) {
		static char dir[4096];

		struct stat st;
		char meta[4200];

		code = fw_dir(o, o->dev, dir, sizeof(dir));
		if (code)
			return code;
		snprintf(meta, sizeof(meta), "%s/fw_meta", dir);
		if (stat(meta, &st) < 0) {
			fprintf(stderr, "xdpload: test: no firewall state for %s in %s; attach one with `xdpload firewall attach %s`\n",
				o->dev, dir, o->dev);
			return EXIT_ENV;
		}
		/* A whole state, which nobody changes while the run reads and writes it. */
		code = fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_SHARED);
		if (code)
			return code;
		o->load.pin_dir = dir;
		o->load.pin_reuse_only = true;
	} else {
		o->load.pin_none = !o->pin_maps_given;
	}
	code = load_program(&l, o->args[0], NULL, o);
	if (code)
		goto out;
	name = xdpl_prog_name(l.prog);
	if (xdpl_prog_expected_attach_type(l.prog)) {
		fprintf(stderr, "xdpload: test: %s (section %s) loads, but the kernel cannot test-run programs for %s entries\n",
			text(name), text(xdpl_prog_section(l.prog)),
			xdpl_prog_expected_attach_type(l.prog) == BPF_XDP_DEVMAP ? "devmap" : "cpumap");
		code = EXIT_OBJECT;
		goto out;
	}
	run.data_in = in;
	run.size_in = (uint32_t)in_len;
	run.data_out = out;
	run.size_out = sizeof(out);
	run.repeat = (uint32_t)o->repeat;
	if (xdpl_prog_test_run(xdpl_prog_fd(l.prog), &run, &e)) {
		snprintf(e.msg, sizeof(e.msg), "test: BPF_PROG_TEST_RUN of %s failed", name);
		code = report(&e, EXIT_KERNEL);
		goto out;
	}
	if (o->json) {
		printf("{\"program\":");
		json_string(name);
		printf(",\"id\":%u,\"retval\":%u,\"result\":\"%s\",\"duration_ns\":%u,\"repeat\":%lu,\"packet_in\":%zu,\"packet_out\":%u,\"data_out\":\"",
		       l.id, run.retval, xdp_verdict(run.retval), run.duration_ns, o->repeat, in_len,
		       run.size_out);
		hex_print(out, run.size_out, "");
		printf("\",\"globals\":{");
		globals_print(l.obj, true);
		printf("}}\n");
	} else {
		bool same = run.size_out == in_len && !memcmp(in, out, in_len);

		printf("program   %s (id %u)\nresult    %s (%u)\nduration  %u ns per run (%lu run%s)\npacket    %zu bytes in, %u bytes out%s\n",
		       text(name), l.id, xdp_verdict(run.retval), run.retval, run.duration_ns, o->repeat,
		       o->repeat == 1 ? "" : "s", in_len, run.size_out, same ? ", unchanged" : ", changed");
		if (obj_has_btf(l.obj) && xdpl_obj_map_count(l.obj))
			printf("globals after the run:\n");
		if (obj_has_btf(l.obj))
			globals_print(l.obj, false);
	}
out:
	loaded_close(&l, code != EXIT_OK);
	xdpl_fw_close(fw);
	return code;
}
