// SPDX-License-Identifier: GPL-2.0
/*
 * Type-state rules of the lean UDP kfuncs, as the verifier enforces them
 * from the table in net/ipv4/evos_udp.c: the packet stage of the ctx
 * (Raw, PostIP, PostL4, Delivered) and the lock state of a socket
 * (Unlocked, Locked).  Each rule has a program that keeps it and one that
 * breaks it, with the exact message.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "bpf_kfuncs.h"
#include "evos_coro.h"
#include "evos_lean_udp.h"
#include "evos_test.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jmp SEC(".maps");

static int drop_handle(struct bpf_coro *h, __u64 cookie)
{
	bpf_coro_release(h);
	return 0;
}

/* Raw -> PostIP -> PostL4, or XDP_PASS to the stack. */
#define VALIDATE(ctx)							\
	do {								\
		if (bpf_evos_ip_rcv(ctx) || bpf_evos_udp_rcv(ctx))	\
			return XDP_PASS;				\
	} while (0)

/* --- the path in order --------------------------------------------- */

SEC("xdp") __success
int deliver(struct xdp_md *ctx)
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
	return err ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (initial state)")
int udp_before_ip(struct xdp_md *ctx)
{
	if (bpf_evos_udp_rcv(ctx))
		return XDP_PASS;
	return XDP_PASS;
}

