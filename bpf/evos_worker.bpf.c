// SPDX-License-Identifier: GPL-2.0
/*
 * evos_worker - the EvOS worker pool: each worker pops the coroutines
 * queued on it, up to a batch per call, and resumes them.  Use it as a
 * template for workers with a policy of their own (an order, a deadline,
 * a budget).
 *
 *   evosctl workers start build/bpf/evos_worker.bpf.o --count 2 --cpus 0-1
 *
 * See Documentation/bpf/evos-workers.rst.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "evos_worker.h"

char LICENSE[] SEC("license") = "GPL";

SEC("struct_ops/run")
int BPF_PROG(run, struct evos_worker *w)
{
	/* > 0: did work, call again; 0: idle, sleep until pushed to. */
	return evos_worker_resume_batch(w, 64);
}

/* evosctl workers start/set change nr_workers and cpus before loading. */
SEC(".struct_ops.link")
struct evos_worker_ops evos_workers = {
	.run = (void *)run,
	.nr_workers = 2,
	.batch = 64,
	.idle_timeout_ms = 0,
	.cpus = 0,
	.name = "evos",
};
