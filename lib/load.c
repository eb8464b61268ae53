// SPDX-License-Identifier: MIT
/*
 * load.c - turns a described object into kernel objects, in order: its BTF,
 * its maps (created, or reused from bpffs pins after a compatibility check,
 * global data written and .rodata frozen), then one program.
 *
 * Loads are quiet first (no log buffer: the kernel is faster without one);
 * only when one fails do we load again with a log that grows until it fits,
 * and for programs the log is annotated with source lines from BTF.  When
 * the kernel refuses our BTF, we ask it about each newer BTF kind with a tiny
 * probe, rewrite what it lacks into older kinds, and if it still refuses, go
 * on without BTF: the rewrite depends on the kernel's answers, not on its
 * version number.
 *
 * Every fd created here is owned by struct obj_fds and closed by load_close().
 * Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/externs.h"
#include "lib/internal.h"

#define LOG_SIZE_FIRST (64U << 10)
#define LOG_SIZE_MAX ((16U << 20) - 1) /* kernels before 5.2 take no more */
#define LOG_TAIL (64U << 10)             /* what we show of a log larger than that */
#define BPF_FS_MAGIC 0xcafe4a11

/* Kernel object names: at most 15 characters from [A-Za-z0-9_.]. */
static void kernel_name(char out[BPF_OBJ_NAME_LEN], const char *name)
{
	size_t i;

	memset(out, 0, BPF_OBJ_NAME_LEN);
	for (i = 0; name[i] && i < BPF_OBJ_NAME_LEN - 1; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.';

		out[i] = ok ? c : '_';
	}
}

/*
 * Kernels before 5.11 charge bpf memory to RLIMIT_MEMLOCK, whose default is a
 * few pages, and answer EPERM when it runs out.  Newer kernels ignore the
 * limit, so it is lifted only when the kernel's answer asks for it.  Returns
 * true when the limit changed and the call is worth retrying.
 */
static bool memlock_lift(void)
{
	struct rlimit now, unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	if (getrlimit(RLIMIT_MEMLOCK, &now) == 0 && now.rlim_cur == RLIM_INFINITY)
		return false;
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited) < 0) {
		xdpl_log("load: EPERM, and RLIMIT_MEMLOCK cannot be lifted (%s)", xdpl_errno_name(errno));
		return false;
	}
	xdpl_log("load: EPERM: lifted RLIMIT_MEMLOCK for an older kernel, trying again");
	return true;
}

void load_init(struct obj_fds *fds)
{
	memset(fds, 0, sizeof(*fds));
	fds->btf_fd = -1;
	fds->prog_fd = -1;
}

/* ---- BTF ---- */

static int btf_load_blob(const uint8_t *blob, uint32_t size, char *log, uint32_t log_size)
{
	struct bpf_btf_load_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.btf = bpf_ptr(blob);
	attr.btf_size = size;
	if (log) {
		log[0] = '\0';
		attr.btf_log_buf = bpf_ptr(log);
		attr.btf_log_size = log_size;
		attr.btf_log_level = 1;
	}
	return bpf_btf_load(&attr);
}

static unsigned int btf_features_missing(unsigned int used)
{
	unsigned int missing = 0;

	for (unsigned int f = 1; f & BTF_FEAT_ALL; f <<= 1) {
		uint8_t *blob;
		uint32_t size;
		int fd;

		if (!(used & f) || btf_feature_blob(f, &blob, &size))
			continue;
		fd = btf_load_blob(blob, size, NULL, 0);
		if (fd < 0)
			missing |= f;
		else
			close(fd);
		free(blob);
	}
	return missing;
}

/*
 * Load the object's BTF.  A refusal is not fatal: programs load without
 * BTF too, unless they need it (spin locks, for instance), and then their
 * own error says so.
 */
int load_btf(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
	     struct errbuf *e)
{
	const struct btf *btf = obj->btf;
	unsigned int used, missing;
	uint8_t *blob = NULL;
	uint32_t size;
	char *log;
	int fd = -EINVAL;

