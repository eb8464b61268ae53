// SPDX-License-Identifier: MIT
/*
 * attach.c - the firewall on an interface: its program loaded against the
 * state's pinned maps and attached, swapped for a newer one, or taken off.
 *
 *   xdpl_fw_load      load an object with its maps pinned in the state
 *                     directory, then fill in a new state's fw_meta
 *   xdpl_fw_attach    that, then the library's one attach policy (xdp.c)
 *   xdpl_fw_upgrade   one kernel call that names the program it replaces
 *                     (XDP_FLAGS_REPLACE, or BPF_LINK_UPDATE under a link)
 *   xdpl_fw_detach    only this state's program, then optionally its state
 *   xdpl_fw_prog_find whether an interface runs this state's firewall
 *
 * The state, never the program, holds rules, counters and settings, so a
 * reload or an upgrade cannot lose or reinterpret them.  Which program is
 * "this state's firewall" is read from the kernel: the one whose maps
 * include this directory's fw_meta.  Nothing here prints.
 */
#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fw/fw.h"

static void result_step(struct xdpl_fw_result *res, enum xdpl_fw_step step)
{
	if (res && res->sz >= offsetof(struct xdpl_fw_result, step) + sizeof(res->step))
		res->step = step;
}

/* The fields every version of struct xdpl_fw_result has, zeroed but sz and step. */
static void result_init(struct xdpl_fw_result *res)
{
	size_t sz;

	if (!res)
		return;
	sz = res->sz < sizeof(*res) ? res->sz : sizeof(*res);
	memset((char *)res + sizeof(res->sz), 0, sz > sizeof(res->sz) ? sz - sizeof(res->sz) : 0);
}

#define RESULT(res, field) \
	(res && res->sz >= offsetof(struct xdpl_fw_result, field) + sizeof(res->field))

/* The load options for the firewall's object: the caller's, with the state's pins. */
static void load_opts_for(struct xdpl_load_opts *lo, const struct xdpl_load_opts *given,
			  const char *dir)
{
	memset(lo, 0, sizeof(*lo));
	if (given)
		memcpy(lo, given, given->sz < sizeof(*lo) ? given->sz : sizeof(*lo));
	lo->sz = sizeof(*lo);
	lo->pin_dir = dir;
	lo->pin_none = false;
	lo->pin_reuse_only = false;
}

/* Whether program prog_id uses the map map_id: is it the firewall of this state? */
static bool prog_uses_map(uint32_t prog_id, uint32_t map_id)
{
	struct xdpl_prog_info pi;

	if (xdpl_prog_info_by_id(prog_id, &pi, NULL))
		return false;
	for (uint32_t i = 0; i < pi.nr_map_ids && i < 64; i++)
		if (pi.map_ids[i] == map_id)
			return true;
	return false;
}

/* The mode in which the interface runs a program using map_id, or XDPL_XDP_AUTO. */
static enum xdpl_xdp_mode mode_using(const struct xdpl_xdp_info *info, uint32_t map_id)
{
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++)
		if (info->prog_id[m] && prog_uses_map(info->prog_id[m], map_id))
			return (enum xdpl_xdp_mode)m;
	return XDPL_XDP_AUTO;
}

/* ---- load ---- */

/*
 * A state already there must be one this library reads, and the settings
 * asked for must not change what its rules mean: a reload is no way to flip
 * a policy (xdpl_fw_settings_set() is).  None at all, or the maps an attach
 * left unfinished, are fine: this load makes or reuses them.  Checked under
 * the lock.
 */
static int state_existing_check(struct xdpl_fw *fw, const struct xdpl_fw_load_opts *opts,
				struct xdpl_fw_result *res, struct xdpl_error *e)
{
	struct xdpl_error probe = { 0 };
	struct xdpl_fw_settings have;
	unsigned int differ;
	int err = fw_state_maps(fw, &probe);

