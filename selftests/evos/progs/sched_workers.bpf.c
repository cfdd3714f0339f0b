// SPDX-License-Identifier: GPL-2.0
/*
 * Workers of test_scx_evos: they resume what is pushed to them.  With
 * ctl[0] 1 they also keep calling run (return 1), so that they use all
 * the CPU the scheduler gives them; with 2 they resume nothing, so that
 * their queues grow.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "evos_worker.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ctl SEC(".maps");

SEC("struct_ops/run")
int BPF_PROG(run, struct evos_worker *w)
{
	__u32 key = 0, *mode = bpf_map_lookup_elem(&ctl, &key);
	int n;

	if (mode && *mode == 2)
		return 0;
	n = evos_worker_resume_batch(w, 64);
	return mode && *mode == 1 ? 1 : n;
}

SEC(".struct_ops.link")
struct evos_worker_ops sched_workers = {
	.run = (void *)run,
	.nr_workers = 2,
	.batch = 64,
	.cpus = 0x3,
	.name = "sched",
};
