/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * EvOS workers: the BPF-side declarations of the worker kfuncs.
 *
 * A pool of workers is a struct_ops, evos_worker_ops (vmlinux.h declares
 * it and struct evos_worker).  See Documentation/bpf/evos-workers.rst.
 */
#ifndef __EVOS_WORKER_H
#define __EVOS_WORKER_H

#include "evos_coro.h"

/*
 * Hand a coroutine to worker @worker (modulo the number of workers);
 * consumes @h.  Callable from XDP (typically in queue_fn), SYSCALL and
 * worker programs.  Returns 0, or -ENOENT (no pool) or -ESHUTDOWN (that
 * worker stopped), in which case the coroutine was destroyed and counted.
 */
extern int bpf_coro_queue_push(__u32 worker, struct bpf_coro *h) __ksym;

/*
 * The oldest coroutine queued on @w, owned by the caller, or NULL when the
 * queue is empty or this call of run already took its batch.  Worker
 * programs only.
 */
extern struct bpf_coro *bpf_coro_queue_pop(struct evos_worker *w) __ksym;

/* Make worker @worker (modulo the pool size) call run again.  0, or -ENOENT. */
extern int bpf_evos_worker_wake(__u32 worker) __ksym;

/* Index of @w in its pool.  Worker programs only. */
extern __u32 bpf_evos_worker_id(struct evos_worker *w) __ksym;

/* Number of workers in the pool; 0 when none is registered. */
extern __u32 bpf_evos_nr_workers(void) __ksym;

/*
 * For schedulers: coroutines queued on the worker that @p runs, or
 * -ENOENT if @p is not a worker of the registered pool.
 */
extern __s32 bpf_evos_task_worker_depth(struct task_struct *p) __ksym;

/**
 * evos_worker_resume_batch() - pop and resume up to @max coroutines
 * @w: the worker, as passed to run
 * @max: at most this many (the pool's batch also bounds the pops)
 *
 * The body of a simple run: returns the number resumed, which is what run
 * returns (0 when idle).
 */
static __always_inline int evos_worker_resume_batch(struct evos_worker *w, int max)
{
	struct bpf_coro *h;
	int n;

	for (n = 0; n < max && n < 256; n++) {
		h = bpf_coro_queue_pop(w);
		if (!h)
			break;
		bpf_coro_resume(h);
	}
	return n;
}

#endif /* __EVOS_WORKER_H */
