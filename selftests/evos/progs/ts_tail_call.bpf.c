// SPDX-License-Identifier: GPL-2.0
/*
 * Programs of test_ts_tail_call: a program with ctx type-state rules, and
 * programs that tail-call from the main program, from a function and from
 * an extension.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "evos_lean_udp.h"

char LICENSE[] SEC("license") = "GPL";

#define PROG_ARRAY(name)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_PROG_ARRAY);		\
		__uint(max_entries, 2);				\
		__type(key, __u32);				\
		__type(value, __u32);				\
	} name SEC(".maps")

PROG_ARRAY(jmp_func);
PROG_ARRAY(jmp_main);
PROG_ARRAY(jmp_late);
PROG_ARRAY(jmp_ext);

/* Its ctx has type-state rules: it may end with the packet delivered. */
SEC("xdp")
int rules(struct xdp_md *ctx)
{
	return bpf_evos_ip_rcv(ctx) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int plain(struct xdp_md *ctx)
{
	return XDP_PASS;
}

static __noinline int tail_func(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_func, 0);
	return 0;
}

SEC("xdp")
int func_caller(struct xdp_md *ctx)
{
	return tail_func(ctx) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int main_caller(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_main, 0);
	return XDP_PASS;
}

static __noinline int tail_late(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_late, 0);
	return 0;
}

/* Loaded after jmp_late got a member with rules. */
SEC("?xdp")
int late_func_caller(struct xdp_md *ctx)
{
	return tail_late(ctx) ? XDP_DROP : XDP_PASS;
}

/* It may change the packet, as the tail call that replaces it may. */
__noinline int ext_point(struct xdp_md *ctx)
{
	return bpf_xdp_adjust_head(ctx, 0);
}

SEC("xdp")
int ext_target(struct xdp_md *ctx)
{
	return ext_point(ctx) ? XDP_DROP : XDP_PASS;
}

/* Replaces ext_point(): the called program returns to ext_target(). */
SEC("?freplace/ext_point")
int ext_tail(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_ext, 0);
	return 0;
}
