/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Small packet parsing helpers for EvOS XDP programs.
 */
#ifndef __EVOS_PARSE_H
#define __EVOS_PARSE_H

#ifndef ETH_P_IP
#define ETH_P_IP	0x0800
#endif
#ifndef IPPROTO_UDP
#define IPPROTO_UDP	17
#endif

/**
 * evos_parse_udp4() - find the UDP header of an IPv4/UDP frame.
 * @ctx: the XDP context
 *
 * Returns a pointer to the UDP header, or NULL when the frame is not
 * IPv4/UDP or is truncated.  Options in the IP header are honoured.
 */
static __always_inline struct udphdr *evos_parse_udp4(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	struct iphdr *ip;

	if ((void *)(eth + 1) > data_end)
		return NULL;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return NULL;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl < 5)
		return NULL;
	if (ip->protocol != IPPROTO_UDP)
		return NULL;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end)
		return NULL;
	return udp;
}

#endif /* __EVOS_PARSE_H */
