// SPDX-License-Identifier: GPL-2.0
/*
 * BPF coroutines.
 *
 * A BPF program suspends at bpf_coro_await().  The verifier lowers each
 * await point into a call of bpf_coro_suspend(), which copies the
 * program's stack and callee-saved registers into a kernel-owned frame,
 * and adds a resume dispatch at the program's entry, bpf_coro_entry(),
 * which copies the frame back and jumps to the await point it came from.
 *
 * The coroutine is handed to the program's queue_fn callback only once the
 * suspension has taken full effect: at XDP, after the driver gave the
 * packet up with XDP_REDIRECT and flushed (xdp_do_flush()); for other
 * program types, right after the frame was saved.  The handle is a
 * referenced kptr with exactly one owner; bpf_coro_resume() and
 * bpf_coro_release() consume it.
 *
 * A coroutine holds no reference on its program: when the program goes
 * away, bpf_coro_prog_free() destroys the state of every coroutine still
 * parked, and leaves behind an empty handle that its owner frees.  It
 * holds its ingress device, and lets go of it when the device unregisters.
 *
 * See Documentation/bpf/evos-coroutines.rst.
 */
#include <linux/bpf.h>
#include <linux/bpf_coro.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/filter.h>
#include <linux/error-injection.h>
#include <linux/irq_work.h>
#include <linux/llist.h>
#include <linux/memcontrol.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/workqueue.h>
#include <net/xdp.h>

/**
 * struct bpf_coro_desc - per-program coroutine state, made by the verifier
 * @aux: the program's aux data (not referenced: the descriptor dies with
 *	the program); aux->prog is the program.  Valid under @lock while
 *	@dead is false: bpf_coro_prog_free() takes @lock before the program
 *	goes.
 * @lock: protects @coros, @running, @dead and the coroutines' @desc and
 *	@killed
 * @coros: coroutines of this program that are parked (own a frame and
 *	are not being run); each holds a reference on its handle
 * @running: coroutines claimed by a resumer and being run
 * @node: on bpf_coro_descs
 * @stats: per-CPU counters, indexed by enum bpf_coro_stat
 * @parked: coroutines of this program that own a frame
 * @type: the program type
 * @frame_size: bytes of stack and registers saved at an await point
 * @ctx_size: bytes of context saved for program types whose context is
 *	plain memory (SYSCALL)
 * @nr_points: number of await points
 * @objcg: memory cgroup of the loader; coroutine memory is charged to it
 * @dead: the program is gone; no coroutine may be added
 * @rcu: frees the descriptor after concurrent owners are done with it
 */
struct bpf_coro_desc {
	struct bpf_prog_aux *aux;
	spinlock_t lock;	/* see above */
	struct list_head coros;
	struct list_head running;
	struct list_head node;
	u64 __percpu *stats;
	atomic_t parked;
	enum bpf_prog_type type;
	u32 frame_size;
	u32 ctx_size;
	u32 nr_points;
	struct obj_cgroup *objcg;
	bool dead;
	struct rcu_head rcu;
};

/**
 * struct bpf_coro - a suspended BPF program run
 * @desc: descriptor of the program while the coroutine is parked; NULL
 *	once its owner claimed it, or once teardown destroyed its state
 *	behind the owner's back (program, attachment or device gone)
 * @ref: one reference for the owner of the handle, one for @desc->coros
 *	while parked; the handle is freed when both are gone, so teardown
 *	and the owner never free it under each other
 * @killed: while running: its program, attachment or device went away,
 *	so the run may not suspend again
 * @deferred: its resume was deferred because resumes nested too deep
 * @node: on @desc->coros, @desc->running, or a teardown list
 * @publish: on the per-CPU list of coroutines waiting for publication;
 *	afterwards the owner's (worker queues, deferred resumes and
 *	destroys use it)
 * @queue_fn: the program's callback that receives the handle
 * @cookie: second argument of @queue_fn
 * @frame: saved stack and registers, then the saved context
 * @xdpf: XDP: the packet, owned by the coroutine
 * @dev: XDP: the ingress device, held
 * @dev_tracker: tracks the reference on @dev
 * @rxq_index: XDP: the rx queue the packet arrived on
 */
struct bpf_coro {
	struct bpf_coro_desc *desc;
	refcount_t ref;
	bool killed;
	bool deferred;
	struct list_head node;
	struct llist_node publish;
	u64 (*queue_fn)(u64 h, u64 cookie, u64 r3, u64 r4, u64 r5);
	u64 cookie;
	void *frame;
	struct xdp_frame *xdpf;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	u32 rxq_index;
};

/**
 * struct bpf_coro_cpu - per-CPU coroutine state
 * @resuming: the coroutine whose run this CPU is resuming, or NULL
 * @desc: its descriptor
 * @entered: the resumed run went through bpf_coro_entry()
 * @resuspended: the resumed run suspended again
 * @depth: bpf_coro_resume() calls nested on this CPU
 * @budget: nested resumes left to the outermost resume on this CPU
 * @publishing: bpf_coro_flush() is handing out handles; an
 *	evos_workers_flush() follows
 * @delivering: a resumed XDP run's verdict is being carried out
 * @pending: a suspension at XDP whose packet no driver took over yet
 *	(bpf_coro_xdp_park()); destroyed if the next suspension on this CPU
 *	finds it still there, or by bpf_coro_xdp_cancel()
 * @publish: coroutines parked at XDP, waiting for xdp_do_flush()
 *
 * Resumed runs execute with preemption (at XDP, softirqs) disabled, so
 * the runs that use this state on a CPU nest strictly: nothing else can
 * run in between and see a frame meant for another run.
 */
struct bpf_coro_cpu {
	struct bpf_coro *resuming;
	struct bpf_coro_desc *desc;
	bool entered;
	bool resuspended;
	u32 depth;
	u32 budget;
	bool publishing;
	bool delivering;
	struct bpf_coro *pending;
	struct llist_head publish;
};

static DEFINE_PER_CPU(struct bpf_coro_cpu, bpf_coro_cpu);

static LIST_HEAD(bpf_coro_descs);
static DEFINE_SPINLOCK(bpf_coro_descs_lock);

static atomic_t bpf_coro_parked = ATOMIC_INIT(0);
static int bpf_coro_max_parked = 65536;
static int bpf_coro_max_parked_prog = 65536;

