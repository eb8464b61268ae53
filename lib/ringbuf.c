// SPDX-License-Identifier: MIT
/*
 * ringbuf.c - a BPF ring buffer read from user space, in place: the
 * firewall's drop events come this way (`xdpload events`).  No copy through
 * a syscall: the kernel maps the buffer into our memory, the program writes
 * records, we read them and move the consumer position on.
 *
 *   page 0        consumer position   (ours to write)
 *   page 1        producer position   (the kernel's)
 *   pages 2..     the data, mapped twice in a row, so a record that wraps
 *                 around the end still reads in one piece
 *
 *   record:  | len:30 + discard + busy | 32 bits the kernel keeps | data ... | pad to 8 |
 *
 * Nothing here prints.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fw/fw.h"

#define RING_BUSY (1U << 31)
#define RING_DISCARD (1U << 30)
#define RING_HEADER 8

int fw_ring_open(struct fw_ring *ring, int map_fd, uint32_t size, struct xdpl_error *e)
{
	void *p;

	memset(ring, 0, sizeof(*ring));
	ring->fd = map_fd;
	ring->page = (size_t)sysconf(_SC_PAGESIZE);
	ring->size = size;
	p = mmap(NULL, ring->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return err_sys(e, -errno, "events: cannot map the ring buffer's consumer page");
	ring->consumer = p;
	p = mmap(NULL, ring->page + 2 * (size_t)size, PROT_READ, MAP_SHARED, map_fd,
		 (off_t)ring->page);
	if (p == MAP_FAILED) {
		int err = -errno;

		munmap(ring->consumer, ring->page);
		ring->consumer = NULL;
		return err_sys(e, err, "events: cannot map the ring buffer's data");
	}
	ring->producer = p;
	ring->data = (const uint8_t *)p + ring->page;
	return 0;
}

/* 1: there may be events, 0: timeout, -EINTR: a signal came. */
int fw_ring_wait(struct fw_ring *ring, int timeout_ms)
{
	struct pollfd pfd = { ring->fd, POLLIN, 0 };
	int n = poll(&pfd, 1, timeout_ms);

	return n < 0 ? -errno : n;
}

size_t fw_ring_drain(struct fw_ring *ring, void (*fn)(const struct fw_event *ev, void *ctx),
		     void *ctx, size_t max)
{
	uint64_t cons = __atomic_load_n(ring->consumer, __ATOMIC_ACQUIRE);
	size_t n = 0;

	while (n < max && cons < __atomic_load_n(ring->producer, __ATOMIC_ACQUIRE)) {
		const uint32_t *header = (const uint32_t *)(ring->data + (cons & (ring->size - 1)));
		uint32_t len = __atomic_load_n(header, __ATOMIC_ACQUIRE);
		struct fw_event ev;

		if (len & RING_BUSY)
			break;
		if (!(len & RING_DISCARD) && (len & ~RING_DISCARD) >= sizeof(ev)) {
			memcpy(&ev, (const uint8_t *)header + RING_HEADER, sizeof(ev));
			fn(&ev, ctx);
			n++;
		}
		cons += ((len & ~RING_DISCARD) + RING_HEADER + 7) & ~7ULL;
		__atomic_store_n(ring->consumer, cons, __ATOMIC_RELEASE);
	}
	return n;
}

void fw_ring_close(struct fw_ring *ring)
{
	if (ring->consumer)
		munmap(ring->consumer, ring->page);
	if (ring->producer)
		munmap((void *)ring->producer, ring->page + 2 * ring->size);
	memset(ring, 0, sizeof(*ring));
}
