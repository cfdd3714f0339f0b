/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small AF_XDP socket for evosctl and the EvOS selftests: one socket with
 * its UMEM and its fill, completion, rx and tx rings, bound in copy mode to
 * one queue of a device.  Frames go round: fill -> rx -> (tx -> completion
 * ->) fill.  One thread drives a socket: it is the socket's only producer.
 */
#ifndef __EVOS_XSK_H
#define __EVOS_XSK_H

#include <linux/types.h>
#include <linux/if_xdp.h>

struct xsk_ring {
	__u32 *producer;
	__u32 *consumer;
	void *descs;
	__u32 size;
	void *map;
	size_t map_len;
};

struct xsk {
	int fd;
	void *umem;
	size_t umem_len;
	__u32 frame_size;
	struct xsk_ring fill, comp, rx, tx;
	unsigned long long tx_kicks;
};

/*
 * Open a socket on queue @queue of @ifindex with @nframes frames of
 * @frame_size bytes (powers of two), all given to the fill ring.
 * Returns 0 or a negative errno.
 */
int xsk_open(struct xsk *x, int ifindex, int queue, __u32 nframes, __u32 frame_size);
void xsk_close(struct xsk *x);

/* What the callback of xsk_recv() wants done with a packet. */
enum xsk_verdict {
	XSK_DONE,	/* the frame goes back to the fill ring */
	XSK_SEND,	/* send the packet (changed in place) back out */
};

/*
 * Receive what the rx ring holds: @fn sees each packet and says what to do
 * with it.  Frames whose transmission completed go back to the fill ring.
 * Returns the number of packets received.
 */
int xsk_recv(struct xsk *x, int (*fn)(void *pkt, __u32 len, void *arg), void *arg);

#endif /* __EVOS_XSK_H */
