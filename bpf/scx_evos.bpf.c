// SPDX-License-Identifier: GPL-2.0
/*
 * scx_evos - the sched_ext scheduler of EvOS.
 *
 * It runs with SCX_OPS_SWITCH_PARTIAL: only the EvOS workers and the
 * application threads that "evosctl sched attach --app" names are
 * SCHED_EXT; everything else stays under EEVDF (which also means that an
 * EEVDF task always runs before them on its CPU).
 *
 * Where.  The workers may run on the pool's CPUs (pool_cpus).  Of those,
 * the first nr_active in CPU order are the active worker CPUs: a worker
 * that wakes is queued on one of them.  Every decision period the
 * scheduler compares the time the workers ran on the active CPUs with
 * the time there was, and looks at the deepest worker queue it saw (the
 * data path's coroutines waiting for a worker): above grow_pct, or deeper
 * than depth_grow, it adds a CPU (spread); below shrink_pct with no queue
 * deeper than depth_shrink, it gives the last one back (join).
 *
 * When.  Workers run with slices of slice_ns, applications with slices
 * of app_slice_ns.  Each CPU has a worker queue and all CPUs share one
 * application queue.  In every period_ns a CPU gives its workers at most
 * budget_ns while applications wait, and the applications the rest; with
 * nothing else waiting, the workers get all of it.  The scheduler tick is
 * too coarse for that, so a timer every tick_ns kicks, with
 * SCX_KICK_PREEMPT, a CPU whose worker ran past its budget while
 * applications wait, and a CPU whose oldest queued worker waited longer
 * than preempt_ns and still has budget.
 *
 * Failure.  If the scheduler exits, errs or stalls past timeout_ms,
 * sched_ext moves its tasks back to EEVDF.  The map ctl (written by tests)
 * makes it exit (1), err (2) or stall its workers (3).
 *
 * See Documentation/evos/scx_evos.rst.
 */
#include <scx/common.bpf.h>

#include "evos_worker.h"
#include "scx_evos.h"

char LICENSE[] SEC("license") = "GPL";

#define MAX_CPUS		64
#define APP_DSQ			MAX_CPUS	/* worker queues are 0..MAX_CPUS-1 */
#define WORKER_COMM		"evos_worker/"
#define WORKER_COMM_LEN		(sizeof(WORKER_COMM) - 1)

/* Parameters, set by evosctl before loading. */
const volatile u64 pool_cpus = 1;
const volatile u64 slice_ns = 100 * 1000;
const volatile u64 app_slice_ns = 100 * 1000;
const volatile u64 period_ns = 1000 * 1000;
const volatile u64 budget_ns = 900 * 1000;
const volatile u64 preempt_ns = 200 * 1000;
const volatile u64 tick_ns = 500 * 1000;
const volatile u32 decide_ticks = 20;
const volatile u32 grow_pct = 70;
const volatile u32 shrink_pct = 25;
const volatile u32 depth_grow = 32;
const volatile u32 depth_shrink = 4;

/* State and counters, read by "evosctl sched status". */
u32 nr_active = 1;
u64 decisions, grows, shrinks, preempt_kicks, worker_dispatches, app_dispatches;
u64 budget_denials, budget_kicks, steals;
u32 last_util_pct;
/* Deepest worker queue seen at an enqueue since the last decision. */
s32 depth_max, last_depth_max;
u64 ticks;

struct scx_evos_exit exit_info;

/* The application threads that evosctl made SCHED_EXT, for detach. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCX_EVOS_MAX_APPS);
	__type(key, u32);
	__type(value, s32);
} apps SEC(".maps");

/* Per CPU, indexed by CPU number. */
struct cpu_ctx {
	u64 period_start;
	u64 worker_ns;		/* in the current period */
	u64 window_ns;		/* since the last decision */
	u64 worker_since;	/* when the running worker started, or 0 */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_CPUS);
	__type(key, u32);
	__type(value, struct cpu_ctx);
} cpu_ctxs SEC(".maps");