/* The stage moves on a 0 return only: the other path is still Raw. */
SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (initial state)")
int ip_rcv_unchecked(struct xdp_md *ctx)
{
	bpf_evos_ip_rcv(ctx);
	if (bpf_evos_udp_rcv(ctx))
		return XDP_PASS;
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_lookup: arg#0 (ctx) is in state PostIP; requires PostL4 (set at insn 1)")
int udp_rcv_unchecked(struct xdp_md *ctx)
{
	struct sock *sk;

	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	bpf_evos_udp_rcv(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* Checking for "< 0" is as good as "!= 0": the kfuncs return 0 or -errno. */
SEC("xdp") __success
int checked_negative(struct xdp_md *ctx)
{
	struct sock *sk;

	if (bpf_evos_ip_rcv(ctx) < 0)
		return XDP_PASS;
	if (bpf_evos_udp_rcv(ctx) < 0)
		return XDP_PASS;
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/*
 * PostIP on one path, Raw on the other, at the merge.  The PostIP path is
 * explored first; the Raw path must not be pruned against it.
 */
SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (initial state)")
int merge_one_path(struct xdp_md *ctx)
{
	if (ctx->rx_queue_index == 0) {
		if (bpf_evos_ip_rcv(ctx))
			return XDP_PASS;
	}
	if (bpf_evos_udp_rcv(ctx))
		return XDP_PASS;
	return XDP_PASS;
}

SEC("xdp") __success
int merge_both_paths(struct xdp_md *ctx)
{
	if (ctx->rx_queue_index == 0) {
		if (bpf_evos_ip_rcv(ctx))
			return XDP_PASS;
	} else {
		if (bpf_evos_ip_rcv(ctx))
			return XDP_ABORTED;
	}
	if (bpf_evos_udp_rcv(ctx))
		return XDP_PASS;
	return XDP_PASS;
}

static __noinline int validate_static(struct xdp_md *ctx)
{
	if (bpf_evos_ip_rcv(ctx))
		return -1;
	if (bpf_evos_udp_rcv(ctx))
		return -1;
	return 0;
}

/* A static function's transitions hold in its caller. */
SEC("xdp") __success
int static_subprog(struct xdp_md *ctx)
{
	struct sock *sk;

	if (validate_static(ctx))
		return XDP_PASS;
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* A program with ctx rules gives its ctx to static functions only. */
__noinline int validate_global(struct xdp_md *ctx)
{
	if (!ctx)
		return -1;
	return bpf_evos_udp_rcv(ctx);
}

SEC("xdp") __failure
__msg("call of global function validate_global with the ctx, in a program with ctx type-state rules: it may be replaced, and tail-call; use a static function")
int global_subprog(struct xdp_md *ctx)
{
	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	return validate_global(ctx) ? XDP_PASS : XDP_DROP;
}

/* An extension does not know the stage of the program it extends. */
__noinline int plain_global(struct xdp_md *ctx)
{
	return ctx ? XDP_PASS : XDP_ABORTED;
}

SEC("xdp") __success
int plain_target(struct xdp_md *ctx)
{
	return plain_global(ctx);
}

SEC("freplace/plain_global") __failure __freplace("plain_target")
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state unknown; requires PostIP (a global function's ctx has no known state)")
int ext_udp_rcv(struct xdp_md *ctx)
{
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

/* The stage survives a suspension: the program resumes where it was. */
SEC("xdp") __success
int across_await(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	if (bpf_coro_await(ctx, drop_handle, 0) < 0)
		return XDP_PASS;
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	if (bpf_evos_queue_to_socket(ctx, sk)) {
		bpf_evos_sk_unlock(sk);
		bpf_evos_sk_release(sk);
		return XDP_PASS;
	}
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_DROP;
}

/* --- sockets and their lock ---------------------------------------- */

SEC("xdp") __failure
__msg("bpf_evos_queue_to_socket: arg#1 (sk) is in state Unlocked; requires Locked (set at insn 8)")
int queue_unlocked(struct xdp_md *ctx)
{
	struct sock *sk;
	int err;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_release(sk);
	return err ? XDP_PASS : XDP_DROP;
}

/* The lock held is another socket's. */
SEC("xdp") __failure
__msg("bpf_evos_queue_to_socket: arg#1 (sk) is in state Unlocked; requires Locked (set at insn 8)")
int queue_other_lock(struct xdp_md *ctx)
{
	struct sock *sk, *other;
	int err;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	other = bpf_evos_sk_lookup(ctx);
	if (!other) {
		bpf_evos_sk_release(sk);
		return XDP_PASS;
	}
	bpf_evos_sk_lock(other);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(other);
	bpf_evos_sk_release(other);
	bpf_evos_sk_release(sk);
	return err ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_lock: arg#0 (sk) is in state Locked; requires Unlocked (set at insn 11)")
int lock_twice(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	bpf_evos_sk_lock(sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_unlock: arg#0 (sk) is in state Unlocked; requires Locked (set at insn 7)")
int unlock_unlocked(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_lock: arg#0 (sk) cannot enter state Locked: id=2 is in it (set at insn 15), and a udp_sock allows one at most")
int two_locks(struct xdp_md *ctx)
{
	struct sock *a, *b;

	VALIDATE(ctx);
	a = bpf_evos_sk_lookup(ctx);
	if (!a)
		return XDP_PASS;
	b = bpf_evos_sk_lookup(ctx);
	if (!b) {
		bpf_evos_sk_release(a);
		return XDP_PASS;
	}
	bpf_evos_sk_lock(a);
	bpf_evos_sk_lock(b);
	bpf_evos_sk_unlock(b);
	bpf_evos_sk_unlock(a);
	bpf_evos_sk_release(b);
	bpf_evos_sk_release(a);
	return XDP_PASS;
}

/* One lock at a time, one after the other, is fine. */
SEC("xdp") __success
int locks_in_turn(struct xdp_md *ctx)
{
	struct sock *a, *b;

	VALIDATE(ctx);
	a = bpf_evos_sk_lookup(ctx);
	if (!a)
		return XDP_PASS;
	b = bpf_evos_sk_lookup(ctx);
	if (!b) {
		bpf_evos_sk_release(a);
		return XDP_PASS;
	}
	bpf_evos_sk_lock(a);
	bpf_evos_sk_unlock(a);
	bpf_evos_sk_lock(b);
	bpf_evos_sk_unlock(b);
	bpf_evos_sk_release(b);
	bpf_evos_sk_release(a);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_release: arg#0 (sk) is in state Locked; requires Unlocked (set at insn 11)")
int release_locked(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("At program exit: udp_sock id=2 is in state Locked (set at insn 10), which must not hold when the program ends")
int lock_at_exit(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_coro_await: udp_sock id=2 is in state Locked (set at insn 11), which must not hold across an await")
int lock_across_await(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	bpf_coro_await(ctx, drop_handle, 0);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* A socket reference itself cannot cross an await either. */
SEC("xdp") __failure
__msg("bpf_coro_await with a reference held: R7 holds ptr_sock (id=2, acquired at insn 7); release or stash it before awaiting")
int sock_across_await(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_coro_await(ctx, drop_handle, 0);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("arg#0 pointer type STRUCT sock must point to scalar, or struct with scalar")
int lock_after_release(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_release(sk);
	bpf_evos_sk_lock(sk);
	bpf_evos_sk_unlock(sk);
	return XDP_PASS;
}

/* --- after delivery -------------------------------------------------- */

SEC("xdp") __failure
__msg("packet read: ctx (xdp_stage) is in state Delivered (set at insn 21), which allows no packet access")
int read_after_delivery(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct sock *sk;
	int err;

	if (data + 1 > data_end)
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
	return *(volatile __u8 *)data ? XDP_DROP : XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_evos_queue_to_socket: arg#0 (ctx) is in state Delivered; requires PostL4 (set at insn 15)")
int deliver_twice(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	if (!bpf_evos_queue_to_socket(ctx, sk))
		bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_DROP;
}

SEC("xdp") __failure
__msg("At program exit: ctx (xdp_stage) is in state Delivered (set at insn 14); the program must return XDP_DROP (1)")
int pass_after_delivery(struct xdp_md *ctx)
{
	struct sock *sk;

	VALIDATE(ctx);
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		return XDP_PASS;
	bpf_evos_sk_lock(sk);
	bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_xdp_adjust_head: ctx (xdp_stage) is in state Delivered (set at insn 15), which allows no packet access")
int adjust_after_delivery(struct xdp_md *ctx)
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
	if (!err)
		bpf_xdp_adjust_head(ctx, 0);
	return XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_tail_call: ctx (xdp_stage) is in state Delivered (set at insn 15), which allows no packet access")
int tail_call_after_delivery(struct xdp_md *ctx)
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
	if (!err)
		bpf_tail_call(ctx, &jmp, ctx->rx_queue_index);
	return XDP_DROP;
}

/* --- resets: the validated headers may have changed ---------------- */

SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (set at insn 7)")
int adjust_head_resets(struct xdp_md *ctx)
{
	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	bpf_xdp_adjust_head(ctx, 0);
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (set at insn 7)")
int adjust_tail_resets(struct xdp_md *ctx)
{
	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	bpf_xdp_adjust_tail(ctx, 0);
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (set at insn 7)")
int adjust_meta_resets(struct xdp_md *ctx)
{
	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	bpf_xdp_adjust_meta(ctx, 0);
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_evos_sk_lookup: arg#0 (ctx) is in state Raw; requires PostL4 (set at insn 13)")
int write_resets(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct sock *sk;

	if (data + 64 > data_end)
		return XDP_PASS;
	VALIDATE(ctx);
	((volatile __u8 *)data)[40] = 0;
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

/* Reads keep the stage, and so does a write before the first step. */
SEC("xdp") __success
int read_keeps_stage(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct sock *sk;

	if (data + 64 > data_end)
		return XDP_PASS;
	((volatile __u8 *)data)[0] = ((volatile __u8 *)data)[0];
	VALIDATE(ctx);
	if (((volatile __u8 *)data)[40] == 0xff)
		return XDP_PASS;
	sk = bpf_evos_sk_lookup(ctx);
	if (sk)
		bpf_evos_sk_release(sk);
	return XDP_PASS;
}

SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (set at insn 13)")
int store_bytes_resets(struct xdp_md *ctx)
{
	__u8 b = 0;

	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	bpf_xdp_store_bytes(ctx, 40, &b, 1);
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

/* A dynptr over the packet, made before the step, written after it. */
SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (set at insn 21)")
int dynptr_write_resets(struct xdp_md *ctx)
{
	struct bpf_dynptr p;
	__u8 b = 0;

	if (bpf_dynptr_from_xdp(ctx, 0, &p))
		return XDP_PASS;
	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	bpf_dynptr_write(&p, 40, &b, 1, 0);
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

SEC("xdp") __failure
__msg("bpf_evos_udp_rcv: arg#0 (ctx) is in state Raw; requires PostIP (set at insn 16)")
int dynptr_slice_rdwr_resets(struct xdp_md *ctx)
{
	struct bpf_dynptr p;
	__u8 *b;

	if (bpf_dynptr_from_xdp(ctx, 0, &p))
		return XDP_PASS;
	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	b = bpf_dynptr_slice_rdwr(&p, 40, NULL, 1);
	if (b)
		*b = 0;
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

/* Reading through a dynptr keeps the stage. */
SEC("xdp") __success
int dynptr_read_keeps_stage(struct xdp_md *ctx)
{
	struct bpf_dynptr p;
	__u8 b;

	if (bpf_dynptr_from_xdp(ctx, 0, &p))
		return XDP_PASS;
	if (bpf_evos_ip_rcv(ctx))
		return XDP_PASS;
	if (bpf_dynptr_read(&b, 1, &p, 40, 0))
		return XDP_PASS;
	return bpf_evos_udp_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

/* --- where the kfuncs exist ----------------------------------------- */

SEC("tc") __failure
__msg("calling kernel function bpf_evos_ip_rcv is not allowed")
int ip_rcv_in_tc(struct __sk_buff *ctx)
{
	return bpf_evos_ip_rcv((void *)ctx);
}
