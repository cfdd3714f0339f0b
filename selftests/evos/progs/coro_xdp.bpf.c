// SPDX-License-Identifier: GPL-2.0
/*
 * XDP coroutines for coro_xdp: UDP packets to the test port await, and
 * queue_fn stashes each handle where the test asks (an array map, a hash
 * map, an LRU hash map, an inner map of a map-in-map, a BPF linked list or
 * an rbtree).  SYSCALL programs then resume them all, on whatever CPU they
 * run, or destroy them; a perf_event program can delete the hash map's
 * elements from hard interrupt context.  A resumed run re-derives its
 * packet pointers, checks what it computed before the await, and returns
 * the verdict the test asks for.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpf_experimental.h"

#include "evos_coro.h"
#include "coro_slots.h"
#include "evos_parse.h"
#include "../pkt_payload_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_SLOTS 16384
/* Far fewer than the packets of a test: updates evict. */
#define LRU_SLOTS 64
/* rbtree keys are the arrival numbers multiplied by this, modulo nr_packets. */
#define RB_KEY_MUL 7919
/* Hash elements the perf_event program deletes per run. */
#define IRQ_BATCH 8
#define ESRCH 3
#define EBUSY 16

/* Where queue_fn puts the handle (rodata, set before load). */
enum stash { STASH_ARRAY, STASH_HASH, STASH_INNER, STASH_LIST, STASH_RBTREE,
	     STASH_LRU };
/* What the resumed run returns (bss, may change between runs). */
enum verdict { V_PASS, V_DROP, V_TX, V_DEVMAP, V_CPUMAP, V_XSK };

CORO_SLOTS(NR_SLOTS);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} hslots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LRU_SLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} lslots SEC(".maps");

CORO_INNER_SLOTS(NR_SLOTS);

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct list_coro {
	struct bpf_list_node node;
	struct bpf_coro __kptr *h;
};

struct rb_coro {
	struct bpf_rb_node node;
	__u64 key;
	struct bpf_coro __kptr *h;
};

#define private(name) SEC(".data." #name) __hidden __attribute__((aligned(8)))
private(L) struct bpf_spin_lock list_lock;
private(L) struct bpf_list_head list __contains(list_coro, node);
private(R) struct bpf_spin_lock rb_lock;
private(R) struct bpf_rb_root rb __contains(rb_coro, node);

const volatile __u16 port = 9000;
const volatile __u32 stash = STASH_ARRAY;
/* The number of packets the test sends (the rbtree keys' modulus). */
const volatile __u32 nr_packets = 1;
__u32 verdict = V_PASS;

__u32 next_slot;
__u64 parked, overflow, await_failed, stash_failed;
__u64 locals_ok, locals_bad, cross_cpu, same_cpu;
__u64 resumed, resumed_pass, resumed_verdict, resumed_empty, resumed_other;
__u64 out_of_order, dropped_nodes, reflected;
/* rbtree: keys inserted below the previous one; resumes of the wrong packet. */
__u64 rb_descents, rb_wrong;
__u64 rb_last_key;
/* The arrival number of the packet whose run was resumed last. */
__u32 resumed_slot;
/* perf_event: next key of hslots to delete, and the end of the range. */
__u32 irq_next, irq_end;
__u64 irq_runs, irq_deleted, irq_missing, irq_busy;

static void slot_put(struct slot *s, struct bpf_coro *h)
{
	h = bpf_kptr_xchg(&s->h, h);
	if (h) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&overflow, 1);
	}
}

/* The rbtree key of the packet that arrived @slot-th: a permutation. */
static __u64 rb_key(__u32 slot)
{
	return nr_packets ? (__u64)slot * RB_KEY_MUL % nr_packets : slot;
}

static bool rb_less(struct bpf_rb_node *a, const struct bpf_rb_node *b)
{
	struct rb_coro *x = container_of(a, struct rb_coro, node);
	struct rb_coro *y = container_of(b, struct rb_coro, node);

	return x->key < y->key;
}

static int park_node(struct bpf_coro *h, __u64 key)
{
	if (stash == STASH_LIST) {
		struct list_coro *n = bpf_obj_new(typeof(*n));

		if (!n)
			goto fail;
		h = bpf_kptr_xchg(&n->h, h);
		if (h)
			bpf_coro_release(h);
		bpf_spin_lock(&list_lock);
		bpf_list_push_back(&list, &n->node);
		bpf_spin_unlock(&list_lock);
	} else {
		struct rb_coro *n = bpf_obj_new(typeof(*n));

		if (!n)
			goto fail;
		n->key = rb_key(key);
		if (n->key < rb_last_key)
			rb_descents++;
		rb_last_key = n->key;
		h = bpf_kptr_xchg(&n->h, h);
		if (h)
			bpf_coro_release(h);
		bpf_spin_lock(&rb_lock);
		bpf_rbtree_add(&rb, &n->node, rb_less);
		bpf_spin_unlock(&rb_lock);
	}
	return 0;
fail:
	bpf_coro_release(h);
	__sync_fetch_and_add(&stash_failed, 1);
	return 0;
}

