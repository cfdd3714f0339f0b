// SPDX-License-Identifier: GPL-2.0
/*
 * coro_bench - the cost of an await round trip, as a ratio.
 *
 *   coro_bench [--packets N] [--rounds R]
 *
 * Each round sends N packets through BPF_PROG_TEST_RUN with live frames on
 * CPU 0 to two XDP programs that do the same work: xdp_inline drops each
 * packet at once; xdp_await suspends each, and a SYSCALL program then
 * resumes them all, on CPU 0 (same CPU) or CPU 1 (cross-CPU), where they
 * drop their packets.  The result is the median over the rounds of
 * (suspend + resume time) / (inline time), as a JSON object on stdout.
 * Timings under emulation are not absolute figures; the ratio, measured
 * in one run, is the result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "coro_bench.skel.h"
#include "testlib.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int xdp_run(struct bpf_program *prog, int packets)
{
	unsigned char pkt[64] = { [12] = 0x08, [13] = 0x00 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = sizeof(pkt),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .repeat = packets);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
}

static int syscall_run(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "packets", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int packets = 2000, rounds = 7, opt, i, err = 0;
	double t_inline[64], t_same[64], t_cross[64];
	struct coro_bench *skel;
	__u64 expect;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) >= 0) {
		switch (opt) {
		case 'n':
			packets = atoi(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: coro_bench [--packets N] [--rounds R]\n");
			return 2;
		}
	}
	if (packets < 1 || packets > 65536 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "coro_bench: --packets wants 1..65536 and --rounds 1..64\n");
		return 2;
	}

	skel = coro_bench__open_and_load();
	if (!skel) {
		fprintf(stderr, "coro_bench: cannot load coro_bench.bpf.o: %s\n",
			strerror(errno));
		return 1;
	}

	/* Warm up both paths once. */
	pin_to_cpu(0);
	err |= xdp_run(skel->progs.xdp_inline, packets);
	err |= xdp_run(skel->progs.xdp_await, packets);
	err |= syscall_run(skel->progs.resume_all);

	for (i = 0; i < rounds && !err; i++) {
		double t0, t1, t2;
		int cross;

		pin_to_cpu(0);
		t0 = now();
		err |= xdp_run(skel->progs.xdp_inline, packets);
		t_inline[i] = now() - t0;

		/* Alternate which goes first, so neither always runs colder. */
		for (int k = 0; k < 2; k++) {
			cross = k ^ (i & 1);
			pin_to_cpu(0);
			t0 = now();
			err |= xdp_run(skel->progs.xdp_await, packets);
			t1 = now() - t0;
			pin_to_cpu(cross);	/* migrating is not part of the cost */
			t0 = now();
			err |= syscall_run(skel->progs.resume_all);
			t2 = now() - t0;
			(cross ? t_cross : t_same)[i] = t1 + t2;
		}
	}

	/* Every packet of every run must have completed, or the figures lie. */
	expect = (__u64)packets * (2 * rounds + 1) + (__u64)packets * (rounds + 1);
	if (err || skel->bss->failed || skel->bss->completed != expect) {
		fprintf(stderr, "coro_bench: runs failed (err %d, await failed %llu, completed %llu of %llu)\n",
			err, skel->bss->failed, skel->bss->completed, expect);
		coro_bench__destroy(skel);
		return 1;
	}

	printf("{\"packets\": %d, \"rounds\": %d, "
	       "\"inline_ns_per_packet\": %.0f, "
	       "\"await_same_cpu_ns_per_packet\": %.0f, "
	       "\"await_cross_cpu_ns_per_packet\": %.0f, "
	       "\"ratio_same_cpu\": %.3f, \"ratio_cross_cpu\": %.3f}\n",
	       packets, rounds,
	       median(t_inline, rounds) * 1e9 / packets,
	       median(t_same, rounds) * 1e9 / packets,
	       median(t_cross, rounds) * 1e9 / packets,
	       median(t_same, rounds) / median(t_inline, rounds),
	       median(t_cross, rounds) / median(t_inline, rounds));
	coro_bench__destroy(skel);
	return 0;
}
