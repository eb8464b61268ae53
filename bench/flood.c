// SPDX-License-Identifier: MIT
/*
 * flood.c - traffic for bench/datapath.sh: one frame, given as hex, sent
 * again and again through an AF_PACKET socket on one interface for a given
 * number of seconds, in batches (sendmmsg) and past the qdisc, so that the
 * XDP program on the veth peer sees as many frames as one core can send.
 * It prints how many frames the kernel accepted; what the peer's program
 * did with them is for the benchmark to read from its counters.
 *
 * It sends only the frame it is given, only on the interface it is given:
 * the benchmark runs it inside a network namespace it made, on a veth pair
 * whose far end is the firewall under test.  It must never be pointed at a
 * real network.
 *
 *   usage: flood IFACE SECONDS HEX
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <netpacket/packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

#ifndef PACKET_QDISC_BYPASS
#define PACKET_QDISC_BYPASS 20
#endif

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Hex digits into bytes; 0 on success. */
static int frame_parse(const char *hex, uint8_t *frame, size_t cap, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 < 14 || n / 2 > cap)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -EINVAL;
		frame[i] = (uint8_t)byte;
	}
	*len = n / 2;
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t frame[1514];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	struct sockaddr_ll to;
	unsigned long long sent = 0;
	double seconds, stop;
	unsigned int ifindex;
	size_t len;
	int fd, one = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: flood IFACE SECONDS HEX\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	seconds = strtod(argv[2], NULL);
	if (!ifindex || seconds <= 0 || frame_parse(argv[3], frame, sizeof(frame), &len)) {
		fprintf(stderr, "flood: need an interface here, seconds > 0 and a frame of 14 to 1514 bytes in hex\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("flood: socket(AF_PACKET)");
		return 1;
	}
	/* Past the qdisc: the benchmark wants the XDP side to be the bottleneck, not noqueue's locks. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_ifindex = (int)ifindex;
	to.sll_halen = 6;
	memcpy(to.sll_addr, frame, 6);
	iov.iov_base = frame;
	iov.iov_len = len;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_name = &to;
		msgs[i].msg_hdr.msg_namelen = sizeof(to);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	stop = now_seconds() + seconds;
	while (now_seconds() < stop) {
		int n = sendmmsg(fd, msgs, BATCH, 0);

		if (n > 0)
			sent += (unsigned long long)n;
		else if (n < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			perror("flood: sendmmsg");
			close(fd);
			return 1;
		}
	}
	close(fd);
	printf("%llu\n", sent);
	return 0;
}
