// SPDX-License-Identifier: GPL-2.0
/*
 * Ways around the type-state rules of the lean UDP kfuncs that the
 * verifier must close: callbacks, global functions, helpers that release
 * or write, dynptrs, stale sockets, tail calls from functions, an await
 * after delivery.  Each was once accepted; each is now refused with the
 * message given.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bpf_kfuncs.h"
#include "evos_coro.h"
#include "evos_lean_udp.h"
#include "evos_test.h"

char LICENSE[] SEC("license") = "GPL";

extern void bpf_throw(__u64 cookie) __ksym;

#define ETH_HLEN	14
#define IP_SADDR_OFF	(ETH_HLEN + 12)
#define UDP_DPORT_OFF	(ETH_HLEN + 20 + 2)

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jmp SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} socks SEC(".maps");

#define VALIDATE(ctx)							\
	do {								\
		if (bpf_evos_ip_rcv(ctx) || bpf_evos_udp_rcv(ctx))	\
			return XDP_PASS;				\
	} while (0)

/* --- callbacks work on copies of their caller's references ---------- */

static __noinline int lock_it(struct sock *sk)
{
	bpf_evos_sk_lock(sk);
	return 0;
}

static int lock_cb(__u32 i, void *data)
{
	struct sock **psk = data;

	lock_it(*psk);
	return 1;
}