	if (err == -ENOENT || err == -EAGAIN)
		return 0;
	if (err) {
		*e = probe;
		return err;
	}
	if (!fw->meta.layout) /* settings an unfinished attach never wrote cannot conflict */
		return 0;
	fw_settings_of(&fw->meta, &have);
	if (RESULT(res, settings))
		res->settings = have;
	differ = xdpl_fw_settings_differ(&have, opts ? opts->settings : NULL);
	if (differ)
		return err_set(e, -EEXIST,
			       "firewall: %s keeps other settings with its rules (%s); a reload cannot change what they mean",
			       fw->dir,
			       differ & XDPL_FW_SETTING_POLICY ? "policy"
			       : differ & XDPL_FW_SETTING_MALFORMED ? "malformed-packet verdict"
								    : "event rate");
	return 0;
}

/*
 * The state's lock is taken first and held until the caller has attached:
 * pins made here are used by nobody else until then, so a failure may
 * remove them, and two attaches, an upgrade or a detach never interleave.
 */
int xdpl_fw_load(struct xdpl_fw **out, const char *dir, struct xdpl_obj *obj,
		 const struct xdpl_fw_load_opts *opts, struct xdpl_fw_result *res,
		 struct xdpl_error *e)
{
	const struct xdpl_load_opts *given =
		opts && opts->sz >= offsetof(struct xdpl_fw_load_opts, load) + sizeof(opts->load)
			? opts->load : NULL;
	const struct xdpl_fw_settings_opts *settings =
		opts && opts->sz >= offsetof(struct xdpl_fw_load_opts, settings) + sizeof(opts->settings)
			? opts->settings : NULL;
	struct xdpl_error ignored = { 0 };
	struct xdpl_load_opts lo;
	struct xdpl_fw *fw = NULL;
	int err;

	*out = NULL;
	if (!e)
		e = &ignored;
	result_step(res, XDPL_FW_STEP_STATE);
	err = fw_state_new(&fw, dir, e);
	if (err)
		return err;
	err = fw_state_lock(fw, LOCK_EX, true, e);
	if (!err)
		err = state_existing_check(fw, opts, res, e);
	if (err)
		goto failed;
	result_step(res, XDPL_FW_STEP_LOAD);
	load_opts_for(&lo, given, dir);
	err = xdpl_obj_load(obj, &lo, e);
	if (err)
		goto failed;
	/* The object made or reused the maps; now they must be a whole state. */
	err = fw_state_maps(fw, e);
	if (err == -ENOENT || err == -EAGAIN || err == -EUCLEAN) {
		e->environment = false;
		err = err_set(e, -EINVAL,
			      "firewall: %s did not pin every map of the firewall in %s: it is not xdpload's firewall (layout %d)",
			      xdpl_obj_name(obj), dir, FW_LAYOUT);
	}
	if (!err)
		err = fw_meta_init(fw, settings, e);
	if (err)
		goto failed;
	if (RESULT(res, settings))
		fw_settings_of(&fw->meta, &res->settings);
	*out = fw;
	return 0;
failed:
	xdpl_fw_abandon(fw, obj);
	return err;
}

void xdpl_fw_abandon(struct xdpl_fw *fw, struct xdpl_obj *obj)
{
	if (obj)
		xdpl_obj_unpin(obj);
	if (fw)
		fw_state_dirs_remove(fw);
	xdpl_fw_close(fw);
}

/* ---- attach, upgrade, detach ---- */

int xdpl_fw_attach(struct xdpl_nl *nl, const char *dir, int ifindex, struct xdpl_obj *obj,
		   struct xdpl_prog *prog, const struct xdpl_fw_attach_opts *opts,
		   struct xdpl_fw_result *res, struct xdpl_error *e)
{
	struct xdpl_fw_load_opts lo = { .sz = sizeof(lo) };
	struct xdpl_xdp_attach_opts at = { .sz = sizeof(at) };
	struct xdpl_error ignored = { 0 };
	struct xdpl_xdp_info info;
	struct xdpl_fw *fw;
	int err;

