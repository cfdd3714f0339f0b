// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reading the EvOS worker counters through the kernel's evos_worker BPF
 * iterator: load the iterator program, make an iterator, read records.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "worker_iter.h"
#include "worker_iter.skel.h"

int evos_worker_records(struct evos_worker_record *recs, int max)
{
	struct worker_iter *skel;
	struct bpf_link *link;
	size_t got = 0;
	ssize_t n;
	int fd, err;

	skel = worker_iter__open();
	if (!skel)
		return -errno;
	err = worker_iter__load(skel);
	if (err) {
		/*
		 * No such iterator target: not an EvOS kernel with workers;
		 * or no permission to load it.
		 */
		if (err != -EPERM && err != -EACCES)
			err = -ENOENT;
		goto out;
	}
	link = bpf_program__attach_iter(skel->progs.dump_workers, NULL);
	if (!link) {
		err = -errno;
		goto out;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
		bpf_link__destroy(link);
		goto out;
	}
	while (got < (size_t)max * sizeof(*recs)) {
		n = read(fd, (char *)recs + got, (size_t)max * sizeof(*recs) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (!n)
			break;
		got += n;
	}
	close(fd);
	bpf_link__destroy(link);
	if (!err)
		err = got / sizeof(*recs);
out:
	worker_iter__destroy(skel);
	return err;
}