/* The lock would be taken in a static function of a callback, and lost. */
SEC("xdp") __failure
__msg("bpf_evos_sk_lock: arg#0 (sk id=2) would change state in a callback, whose references do not reach its caller; change it outside the callback")
int cb_subprog_lock(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_loop(1, lock_cb, &sk, 0);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

static __noinline int unlock_it(struct sock *sk)
{
	bpf_evos_sk_unlock(sk);
	return 0;
}

static int unlock_cb(__u32 i, void *data)
{
	struct sock **psk = data;

	unlock_it(*psk);
	return 1;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_unlock: arg#0 (sk id=2) would change state in a callback, whose references do not reach its caller; change it outside the callback")
int cb_subprog_unlock(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	bpf_loop(1, unlock_cb, &sk, 0);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/*
 * A reference acquired in a static function of a callback escapes the
 * callback's leak check, and never reaches the caller.
 */
static __noinline int grab(struct xdp_md *ctx)
{
	struct sock *sk = bpf_evos_sk_lookup(ctx);

	if (!sk)
		return 0;
	bpf_evos_sk_lock(sk);
	return 1;
}

static int grab_cb(__u32 i, void *data)
{
	struct xdp_md *ctx = *(struct xdp_md **)data;

	grab(ctx);
	return 1;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_lookup: returns a udp_sock in a callback, whose references do not reach its caller; call it outside the callback")
int cb_subprog_acquire(struct xdp_md *ctx)
{
	struct xdp_md *box = ctx;

	VALIDATE(ctx);
	bpf_loop(1, grab_cb, &box, 0);
	return XDP_PASS;
}

/* --- the verdict after delivery decides: no pruning past it ---------- */

SEC("xdp") __failure
__msg("At program exit: ctx (xdp_stage) is in state Delivered (set at insn 16); the program must return XDP_DROP (1)")
int verdict_not_pruned(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index;
	struct sock *sk;
	int err, ret;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	if (err)
		return XDP_PASS;
	/* XDP_DROP on the path explored first, XDP_PASS on the other */
	asm volatile("%[ret] = 2;"
		     "if %[q] != 0 goto 1f;"
		     "%[ret] = 1;"
		     "%[ret] += 0; %[ret] += 0; %[ret] += 0; %[ret] += 0;"
		     "%[ret] += 0; %[ret] += 0; %[ret] += 0; %[ret] += 0;"
		     "1:"
		     : [ret] "=&r"(ret) : [q] "r"(q));
	return ret;
}

/* --- a global function may throw, or tail-call ----------------------- */

__noinline int may_throw(int x)
{
	if (x)
		bpf_throw(XDP_PASS);
	return 0;
}

SEC("xdp") __failure
__msg("call of global function may_throw, which may throw: udp_sock id=2 is in state Locked (set at insn 11), which must not hold when the program ends")
int global_throw_locked(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	may_throw(ctx->rx_queue_index == 0);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("call of global function may_throw, which may throw: ctx (xdp_stage) is in state Delivered (set at insn 15); the program must return XDP_DROP (1)")
int global_throw_delivered(struct xdp_md *ctx)
{
	struct sock *sk;
	int err;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	if (err)
		return XDP_PASS;
	may_throw(1);
	return XDP_DROP;
}

__noinline int takes_ctx(struct xdp_md *ctx)
{
	return ctx ? 0 : 1;
}

SEC("xdp") __failure
__msg("call of global function takes_ctx with the ctx, in a program with ctx type-state rules: it may be replaced, and tail-call; use a static function")
int global_gets_ctx(struct xdp_md *ctx)
{
	if (takes_ctx(ctx))
		return XDP_PASS;
	VALIDATE(ctx);
	return XDP_PASS;
}

/* Even an unlocked socket: it would leak, should the function throw. */
SEC("xdp") __failure
__msg("call of global function may_throw, which may throw, with udp_sock id=2 held (acquired at insn 7): release it first, or call a static function")
int global_call_with_sock(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	may_throw(ctx->rx_queue_index == 7);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* A global function that gets a dynptr may write the packet through it. */
__noinline int poke(const struct bpf_dynptr *d)
{
	__be32 lo = bpf_htonl(0x7f000001);

	return bpf_dynptr_write(d, IP_SADDR_OFF, &lo, sizeof(lo), 0);
}

SEC("xdp") __failure
__msg("bpf_evos_sk_lookup: arg#0 (ctx) is in state Raw; requires PostL4 (set at insn 14)")
int global_dynptr_write(struct xdp_md *ctx)
{
	struct bpf_dynptr d;
	struct sock *sk;

	if (bpf_dynptr_from_xdp(ctx, 0, &d))
		return XDP_PASS;
	VALIDATE(ctx);
	poke(&d);
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* --- releases that skip the rule ------------------------------------ */

SEC("xdp") __failure
__msg("bpf_sk_release: R1 is a udp_sock object (id=2); only a kfunc whose type-state rule names udp_sock may release it")
int helper_release_locked(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	bpf_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_sk_release: R1 is a udp_sock object (id=2); only a kfunc whose type-state rule names udp_sock may release it")
int helper_release_unlocked(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_sk_release(sk);
	return XDP_PASS;
}

/*
 * The delivery lock is not the socket spinlock, which a sockmap update
 * takes: holding one while doing the other is fine.
 */
SEC("xdp") __success
int sockmap_update_locked(struct xdp_md *ctx)
{
	struct sock *sk;
	__u32 key = 0;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	bpf_map_update_elem(&socks, &key, sk, BPF_ANY);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* --- writes through a dynptr made before the steps ------------------ */

SEC("xdp") __failure
__msg("bpf_evos_sk_lookup: arg#0 (ctx) is in state Raw; requires PostL4 (set at insn 22)")
int dynptr_write_post_l4(struct xdp_md *ctx)
{
	struct bpf_dynptr d;
	__u16 port = 0x3412;
	struct sock *sk;

	if (bpf_dynptr_from_xdp(ctx, 0, &d))
		return XDP_PASS;
	VALIDATE(ctx);
	bpf_dynptr_write(&d, UDP_DPORT_OFF, &port, sizeof(port), 0);
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_lookup: arg#0 (ctx) is in state Raw; requires PostL4 (set at insn 18)")
int dynptr_slice_post_l4(struct xdp_md *ctx)
{
	struct bpf_dynptr d;
	struct sock *sk;
	__u8 buf[4];
	__u16 *p;

	if (bpf_dynptr_from_xdp(ctx, 0, &d))
		return XDP_PASS;
	VALIDATE(ctx);
	p = bpf_dynptr_slice_rdwr(&d, UDP_DPORT_OFF, buf, 2);
	if (!p)
		return XDP_PASS;
	*p = 0x3412;
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_dynptr_write: ctx (xdp_stage) is in state Delivered (set at insn 24), which allows no packet access")
int dynptr_after_delivery(struct xdp_md *ctx)
{
	struct bpf_dynptr d;
	struct sock *sk;
	__u32 v = 0;
	int err;

	if (bpf_dynptr_from_xdp(ctx, 0, &d))
		return XDP_PASS;
	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	if (err)
		return XDP_PASS;
	bpf_dynptr_write(&d, 0, &v, sizeof(v), 0);
	return XDP_DROP;
}

/* A writable slice taken while Raw writes the packet after validation. */
SEC("xdp") __failure
__msg("bpf_evos_sk_lookup: arg#0 (ctx) is in state Raw; requires PostL4 (set at insn 22)")
int slice_write_after_validate(struct xdp_md *ctx)
{
	struct bpf_dynptr d;
	struct sock *sk;
	__u8 buf[4];
	__be32 *saddr;

	if (bpf_dynptr_from_xdp(ctx, 0, &d))
		return XDP_PASS;
	saddr = bpf_dynptr_slice_rdwr(&d, IP_SADDR_OFF, buf, sizeof(buf));
	if (!saddr)
		return XDP_PASS;
	VALIDATE(ctx);
	*saddr = bpf_htonl(0x7f000001);
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* --- a socket looked up for headers that were rewritten ------------- */

SEC("xdp") __failure
__msg("bpf_evos_queue_to_socket: arg#1 (sk) is tied to nothing; requires the instance in arg#0 (ctx, ctx)")
int stale_socket(struct xdp_md *ctx)
{
	__u16 port = 0x3412, zero = 0;
	struct sock *sk;
	int err;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_xdp_store_bytes(ctx, UDP_DPORT_OFF, &port, sizeof(port));
	bpf_xdp_store_bytes(ctx, UDP_DPORT_OFF + 4, &zero, sizeof(zero));
	if (bpf_evos_ip_rcv(ctx) || bpf_evos_udp_rcv(ctx)) {
		bpf_evos_sk_release(sk);
		return XDP_PASS;
	}
	bpf_evos_sk_lock(sk);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return err ? XDP_PASS : XDP_DROP;
}

/* --- a tail call from a function returns to its caller -------------- */

static __noinline int tail(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp, 0);
	return 0;
}

SEC("xdp") __failure
__msg("bpf_tail_call in a function of a program with ctx type-state rules: the called program returns here, past them; tail-call from the main program")
int tail_call_in_function(struct xdp_md *ctx)
{
	tail(ctx);
	VALIDATE(ctx);
	return XDP_PASS;
}

/* --- an await after delivery would end the run with a redirect ------ */

static int drop_handle(struct bpf_coro *h, __u64 cookie)
{
	bpf_coro_release(h);
	return 0;
}

SEC("xdp") __failure
__msg("bpf_coro_await: ctx (xdp_stage) is in state Delivered (set at insn 15), which must not hold across an await")
int await_after_delivery(struct xdp_md *ctx)
{
	struct sock *sk;
	int err;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	if (err)
		return XDP_PASS;
	bpf_coro_await(ctx, drop_handle, 0);
	return XDP_DROP;
}

/* --- a devmap program runs once per copy of a broadcast ------------- */

SEC("xdp/devmap") __failure
__msg("calling kernel function bpf_evos_ip_rcv is not allowed")
int ip_rcv_in_devmap(struct xdp_md *ctx)
{
	return bpf_evos_ip_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

/* A cpumap program sees each redirected packet once. */
SEC("xdp/cpumap") __success
int ip_rcv_in_cpumap(struct xdp_md *ctx)
{
	return bpf_evos_ip_rcv(ctx) ? XDP_PASS : XDP_DROP;
}
