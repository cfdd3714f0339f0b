// SPDX-License-Identifier: GPL-2.0
/*
 * EvOS workers: kernel threads that run a BPF program in a loop.
 *
 * A pool of workers is a struct_ops, evos_worker_ops.  Registering it
 * starts nr_workers kthreads, "evos_worker/<id>", each bound to a CPU of
 * the configured set; each calls the ops' run program over and over.  The
 * data path hands suspended coroutines to a worker with
 * bpf_coro_queue_push(); run pops them in batches with
 * bpf_coro_queue_pop() and resumes them.  Updating the struct_ops link
 * changes the pool (count, CPUs, program) while traffic flows; queued
 * coroutines move to the new workers.  Unregistering stops the threads and
 * destroys what is still queued.
 *
 * Only one pool exists at a time: workers are addressed by index.
 *
 * See Documentation/bpf/evos-workers.rst.
 */
#include <linux/bpf.h>
#include <linux/bpf_coro.h>
#include <linux/bpf_verifier.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/cpumask.h>
#include <linux/error-injection.h>
#include <linux/filter.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/xdp.h>

#define EVOS_WORKERS_MAX	64
/* Most coroutines one call of run resumes, softirqs off all along. */
#define EVOS_WORKER_MAX_BATCH	256
#define EVOS_WORKER_NAME_LEN	16

struct evos_worker;

/**
 * struct evos_worker_ops - a pool of BPF workers
 * @run: called in a loop by each worker thread, with softirqs disabled and
 *	a bpf_net_context set; returns > 0 when it did work (call again at
 *	once), 0 when idle (sleep until woken or @idle_timeout_ms), < 0 to
 *	stop this worker
 * @nr_workers: number of worker threads, 1 to 64
 * @batch: bpf_coro_queue_pop() hands out at most this many coroutines
 *	per call of @run (0: 64; at most 256, as @run keeps softirqs off)
 * @idle_timeout_ms: an idle worker sleeps at most this long (0: until
 *	woken)
 * @cpus: CPUs for the workers, bit n for CPU n; worker i is bound to the
 *	(i mod weight)-th CPU of the set (0: all online CPUs)
 * @name: name of the pool
 */
struct evos_worker_ops {
	int (*run)(struct evos_worker *w);
	u32 nr_workers;
	u32 batch;
	u32 idle_timeout_ms;
	u64 cpus;
	char name[EVOS_WORKER_NAME_LEN];
};

struct evos_pool;

/**
 * struct evos_worker - one worker thread and its queue
 * @id: index in the pool
 * @cpu: the CPU it is bound to, or -1
 * @pool: the pool
 * @task: the thread
 * @queue: coroutines pushed to this worker (multi-producer, lock-free)
 * @batch: coroutines taken off @queue, oldest first; only the thread
 *	itself (or teardown, once it stopped) touches it
 * @popped: coroutines handed out during the current call of run
 * @depth: coroutines on @queue and @batch
 * @kicked: a push or bpf_evos_worker_wake() since run was last called
 * @stopped: run returned < 0; the worker takes no more coroutines
 * @runs: calls of run
 * @busy_ns: time spent in calls of run that did work
 * @idle_ns: time spent asleep or in calls that found nothing to do
 * @resumed: coroutines this worker resumed
 * @wakeups: times the thread was woken from its idle sleep
 */
struct evos_worker {
	u32 id;
	int cpu;
	struct evos_pool *pool;
	struct task_struct *task;
	struct llist_head queue;
	struct llist_node *batch;
	u32 popped;
	atomic_t depth;
	bool kicked;
	bool stopped;
	u64 runs;
	u64 busy_ns;
	u64 idle_ns;
	u64 resumed;
	atomic64_t wakeups;
};

/**
 * struct evos_pool - the workers of a registered evos_worker_ops
 * @run: the ops' run program
 * @nr: number of workers
 * @batch: see &evos_worker_ops.batch
 * @idle_jiffies: idle sleep, or MAX_SCHEDULE_TIMEOUT
 * @name: see &evos_worker_ops.name
 * @dropped: coroutines destroyed because their worker stopped or went
 * @workers: the workers
 */