static struct kmem_cache *bpf_coro_cache;
/* Handles allocated and not yet freed, per CPU (the sum is exact). */
static DEFINE_PER_CPU(long, bpf_coro_handles);

static void coro_count(struct bpf_coro_desc *desc, enum bpf_coro_stat stat)
{
	this_cpu_inc(desc->stats[stat]);
}

bool bpf_coro_prog_type_ok(enum bpf_prog_type type)
{
	return type == BPF_PROG_TYPE_XDP || type == BPF_PROG_TYPE_SYSCALL;
}

/**
 * bpf_coro_desc_alloc() - make the coroutine descriptor of a program
 * @prog: the program being verified
 * @stack_depth: its stack depth, rounded up to 8 bytes
 * @nr_points: its number of await points
 *
 * Called by the verifier when it lowers the await points.  The descriptor
 * lives as long as the program.
 *
 * Return: the descriptor, or NULL when out of memory.
 */
struct bpf_coro_desc *bpf_coro_desc_alloc(struct bpf_prog *prog,
					  u32 stack_depth, u32 nr_points)
{
	struct bpf_coro_desc *desc;

	desc = kzalloc(sizeof(*desc), GFP_KERNEL_ACCOUNT);
	if (!desc)
		return NULL;
	desc->stats = __alloc_percpu_gfp(sizeof(u64) * __BPF_CORO_STAT_MAX,
					 sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!desc->stats) {
		kfree(desc);
		return NULL;
	}
	desc->aux = prog->aux;
	desc->type = resolve_prog_type(prog);
	desc->frame_size = BPF_CORO_SAVED(stack_depth);
	desc->nr_points = nr_points;
#ifdef CONFIG_MEMCG
	desc->objcg = get_obj_cgroup_from_current();
#endif
	if (desc->type == BPF_PROG_TYPE_SYSCALL)
		desc->ctx_size = prog->aux->max_ctx_offset;
	spin_lock_init(&desc->lock);
	INIT_LIST_HEAD(&desc->coros);
	INIT_LIST_HEAD(&desc->running);
	atomic_set(&desc->parked, 0);
	spin_lock_bh(&bpf_coro_descs_lock);
	list_add_tail(&desc->node, &bpf_coro_descs);
	spin_unlock_bh(&bpf_coro_descs_lock);
	prog->aux->coro = desc;
	return desc;
}

/**
 * bpf_coro_is_desc() - is @addr the coroutine descriptor of @prog?
 * @prog: a program
 * @addr: an immediate of its translated code
 *
 * The translated code loads the descriptor's address; dumps of it hide
 * the address from readers that may not see kernel pointers.
 *
 * Return: true when @addr is the address of @prog's descriptor.
 */
bool bpf_coro_is_desc(const struct bpf_prog *prog, u64 addr)
{
	return prog->aux->coro && addr == (unsigned long)prog->aux->coro;
}

static void coro_put(struct bpf_coro *coro)
{
	if (refcount_dec_and_test(&coro->ref)) {
		kmem_cache_free(bpf_coro_cache, coro);
		this_cpu_dec(bpf_coro_handles);
	}
}

/*
 * Free what a coroutine owns, but not the handle itself.  Only the one who
 * took the coroutine off @desc->coros (its owner, or teardown) does this,
 * in a context where a packet may go back to its page_pool.
 */
static void coro_free_state(struct bpf_coro_desc *desc, struct bpf_coro *coro)
{
	if (coro->xdpf) {
		xdp_return_frame(coro->xdpf);
		coro->xdpf = NULL;
	}
	if (coro->dev) {
		netdev_put(coro->dev, &coro->dev_tracker);
		coro->dev = NULL;
	}
	kfree(coro->frame);
	coro->frame = NULL;
	atomic_dec(&desc->parked);
	atomic_dec(&bpf_coro_parked);
}

/*
 * Lock the descriptor of @coro if @coro is still parked on it (teardown
 * did not take it); returns it locked, or NULL.  The caller holds
 * rcu_read_lock(), which keeps the descriptor alive.
 */
static struct bpf_coro_desc *coro_lock_parked(struct bpf_coro *coro,
					      unsigned long *flags)
{
	struct bpf_coro_desc *desc = READ_ONCE(coro->desc);

	if (!desc)
		return NULL;
	spin_lock_irqsave(&desc->lock, *flags);
	if (coro->desc != desc) {
		spin_unlock_irqrestore(&desc->lock, *flags);
		return NULL;
	}
	return desc;
}

/*
 * Take @coro off @desc->coros: from then on only the caller touches its
 * state.  With @prog, also take a reference on the program for a run and
 * put @coro on @desc->running, where teardown can mark it killed; *@prog
 * is an ERR_PTR when the program is already on its way out.  Returns the
 * descriptor, or NULL when teardown got there first and destroyed the
 * state.  The caller holds rcu_read_lock(), which keeps the descriptor
 * alive until the caller holds the program.
 */
static struct bpf_coro_desc *coro_claim(struct bpf_coro *coro,
					struct bpf_prog **prog)
{
	struct bpf_coro_desc *desc;
	unsigned long flags;

	desc = coro_lock_parked(coro, &flags);
	if (!desc)
		return NULL;
	list_del_init(&coro->node);
	WRITE_ONCE(coro->desc, NULL);
	/* The list's reference; the caller still holds the owner's. */
	refcount_dec(&coro->ref);
	if (prog) {
		*prog = bpf_prog_inc_not_zero(desc->aux->prog);
		if (!IS_ERR(*prog))
			list_add_tail(&coro->node, &desc->running);
	}
	spin_unlock_irqrestore(&desc->lock, flags);
	return desc;
}

/* Destroy an owned coroutine without running it; consumes the handle. */
static void coro_destroy(struct bpf_coro *coro, bool deferred)
{
	struct bpf_coro_desc *desc;

	rcu_read_lock();
	desc = coro_claim(coro, NULL);
	if (desc) {
		coro_count(desc, BPF_CORO_STAT_DESTROYED);
		if (deferred)
			coro_count(desc, BPF_CORO_STAT_DESTROYED_DEFERRED);
		coro_free_state(desc, coro);
	}
	rcu_read_unlock();
	coro_put(coro);
}

