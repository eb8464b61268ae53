// SPDX-License-Identifier: MIT
/*
 * map.c - maps by fd, whoever made them: an object's, a pin's, the
 * firewall's.  Element operations, a walk that takes many elements per
 * system call where the kernel can, and what a map is (its info, and how
 * many bytes a lookup of it writes: per-CPU maps write one value per
 * possible CPU).  Nothing here prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

/*
 * The number of possible CPUs: a per-CPU value is that many copies, each
 * 8-byte aligned.  The kernel counts the CPUs in the mask ("0,2-5" is 5),
 * so do we.
 */
int xdpl_possible_cpus(void)
{
	char buf[256];
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	long count = 0;
	char *p = buf, *end;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -ENOENT;
	buf[n] = '\0';
	while (*p >= '0' && *p <= '9') {
		long first = strtol(p, &end, 10), last = first;

		p = end;
		if (*p == '-') {
			last = strtol(p + 1, &end, 10);
			p = end;
		}
		if (last < first || last > 65535)
			return -EINVAL;
		count += last - first + 1;
		if (*p == ',')
			p++;
	}
	return count > 0 && count <= 65536 ? (int)count : -EINVAL;
}

static bool type_is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

int xdpl_map_info(int map_fd, struct xdpl_map_info *out, struct xdpl_error *e)
{
	struct bpf_map_info info;
	int err = bpf_obj_info(map_fd, &info, sizeof(info));

	memset(out, 0, sizeof(*out));
	if (err)
		return err_sys(e, err, "map: fd %d: cannot read what map it is", map_fd);
	out->id = info.id;
	out->type = info.type;
	out->key_size = info.key_size;
	out->value_size = info.value_size;
	out->max_entries = info.max_entries;
	out->flags = info.map_flags;
	memcpy(out->name, info.name, sizeof(out->name));
	out->name[sizeof(out->name) - 1] = '\0';
	out->percpu = type_is_percpu(info.type);
	out->lookup_size = info.value_size;
	if (out->percpu) {
		int cpus = xdpl_possible_cpus(); /* a guess would size buffers wrong */

		if (cpus < 0) {
			if (e)
				e->environment = true;
			return err_sys(e, cpus, "map: cannot read /sys/devices/system/cpu/possible (is sysfs mounted?)");
		}
		out->lookup_size = ((info.value_size + 7) & ~7U) * (uint32_t)cpus;
	}
	return 0;
}

int xdpl_map_open_pinned(const char *path, struct xdpl_error *e)
{
	static const char *const kinds[] = { "map", "program", "link", "BPF object of another kind" };
	enum xdpl_pin_kind kind;
	int fd = xdpl_pin_open(path, &kind, e);

	if (fd < 0 || kind == XDPL_PIN_MAP)
		return fd;
	close(fd);
	return err_set(e, -EINVAL, "map: the pin %s holds a %s, not a map", path, kinds[kind]);
}

int xdpl_map_lookup(int map_fd, const void *key, void *value, struct xdpl_error *e)
{
	int err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, 0);

	return err ? err_sys(e, err, "map: fd %d: lookup failed", map_fd) : 0;
}

int xdpl_map_update(int map_fd, const void *key, const void *value, uint64_t flags,
		    struct xdpl_error *e)
{
	int err = bpf_map_elem(BPF_MAP_UPDATE_ELEM, map_fd, key, (void *)value, flags);

	return err ? err_sys(e, err, "map: fd %d: update failed", map_fd) : 0;
}

int xdpl_map_delete(int map_fd, const void *key, struct xdpl_error *e)
{
	int err = bpf_map_elem(BPF_MAP_DELETE_ELEM, map_fd, key, NULL, 0);

	return err ? err_sys(e, err, "map: fd %d: delete failed", map_fd) : 0;
}

int xdpl_map_next_key(int map_fd, const void *key, void *next, struct xdpl_error *e)
{
	int err = bpf_map_elem(BPF_MAP_GET_NEXT_KEY, map_fd, key, next, 0);

	return err ? err_sys(e, err, "map: fd %d: no key after this one", map_fd) : 0;
}