	if (!btf)
		return 0;
	used = btf_features_used(btf);
	missing = btf_features_newer(opts->btf_lacks) & used;
	if (!missing) {
		fd = btf_load_blob(btf->data, btf->size, NULL, 0);
		if (fd == -EPERM && memlock_lift())
			fd = btf_load_blob(btf->data, btf->size, NULL, 0);
		if (fd == -EPERM)
			return err_sys(e, fd, "load: the object's BTF (%u types): BPF_BTF_LOAD failed",
				       btf->nr_types);
		if (fd < 0)
			missing = btf_features_newer(btf_features_missing(used)) & used;
	}
	if (fd < 0 && missing) {
		xdpl_log("load: BTF: rewriting kinds this kernel lacks (mask 0x%x)", missing);
		if (btf_sanitized(btf, missing, &blob, &size) == 0)
			fd = btf_load_blob(blob, size, NULL, 0);
	}
	if (fd < 0) {
		const uint8_t *what = blob ? blob : btf->data;

		log = calloc(1, LOG_SIZE_FIRST);
		fd = log ? btf_load_blob(what, blob ? size : btf->size, log, LOG_SIZE_FIRST) : fd;
		if (fd >= 0)
			close(fd); /* accepted once a log was asked for: do not trust it either */
		xdpl_log("load: BTF refused (%s); loading without BTF. The kernel said:\n%s",
			 xdpl_errno_name(fd), log ? log : "");
		free(log);
	} else {
		xdpl_log("load: BTF loaded, fd %d (%u types)", fd, btf->nr_types);
		fds->btf_fd = fd;
		fds->btf_missing = missing;
	}
	free(blob);
	return 0;
}

/* ---- maps ---- */

int load_pin_path(char *buf, size_t len, const char *dir, const char *name, struct errbuf *e)
{
	e->environment = true;
	if (strchr(name, '/') || !*name)
		return err_set(e, -EINVAL, "load: map name %s cannot be a file name under %s", name, dir);
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
		return err_set(e, -ENAMETOOLONG, "load: pin path %s/%s is too long", dir, name);
	e->environment = false;
	return 0;
}

/*
 * The pin directory must be on bpffs; create it if it is missing, and its
 * parent too when `parents` allows (/sys/fs/bpf/xdpload/IFACE for the
 * firewall).  `created` counts the levels made, so a failed load can remove
 * them again.
 */
static int pin_dir_ready(const char *dir, int parents, unsigned int *created, struct errbuf *e)
{
	struct statfs fs;
	char parent[4096];
	char *slash;
	int err;

	if (statfs(dir, &fs) == 0) {
		if ((uint32_t)fs.f_type != BPF_FS_MAGIC)
			goto not_bpffs;
		return 0;
	}
	e->environment = true;
	if (errno != ENOENT)
		return err_sys(e, -errno, "load: pin directory %s", dir);
	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (parents > 0 && statfs(parent, &fs) < 0 && errno == ENOENT) {
		err = pin_dir_ready(parent, parents - 1, created, e);
		if (err)
			return err;
	}
	if (statfs(parent, &fs) < 0 || (uint32_t)fs.f_type != BPF_FS_MAGIC)
		goto not_bpffs;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_sys(e, -errno, "load: cannot create pin directory %s", dir);
	e->environment = false;
	(*created)++;
	return 0;
not_bpffs:
	e->environment = true;
	return err_set(e, -ENOTDIR,
		       "load: %s is not on a bpf filesystem; mount one with `mount -t bpf bpf /sys/fs/bpf` or choose another --pin-maps",
		       dir);
}