/* queue_fn: receives the only reference to the coroutine. */
static int park(struct bpf_coro *h, __u64 cookie)
{
	struct slot zero = {}, *s = NULL;
	__u32 key = cookie;
	void *inner;

	__sync_fetch_and_add(&parked, 1);
	if (stash == STASH_LIST || stash == STASH_RBTREE)
		return park_node(h, cookie);

	if (stash == STASH_HASH) {
		bpf_map_update_elem(&hslots, &key, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&hslots, &key);
	} else if (stash == STASH_LRU) {
		/* Evicts the least recently used element, and its handle. */
		bpf_map_update_elem(&lslots, &key, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&lslots, &key);
	} else if (stash == STASH_INNER) {
		__u32 idx = 0;

		inner = bpf_map_lookup_elem(&outer, &idx);
		if (inner)
			s = bpf_map_lookup_elem(inner, &key);
	} else {
		s = bpf_map_lookup_elem(&slots, &key);
	}
	if (!s) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&stash_failed, 1);
		return 0;
	}
	slot_put(s, h);
	return 0;
}

SEC("xdp")
int xdp_await(struct xdp_md *ctx)
{
	struct pkt_payload *p;
	__u16 sport, sport2;
	__u64 seq;
	__u32 cpu, slot;

	p = pkt_payload_xdp(ctx, port, &sport);
	if (!p)
		return XDP_PASS;
	seq = p->seq;
	cpu = bpf_get_smp_processor_id();
	slot = __sync_fetch_and_add(&next_slot, 1) % NR_SLOTS;

	if (bpf_coro_await(ctx, park, slot) < 0) {
		__sync_fetch_and_add(&await_failed, 1);
		return XDP_PASS;
	}

	/* Resumed: packet pointers must be derived again from ctx. */
	resumed_slot = slot;
	p = pkt_payload_xdp(ctx, port, &sport2);
	if (p && p->seq == seq && sport2 == sport)
		__sync_fetch_and_add(&locals_ok, 1);
	else
		__sync_fetch_and_add(&locals_bad, 1);
	if (bpf_get_smp_processor_id() != cpu)
		__sync_fetch_and_add(&cross_cpu, 1);
	else
		__sync_fetch_and_add(&same_cpu, 1);

	switch (verdict) {
	case V_DROP:
		return XDP_DROP;
	case V_TX:
		evos_reflect_udp4(ctx);
		return XDP_TX;
	case V_DEVMAP:
		evos_reflect_udp4(ctx);
		return bpf_redirect_map(&devs, 0, XDP_DROP);
	case V_CPUMAP:
		return bpf_redirect_map(&cpus, 0, XDP_DROP);
	case V_XSK:
		/* The socket of the queue the packet arrived on. */
		return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_DROP);
	default:
		return XDP_PASS;
	}
}

TAIL_CALL_SLOT(jmp);

/*
 * Attached in place of xdp_await when the test unloads xdp_await while
 * the device keeps running XDP: it tail-calls whatever is in jmp[0].
 */
SEC("xdp")
int xdp_entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp, 0);
	return XDP_PASS;
}

/*
 * A cpumap program that tail-calls whatever is in cpu_jmp[0]: the kernel
 * must not let an awaiting XDP program (attach type BPF_XDP) into that
 * array.  Loaded only by the test that tries.
 */
TAIL_CALL_SLOT(cpu_jmp);

SEC("xdp/cpumap")
int cpumap_entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &cpu_jmp, 0);
	return XDP_PASS;
}

#include "xdp_peer.h"

static void account(int ret)
{
	resumed++;
	if (ret == -ESRCH)
		resumed_empty++;
	else if (ret == XDP_PASS)
		resumed_pass++;
	else if (ret >= 0)
		resumed_verdict++;
	else
		resumed_other++;
}

static struct slot *slot_of(__u32 i)
{
	void *inner;
	__u32 idx = 0;

