// SPDX-License-Identifier: GPL-2.0
/*
 * XDP coroutines for coro_xdp: UDP packets to the test port await, parked
 * in array map slots; a SYSCALL program resumes them all, on whatever CPU
 * it runs; the resumed runs re-derive their packet pointers, check what
 * they computed before the await, and pass the packet to the stack.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "evos_coro.h"
#include "evos_parse.h"
#include "../pkt_payload_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_SLOTS 16384

struct slot {
	struct bpf_coro __kptr *h;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_SLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

const volatile __u16 port = 9000;

__u32 next_slot;
__u64 parked, overflow, await_failed;
__u64 locals_ok, locals_bad, cross_cpu, same_cpu;
__u64 resumed, resumed_pass, resumed_other;

static int park(struct bpf_coro *h, __u64 cookie)
{
	__u32 key = cookie;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &key);
	if (!s) {
		bpf_coro_release(h);
		return 0;
	}
	h = bpf_kptr_xchg(&s->h, h);
	if (h) {
		bpf_coro_release(h);
		__sync_fetch_and_add(&overflow, 1);
	}
	__sync_fetch_and_add(&parked, 1);
	return 0;
}

static __always_inline struct pkt_payload *payload_of(struct xdp_md *ctx,
						       __u16 *sport)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp = evos_parse_udp4(ctx);
	struct pkt_payload *p;

	if (!udp || udp->dest != bpf_htons(port))
		return NULL;
	p = (void *)(udp + 1);
	if ((void *)(p + 1) > data_end)
		return NULL;
	*sport = udp->source;
	return p;
}

SEC("xdp")
int xdp_await(struct xdp_md *ctx)
{
	struct pkt_payload *p;
	__u16 sport, sport2;
	__u64 seq;
	__u32 cpu, slot;

	p = payload_of(ctx, &sport);
	if (!p)
		return XDP_PASS;
	seq = p->seq;
	cpu = bpf_get_smp_processor_id();
	slot = __sync_fetch_and_add(&next_slot, 1) % NR_SLOTS;

	if (bpf_coro_await(ctx, park, slot) < 0) {
		__sync_fetch_and_add(&await_failed, 1);
		return XDP_PASS;
	}

	/* Resumed: packet pointers must be derived again from ctx. */
	p = payload_of(ctx, &sport2);
	if (p && p->seq == seq && sport2 == sport)
		__sync_fetch_and_add(&locals_ok, 1);
	else
		__sync_fetch_and_add(&locals_bad, 1);
	if (bpf_get_smp_processor_id() != cpu)
		__sync_fetch_and_add(&cross_cpu, 1);
	else
		__sync_fetch_and_add(&same_cpu, 1);
	return XDP_PASS;
}

static int resume_one(__u32 i, void *data)
{
	struct bpf_coro *h;
	struct slot *s;
	int ret;

	s = bpf_map_lookup_elem(&slots, &i);
	if (!s)
		return 1;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (!h)
		return 0;
	ret = bpf_coro_resume(h);
	resumed++;
	if (ret == XDP_PASS)
		resumed_pass++;
	else
		resumed_other++;
	return 0;
}

SEC("syscall")
int resume_all(void *ctx)
{
	bpf_loop(NR_SLOTS, resume_one, NULL, 0);
	return 0;
}

static int release_one(__u32 i, void *data)
{
	struct bpf_coro *h;
	struct slot *s;

	s = bpf_map_lookup_elem(&slots, &i);
	if (!s)
		return 1;
	h = bpf_kptr_xchg(&s->h, NULL);
	if (h)
		bpf_coro_release(h);
	return 0;
}

SEC("syscall")
int release_all(void *ctx)
{
	bpf_loop(NR_SLOTS, release_one, NULL, 0);
	return 0;
}
