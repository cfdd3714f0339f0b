// SPDX-License-Identifier: GPL-2.0
/*
 * Workers for test_workers: XDP on b0 awaits each test datagram and its
 * queue_fn pushes the coroutine to worker (flow % workers); the workers'
 * run pops a batch and resumes them; the resumed run records the CPU it
 * runs on for its flow, reflects the datagram and redirects it through a
 * devmap back out of b0 to the peer, where xdp_peer counts it; or it
 * redirects it to the AF_XDP socket of its rx queue.
 *
 * Also: a queue_fn that stashes the handle in a map slot, and a main body
 * that pushes what a slot holds (the push at XDP with no flush to follow);
 * xdp_burst, which sends live frames from the peer in bulks; and the pool
 * "holding", whose run never pops, for test_pipeline.sh.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "bpf_experimental.h"

#include "evos_coro.h"
#include "evos_worker.h"
#include "evos_parse.h"
#include "coro_slots.h"
#include "../pkt_payload_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_FLOWS	64
#define MAX_WORKERS	64

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

/* Or: queue_fn stashes the handle here, for a later packet to push. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slot);
} held SEC(".maps");

const volatile __u16 port = 9000;

__u32 to_xsk;			/* deliver to the AF_XDP socket of the rx queue */

/* Or: queue_fn puts the handle on a BPF list and wakes the worker. */
struct list_coro {
	struct bpf_list_node node;
	struct bpf_coro __kptr *h;
};

#define private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))
private(L) struct bpf_spin_lock list_lock;
private(L) struct bpf_list_head list __contains(list_coro, node);

/*
 * Or: queue_fn holds each coroutine in an rbtree until a deadline, and the
 * workers resume only those that are due: the policy decides *when*.
 */
struct rb_coro {
	struct bpf_rb_node node;
	__u64 deadline;
	struct bpf_coro __kptr *h;
};

private(R) struct bpf_spin_lock rb_lock;
private(R) struct bpf_rb_root rb __contains(rb_coro, node);

__u64 delay_ns;			/* when set: hold each datagram this long */
__u64 early;			/* resumed before their deadline */

__u32 via_list;
__u32 stash_in_slot;		/* queue_fn stashes the handle in held[0] */
__u32 push_from_slot;		/* the main body pushes held[0] to worker 0 */
__u64 stashed, kick_pushed, burst_tx;
/*
 * Flushes that published coroutines: queue_fn runs in xdp_do_flush(),
 * after the main bodies of the packets of that NAPI poll; a first queue_fn
 * call since more packets awaited starts a new flush (one producer CPU).
 */
__u64 awaited, awaited_seen, flushes;
__u64 push_spin_ns;		/* queue_fn spins this long after each push */
__u32 hold;			/* run pops nothing while set */
__u32 stop_worker = ~0U;	/* this worker's run returns -1 */
__u64 parked, push_failed, await_failed, reflected, resumed;
__u32 flow_cpu[NR_FLOWS];	/* CPU + 1 that resumed the flow's packets */
__u64 flow_cpu_mixed;		/* resumes of a flow on a second CPU */
__u64 runs[MAX_WORKERS], popped[MAX_WORKERS];

static int spin_cb(__u32 i, void *deadline)
{
	return bpf_ktime_get_ns() >= *(__u64 *)deadline;
}

static int to_worker(struct bpf_coro *h, __u64 worker)
{
	__u64 deadline;

	if (awaited_seen != awaited) {
		awaited_seen = awaited;
		flushes++;
	}
	if (bpf_coro_queue_push(worker, h) < 0)
		__sync_fetch_and_add(&push_failed, 1);
	else
		__sync_fetch_and_add(&parked, 1);
	/*
	 * Space the pushes of one flush out: a worker woken by a push would
	 * have the time to resume it and sleep again before the next one.
	 */
	if (push_spin_ns) {
		deadline = bpf_ktime_get_ns() + push_spin_ns;
		bpf_loop(1 << 23, spin_cb, &deadline, 0);
	}
	return 0;
}

static int to_slot(struct bpf_coro *h, __u64 worker)
{
	/* A handle already there is released: count it as dropped. */
	if (coro_slot_stash(&held, h, 0))
		__sync_fetch_and_add(&push_failed, 1);
	__sync_fetch_and_add(&stashed, 1);
	return 0;
}

/*
 * Push the coroutine stashed in held[0] to worker 0 from the main body of
 * an XDP program that then returns XDP_PASS: the driver's NAPI poll sees
 * no redirect and runs no xdp_do_flush() after it, so the push itself
 * must wake the worker.
 */
