/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal AF_XDP receiver for the EvOS selftests: one socket with its
 * UMEM, fill and rx rings, bound in copy mode to one queue of a device.
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
	struct xsk_ring fill, comp, rx;
};

/*
 * Open a socket on queue @queue of @ifindex with @nframes frames of
 * @frame_size bytes (powers of two), all given to the fill ring.
 * Returns 0 or a negative errno.
 */
int xsk_open(struct xsk *x, int ifindex, int queue, __u32 nframes, __u32 frame_size);
void xsk_close(struct xsk *x);

/*
 * Receive what the rx ring holds: @fn sees each packet, then its frame
 * goes back to the fill ring.  Returns the number of packets.
 */
int xsk_recv(struct xsk *x, void (*fn)(const void *pkt, __u32 len, void *arg),
	     void *arg);

#endif /* __EVOS_XSK_H */