	if (!e)
		e = &ignored;
	result_init(res);
	if (opts && opts->sz >= offsetof(struct xdpl_fw_attach_opts, replace) + sizeof(opts->replace)) {
		lo.load = opts->load;
		lo.settings = opts->settings;
		at.mode = opts->mode;
		at.replace = opts->replace;
	}
	err = xdpl_fw_load(&fw, dir, obj, &lo, res, e);
	if (err)
		return err;
	result_step(res, XDPL_FW_STEP_ATTACH);
	err = xdpl_xdp_attach(nl, ifindex, xdpl_prog_fd(prog), &at, e);
	if (err) {
		xdpl_fw_abandon(fw, obj);
		return err;
	}
	xdpl_fw_close(fw);
	if (RESULT(res, mode)) {
		res->prog_id = xdpl_prog_id(prog);
		res->mode = at.mode;
		if (at.mode == XDPL_XDP_AUTO && xdpl_xdp_query(nl, ifindex, &info, NULL) == 0)
			res->mode = xdpl_xdp_mode_of(&info, res->prog_id);
	}
	result_step(res, XDPL_FW_STEP_DONE);
	return 0;
}

int xdpl_fw_upgrade(struct xdpl_nl *nl, const char *dir, int ifindex, struct xdpl_obj *obj,
		    struct xdpl_prog *prog, const struct xdpl_load_opts *load,
		    struct xdpl_fw_result *res, struct xdpl_error *e)
{
	struct xdpl_fw_open_opts oo = { .sz = sizeof(oo), .lock = XDPL_FW_LOCK_EXCLUSIVE };
	struct xdpl_error ignored = { 0 };
	struct xdpl_xdp_info info;
	struct xdpl_load_opts lo;
	enum xdpl_xdp_mode mode;
	struct xdpl_fw *fw;
	uint32_t old_id;
	int err, link_fd;

	if (!e)
		e = &ignored;
	result_init(res);
	result_step(res, XDPL_FW_STEP_STATE);
	err = xdpl_fw_open(&fw, dir, &oo, e);
	if (err)
		return err;
	/* Held to the end: no attach or detach of this state comes between the look and the swap. */
	result_step(res, XDPL_FW_STEP_FIND);
	err = xdpl_xdp_query(nl, ifindex, &info, e);
	if (err)
		goto out;
	mode = mode_using(&info, fw->map_ids[FW_MAP_META]);
	if (mode == XDPL_XDP_AUTO) {
		err = err_set(e, -ENOENT, "firewall upgrade: no firewall of %s is attached to ifindex %d",
			      dir, ifindex);
		goto out;
	}
	old_id = info.prog_id[mode];
	if (RESULT(res, mode)) {
		res->old_prog_id = old_id;
		res->mode = mode;
	}
	result_step(res, XDPL_FW_STEP_LOAD);
	load_opts_for(&lo, load, dir);
	err = xdpl_obj_load(obj, &lo, e);
	if (err)
		goto out;
	/* The kernel swaps only if the old program is still there: never a gap, never a race. */
	result_step(res, XDPL_FW_STEP_ATTACH);
	link_fd = xdpl_xdp_link_find(ifindex, old_id, NULL);
	if (link_fd >= 0) {
		err = xdpl_link_update(link_fd, xdpl_prog_fd(prog), old_id, e);
		close(link_fd);
	} else {
		struct xdpl_xdp_attach_opts at = { .sz = sizeof(at), .expected_prog_id = old_id };

		err = xdpl_xdp_attach(nl, ifindex, xdpl_prog_fd(prog), &at, e);
	}
	if (RESULT(res, via_link))
		res->via_link = link_fd >= 0;
	if (err) {
		xdpl_obj_unpin(obj);
		goto out;
	}
	if (RESULT(res, prog_id))
		res->prog_id = xdpl_prog_id(prog);
	result_step(res, XDPL_FW_STEP_DONE);
out:
	xdpl_fw_close(fw);
	return err;
}

/*
 * The id of the fw_meta map pinned in dir: all detach needs to know its
 * program.  Read leniently, so that a state of another layout, or one an
 * attach left unfinished, can still be detached and purged.
 */
static uint32_t meta_map_id(const char *dir)
{
	struct xdpl_map_info info;
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/fw_meta", dir);
	fd = xdpl_map_open_pinned(path, NULL);
	if (fd < 0)
		return 0;
	if (xdpl_map_info(fd, &info, NULL))
		info.id = 0;
	close(fd);
	return info.id;
}

