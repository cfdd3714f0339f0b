/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The peer's side of the reflecting tests: an XDP program for a0 that
 * counts the test datagrams coming back (source port = the test port) in
 * "reflected" and drops them.  The including program defines port and
 * reflected.
 */
#ifndef __XDP_PEER_H
#define __XDP_PEER_H

SEC("xdp")
int xdp_peer(struct xdp_md *ctx)
{
	struct udphdr *udp = evos_parse_udp4(ctx);

	if (udp && udp->source == bpf_htons(port)) {
		__sync_fetch_and_add(&reflected, 1);
		return XDP_DROP;
	}
	return XDP_PASS;
}

#endif /* __XDP_PEER_H */
