// SPDX-License-Identifier: GPL-2.0
/*
 * evos_xdp - the EvOS XDP data path.
 *
 * IPv4/UDP datagrams to udp_port are suspended at XDP; the coroutine goes
 * to the worker chosen by the datagram's flow, so that a flow is always
 * handled by the same worker (and, with workers bound to CPUs, on the same
 * CPU).  When the worker resumes it, the datagram goes to the AF_XDP socket
 * of the rx queue it arrived on (xsks, filled by "evosctl xsk consume"), or
 * up the stack when that queue has no socket.  Without workers, or when a
 * coroutine cannot be made, the datagram is handled at once, the same way.
 *
 *   evosctl load build/bpf/evos_xdp.bpf.o
 *   evosctl attach xdp DEV evos_xdp
 *   evosctl workers start build/bpf/evos_worker.bpf.o --count 2 --cpus 0-1
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "evos_coro.h"
#include "evos_parse.h"
#include "evos_stats.h"
#include "evos_worker.h"

char LICENSE[] SEC("license") = "GPL";

struct evos_xdp_stats {
	__u64 rx_udp;		/* datagrams to udp_port */
	__u64 suspended;	/* handed to a worker */
	__u64 inline_no_workers; /* handled at once: no worker pool */
	__u64 inline_await_failed; /* handled at once: no coroutine */
	__u64 push_failed;	/* the worker refused it: destroyed */
	__u64 resumed;		/* resumed by a worker */
};

EVOS_STATS_MAP(struct evos_xdp_stats);

/* One AF_XDP socket per rx queue. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

/* Datagrams to udp_port per rx queue, as they arrive at XDP. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} rxq_packets SEC(".maps");

/* The UDP destination port of the service, in host order. */
const volatile __u16 udp_port = 9000;

/* queue_fn: the only reference to the coroutine goes to the worker. */
static int to_worker(struct bpf_coro *h, __u64 worker)
{
	if (bpf_coro_queue_push(worker, h))
		evos_count(push_failed);
	else
		evos_count(suspended);
	return 0;
}

static __always_inline __u32 flow_hash(struct xdp_md *ctx, struct udphdr *udp)
{
	struct iphdr *ip = (void *)(long)ctx->data + sizeof(struct ethhdr);
	__u32 h;

	if ((void *)(ip + 1) > (void *)(long)ctx->data_end)
		return 0;
	h = ip->saddr ^ ip->daddr ^ ((__u32)udp->source << 16 | udp->dest);
	/* Mix every input bit into the low bits (fields are big-endian). */
	h ^= h >> 16;
	h *= 0x45d9f3b;
	h ^= h >> 16;
	h *= 0x45d9f3b;
	return h ^ (h >> 16);
}

/* XSK of this rx queue, or the stack when it has none. */
static __always_inline int deliver(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int evos_xdp(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);
	__u32 q = ctx->rx_queue_index, nr;
	__u64 *n;

	if (!udp || udp->dest != bpf_htons(udp_port))
		return XDP_PASS;
	evos_count(rx_udp);
	n = bpf_map_lookup_elem(&rxq_packets, &q);
	if (n)
		*n += 1;

	nr = bpf_evos_nr_workers();
	if (!nr) {
		evos_count(inline_no_workers);
		return deliver(ctx);
	}
	if (bpf_coro_await(ctx, to_worker, flow_hash(ctx, udp) % nr) < 0) {
		evos_count(inline_await_failed);
		return deliver(ctx);
	}

	/*
	 * Resumed by the worker, on its CPU.  Packet pointers do not survive
	 * an await: anything more to read comes from ctx again.
	 */
	evos_count(resumed);
	return deliver(ctx);
}
