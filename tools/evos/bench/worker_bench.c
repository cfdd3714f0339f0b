// SPDX-License-Identifier: GPL-2.0
/*
 * worker_bench - packets per consumed CPU-second, EvOS workers against
 * cpumap, into the same AF_XDP socket.
 *
 *   worker_bench NS_PEER NS_EVOS [--packets N] [--rounds R]
 *
 * pktgen sends N datagrams from NS_PEER on CPU 0; XDP on b0 (NS_EVOS) runs
 * on CPU 0 too.  The second stage runs on CPU 1: an EvOS worker that
 * resumes the suspended packets, or the cpumap thread of CPU 1 with its
 * program; both redirect to the AF_XDP socket of b0's queue 0, which this
 * program reads on CPU 1, sleeping in poll().  The cost of a run is the
 * busy time of CPUs 0 and 1 from /proc/stat.  Rounds alternate the two
 * paths; the medians go out as JSON.  An EvOS round counts only if the
 * kernel suspended and resumed each of its packets once (xdp_evos's
 * coro_suspended and coro_resumed): a packet that reached the socket
 * some other way would not measure the worker path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "testlib.h"
#include "worker_bench.skel.h"
#include "xsk.h"

static const char *ns_peer;

/* Busy ticks (all but idle and iowait) of CPUs 0 and 1. */
static long long busy_ticks(void)
{
	unsigned long long v[10];
	long long busy = 0;
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int cpu;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 9)
			continue;
		if (cpu == 0 || cpu == 1)
			busy += v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	}
	fclose(f);
	return busy;
}

static int count_packet(void *pkt, __u32 len, void *arg)
{
	(void)pkt;
	(void)len;
	(*(long *)arg)++;
	return XSK_DONE;
}

/* One run: @n datagrams through whatever is attached; CPU-seconds used. */
static double one_run(struct xsk *xsk, long n, long *received)
{
	struct pollfd pfd = { .fd = xsk->fd, .events = POLLIN };
	long long t0, t1;
	pid_t pid;
	int idle = 0;

	*received = 0;
	pin_to_cpu(1);
	t0 = busy_ticks();
	pid = fork();
	if (pid == 0)
		_exit(send_from_ns(ns_peer, 0, n, 8));
	while (*received < n && idle < 20) {
		if (poll(&pfd, 1, 100) <= 0) {
			idle++;
			continue;
		}
		xsk_recv(xsk, count_packet, received);
	}
	waitpid(pid, NULL, 0);
	t1 = busy_ticks();
	return (double)(t1 - t0) / sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "packets", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	long long suspended = 0, resumed = 0, s0, r0;
	double evos[16], base[16];
	long packets = 20000, got;
	int rounds = 3, opt, i, ifindex, err = 0, evos_fd;
	struct bpf_cpumap_val cv = { .qsize = 2048 };
	struct worker_bench *skel;
	struct bpf_link *link;
	struct xsk xsk;
	__u32 zero = 0, one = 1;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) >= 0) {
		switch (opt) {
		case 'n':
			packets = atol(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || packets < 1 || rounds < 1 || rounds > 16)
		goto usage;
	ns_peer = argv[optind];
	if (enter_ns(argv[optind + 1])) {
		perror("worker_bench: entering the namespace");
		return 1;
	}

	skel = worker_bench__open_and_load();
	ifindex = if_nametoindex("b0");
	if (!skel || !ifindex || xsk_open(&xsk, ifindex, 0, 4096, 2048)) {
		fprintf(stderr, "worker_bench: setup failed: %s\n", strerror(errno));
		return 1;
	}
	cv.bpf_prog.fd = bpf_program__fd(skel->progs.cpumap_to_xsk);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.xsks), &zero, &xsk.fd, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.cpus), &one, &cv, BPF_ANY)) {
		fprintf(stderr, "worker_bench: map setup failed: %s\n", strerror(errno));
		return 1;
	}

	evos_fd = bpf_program__fd(skel->progs.xdp_evos);
	for (i = 0; i < rounds && !err; i++) {
		/* EvOS: XDP -> await -> worker on CPU 1 -> XSK */
		link = bpf_map__attach_struct_ops(skel->maps.bench_worker);
		err = !link || bpf_xdp_attach(ifindex, evos_fd, XDP_FLAGS_DRV_MODE, NULL);
		s0 = coro_counter(evos_fd, "suspended");
		r0 = coro_counter(evos_fd, "resumed");
		evos[i] = one_run(&xsk, packets, &got);
		suspended = coro_counter(evos_fd, "suspended") - s0;
		resumed = coro_counter(evos_fd, "resumed") - r0;
		err |= got != packets || s0 < 0 || suspended != packets || resumed != packets;
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		bpf_link__destroy(link);

		/* baseline: XDP -> cpumap (CPU 1) -> cpumap program -> XSK */
		err |= bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.xdp_cpumap),
				      XDP_FLAGS_DRV_MODE, NULL);
		base[i] = one_run(&xsk, packets, &got);
		err |= got != packets;
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	}
	if (err || skel->bss->failed) {
		fprintf(stderr, "worker_bench: a run lost packets or bypassed the workers (last EvOS run: %lld suspended, %lld resumed; %ld of %ld received in the last run; %llu failed)\n",
			suspended, resumed, got, packets, skel->bss->failed);
		return 1;
	}
	printf("{\"packets\": %ld, \"rounds\": %d, "
	       "\"evos_pps_per_cpu_second\": %.0f, \"cpumap_pps_per_cpu_second\": %.0f, "
	       "\"ratio\": %.3f}\n",
	       packets, rounds, packets / median(evos, rounds), packets / median(base, rounds),
	       median(base, rounds) / median(evos, rounds));
	xsk_close(&xsk);
	worker_bench__destroy(skel);
	return 0;
usage:
	fprintf(stderr, "usage: worker_bench NS_PEER NS_EVOS [--packets N] [--rounds R]\n");
	return 2;
}
