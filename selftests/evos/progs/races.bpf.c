// SPDX-License-Identifier: GPL-2.0
/*
 * Programs of test_races (see races.c): teardown racing the owners of
 * coroutine handles, worker pools changing under pushes, and pool
 * registrations racing each other.
 *
 * xdp_await: each test datagram awaits at XDP (its queue_fn stashes the
 * handle in an array slot, or first in the inner map of "outer"), and awaits
 * again each of the first NR_AWAITS - 1 times it is resumed, with some
 * work before each await: a resumed run is long, and a resumer is nearly
 * always inside one.  It ends with XDP_DROP.  xdp_entry tail-calls it, so
 * that it can be freed, or its device deleted, without being attached.
 *
 * own_pass: a SYSCALL program, the handles' owner, takes every handle out
 * of the slots and resumes it, releases it, or moves it into a hash map
 * element that it deletes at once (the kptr destructor), by slot: a
 * coroutine that is resumed is resumed again after each await, to its end.
 *
 * xdp_push and the pools p1, p2, p3: datagrams await and are pushed to
 * worker flow % workers; the workers resume them, every 5 ms, and they go
 * up the stack.  The pool "paced" is the same with two workers, for
 * evosctl to start.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "evos_coro.h"
#include "evos_worker.h"
#include "evos_parse.h"
#include "coro_slots.h"
#include "../pkt_payload_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define ESRCH		3
#define EINPROGRESS	115

#define NR_SLOTS	64
/* Awaits per coroutine: the first, then one per resume but the last. */
#define NR_AWAITS	4
/* In a cookie: a re-suspension, not the coroutine's first. */
#define AGAIN		(1ULL << 32)
#define MAX_WORKERS	64

/* What own_pass does with a handle. */
enum op { OP_RESUME, OP_RELEASE, OP_TRASH, NR_OPS };

CORO_SLOTS(NR_SLOTS);

/* With use_inner, the slots are the map at index 0, which the test frees. */
CORO_INNER_SLOTS(NR_SLOTS);

/* own_pass deletes handles from here: the destructor destroys them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} trash SEC(".maps");

TAIL_CALL_SLOT(jmp);

const volatile __u16 port = 9000;
/* bpf_loop iterations of work before each await again. */
__u32 spin_loops = 20000;

__u32 use_inner;
/*
 * Always 0, but not a constant to the verifier: xdp_entry's tail call
 * stays indirect, and updating jmp patches no code.
 */
__u32 jmp_key;
__u32 next_slot;
/*
 * What own_pass does with the handle of slot i: op (i + op_base) % NR_OPS,
 * the same for every handle of a coroutine; with force_op, op force_op - 1.
 */
__u32 op_base, force_op;

/* xdp_await and xdp_entry */
__u64 seen, untaken, await_failed, reawait_failed, completed;
__u64 published, first_published, overflow, stash_failed;
/* own_pass */
__u64 passes, in_pass, taken, released, trashed, trash_failed;
__u64 res_done, res_again, res_empty, res_other;

static struct slot *slot_of(__u32 i)
{
	__u32 zero = 0;
	void *inner;

	if (!use_inner)
		return bpf_map_lookup_elem(&slots, &i);
	inner = bpf_map_lookup_elem(&outer, &zero);
	return inner ? bpf_map_lookup_elem(inner, &i) : NULL;
}

/*
 * queue_fn of xdp_await: the handle goes into its slot; with use_inner, a
 * coroutine's first handle into the inner map, the later ones into
 * "slots", where the owner still finds them once the inner map is gone.
 */
static int stash(struct bpf_coro *h, __u64 cookie)
{
	__u32 key = cookie & (NR_SLOTS - 1);
	struct slot *s;

	if (cookie & AGAIN)
		s = bpf_map_lookup_elem(&slots, &key);
	else
		s = slot_of(key);
	if (!s) {
		/* The inner map is gone: nowhere to keep it. */
		bpf_coro_release(h);
		__sync_fetch_and_add(&stash_failed, 1);
		return 0;
	}
	__sync_fetch_and_add(&published, 1);
	if (!(cookie & AGAIN))
		__sync_fetch_and_add(&first_published, 1);
	h = bpf_kptr_xchg(&s->h, h);
	if (h) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&overflow, 1);
	}
	return 0;
}

static long spin(__u64 i, void *data)
{
	return 0;
}

/* Work, then await again; on failure the run ends here. */
#define AWAIT_AGAIN(ctx, slot)						\
	do {								\
		bpf_loop(spin_loops, spin, NULL, 0);			\
		if (bpf_coro_await(ctx, stash, (slot) | AGAIN) < 0) {	\
			__sync_fetch_and_add(&reawait_failed, 1);	\
			goto done;					\
		}							\
	} while (0)

SEC("xdp")
int xdp_await(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);
	__u64 slot;

	if (!udp || udp->dest != bpf_htons(port))
		return XDP_PASS;
	__sync_fetch_and_add(&seen, 1);
	slot = __sync_fetch_and_add(&next_slot, 1) % NR_SLOTS;
	if (bpf_coro_await(ctx, stash, slot) < 0) {
		__sync_fetch_and_add(&await_failed, 1);
		return XDP_DROP;
	}
	AWAIT_AGAIN(ctx, slot);
	AWAIT_AGAIN(ctx, slot);
	AWAIT_AGAIN(ctx, slot);
