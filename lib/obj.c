// SPDX-License-Identifier: MIT
/*
 * obj.c - the public handles on an object (struct xdpl_obj, xdpl_prog,
 * xdpl_map) and the load as a user calls it: open (object.c describes),
 * find programs and maps, set globals, then xdpl_obj_load() runs the steps
 * of load.c in order and undoes them all when one fails.  The handle owns
 * every fd the load made; xdpl_obj_close() closes them.
 * Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

#define PIN_DIR_DEFAULT "/sys/fs/bpf/xdpload"

#define OPT(opts, field, dflt) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field) \
		 ? (opts)->field : (dflt))

static int handles_make(struct xdpl_obj *o, const char *name, struct xdpl_error *e)
{
	o->name = strdup(name);
	o->progs = calloc(o->obj.nprogs ? o->obj.nprogs : 1, sizeof(*o->progs));
	o->maps = calloc(o->obj.nmaps ? o->obj.nmaps : 1, sizeof(*o->maps));
	if (!o->name || !o->progs || !o->maps)
		return err_set(e, -ENOMEM, "elf: out of memory for the handles of %s", name);
	for (uint32_t i = 0; i < o->obj.nprogs; i++)
		o->progs[i] = (struct xdpl_prog){ o, &o->obj.progs[i], -1, 0, o->obj.progs[i].autoload };
	for (uint32_t i = 0; i < o->obj.nmaps; i++)
		o->maps[i] = (struct xdpl_map){ .obj = o, .desc = &o->obj.maps[i], .index = i };
	load_init(&o->fds);
	return 0;
}

static int obj_new(struct xdpl_obj **out, const char *name, const uint8_t *bytes, size_t size,
		   struct xdpl_error *e)
{
	struct xdpl_obj *o = calloc(1, sizeof(*o));
	int err;

	*out = NULL;
	if (!o)
		return err_set(e, -ENOMEM, "elf: out of memory opening %s", name);
	load_init(&o->fds);
	err = bytes ? obj_open_mem(&o->obj, name, bytes, size, e) : obj_open(&o->obj, name, e);
	if (!err)
		err = handles_make(o, name, e);
	if (err) {
		xdpl_obj_close(o);
		return err;
	}
	xdpl_log("elf: %s: %zu bytes, %u sections", name, o->obj.size, o->obj.nsecs);
	if (xdpl_log_enabled()) {
		obj_sections_log(&o->obj);
		sections_log(&o->obj);
	}
	*out = o;
	return 0;
}

int xdpl_obj_open(struct xdpl_obj **obj, const char *path, const struct xdpl_open_opts *opts,
		  struct xdpl_error *e)
{
	(void)opts;
	return obj_new(obj, path, NULL, 0, e);
}

int xdpl_obj_open_mem(struct xdpl_obj **obj, const void *bytes, size_t size,
		      const struct xdpl_open_opts *opts, struct xdpl_error *e)
{
	const char *name = OPT(opts, name, NULL);

	return obj_new(obj, name ? name : "object", bytes ? bytes : "", size, e);
}

static void progs_close(struct xdpl_obj *o)
{
	for (uint32_t i = 0; o->progs && i < o->obj.nprogs; i++) {
		if (o->progs[i].fd >= 0)
			close(o->progs[i].fd);
		o->progs[i].fd = -1;
		o->progs[i].id = 0;
	}
}

/* Undo every xdpl_map_mmap() (data.c). */
static void maps_unmap(struct xdpl_obj *o)
{
	for (uint32_t i = 0; o->maps && i < o->obj.nmaps; i++)
		if (o->maps[i].mem)
			munmap(o->maps[i].mem, o->maps[i].mem_size);
}

void xdpl_obj_close(struct xdpl_obj *o)
{
	if (!o)
		return;
	progs_close(o);
	maps_unmap(o);
	load_close(&o->fds);
	obj_free(&o->obj);
	free((char *)o->load.pin_dir);
	free((char *)o->load.target_btf);
	free((char *)o->load.kconfig);
	free(o->progs);
	free(o->maps);
	free(o->name);
	free(o);
}

const char *xdpl_obj_name(const struct xdpl_obj *o)
{
	return o->name;
}

size_t xdpl_obj_prog_count(const struct xdpl_obj *o)
{
	return o->obj.nprogs;
}

struct xdpl_prog *xdpl_obj_prog(const struct xdpl_obj *o, size_t i)
{
	return i < o->obj.nprogs ? &o->progs[i] : NULL;
}

struct xdpl_prog *xdpl_obj_prog_find(const struct xdpl_obj *o, const char *name)
{
	const struct obj_prog *p = obj_prog_find(&o->obj, name);

	return p ? &o->progs[p - o->obj.progs] : NULL;
}

size_t xdpl_obj_map_count(const struct xdpl_obj *o)
{
	return o->obj.nmaps;
}

struct xdpl_map *xdpl_obj_map(const struct xdpl_obj *o, size_t i)
{
	return i < o->obj.nmaps ? &o->maps[i] : NULL;
}