struct evos_pool {
	int (*run)(struct evos_worker *w);
	u32 nr;
	u32 batch;
	long idle_jiffies;
	char name[EVOS_WORKER_NAME_LEN];
	atomic64_t dropped;
	struct evos_worker *workers[];
};

static struct evos_pool __rcu *evos_pool;
static DEFINE_MUTEX(evos_pool_mutex);	/* serializes pool changes */
static u64 evos_dropped_total;		/* under evos_pool_mutex */

/* Workers to wake at the end of this CPU's flush, one bit per worker. */
static DEFINE_PER_CPU(u64, evos_wake_pending);
/* The worker whose run is executing on this CPU. */
static DEFINE_PER_CPU(struct evos_worker *, evos_current);

static void worker_wake(struct evos_worker *w)
{
	WRITE_ONCE(w->kicked, true);
	if (wake_up_process(w->task))
		atomic64_inc(&w->wakeups);
}

/**
 * evos_workers_flush() - wake the workers that got coroutines on this CPU
 *
 * Called at the end of xdp_do_flush(): however many coroutines a NAPI poll
 * pushed to a worker, the worker is woken once.
 */
void evos_workers_flush(void)
{
	u64 pending = this_cpu_xchg(evos_wake_pending, 0);
	struct evos_pool *pool;
	int i;

	if (!pending)
		return;
	rcu_read_lock();
	pool = rcu_dereference(evos_pool);
	for (i = 0; pool && pending; i++, pending >>= 1)
		if ((pending & 1) && i < pool->nr)
			worker_wake(pool->workers[i]);
	rcu_read_unlock();
}

/**
 * evos_worker_count_resume() - account a resume to the running worker
 */
void evos_worker_count_resume(void)
{
	struct evos_worker *w = this_cpu_read(evos_current);

	if (w && w->task == current)
		w->resumed++;
}

static void pool_drop(struct evos_pool *pool, struct llist_node *list)
{
	struct llist_node *n, *next;

	for (n = list; n; n = next) {
		next = n->next;
		bpf_coro_destroy(bpf_coro_from_lnode(n));
		atomic64_inc(&pool->dropped);
	}
}

/* Take every coroutine off @w, oldest first. */
static struct llist_node *worker_take_all(struct evos_worker *w)
{
	struct llist_node *fresh, *n;

	fresh = llist_reverse_order(llist_del_all(&w->queue));
	if (!w->batch)
		return fresh;
	for (n = w->batch; n->next; n = n->next)
		;
	n->next = fresh;
	fresh = w->batch;
	w->batch = NULL;
	return fresh;
}

static void worker_stop_self(struct evos_worker *w)
{
	WRITE_ONCE(w->stopped, true);
	/* Pushes that raced with the flag are dropped here, or by teardown. */
	synchronize_rcu();
	pool_drop(w->pool, worker_take_all(w));
	atomic_set(&w->depth, 0);
}

static int evos_worker_fn(void *arg)
{
	struct evos_worker *w = arg;
	struct evos_pool *pool = w->pool;

	while (!kthread_should_stop()) {
		struct bpf_net_context __bpf_net_ctx, *bpf_net_ctx;
		u64 t0 = ktime_get_ns(), t1;
		int ret;

		if (READ_ONCE(w->stopped)) {
			set_current_state(TASK_INTERRUPTIBLE);
			if (!kthread_should_stop())
				schedule();
			__set_current_state(TASK_RUNNING);
			continue;
		}

		WRITE_ONCE(w->kicked, false);
		w->popped = 0;
		local_bh_disable();
		bpf_net_ctx = bpf_net_ctx_set(&__bpf_net_ctx);
		this_cpu_write(evos_current, w);
		ret = pool->run(w);
		this_cpu_write(evos_current, NULL);
		xdp_do_flush();
		bpf_net_ctx_clear(bpf_net_ctx);
		local_bh_enable();
		w->runs++;
		t1 = ktime_get_ns();

		if (ret > 0) {
			w->busy_ns += t1 - t0;
			cond_resched();
			continue;
		}
		if (ret < 0) {
			w->idle_ns += t1 - t0;
			worker_stop_self(w);
			continue;
		}

		/*
		 * Idle: sleep until a push or bpf_evos_worker_wake() since the
		 * start of this call, or the idle timeout.  What is already
		 * queued does not count: run chose not to take it now.
		 */
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(w->kicked) && !kthread_should_stop())
			schedule_timeout(pool->idle_jiffies);
		__set_current_state(TASK_RUNNING);
		w->idle_ns += ktime_get_ns() - t0;
		cond_resched();
	}
	return 0;
}

