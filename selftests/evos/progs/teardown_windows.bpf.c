// SPDX-License-Identifier: GPL-2.0
/*
 * Teardown in the middle of a coroutine's life, at one chosen point each
 * time: see teardown_windows.c.
 *
 * xdp_entry, attached to b0, tail-calls xdp_await through "jmp", so that
 * user space can drop xdp_await's last reference at any moment by
 * deleting it from "jmp".  A window is a spin on CPU 0 at a chosen point
 * (a tracing program, or xdp_await's own continuation) that lasts until
 * user space on CPU 1 has done its part of the interleaving and sets
 * "go", or for at most 5 s (the window was then not held, which the test
 * reports).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#include "evos_coro.h"
#include "evos_parse.h"
#include "coro_slots.h"

char LICENSE[] SEC("license") = "GPL";

/* Where a window opens; user space arms one at a time. */
enum window {
	WINDOW_NONE,
	WINDOW_PARK,		/* xdp_do_redirect_frame(), before the packet is parked */
	WINDOW_RUN,		/* xdp_await's resumed run */
	WINDOW_TEARDOWN,	/* xdp_return_frame() inside a teardown */
};

__u32 armed;			/* enum window; taken by the first to get there */
__u32 in_window;		/* the spin began */
__u32 go;			/* user space is done: leave the window */
__u32 held;			/* the spin saw go before its budget ran out */
__u32 window_done;
__u64 window_ns;		/* how long the spin lasted */

__u64 published, await_failed, completed;
__s64 resume_ret;

CORO_SLOTS(1);

TAIL_CALL_SLOT(jmp);

/*
 * The page_pools created while "watch_pools" is set (a live-frames test
 * run's), and what each had in flight when last released.
 */
struct pool_seen {
	__s64 inflight;		/* -1 until the pool is released */
	__u32 hold, release;	/* pages handed out and given back */
};

__u32 watch_pools;
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);
	__type(value, struct pool_seen);
} pools SEC(".maps");

#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))

/* The longest a window stays open without "go". */
#define WINDOW_NS (5ULL * 1000 * 1000 * 1000)

static long wait_go(__u64 i, void *data)
{
	__u64 *t0 = data;

	return READ_ONCE(go) || bpf_ktime_get_ns() - *t0 > WINDOW_NS;
}

/* Spin in window @w if it is the one armed. */
static void window(enum window w)
{
	__u64 t0;
	int i;

	if (__sync_val_compare_and_swap(&armed, w, WINDOW_NONE) != w)
		return;
	t0 = bpf_ktime_get_ns();
	in_window = 1;
	/* Each bpf_loop() runs at most 1 << 23 times. */
	for (i = 0; i < 64 && !READ_ONCE(go) && bpf_ktime_get_ns() - t0 <= WINDOW_NS; i++)
		bpf_loop(1 << 23, wait_go, &t0, 0);
	held = READ_ONCE(go);
	window_ns = bpf_ktime_get_ns() - t0;
	window_done = 1;
}

static int stash(struct bpf_coro *h, __u64 key)
{
	__sync_fetch_and_add(&published, 1);
	coro_slot_stash(&slots, h, 0);
	return 0;
}

SEC("xdp")
int xdp_await(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);

	if (!udp || udp->dest != bpf_htons(9000))
		return XDP_PASS;
	if (bpf_coro_await(ctx, stash, 0) < 0) {
		__sync_fetch_and_add(&await_failed, 1);
		return XDP_DROP;
	}
	window(WINDOW_RUN);
	__sync_fetch_and_add(&completed, 1);
	return XDP_DROP;
}

/*
 * Not a constant: the JIT then emits no direct jump for the tail call,
 * whose removal from "jmp" would wait for an RCU grace period (that is,
 * for CPU 0 to leave its window).
 */
volatile __u32 jmp_key;

SEC("xdp")
int xdp_entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp, jmp_key);
	return XDP_PASS;
}

SEC("fentry/xdp_do_redirect_frame")
int BPF_PROG(park_window, struct net_device *dev, struct xdp_buff *xdp,
	     struct xdp_frame *xdpf, struct bpf_prog *prog)
{
	window(WINDOW_PARK);
	return 0;
}

SEC("fentry/xdp_return_frame")
int BPF_PROG(teardown_window, struct xdp_frame *xdpf)
{
	window(WINDOW_TEARDOWN);
	return 0;
}

SEC("fexit/page_pool_create")
int BPF_PROG(pool_created, const struct page_pool_params *params,
	     struct page_pool *pool)
{
	struct pool_seen seen = { .inflight = -1 };
	__u64 key = (__u64)pool;

	if (watch_pools && pool)
		bpf_map_update_elem(&pools, &key, &seen, BPF_NOEXIST);
	return 0;
}

SEC("tp_btf/page_pool_release")
int BPF_PROG(pool_released, const struct page_pool *pool, s32 inflight,
	     u32 hold, u32 release)
{
	__u64 key = (__u64)pool;
	struct pool_seen *seen;

	seen = bpf_map_lookup_elem(&pools, &key);
	if (seen) {
		seen->inflight = inflight;
		seen->hold = hold;
		seen->release = release;
	}
	return 0;
}

/* Resume the stashed coroutine; its run may open WINDOW_RUN. */
SEC("syscall")
int resume(void *ctx)
{
	struct bpf_coro *h = coro_slot_take(&slots, 0);

	if (!h)
		return -1;
	resume_ret = bpf_coro_resume(h);
	return 0;
}

/* Release the stashed coroutine without running it. */
SEC("syscall")
int release(void *ctx)
{
	struct bpf_coro *h = coro_slot_take(&slots, 0);

	if (!h)
		return -1;
	bpf_coro_release(h);
	return 0;
}
