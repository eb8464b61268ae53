// SPDX-License-Identifier: MIT
/*
 * btf_load.c - the object's BTF into the kernel (BPF_BTF_LOAD), fitted to
 * what this kernel knows.  When the kernel refuses it, each newer BTF kind
 * the object uses is asked about with a tiny probe, the ones the kernel
 * lacks are rewritten into older kinds of the same layout (btf_compat.c),
 * and if the kernel still refuses, the load goes on without BTF: the rewrite
 * depends on the kernel's answers, not on its version number.
 * Nothing here prints.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/btf.h"
#include "lib/internal.h"

#define LOG_SIZE_FIRST (64U << 10)

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
	     struct xdpl_error *e)
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
		if (fd == -EPERM && load_memlock_lift())
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
