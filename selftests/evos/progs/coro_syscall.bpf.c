// SPDX-License-Identifier: GPL-2.0
/*
 * SYSCALL coroutines for test_coro_syscall: a program that awaits with a
 * full stack of locals, one with three await points, and a program that
 * resumes a handle from a map slot.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "evos_coro.h"
#include "coro_slots.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_SLOTS 8
#define NR_WORDS 63	/* with the other locals, a full 512-byte stack */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

struct run_args {
	__u64 tag;	/* copied into the coroutine with ctx */
	__u32 slot;
};

__u64 locals_ok, locals_bad, tag_after, stage;
__u32 cpu_before, cpu_after;
long await_err;

static int stash(struct bpf_coro *h, __u64 cookie)
{
	coro_slot_stash(&slots, h, cookie);
	return 0;
}

SEC("syscall")
int roundtrip(struct run_args *args)
{
	volatile __u64 words[NR_WORDS];
	__u64 a = bpf_get_prandom_u32() | 1;
	__u64 b = a * 7 + 3;
	__u32 cpu = bpf_get_smp_processor_id();
	long err;
	int i;

	for (i = 0; i < NR_WORDS; i++)
		words[i] = a ^ (i * 0x9e3779b97f4a7c15ULL);
	err = bpf_coro_await(args, stash, args->slot);
	if (err < 0) {
		await_err = err;
		return 1;
	}
	for (i = 0; i < NR_WORDS; i++)
		if (words[i] != (a ^ (i * 0x9e3779b97f4a7c15ULL)))
			break;
	if (i == NR_WORDS && b == a * 7 + 3)
		locals_ok++;
	else
		locals_bad++;
	cpu_before = cpu;
	cpu_after = bpf_get_smp_processor_id();
	tag_after = args->tag;
	return 42;
}

SEC("syscall")
int three_points(struct run_args *args)
{
	__u64 n = 100;

	if (bpf_coro_await(args, stash, args->slot) < 0)
		return 1;
	stage = ++n;
	if (bpf_coro_await(args, stash, args->slot) < 0)
		return 2;
	stage = ++n;
	if (bpf_coro_await(args, stash, args->slot) < 0)
		return 3;
	stage = ++n;
	return n;
}

SEC("syscall")
int resume_slot(struct run_args *args)
{
	__u32 key = args->slot;
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return -1;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return -2;
	return bpf_coro_resume(h);
}

SEC("syscall")
int release_slot(struct run_args *args)
{
	__u32 key = args->slot;
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return -1;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return -2;
	bpf_coro_release(h);
	return 0;
}

/*
 * An XDP program run through BPF_PROG_TEST_RUN: with live frames its
 * packet parks in slot 7 like at a device; without them nothing takes the
 * packet over and the suspension is undone.
 */
SEC("xdp")
int xdp_test_run(struct xdp_md *ctx)
{
	if (bpf_coro_await(ctx, stash, 7) < 0)
		return XDP_PASS;
	return XDP_DROP;
}
