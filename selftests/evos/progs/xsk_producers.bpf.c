// SPDX-License-Identifier: GPL-2.0
/*
 * One AF_XDP socket, two producers at once: the XDP program on b0 sends
 * odd datagrams straight to the socket of queue 0, and suspends even
 * ones, which a SYSCALL program resumes on another CPU and sends to the
 * same socket.  See xsk_producers.c.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "evos_coro.h"
#include "evos_parse.h"
#include "coro_slots.h"
#include "../pkt_payload_bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_SLOTS 4096

CORO_SLOTS(NR_SLOTS);

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

__u64 inline_sent, published, await_failed, slot_busy, resumed, resume_failed;

static int stash(struct bpf_coro *h, __u64 key)
{
	__sync_fetch_and_add(&published, 1);
	if (coro_slot_stash(&slots, h, key))
		__sync_fetch_and_add(&slot_busy, 1);
	return 0;
}

SEC("xdp")
int xdp_mixed(struct xdp_md *ctx)
{
	struct pkt_payload *p = pkt_payload_xdp(ctx, 9000, NULL);
	__u64 seq;

	if (!p)
		return XDP_PASS;
	seq = p->seq;
	if (seq & 1) {
		__sync_fetch_and_add(&inline_sent, 1);
		return bpf_redirect_map(&xsks, 0, XDP_DROP);
	}
	if (bpf_coro_await(ctx, stash, (seq >> 1) % NR_SLOTS) < 0) {
		__sync_fetch_and_add(&await_failed, 1);
		return bpf_redirect_map(&xsks, 0, XDP_DROP);
	}
	/* Resumed on the other CPU. */
	return bpf_redirect_map(&xsks, 0, XDP_DROP);
}

static long resume_one(__u64 i, void *data)
{
	struct bpf_coro *h = coro_slot_take(&slots, i);

	if (!h)
		return 0;
	if (bpf_coro_resume(h) == XDP_REDIRECT)
		__sync_fetch_and_add(&resumed, 1);
	else
		__sync_fetch_and_add(&resume_failed, 1);
	return 0;
}

SEC("syscall")
int resume_all(void *ctx)
{
	bpf_loop(NR_SLOTS, resume_one, NULL, 0);
	return 0;
}