/* Reuse a pinned map only if it is the map the object describes. */
static int map_reuse(const struct obj_map *m, const char *path, int fd, struct errbuf *e)
{
	struct bpf_map_info info;
	char diff[400] = "";
	size_t n = 0;
	int err = bpf_obj_info(fd, &info, sizeof(info));

#define CHECK(field, label)                                                                  \
	if (info.field != m->field)                                                          \
		n += (size_t)snprintf(diff + n, n < sizeof(diff) ? sizeof(diff) - n : 0,     \
				      "%s" label " %u (pinned) != %u (object)", n ? ", " : "", \
				      info.field, m->field);
	if (err)
		return err_sys(e, err, "load: map %s: cannot read the pinned map at %s", m->name, path);
	CHECK(type, "type")
	CHECK(key_size, "key size")
	CHECK(value_size, "value size")
	CHECK(max_entries, "max entries")
#undef CHECK
	if (info.map_flags != m->flags)
		n += (size_t)snprintf(diff + n, n < sizeof(diff) ? sizeof(diff) - n : 0,
				      "%sflags 0x%x (pinned) != 0x%x (object)", n ? ", " : "",
				      info.map_flags, m->flags);
	if (info.map_extra != m->map_extra)
		n += (size_t)snprintf(diff + n, n < sizeof(diff) ? sizeof(diff) - n : 0,
				      "%smap_extra %llu (pinned) != %llu (object)", n ? ", " : "",
				      (unsigned long long)info.map_extra,
				      (unsigned long long)m->map_extra);
	if (n) {
		e->environment = true;
		return err_set(e, -EEXIST,
			       "load: map %s: the map pinned at %s does not match the object: %s; remove the pin to start afresh",
			       m->name, path, diff);
	}
	xdpl_log("load: map %s: reusing the map pinned at %s (id %u)", m->name, path, info.id);
	return 0;
}

static int map_create(const struct obj_map *m, const struct obj_fds *fds, struct errbuf *e)
{
	int btf_fd = fds->btf_fd;

	struct bpf_map_create_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = m->type;
	attr.key_size = m->key_size;
	attr.value_size = m->value_size;
	attr.max_entries = m->max_entries;
	attr.map_flags = m->flags;
	attr.numa_node = m->numa_node;
	attr.map_extra = m->map_extra;
	kernel_name(attr.map_name, m->name);
	/* A data map's value type is a DATASEC: only for kernels that know them. */
	if (m->origin == MAP_DATA && (fds->btf_missing & BTF_FEAT_DATASEC))
		btf_fd = -1;
	if (btf_fd >= 0 && (m->btf_key_id || m->btf_value_id)) {
		attr.btf_fd = (uint32_t)btf_fd;
		attr.btf_key_type_id = m->btf_key_id;
		attr.btf_value_type_id = m->btf_value_id;
	}
	fd = bpf_map_create(&attr);
	if (fd == -EPERM && memlock_lift())
		fd = bpf_map_create(&attr);
	if (fd < 0 && attr.btf_fd) {
		/* Some map types, and older kernels, refuse BTF for keys and values. */
		xdpl_log("load: map %s refused with BTF types (%s); creating it without", m->name,
			 xdpl_errno_name(fd));
		attr.btf_fd = attr.btf_key_type_id = attr.btf_value_type_id = 0;
		fd = bpf_map_create(&attr);
	}
	/* E2BIG and ENOMEM only say "too big": say what the object can change. */
	if (fd == -E2BIG || fd == -ENOMEM)
		return err_sys(e, fd, "load: map %s (%s, key %u, value %u, max entries %u): BPF_MAP_CREATE failed: %s",
			       m->name, obj_map_type_name(m->type), m->key_size, m->value_size,
			       m->max_entries,
			       fd == -E2BIG ? "too large for this kernel (its key, value or max entries)"
					    : "more memory than the kernel can give (lower its max entries)");
	if (fd < 0)
		return err_sys(e, fd, "load: map %s (%s, key %u, value %u, max entries %u, flags 0x%x): BPF_MAP_CREATE failed",
			       m->name, obj_map_type_name(m->type), m->key_size, m->value_size,
			       m->max_entries, m->flags);
	return fd;
}

/*
 * Global data: write the initial value, then freeze .rodata so it stays so.
 * The .kconfig map's value is what load_externs read from the kernel.
 */
static int map_fill(const struct obj_map *m, int fd, const struct obj_fds *fds, struct errbuf *e)
{
	uint8_t *value = m->kconfig && fds->externs ? fds->externs->kconfig : m->data;
	uint32_t zero = 0;
	int err;

	err = bpf_map_elem(BPF_MAP_UPDATE_ELEM, fd, &zero, value, 0);
	if (err)
		return err_sys(e, err, "load: map %s: writing its initial value failed", m->name);
	if (m->frozen) {
		err = bpf_map_freeze(fd);
		if (err)
			return err_sys(e, err, "load: map %s: BPF_MAP_FREEZE failed", m->name);
	}
	return 0;
}