/*
 * A kptr destructor may run in hardirq context (kprobe and perf event
 * programs), with interrupts off (LRU hash eviction under a raw spin
 * lock) or in NMI: none of them may give a packet back to its page_pool
 * or take desc->lock.  Coroutines freed there are destroyed from a work
 * item; NMI gets to it through irq_work.
 */
static LLIST_HEAD(bpf_coro_deferred_free);

static void coro_deferred_free_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&bpf_coro_deferred_free);
	struct bpf_coro *coro, *tmp;

	llist_for_each_entry_safe(coro, tmp, list, publish)
		coro_destroy(coro, true);
}

static DECLARE_WORK(bpf_coro_deferred_free_work, coro_deferred_free_fn);

static void coro_deferred_free_kick(struct irq_work *work)
{
	schedule_work(&bpf_coro_deferred_free_work);
}

static DEFINE_IRQ_WORK(bpf_coro_deferred_free_irq_work, coro_deferred_free_kick);

static void coro_destroy_any_context(struct bpf_coro *coro)
{
	if (!in_nmi() && !in_hardirq() && !irqs_disabled()) {
		coro_destroy(coro, false);
		return;
	}
	if (!llist_add(&coro->publish, &bpf_coro_deferred_free))
		return;		/* already kicked */
	if (in_nmi())
		irq_work_queue(&bpf_coro_deferred_free_irq_work);
	else
		schedule_work(&bpf_coro_deferred_free_work);
}

/*
 * Destroy the state of every parked coroutine of @desc, or of those whose
 * ingress device is @dev, and mark the matching running ones killed so
 * that they cannot suspend again; @dead also closes @desc to new
 * coroutines.  Handles stay valid, empty, until their owners let go.
 */
static unsigned int desc_kill(struct bpf_coro_desc *desc,
			      const struct net_device *dev, bool dead)
{
	struct bpf_coro *coro, *tmp;
	unsigned int n = 0;
	unsigned long flags;
	LIST_HEAD(victims);

	spin_lock_irqsave(&desc->lock, flags);
	if (dead)
		desc->dead = true;
	list_for_each_entry(coro, &desc->running, node)
		if (!dev || coro->dev == dev)
			WRITE_ONCE(coro->killed, true);
	list_for_each_entry_safe(coro, tmp, &desc->coros, node) {
		if (dev && coro->dev != dev)
			continue;
		/* The list's reference moves to @victims. */
		list_move_tail(&coro->node, &victims);
		WRITE_ONCE(coro->desc, NULL);
	}
	spin_unlock_irqrestore(&desc->lock, flags);

	list_for_each_entry_safe(coro, tmp, &victims, node) {
		list_del_init(&coro->node);
		coro_count(desc, BPF_CORO_STAT_DESTROYED);
		coro_free_state(desc, coro);
		coro_put(coro);
		n++;
	}
	return n;
}

static void desc_free_rcu(struct rcu_head *rcu)
{
	struct bpf_coro_desc *desc = container_of(rcu, struct bpf_coro_desc, rcu);

	if (desc->objcg)
		obj_cgroup_put(desc->objcg);
	free_percpu(desc->stats);
	kfree(desc);
}

/**
 * bpf_coro_prog_free() - a program with await points goes away
 * @aux: the program's aux data
 *
 * Destroys the frame and packet of every coroutine of the program that is
 * still parked; their handles stay valid, empty, until their owners free
 * them.  Called when the program's last reference is dropped.
 */
void bpf_coro_prog_free(struct bpf_prog_aux *aux)
{
	struct bpf_coro_desc *desc = aux->coro;

	if (!desc)
		return;
	aux->coro = NULL;
	spin_lock_bh(&bpf_coro_descs_lock);
	list_del(&desc->node);
	spin_unlock_bh(&bpf_coro_descs_lock);
	desc_kill(desc, NULL, true);
	/* Owners that raced with us may still look at desc->lock. */
	call_rcu(&desc->rcu, desc_free_rcu);
}

/**
 * bpf_coro_xdp_replaced() - an XDP program was detached from a device
 * @dev: the device
 * @old: the program that was attached, or NULL
 * @new: the program attached in its place, or NULL
 *
 * Called under RTNL once the driver stopped running @old.  Coroutines
 * parked from @dev's packets die with the attachment, whichever program
 * made them (@old itself, or a program it tail-called): their frames and
 * packets are destroyed and counted, their handles stay valid and empty.
 * Runs still in flight on other CPUs may yet suspend and publish; they are
 * waited for first.  Coroutines of @dev that a resumer is running at this
 * moment are marked: they complete, but cannot suspend again.
 */
void bpf_coro_xdp_replaced(struct net_device *dev, struct bpf_prog *old,
			   struct bpf_prog *new)
{
	struct bpf_coro_desc *desc;

	if (!old || old == new)
		return;
	synchronize_net();
	spin_lock_bh(&bpf_coro_descs_lock);
	list_for_each_entry(desc, &bpf_coro_descs, node)
		desc_kill(desc, dev, false);
	spin_unlock_bh(&bpf_coro_descs_lock);
}

/*
 * Destroy a suspension that no driver took over: one whose driver does not
 * carry out XDP_REDIRECT, or whose redirect info a later program replaced.
 */
static void coro_drop_pending(struct bpf_coro_cpu *cc)
{
	struct bpf_redirect_info *ri = bpf_net_ctx_get_ri();
	struct bpf_coro *coro = cc->pending;

	cc->pending = NULL;
	if (ri->map_type == BPF_MAP_TYPE_UNSPEC &&
	    ri->map_id == BPF_CORO_REDIRECT_ID && ri->tgt_value == coro) {
		ri->tgt_value = NULL;
		ri->map_id = 0;
	}
	coro_destroy(coro, false);
}

/**
 * bpf_coro_xdp_cancel() - undo a suspension that no driver will complete
 *
 * BPF_PROG_TEST_RUN without BPF_F_TEST_XDP_LIVE_FRAMES hands an XDP
 * program's XDP_REDIRECT verdict back to user space, and a devmap drops
 * it: nothing takes the packet over.  A coroutine the run made is
 * destroyed here and counted.
 */
void bpf_coro_xdp_cancel(void)
{
	struct bpf_coro_cpu *cc = this_cpu_ptr(&bpf_coro_cpu);

	if (cc->pending)
		coro_drop_pending(cc);
}

