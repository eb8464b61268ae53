// SPDX-License-Identifier: MIT
/*
 * loadall.c - the `load` verb: load every program and map of an object,
 * whatever their types, and attach nothing (what `bpftool prog loadall`
 * does).  --prog NAME, given once or more, loads only those programs (a
 * '?' section among them too); otherwise every program whose section is
 * not marked '?' loads.  --pin-dir DIR pins each program and map in DIR,
 * named after it, so they outlive the command; without it everything goes
 * when the command ends, and `load` only proves the object loads.
 *
 *   ID     NAME                 TYPE               TAG
 *   412    count_opens          kprobe             8c1e...   (and the pin, if any)
 *
 * It exits 0 only when every program asked for loaded (and pinned), and on
 * any failure leaves nothing: no program, no map, no pin, no directory it
 * made.  Part of the command line: it prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* bpffs refuses '.' in names: a map called .rodata is pinned as _rodata, as libbpf pins it. */
static void pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	size_t n = (size_t)snprintf(buf, len, "%s/", dir);

	for (const char *c = name; *c && n + 1 < len; c++)
		buf[n++] = *c == '.' ? '_' : *c;
	buf[n < len ? n : len - 1] = '\0';
}

/* --prog: which programs load; every name must be one of the object's. */
static int progs_choose(struct xdpl_obj *obj, const char *path, const struct opts *o)
{
	struct xdpl_prog *p;

	if (!o->nprogs)
		return EXIT_OK;
	for (size_t i = 0; (p = xdpl_obj_prog(obj, i)); i++)
		xdpl_prog_set_autoload(p, false);
	for (int k = 0; k < o->nprogs; k++) {
		p = xdpl_obj_prog_find(obj, o->progs[k]);
		if (!p) {
			struct xdpl_prog *q;

			fprintf(stderr, "xdpload: %s has no program or section named %s; it has:", path,
				o->progs[k]);
			for (size_t i = 0; (q = xdpl_obj_prog(obj, i)); i++)
				fprintf(stderr, " %s (%s)", text(xdpl_prog_name(q)), text(xdpl_prog_section(q)));
			fputc('\n', stderr);
			return EXIT_USAGE;
		}
		xdpl_prog_set_autoload(p, true);
	}
	return EXIT_OK;
}

struct pins {
	char (*paths)[4096];
	size_t n;
	unsigned int dirs_made; /* the last levels of the directory, made here */
};

/* After a failure: every pin this command made, and the directories it made. */
static void pins_remove(struct pins *pins, const char *dir)
{
	char path[4096];

	for (size_t i = 0; i < pins->n; i++)
		unlink(pins->paths[i]);
	pins->n = 0;
	snprintf(path, sizeof(path), "%s", dir);
	for (; pins->dirs_made; pins->dirs_made--) {
		char *slash = strrchr(path, '/');

		if (rmdir(path) || !slash)
			break;
		*slash = '\0';
	}
}

/* mkdir -p, counting the levels it made so that a failure can take them back. */
static int dirs_make(const char *dir, unsigned int *made)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0700) == 0)
			(*made)++;
		else if (errno != EEXIST)
			goto undo;
		else
			*made = 0; /* only the levels below the last one that was there count */
		if (!c)
			return 0;
		*p = c;
	}
undo:
	for (int saved = errno; *made; (*made)--) {
		char *slash = strrchr(path, '/');

		if (!slash)
			break;
		*slash = '\0';
		rmdir(path);
		errno = saved;
	}
	return -1;
}

static int pin_one(struct pins *pins, const char *dir, const char *name, bool is_map,
		   const void *handle)
{
	struct xdpl_error e = { 0 };
	char *path = pins->paths[pins->n];
	int err;

	pin_path(path, sizeof(pins->paths[0]), dir, name);
	err = is_map ? xdpl_map_pin(handle, path, &e) : xdpl_prog_pin(handle, path, &e);
	if (err) {
		if (err == -EEXIST)
			snprintf(e.msg, sizeof(e.msg), "load: cannot pin %s %s at %s: something is pinned there already",
				 is_map ? "map" : "program", name, path);
		return report(&e, EXIT_ENV);
	}
	pins->n++;
	return EXIT_OK;
}

/* Every loaded program and every map under dir, which is made if missing. */
static int pins_make(struct pins *pins, struct xdpl_obj *obj, const char *dir)
{
	struct xdpl_prog *p;
	struct xdpl_map *m;
	int code = EXIT_OK;

	pins->paths = calloc(xdpl_obj_prog_count(obj) + xdpl_obj_map_count(obj) + 1,
			     sizeof(*pins->paths));
	if (!pins->paths) {
		fprintf(stderr, "xdpload: load: out of memory\n");
		return EXIT_ENV;
	}
	if (dirs_make(dir, &pins->dirs_made)) {
		fprintf(stderr, "xdpload: load: cannot make the pin directory %s: %s (%s)\n", dir,
			xdpl_errno_name(errno), xdpl_errno_text(errno));
		return EXIT_ENV;
	}
	for (size_t i = 0; !code && (p = xdpl_obj_prog(obj, i)); i++)
		if (xdpl_prog_fd(p) >= 0)
			code = pin_one(pins, dir, xdpl_prog_name(p), false, p);
	for (size_t i = 0; !code && (m = xdpl_obj_map(obj, i)); i++)
		code = pin_one(pins, dir, xdpl_map_name(m), true, m);
	return code;
}