int load_maps(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds,
	      struct errbuf *e)
{
	char path[4096];
	bool dir_ready = false;
	int err;

	fds->nmaps = obj->nmaps;
	fds->map_fds = malloc((obj->nmaps ? obj->nmaps : 1) * sizeof(int));
	fds->map_pinned_here = calloc(obj->nmaps ? obj->nmaps : 1, sizeof(bool));
	if (!fds->map_fds || !fds->map_pinned_here)
		return err_set(e, -ENOMEM, "load: out of memory for %u maps", obj->nmaps);
	for (uint32_t i = 0; i < obj->nmaps; i++)
		fds->map_fds[i] = -1;

	for (uint32_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];
		int fd;

		if (m->pinning == MAP_PIN_BY_NAME && !opts->pin_none) {
			/* Reuse the pin if there is one; test --dev (reuse only) makes no directory or pin. */
			if (!dir_ready && !opts->pin_reuse_only) {
				err = pin_dir_ready(opts->pin_dir, 1, &fds->pin_dir_created, e);
				if (err)
					return err;
				dir_ready = true;
			}
			err = load_pin_path(path, sizeof(path), opts->pin_dir, m->name, e);
			if (err)
				return err;
			fd = bpf_obj_get(path);
			if (fd >= 0) {
				fds->map_fds[i] = fd;
				err = map_reuse(m, path, fd, e);
				if (err)
					return err;
				continue;
			}
			if (fd != -ENOENT && !opts->pin_reuse_only) {
				e->environment = true;
				return err_sys(e, fd, "load: map %s: cannot open the pin %s", m->name, path);
			}
		}
		fd = map_create(m, fds, e);
		if (fd < 0)
			return fd;
		fds->map_fds[i] = fd;
		xdpl_log("load: map %s (%s) created, fd %d", m->name, obj_map_type_name(m->type), fd);
		if (m->data) {
			err = map_fill(m, fd, fds, e);
			if (err)
				return err;
		}
		if (m->pinning == MAP_PIN_BY_NAME && !opts->pin_reuse_only && !opts->pin_none) {
			err = bpf_obj_pin(fd, path);
			if (err) {
				e->environment = true;
				return err_sys(e, err, "load: map %s: cannot pin it at %s", m->name, path);
			}
			fds->map_pinned_here[i] = true;
			xdpl_log("load: map %s pinned at %s", m->name, path);
		}
	}
	return 0;
}

/* After a failure, remove the pins this load made, so nothing is left behind. */
void load_unpin(const struct obj *obj, const struct load_opts *opts, struct obj_fds *fds)
{
	char path[4096];
	struct errbuf ignored;

	for (uint32_t i = 0; fds->map_pinned_here && i < fds->nmaps; i++) {
		if (!fds->map_pinned_here[i] ||
		    load_pin_path(path, sizeof(path), opts->pin_dir, obj->maps[i].name, &ignored))
			continue;
		if (unlink(path) == 0)
			xdpl_log("load: removed the pin %s made by this failed load", path);
		fds->map_pinned_here[i] = false;
	}
	if (fds->pin_dir_created && rmdir(opts->pin_dir) == 0)
		xdpl_log("load: removed the pin directory %s made by this failed load", opts->pin_dir);
	if (fds->pin_dir_created == 2) {
		char parent[4096];
		char *slash;

		snprintf(parent, sizeof(parent), "%s", opts->pin_dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			rmdir(parent);
		}
	}
	fds->pin_dir_created = 0;
}

/* ---- programs ---- */

/*
 * A log that outgrew the largest buffer: the kernel kept its end (since 6.4;
 * older kernels keep its start).  Show only the last LOG_TAIL bytes of it, from
 * a line start, so that a runaway log does not flood the terminal.
 */