/**
 * bpf_coro_delivering() - is this CPU carrying out a resumed XDP verdict?
 *
 * Return: true while a resumed XDP run's packet is being redirected, sent
 * or passed on this CPU, outside the NAPI of its rx queue.
 */
bool bpf_coro_delivering(void)
{
	return this_cpu_read(bpf_coro_cpu.delivering);
}

/**
 * bpf_coro_xdp_drop() - a suspension reached a path that cannot park it
 * @coro: the coroutine, from the redirect info
 *
 * Generic (skb) XDP and the skb path of cpumap programs have no xdp_frame
 * for a coroutine to own: bpf_coro_suspend() refuses generic XDP up front,
 * but a coroutine program tail-called from such a path, or one whose
 * generic attachment is being replaced, can still get here.  The
 * coroutine is destroyed and counted; the caller drops the packet.
 *
 * Return: -EOPNOTSUPP, for the caller to pass on.
 */
int bpf_coro_xdp_drop(void *coro)
{
	if (this_cpu_read(bpf_coro_cpu.pending) == coro)
		this_cpu_write(bpf_coro_cpu.pending, NULL);
	coro_destroy(coro, false);
	return -EOPNOTSUPP;
}

static int coro_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct bpf_coro_desc *desc;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	spin_lock_bh(&bpf_coro_descs_lock);
	list_for_each_entry(desc, &bpf_coro_descs, node)
		desc_kill(desc, dev, false);
	spin_unlock_bh(&bpf_coro_descs_lock);
	return NOTIFY_DONE;
}

static struct notifier_block bpf_coro_netdev_nb = {
	.notifier_call = coro_netdev_event,
};

/**
 * bpf_coro_show_fdinfo() - print a program's coroutine counters
 * @prog: the program
 * @m: the fdinfo file
 */
void bpf_coro_show_fdinfo(const struct bpf_prog *prog, struct seq_file *m)
{
	static const char * const names[__BPF_CORO_STAT_MAX] = {
		[BPF_CORO_STAT_CREATED]		= "created",
		[BPF_CORO_STAT_SUSPENDED]	= "suspended",
		[BPF_CORO_STAT_RESUMED]		= "resumed",
		[BPF_CORO_STAT_XDP_ABORTED]	= "completed_aborted",
		[BPF_CORO_STAT_XDP_DROP]	= "completed_drop",
		[BPF_CORO_STAT_XDP_PASS]	= "completed_pass",
		[BPF_CORO_STAT_XDP_TX]		= "completed_tx",
		[BPF_CORO_STAT_XDP_REDIRECT]	= "completed_redirect",
		[BPF_CORO_STAT_COMPLETED]	= "completed",
		[BPF_CORO_STAT_DESTROYED]	= "destroyed",
		[BPF_CORO_STAT_FAILED]		= "failed",
		[BPF_CORO_STAT_LIMITED]		= "limited",
		[BPF_CORO_STAT_DESTROYED_DEFERRED] = "destroyed_deferred",
		[BPF_CORO_STAT_RESUME_DEFERRED]	= "resume_deferred",
		[BPF_CORO_STAT_REFUSED]		= "refused",
	};
	struct bpf_coro_desc *desc = prog->aux->coro;
	int i, cpu;

	if (!desc)
		return;
	seq_printf(m, "coro_points:\t%u\ncoro_frame_bytes:\t%u\ncoro_parked:\t%d\n",
		   desc->nr_points, desc->frame_size + desc->ctx_size,
		   atomic_read(&desc->parked));
	for (i = 0; i < __BPF_CORO_STAT_MAX; i++) {
		u64 sum = 0;

		for_each_possible_cpu(cpu)
			sum += per_cpu_ptr(desc->stats, cpu)[i];
		seq_printf(m, "coro_%s:\t%llu\n", names[i], sum);
	}
}

/*
 * A handle and its frame, charged to the memory cgroup that loaded the
 * program wherever the suspension happens (softirq included).  No
 * __GFP_HIGH (GFP_ATOMIC): with it the charge may exceed memory.max, and a
 * suspension that fails only costs the program its await.  Not inlined,
 * so that fail_function can make it fail.
 */
static noinline struct bpf_coro *coro_alloc(struct bpf_coro_desc *desc)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT;
	struct mem_cgroup *memcg = NULL, *old;
	struct bpf_coro *coro;

#ifdef CONFIG_MEMCG
	memcg = desc->objcg ? get_mem_cgroup_from_objcg(desc->objcg) :
			      root_mem_cgroup;
#endif
	old = set_active_memcg(memcg);
	coro = kmem_cache_zalloc(bpf_coro_cache, gfp);
	if (coro) {
		coro->frame = kmalloc(desc->frame_size + desc->ctx_size, gfp);
		if (!coro->frame) {
			kmem_cache_free(bpf_coro_cache, coro);
			coro = NULL;
		}
	}
	set_active_memcg(old);
	mem_cgroup_put(memcg);
	if (coro)
		this_cpu_inc(bpf_coro_handles);
	return coro;
}
ALLOW_ERROR_INJECTION(coro_alloc, NULL);

/**
 * bpf_coro_suspend() - save a program run at an await point
 * @ctx: the program's context
 * @queue_fn: the program's callback that will receive the handle
 * @cookie: second argument of @queue_fn
 * @frame: start of the program's saved region (see BPF_CORO_SAVED())
 * @desc_ptr: the program's struct bpf_coro_desc
 *
 * Called by code the verifier put in place of bpf_coro_await().  On
 * success the program returns at once, with XDP_REDIRECT at XDP; the
 * handle is published later (bpf_coro_flush()).  For SYSCALL programs it
 * is published before this returns.
 *
 * Return: BPF_CORO_SUSPENDED, or a negative errno when no coroutine could
 * be made; the program then goes on in place.
 */