/* The program an interface runs, in the first mode that has one, or 0. */
static uint32_t first_prog(const struct xdpl_xdp_info *info)
{
	for (int m = XDPL_XDP_NATIVE; m <= XDPL_XDP_HW; m++)
		if (info->prog_id[m])
			return info->prog_id[m];
	return 0;
}

/* Remove the ten pins, whatever they hold, and the directory if that empties it. */
static void state_purge(const char *dir, struct xdpl_fw_result *res)
{
	char path[4200];
	unsigned int removed = 0;

	for (int i = 0; i < FW_MAP_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, fw_map_names[i]);
		removed += unlink(path) == 0;
	}
	if (RESULT(res, dir_removed))
		res->pins_removed = removed;
	if (rmdir(dir) == 0) {
		char parent[4096];
		char *slash;

		if (RESULT(res, dir_removed))
			res->dir_removed = true;
		/* PIN_BASE/fw-state goes with the last state in it. */
		snprintf(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			slash = strrchr(parent, '/');
			if (slash && !strcmp(slash + 1, XDPL_FW_STATE_DIR))
				rmdir(parent);
		}
	}
	xdpl_log("firewall: %s: %u pinned maps removed", dir, removed);
}

int xdpl_fw_detach(struct xdpl_nl *nl, const char *dir, int ifindex,
		   const struct xdpl_fw_detach_opts *opts, struct xdpl_fw_result *res,
		   struct xdpl_error *e)
{
	bool purge = opts && opts->sz >= offsetof(struct xdpl_fw_detach_opts, purge) +
						sizeof(opts->purge) && opts->purge;
	struct xdpl_error ignored = { 0 };
	struct xdpl_xdp_info info;
	enum xdpl_xdp_mode mode;
	struct xdpl_fw *fw = NULL;
	uint32_t meta_id;
	int err = 0;

	if (!e)
		e = &ignored;
	result_init(res);
	result_step(res, XDPL_FW_STEP_STATE);
	/* Under the lock: an attach or upgrade in progress finishes first. */
	err = fw_state_new(&fw, dir, e);
	if (!err)
		err = fw_state_lock(fw, LOCK_EX, false, e);
	if (err) {
		xdpl_fw_close(fw);
		return err;
	}
	meta_id = meta_map_id(dir);
	result_step(res, XDPL_FW_STEP_FIND);
	if (ifindex >= 0) {
		err = xdpl_xdp_query(nl, ifindex, &info, e);
		if (err)
			goto out;
		mode = meta_id ? mode_using(&info, meta_id) : XDPL_XDP_AUTO;
		if (mode == XDPL_XDP_AUTO) {
			if (RESULT(res, old_prog_id))
				res->old_prog_id = first_prog(&info);
		} else {
			/* Only if it is still our program: the library names it to the kernel. */
			struct xdpl_xdp_detach_opts det = { .sz = sizeof(det),
							    .expected_prog_id = info.prog_id[mode] };

			if (RESULT(res, mode)) {
				res->prog_id = info.prog_id[mode];
				res->mode = mode;
			}
			result_step(res, XDPL_FW_STEP_ATTACH);
			err = xdpl_xdp_detach(nl, ifindex, &det, e);
			if (err)
				goto out;
		}
	}
	if (purge) {
		result_step(res, XDPL_FW_STEP_PURGE);
		state_purge(dir, res);
	}
	result_step(res, XDPL_FW_STEP_DONE);
out:
	xdpl_fw_close(fw);
	return err;
}

int xdpl_fw_prog_find(struct xdpl_fw *fw, struct xdpl_nl *nl, int ifindex, uint32_t *prog_id,
		      enum xdpl_xdp_mode *mode, struct xdpl_error *e)
{
	struct xdpl_xdp_info info;
	enum xdpl_xdp_mode m;
	int err = xdpl_xdp_query(nl, ifindex, &info, e);

	if (err)
		return err;
	m = mode_using(&info, fw->map_ids[FW_MAP_META]);
	if (m == XDPL_XDP_AUTO)
		return err_set(e, -ENOENT, "firewall: no firewall of %s is attached to ifindex %d",
			       fw->dir, ifindex);
	if (prog_id)
		*prog_id = info.prog_id[m];
	if (mode)
		*mode = m;
	return 0;
}
