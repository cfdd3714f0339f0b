// SPDX-License-Identifier: GPL-2.0
/*
 * XDP detach while a SYSCALL program resumes: each datagram's coroutine
 * awaits again every time it is resumed, so a resumer on another CPU is
 * almost always in the middle of a run that is about to suspend again.
 * See detach_resumer.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "evos_coro.h"
#include "evos_parse.h"
#include "coro_slots.h"

char LICENSE[] SEC("license") = "GPL";

#define ESRCH 3
#define EINPROGRESS 115

#define NR_SLOTS 64
#define SPIN 50000
static long spin(__u64 i, void *data)
{
	return 0;
}

/*
 * An await point, then some work: each resumed run lasts long enough that
 * the resumer is nearly always inside one.
 */
#define AWAIT(ctx, slot)						\
	do {								\
		if (bpf_coro_await(ctx, stash, slot) < 0) {		\
			__sync_fetch_and_add(&await_failed, 1);		\
			return XDP_DROP;				\
		}							\
		bpf_loop(SPIN, spin, NULL, 0);				\
	} while (0)
#define AWAIT4(ctx, slot)						\
	do {								\
		AWAIT(ctx, slot); AWAIT(ctx, slot);			\
		AWAIT(ctx, slot); AWAIT(ctx, slot);			\
	} while (0)

CORO_SLOTS(NR_SLOTS);

__u32 next_slot;
__u64 published, await_failed, completed;

__u64 resumes, resumed_again, resumed_empty, resumed_done;

static int stash(struct bpf_coro *h, __u64 key)
{
	__sync_fetch_and_add(&published, 1);
	coro_slot_stash(&slots, h, key);
	return 0;
}

SEC("xdp")
int xdp_again(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);
	__u32 slot;

	if (!udp || udp->dest != bpf_htons(9000))
		return XDP_PASS;
	slot = __sync_fetch_and_add(&next_slot, 1) % NR_SLOTS;
	AWAIT4(ctx, slot); AWAIT4(ctx, slot); AWAIT4(ctx, slot); AWAIT4(ctx, slot);
	AWAIT4(ctx, slot); AWAIT4(ctx, slot); AWAIT4(ctx, slot); AWAIT4(ctx, slot);
	__sync_fetch_and_add(&completed, 1);
	return XDP_DROP;
}

static long resume_one(__u64 i, void *data)
{
	struct bpf_coro *h = coro_slot_take(&slots, i);
	int ret;

	if (!h)
		return 0;
	ret = bpf_coro_resume(h);
	__sync_fetch_and_add(&resumes, 1);
	if (ret == -EINPROGRESS)
		__sync_fetch_and_add(&resumed_again, 1);
	else if (ret == -ESRCH)
		__sync_fetch_and_add(&resumed_empty, 1);
	else
		__sync_fetch_and_add(&resumed_done, 1);
	return 0;
}

SEC("syscall")
int resume_all(void *ctx)
{
	bpf_loop(NR_SLOTS, resume_one, NULL, 0);
	return 0;
}
