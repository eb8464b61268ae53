// SPDX-License-Identifier: MIT
/*
 * ringbuf.c - a BPF ring buffer read from user space, in place: the
 * firewall's drop events come this way (`xdpload events`), and any
 * program's ring buffer map through xdpl_ring_open().  No copy through
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
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

#define RING_BUSY (1U << 31)
#define RING_DISCARD (1U << 30)
#define RING_HEADER 8

struct xdpl_ring {
	int fd;       /* our own dup of the map's fd */
	size_t page, size;
	uint64_t *consumer;
	const uint64_t *producer;
	const uint8_t *data;
};

int xdpl_ring_open(struct xdpl_ring **out, int map_fd, struct xdpl_error *e)
{
	struct bpf_map_info info;
	struct xdpl_ring *ring;
	void *p;
	int err;

	*out = NULL;
	err = bpf_obj_info(map_fd, &info, sizeof(info));
	if (err)
		return err_sys(e, err, "ring: cannot read the map's info");
	if (info.type != BPF_MAP_TYPE_RINGBUF)
		return err_set(e, -EINVAL, "ring: map %s (id %u) is a %s, not a ring buffer", info.name,
			       info.id, obj_map_type_name(info.type));
	ring = calloc(1, sizeof(*ring));
	if (!ring)
		return err_set(e, -ENOMEM, "ring: out of memory");
	ring->fd = fcntl(map_fd, F_DUPFD_CLOEXEC, 0);
	if (ring->fd < 0) {
		err = err_sys(e, -errno, "ring: cannot duplicate the map's fd");
		free(ring);
		return err;
	}
	ring->page = (size_t)sysconf(_SC_PAGESIZE);
	ring->size = info.max_entries;
	p = mmap(NULL, ring->page, PROT_READ | PROT_WRITE, MAP_SHARED, ring->fd, 0);
	if (p == MAP_FAILED) {
		err = err_sys(e, -errno, "ring: cannot map the ring buffer's consumer page");
		goto fail;
	}
	ring->consumer = p;
	/* The data follows the producer page twice, so a record that wraps reads in one piece. */
	p = mmap(NULL, ring->page + 2 * ring->size, PROT_READ, MAP_SHARED, ring->fd,
		 (off_t)ring->page);
	if (p == MAP_FAILED) {
		err = err_sys(e, -errno, "ring: cannot map the ring buffer's data");
		goto fail;
	}
	ring->producer = p;
	ring->data = (const uint8_t *)p + ring->page;
	*out = ring;
	return 0;
fail:
	xdpl_ring_close(ring);
	return err;
}

int xdpl_ring_fd(const struct xdpl_ring *ring)
{
	return ring->fd;
}

void xdpl_ring_skip(struct xdpl_ring *ring)
{
	__atomic_store_n(ring->consumer, __atomic_load_n(ring->producer, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

int xdpl_ring_poll(struct xdpl_ring *ring, int timeout_ms, xdpl_ring_fn fn, void *ctx, size_t max)
{
	struct pollfd pfd = { ring->fd, POLLIN, 0 };
	uint64_t cons;
	size_t n = 0;
	bool stop = false;

	if (timeout_ms && poll(&pfd, 1, timeout_ms) < 0)
		return -errno;
	cons = __atomic_load_n(ring->consumer, __ATOMIC_ACQUIRE);
	while (!stop && (!max || n < max) &&
	       cons < __atomic_load_n(ring->producer, __ATOMIC_ACQUIRE)) {
		const uint32_t *header = (const uint32_t *)(ring->data + (cons & (ring->size - 1)));
		uint32_t len = __atomic_load_n(header, __ATOMIC_ACQUIRE);

		if (len & RING_BUSY)
			break; /* the producer is still writing it */
		if (!(len & RING_DISCARD)) {
			stop = fn((const uint8_t *)header + RING_HEADER, len, ctx) != 0;
			n++;
		}
		cons += ((len & ~RING_DISCARD) + RING_HEADER + 7) & ~7ULL;
		__atomic_store_n(ring->consumer, cons, __ATOMIC_RELEASE);
	}
	return (int)n;
}

void xdpl_ring_close(struct xdpl_ring *ring)
{
	if (!ring)
		return;
	if (ring->consumer)
		munmap(ring->consumer, ring->page);
	if (ring->producer)
		munmap((void *)ring->producer, ring->page + 2 * ring->size);
	if (ring->fd >= 0)
		close(ring->fd);
	free(ring);
}
