/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * EvOS lean UDP receive: the BPF-side declarations of the kfuncs.
 *
 * The verifier enforces their order and locking as type-state rules; see
 * Documentation/bpf/evos-typestate.rst.  In brief, the packet goes
 * Raw -> PostIP -> PostL4 -> Delivered, each step on a 0 return; a write
 * into the packet or a resize sets it back to Raw; after delivery the
 * program may not touch the packet and must return XDP_DROP.
 */
#ifndef __EVOS_LEAN_UDP_H
#define __EVOS_LEAN_UDP_H

/* Raw -> PostIP on 0: IPv4, for this host, no options, not a fragment. */
extern int bpf_evos_ip_rcv(struct xdp_md *ctx) __ksym;
/* PostIP -> PostL4 on 0: UDP header and checksum valid. */
extern int bpf_evos_udp_rcv(struct xdp_md *ctx) __ksym;
/* Needs PostL4.  A referenced socket tied to this packet, or NULL. */
extern struct sock *bpf_evos_sk_lookup(struct xdp_md *ctx) __ksym;
/* The socket must be unlocked. */
extern void bpf_evos_sk_release(struct sock *sk) __ksym;
/* One socket lock at a time, never held at exit or across an await. */
extern void bpf_evos_sk_lock(struct sock *sk) __ksym;
extern void bpf_evos_sk_unlock(struct sock *sk) __ksym;
/*
 * Needs PostL4, and @sk looked up for this packet and locked.
 * PostL4 -> Delivered on 0.
 */
extern int bpf_evos_queue_to_socket(struct xdp_md *ctx, struct sock *sk) __ksym;

#endif /* __EVOS_LEAN_UDP_H */
