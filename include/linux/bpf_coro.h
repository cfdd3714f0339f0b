/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF coroutines: kernel-internal interface between the verifier, the XDP
 * redirect path, the program lifetime code and kernel/bpf/coro.c.
 *
 * See Documentation/bpf/evos-coroutines.rst.
 */
#ifndef _LINUX_BPF_CORO_H
#define _LINUX_BPF_CORO_H

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/types.h>
#include <uapi/linux/bpf.h>

struct bpf_coro;
struct bpf_prog;
struct bpf_prog_aux;
struct llist_node;
struct net_device;
struct seq_file;
struct xdp_frame;

/*
 * Redirect target of a suspending XDP program: map_type is
 * BPF_MAP_TYPE_UNSPEC, map_id is this value and tgt_value the coroutine.
 * Real redirects never combine BPF_MAP_TYPE_UNSPEC with this id.
 */
#define BPF_CORO_REDIRECT_ID	(INT_MAX - 1)

/*
 * Layout of the reserved slots the verifier adds below a coroutine
 * program's stack (offsets from the frame pointer, D the program's own,
 * 8-byte rounded stack depth).  The saved frame is [fp - D - 40, fp).
 */
#define BPF_CORO_SLOT_R6(d)	(-(d) - 8)
#define BPF_CORO_SLOT_R7(d)	(-(d) - 16)
#define BPF_CORO_SLOT_R8(d)	(-(d) - 24)
#define BPF_CORO_SLOT_R9(d)	(-(d) - 32)
#define BPF_CORO_SLOT_POINT(d)	(-(d) - 40)
#define BPF_CORO_SLOT_CTX(d)	(-(d) - 48)
#define BPF_CORO_SAVED(d)	((d) + 40)
#define BPF_CORO_RESERVED	48

/* bpf_coro_suspend() returns this, never an errno, when it suspended. */
#define BPF_CORO_SUSPENDED	0

/* What a suspended SYSCALL program run returns to its caller. */
#define BPF_CORO_SYSCALL_SUSPENDED	(-EINPROGRESS)

/*
 * Resumes nest (a resumed SYSCALL program may resume another coroutine) at
 * most this deep on a CPU, and at most BPF_CORO_NESTED_BUDGET of them run
 * inside one outermost resume, which keeps preemption disabled; beyond
 * either, bpf_coro_resume() returns -ELOOP and the coroutine runs from a
 * work item.
 */
#define BPF_CORO_MAX_NESTING	4
#define BPF_CORO_NESTED_BUDGET	64

enum bpf_coro_stat {
	BPF_CORO_STAT_CREATED,
	BPF_CORO_STAT_SUSPENDED,
	BPF_CORO_STAT_RESUMED,
	BPF_CORO_STAT_XDP_ABORTED,	/* completed, by verdict */
	BPF_CORO_STAT_XDP_DROP,
	BPF_CORO_STAT_XDP_PASS,
	BPF_CORO_STAT_XDP_TX,
	BPF_CORO_STAT_XDP_REDIRECT,
	BPF_CORO_STAT_COMPLETED,	/* completed, other program types */
	BPF_CORO_STAT_DESTROYED,
	BPF_CORO_STAT_FAILED,
	BPF_CORO_STAT_LIMITED,
	BPF_CORO_STAT_DESTROYED_DEFERRED, /* destroyed from a work item */
	BPF_CORO_STAT_RESUME_DEFERRED,	/* resumed after a too deep nesting */
	BPF_CORO_STAT_REFUSED,		/* re-suspension after detach refused */
	__BPF_CORO_STAT_MAX,
};

#ifdef CONFIG_BPF_CORO
struct bpf_coro_desc *bpf_coro_desc_alloc(struct bpf_prog *prog,
					  u32 stack_depth, u32 nr_points);
void bpf_coro_prog_free(struct bpf_prog_aux *aux);
void bpf_coro_show_fdinfo(const struct bpf_prog *prog, struct seq_file *m);
int bpf_coro_xdp_park(void *coro, struct xdp_frame *xdpf,
		      struct net_device *dev);
void bpf_coro_flush(void);
bool bpf_coro_publishing(void);
void bpf_coro_xdp_replaced(struct net_device *dev, struct bpf_prog *old,
			   struct bpf_prog *new);
int bpf_coro_xdp_drop(void *coro);
void bpf_coro_xdp_cancel(void);
bool bpf_coro_delivering(void);
bool bpf_coro_is_desc(const struct bpf_prog *prog, u64 addr);
u64 bpf_coro_suspend(u64 ctx, u64 queue_fn, u64 cookie, u64 frame, u64 desc);
u64 bpf_coro_entry(u64 ctx, u64 frame, u64 desc, u64 r4, u64 r5);
bool bpf_coro_prog_type_ok(enum bpf_prog_type type);
struct llist_node *bpf_coro_lnode(struct bpf_coro *coro);
struct bpf_coro *bpf_coro_from_lnode(struct llist_node *node);
void bpf_coro_destroy(struct bpf_coro *coro);
#else
static inline void bpf_coro_prog_free(struct bpf_prog_aux *aux) { }
static inline void bpf_coro_show_fdinfo(const struct bpf_prog *prog,
					struct seq_file *m) { }
static inline void bpf_coro_flush(void) { }
static inline void bpf_coro_xdp_replaced(struct net_device *dev,
					 struct bpf_prog *old,
					 struct bpf_prog *new) { }
static inline void bpf_coro_xdp_cancel(void) { }
static inline bool bpf_coro_delivering(void) { return false; }
static inline int bpf_coro_xdp_drop(void *coro)
{
	return -EOPNOTSUPP;
}

static inline bool bpf_coro_is_desc(const struct bpf_prog *prog, u64 addr)
{
	return false;
}

static inline int bpf_coro_xdp_park(void *coro, struct xdp_frame *xdpf,
				    struct net_device *dev)
{
	return -EOPNOTSUPP;
}
#endif

#ifdef CONFIG_BPF_EVOS_WORKERS
void evos_workers_flush(void);
void evos_worker_count_resume(void);
#else
static inline void evos_workers_flush(void) { }
static inline void evos_worker_count_resume(void) { }
#endif

#endif /* _LINUX_BPF_CORO_H */