	if (stash == STASH_HASH)
		return bpf_map_lookup_elem(&hslots, &i);
	if (stash == STASH_INNER) {
		inner = bpf_map_lookup_elem(&outer, &idx);
		return inner ? bpf_map_lookup_elem(inner, &i) : NULL;
	}
	return bpf_map_lookup_elem(&slots, &i);
}

static int resume_one(__u32 i, void *data)
{
	struct bpf_coro *h;
	struct slot *s;

	s = slot_of(i);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (stash == STASH_HASH)
		bpf_map_delete_elem(&hslots, &i);
	if (h)
		account(bpf_coro_resume(h));
	return 0;
}

/* Resume every handle stashed in a map slot (array, hash or inner map). */
SEC("syscall")
int resume_all(void *ctx)
{
	bpf_loop(NR_SLOTS, resume_one, NULL, 0);
	return 0;
}

static int release_one(__u32 i, void *data)
{
	struct bpf_coro *h;
	struct slot *s;

	s = slot_of(i);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (h)
		bpf_coro_release(h);
	return 0;
}

SEC("syscall")
int release_all(void *ctx)
{
	bpf_loop(NR_SLOTS, release_one, NULL, 0);
	return 0;
}

/* Pop one node of the list; resume its coroutine, or just drop the node. */
static int list_one(__u32 i, void *data)
{
	bool drop = *(bool *)data;
	struct bpf_list_node *ln;
	struct list_coro *n;
	struct bpf_coro *h;

	bpf_spin_lock(&list_lock);
	ln = bpf_list_pop_front(&list);
	bpf_spin_unlock(&list_lock);
	if (!ln)
		return 1;
	n = container_of(ln, struct list_coro, node);
	if (drop) {
		/* The handle dies with the node: the kptr's destructor. */
		bpf_obj_drop(n);
		dropped_nodes++;
		return 0;
	}
	h = bpf_kptr_xchg(&n->h, NULL);
	bpf_obj_drop(n);
	if (h)
		account(bpf_coro_resume(h));
	return 0;
}

SEC("syscall")
int resume_list(void *ctx)
{
	bool drop = false;

	bpf_loop(NR_SLOTS, list_one, &drop, 0);
	return 0;
}

SEC("syscall")
int drop_list(void *ctx)
{
	bool drop = true;

	bpf_loop(NR_SLOTS, list_one, &drop, 0);
	return 0;
}

/*
 * Take the smallest key out of the rbtree and resume it, in key order; the
 * run resumed must be that of the packet the key was made for.
 */
static int rb_one(__u32 i, void *data)
{
	__u64 *last = data;
	struct bpf_rb_node *rn;
	struct rb_coro *n;
	struct bpf_coro *h;
	__u64 key;

	bpf_spin_lock(&rb_lock);
	rn = bpf_rbtree_first(&rb);
	if (!rn) {
		bpf_spin_unlock(&rb_lock);
		return 1;
	}
	rn = bpf_rbtree_remove(&rb, rn);
	bpf_spin_unlock(&rb_lock);
	if (!rn)
		return 1;
	n = container_of(rn, struct rb_coro, node);
	key = n->key;
	if (key + 1 < *last)
		out_of_order++;
	*last = key + 1;
	h = bpf_kptr_xchg(&n->h, NULL);
	bpf_obj_drop(n);
	if (!h)
		return 0;
	resumed_slot = ~0U;
	account(bpf_coro_resume(h));
	if (resumed_slot == ~0U || rb_key(resumed_slot) != key)
		rb_wrong++;
	return 0;
}

SEC("syscall")
int resume_rbtree(void *ctx)
{
	__u64 last = 0;

	bpf_loop(NR_SLOTS, rb_one, &last, 0);
	return 0;
}

static int irq_delete_one(__u32 i, void *data)
{
	__u32 key = irq_next;
	long err;

	if (key >= irq_end)
		return 1;
	err = bpf_map_delete_elem(&hslots, &key);
	if (err == -EBUSY) {
		/* The bucket is locked on this CPU: again on the next run. */
		irq_busy++;
		return 1;
	}
	if (err)
		irq_missing++;
	else
		irq_deleted++;
	irq_next = key + 1;
	return 0;
}

/*
 * Attached to a cpu-clock event of one CPU: runs in hard interrupt
 * context, from the event's hrtimer.  Deletes the next IRQ_BATCH elements
 * of hslots, so that the handles' destructor runs in hard interrupt
 * context too.
 */
SEC("perf_event")
int irq_delete(struct bpf_perf_event_data *ctx)
{
	irq_runs++;
	bpf_loop(IRQ_BATCH, irq_delete_one, NULL, 0);
	return 0;
}
