/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Payload of the selftests' UDP datagrams: a header, then a pattern that
 * depends on the sequence number, so that a receiver can verify every byte.
 */
#ifndef __PKT_PAYLOAD_H
#define __PKT_PAYLOAD_H

#include <stdint.h>
#include <string.h>

#define PKT_MAGIC 0x45764f53u	/* "EvOS" */

struct pkt_payload {
	uint32_t magic;
	uint32_t flow;
	uint64_t seq;
};

static inline void pkt_payload_fill(unsigned char *buf, size_t size,
				    uint64_t seq, uint32_t flow)
{
	struct pkt_payload h = { PKT_MAGIC, flow, seq };
	size_t i;

	memcpy(buf, &h, sizeof(h));
	for (i = sizeof(h); i < size; i++)
		buf[i] = (unsigned char)(seq * 31 + i);
}

/* Returns 0 when @buf is the payload pkt_payload_fill() would make. */
static inline int pkt_payload_check(const unsigned char *buf, size_t size)
{
	struct pkt_payload h;
	size_t i;

	if (size < sizeof(h))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PKT_MAGIC)
		return -1;
	for (i = sizeof(h); i < size; i++)
		if (buf[i] != (unsigned char)(h.seq * 31 + i))
			return -1;
	return 0;
}

#endif /* __PKT_PAYLOAD_H */
