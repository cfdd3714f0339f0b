// SPDX-License-Identifier: GPL-2.0
/*
 * evos_lean_udp - IPv4/UDP datagrams to ordinary sockets, on the CPU of the
 * application.
 *
 * For a UDP port listed in app_worker, the program validates the datagram
 * at XDP (bpf_evos_ip_rcv(), bpf_evos_udp_rcv()), then suspends and hands
 * the coroutine to the worker listed for the port, which runs on the
 * application's CPU.  Resumed there, it looks up the socket, locks it,
 * queues the datagram to it and unlocks it.  The application is an
 * unmodified UDP server: recvfrom(), epoll or io_uring.  Anything else, and
 * any datagram the lean path does not take (a fragment, IP options, a bad
 * checksum, no socket), goes to the stack unchanged.
 *
 * The verifier holds the program to the order and the locking that the
 * kfuncs declare (Documentation/bpf/evos-typestate.rst).
 *
 *   evosctl load build/bpf/evos_lean_udp.bpf.o
 *   evosctl attach xdp DEV evos_lean_udp
 *   evosctl workers start build/bpf/evos_worker.bpf.o --count 2 --cpus 0-1
 *   bpftool map update pinned /sys/fs/bpf/evos/objs/evos_lean_udp/maps/app_worker \
 *	key 0x28 0x23 value 1 0 0 0		# port 9000 -> worker 1
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "evos_coro.h"
#include "evos_lean_udp.h"
#include "evos_parse.h"
#include "evos_stats.h"
#include "evos_worker.h"

char LICENSE[] SEC("license") = "GPL";

struct evos_lean_udp_stats {
	__u64 rx;		/* datagrams to a port in app_worker */
	__u64 not_lean;		/* refused by ip_rcv or udp_rcv: to the stack */
	__u64 suspended;	/* handed to the application's worker */
	__u64 push_failed;	/* the worker refused it: destroyed */
	__u64 inline_no_worker;	/* no such worker: delivered at once */
	__u64 inline_await_failed; /* no coroutine: delivered at once */
	__u64 resumed;		/* resumed by the worker */
	__u64 no_socket;	/* no socket wants it: to the stack */
	__u64 queue_failed;	/* the socket could not take it: to the stack */
	__u64 delivered;	/* queued to the socket by the lean path */
};

EVOS_STATS_MAP(struct evos_lean_udp_stats);

/* UDP destination port (host order) -> the worker of its application. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u16);
	__type(value, __u32);
} app_worker SEC(".maps");

static int to_worker(struct bpf_coro *h, __u64 worker)
{
	if (bpf_coro_queue_push(worker, h))
		evos_count(push_failed);
	else
		evos_count(suspended);
	return 0;
}

/* PostL4 -> Delivered (XDP_DROP: the socket has its copy), or the stack. */
static __always_inline int deliver(struct xdp_md *ctx)
{
	struct sock *sk;
	int err;

	sk = bpf_evos_sk_lookup(ctx);
	if (!sk) {
		evos_count(no_socket);
		return XDP_PASS;
	}
	bpf_evos_sk_lock(sk);
	err = bpf_evos_queue_to_socket(ctx, sk);
	bpf_evos_sk_unlock(sk);
	bpf_evos_sk_release(sk);
	if (err) {
		evos_count(queue_failed);
		return XDP_PASS;
	}
	evos_count(delivered);
	return XDP_DROP;
}

SEC("xdp")
int evos_lean_udp(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);
	__u32 *worker, w;
	__u16 port;

	if (!udp)
		return XDP_PASS;
	port = bpf_ntohs(udp->dest);
	worker = bpf_map_lookup_elem(&app_worker, &port);
	if (!worker)
		return XDP_PASS;
	w = *worker;
	evos_count(rx);

	if (bpf_evos_ip_rcv(ctx) || bpf_evos_udp_rcv(ctx)) {
		evos_count(not_lean);
		return XDP_PASS;
	}
	if (w >= bpf_evos_nr_workers()) {
		evos_count(inline_no_worker);
		return deliver(ctx);
	}
	if (bpf_coro_await(ctx, to_worker, w) < 0) {
		evos_count(inline_await_failed);
		return deliver(ctx);
	}
	/* Resumed by the worker, on the application's CPU: still PostL4. */
	evos_count(resumed);
	return deliver(ctx);
}