static int pool_cpu(u64 cpus, u32 id)
{
	u32 weight = hweight64(cpus), nth, cpu;

	if (!weight)
		return -1;
	nth = id % weight;
	for (cpu = 0; cpu < 64; cpu++)
		if ((cpus & BIT_ULL(cpu)) && !nth--)
			return cpu;
	return -1;
}

static void pool_free(struct evos_pool *pool)
{
	u32 i;

	for (i = 0; i < pool->nr; i++) {
		if (pool->workers[i] && pool->workers[i]->task)
			put_task_struct(pool->workers[i]->task);
		kfree(pool->workers[i]);
	}
	kfree(pool);
}

/* Not inlined, so that fail_function can make it fail. */
static noinline struct evos_worker *worker_alloc(void)
{
	return kzalloc(sizeof(struct evos_worker), GFP_KERNEL_ACCOUNT);
}
ALLOW_ERROR_INJECTION(worker_alloc, NULL);

/* Make a pool with its threads created but not yet running. */
static struct evos_pool *pool_create(const struct evos_worker_ops *ops)
{
	struct evos_pool *pool;
	u32 i;

	pool = kzalloc(struct_size(pool, workers, ops->nr_workers),
		       GFP_KERNEL_ACCOUNT);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	pool->run = ops->run;
	pool->nr = ops->nr_workers;
	pool->batch = ops->batch ?: 64;
	pool->idle_jiffies = ops->idle_timeout_ms ?
			     msecs_to_jiffies(ops->idle_timeout_ms) :
			     MAX_SCHEDULE_TIMEOUT;
	strscpy(pool->name, ops->name, sizeof(pool->name));
	for (i = 0; i < pool->nr; i++) {
		struct evos_worker *w;
		struct task_struct *t;

		w = worker_alloc();
		if (!w)
			goto fail;
		pool->workers[i] = w;
		w->id = i;
		w->pool = pool;
		w->cpu = pool_cpu(ops->cpus, i);
		init_llist_head(&w->queue);
		t = kthread_create_on_node(evos_worker_fn, w,
					   w->cpu >= 0 ? cpu_to_node(w->cpu) :
					   NUMA_NO_NODE, "evos_worker/%u", i);
		if (IS_ERR(t))
			goto fail;
		get_task_struct(t);
		w->task = t;
		if (w->cpu >= 0)
			set_cpus_allowed_ptr(t, cpumask_of(w->cpu));
	}
	return pool;
fail:
	for (i = 0; i < pool->nr; i++)
		if (pool->workers[i] && pool->workers[i]->task)
			kthread_stop(pool->workers[i]->task);
	pool_free(pool);
	return ERR_PTR(-ENOMEM);
}

static void pool_stop(struct evos_pool *pool)
{
	u32 i;

	for (i = 0; i < pool->nr; i++)
		kthread_stop(pool->workers[i]->task);
}

/*
 * Replace the pool by one for @ops (NULL: no pool); with @only_if_none,
 * fail with -EBUSY instead when a pool is registered.  Coroutines queued
 * on the old workers move to new worker (old id mod new count); without a
 * new pool, or for workers that had stopped, they are destroyed.
 */
