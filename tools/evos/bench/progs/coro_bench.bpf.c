// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the await round-trip benchmark (coro_bench.c).  Both XDP
 * programs do the same work on each packet and drop it; xdp_await awaits
 * in between, its queue_fn stashing the handle in an array slot, and
 * resume_all resumes every stashed handle.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "evos_coro.h"
#include "coro_slots.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_SLOTS 65536

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

__u32 next_slot;
__u64 parked, completed, failed;

static __always_inline __u64 work(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data + ctx->rx_queue_index;
}

SEC("xdp")
int xdp_inline(struct xdp_md *ctx)
{
	__u64 v = work(ctx);

	completed += v != 0;
	return XDP_DROP;
}

static int stash(struct bpf_coro *h, __u64 cookie)
{
	coro_slot_stash(&slots, h, cookie);
	parked++;
	return 0;
}

SEC("xdp")
int xdp_await(struct xdp_md *ctx)
{
	__u64 v = work(ctx);
	__u32 slot = next_slot++ % NR_SLOTS;

	/* Computed before the await: packet pointers do not survive it. */
	asm volatile("" : "+r"(v));

	if (bpf_coro_await(ctx, stash, slot) < 0) {
		failed++;
		return XDP_DROP;
	}
	completed += v != 0;
	return XDP_DROP;
}

static int resume_one(__u32 i, void *data)
{
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &i);
	if (!s)
		return 1;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 1;	/* slots fill from 0: the first empty one ends */
	bpf_coro_resume(h);
	return 0;
}

SEC("syscall")
int resume_all(void *ctx)
{
	bpf_loop(NR_SLOTS, resume_one, NULL, 0);
	next_slot = 0;
	return 0;
}
