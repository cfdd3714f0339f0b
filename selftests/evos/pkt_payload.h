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

/* Ethernet, IPv4 without options and UDP headers before the payload. */
#define PKT_FRAME_HDRS	(14 + 20 + 8)

/*
 * Check a whole frame (as an AF_XDP socket sees it) whose sequence number
 * must be below @count and not yet in @seen, which it is then marked in.
 * Returns 0 when the payload is intact and new.
 */
static inline int pkt_frame_check(const unsigned char *frame, size_t len,
				  unsigned char *seen, unsigned long count)
{
	struct pkt_payload h;

	if (len < PKT_FRAME_HDRS + sizeof(h))
		return -1;
	memcpy(&h, frame + PKT_FRAME_HDRS, sizeof(h));
	if (pkt_payload_check(frame + PKT_FRAME_HDRS, len - PKT_FRAME_HDRS) ||
	    h.seq >= count || seen[h.seq]++)
		return -1;
	return 0;
}

#endif /* __PKT_PAYLOAD_H */
