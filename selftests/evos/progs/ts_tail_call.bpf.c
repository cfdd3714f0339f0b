// SPDX-License-Identifier: GPL-2.0
/*
 * Programs of ts_tail_call: "rules" delivers datagrams itself through the
 * lean UDP kfuncs and returns XDP_DROP; the others reach it by tail calls
 * whose caller then returns XDP_PASS: from a function, through a chain
 * (a function tail-calls "hop", whose main body tail-calls "rules"), and
 * from an extension.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "evos_coro.h"
#include "evos_lean_udp.h"
#include "coro_slots.h"

char LICENSE[] SEC("license") = "GPL";

TAIL_CALL_SLOT(jmp_func);
TAIL_CALL_SLOT(jmp_outer);
TAIL_CALL_SLOT(jmp_inner);
TAIL_CALL_SLOT(jmp_ext);

__u64 delivered, passed;

SEC("xdp")
int rules(struct xdp_md *ctx)
{
	struct sock *sk;
	int err;

	if (bpf_evos_ip_rcv(ctx) || bpf_evos_udp_rcv(ctx))
		goto pass;
	sk = bpf_evos_sk_lookup(ctx);
	if (!sk)
		goto pass;
	bpf_evos_sk_lock(sk);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	if (err)
		goto pass;
	__sync_fetch_and_add(&delivered, 1);
	return XDP_DROP;
pass:
	__sync_fetch_and_add(&passed, 1);
	return XDP_PASS;
}

static __noinline int tail_func(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_func, 0);
	return 0;
}

/* Whatever the called program returned, XDP_PASS. */
SEC("xdp")
int func_top(struct xdp_md *ctx)
{
	tail_func(ctx);
	return XDP_PASS;
}

static __noinline int tail_outer(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_outer, 0);
	return 0;
}

SEC("xdp")
int chain_top(struct xdp_md *ctx)
{
	tail_outer(ctx);
	return XDP_PASS;
}

SEC("xdp")
int hop(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_inner, 0);
	return XDP_PASS;
}

/* It may change the packet, as the extension's tail call may. */
__noinline int ext_point(struct xdp_md *ctx)
{
	return bpf_xdp_adjust_head(ctx, 0);
}

SEC("xdp")
int ext_top(struct xdp_md *ctx)
{
	ext_point(ctx);
	return XDP_PASS;
}

/* Replaces ext_point(): the called program returns to ext_top(). */
SEC("?freplace/ext_point")
int ext_tail(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_ext, 0);
	return 0;
}
