// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * worker_iter - write one struct evos_worker_record per worker of the
 * EvOS pool, from the kernel's evos_worker iterator.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "worker_iter.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("iter/evos_worker")
int dump_workers(struct bpf_iter__evos_worker *ctx)
{
	struct evos_worker_info *w = ctx->worker;
	struct evos_worker_record r = {};

	if (!w)
		return 0;
	__builtin_memcpy(r.pool, w->pool, sizeof(r.pool));
	r.nr_workers = w->nr_workers;
	r.batch = w->batch;
	r.dropped = w->dropped;
	r.id = w->id;
	r.cpu = w->cpu;
	r.pid = w->pid;
	r.depth = w->depth;
	r.runs = w->runs;
	r.busy_ns = w->busy_ns;
	r.idle_ns = w->idle_ns;
	r.resumed = w->resumed;
	r.wakeups = w->wakeups;
	r.stopped = w->stopped;
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
