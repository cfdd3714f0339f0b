/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BPF coroutines: the BPF-side declarations of the EvOS kfuncs.
 *
 * See Documentation/bpf/evos-coroutines.rst for the model and the rules the
 * verifier enforces.
 */
#ifndef __EVOS_CORO_H
#define __EVOS_CORO_H

/* struct bpf_coro is opaque; vmlinux.h declares it. */

/*
 * Suspend the running program.  @queue_fn receives the only reference to
 * the coroutine once the suspension took full effect, and must stash it
 * (bpf_kptr_xchg()) or release it, and return 0.
 *
 * Returns 0 in the resumed run, or a negative errno in the original run
 * when no coroutine could be made (the program goes on in place).
 */
extern long bpf_coro_await(void *ctx,
			   int (*queue_fn)(struct bpf_coro *h, __u64 cookie),
			   __u64 cookie) __ksym;

/*
 * Run a coroutine on this CPU until it completes or awaits again; consumes
 * @h.  Returns the program's return value (XDP verdict) on completion,
 * -EINPROGRESS when it suspended again, -ESRCH when it had been destroyed.
 */
extern int bpf_coro_resume(struct bpf_coro *h) __ksym;

/* Destroy a coroutine without running it; consumes @h. */
extern void bpf_coro_release(struct bpf_coro *h) __ksym;

#endif /* __EVOS_CORO_H */