u64 bpf_coro_suspend(u64 ctx, u64 queue_fn, u64 cookie, u64 frame,
		     u64 desc_ptr)
{
	struct bpf_coro_desc *desc = (struct bpf_coro_desc *)(long)desc_ptr;
	struct bpf_coro_cpu *cc = this_cpu_ptr(&bpf_coro_cpu);
	struct bpf_coro *coro, *resumed = NULL;
	unsigned long flags;
	int err;

	if (cc->resuming && cc->desc == desc && cc->entered)
		resumed = cc->resuming;

	if (atomic_inc_return(&bpf_coro_parked) > READ_ONCE(bpf_coro_max_parked)) {
		atomic_dec(&bpf_coro_parked);
		goto limited;
	}
	if (atomic_inc_return(&desc->parked) > READ_ONCE(bpf_coro_max_parked_prog)) {
		atomic_dec(&desc->parked);
		atomic_dec(&bpf_coro_parked);
		goto limited;
	}

	err = -ENOMEM;
	coro = coro_alloc(desc);
	if (!coro)
		goto fail;
	memcpy(coro->frame, (void *)(long)frame, desc->frame_size);
	coro->queue_fn = (void *)(long)queue_fn;
	coro->cookie = cookie;
	INIT_LIST_HEAD(&coro->node);
	refcount_set(&coro->ref, 1);

	if (desc->type == BPF_PROG_TYPE_XDP) {
		struct xdp_buff *xdp = (struct xdp_buff *)(long)ctx;
		struct net_device *dev = xdp->rxq->dev;

		/* Generic (skb) XDP has no xdp_frame to take over. */
		err = -EOPNOTSUPP;
		if (rcu_access_pointer(dev->xdp_prog) == desc->aux->prog)
			goto fail_free;
		coro->dev = dev;
		netdev_hold(dev, &coro->dev_tracker, GFP_ATOMIC);
		coro->rxq_index = xdp->rxq->queue_index;
	} else if (desc->ctx_size) {
		memcpy(coro->frame + desc->frame_size, (void *)(long)ctx,
		       desc->ctx_size);
	}

	/*
	 * The unregister notifier sets reg_state first, then takes desc->lock
	 * to destroy the device's coroutines: none may come after it.
	 */
	spin_lock_irqsave(&desc->lock, flags);
	if (desc->dead || (resumed && resumed->killed) ||
	    (coro->dev && READ_ONCE(coro->dev->reg_state) != NETREG_REGISTERED)) {
		spin_unlock_irqrestore(&desc->lock, flags);
		if (resumed)
			coro_count(desc, BPF_CORO_STAT_REFUSED);
		err = desc->dead ? -ENOENT : -ENODEV;
		goto fail_free;
	}
	coro->desc = desc;
	list_add_tail(&coro->node, &desc->coros);
	refcount_inc(&coro->ref);	/* the list's */
	spin_unlock_irqrestore(&desc->lock, flags);

	if (resumed)
		cc->resuspended = true;
	else
		coro_count(desc, BPF_CORO_STAT_CREATED);
	coro_count(desc, BPF_CORO_STAT_SUSPENDED);

	if (desc->type == BPF_PROG_TYPE_XDP) {
		struct bpf_redirect_info *ri = bpf_net_ctx_get_ri();

		/* The program returns XDP_REDIRECT; the driver's
		 * xdp_do_redirect() then hands the packet to
		 * bpf_coro_xdp_park().
		 */
		if (unlikely(cc->pending))
			coro_drop_pending(cc);
		cc->pending = coro;
		ri->map_id = BPF_CORO_REDIRECT_ID;
		ri->map_type = BPF_MAP_TYPE_UNSPEC;
		ri->tgt_value = coro;
		ri->flags = 0;
	} else {
		coro->queue_fn((u64)(long)coro, coro->cookie, 0, 0, 0);
	}
	return BPF_CORO_SUSPENDED;

limited:
	coro_count(desc, BPF_CORO_STAT_LIMITED);
	coro_count(desc, BPF_CORO_STAT_FAILED);
	return (u64)-ENOSPC;

fail_free:
	if (coro->dev)
		netdev_put(coro->dev, &coro->dev_tracker);
	kfree(coro->frame);
	kmem_cache_free(bpf_coro_cache, coro);
	this_cpu_dec(bpf_coro_handles);
fail:
	atomic_dec(&desc->parked);
	atomic_dec(&bpf_coro_parked);
	coro_count(desc, BPF_CORO_STAT_FAILED);
	return (u64)(long)err;
}

/**
 * bpf_coro_xdp_park() - take over the packet of a suspending XDP program
 * @ptr: the coroutine, from the redirect info
 * @xdpf: the packet, now an xdp_frame; NULL if it could not be converted
 * @dev: the device that ran the program
 *
 * Called by xdp_do_redirect().  The handle is published at the next
 * xdp_do_flush() on this CPU, once the driver is done with the buffer.
 * The packet is attached under the descriptor's lock: a coroutine that
 * teardown destroyed between the suspension and now does not take it.
 *
 * Return: 0 when the packet is taken (parked, or freed because the
 * coroutine was destroyed meanwhile); -EOVERFLOW when there is no frame,
 * -EINVAL when the redirect info is not the suspension this CPU waits for
 * or the packet is not from the coroutine's device.  On error the
 * coroutine is destroyed and the driver drops the packet.
 */
int bpf_coro_xdp_park(void *ptr, struct xdp_frame *xdpf,
		      struct net_device *dev)
{
	struct bpf_coro_cpu *cc = this_cpu_ptr(&bpf_coro_cpu);
	struct bpf_coro *coro = ptr;
	struct bpf_coro_desc *desc;
	unsigned long flags;
	int err = -EOVERFLOW;

	/* Stale redirect info from a suspension already destroyed. */
	if (WARN_ON_ONCE(coro != cc->pending))
		return -EINVAL;
	cc->pending = NULL;
	if (unlikely(coro->dev != dev)) {
		coro_destroy(coro, false);
		return -EINVAL;
	}
	if (likely(xdpf)) {
		err = -ENODEV;
		rcu_read_lock();
		desc = coro_lock_parked(coro, &flags);
		if (desc) {
			coro->xdpf = xdpf;
			err = 0;
			spin_unlock_irqrestore(&desc->lock, flags);
		}
		rcu_read_unlock();
	}
	if (unlikely(err)) {
		coro_destroy(coro, false);
		/*
		 * The frame may be a copy (zero-copy AF_XDP buffers): the
		 * driver would not free it, so it is freed here.
		 */
		if (xdpf) {
			xdp_return_frame(xdpf);
			return 0;
		}
		return err;
	}
	llist_add(&coro->publish, &cc->publish);
	return 0;
}

/**
 * bpf_coro_flush() - publish the coroutines parked on this CPU
 *
 * Called from xdp_do_flush(): each parked coroutine's queue_fn receives its
 * handle, which a resumer on any CPU may use at once.
 */