struct xdpl_map *xdpl_obj_map_find(const struct xdpl_obj *o, const char *name)
{
	for (uint32_t i = 0; i < o->obj.nmaps; i++)
		if (!strcmp(o->obj.maps[i].name, name))
			return &o->maps[i];
	return NULL;
}

int xdpl_obj_set_global(struct xdpl_obj *o, const char *name, const char *value,
			struct xdpl_error *e)
{
	int err;

	if (o->loaded)
		return err_set(e, -EBUSY, "--set %s: %s is loaded already; globals are set before the load",
			       name, o->name);
	err = obj_var_set(&o->obj, name, value, e);
	if (!err)
		xdpl_log("set %s = %s", name, value);
	return err;
}

int xdpl_obj_global_find(const struct xdpl_obj *o, const char *name, struct xdpl_global *g)
{
	struct obj_var var;

	if (obj_var_find(&o->obj, name, &var))
		return -ENOENT;
	*g = (struct xdpl_global){ &o->maps[var.map], var.offset, var.size };
	return 0;
}

/* What the programs to load need from the kernel before anything is made: attach targets. */
static int progs_prepare(struct xdpl_obj *o, struct xdpl_error *e)
{
	bool *load = calloc(o->obj.nprogs ? o->obj.nprogs : 1, sizeof(*load));
	int err;

	o->fds.attach_btf_ids = calloc(o->obj.nprogs ? o->obj.nprogs : 1, sizeof(uint32_t));
	if (!load || !o->fds.attach_btf_ids) {
		free(load);
		return err_set(e, -ENOMEM, "load: out of memory for %u programs", o->obj.nprogs);
	}
	for (uint32_t i = 0; i < o->obj.nprogs; i++)
		load[i] = o->progs[i].autoload;
	err = attach_btf_resolve(&o->obj, load, o->fds.attach_btf_ids, e);
	free(load);
	return err;
}

/* The prog arrays' initial values, once their programs are loaded. */
static int tail_calls_fill(struct xdpl_obj *o, struct xdpl_error *e)
{
	int *fds, err;

	if (!o->obj.nslots)
		return 0;
	fds = malloc((o->obj.nprogs ? o->obj.nprogs : 1) * sizeof(*fds));
	if (!fds)
		return err_set(e, -ENOMEM, "load: out of memory for %u programs", o->obj.nprogs);
	for (uint32_t i = 0; i < o->obj.nprogs; i++)
		fds[i] = o->progs[i].fd;
	err = mapinit_slots_fill(&o->obj, &o->fds, SLOT_PROG, fds, e);
	free(fds);
	return err;
}

/* Undo a load that failed part-way: programs, then maps and the pins made for them. */
static void load_undo(struct xdpl_obj *o)
{
	progs_close(o);
	load_unpin(&o->obj, &o->load, &o->fds);
	load_close(&o->fds);
}

int xdpl_obj_load(struct xdpl_obj *o, const struct xdpl_load_opts *opts, struct xdpl_error *e)
{
	const char *pin_dir = OPT(opts, pin_dir, NULL), *target = OPT(opts, target_btf, NULL);
	const char *kconfig = OPT(opts, kconfig, NULL);
	struct xdpl_error scratch = { 0 };
	int err = 0;

	if (!e)
		e = &scratch; /* the steps below explain into it; its log is freed at the end */

	if (o->loaded)
		return err_set(e, -EBUSY, "load: %s is loaded already", o->name);
	free((char *)o->load.pin_dir);
	free((char *)o->load.target_btf);
	free((char *)o->load.kconfig);
	o->load = (struct load_opts){
		.pin_dir = strdup(pin_dir ? pin_dir : PIN_DIR_DEFAULT),
		.pin_reuse_only = OPT(opts, pin_reuse_only, false),
		.pin_none = OPT(opts, pin_none, false),
		.btf_lacks = OPT(opts, btf_lacks, 0),
		.target_btf = target ? strdup(target) : NULL,
		.kconfig = kconfig ? strdup(kconfig) : NULL,
	};
	if (!o->load.pin_dir || (target && !o->load.target_btf) || (kconfig && !o->load.kconfig))
		return err_set(e, -ENOMEM, "load: out of memory");
	err = progs_prepare(o, e);
	if (!err)
		err = maps_fit(&o->obj, e);
	if (!err)
		err = load_btf(&o->obj, &o->load, &o->fds, e);
	if (!err)
		err = core_prepare(&o->obj, &o->load, &o->fds, e);
	if (!err)
		err = load_externs(&o->obj, &o->load, &o->fds, e);
	if (!err)
		err = load_maps(&o->obj, &o->load, &o->fds, e);
	if (!err)
		err = mapinit_slots_fill(&o->obj, &o->fds, SLOT_MAP, NULL, e);
	for (uint32_t i = 0; !err && i < o->obj.nprogs; i++) {
		struct xdpl_prog *p = &o->progs[i];
		struct bpf_prog_info info;
		int fd;

		if (!p->autoload)
			continue;
		fd = load_prog(&o->obj, p->desc, &o->fds, e);
		if (fd < 0) {
			err = fd;
			break;
		}
		p->fd = fd;
		if (bpf_obj_info(fd, &info, sizeof(info)) == 0)
			p->id = info.id;
		xdpl_log("load: program %s is id %u", p->desc->name, p->id);
	}
	if (!err)
		err = tail_calls_fill(o, e);
	if (err)
		load_undo(o);
	else
		o->loaded = true;
	free(scratch.log);
	return err;
}

