// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * xdp_count - the smallest EvOS data path: count what arrives and pass it.
 *
 * Every frame is counted in rx_packets; IPv4/UDP frames to the port set in
 * udp_port (0: any port) are also counted in rx_udp.  All frames go on to
 * the stack.  evosctl reads the counters by name ("evosctl stats").
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "evos_parse.h"
#include "evos_stats.h"

struct xdp_count_stats {
	__u64 rx_packets;	/* every frame */
	__u64 rx_udp;		/* IPv4/UDP frames to udp_port */
};

EVOS_STATS_MAP(struct xdp_count_stats);

/* The UDP destination port to count, in host order; 0 counts every port. */
const volatile __u16 udp_port = 9000;

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	struct udphdr *udp;

	evos_count(rx_packets);
	udp = evos_parse_udp4(ctx);
	if (udp && (!udp_port || udp->dest == bpf_htons(udp_port)))
		evos_count(rx_udp);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