void bpf_coro_flush(void)
{
	struct llist_head *head = this_cpu_ptr(&bpf_coro_cpu.publish);
	struct bpf_coro *coro, *tmp;
	struct llist_node *list;

	if (llist_empty(head)) {
		evos_workers_flush();
		return;
	}
	list = llist_reverse_order(llist_del_all(head));
	rcu_read_lock();
	this_cpu_write(bpf_coro_cpu.publishing, true);
	llist_for_each_entry_safe(coro, tmp, list, publish)
		coro->queue_fn((u64)(long)coro, coro->cookie, 0, 0, 0);
	this_cpu_write(bpf_coro_cpu.publishing, false);
	rcu_read_unlock();
	evos_workers_flush();
}

/**
 * bpf_coro_publishing() - is this CPU publishing parked coroutines?
 *
 * Return: true inside bpf_coro_flush()'s calls of queue_fn, after which
 * evos_workers_flush() runs.
 */
bool bpf_coro_publishing(void)
{
	return this_cpu_read(bpf_coro_cpu.publishing);
}

/**
 * bpf_coro_entry() - resume dispatch at the entry of a coroutine program
 * @ctx: the program's context for this run
 * @frame: start of the program's saved region
 * @desc_ptr: the program's struct bpf_coro_desc
 * @r4: unused
 * @r5: unused
 *
 * Return: 0 for an ordinary run; for a resumed run, the await point to go
 * back to, after the saved stack and registers were copied back.
 */
u64 bpf_coro_entry(u64 ctx, u64 frame, u64 desc_ptr, u64 r4, u64 r5)
{
	struct bpf_coro_desc *desc = (struct bpf_coro_desc *)(long)desc_ptr;
	struct bpf_coro_cpu *cc = this_cpu_ptr(&bpf_coro_cpu);
	struct bpf_coro *coro = cc->resuming;

	if (!coro || cc->desc != desc || cc->entered)
		return 0;
	cc->entered = true;
	memcpy((void *)(long)frame, coro->frame, desc->frame_size);
	return *(u64 *)coro->frame;
}

static void coro_count_verdict(struct bpf_coro_desc *desc, u32 act)
{
	if (act <= XDP_REDIRECT)
		coro_count(desc, BPF_CORO_STAT_XDP_ABORTED + act);
	else
		coro_count(desc, BPF_CORO_STAT_XDP_ABORTED);
}

/*
 * Apply an XDP verdict to the coroutine's packet, as the driver would.
 * XDP_PASS returns the skb to hand to the stack.
 */
static struct sk_buff *coro_xdp_verdict(struct bpf_coro *coro,
					struct bpf_prog *prog,
					struct xdp_buff *xdp, u32 act)
{
	struct xdp_frame *xdpf;
	struct sk_buff *skb;

	switch (act) {
	case XDP_REDIRECT:
		if (!xdp_do_redirect(coro->dev, xdp, prog))
			return NULL;
		break;
	case XDP_PASS:
		xdpf = xdp_convert_buff_to_frame(xdp);
		if (!xdpf)
			break;
		skb = xdp_build_skb_from_frame(xdpf, coro->dev);
		if (!skb)
			xdp_return_frame(xdpf);
		return skb;
	case XDP_TX:
		/*
		 * Out of the device it came in on, as a devmap redirect to it
		 * would: the device must be up, take ndo_xdp_xmit and fit the
		 * frame, and the frame is sent at xdp_do_flush().
		 */
		xdpf = xdp_convert_buff_to_frame(xdp);
		if (!xdpf)
			break;
		if (dev_xdp_enqueue(coro->dev, xdpf, coro->dev))
			xdp_return_frame(xdpf);
		return NULL;
	default:
		break;
	}
	xdp_return_buff(xdp);
	return NULL;
}

/* Mark this CPU as resuming @coro; returns the state to restore. */
static struct bpf_coro_cpu coro_cpu_enter(struct bpf_coro *coro,
					  struct bpf_coro_desc *desc)
{
	struct bpf_coro_cpu *cc = this_cpu_ptr(&bpf_coro_cpu);
	struct bpf_coro_cpu saved = *cc;

	cc->resuming = coro;
	cc->desc = desc;
	cc->entered = false;
	cc->resuspended = false;
	return saved;
}

/* Leave the resumed run; returns whether it suspended again. */
static bool coro_cpu_leave(const struct bpf_coro_cpu *saved)
{
	struct bpf_coro_cpu *cc = this_cpu_ptr(&bpf_coro_cpu);
	bool resuspended = cc->resuspended;

	cc->resuming = saved->resuming;
	cc->desc = saved->desc;
	cc->entered = saved->entered;
	cc->resuspended = saved->resuspended;
	return resuspended;
}

/* Run @coro, claimed, with preemption disabled; the caller holds @prog. */
static int coro_run(struct bpf_coro *coro, struct bpf_coro_desc *desc,
		    struct bpf_prog *prog)
{
	struct bpf_net_context __bpf_net_ctx, *bpf_net_ctx;
	struct sk_buff *skb = NULL;
	struct bpf_coro_cpu saved;
	struct xdp_rxq_info rxq;
	struct xdp_buff xdp = {};
	bool resuspended, no_direct, delivering;
	u32 act;
	int ret;

	coro_count(desc, BPF_CORO_STAT_RESUMED);
	if (desc->type != BPF_PROG_TYPE_XDP) {
		rcu_read_lock();
		saved = coro_cpu_enter(coro, desc);
		ret = bpf_prog_run(prog, coro->frame + desc->frame_size);
		resuspended = coro_cpu_leave(&saved);
		rcu_read_unlock();
		if (resuspended)
			return BPF_CORO_SYSCALL_SUSPENDED;
		coro_count(desc, BPF_CORO_STAT_COMPLETED);
		return ret;
	}

	local_bh_disable();
	bpf_net_ctx = bpf_net_ctx_set(&__bpf_net_ctx);
	/*
	 * Not the packet's NAPI: its page_pool's lockless cache belongs to
	 * the NAPI of its rx queue, on another CPU maybe.  Nested in a
	 * worker's context, leave the flag as it was.
	 */
	no_direct = xdp_return_frame_no_direct();
	xdp_set_return_frame_no_direct();
	memset(&rxq, 0, sizeof(rxq));
	rxq.dev = coro->dev;
	rxq.queue_index = coro->rxq_index;
	rxq.mem = coro->xdpf->mem;
	xdp_convert_frame_to_buff(coro->xdpf, &xdp);
	xdp.rxq = &rxq;
	coro->xdpf = NULL;	/* the packet is the run's now */

