// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier rules of bpf_coro_await(), bpf_coro_resume() and
 * bpf_coro_release(): for each rule, a program the verifier must accept
 * and one it must reject with the message given.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "evos_coro.h"
#include "coro_slots.h"
#include "evos_test.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

struct locked {
	struct bpf_spin_lock lock;
	__u64 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} locks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
void bpf_cpumask_release(struct bpf_cpumask *cpumask) __ksym;
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;
void bpf_preempt_disable(void) __ksym;
void bpf_preempt_enable(void) __ksym;
int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

/* A queue_fn that stashes the handle in slot @cookie. */
static int stash(struct bpf_coro *h, __u64 cookie)
{
	coro_slot_stash(&slots, h, cookie);
	return 0;
}

static int release(struct bpf_coro *h, __u64 cookie)
{
	bpf_coro_release(h);
	return 0;
}

/* --- where await is allowed -------------------------------------------- */

SEC("syscall") __success
int await_in_syscall(void *ctx)
{
	return bpf_coro_await(ctx, stash, 0) ? 1 : 0;
}

SEC("xdp") __success
int await_in_xdp(struct xdp_md *ctx)
{
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return XDP_DROP;
	return XDP_PASS;
}

static __noinline int subprog_await(void *ctx)
{
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("bpf_coro_await in subprogram 1: await is allowed only in the main program body")
int await_in_subprog(void *ctx)
{
	return subprog_await(ctx);
}

static int loop_cb(__u64 i, void *data)
{
	bpf_coro_await(data, stash, 0);
	return 1;
}

SEC("syscall") __failure
__msg("bpf_coro_await in a callback: await is allowed only in the main program body")
int await_in_callback(void *ctx)
{
	bpf_loop(1, loop_cb, NULL, 0);
	return 0;
}

SEC("tc") __failure
__msg("calling kernel function bpf_coro_await is not allowed")
int await_in_tc(struct __sk_buff *ctx)
{
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("bpf_coro_await: arg#0 is map_value; expected the program's ctx")
int await_without_ctx(void *ctx)
{
	__u32 key = 0;
	struct locked *l = bpf_map_lookup_elem(&locks, &key);

	if (!l)
		return 0;
	return bpf_coro_await(l, stash, 0);
}

SEC("xdp/devmap") __failure
__msg("bpf_coro_await in a devmap program: a devmap program cannot hand its packet over; await in the device's XDP program")
int await_in_devmap(struct xdp_md *ctx)
{
	return bpf_coro_await(ctx, stash, 0) < 0 ? XDP_DROP : XDP_PASS;
}

SEC("xdp/cpumap") __failure
__msg("bpf_coro_await in a cpumap program: its packets carry no rx queue, which a resumed run needs; await in the device's XDP program")
int await_in_cpumap(struct xdp_md *ctx)
{
	return bpf_coro_await(ctx, stash, 0) < 0 ? XDP_DROP : XDP_PASS;
}

SEC("syscall") __failure
__msg("bpf_coro_await: too many await points (at most 64)")
__attribute__((naked)) int await_too_many(void)
{
	asm volatile (
	"r6 = r1;"
	".rept 65;"
	"r1 = r6;"
	"r2 = %[stash] ll;"
	"r3 = 0;"
	"call %[bpf_coro_await];"
	".endr;"
	"r0 = 0;"
	"exit;"
	:
	: [bpf_coro_await]"i"(bpf_coro_await), [stash]"i"(stash)
	: "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory");
}

/* --- nothing may be held across an await ------------------------------- */

SEC("syscall") __success
int await_after_preempt_enable(void *ctx)
{
	bpf_preempt_disable();
	bpf_preempt_enable();
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("bpf_coro_await with preemption disabled: call bpf_preempt_enable() before awaiting")
int await_with_preempt_disabled(void *ctx)
{
	bpf_preempt_disable();
	bpf_coro_await(ctx, stash, 0);
	bpf_preempt_enable();
	return 0;
}

SEC("syscall") __success
int await_after_iter_destroy(void *ctx)
{
	struct bpf_iter_num it;
	int *v, sum = 0;

	bpf_iter_num_new(&it, 0, 4);
	while ((v = bpf_iter_num_next(&it)))
		sum += *v;
	bpf_iter_num_destroy(&it);
	return bpf_coro_await(ctx, stash, 0) + sum;
}

SEC("syscall") __failure
__msg("bpf_coro_await with an iterator live at fp-8: destroy it before awaiting")
int await_with_iter(void *ctx)
{
	struct bpf_iter_num it;
	int *v, sum = 0;

	bpf_iter_num_new(&it, 0, 4);
	v = bpf_iter_num_next(&it);
	if (v)
		sum = *v;
	bpf_coro_await(ctx, stash, 0);
	bpf_iter_num_destroy(&it);
	return sum;
}

SEC("syscall") __failure
__msg("bpf_coro_await with a referenced dynptr live at fp-16: submit or discard it before awaiting")
int await_with_ringbuf_dynptr(void *ctx)
{
	struct bpf_dynptr d;

	bpf_ringbuf_reserve_dynptr(&ring, 8, 0, &d);
	bpf_coro_await(ctx, stash, 0);
	bpf_ringbuf_discard_dynptr(&d, 0);
	return 0;
}

SEC("syscall") __success
int await_after_unlock(void *ctx)
{
	__u32 key = 0;
	struct locked *l = bpf_map_lookup_elem(&locks, &key);

	if (!l)
		return 0;
	bpf_spin_lock(&l->lock);
	l->n++;
	bpf_spin_unlock(&l->lock);
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("bpf_coro_await with a bpf_spin_lock held: unlock it before awaiting")
int await_with_lock(void *ctx)
{
	__u32 key = 0;
	struct locked *l = bpf_map_lookup_elem(&locks, &key);

	if (!l)
		return 0;
	bpf_spin_lock(&l->lock);
	bpf_coro_await(ctx, stash, 0);
	bpf_spin_unlock(&l->lock);
	return 0;
}

SEC("syscall") __success
int await_after_rcu(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_rcu_read_unlock();
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("bpf_coro_await in a bpf_rcu_read_lock() section: unlock it before awaiting")
int await_in_rcu(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_coro_await(ctx, stash, 0);
	bpf_rcu_read_unlock();
	return 0;
}

SEC("syscall") __success
int await_after_release(void *ctx)
{
	struct bpf_cpumask *m = bpf_cpumask_create();

	if (m)
		bpf_cpumask_release(m);
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("bpf_coro_await with a reference held: R6 holds ptr_bpf_cpumask (id=2, acquired at insn 1); release or stash it before awaiting")
int await_with_cpumask(void *ctx)
{
	struct bpf_cpumask *m = bpf_cpumask_create();

	if (!m)
		return 0;
	bpf_coro_await(ctx, stash, 0);
	bpf_cpumask_release(m);
	return 0;
}

SEC("syscall") __failure
__msg("bpf_coro_await with a reference held: R7 holds ptr_bpf_coro (id=3, acquired at insn 11); release or stash it before awaiting")
int await_with_handle(void *ctx)
{
	__u32 key = 0;
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 0;
	bpf_coro_await(ctx, stash, 0);
	bpf_coro_release(h);
	return 0;
}

/* --- what survives an await -------------------------------------------- */

SEC("xdp") __success
int ctx_after_await(struct xdp_md *ctx)
{
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return XDP_DROP;
	return ctx->data_end - ctx->data > 14 ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __success
int pkt_rederived_after_await(struct xdp_md *ctx)
{
	void *data, *data_end;

	if (bpf_coro_await(ctx, stash, 0) < 0)
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_DROP;
	return *(__u8 *)data ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __failure
__msg("R6 is invalid: it held pkt, which bpf_coro_await at insn 9 invalidated; only scalars, ctx and values of array maps the program uses survive an await")
int pkt_after_await(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data;

	if (data + 1 > data_end)
		return XDP_DROP;
	bpf_coro_await(ctx, stash, 0);
	return *p ? XDP_PASS : XDP_DROP;
}

SEC("syscall") __failure
__msg("R7 is invalid: it held map_value, which bpf_coro_await at insn 14 invalidated; only scalars, ctx and values of array maps the program uses survive an await")
int map_value_after_await(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

	if (!v)
		return 0;
	bpf_coro_await(ctx, stash, 0);
	*v = 1;
	return 0;
}

SEC("syscall") __failure
__msg("R6 is invalid: it held fp, which bpf_coro_await at insn 7 invalidated; only scalars, ctx and values of array maps the program uses survive an await")
int stack_ptr_after_await(void *ctx)
{
	volatile __u64 x = 1;
	volatile __u64 *p = &x;

	asm volatile("" : "+r"(p));
	bpf_coro_await(ctx, stash, 0);
	asm volatile("" : "+r"(p));
	return *p;
}

__u64 dbuf = 7;

SEC("syscall") __success
int dynptr_before_await(void *ctx)
{
	struct bpf_dynptr d;
	__u64 out = 0;

	bpf_dynptr_from_mem(&dbuf, sizeof(dbuf), 0, &d);
	bpf_dynptr_read(&out, sizeof(out), &d, 0, 0);
	return bpf_coro_await(ctx, stash, 0) + (int)out;
}

SEC("syscall") __failure
__msg("fp-16 is invalid: it held a dynptr, which bpf_coro_await at insn 12 invalidated; create the dynptr again after the await")
__attribute__((naked)) int dynptr_after_await(void)
{
	asm volatile (
	"r6 = r1;"
	"r1 = %[dbuf] ll;"
	"r2 = 8;"
	"r3 = 0;"
	"r4 = r10;"
	"r4 += -16;"
	"call %[bpf_dynptr_from_mem];"
	"r1 = r6;"
	"r2 = %[stash] ll;"
	"r3 = 0;"
	"call %[bpf_coro_await];"
	"r1 = r10;"
	"r1 += -24;"
	"r2 = 8;"
	"r3 = r10;"
	"r3 += -16;"
	"r4 = 0;"
	"r5 = 0;"
	"call %[bpf_dynptr_read];"
	"r0 = 0;"
	"exit;"
	:
	: [dbuf]"i"(&dbuf), [bpf_dynptr_from_mem]"i"(bpf_dynptr_from_mem),
	  [bpf_dynptr_read]"i"(bpf_dynptr_read),
	  [bpf_coro_await]"i"(bpf_coro_await), [stash]"i"(stash)
	: "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory");
}

SEC("syscall") __failure
__msg("bpf_coro_await: R6 holds ctx on one path to insn 9 and a scalar on another; keep ctx where no scalar lives across the await")
__attribute__((naked)) int ctx_or_scalar_in_r6(void)
{
	asm volatile (
	"r7 = r1;"
	"r6 = r1;"
	"call %[bpf_get_prandom_u32];"
	"if r0 == 0 goto 1f;"
	"r6 = 1;"
"1:"
	"r1 = r7;"
	"r2 = %[stash] ll;"
	"r3 = 0;"
	"call %[bpf_coro_await];"
	"r0 = 0;"
	"if r6 != 0 goto 2f;"
"2:"
	"exit;"
	:
	: [bpf_get_prandom_u32]"i"(bpf_get_prandom_u32),
	  [bpf_coro_await]"i"(bpf_coro_await), [stash]"i"(stash)
	: "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "memory");
}

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("syscall") __success
int array_value_survives(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (!v)
		return 0;
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return 0;
	*v += 1;
	return 0;
}

SEC("syscall") __success
int scalars_survive(void *ctx)
{
	__u64 a = bpf_get_prandom_u32(), b = a * 3;
	volatile __u64 buf[56];
	int i;

	for (i = 0; i < 56; i++)
		buf[i] = a + i;
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return 0;
	return buf[55] == a + 55 && b == a * 3;
}

SEC("syscall") __success
int three_awaits(void *ctx)
{
	__u64 n = 0;

	if (!bpf_coro_await(ctx, stash, 0))
		n++;
	if (!bpf_coro_await(ctx, stash, 1))
		n++;
	if (!bpf_coro_await(ctx, stash, 2))
		n++;
	return n;
}

SEC("syscall") __success
int await_in_loop(void *ctx)
{
	int i, n = 0;

	for (i = 0; i < 4; i++)
		if (!bpf_coro_await(ctx, stash, i))
			n++;
	return n;
}

/* --- ownership of handles ---------------------------------------------- */

static int leak(struct bpf_coro *h, __u64 cookie)
{
	return 0;
}

SEC("syscall") __failure
__msg("queue_fn of bpf_coro_await at insn 3 leaks the coroutine handle (id=1); stash it with bpf_kptr_xchg() or release it with bpf_coro_release()")
int queue_fn_leaks(void *ctx)
{
	return bpf_coro_await(ctx, leak, 0);
}

SEC("syscall") __success
int queue_fn_releases(void *ctx)
{
	return bpf_coro_await(ctx, release, 0);
}

SEC("syscall") __success
int resume_from_map(void *ctx)
{
	__u32 key = 0;
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 0;
	return bpf_coro_resume(h);
}

SEC("syscall") __failure
__msg("R6 is invalid: the bpf_coro handle it held was consumed at insn 14; a handle cannot be used after it was resumed, released or stashed")
int use_after_resume(void *ctx)
{
	__u32 key = 0;
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 0;
	bpf_coro_resume(h);
	bpf_coro_release(h);
	return 0;
}

SEC("syscall") __failure
__msg("R6 is invalid: the bpf_coro handle it held was consumed at insn 14; a handle cannot be used after it was resumed, released or stashed")
int double_release(void *ctx)
{
	__u32 key = 0;
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 0;
	bpf_coro_release(h);
	bpf_coro_release(h);
	return 0;
}

SEC("syscall") __failure
__msg("R0 is a bpf_coro handle, which is opaque: no load through it")
int load_through_handle(void *ctx)
{
	__u32 key = 0;
	struct bpf_coro *h;
	struct slot *s;
	__u64 v;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 0;
	v = *(volatile __u64 *)h;
	bpf_coro_release(h);
	return v;
}

SEC("syscall") __failure
__msg("R0 is a bpf_coro handle, which is opaque: no store through it")
int store_through_handle(void *ctx)
{
	__u32 key = 0;
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s)
		return 0;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 0;
	*(volatile __u64 *)h = 0;
	bpf_coro_release(h);
	return 0;
}

static int plain_store(struct bpf_coro *h, __u64 cookie)
{
	__u32 key = 0;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s) {
		bpf_coro_release(h);
		return 0;
	}
	s->h = h;
	return 0;
}

SEC("syscall") __failure
__msg("R6 is a bpf_coro handle: a plain store cannot move it into a map; use bpf_kptr_xchg()")
int handle_plain_store(void *ctx)
{
	return bpf_coro_await(ctx, plain_store, 0);
}

static int resume_in_queue_fn(struct bpf_coro *h, __u64 cookie)
{
	bpf_coro_resume(h);
	return 0;
}

SEC("syscall") __failure
__msg("bpf_coro_resume in an async callback: resume coroutines from a worker or from a SYSCALL program's main body")
int resume_in_callback(void *ctx)
{
	return bpf_coro_await(ctx, resume_in_queue_fn, 0);
}

/* --- values of inner maps do not survive -------------------------------- */

struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner_tmpl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct inner_array);
} outer SEC(".maps") = {
	.values = { [0] = &inner_tmpl },
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} plain SEC(".maps");

SEC("syscall") __success
int array_value_survives_await(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&plain, &key);

	if (!v)
		return 0;
	bpf_coro_await(ctx, stash, 0);
	*v = 1;
	return 0;
}

SEC("syscall") __failure
__msg("R7 is invalid: it held map_value, which bpf_coro_await at insn 19 invalidated; only scalars, ctx and values of array maps the program uses survive an await")
int inner_array_value_after_await(void *ctx)
{
	__u32 key = 0;
	__u64 *v;
	void *inner;

	inner = bpf_map_lookup_elem(&outer, &key);
	if (!inner)
		return 0;
	v = bpf_map_lookup_elem(inner, &key);
	if (!v)
		return 0;
	bpf_coro_await(ctx, stash, 0);
	*v = 1;
	return 0;
}

/* --- a resumed run cannot sleep ----------------------------------------- */

char ubuf[8];

SEC("syscall") __success
int sleepable_helper_before_await(void *ctx)
{
	char buf[8];

	bpf_copy_from_user(buf, sizeof(buf), ubuf);
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("sleepable helper bpf_copy_from_user#148 after bpf_coro_await at insn 3: a resumed run cannot sleep")
int sleepable_helper_after_await(void *ctx)
{
	char buf[8];

	bpf_coro_await(ctx, stash, 0);
	bpf_copy_from_user(buf, sizeof(buf), ubuf);
	return 0;
}

int bpf_copy_from_user_str(void *dst, __u32 dst__sz, const void *unsafe_ptr__ign,
			   __u64 flags) __ksym;

SEC("syscall") __success
int sleepable_kfunc_before_await(void *ctx)
{
	char buf[8];

	bpf_copy_from_user_str(buf, sizeof(buf), ubuf, 0);
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("sleepable kfunc bpf_copy_from_user_str after bpf_coro_await at insn 3: a resumed run cannot sleep")
int sleepable_kfunc_after_await(void *ctx)
{
	char buf[8];

	bpf_coro_await(ctx, stash, 0);
	bpf_copy_from_user_str(buf, sizeof(buf), ubuf, 0);
	return 0;
}

__noinline int global_fn(int x)
{
	return x + 1;
}

static __noinline int static_fn(int x)
{
	return x + 1;
}

SEC("syscall") __success
int static_function_after_await(void *ctx)
{
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return 0;
	return static_fn(1);
}

SEC("syscall") __failure
__msg("global function global_fn called after bpf_coro_await at insn 3: a resumed run cannot sleep, and a global function of a sleepable program may; use a static function")
int global_function_after_await(void *ctx)
{
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return 0;
	return global_fn(1);
}

/* --- the frame slots count against the stack limit ---------------------- */

static __always_inline int stack_words_await(void *ctx, volatile __u64 *words,
					     int n)
{
	__u64 sum = 0;
	int i;

	for (i = 0; i < n; i++)
		words[i] = i;
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return 0;
	for (i = 0; i < n; i++)
		sum += words[i];
	return sum;
}

SEC("syscall") __success
int stack_464_await(void *ctx)
{
	volatile __u64 words[58];

	return stack_words_await(ctx, words, 58);
}

SEC("syscall") __failure
__msg("bpf_coro_await: the program uses 480 bytes of stack and an await point needs 48 more, beyond the limit of 512")
int stack_480_await(void *ctx)
{
	volatile __u64 words[60];

	return stack_words_await(ctx, words, 60);
}

/* --- freplace and device-bound programs may not await ------------------- */

__noinline int xdp_hook(struct xdp_md *ctx)
{
	return ctx->ingress_ifindex ? XDP_PASS : XDP_DROP;
}

/* Not a test itself: the target of the freplace tests. */
SEC("xdp") __success
int freplace_target(struct xdp_md *ctx)
{
	return xdp_hook(ctx);
}

SEC("freplace/xdp_hook") __success __freplace("freplace_target")
__relink_refused("freplace_awaiting:xdp_hook_after_await")
int freplace_without_await(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("freplace/xdp_hook") __failure __freplace("freplace_target")
__msg("bpf_coro_await in an freplace program: the program it replaces would not see the suspension; await in the target program itself")
int freplace_await(struct xdp_md *ctx)
{
	return bpf_coro_await(ctx, stash, 0) < 0 ? XDP_DROP : XDP_PASS;
}

__noinline int xdp_hook_after_await(struct xdp_md *ctx)
{
	return ctx->ingress_ifindex ? XDP_PASS : XDP_DROP;
}

/* Not a test itself: a target with await points. */
SEC("xdp") __success
int freplace_awaiting(struct xdp_md *ctx)
{
	if (bpf_coro_await(ctx, stash, 0) < 0)
		return XDP_DROP;
	return xdp_hook_after_await(ctx);
}

SEC("freplace/xdp_hook_after_await") __failure __freplace("freplace_awaiting")
__msg("freplace of xdp_hook_after_await, in a program with await points: its resumed runs do not enter through an extension; extend a program without bpf_coro_await")
int freplace_of_awaiting(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp") __success __dev_bound
int dev_bound_without_await(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp") __failure __dev_bound
__msg("bpf_coro_await in a device-bound program: a resumed run has no driver context for its metadata kfuncs; load it without BPF_F_XDP_DEV_BOUND_ONLY")
int dev_bound_await(struct xdp_md *ctx)
{
	return bpf_coro_await(ctx, stash, 0) < 0 ? XDP_DROP : XDP_PASS;
}

/* --- queue_fn may run in a resumed run: it cannot sleep either ---------- */

static int stash_sleeping(struct bpf_coro *h, __u64 cookie)
{
	char buf[8];

	bpf_copy_from_user(buf, sizeof(buf), ubuf);
	coro_slot_stash(&slots, h, cookie);
	return 0;
}

SEC("syscall") __failure
__msg("sleepable helper bpf_copy_from_user#148 after bpf_coro_await at insn 3: a resumed run cannot sleep")
int queue_fn_sleeps(void *ctx)
{
	return bpf_coro_await(ctx, stash_sleeping, 0);
}

/* --- nor may the exception callback of a sleepable program -------------- */

extern void bpf_throw(__u64 cookie) __ksym;

SEC("syscall") __success
int throw_before_await(void *ctx)
{
	if (bpf_get_prandom_u32() == 7)
		bpf_throw(0);
	return bpf_coro_await(ctx, stash, 0);
}

SEC("syscall") __failure
__msg("bpf_throw after bpf_coro_await at insn 3: a resumed run cannot sleep, and the exception callback of a sleepable program may")
int throw_after_await(void *ctx)
{
	bpf_coro_await(ctx, stash, 0);
	if (bpf_get_prandom_u32() == 7)
		bpf_throw(0);
	return 0;
}
