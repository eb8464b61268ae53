// SPDX-License-Identifier: MIT
/*
 * data.c - global data as memory a program can use directly: before the
 * load, the object's own copy of a data section (what the map is created
 * with); after it, the kernel's map value mapped into this process, where
 * the kernel made the map BPF_F_MMAPABLE (load.c asks for it on every data
 * map; kernels before 5.5 refuse it).  Generated skeletons stand on these
 * two calls.  A mapping belongs to its map handle and goes with the object
 * (xdpl_obj_close unmaps it).  Nothing here prints.
 *
 *   mmap of an array map:  offset 0 | value[0] | value[1] | ... | page end
 *                          each value rounded up to 8 bytes
 */
#include <errno.h>
#include <sys/mman.h>

#include "bpf_sys.h"
#include "lib/internal.h"

void *xdpl_map_initial_value(struct xdpl_map *map, size_t *size)
{
	if (size)
		*size = map->desc->data ? map->desc->value_size : 0;
	return map->desc->data;
}

int xdpl_map_mmap(struct xdpl_map *map, void **mem, struct xdpl_error *e)
{
	const struct obj_map *m = map->desc;
	int fd = xdpl_map_fd(map), prot = PROT_READ | PROT_WRITE, err;
	struct bpf_map_info info;
	uint64_t size;
	void *p;

	*mem = NULL;
	if (map->mem) {
		*mem = map->mem;
		return 0;
	}
	if (fd < 0)
		return err_set(e, -EINVAL, "mmap: map %s is not loaded", m->name);
	err = bpf_obj_info(fd, &info, sizeof(info));
	if (err)
		return err_sys(e, err, "mmap: map %s: BPF_OBJ_GET_INFO_BY_FD failed", m->name);
	/* The kernel's flags, not the object's: they say what it agreed to. */
	if (!(info.map_flags & BPF_F_MMAPABLE) || info.type != BPF_MAP_TYPE_ARRAY)
		return 0;
	/* The kernel maps whole pages; the length need not be rounded to one. */
	size = ((uint64_t)info.value_size + 7) / 8 * 8 * info.max_entries;
	if (size == 0 || size > SIZE_MAX)
		return err_set(e, -E2BIG, "mmap: map %s: %u values of %u bytes cannot be mapped",
			       m->name, info.max_entries, info.value_size);
	/* A frozen map (.rodata) cannot be mapped for writing. */
	if (m->frozen || (info.map_flags & BPF_F_RDONLY))
		prot = PROT_READ;
	p = mmap(NULL, (size_t)size, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return err_sys(e, -errno, "mmap: map %s (%llu bytes, %s): mmap failed", m->name,
			       (unsigned long long)size, prot & PROT_WRITE ? "read-write" : "read-only");
	map->mem = p;
	map->mem_size = (size_t)size;
	xdpl_log("mmap: map %s mapped, %llu bytes %s", m->name, (unsigned long long)size,
		 prot & PROT_WRITE ? "read-write" : "read-only");
	*mem = p;
	return 0;
}