static char *log_tail(char *log)
{
	size_t n = strlen(log), cap = LOG_TAIL + 200;
	const char *from;
	char *tail;

	if (n <= LOG_TAIL || !(tail = malloc(cap)))
		return log;
	from = strchr(log + n - LOG_TAIL, '\n');
	from = from ? from + 1 : log + n - LOG_TAIL;
	snprintf(tail, cap, "[... %zu bytes left out: the log outgrew its %u MiB buffer; these are the last %zu bytes the kernel kept]\n%s",
		 (size_t)(from - log), (LOG_SIZE_MAX + 1) >> 20, n - (size_t)(from - log), from);
	free(log);
	xdpl_log("load: the verifier log outgrew %u MiB; keeping its last %u KiB", (LOG_SIZE_MAX + 1) >> 20,
		 LOG_TAIL >> 10);
	return tail;
}

/*
 * Load again with a verifier log, growing the buffer until the log fits.
 * The answer stays the first load's: if the log never fits, the kernel says
 * ENOSPC, but the user needs to hear why the verifier refused.
 */
static int prog_load_logged(struct bpf_prog_load_attr *attr, int first_err, struct errbuf *e)
{
	uint32_t size = LOG_SIZE_FIRST;
	int fd;

	for (;;) {
		char *log = calloc(1, size); /* zeroed: valgrind cannot see the kernel write it */

		if (!log)
			return first_err;
		log[0] = '\0';
		attr->log_level = 1;
		attr->log_size = size;
		attr->log_buf = bpf_ptr(log);
		fd = bpf_prog_load(attr);
		attr->log_level = 0;
		attr->log_size = 0;
		attr->log_buf = 0;
		if (fd == -ENOSPC && size < LOG_SIZE_MAX) {
			free(log);
			xdpl_log("load: the verifier log needs more than %u KiB; growing the buffer", size >> 10);
			size = size > LOG_SIZE_MAX / 4 ? LOG_SIZE_MAX : size * 4;
			continue;
		}
		if (fd == -ENOSPC)
			log = log_tail(log);
		if (fd < 0 && !log[0] && e->log) {
			free(log); /* keep the log we already have */
		} else {
			free(e->log);
			e->log = log;
		}
		return fd == -ENOSPC ? first_err : fd;
	}
}

/* The line_info record covering an image instruction, or NULL. */
static const struct btf_line_info *line_of(const struct prog_image *img, uint32_t insn)
{
	const struct btf_line_info *best = NULL;

	for (uint32_t i = 0; i < img->line_info_cnt; i++) {
		const struct btf_line_info *l =
			(const void *)(img->line_info + (size_t)i * img->line_info_rec_size);

		if (l->insn_off <= insn)
			best = l;
	}
	return best;
}

static const char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Point at the source line where the verifier stopped: the last instruction
 * its log names ("N: (op) ...").  When the kernel did not interleave source
 * lines itself (it does so only with BTF loaded), add them to the log.
 */
static void log_annotate(const struct obj *obj, const struct prog_image *img, struct errbuf *e)
{
	const struct btf *btf = obj->btf;
	const struct btf_line_info *l, *shown = NULL;
	bool kernel_lines = strstr(e->log, "\n; ") || !strncmp(e->log, "; ", 2);
	size_t lines = 1, cap, used = 0;
	char *out;
	long last = -1;

	if (!btf || !img->line_info_cnt)
		return;
	for (const char *c = e->log; *c; c++)
		lines += *c == '\n';
	/* Room for the log and one bounded (<= 700 bytes) annotation per line of it. */
	cap = strlen(e->log) + lines * 704 + 1;
	out = kernel_lines ? NULL : malloc(cap);
	for (char *line = e->log; *line;) {
		char *end = strchr(line, '\n') ? strchr(line, '\n') : line + strlen(line);
		char *after;
		long insn = strtol(line, &after, 10);

		if (after != line && after[0] == ':' && after[1] == ' ' && after[2] == '(') {
			last = insn;
			l = line_of(img, (uint32_t)insn);
			if (out && l && l != shown) {
				/* snprintf returns what it wanted to write: count only what it wrote. */
				int n = snprintf(out + used, cap - used, "; %.512s @ %.128s:%u\n",
						 trimmed(btf_str(btf, l->line_off)),
						 base_name(btf_str(btf, l->file_name_off)),
						 l->line_col >> 10);

				used += n < 0 ? 0 : (size_t)n < cap - used ? (size_t)n : cap - used - 1;
			}
			shown = l;
		}
		if (out && used + (size_t)(end - line) + 2 < cap) {
			memcpy(out + used, line, (size_t)(end - line));
			used += (size_t)(end - line);
			out[used++] = '\n';
		}
		line = *end ? end + 1 : end;
	}
	if (out) {
		out[used] = '\0';
		free(e->log);
		e->log = out;
	}
	l = last >= 0 ? line_of(img, (uint32_t)last) : NULL;
	if (l)
		snprintf(e->where, sizeof(e->where), "the verifier stopped at instruction %ld, %.128s:%u: %.256s",
			 last, base_name(btf_str(btf, l->file_name_off)), l->line_col >> 10,
			 trimmed(btf_str(btf, l->line_off)));
}

