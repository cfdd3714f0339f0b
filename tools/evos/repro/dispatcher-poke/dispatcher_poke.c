// SPDX-License-Identifier: GPL-2.0
/*
 * dispatcher_poke - rewrite the XDP dispatcher on one CPU while another
 * CPU calls through it.
 *
 * Usage: dispatcher_poke RX_IF TX_IF ITERATIONS SECONDS
 *
 * xdp_count is attached (native mode) to RX_IF, the peer of the veth
 * device TX_IF.  A thread on CPU 1 sends raw Ethernet frames on TX_IF, so
 * that veth runs xdp_count on CPU 1 through bpf_dispatcher_xdp_func().
 * The main thread, on CPU 0, runs xdp_test with BPF_PROG_TEST_RUN and
 * repeat = 2, ITERATIONS times or for SECONDS, whichever ends first: each
 * run adds xdp_test to the XDP dispatcher and removes it, two dispatcher
 * updates, each a static_call_update() of bpf_dispatcher_xdp_call, which
 * rewrites live kernel text with text_poke_bp().
 *
 * Prints the number of test runs, frames sent and XDP runs per CPU; fails
 * when either side did not run.  Nothing here checks for the oops: an
 * oops in the kernel panics the guest (oops=panic) and the caller reads
 * the console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dispatcher_poke.skel.h"

#define FRAME_LEN 64
#define ETH_P_REPRO 0x88b5	/* IEEE 802 local experimental */

struct sender {
	int ifindex;
	volatile bool stop;
	volatile unsigned long sent;
	volatile int err;
};

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *send_frames(void *arg)
{
	struct sender *s = arg;
	struct sockaddr_ll addr = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_REPRO),
		.sll_ifindex = s->ifindex,
		.sll_halen = ETH_ALEN,
	};
	unsigned char frame[FRAME_LEN] = {};
	struct ethhdr *eth = (struct ethhdr *)frame;
	int fd;

	s->err = pin_to_cpu(1);
	if (s->err)
		return NULL;
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		s->err = -errno;
		return NULL;
	}
	memset(eth->h_dest, 0xff, ETH_ALEN);
	memcpy(addr.sll_addr, eth->h_dest, ETH_ALEN);
	eth->h_source[0] = 0x02;
	eth->h_proto = htons(ETH_P_REPRO);
	while (!s->stop) {
		if (sendto(fd, frame, sizeof(frame), 0,
			   (struct sockaddr *)&addr, sizeof(addr)) == sizeof(frame))
			s->sent++;
		else if (errno != ENOBUFS && errno != EAGAIN)
			s->err = -errno;
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned char pkt[FRAME_LEN] = { [12] = 0x88, [13] = 0xb5 };
	LIBBPF_OPTS(bpf_test_run_opts, topts,
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
		.repeat = 2,
	);
	struct sender snd = {};
	struct dispatcher_poke *skel;
	unsigned long iterations, runs = 0;
	int rx_ifindex, test_fd, err, i;
	double seconds, start;
	pthread_t thread;

	if (argc != 5) {
		fprintf(stderr, "usage: %s RX_IF TX_IF ITERATIONS SECONDS\n", argv[0]);
		return 2;
	}
	rx_ifindex = if_nametoindex(argv[1]);
	snd.ifindex = if_nametoindex(argv[2]);
	iterations = strtoul(argv[3], NULL, 0);
	seconds = strtod(argv[4], NULL);
	if (!rx_ifindex || !snd.ifindex) {
		fprintf(stderr, "no such interface: %s or %s\n", argv[1], argv[2]);
		return 2;
	}

	skel = dispatcher_poke__open_and_load();
	if (!skel) {
		fprintf(stderr, "loading the XDP programs failed: %s\n", strerror(errno));
		return 1;
	}
	err = bpf_xdp_attach(rx_ifindex, bpf_program__fd(skel->progs.xdp_count),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "attaching xdp_count to %s failed: %s\n", argv[1], strerror(-err));
		goto out;
	}
	err = pthread_create(&thread, NULL, send_frames, &snd);
	if (err) {
		fprintf(stderr, "pthread_create: %s\n", strerror(err));
		goto detach;
	}
	err = pin_to_cpu(0);
	if (err) {
		fprintf(stderr, "pinning to CPU 0: %s\n", strerror(-err));
		goto stop;
	}

	/* Let traffic start before the dispatcher is rewritten. */
	while (!snd.sent && !snd.err)
		sched_yield();

	test_fd = bpf_program__fd(skel->progs.xdp_test);
	start = now_sec();
	while (runs < iterations && now_sec() - start < seconds) {
		err = bpf_prog_test_run_opts(test_fd, &topts);
		if (err) {
			fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", strerror(-err));
			break;
		}
		runs++;
	}
	printf("test runs: %lu (%lu dispatcher updates) in %.1f s\n",
	       runs, 2 * runs, now_sec() - start);
stop:
	snd.stop = true;
	pthread_join(thread, NULL);
	if (snd.err && !err) {
		fprintf(stderr, "sending on %s: %s\n", argv[2], strerror(-snd.err));
		err = snd.err;
	}
	printf("frames sent on CPU 1: %lu\n", snd.sent);
	for (i = 0; i < libbpf_num_possible_cpus() && i < 4; i++)
		printf("xdp_count runs on CPU %d: %llu\n", i,
		       (unsigned long long)skel->bss->xdp_runs[i]);
	printf("xdp_test runs: %llu\n", (unsigned long long)skel->bss->test_runs);
	if (!err && (!runs || !skel->bss->xdp_runs[1])) {
		fprintf(stderr, "one side did not run\n");
		err = -EAGAIN;
	}
detach:
	bpf_xdp_detach(rx_ifindex, XDP_FLAGS_DRV_MODE, NULL);
out:
	dispatcher_poke__destroy(skel);
	return err ? 1 : 0;
}