int xdpl_obj_unpin(struct xdpl_obj *o)
{
	load_unpin(&o->obj, &o->load, &o->fds);
	return 0;
}

const char *xdpl_prog_name(const struct xdpl_prog *p)
{
	return p->desc->name;
}

const char *xdpl_prog_section(const struct xdpl_prog *p)
{
	return p->desc->section;
}

uint32_t xdpl_prog_type(const struct xdpl_prog *p)
{
	return p->desc->type;
}

const char *xdpl_prog_type_name(const struct xdpl_prog *p)
{
	return obj_prog_type_name(p->desc);
}

uint32_t xdpl_prog_expected_attach_type(const struct xdpl_prog *p)
{
	return p->desc->expected_attach_type;
}

int xdpl_prog_fd(const struct xdpl_prog *p)
{
	return p->fd;
}

uint32_t xdpl_prog_id(const struct xdpl_prog *p)
{
	return p->id;
}

int xdpl_prog_set_autoload(struct xdpl_prog *p, bool autoload)
{
	if (p->obj->loaded)
		return -EBUSY;
	p->autoload = autoload;
	return 0;
}

bool xdpl_prog_autoload(const struct xdpl_prog *p)
{
	return p->autoload;
}

int xdpl_prog_pin(const struct xdpl_prog *p, const char *path, struct xdpl_error *e)
{
	int err;

	if (p->fd < 0)
		return err_set(e, -EINVAL, "pin: program %s is not loaded", p->desc->name);
	err = bpf_obj_pin(p->fd, path);
	if (err) {
		if (e)
			e->environment = true;
		return err_sys(e, err, "pin: cannot pin program %s at %s", p->desc->name, path);
	}
	xdpl_log("pin: program %s pinned at %s", p->desc->name, path);
	return 0;
}

const char *xdpl_map_name(const struct xdpl_map *m)
{
	return m->desc->name;
}

uint32_t xdpl_map_type(const struct xdpl_map *m)
{
	return m->desc->type;
}

uint32_t xdpl_map_key_size(const struct xdpl_map *m)
{
	return m->desc->key_size;
}

uint32_t xdpl_map_value_size(const struct xdpl_map *m)
{
	return m->desc->value_size;
}

uint32_t xdpl_map_max_entries(const struct xdpl_map *m)
{
	return m->desc->max_entries;
}

int xdpl_map_fd(const struct xdpl_map *m)
{
	return m->obj->fds.map_fds && m->index < m->obj->fds.nmaps ? m->obj->fds.map_fds[m->index]
								    : -1;
}

int xdpl_map_set_max_entries(struct xdpl_map *m, uint32_t max_entries)
{
	if (m->obj->loaded)
		return -EBUSY;
	m->desc->max_entries = max_entries;
	return 0;
}

const char *xdpl_prog_attach_type_name(const struct xdpl_prog *p)
{
	return p->desc->rule_flags & SECTION_EXPECTED
		       ? obj_attach_type_name(p->desc->expected_attach_type)
		       : NULL;
}

bool xdpl_prog_tail_call_target(const struct xdpl_prog *p)
{
	const struct obj *obj = &p->obj->obj;

	for (uint32_t i = 0; i < obj->nslots; i++)
		if (obj->slots[i].kind == SLOT_PROG && obj->slots[i].target == (uint32_t)(p->desc - obj->progs))
			return true;
	return false;
}

const char *xdpl_prog_type_str(uint32_t type)
{
	return obj_prog_kernel_type_name(type);
}

const char *xdpl_attach_type_str(uint32_t type)
{
	return obj_attach_type_name(type);
}

const char *xdpl_map_type_str(uint32_t type)
{
	return obj_map_type_name(type);
}

int xdpl_map_pin(const struct xdpl_map *m, const char *path, struct xdpl_error *e)
{
	int fd = xdpl_map_fd(m), err;

	if (fd < 0)
		return err_set(e, -EINVAL, "pin: map %s is not loaded", m->desc->name);
	err = bpf_obj_pin(fd, path);
	if (err) {
		if (e)
			e->environment = true;
		return err_sys(e, err, "pin: cannot pin map %s at %s", m->desc->name, path);
	}
	xdpl_log("pin: map %s pinned at %s", m->desc->name, path);
	return 0;
}