static __always_inline int push_held(void)
{
	struct bpf_coro *h;
	struct slot *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&held, &zero);
	if (!s)
		return XDP_PASS;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return XDP_PASS;
	if (bpf_coro_queue_push(0, h) < 0)
		__sync_fetch_and_add(&push_failed, 1);
	else
		__sync_fetch_and_add(&kick_pushed, 1);
	return XDP_PASS;
}

static int to_list(struct bpf_coro *h, __u64 worker)
{
	struct list_coro *n = bpf_obj_new(typeof(*n));

	if (!n) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&push_failed, 1);
		return 0;
	}
	h = bpf_kptr_xchg(&n->h, h);
	if (h)
		bpf_coro_release(h);
	bpf_spin_lock(&list_lock);
	bpf_list_push_back(&list, &n->node);
	bpf_spin_unlock(&list_lock);
	__sync_fetch_and_add(&parked, 1);
	bpf_evos_worker_wake(worker);
	return 0;
}

static bool rb_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct rb_coro *x = container_of(a, struct rb_coro, node);
	struct rb_coro *y = container_of(b, struct rb_coro, node);

	return x->deadline < y->deadline;
}

static int to_rbtree(struct bpf_coro *h, __u64 worker)
{
	struct rb_coro *n = bpf_obj_new(typeof(*n));

	if (!n) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&push_failed, 1);
		return 0;
	}
	n->deadline = bpf_ktime_get_ns() + delay_ns;
	h = bpf_kptr_xchg(&n->h, h);
	if (h)
		bpf_coro_release(h);
	bpf_spin_lock(&rb_lock);
	bpf_rbtree_add(&rb, &n->node, rb_less);
	bpf_spin_unlock(&rb_lock);
	__sync_fetch_and_add(&parked, 1);
	return 0;
}

SEC("xdp")
int xdp_to_worker(struct xdp_md *ctx)
{
	struct pkt_payload *p = pkt_payload_xdp(ctx, port, NULL);
	__u32 flow, nr, cpu, seen;
	__u64 arrived;
	long err;

	if (!p)
		return XDP_PASS;
	flow = p->flow % NR_FLOWS;
	if (push_from_slot)
		return push_held();
	nr = bpf_evos_nr_workers();
	if (!nr) {
		__sync_fetch_and_add(&await_failed, 1);
		return XDP_DROP;
	}

	arrived = bpf_ktime_get_ns();
	awaited++;
	if (delay_ns)
		err = bpf_coro_await(ctx, to_rbtree, flow % nr);
	else if (via_list)
		err = bpf_coro_await(ctx, to_list, flow % nr);
	else if (stash_in_slot)
		err = bpf_coro_await(ctx, to_slot, 0);
	else
		err = bpf_coro_await(ctx, to_worker, flow % nr);
	if (err < 0) {
		__sync_fetch_and_add(&await_failed, 1);
		return XDP_DROP;
	}

	/* Resumed by a worker. */
	__sync_fetch_and_add(&resumed, 1);
	if (delay_ns) {
		/* The timing is the point here: a burst of due packets would
		 * overflow the peer's veth ring, so they end here.
		 */
		if (bpf_ktime_get_ns() - arrived < delay_ns)
			__sync_fetch_and_add(&early, 1);
		return XDP_DROP;
	}
	cpu = bpf_get_smp_processor_id() + 1;
	seen = flow_cpu[flow & (NR_FLOWS - 1)];
	if (!seen)
		flow_cpu[flow & (NR_FLOWS - 1)] = cpu;
	else if (seen != cpu)
		__sync_fetch_and_add(&flow_cpu_mixed, 1);
	if (to_xsk)
		return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_DROP);
	evos_reflect_udp4(ctx);
	return bpf_redirect_map(&devs, 0, XDP_DROP);
}

#include "xdp_peer.h"

/*
 * Run on a0 with BPF_PROG_TEST_RUN and live frames: each frame goes out
 * of a0 to b0.  The frames of one batch of the test run are flushed to
 * b0's ring together, and b0's NAPI poll takes them in one go.  The test
 * run recycles its pages without writing the frame again, and a page may
 * come back from b0 reflected: give such a frame its ports back (b0's XDP
 * and xdp_peer look at nothing else).
 */
SEC("xdp")
int xdp_burst(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);
	__be16 p;

	if (udp && udp->source == bpf_htons(port)) {
		p = udp->source;
		udp->source = udp->dest;
		udp->dest = p;
	}
	__sync_fetch_and_add(&burst_tx, 1);
	return XDP_TX;
}