/* Two of the object's programs and maps would share a pin: refused before anything loads. */
static bool pin_names_clash(const struct xdpl_obj *obj, const char *dir)
{
	size_t np = xdpl_obj_prog_count(obj), n = np + xdpl_obj_map_count(obj);

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			const char *a = i < np ? xdpl_prog_name(xdpl_obj_prog(obj, i))
					       : xdpl_map_name(xdpl_obj_map(obj, i - np));
			const char *b = j < np ? xdpl_prog_name(xdpl_obj_prog(obj, j))
					       : xdpl_map_name(xdpl_obj_map(obj, j - np));
			char pa[4096], pb[4096];

			if ((i < np && !xdpl_prog_autoload(xdpl_obj_prog(obj, i))) ||
			    (j < np && !xdpl_prog_autoload(xdpl_obj_prog(obj, j))))
				continue;
			pin_path(pa, sizeof(pa), dir, a);
			pin_path(pb, sizeof(pb), dir, b);
			if (!strcmp(pa, pb)) {
				fprintf(stderr, "xdpload: load: %s and %s would both be pinned at %s; --pin-dir names pins after programs and maps\n",
					a, b, pa);
				return true;
			}
		}
	return false;
}

static void tag_text(const uint8_t tag[8], char out[17])
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", tag[i]);
}

static void print_text(const struct xdpl_obj *obj, const struct pins *pins)
{
	struct xdpl_prog *p;
	size_t pin = 0;

	printf("%-7s %-24s %-18s %-24s %s\n", "ID", "NAME", "TYPE", "SECTION", "TAG");
	for (size_t i = 0; (p = xdpl_obj_prog(obj, i)); i++) {
		struct xdpl_prog_info info;
		char tag[17] = "?";

		if (xdpl_prog_fd(p) < 0)
			continue;
		if (!xdpl_prog_info_by_fd(xdpl_prog_fd(p), &info, NULL))
			tag_text(info.tag, tag);
		printf("%-7u %-24s %-18s %-24s %s", xdpl_prog_id(p), text(xdpl_prog_name(p)),
		       xdpl_prog_type_str(xdpl_prog_type(p)), text(xdpl_prog_section(p)), tag);
		if (pins->n)
			printf("  pinned %s", pins->paths[pin++]);
		putchar('\n');
	}
}

static void print_json(const struct xdpl_obj *obj, const char *path, const struct pins *pins)
{
	struct xdpl_prog *p;
	struct xdpl_map *m;
	size_t pin = 0, n = 0;

	printf("{\"object\":");
	json_string(path);
	printf(",\"programs\":[");
	for (size_t i = 0; (p = xdpl_obj_prog(obj, i)); i++) {
		struct xdpl_prog_info info;
		char tag[17] = "";
		const char *attach = xdpl_prog_attach_type_name(p);

		if (xdpl_prog_fd(p) < 0)
			continue;
		if (!xdpl_prog_info_by_fd(xdpl_prog_fd(p), &info, NULL))
			tag_text(info.tag, tag);
		printf("%s{\"id\":%u,\"name\":", n++ ? "," : "", xdpl_prog_id(p));
		json_string(xdpl_prog_name(p));
		printf(",\"type\":\"%s\",\"section\":", xdpl_prog_type_str(xdpl_prog_type(p)));
		json_string(xdpl_prog_section(p));
		printf(",\"attach_type\":");
		if (attach)
			json_string(attach);
		else
			printf("null");
		printf(",\"tag\":\"%s\",\"pin\":", tag);
		if (pins->n)
			json_string(pins->paths[pin++]);
		else
			printf("null");
		putchar('}');
	}
	printf("],\"maps\":[");
	for (size_t i = 0; (m = xdpl_obj_map(obj, i)); i++) {
		struct xdpl_map_info info = { 0 };

		xdpl_map_info(xdpl_map_fd(m), &info, NULL);
		printf("%s{\"id\":%u,\"name\":", i ? "," : "", info.id);
		json_string(xdpl_map_name(m));
		printf(",\"type\":\"%s\",\"max_entries\":%u,\"pin\":", xdpl_map_type_str(xdpl_map_type(m)),
		       xdpl_map_max_entries(m));
		if (pins->n)
			json_string(pins->paths[pin++]);
		else
			printf("null");
		putchar('}');
	}
	printf("]}\n");
}

int cmd_load(struct opts *o)
{
	const char *path = o->args[0];
	struct xdpl_error e = { 0 };
	struct pins pins = { 0 };
	struct xdpl_obj *obj;
	bool any = false;
	int code;

	code = obj_open_with_sets(&obj, path, o);
	if (code)
		return code;
	code = progs_choose(obj, obj_display_name(path), o);
	if (!code && o->pin_dir && pin_names_clash(obj, o->pin_dir))
		code = EXIT_OBJECT;
	for (size_t i = 0; i < xdpl_obj_prog_count(obj); i++)
		any |= xdpl_prog_autoload(xdpl_obj_prog(obj, i));
	if (!code && !any) {
		fprintf(stderr, "xdpload: load: %s has no program to load (each is in a '?' section: name them with --prog)\n",
			obj_display_name(path));
		code = EXIT_OBJECT;
	}
	if (code)
		goto out;
	if (xdpl_obj_load(obj, &o->load, &e)) {
		code = load_report(&e);
		goto out;
	}
	if (o->pin_dir && (code = pins_make(&pins, obj, o->pin_dir)))
		goto out;
	if (o->json)
		print_json(obj, obj_display_name(path), &pins);
	else
		print_text(obj, &pins);
out:
	if (code) {
		pins_remove(&pins, o->pin_dir);
		xdpl_obj_unpin(obj);
	}
	free(pins.paths);
	xdpl_obj_close(obj);
	return code;
}