	saved = coro_cpu_enter(coro, desc);
	act = bpf_prog_run_xdp(prog, &xdp);
	resuspended = coro_cpu_leave(&saved);
	delivering = this_cpu_read(bpf_coro_cpu.delivering);
	this_cpu_write(bpf_coro_cpu.delivering, true);
	if (resuspended) {
		/* bpf_coro_suspend() set up the redirect to the new coroutine */
		if (xdp_do_redirect(coro->dev, &xdp, prog))
			xdp_return_buff(&xdp);
		ret = BPF_CORO_SYSCALL_SUSPENDED;
	} else {
		coro_count_verdict(desc, act);
		skb = coro_xdp_verdict(coro, prog, &xdp, act);
		ret = act;
	}
	/* AF_XDP sockets serialize their producers themselves (xsk.c). */
	xdp_do_flush();
	this_cpu_write(bpf_coro_cpu.delivering, delivering);
	if (!no_direct)
		xdp_clear_return_frame_no_direct();
	if (skb)
		netif_receive_skb(skb);
	bpf_net_ctx_clear(bpf_net_ctx);
	local_bh_enable();
	return ret;
}

static void coro_prog_put_fn(struct work_struct *work)
{
	struct bpf_prog_aux *aux = container_of(work, struct bpf_prog_aux, work);

	bpf_prog_put(aux->prog);
}

/*
 * Drop a program reference with preemption disabled.  The last one frees
 * the program, which may sleep: it is dropped from a work item (the
 * program's own, which nothing else uses while a reference is held).
 */
static void coro_prog_put(struct bpf_prog *prog)
{
	if (atomic64_add_unless(&prog->aux->refcnt, -1, 1))
		return;
	INIT_WORK(&prog->aux->work, coro_prog_put_fn);
	schedule_work(&prog->aux->work);
}

/*
 * Resumes nested too deep, or beyond the budget of one outermost resume,
 * run from a work item, one at a time, preemptible in between.
 */
static LLIST_HEAD(bpf_coro_deferred_resume);

static void coro_deferred_resume_fn(struct work_struct *work);
static DECLARE_WORK(bpf_coro_deferred_resume_work, coro_deferred_resume_fn);

static void coro_defer_resume(struct bpf_coro *coro)
{
	coro->deferred = true;
	if (llist_add(&coro->publish, &bpf_coro_deferred_resume))
		schedule_work(&bpf_coro_deferred_resume_work);
}

/* Claim @coro and run it, or destroy it if its program or device went. */
static int coro_resume(struct bpf_coro *coro)
{
	struct bpf_coro_desc *desc;
	struct bpf_prog *prog = NULL;
	unsigned long flags;
	int ret = -ESRCH;

	rcu_read_lock();
	desc = coro_claim(coro, &prog);
	if (desc && IS_ERR(prog)) {
		coro_count(desc, BPF_CORO_STAT_DESTROYED);
		coro_free_state(desc, coro);
		desc = NULL;
	}
	rcu_read_unlock();
	if (!desc) {
		coro_put(coro);
		return -ESRCH;
	}

	/* The program's reference keeps @desc alive from here on. */
	if (coro->deferred)
		coro_count(desc, BPF_CORO_STAT_RESUME_DEFERRED);
	if (READ_ONCE(coro->killed)) {
		coro_count(desc, BPF_CORO_STAT_DESTROYED);
	} else {
		evos_worker_count_resume();
		ret = coro_run(coro, desc, prog);
	}
	spin_lock_irqsave(&desc->lock, flags);
	list_del_init(&coro->node);
	spin_unlock_irqrestore(&desc->lock, flags);
	coro_free_state(desc, coro);
	coro_prog_put(prog);
	coro_put(coro);
	return ret;
}

/**
 * bpf_coro_lnode() - the list node a coroutine's owner may queue it with
 * @coro: the coroutine, owned by the caller
 *
 * Return: a node that stays unused from publication until destruction.
 */
struct llist_node *bpf_coro_lnode(struct bpf_coro *coro)
{
	return &coro->publish;
}

/**
 * bpf_coro_from_lnode() - the coroutine of a node from bpf_coro_lnode()
 * @node: the node
 *
 * Return: the coroutine.
 */
struct bpf_coro *bpf_coro_from_lnode(struct llist_node *node)
{
	return container_of(node, struct bpf_coro, publish);
}

/**
 * bpf_coro_destroy() - destroy an owned coroutine without running it
 * @coro: the coroutine; the reference is consumed
 */
void bpf_coro_destroy(struct bpf_coro *coro)
{
	coro_destroy(coro, false);
}

__bpf_kfunc_start_defs();

/**
 * bpf_coro_await() - suspend the running program
 * @ctx: the program's context
 * @queue_fn: callback that receives the only reference to the coroutine,
 *	as ``int queue_fn(struct bpf_coro *h, u64 cookie)``; it must stash the
 *	handle (bpf_kptr_xchg(), a worker queue) or release it, and return 0
 * @cookie: second argument of @queue_fn
 *
 * Allowed only in the main body of XDP and SYSCALL programs, with no lock,
 * RCU or preempt-disable section, iterator, dynptr or reference held.  The
 * verifier replaces this call; the function itself is never called.
 *
 * Return: 0 in the resumed run; a negative errno if no coroutine could be
 * made, in the original run, which then goes on in place.
 */
__bpf_kfunc long bpf_coro_await(void *ctx,
				int (*queue_fn)(struct bpf_coro *h, u64 cookie),
				u64 cookie)
{
	WARN_ON_ONCE(1);
	return -EFAULT;
}

