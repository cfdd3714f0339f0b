// SPDX-License-Identifier: GPL-2.0
/*
 * xsk_producers - an AF_XDP socket fed by two producers at once, driven by
 * test_xsk_producers.sh.
 *
 *   xsk_producers NS_PEER NS_EVOS COUNT
 *
 * pktgen sends COUNT numbered datagrams from NS_PEER on CPU 0; b0's NAPI,
 * on CPU 0 too, redirects the odd ones straight to the copy-mode socket of
 * queue 0 and suspends the even ones.  A thread on CPU 1 resumes the
 * suspended ones in a loop, while traffic flows, and they go to the same
 * socket.  The socket's rx ring, fill ring and flush list then have two
 * producers on two CPUs; the kernel serializes them (the pool's rx_lock).
 * Every datagram must arrive once, intact.  Meaningful with vCPUs that
 * really run in parallel (multi-threaded TCG, or KVM).
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xsk_producers.skel.h"
#include "pkt_payload.h"
#include "testlib.h"
#include "xsk.h"


static long count;
static volatile int traffic_done;

/* On CPU 1: resume what is parked, over and over, while traffic flows. */
static void *resumer(void *arg)
{
	struct xsk_producers *skel = arg;
	long rounds = 0;

	pin_to_cpu(1);
	while (!traffic_done ||
	       skel->bss->resumed + skel->bss->resume_failed < skel->bss->published) {
		run_syscall(skel->progs.resume_all);
		if (++rounds > 200000)
			break;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct xsk_seen xs = { 0 };
	struct xsk_producers *skel;
	struct xsk xsk = { .fd = -1 };
	long long handles0;
	pthread_t thread;
	int ifindex, err, i;
	__u32 zero = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: xsk_producers NS_PEER NS_EVOS COUNT\n");
		return 2;
	}
	count = atol(argv[3]);
	xs.seen = calloc(count, 1);
	xs.count = count;
	if (!xs.seen || enter_ns(argv[2])) {
		perror("xsk_producers: setup");
		return 2;
	}
	tap_plan(5);
	handles0 = sysctl_read(HANDLES);
	skel = xsk_producers__open_and_load();
	ifindex = if_nametoindex("b0");
	err = !skel || !ifindex || xsk_open(&xsk, ifindex, 0, 4096, 2048) ||
	      bpf_map_update_elem(bpf_map__fd(skel->maps.xsks), &zero, &xsk.fd, BPF_ANY) ||
	      bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.xdp_mixed),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (!tap_ok(!err, "xsk_producers.bpf.o loaded, XDP on b0, AF_XDP socket on queue 0"))
		return 1;

	pthread_create(&thread, NULL, resumer, skel);
	pin_to_cpu(0);
	tap_eq(send_from_ns(argv[1], 0, count, 8), 0,
	       "sent %ld datagrams from CPU 0 while CPU 1 resumed", count);
	traffic_done = 1;
	for (i = 0; i < 200 && xs.n < count; i++) {
		xsk_recv(&xsk, xsk_seen_packet, &xs);
		usleep(10000);
		if (i == 100)
			pthread_join(thread, NULL);
	}
	if (i <= 100)
		pthread_join(thread, NULL);
	xsk_recv(&xsk, xsk_seen_packet, &xs);

	tap_ok(skel->bss->inline_sent == (__u64)(count / 2) &&
	       skel->bss->published == (__u64)(count - count / 2) &&
	       !skel->bss->await_failed && !skel->bss->slot_busy,
	       "%llu delivered inline, %llu suspended (%llu awaits failed, %llu slots busy)",
	       skel->bss->inline_sent, skel->bss->published,
	       skel->bss->await_failed, skel->bss->slot_busy);
	tap_ok(skel->bss->resumed == skel->bss->published && !skel->bss->resume_failed,
	       "the resumer on CPU 1 redirected all %llu suspended ones (%llu failed)",
	       skel->bss->resumed, skel->bss->resume_failed);
	tap_ok(xs.n == count && !xs.bad,
	       "the socket received %ld of %ld datagrams, %ld damaged or twice",
	       xs.n, count, xs.bad);

	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	xsk_close(&xsk);
	xsk_producers__destroy(skel);
	for (i = 0; i < 50 && sysctl_read(HANDLES) != handles0; i++)
		usleep(100000);
	tap_eq(sysctl_read(HANDLES), handles0, "no coroutine handle left");
	return tap_exit();
}
