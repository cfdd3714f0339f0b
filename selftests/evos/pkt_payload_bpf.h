/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests' UDP payload header (pkt_payload.h), for BPF programs, and
 * finding it in an XDP frame (with evos_parse.h and bpf_endian.h).
 */
#ifndef __PKT_PAYLOAD_BPF_H
#define __PKT_PAYLOAD_BPF_H

struct pkt_payload {
	__u32 magic;
	__u32 flow;
	__u64 seq;
};

/*
 * The payload of a test datagram: an IPv4/UDP frame to @port with room for
 * a struct pkt_payload; NULL for any other frame.  *@sport, when @sport is
 * not NULL, gets the datagram's source port.
 */
static __always_inline struct pkt_payload *pkt_payload_xdp(struct xdp_md *ctx, __u16 port,
							   __u16 *sport)
{
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp = evos_parse_udp4(ctx);
	struct pkt_payload *p;

	if (!udp || udp->dest != bpf_htons(port))
		return NULL;
	p = (void *)(udp + 1);
	if ((void *)(p + 1) > data_end)
		return NULL;
	if (sport)
		*sport = udp->source;
	return p;
}

#endif /* __PKT_PAYLOAD_BPF_H */
