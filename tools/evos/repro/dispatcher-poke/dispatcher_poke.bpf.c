// SPDX-License-Identifier: GPL-2.0
/*
 * Two XDP programs for the dispatcher-poke reproducer: xdp_count is
 * attached to a veth device and counts its runs per CPU; xdp_test only
 * serves as the target of BPF_PROG_TEST_RUN, whose every call with
 * repeat > 1 adds it to the XDP dispatcher and removes it again.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define MAX_CPUS 4

__u64 xdp_runs[MAX_CPUS];
__u64 test_runs;

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu < MAX_CPUS)
		__sync_fetch_and_add(&xdp_runs[cpu], 1);
	return XDP_DROP;
}

SEC("xdp")
int xdp_test(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&test_runs, 1);
	return XDP_PASS;
}