#define BATCH 1024

/*
 * The walk in batches; -EINVAL (or ENOTSUPP) before the first when the kind
 * has none.  *stopped: the caller's fn ended it, with the value returned.
 */
static int walk_batched(int fd, const struct xdpl_map_info *info, uint8_t *keys, uint8_t *values,
			xdpl_map_fn fn, void *ctx, bool *started, bool *stopped)
{
	struct bpf_map_batch_attr attr;
	uint8_t token[64]; /* the kernel's position: a bucket index, or a key of at most 64 bytes */
	int err;

	for (;;) {
		memset(&attr, 0, sizeof(attr));
		attr.in_batch = *started ? bpf_ptr(token) : 0;
		attr.out_batch = bpf_ptr(token);
		attr.keys = bpf_ptr(keys);
		attr.values = bpf_ptr(values);
		attr.count = BATCH;
		attr.map_fd = (uint32_t)fd;
		err = bpf_map_batch(BPF_MAP_LOOKUP_BATCH, &attr);
		if (err && err != -ENOENT)
			return err;
		*started = true;
		for (uint32_t i = 0; i < attr.count; i++) {
			int stop = fn(keys + i * (size_t)info->key_size,
				      values + i * (size_t)info->lookup_size, ctx);

			if (stop) {
				*stopped = true;
				return stop;
			}
		}
		if (err == -ENOENT)
			return 0;
	}
}

int xdpl_map_walk(int map_fd, xdpl_map_fn fn, void *ctx, struct xdpl_error *e)
{
	struct xdpl_map_info info;
	uint8_t *keys = NULL, *values = NULL, *key, *next;
	bool started = false, stopped = false;
	int err = xdpl_map_info(map_fd, &info, e);

	if (err)
		return err;
	/* Batches need a token as large as a key; larger keys go one by one. */
	if (info.key_size <= 64) {
		/* Zeroed: valgrind does not know the batch commands write them. */
		keys = calloc(BATCH, (size_t)(info.key_size ? info.key_size : 1));
		values = calloc(BATCH, (size_t)(info.lookup_size ? info.lookup_size : 1));
		if (!keys || !values) {
			err = err_set(e, -ENOMEM, "map: out of memory for a walk of map %u", info.id);
			goto out;
		}
		err = walk_batched(map_fd, &info, keys, values, fn, ctx, &started, &stopped);
		if (started || (err != -EINVAL && err != -EOPNOTSUPP && err != -ENOTSUPP))
			goto out;
	}
	/* No batches for this kind or kernel: key by key, into the first slot. */
	free(keys);
	free(values);
	keys = calloc(2, (size_t)info.key_size + 1);
	values = calloc(1, (size_t)info.lookup_size + 8);
	if (!keys || !values) {
		err = err_set(e, -ENOMEM, "map: out of memory for a walk of map %u", info.id);
		goto out;
	}
	key = keys;
	next = keys + info.key_size + 1;
	for (err = bpf_map_elem(BPF_MAP_GET_NEXT_KEY, map_fd, NULL, next, 0); err == 0;
	     err = bpf_map_elem(BPF_MAP_GET_NEXT_KEY, map_fd, key, next, 0)) {
		memcpy(key, next, info.key_size);
		err = bpf_map_elem(BPF_MAP_LOOKUP_ELEM, map_fd, key, values, 0);
		if (err == -ENOENT)
			continue; /* deleted since it was listed */
		if (err)
			goto out;
		err = fn(key, values, ctx);
		if (err) {
			stopped = true;
			goto out;
		}
	}
	if (err == -ENOENT)
		err = 0;
out:
	if (err < 0 && !stopped && err != -ENOMEM)
		err_sys(e, err, "map: walking map %u (%s) failed", info.id, info.name);
	free(keys);
	free(values);
	return err;
}
