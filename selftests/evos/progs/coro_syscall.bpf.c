// SPDX-License-Identifier: GPL-2.0
/*
 * SYSCALL coroutines for test_coro_syscall: a program that awaits with a
 * full stack of locals, one with three await points, and a program that
 * resumes a handle from a map slot.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "evos_coro.h"
#include "bpf_experimental.h"
#include "coro_slots.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_SLOTS 8
#define NR_WORDS 57	/* with the other locals, 464 bytes: the most that
			 * leaves room for the 48 bytes of an await point */

CORO_SLOTS(NR_SLOTS);

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
	struct bpf_coro *h = coro_slot_take(&slots, args->slot);

	return h ? bpf_coro_resume(h) : -2;
}

SEC("syscall")
int release_slot(struct run_args *args)
{
	struct bpf_coro *h = coro_slot_take(&slots, args->slot);

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

/*
 * An await point more than 32K instructions from the entry dispatch: the
 * dispatch must reach it with a 32-bit jump.
 */
SEC("syscall")
int far_await(struct run_args *args)
{
	asm volatile(".rept 40000\n r0 = 0\n .endr" ::: "r0");
	if (bpf_coro_await(args, stash, args->slot) < 0)
		return 1;
	return 7;
}

/*
 * A chain of coroutines, each of whose continuation resumes the next one:
 * resumes nest, and past BPF_CORO_MAX_NESTING the kernel defers them
 * instead of growing the stack.
 */
#define CHAIN 64

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CHAIN);
	__type(key, __u32);
	__type(value, struct slot);
} chain_slots SEC(".maps");

int chain_ret[CHAIN];
__u64 chain_done;

static int chain_stash(struct bpf_coro *h, __u64 cookie)
{
	coro_slot_stash(&chain_slots, h, cookie);
	return 0;
}

SEC("syscall")
int chain(struct run_args *args)
{
	__u32 me = args->slot;
	struct bpf_coro *h;
	int ret;

	if (bpf_coro_await(args, chain_stash, me) < 0)
		return -1;
	chain_done++;
	h = coro_slot_take(&chain_slots, me + 1);
	if (!h)
		return 0;
	ret = bpf_coro_resume(h);
	if (me < CHAIN)
		chain_ret[me] = ret;
	return 0;
}

SEC("syscall")
int resume_chain(struct run_args *args)
{
	struct bpf_coro *h = coro_slot_take(&chain_slots, args->slot);

	return h ? bpf_coro_resume(h) : -2;
}

/*
 * For two threads on one CPU: one suspends and resumes this program, the
 * other runs it to its await over and over.  A resumed run must find its
 * own locals; an ordinary run must never be handed a frame.
 */
__u64 interleave_mixed;

SEC("syscall")
int interleave(struct run_args *args)
{
	__u64 tag = args->tag;

	if (bpf_coro_await(args, stash, args->slot) < 0)
		return -1;
	if (tag != args->tag) {
		interleave_mixed++;
		return 2;
	}
	return 1;
}

/*
 * A may_goto loop after the await: its budget is set at the entry, which
 * a resumed run jumps past; the resumed run must get one too, or the
 * loop runs on whatever the stack held.
 */
__u64 may_goto_iters;

SEC("syscall")
int may_goto_after_await(struct run_args *args)
{
	__u64 n = 0;

	if (bpf_coro_await(args, stash, args->slot) < 0)
		return -1;
	while (can_loop)
		n++;
	may_goto_iters = n;
	return 5;
}

/*
 * A program array of SYSCALL programs: one with await points may not be
 * a tail-call target (the caller's context may be smaller than what it
 * saves); user space tries to put roundtrip and resume_slot in it.
 * (Sleepable programs, as libbpf loads these, cannot tail-call; a
 * non-sleepable SYSCALL program could.)
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} sys_jmp SEC(".maps");
