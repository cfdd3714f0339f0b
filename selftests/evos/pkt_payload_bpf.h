/* SPDX-License-Identifier: GPL-2.0 */
/* The selftests' UDP payload header (pkt_payload.h), for BPF programs. */
#ifndef __PKT_PAYLOAD_BPF_H
#define __PKT_PAYLOAD_BPF_H

struct pkt_payload {
	__u32 magic;
	__u32 flow;
	__u64 seq;
};

#endif /* __PKT_PAYLOAD_BPF_H */
