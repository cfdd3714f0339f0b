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

#ifndef ETH_ALEN
#define ETH_ALEN	6
#endif

/**
 * evos_reflect_udp4() - turn an IPv4/UDP frame back to its sender.
 * @ctx: the XDP context
 *
 * Swaps the Ethernet addresses, the IP addresses and the UDP ports; the
 * checksums stay valid.  Does nothing to other frames.
 */
static __always_inline void evos_reflect_udp4(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct udphdr *udp = evos_parse_udp4(ctx);
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	__u8 mac[ETH_ALEN];
	__u32 addr;
	__u16 port;

	if (!udp || (void *)(ip + 1) > (void *)udp)
		return;
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
}

#endif /* __EVOS_PARSE_H */