/* A worker may take coroutines from anywhere a handle can be stashed. */
static int resume_from_list(void)
{
	struct bpf_list_node *ln;
	struct list_coro *n;
	struct bpf_coro *h;
	int i, done = 0;

	for (i = 0; i < 64; i++) {
		bpf_spin_lock(&list_lock);
		ln = bpf_list_pop_front(&list);
		bpf_spin_unlock(&list_lock);
		if (!ln)
			break;
		n = container_of(ln, struct list_coro, node);
		h = bpf_kptr_xchg(&n->h, NULL);
		bpf_obj_drop(n);
		if (h) {
			bpf_coro_resume(h);
			done++;
		}
	}
	return done;
}

/* Resume the coroutines whose deadline has passed, oldest first. */
static int resume_due(void)
{
	struct bpf_rb_node *rn;
	struct rb_coro *n;
	struct bpf_coro *h;
	int i, done = 0;
	__u64 now;

	for (i = 0; i < 64; i++) {
		now = bpf_ktime_get_ns();	/* no calls under the lock */
		bpf_spin_lock(&rb_lock);
		rn = bpf_rbtree_first(&rb);
		if (!rn) {
			bpf_spin_unlock(&rb_lock);
			break;
		}
		n = container_of(rn, struct rb_coro, node);
		if (n->deadline > now) {
			bpf_spin_unlock(&rb_lock);
			break;
		}
		rn = bpf_rbtree_remove(&rb, rn);
		bpf_spin_unlock(&rb_lock);
		if (!rn)
			break;
		n = container_of(rn, struct rb_coro, node);
		h = bpf_kptr_xchg(&n->h, NULL);
		bpf_obj_drop(n);
		if (h) {
			bpf_coro_resume(h);
			done++;
		}
	}
	return done;
}

SEC("struct_ops/run")
int BPF_PROG(run, struct evos_worker *w)
{
	__u32 id = bpf_evos_worker_id(w) & (MAX_WORKERS - 1);
	int n;

	runs[id]++;
	if (id == stop_worker)
		return -1;
	if (hold)
		return 0;
	if (delay_ns)
		n = resume_due();
	else if (via_list)
		n = resume_from_list();
	else
		n = evos_worker_resume_batch(w, 64);
	popped[id] += n;
	return n;
}

/* Leaves every coroutine queued: only the pool's teardown takes them. */
SEC("struct_ops/run")
int BPF_PROG(run_hold, struct evos_worker *w)
{
	return 0;
}

/*
 * First of the object's evos_worker_ops maps, so that "evosctl workers
 * start" registers it: test_pipeline.sh detaches the pipeline while this
 * pool holds every coroutine the traffic parks.
 */
SEC(".struct_ops.link")
struct evos_worker_ops holding = {
	.run = (void *)run_hold,
	.nr_workers = 2,
	.batch = 64,
	.cpus = 0x3,
	.name = "holding",
};

/* One pool per configuration; the test moves the link between them. */
SEC(".struct_ops.link")
struct evos_worker_ops two = {
	.run = (void *)run,
	.nr_workers = 2,
	.batch = 32,
	.cpus = 0x3,
	.name = "two",
};

SEC(".struct_ops.link")
struct evos_worker_ops one = {
	.run = (void *)run,
	.nr_workers = 1,
	.batch = 32,
	.cpus = 0x1,
	.name = "one",
};

/* Idle workers look at the rbtree again every 5 ms. */
SEC(".struct_ops.link")
struct evos_worker_ops timed = {
	.run = (void *)run,
	.nr_workers = 2,
	.batch = 32,
	.idle_timeout_ms = 5,
	.cpus = 0x3,
	.name = "timed",
};

SEC(".struct_ops.link")
struct evos_worker_ops three = {
	.run = (void *)run,
	.nr_workers = 3,
	.batch = 32,
	.cpus = 0x3,
	.name = "three",
};

/* One worker, on CPU 1, asleep until something wakes it (no timeout). */
SEC(".struct_ops.link")
struct evos_worker_ops lone = {
	.run = (void *)run,
	.nr_workers = 1,
	.batch = 64,
	.idle_timeout_ms = 0,
	.cpus = 0x2,
	.name = "lone",
};

/* Wake worker stop_worker, so that its run sees the flag. */
SEC("syscall")
int wake_stop_worker(void *ctx)
{
	return bpf_evos_worker_wake(stop_worker);
}