static int pool_replace(const struct evos_worker_ops *ops, bool only_if_none)
{
	struct evos_pool *old, *new = NULL;
	u32 i;

	if (ops) {
		new = pool_create(ops);
		if (IS_ERR(new))
			return PTR_ERR(new);
	}

	mutex_lock(&evos_pool_mutex);
	if (only_if_none && rcu_access_pointer(evos_pool)) {
		mutex_unlock(&evos_pool_mutex);
		if (new) {
			pool_stop(new);
			pool_free(new);
		}
		return -EBUSY;
	}
	old = rcu_replace_pointer(evos_pool, new,
				  lockdep_is_held(&evos_pool_mutex));
	/* No producer sees the old pool any more, nor a wake-up bit for it. */
	synchronize_rcu();
	if (old) {
		pool_stop(old);
		for (i = 0; i < old->nr; i++) {
			struct evos_worker *w = old->workers[i];
			struct llist_node *list = worker_take_all(w), *n, *next;

			if (!new || w->stopped) {
				pool_drop(old, list);
				continue;
			}
			for (n = list; n; n = next) {
				struct evos_worker *to = new->workers[i % new->nr];

				next = n->next;
				llist_add(n, &to->queue);
				atomic_inc(&to->depth);
			}
		}
		evos_dropped_total += atomic64_read(&old->dropped);
	}
	if (new)
		for (i = 0; i < new->nr; i++)
			wake_up_process(new->workers[i]->task);
	mutex_unlock(&evos_pool_mutex);

	if (old)
		pool_free(old);
	return 0;
}

/* --- struct_ops --------------------------------------------------------- */

static int evos_worker_validate(void *kdata)
{
	const struct evos_worker_ops *ops = kdata;
	u64 online = 0;
	int cpu;

	if (!ops->run)
		return -EINVAL;
	if (!ops->nr_workers || ops->nr_workers > EVOS_WORKERS_MAX ||
	    ops->batch > EVOS_WORKER_MAX_BATCH)
		return -E2BIG;
	if (!ops->cpus)
		return 0;
	for_each_online_cpu(cpu)
		if (cpu < 64)
			online |= BIT_ULL(cpu);
	return ops->cpus & ~online ? -EINVAL : 0;
}

static int evos_worker_reg(void *kdata, struct bpf_link *link)
{
	/* Checked and registered under one lock: one pool at a time. */
	return evos_worker_validate(kdata) ?: pool_replace(kdata, true);
}

static void evos_worker_unreg(void *kdata, struct bpf_link *link)
{
	pool_replace(NULL, false);
}

static int evos_worker_update(void *kdata, void *old_kdata,
			      struct bpf_link *link)
{
	return evos_worker_validate(kdata) ?: pool_replace(kdata, false);
}

static int evos_worker_init_member(const struct btf_type *t,
				   const struct btf_member *member,
				   void *kdata, const void *udata)
{
	const struct evos_worker_ops *uops = udata;
	struct evos_worker_ops *ops = kdata;
	u32 moff = __btf_member_bit_offset(t, member) / 8;

	switch (moff) {
	case offsetof(struct evos_worker_ops, nr_workers):
		ops->nr_workers = uops->nr_workers;
		return 1;
	case offsetof(struct evos_worker_ops, batch):
		ops->batch = uops->batch;
		return 1;
	case offsetof(struct evos_worker_ops, idle_timeout_ms):
		ops->idle_timeout_ms = uops->idle_timeout_ms;
		return 1;
	case offsetof(struct evos_worker_ops, cpus):
		ops->cpus = uops->cpus;
		return 1;
	case offsetof(struct evos_worker_ops, name):
		if (bpf_obj_name_cpy(ops->name, uops->name,
				     sizeof(ops->name)) < 0)
			return -EINVAL;
		return 1;
	}
	return 0;
}

static int evos_worker_check_member(const struct btf_type *t,
				    const struct btf_member *member,
				    const struct bpf_prog *prog)
{
	/* run executes with softirqs disabled: it cannot sleep. */
	return prog->sleepable ? -EINVAL : 0;
}

static int evos_worker_init(struct btf *btf)
{
	return 0;
}

