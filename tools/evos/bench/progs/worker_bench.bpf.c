// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the worker benchmark (worker_bench.c): the same datagrams
 * reach the same AF_XDP socket of b0's queue 0 by two paths.
 *
 *   EvOS      xdp_evos awaits; the coroutine goes to worker 0 (on CPU 1),
 *             whose run resumes it; the resumed run redirects to the XSK.
 *   baseline  xdp_cpumap redirects to the cpumap entry of CPU 1, whose
 *             program, cpumap_to_xsk, redirects to the XSK.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "bpf_experimental.h"

#include "evos_coro.h"
#include "evos_worker.h"
#include "evos_parse.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

const volatile __u16 port = 9000;
__u64 failed;

static bool is_test_udp(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);

	return udp && udp->dest == bpf_htons(port);
}

static int to_worker(struct bpf_coro *h, __u64 cookie)
{
	if (bpf_coro_queue_push(0, h))
		failed++;
	return 0;
}

SEC("xdp")
int xdp_evos(struct xdp_md *ctx)
{
	if (!is_test_udp(ctx))
		return XDP_PASS;
	if (bpf_coro_await(ctx, to_worker, 0) < 0) {
		failed++;
		return XDP_DROP;
	}
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_DROP);
}

SEC("struct_ops/run")
int BPF_PROG(run, struct evos_worker *w)
{
	return evos_worker_resume_batch(w, 64);
}

SEC(".struct_ops.link")
struct evos_worker_ops bench_worker = {
	.run = (void *)run,
	.nr_workers = 1,
	.batch = 64,
	.cpus = 0x2,		/* CPU 1 */
	.name = "bench",
};

SEC("xdp")
int xdp_cpumap(struct xdp_md *ctx)
{
	if (!is_test_udp(ctx))
		return XDP_PASS;
	return bpf_redirect_map(&cpus, 1, XDP_DROP);
}

/* cpumap loses the rx queue index: queue 0 it is. */
SEC("xdp/cpumap")
int cpumap_to_xsk(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, 0, XDP_DROP);
}