done:
	__sync_fetch_and_add(&completed, 1);
	return XDP_DROP;
}

SEC("xdp")
int xdp_entry(struct xdp_md *ctx)
{
	struct udphdr *udp;

	bpf_tail_call(ctx, &jmp, jmp_key);
	udp = evos_parse_udp4(ctx);
	if (udp && udp->dest == bpf_htons(port)) {
		__sync_fetch_and_add(&untaken, 1);
		return XDP_DROP;
	}
	return XDP_PASS;
}

/* Destroy @h through the kptr destructor: a hash element that is deleted. */
static __always_inline void trash_delete(__u32 i, struct bpf_coro *h)
{
	struct slot zero = {}, *t;

	bpf_map_update_elem(&trash, &i, &zero, BPF_NOEXIST);
	t = bpf_map_lookup_elem(&trash, &i);
	if (!t) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&trash_failed, 1);
		return;
	}
	h = bpf_kptr_xchg(&t->h, h);
	if (h) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&trash_failed, 1);
	}
	bpf_map_delete_elem(&trash, &i);
	__sync_fetch_and_add(&trashed, 1);
}

static __always_inline void own_slot(struct slot *s, __u32 i)
{
	struct bpf_coro *h;
	__u32 op;
	int ret;

	if (!s)
		return;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return;
	__sync_fetch_and_add(&taken, 1);
	op = force_op ? force_op - 1 : (i + op_base) % NR_OPS;
	if (op == OP_RESUME) {
		ret = bpf_coro_resume(h);
		if (ret == -EINPROGRESS)
			__sync_fetch_and_add(&res_again, 1);
		else if (ret == -ESRCH)
			__sync_fetch_and_add(&res_empty, 1);
		else if (ret == XDP_DROP)
			__sync_fetch_and_add(&res_done, 1);
		else
			__sync_fetch_and_add(&res_other, 1);
	} else if (op == OP_RELEASE) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&released, 1);
	} else {
		trash_delete(i, h);
	}
}

static int own_one(__u32 i, void *data)
{
	__u32 zero = 0;
	void *inner;

	if (use_inner) {
		inner = bpf_map_lookup_elem(&outer, &zero);
		if (inner)
			own_slot(bpf_map_lookup_elem(inner, &i), i);
	}
	own_slot(bpf_map_lookup_elem(&slots, &i), i);
	return 0;
}

/* One pass over the slots; in_pass is 1 while it runs. */
SEC("syscall")
int own_pass(void *ctx)
{
	__sync_fetch_and_add(&passes, 1);
	in_pass = 1;
	bpf_loop(NR_SLOTS, own_one, NULL, 0);
	in_pass = 0;
	return 0;
}

/* Worker pools under traffic. */
__u64 w_seen, w_inline, w_failed, w_pushed, w_push_failed, w_resumed;
__u64 w_popped[MAX_WORKERS];

static int to_worker(struct bpf_coro *h, __u64 worker)
{
	if (bpf_coro_queue_push(worker, h))
		__sync_fetch_and_add(&w_push_failed, 1);
	else
		__sync_fetch_and_add(&w_pushed, 1);
	return 0;
}

SEC("xdp")
int xdp_push(struct xdp_md *ctx)
{
	struct pkt_payload *p = pkt_payload_xdp(ctx, port, NULL);
	__u32 nr;

	if (!p)
		return XDP_PASS;
	__sync_fetch_and_add(&w_seen, 1);
	nr = bpf_evos_nr_workers();
	if (!nr) {
		__sync_fetch_and_add(&w_inline, 1);
		return XDP_PASS;
	}
	/* The pool may change before queue_fn runs: the push takes it modulo. */
	if (bpf_coro_await(ctx, to_worker, p->flow % nr) < 0) {
		__sync_fetch_and_add(&w_failed, 1);
		return XDP_PASS;
	}
	__sync_fetch_and_add(&w_resumed, 1);
	return XDP_PASS;
}

/*
 * Workers that let coroutines queue: each resumes what is queued on it at
 * most every PACE_MS, and sleeps in between however often it is pushed
 * to; so a pool change or an XDP detach finds coroutines queued.
 */
#define PACE_MS		5
__u64 paced_last[MAX_WORKERS];

SEC("struct_ops/run")
int BPF_PROG(run, struct evos_worker *w)
{
	__u32 id = bpf_evos_worker_id(w) & (MAX_WORKERS - 1);
	__u64 now = bpf_ktime_get_ns();
	int n;

	if (now - paced_last[id] < PACE_MS * 1000000ULL)
		return 0;
	paced_last[id] = now;
	n = evos_worker_resume_batch(w, 256);
	w_popped[id] += n;
	return n;
}

/* A pool of @nr workers on the CPUs of @cpumask, paced by run. */
#define PACED_POOL(pool, nr, cpumask)					\
	SEC(".struct_ops.link")						\
	struct evos_worker_ops pool = {					\
		.run = (void *)run,					\
		.nr_workers = nr,					\
		.batch = 256,						\
		.idle_timeout_ms = PACE_MS,				\
		.cpus = cpumask,					\
		.name = #pool,						\
	}

/* First of the object's pools, so that "evosctl workers start" takes it. */
PACED_POOL(paced, 2, 0x3);
PACED_POOL(p1, 1, 0x1);
PACED_POOL(p2, 2, 0x3);
PACED_POOL(p3, 3, 0x3);