/**
 * bpf_coro_resume() - run a suspended coroutine until it completes or
 * suspends again
 * @h: the coroutine; the reference is consumed
 *
 * Runs on the calling CPU with preemption disabled (an XDP coroutine with
 * softirqs disabled and its own bpf_net_context); its verdict acts on its
 * packet as at the hook, on its original ingress device and rx queue, and
 * xdp_do_flush() runs before this returns.  If the program awaits again,
 * its queue_fn receives a new handle.  Resumes nest (a resumed SYSCALL
 * program may resume another coroutine) at most BPF_CORO_MAX_NESTING
 * deep, and at most BPF_CORO_NESTED_BUDGET run inside one outermost
 * resume: beyond that, the coroutine is not run here but from a work item,
 * soon after.  Not callable in interrupt context (an async callback may
 * reach it through a global function): the coroutine is destroyed.
 *
 * Return: the program's return value (the XDP verdict) when it completed;
 * -EINPROGRESS when it suspended again; -ESRCH when its program or device
 * had gone and the coroutine was destroyed instead; -ELOOP when the run
 * was deferred as described; -EBUSY in interrupt context.
 */
__bpf_kfunc int bpf_coro_resume(struct bpf_coro *h)
{
	struct bpf_coro_cpu *cc;
	int ret;

	/* Reached from an async callback through a global function. */
	if (in_nmi() || in_hardirq() || in_serving_softirq()) {
		coro_destroy(h, false);
		return -EBUSY;
	}

	preempt_disable();
	cc = this_cpu_ptr(&bpf_coro_cpu);
	if (cc->depth) {
		if (cc->depth >= BPF_CORO_MAX_NESTING || !cc->budget) {
			coro_defer_resume(h);
			preempt_enable();
			return -ELOOP;
		}
		cc->budget--;
	} else {
		cc->budget = BPF_CORO_NESTED_BUDGET;
	}
	cc->depth++;
	ret = coro_resume(h);
	cc->depth--;
	preempt_enable();
	return ret;
}

/**
 * bpf_coro_release() - destroy a coroutine without running it
 * @h: the coroutine; the reference is consumed
 *
 * Frees the saved frame and drops the packet; counted as destroyed.
 */
__bpf_kfunc void bpf_coro_release(struct bpf_coro *h)
{
	coro_destroy(h, false);
}

/**
 * bpf_coro_release_dtor() - destructor of a bpf_coro kptr
 * @h: the coroutine
 *
 * Runs when a map value, a map or an object that holds a handle goes away;
 * destroys the coroutine as bpf_coro_release() does.  In hardirq or NMI
 * context, or with interrupts off, it defers the destroy to a work item.
 */
__bpf_kfunc void bpf_coro_release_dtor(void *h)
{
	coro_destroy_any_context(h);
}

CFI_NOSEAL(bpf_coro_release_dtor);

__bpf_kfunc_end_defs();

static void coro_deferred_resume_fn(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&bpf_coro_deferred_resume);
	struct bpf_coro *coro, *tmp;

	list = llist_reverse_order(list);
	llist_for_each_entry_safe(coro, tmp, list, publish) {
		bpf_coro_resume(coro);
		cond_resched();
	}
}

BTF_KFUNCS_START(bpf_coro_await_kfunc_ids)
BTF_ID_FLAGS(func, bpf_coro_await)
BTF_KFUNCS_END(bpf_coro_await_kfunc_ids)

BTF_KFUNCS_START(bpf_coro_release_kfunc_ids)
BTF_ID_FLAGS(func, bpf_coro_release, KF_RELEASE)
BTF_KFUNCS_END(bpf_coro_release_kfunc_ids)

BTF_KFUNCS_START(bpf_coro_resume_kfunc_ids)
BTF_ID_FLAGS(func, bpf_coro_resume, KF_RELEASE)
BTF_KFUNCS_END(bpf_coro_resume_kfunc_ids)

static const struct btf_kfunc_id_set bpf_coro_await_kfunc_set = {
	.owner = THIS_MODULE,
	.set   = &bpf_coro_await_kfunc_ids,
};

static const struct btf_kfunc_id_set bpf_coro_release_kfunc_set = {
	.owner = THIS_MODULE,
	.set   = &bpf_coro_release_kfunc_ids,
};

static const struct btf_kfunc_id_set bpf_coro_resume_kfunc_set = {
	.owner = THIS_MODULE,
	.set   = &bpf_coro_resume_kfunc_ids,
};

BTF_ID_LIST(bpf_coro_dtor_ids)
BTF_ID(struct, bpf_coro)
BTF_ID(func, bpf_coro_release_dtor)

static int coro_handles_sysctl(const struct ctl_table *table, int write,
			       void *buffer, size_t *lenp, loff_t *ppos)
{
	long sum = 0;
	int cpu, val;
	struct ctl_table t = {
		.data	= &val,
		.maxlen	= sizeof(val),
	};

	for_each_possible_cpu(cpu)
		sum += per_cpu(bpf_coro_handles, cpu);
	val = sum;
	return proc_dointvec(&t, write, buffer, lenp, ppos);
}

static struct ctl_table bpf_coro_sysctls[] = {
	{
		.procname	= "bpf_coro_max_parked",
		.data		= &bpf_coro_max_parked,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "bpf_coro_max_parked_prog",
		.data		= &bpf_coro_max_parked_prog,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "bpf_coro_parked",
		.data		= &bpf_coro_parked.counter,
		.maxlen		= sizeof(int),
		.mode		= 0444,
		.proc_handler	= proc_dointvec,
	},
	{
		.procname	= "bpf_coro_handles",
		.mode		= 0444,
		.proc_handler	= coro_handles_sysctl,
	},
};

static int __init bpf_coro_init(void)
{
	const struct btf_id_dtor_kfunc dtors[] = {
		{
			.btf_id		= bpf_coro_dtor_ids[0],
			.kfunc_btf_id	= bpf_coro_dtor_ids[1],
		},
	};
	int ret;

	bpf_coro_cache = KMEM_CACHE(bpf_coro, SLAB_ACCOUNT | SLAB_NO_MERGE);
	if (!bpf_coro_cache)
		return -ENOMEM;
	register_sysctl_init("kernel", bpf_coro_sysctls);
	ret = register_netdevice_notifier(&bpf_coro_netdev_nb);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_XDP,
					       &bpf_coro_await_kfunc_set);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL,
					       &bpf_coro_await_kfunc_set);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_XDP,
					       &bpf_coro_release_kfunc_set);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL,
					       &bpf_coro_release_kfunc_set);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL,
					       &bpf_coro_resume_kfunc_set);
	return ret ?: register_btf_id_dtor_kfuncs(dtors, ARRAY_SIZE(dtors),
						  THIS_MODULE);
}
late_initcall(bpf_coro_init);
