// SPDX-License-Identifier: MIT
/*
 * prog.c - programs the kernel has, by fd or by id: what they are (name,
 * tag, the maps they use) and one run of a program on a packet
 * (BPF_PROG_TEST_RUN), which is how `xdpload test` and the tests see a
 * program's verdict without an interface.  Nothing here prints.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bpf_sys.h"
#include "lib/internal.h"

int xdpl_prog_info_by_fd(int prog_fd, struct xdpl_prog_info *out, struct xdpl_error *e)
{
	struct bpf_prog_info info;
	struct bpf_info_by_fd_attr attr;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&info, 0, sizeof(info));
	/* The kernel fills map_ids up to nr_map_ids and says how many there are. */
	info.nr_map_ids = sizeof(out->map_ids) / sizeof(out->map_ids[0]);
	info.map_ids = bpf_ptr(out->map_ids);
	memset(&attr, 0, sizeof(attr));
	attr.bpf_fd = (uint32_t)prog_fd;
	attr.info_len = sizeof(info);
	attr.info = bpf_ptr(&info);
	err = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr));
	if (err)
		return err_sys(e, err, "prog: fd %d: cannot read what program it is", prog_fd);
	out->id = info.id;
	out->type = info.type;
	memcpy(out->name, info.name, sizeof(out->name));
	out->name[sizeof(out->name) - 1] = '\0';
	memcpy(out->tag, info.tag, sizeof(out->tag));
	out->nr_map_ids = info.nr_map_ids;
	return 0;
}

int xdpl_prog_open_id(uint32_t id, struct xdpl_error *e)
{
	int fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);

	return fd < 0 ? err_sys(e, fd, "prog: cannot open program %u by id", id) : fd;
}

int xdpl_prog_info_by_id(uint32_t id, struct xdpl_prog_info *info, struct xdpl_error *e)
{
	int fd = bpf_fd_by_id(BPF_PROG_GET_FD_BY_ID, id), err;

	if (fd < 0) {
		memset(info, 0, sizeof(*info));
		return err_sys(e, fd, "prog: cannot open program %u by id", id);
	}
	err = xdpl_prog_info_by_fd(fd, info, e);
	close(fd);
	return err;
}

int xdpl_prog_test_run(int prog_fd, struct xdpl_test_run *run, struct xdpl_error *e)
{
	struct bpf_test_run_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.data_in = bpf_ptr(run->data_in);
	attr.data_size_in = run->size_in;
	attr.data_out = bpf_ptr(run->data_out);
	attr.data_size_out = run->data_out ? run->size_out : 0;
	attr.repeat = run->repeat;
	err = bpf_prog_test_run(&attr);
	if (err)
		return err_sys(e, err, "test: BPF_PROG_TEST_RUN of prog fd %d failed", prog_fd);
	run->retval = attr.retval;
	run->duration_ns = attr.duration;
	run->size_out = attr.data_size_out;
	return 0;
}