static bool evos_worker_is_valid_access(int off, int size,
					enum bpf_access_type type,
					const struct bpf_prog *prog,
					struct bpf_insn_access_aux *info)
{
	if (type != BPF_READ || off < 0 ||
	    off >= sizeof(__u64) * MAX_BPF_FUNC_ARGS || off % size)
		return false;
	return btf_ctx_access(off, size, type, prog, info);
}

static const struct bpf_func_proto *
evos_worker_get_func_proto(enum bpf_func_id func_id, const struct bpf_prog *prog)
{
	return bpf_base_func_proto(func_id, prog);
}

static const struct bpf_verifier_ops evos_worker_verifier_ops = {
	.get_func_proto = evos_worker_get_func_proto,
	.is_valid_access = evos_worker_is_valid_access,
};

static int evos_worker_run_stub(struct evos_worker *w)
{
	return 0;
}

static struct evos_worker_ops __evos_worker_ops_stubs = {
	.run = evos_worker_run_stub,
};

static struct bpf_struct_ops bpf_evos_worker_ops = {
	.verifier_ops = &evos_worker_verifier_ops,
	.init = evos_worker_init,
	.check_member = evos_worker_check_member,
	.init_member = evos_worker_init_member,
	.reg = evos_worker_reg,
	.unreg = evos_worker_unreg,
	.update = evos_worker_update,
	.validate = evos_worker_validate,
	.cfi_stubs = &__evos_worker_ops_stubs,
	.name = "evos_worker_ops",
	.owner = THIS_MODULE,
};

/* --- kfuncs -------------------------------------------------------------- */

__bpf_kfunc_start_defs();

/**
 * bpf_coro_queue_push() - hand a coroutine to a worker
 * @worker: index of the worker; taken modulo the number of workers, as
 *	the pool may have shrunk since the caller chose it
 * @h: the coroutine; the reference is consumed
 *
 * Lock-free; callable from any CPU.  Where an xdp_do_flush() is sure to
 * follow on this CPU (queue_fn publishing at XDP, a worker's run) the
 * worker is woken once per flush, not once per push; anywhere else (an
 * XDP program's main body, which may return any verdict, generic XDP,
 * SYSCALL programs) it is woken at once.
 *
 * Return: 0; -ENOENT when no pool is registered, -ESHUTDOWN when that
 * worker stopped.  On error the coroutine is destroyed and counted.
 */
__bpf_kfunc int bpf_coro_queue_push(u32 worker, struct bpf_coro *h)
{
	struct evos_pool *pool;
	struct evos_worker *w;
	int err = 0;

	rcu_read_lock();
	pool = rcu_dereference(evos_pool);
	if (!pool) {
		err = -ENOENT;
		goto out;
	}
	/* The pool may have shrunk since the caller chose @worker. */
	worker %= pool->nr;
	w = pool->workers[worker];
	if (READ_ONCE(w->stopped)) {
		atomic64_inc(&pool->dropped);
		err = -ESHUTDOWN;
		goto out;
	}
	atomic_inc(&w->depth);
	llist_add(bpf_coro_lnode(h), &w->queue);
	if (worker < 64 && (this_cpu_read(evos_current) || bpf_coro_publishing()))
		this_cpu_or(evos_wake_pending, BIT_ULL(worker));
	else
		worker_wake(w);
out:
	rcu_read_unlock();
	if (err)
		bpf_coro_destroy(h);
	return err;
}

/**
 * bpf_coro_queue_pop() - take the oldest coroutine queued on this worker
 * @w: the worker, as passed to run
 *
 * Return: an owned coroutine handle, to resume or release; NULL when the
 * queue is empty or this call of run already took its batch.
 */
__bpf_kfunc struct bpf_coro *bpf_coro_queue_pop(struct evos_worker *w)
{
	struct llist_node *n;

	if (w->popped >= w->pool->batch)
		return NULL;
	if (!w->batch)
		w->batch = llist_reverse_order(llist_del_all(&w->queue));
	n = w->batch;
	if (!n)
		return NULL;
	w->batch = n->next;
	w->popped++;
	atomic_dec(&w->depth);
	return bpf_coro_from_lnode(n);
}