struct task_ctx {
	bool worker;
	u64 queued_at;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

/* What each worker got, by pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, s32);
	__type(value, struct scx_evos_worker_stat);
} worker_stats SEC(".maps");

/*
 * A switch for tests of the fallback: 1 makes the scheduler exit, 2 err,
 * 3 stop running workers (a stall that the watchdog ends).  Pinned as
 * sched/ctl.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} ctl SEC(".maps");

static u32 ctl_req(void)
{
	u32 key = 0, *v = bpf_map_lookup_elem(&ctl, &key);

	return v ? *v : 0;
}

struct tick_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct tick_timer);
} tick_timers SEC(".maps");

static struct cpu_ctx *cpu_ctx(s32 cpu)
{
	u32 key = cpu;

	return bpf_map_lookup_elem(&cpu_ctxs, &key);
}

static bool is_worker_task(struct task_struct *p)
{
	char comm[WORKER_COMM_LEN];

	if (!(p->flags & PF_KTHREAD))
		return false;
	if (bpf_probe_read_kernel(comm, sizeof(comm), p->comm))
		return false;
	return !__builtin_memcmp(comm, WORKER_COMM, WORKER_COMM_LEN);
}

/* The nth CPU (from 0) of pool_cpus, or -1. */
static s32 pool_nth_cpu(u32 nth)
{
	u32 cpu;

	bpf_for(cpu, 0, MAX_CPUS) {
		if (!(pool_cpus & (1ULL << cpu)))
			continue;
		if (!nth--)
			return cpu;
	}
	return -1;
}

/* Whether @cpu is one of the first nr_active CPUs of pool_cpus. */
static bool cpu_active(s32 cpu)
{
	u64 below;

	if (cpu < 0 || cpu >= MAX_CPUS || !(pool_cpus & (1ULL << cpu)))
		return false;
	below = pool_cpus & ((1ULL << cpu) - 1);
	return __builtin_popcountll(below) < nr_active;
}

/* Workers queued on @cpu, and the one running there. */
static s32 worker_load(s32 cpu)
{
	struct cpu_ctx *c = cpu_ctx(cpu);

	return scx_bpf_dsq_nr_queued(cpu) + (c && c->worker_since ? 1 : 0);
}

/*
 * The active CPU that @p may run on with the fewest workers, @prev if it
 * is one of them and has none; else the CPU @p is on.
 */
static s32 worker_cpu(struct task_struct *p, s32 prev)
{
	s32 best = -1, cpu, load, best_load = 0x7fffffff;
	u32 i, n = nr_active;

	if (cpu_active(prev) && bpf_cpumask_test_cpu(prev, p->cpus_ptr) &&
	    !worker_load(prev))
		return prev;
	bpf_for(i, 0, MAX_CPUS) {
		if (i >= n)
			break;
		cpu = pool_nth_cpu(i);
		if (cpu < 0 || !bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		load = worker_load(cpu);
		if (load < best_load) {
			best = cpu;
			best_load = load;
		}
	}
	return best >= 0 ? best : scx_bpf_task_cpu(p);
}

s32 BPF_STRUCT_OPS(evos_select_cpu, struct task_struct *p, s32 prev_cpu,
		   u64 wake_flags)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	bool idle = false;
	s32 cpu;

	if (tctx && tctx->worker)
		return worker_cpu(p, prev_cpu);
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);
	if (idle) {
		__sync_fetch_and_add(&app_dispatches, 1);
		scx_bpf_dispatch(p, SCX_DSQ_LOCAL, app_slice_ns, 0);
	}
	return cpu;
}

/* The record of worker @p, made on first use. */
static struct scx_evos_worker_stat *worker_stat(struct task_struct *p)
{
	struct scx_evos_worker_stat *st, zero = { .cpu = -1 };
	s32 pid = p->pid;

	st = bpf_map_lookup_elem(&worker_stats, &pid);
	if (st)
		return st;
	bpf_map_update_elem(&worker_stats, &pid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&worker_stats, &pid);
}

/*
 * The data path's signal: how much waits for worker @p, kept as the
 * deepest since the last decision and as the worker's latest.
 */
static void sample_depth(struct task_struct *p)
{
	struct scx_evos_worker_stat *st = worker_stat(p);
	s32 depth = bpf_evos_task_worker_depth(p);

	if (depth > depth_max)
		depth_max = depth;
	if (st)
		st->depth = depth;
}

