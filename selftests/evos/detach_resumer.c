// SPDX-License-Identifier: GPL-2.0
/*
 * detach_resumer - XDP detach against a resumer that is re-suspending,
 * driven by test_detach_resumer.sh.
 *
 *   detach_resumer NS_PEER NS_EVOS ROUNDS
 *
 * Each round: xdp_again is attached to b0, 64 datagrams each make a
 * coroutine that awaits again the first 31 times it is resumed (32 await
 * points, each followed by some work), and a thread on
 * CPU 1 resumes them in a loop.  While it does, the program is detached
 * from b0.  Once the detach has returned and the resumer has finished the
 * run it was in, no coroutine of the program may be parked: those the
 * resumer was running when the detach came complete, but may not suspend
 * again (the kernel counts them as refused).  Over the rounds, some must
 * have been refused, or the race was never hit.
 *
 * The program also stays attached to lo (generic XDP, no traffic) for the
 * whole test, so that detaching it from b0 does not rewrite the XDP
 * dispatcher that the resumer's runs call through: on multi-threaded TCG
 * that rewrite (text_poke_bp()) can oops a vCPU that is executing it.
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

#include "detach_resumer.skel.h"
#include "testlib.h"

#define PACKETS 64

static volatile int stop;

static void *resumer(void *arg)
{
	struct detach_resumer *skel = arg;

	pin_to_cpu(1);
	while (!stop)
		run_syscall(skel->progs.resume_all);
	return NULL;
}

int main(int argc, char **argv)
{
	long long parked0, handles0, left = 0;
	struct detach_resumer *skel;
	int ifindex, prog_fd, rounds, r, bad_rounds = 0, lo;

	if (argc != 4) {
		fprintf(stderr, "usage: detach_resumer NS_PEER NS_EVOS ROUNDS\n");
		return 2;
	}
	rounds = atoi(argv[3]);
	if (enter_ns(argv[2])) {
		perror("detach_resumer: setup");
		return 2;
	}
	tap_plan(6);
	parked0 = sysctl_read(PARKED);
	handles0 = sysctl_read(HANDLES);
	skel = detach_resumer__open_and_load();
	ifindex = if_nametoindex("b0");
	if (!tap_ok(skel && ifindex, "detach_resumer.bpf.o loaded, b0 found"))
		return 1;
	prog_fd = bpf_program__fd(skel->progs.xdp_again);
	lo = if_nametoindex("lo");
	if (!tap_ok(lo && !bpf_xdp_attach(lo, prog_fd, XDP_FLAGS_SKB_MODE, NULL),
		    "xdp_again kept in the XDP dispatcher (generic XDP on lo)"))
		return 1;

	for (r = 0; r < rounds; r++) {
		pthread_t thread;
		__u64 resumes;

		if (bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL)) {
			bad_rounds++;
			break;
		}
		skel->bss->next_slot = 0;
		stop = 0;
		pthread_create(&thread, NULL, resumer, skel);
		pin_to_cpu(0);
		send_from_ns(argv[1], 0, PACKETS, 8);
		/* Let the resumer get going on every coroutine. */
		resumes = skel->bss->resumes;
		for (int i = 0; i < 1000 && skel->bss->resumes < resumes + PACKETS; i++)
			usleep(1000);
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		/* The resumer finishes its current pass: nothing may park again. */
		usleep(50000);
		stop = 1;
		pthread_join(thread, NULL);
		run_syscall(skel->progs.resume_all);	/* empty handles */
		left = coro_counter(prog_fd, "parked");
		if (left != 0) {
			printf("#   round %d: %lld coroutines still parked after detach\n", r, left);
			bad_rounds++;
		}
	}
	tap_ok(!bad_rounds,
	       "%d rounds of detach under a resumer: no coroutine left parked after any (%d bad)",
	       rounds, bad_rounds);
	tap_ok(coro_counter(prog_fd, "refused") > 0 && skel->bss->resumed_again > 0,
	       "the detach met resumes in flight: %lld re-suspensions refused, %llu made",
	       coro_counter(prog_fd, "refused"), skel->bss->resumed_again);
	tap_ok(coro_counter(prog_fd, "created") ==
	       coro_counter(prog_fd, "completed_drop") + coro_counter(prog_fd, "destroyed") &&
	       coro_counter(prog_fd, "destroyed") > 0,
	       "counters: created %lld = completed %lld + destroyed %lld",
	       coro_counter(prog_fd, "created"), coro_counter(prog_fd, "completed_drop"),
	       coro_counter(prog_fd, "destroyed"));
	bpf_xdp_detach(lo, XDP_FLAGS_SKB_MODE, NULL);
	detach_resumer__destroy(skel);
	tap_coro_baselines("after the test", parked0, handles0, 5000);
	return tap_exit();
}