/**
 * bpf_evos_worker_wake() - make a worker call run again
 * @worker: index of the worker, taken modulo the number of workers
 *
 * Return: 0, or -ENOENT when no pool is registered.
 */
__bpf_kfunc int bpf_evos_worker_wake(u32 worker)
{
	struct evos_pool *pool;
	int err = 0;

	rcu_read_lock();
	pool = rcu_dereference(evos_pool);
	if (pool)
		worker_wake(pool->workers[worker % pool->nr]);
	else
		err = -ENOENT;
	rcu_read_unlock();
	return err;
}

/**
 * bpf_evos_worker_id() - index of a worker
 * @w: the worker, as passed to run
 *
 * Return: its index, from 0 to bpf_evos_nr_workers() - 1.
 */
__bpf_kfunc u32 bpf_evos_worker_id(struct evos_worker *w)
{
	return w->id;
}

/**
 * bpf_evos_nr_workers() - number of workers in the pool
 *
 * Return: the number of workers, 0 when no pool is registered.
 */
__bpf_kfunc u32 bpf_evos_nr_workers(void)
{
	struct evos_pool *pool;
	u32 nr;

	rcu_read_lock();
	pool = rcu_dereference(evos_pool);
	nr = pool ? pool->nr : 0;
	rcu_read_unlock();
	return nr;
}

/**
 * bpf_evos_task_worker_depth() - the load of the worker that a task is
 * @p: a task
 *
 * For schedulers, such as scx_evos: how many coroutines are queued on the
 * worker of the registered pool that @p runs, so that it can be placed by
 * its load.  A hint: it may change at once.
 *
 * Return: the number of coroutines queued on @p's worker, or -ENOENT if
 * @p is not a worker of the registered pool.
 */
__bpf_kfunc s32 bpf_evos_task_worker_depth(struct task_struct *p)
{
	struct evos_pool *pool;
	s32 depth = -ENOENT;
	u32 i;

	rcu_read_lock();
	pool = rcu_dereference(evos_pool);
	for (i = 0; pool && i < pool->nr; i++) {
		if (pool->workers[i]->task == p) {
			depth = atomic_read(&pool->workers[i]->depth);
			break;
		}
	}
	rcu_read_unlock();
	return depth;
}

__bpf_kfunc_end_defs();

/* For the data path: XDP, and SYSCALL programs for tools and tests. */
BTF_KFUNCS_START(evos_producer_kfunc_ids)
BTF_ID_FLAGS(func, bpf_coro_queue_push, KF_RELEASE)
BTF_ID_FLAGS(func, bpf_evos_worker_wake)
BTF_ID_FLAGS(func, bpf_evos_nr_workers)
BTF_KFUNCS_END(evos_producer_kfunc_ids)

/* For evos_worker_ops programs only. */
BTF_KFUNCS_START(evos_worker_kfunc_ids)
BTF_ID_FLAGS(func, bpf_coro_queue_push, KF_RELEASE)
BTF_ID_FLAGS(func, bpf_coro_queue_pop, KF_ACQUIRE | KF_RET_NULL | KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_worker_wake)
BTF_ID_FLAGS(func, bpf_evos_worker_id, KF_TRUSTED_ARGS)
BTF_ID_FLAGS(func, bpf_evos_nr_workers)
BTF_ID_FLAGS(func, bpf_coro_resume, KF_RELEASE)
BTF_ID_FLAGS(func, bpf_coro_release, KF_RELEASE)
BTF_KFUNCS_END(evos_worker_kfunc_ids)

/* For schedulers (sched_ext_ops, any struct_ops): the workers' loads. */
BTF_KFUNCS_START(evos_sched_kfunc_ids)
BTF_ID_FLAGS(func, bpf_evos_task_worker_depth, KF_TRUSTED_ARGS)
BTF_KFUNCS_END(evos_sched_kfunc_ids)

BTF_ID_LIST_SINGLE(evos_worker_ops_ids, struct, evos_worker_ops)