int load_prog(const struct obj *obj, const struct obj_prog *prog, struct obj_fds *fds,
	      struct errbuf *e)
{
	struct prog_image *img = &fds->img;
	struct bpf_prog_load_attr attr;
	int fd, err;

	if (!prog->type)
		return err_set(e, -ENOTSUP,
			       "load: program %s: section %s is not a program type xdpload supports (XDP sections start with \"xdp\")",
			       prog->name, prog->section);
	err = reloc_prog_build(obj, prog, fds->map_fds, fds->externs, img, e);
	if (err)
		return err;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = prog->type;
	attr.expected_attach_type = prog->expected_attach_type;
	attr.prog_flags = prog->prog_flags;
	attr.insn_cnt = img->insn_cnt;
	attr.insns = bpf_ptr(img->insns);
	attr.license = bpf_ptr(obj->license ? obj->license : "");
	kernel_name(attr.prog_name, prog->name);
	/* func_info names FUNC types: a kernel without them takes no func or line info. */
	if (fds->btf_fd >= 0 && img->func_info_cnt && !(fds->btf_missing & BTF_FEAT_FUNC)) {
		attr.prog_btf_fd = (uint32_t)fds->btf_fd;
		attr.func_info_rec_size = img->func_info_rec_size;
		attr.func_info = bpf_ptr(img->func_info);
		attr.func_info_cnt = img->func_info_cnt;
		attr.line_info_rec_size = img->line_info_rec_size;
		attr.line_info = bpf_ptr(img->line_info);
		attr.line_info_cnt = img->line_info_cnt;
	}
	if (fds->externs && fds->externs->fd_array_cnt > 1)
		attr.fd_array = bpf_ptr(fds->externs->fd_array);

	fd = bpf_prog_load(&attr);
	if (fd == -EPERM && memlock_lift())
		fd = bpf_prog_load(&attr);
	if (fd < 0 && fd != -EPERM && fd != -ENOMEM) {
		xdpl_log("load: program %s refused (%s); loading again for the verifier log",
			 prog->name, xdpl_errno_name(fd));
		fd = prog_load_logged(&attr, fd, e);
		if (e->log)
			log_annotate(obj, img, e);
		if (e->log && obj->nexterns)
			externs_log_explain(obj, e->log, e->where, sizeof(e->where));
	}
	if (fd < 0)
		return err_sys(e, fd, "load: program %s (section %s, %u instructions%s): BPF_PROG_LOAD failed",
			       prog->name, prog->section, img->insn_cnt,
			       obj->btf && fds->btf_fd < 0
				       ? "; loaded without BTF, which the kernel refused (see -v), and which spin locks and timers need"
				       : "");
	fds->prog_fd = fd;
	xdpl_log("load: program %s loaded, fd %d (%u instructions%s)", prog->name, fd,
		 img->insn_cnt, attr.func_info_cnt ? ", with BTF" : "");
	return 0;
}

void load_close(struct obj_fds *fds)
{
	if (fds->prog_fd >= 0)
		close(fds->prog_fd);
	for (uint32_t i = 0; fds->map_fds && i < fds->nmaps; i++)
		if (fds->map_fds[i] >= 0)
			close(fds->map_fds[i]);
	if (fds->btf_fd >= 0)
		close(fds->btf_fd);
	free(fds->map_fds);
	free(fds->map_pinned_here);
	reloc_prog_free(&fds->img);
	externs_loaded_free(fds->externs);
	load_init(fds);
}