void BPF_STRUCT_OPS(evos_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	s32 cpu;

	if (!tctx || !tctx->worker) {
		scx_bpf_dispatch(p, APP_DSQ, app_slice_ns, enq_flags);
		return;
	}
	sample_depth(p);
	/* A busy worker comes back here, not through select_cpu. */
	cpu = worker_cpu(p, scx_bpf_task_cpu(p));
	if (cpu < 0 || cpu >= MAX_CPUS)
		cpu = scx_bpf_task_cpu(p);
	tctx->queued_at = bpf_ktime_get_ns();
	scx_bpf_dispatch(p, cpu, slice_ns, enq_flags);
	scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

/* Start a new budget period on @c if the current one is over. */
static void period_roll(struct cpu_ctx *c, u64 now)
{
	if (now - c->period_start >= period_ns) {
		c->period_start = now;
		c->worker_ns = 0;
	}
}

/* Worker time on @c in the current period, the running worker's included. */
static u64 worker_used(struct cpu_ctx *c, u64 now)
{
	u64 since = c->worker_since;

	return c->worker_ns + (since && since < now ? now - since : 0);
}

static bool is_worker(struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	return tctx && tctx->worker;
}

void BPF_STRUCT_OPS(evos_dispatch, s32 cpu, struct task_struct *prev)
{
	struct cpu_ctx *c = cpu_ctx(cpu);
	bool stall = ctl_req() == 3, over;
	u64 now = bpf_ktime_get_ns();
	u32 i;
	s32 o;

	if (!c || cpu < 0 || cpu >= MAX_CPUS)
		return;
	if (stall)		/* the watchdog must step in */
		goto apps;
	period_roll(c, now);
	over = worker_used(c, now) >= budget_ns;
	if (over && scx_bpf_dsq_nr_queued(APP_DSQ)) {
		if (scx_bpf_dsq_nr_queued(cpu))
			__sync_fetch_and_add(&budget_denials, 1);
		goto apps;
	}
	if (scx_bpf_consume(cpu)) {
		__sync_fetch_and_add(&worker_dispatches, 1);
		return;
	}
	/* A worker whose slice ended goes on while it has budget. */
	if (prev && !over && (prev->scx.flags & SCX_TASK_QUEUED) &&
	    is_worker(prev)) {
		prev->scx.slice = slice_ns;
		return;
	}
apps:
	if (scx_bpf_consume(APP_DSQ)) {
		__sync_fetch_and_add(&app_dispatches, 1);
		return;
	}
	if (stall)
		return;
	if (scx_bpf_consume(cpu)) {
		__sync_fetch_and_add(&worker_dispatches, 1);
		return;
	}
	/*
	 * Idle here: run a worker queued on another CPU, which an EEVDF
	 * thread may keep busy.
	 */
	bpf_for(i, 0, MAX_CPUS) {
		if (i >= nr_active)
			break;
		o = pool_nth_cpu(i);
		if (o >= 0 && o != cpu && scx_bpf_consume(o)) {
			__sync_fetch_and_add(&worker_dispatches, 1);
			__sync_fetch_and_add(&steals, 1);
			return;
		}
	}
}

void BPF_STRUCT_OPS(evos_running, struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	struct cpu_ctx *c;
	u64 now;

	if (!tctx || !tctx->worker)
		return;
	c = cpu_ctx(scx_bpf_task_cpu(p));
	if (!c)
		return;
	now = bpf_ktime_get_ns();
	period_roll(c, now);
	c->worker_since = now;
}

void BPF_STRUCT_OPS(evos_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	s32 cpu = scx_bpf_task_cpu(p);
	struct scx_evos_worker_stat *st;
	struct cpu_ctx *c;
	u64 ran;

	if (!tctx || !tctx->worker)
		return;
	c = cpu_ctx(cpu);
	if (!c || !c->worker_since)
		return;
	ran = bpf_ktime_get_ns() - c->worker_since;
	c->worker_since = 0;
	c->worker_ns += ran;
	__sync_fetch_and_add(&c->window_ns, ran);
	sample_depth(p);
	st = worker_stat(p);
	if (!st)
		return;
	st->runs++;
	st->run_ns += ran;
	st->cpu = cpu;
}

s32 BPF_STRUCT_OPS(evos_init_task, struct task_struct *p,
		   struct scx_init_task_args *args)
{
	struct task_ctx *tctx;

	tctx = bpf_task_storage_get(&task_ctxs, p, 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx)
		return -ENOMEM;
	tctx->worker = is_worker_task(p);
	return 0;
}

void BPF_STRUCT_OPS(evos_exit_task, struct task_struct *p,
		    struct scx_exit_task_args *args)
{
	s32 pid = p->pid;

	bpf_map_delete_elem(&worker_stats, &pid);
}

/*
 * The pid of the oldest worker queued on @cpu if it waited longer than
 * preempt_ns, else 0.
 */
static s32 worker_waiting_long(s32 cpu, u64 now)
{
	struct task_struct *p;
	struct task_ctx *tctx;
	s32 pid = 0;

	bpf_rcu_read_lock();
	bpf_for_each(scx_dsq, p, cpu, 0) {
		tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
		if (tctx && tctx->queued_at + preempt_ns < now)
			pid = p->pid;
		break;
	}
	bpf_rcu_read_unlock();
	return pid;
}

static long deepest_cb(void *map, s32 *pid, struct scx_evos_worker_stat *st,
		       s32 *deepest)
{
	if (st->depth > *deepest)
		*deepest = st->depth;
	return 0;
}

/* Spread or join by the workers' use of the active CPUs since last time. */
static void decide(void)
{
	u32 i, n = nr_active, pool = __builtin_popcountll(pool_cpus);
	u64 ran = 0, ran_cpu, window = tick_ns * decide_ticks;
	struct cpu_ctx *c;
	s32 cpu, deepest;

	bpf_for(i, 0, MAX_CPUS) {
		cpu = pool_nth_cpu(i);
		if (cpu < 0)
			break;
		c = cpu_ctx(cpu);
		if (!c)
			continue;
		/* take what stopping() added, without losing what it adds now */
		ran_cpu = __sync_lock_test_and_set(&c->window_ns, 0);
		if (i < n)
			ran += ran_cpu;
	}
	last_util_pct = n && window ? ran * 100 / (window * n) : 0;
	/*
	 * Also each worker's latest depth: one asleep on a full queue is not
	 * queued again, so it shows in no enqueue.
	 */
	deepest = __sync_lock_test_and_set(&depth_max, 0);
	bpf_for_each_map_elem(&worker_stats, deepest_cb, &deepest, 0);
	last_depth_max = deepest;
	decisions++;
	if ((last_util_pct > grow_pct || last_depth_max > depth_grow) && n < pool) {
		nr_active = n + 1;
		grows++;
	} else if (last_util_pct < shrink_pct && last_depth_max <= depth_shrink &&
		   n > 1) {
		nr_active = n - 1;
		shrinks++;
	}
}

static int tick(void *map, int *key, struct bpf_timer *timer)
{
	u64 now = bpf_ktime_get_ns();
	struct scx_evos_worker_stat *st;
	struct cpu_ctx *c;
	u32 req = ctl_req(), i;
	s32 cpu, pid;

	if (exit_info.kind)	/* the scheduler is gone: so is its timer */
		return 0;
	if (req == 1)
		scx_bpf_exit(0, "exit requested through the ctl map");
	else if (req == 2)
		scx_bpf_error("error requested through the ctl map");

	bpf_for(i, 0, MAX_CPUS) {
		cpu = pool_nth_cpu(i);
		c = cpu_ctx(cpu);
		if (!c)
			break;
		/* A worker past its budget while applications wait. */
		if (c->worker_since && worker_used(c, now) >= budget_ns &&
		    scx_bpf_dsq_nr_queued(APP_DSQ)) {
			budget_kicks++;
			scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
			continue;
		}
		if (c->worker_since || c->worker_ns >= budget_ns)
			continue;
		pid = worker_waiting_long(cpu, now);
		if (!pid)
			continue;
		preempt_kicks++;
		st = bpf_map_lookup_elem(&worker_stats, &pid);
		if (st)
			st->preempt_kicks++;
		scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	}
	if (++ticks % decide_ticks == 0)
		decide();
	bpf_timer_start(timer, tick_ns, 0);
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(evos_init)
{
	struct bpf_timer *timer;
	u32 key = 0, id;
	s32 err;

	bpf_for(id, 0, APP_DSQ + 1) {
		err = scx_bpf_create_dsq(id, -1);
		if (err)
			return err;
	}
	timer = bpf_map_lookup_elem(&tick_timers, &key);
	if (!timer)
		return -ESRCH;
	bpf_timer_init(timer, &tick_timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(timer, tick);
	return bpf_timer_start(timer, tick_ns, 0);
}

void BPF_STRUCT_OPS(evos_exit, struct scx_exit_info *ei)
{
	exit_info.exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_info.reason, sizeof(exit_info.reason),
				  ei->reason);
	bpf_probe_read_kernel_str(exit_info.msg, sizeof(exit_info.msg), ei->msg);
	__sync_lock_test_and_set(&exit_info.kind, ei->kind);
}

/* evosctl sets timeout_ms before loading. */
SEC(".struct_ops.link")
struct sched_ext_ops evos_ops = {
	.select_cpu	= (void *)evos_select_cpu,
	.enqueue	= (void *)evos_enqueue,
	.dispatch	= (void *)evos_dispatch,
	.running	= (void *)evos_running,
	.stopping	= (void *)evos_stopping,
	.init_task	= (void *)evos_init_task,
	.exit_task	= (void *)evos_exit_task,
	.init		= (void *)evos_init,
	.exit		= (void *)evos_exit,
	.flags		= SCX_OPS_SWITCH_PARTIAL,
	.timeout_ms	= 5000,
	.name		= "evos",
};