/* Filters apply to every kfunc of the hook: decide only for ours. */
static int evos_worker_kfunc_filter(const struct bpf_prog *prog, u32 kfunc_id)
{
	if (!btf_id_set8_contains(&evos_worker_kfunc_ids, kfunc_id))
		return 0;
	if (prog->type != BPF_PROG_TYPE_STRUCT_OPS)
		return 0;
	return prog->aux->attach_btf_id == evos_worker_ops_ids[0] ? 0 : -EACCES;
}

static const struct btf_kfunc_id_set evos_producer_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &evos_producer_kfunc_ids,
};

static const struct btf_kfunc_id_set evos_worker_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &evos_worker_kfunc_ids,
	.filter = evos_worker_kfunc_filter,
};

static const struct btf_kfunc_id_set evos_sched_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &evos_sched_kfunc_ids,
};

/* --- counters: the evos_worker iterator ----------------------------------- */

/**
 * struct evos_worker_info - one worker's counters, as iterator programs see them
 * @pool: name of the pool
 * @nr_workers: workers in the pool
 * @batch: the pool's batch limit
 * @dropped: coroutines destroyed because their worker stopped or went,
 *	since boot, all pools together
 * @id: index of the worker in the pool
 * @cpu: the CPU it is bound to, or -1
 * @pid: its thread, in the PID namespace of whoever made the iterator
 * @depth: coroutines queued to it
 * @runs: calls of run
 * @busy_ns: time spent in calls of run that did work
 * @idle_ns: time spent asleep or in calls that found nothing to do
 * @resumed: coroutines it resumed
 * @wakeups: times it was woken from its idle sleep
 * @stopped: run returned < 0; it takes no more coroutines
 *
 * A snapshot taken under the pool lock when the iteration starts; the
 * worker itself stays private.
 * The iterator shows one per worker of the registered pool; with no pool,
 * one with @nr_workers 0 that carries only @dropped.
 */
struct evos_worker_info {
	char pool[EVOS_WORKER_NAME_LEN];
	u32 nr_workers;
	u32 batch;
	u64 dropped;
	u32 id;
	s32 cpu;
	s32 pid;
	u32 depth;
	u64 runs;
	u64 busy_ns;
	u64 idle_ns;
	u64 resumed;
	u64 wakeups;
	bool stopped;
};

struct bpf_iter__evos_worker {
	__bpf_md_ptr(struct bpf_iter_meta *, meta);
	__bpf_md_ptr(struct evos_worker_info *, worker);
};

DEFINE_BPF_ITER_FUNC(evos_worker, struct bpf_iter_meta *meta,
		     struct evos_worker_info *worker)

/*
 * The iteration works on a snapshot of the pool taken when it starts, so
 * that no lock is held while the iterator program runs (it may sleep).
 */
struct evos_worker_iter {
	struct pid_namespace *ns;
	u32 nr;
	struct evos_worker_info info[EVOS_WORKERS_MAX];
};

static void worker_iter_snapshot(struct evos_worker_iter *it)
{
	struct evos_pool *pool;
	u32 i;

	mutex_lock(&evos_pool_mutex);
	pool = rcu_dereference_protected(evos_pool,
					 lockdep_is_held(&evos_pool_mutex));
	memset(it->info, 0, sizeof(it->info));
	if (!pool) {
		/* No pool: one entry with no worker, for the global counters. */
		strscpy(it->info[0].pool, "-", sizeof(it->info[0].pool));
		it->info[0].dropped = evos_dropped_total;
		it->info[0].cpu = -1;
		it->nr = 1;
		mutex_unlock(&evos_pool_mutex);
		return;
	}
	for (i = 0; i < pool->nr; i++) {
		struct evos_worker_info *info = &it->info[i];
		struct evos_worker *w = pool->workers[i];

		strscpy(info->pool, pool->name, sizeof(info->pool));
		info->nr_workers = pool->nr;
		info->batch = pool->batch;
		info->dropped = evos_dropped_total + atomic64_read(&pool->dropped);
		info->id = w->id;
		info->cpu = w->cpu;
		info->pid = task_pid_nr_ns(w->task, it->ns);
		info->depth = max(atomic_read(&w->depth), 0);
		info->runs = READ_ONCE(w->runs);
		info->busy_ns = READ_ONCE(w->busy_ns);
		info->idle_ns = READ_ONCE(w->idle_ns);
		info->resumed = READ_ONCE(w->resumed);
		info->wakeups = atomic64_read(&w->wakeups);
		info->stopped = READ_ONCE(w->stopped);
	}
	it->nr = pool->nr;
	mutex_unlock(&evos_pool_mutex);
}

