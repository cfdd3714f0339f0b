// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier rules of the worker kfuncs: the data path may push and wake;
 * only evos_worker_ops programs may pop or ask for their worker's id.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "evos_coro.h"
#include "evos_worker.h"
#include "evos_test.h"

char LICENSE[] SEC("license") = "GPL";

static int push(struct bpf_coro *h, __u64 worker)
{
	bpf_coro_queue_push(worker, h);
	return 0;
}

SEC("xdp") __success
int push_in_xdp(struct xdp_md *ctx)
{
	__u32 nr = bpf_evos_nr_workers();

	if (!nr || bpf_coro_await(ctx, push, 0) < 0)
		return XDP_PASS;
	return XDP_DROP;
}

SEC("syscall") __success
int wake_in_syscall(void *ctx)
{
	return bpf_evos_worker_wake(0);
}

SEC("xdp") __failure
__msg("calling kernel function bpf_coro_queue_pop is not allowed")
int pop_in_xdp(struct xdp_md *ctx)
{
	struct bpf_coro *h = bpf_coro_queue_pop((void *)0);

	if (h)
		bpf_coro_release(h);
	return XDP_PASS;
}

SEC("syscall") __failure
__msg("calling kernel function bpf_evos_worker_id is not allowed")
int worker_id_in_syscall(void *ctx)
{
	return bpf_evos_worker_id((void *)0);
}

SEC("tc") __failure
__msg("calling kernel function bpf_evos_nr_workers is not allowed")
int nr_workers_in_tc(struct __sk_buff *ctx)
{
	return bpf_evos_nr_workers();
}
