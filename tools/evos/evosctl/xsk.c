// SPDX-License-Identifier: GPL-2.0
/*
 * A small AF_XDP socket for evosctl and the EvOS selftests (see xsk.h).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xsk.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

static int ring_map(struct xsk *x, struct xsk_ring *r, const struct xdp_ring_offset *off,
		    __u32 size, size_t desc_size, off_t pgoff)
{
	r->map_len = off->desc + size * desc_size;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_POPULATE, x->fd, pgoff);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -errno;
	}
	r->producer = r->map + off->producer;
	r->consumer = r->map + off->consumer;
	r->descs = r->map + off->desc;
	r->size = size;
	return 0;
}

int xsk_open(struct xsk *x, int ifindex, int queue, __u32 nframes, __u32 frame_size)
{
	struct xdp_umem_reg reg = { .chunk_size = frame_size };
	struct sockaddr_xdp sa = {
		.sxdp_family = AF_XDP,
		.sxdp_ifindex = ifindex,
		.sxdp_queue_id = queue,
		.sxdp_flags = XDP_COPY,
	};
	struct xdp_mmap_offsets off;
	socklen_t optlen = sizeof(off);
	__u64 *fill;
	__u32 i;
	int err;

	memset(x, 0, sizeof(*x));
	x->frame_size = frame_size;
	x->fd = socket(AF_XDP, SOCK_RAW, 0);
	if (x->fd < 0)
		return -errno;
	x->umem_len = (size_t)nframes * frame_size;
	x->umem = mmap(NULL, x->umem_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->umem == MAP_FAILED) {
		x->umem = NULL;
		err = -errno;
		goto fail;
	}
	reg.addr = (__u64)(unsigned long)x->umem;
	reg.len = x->umem_len;
	if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_UMEM_FILL_RING, &nframes, sizeof(nframes)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &nframes, sizeof(nframes)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_RX_RING, &nframes, sizeof(nframes)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_TX_RING, &nframes, sizeof(nframes)) ||
	    getsockopt(x->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen)) {
		err = -errno;
		goto fail;
	}
	err = ring_map(x, &x->fill, &off.fr, nframes, sizeof(__u64), XDP_UMEM_PGOFF_FILL_RING);
	err = err ?: ring_map(x, &x->comp, &off.cr, nframes, sizeof(__u64),
			      XDP_UMEM_PGOFF_COMPLETION_RING);
	err = err ?: ring_map(x, &x->rx, &off.rx, nframes, sizeof(struct xdp_desc),
			      XDP_PGOFF_RX_RING);
	err = err ?: ring_map(x, &x->tx, &off.tx, nframes, sizeof(struct xdp_desc),
			      XDP_PGOFF_TX_RING);
	if (err)
		goto fail;

	/* Every frame starts in the fill ring. */
	fill = x->fill.descs;
	for (i = 0; i < nframes; i++)
		fill[i] = (__u64)i * frame_size;
	__atomic_store_n(x->fill.producer, nframes, __ATOMIC_RELEASE);

	if (bind(x->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		goto fail;
	}
	return 0;
fail:
	xsk_close(x);
	return err;
}

void xsk_close(struct xsk *x)
{
	struct xsk_ring *rings[] = { &x->fill, &x->comp, &x->rx, &x->tx };
	size_t i;

	for (i = 0; i < sizeof(rings) / sizeof(rings[0]); i++)
		if (rings[i]->map)
			munmap(rings[i]->map, rings[i]->map_len);
	if (x->umem)
		munmap(x->umem, x->umem_len);
	if (x->fd >= 0)
		close(x->fd);
	memset(x, 0, sizeof(*x));
	x->fd = -1;
}

int xsk_recv(struct xsk *x, int (*fn)(void *pkt, __u32 len, void *arg), void *arg)
{
	__u32 prod = __atomic_load_n(x->rx.producer, __ATOMIC_ACQUIRE);
	__u32 comp_prod = __atomic_load_n(x->comp.producer, __ATOMIC_ACQUIRE);
	__u32 cons = *x->rx.consumer, comp_cons = *x->comp.consumer;
	__u32 fprod = *x->fill.producer, tprod = *x->tx.producer;
	struct xdp_desc *descs = x->rx.descs, *tx = x->tx.descs;
	__u64 *fill = x->fill.descs, *comp = x->comp.descs;
	int n = 0, sent = 0;

	/* Sent frames are free again. */
	for (; comp_cons != comp_prod; comp_cons++)
	{
		__u64 addr = comp[comp_cons & (x->comp.size - 1)];

		fill[fprod++ & (x->fill.size - 1)] = addr - addr % x->frame_size;
	}
	__atomic_store_n(x->comp.consumer, comp_cons, __ATOMIC_RELEASE);

	for (; cons != prod; cons++, n++) {
		const struct xdp_desc *d = &descs[cons & (x->rx.size - 1)];

		if (fn((char *)x->umem + d->addr, d->len, arg) == XSK_SEND) {
			tx[tprod++ & (x->tx.size - 1)] = *d;
			sent++;
			continue;
		}
		/* Give the frame back: its start, whatever the offset. */
		fill[fprod++ & (x->fill.size - 1)] = d->addr - d->addr % x->frame_size;
	}
	__atomic_store_n(x->rx.consumer, cons, __ATOMIC_RELEASE);
	__atomic_store_n(x->fill.producer, fprod, __ATOMIC_RELEASE);
	if (sent) {
		int tries;

		__atomic_store_n(x->tx.producer, tprod, __ATOMIC_RELEASE);
		/*
		 * Copy mode transmits in sendto(), a bounded batch per call:
		 * kick until the kernel has taken the whole ring.
		 */
		for (tries = 0; tries < 256 &&
		     __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE) != tprod; tries++) {
			sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
			x->tx_kicks++;
		}
	}
	return n;
}