static void *evos_worker_seq_start(struct seq_file *seq, loff_t *pos)
{
	struct evos_worker_iter *it = seq->private;

	if (!*pos)
		worker_iter_snapshot(it);
	return *pos < it->nr ? &it->info[*pos] : NULL;
}

static void *evos_worker_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct evos_worker_iter *it = seq->private;

	++*pos;
	return *pos < it->nr ? &it->info[*pos] : NULL;
}

static int __evos_worker_seq_show(struct seq_file *seq, void *v, bool in_stop)
{
	struct bpf_iter__evos_worker ctx;
	struct bpf_iter_meta meta;
	struct bpf_prog *prog;

	meta.seq = seq;
	prog = bpf_iter_get_info(&meta, in_stop);
	if (!prog)
		return 0;
	ctx.meta = &meta;
	ctx.worker = v;
	return bpf_iter_run_prog(prog, &ctx);
}

static int evos_worker_seq_show(struct seq_file *seq, void *v)
{
	return __evos_worker_seq_show(seq, v, false);
}

static void evos_worker_seq_stop(struct seq_file *seq, void *v)
{
	if (!v)
		(void)__evos_worker_seq_show(seq, v, true);
}

/* PIDs are shown as the namespace of the iterator's creator sees them. */
static int evos_worker_iter_init(void *priv, struct bpf_iter_aux_info *aux)
{
	struct evos_worker_iter *it = priv;

	it->ns = get_pid_ns(task_active_pid_ns(current));
	return 0;
}

static void evos_worker_iter_fini(void *priv)
{
	struct evos_worker_iter *it = priv;

	put_pid_ns(it->ns);
}

static const struct seq_operations evos_worker_seq_ops = {
	.start	= evos_worker_seq_start,
	.next	= evos_worker_seq_next,
	.stop	= evos_worker_seq_stop,
	.show	= evos_worker_seq_show,
};

static const struct bpf_iter_seq_info evos_worker_seq_info = {
	.seq_ops		= &evos_worker_seq_ops,
	.init_seq_private	= evos_worker_iter_init,
	.fini_seq_private	= evos_worker_iter_fini,
	.seq_priv_size		= sizeof(struct evos_worker_iter),
};

BTF_ID_LIST_SINGLE(evos_worker_info_ids, struct, evos_worker_info)

static struct bpf_iter_reg evos_worker_iter_reg = {
	.target			= "evos_worker",
	.ctx_arg_info_size	= 1,
	.ctx_arg_info		= {
		{ offsetof(struct bpf_iter__evos_worker, worker),
		  PTR_TO_BTF_ID_OR_NULL | PTR_TRUSTED },
	},
	.seq_info		= &evos_worker_seq_info,
};

static int __init evos_worker_init_module(void)
{
	int ret;

	evos_worker_iter_reg.ctx_arg_info[0].btf_id = evos_worker_info_ids[0];
	ret = bpf_iter_reg_target(&evos_worker_iter_reg);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_XDP,
					       &evos_producer_kfunc_set);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL,
					       &evos_producer_kfunc_set);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					       &evos_worker_kfunc_set);
	ret = ret ?: register_btf_kfunc_id_set(BPF_PROG_TYPE_STRUCT_OPS,
					       &evos_sched_kfunc_set);
	return ret ?: register_bpf_struct_ops(&bpf_evos_worker_ops,
					      evos_worker_ops);
}
late_initcall(evos_worker_init_module);
