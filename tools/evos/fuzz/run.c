// SPDX-License-Identifier: GPL-2.0
/*
 * Load a generated program, compare the verdict with the one the rules
 * predict, and run the programs that loaded: under BPF_PROG_TEST_RUN on
 * CPU 0 (XDP with a packet, with or without live frames; SYSCALL with a
 * ctx), then resume the coroutines it made from a SYSCALL program, on CPU
 * 0 or from a thread on CPU 1, or release them.  Each run must produce
 * what the program's trace says, every coroutine must end, with the
 * program's counters to show it, and kernel.bpf_coro_handles must be back
 * to where it was.  Kernel reports in /dev/kmsg are findings too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kernel.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fuzz.h"
#include "testlib.h"

#define LOG_SIZE	(1 << 20)
#define MAX_RESUMES	300
#define HANDLES		"/proc/sys/kernel/bpf_coro_handles"
#define PARKED		"/proc/sys/kernel/bpf_coro_parked"

static char *log_buf;
static int kmsg_fd = -1;

/* --- a thread on CPU 1 that runs programs on request ----------------------- */

struct cpu1_req {
	int fd;
	void *ctx;
	__u32 ctx_size;
	int ret, err;
};

static pthread_mutex_t cpu1_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cpu1_cond = PTHREAD_COND_INITIALIZER;
static struct cpu1_req *cpu1_pending;
static bool cpu1_done, cpu1_ready;
static int cpu1_cpu = -1;

static int test_run(int fd, void *ctx, __u32 ctx_size, int *ret)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx, .ctx_size_in = ctx_size);
	int err;

	err = bpf_prog_test_run_opts(fd, &opts);
	*ret = (int)opts.retval;
	return err ? -errno : 0;
}

static void *cpu1_main(void *arg)
{
	struct cpu1_req *req;

	(void)arg;
	pin_to_cpu(1);
	pthread_mutex_lock(&cpu1_lock);
	cpu1_cpu = sched_getcpu();
	cpu1_ready = true;
	pthread_cond_broadcast(&cpu1_cond);
	for (;;) {
		while (!cpu1_pending)
			pthread_cond_wait(&cpu1_cond, &cpu1_lock);
		req = cpu1_pending;
		pthread_mutex_unlock(&cpu1_lock);
		req->err = test_run(req->fd, req->ctx, req->ctx_size, &req->ret);
		pthread_mutex_lock(&cpu1_lock);
		cpu1_pending = NULL;
		cpu1_done = true;
		pthread_cond_broadcast(&cpu1_cond);
	}
	return NULL;
}

/* Run a SYSCALL program on CPU 0 (this thread) or on CPU 1. */
static int run_on(int cpu, int fd, void *ctx, __u32 ctx_size, int *ret)
{
	struct cpu1_req req = { .fd = fd, .ctx = ctx, .ctx_size = ctx_size };

	if (cpu == 0 || cpu1_cpu != 1)
		return test_run(fd, ctx, ctx_size, ret);
	pthread_mutex_lock(&cpu1_lock);
	cpu1_done = false;
	cpu1_pending = &req;
	pthread_cond_broadcast(&cpu1_cond);
	while (!cpu1_done)
		pthread_cond_wait(&cpu1_cond, &cpu1_lock);
	pthread_mutex_unlock(&cpu1_lock);
	*ret = req.ret;
	return req.err;
}

int fz_run_init(void)
{
	pthread_t t;

	log_buf = malloc(LOG_SIZE);
	if (!log_buf)
		return -1;
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	if (pthread_create(&t, NULL, cpu1_main, NULL))
		return -1;
	pthread_mutex_lock(&cpu1_lock);
	while (!cpu1_ready)
		pthread_cond_wait(&cpu1_cond, &cpu1_lock);
	pthread_mutex_unlock(&cpu1_lock);
	if (cpu1_cpu != 1)
		printf("# the resumer thread runs on CPU %d, not CPU 1: all resumes on CPU 0\n",
		       cpu1_cpu);
	return 0;
}

/* --- findings ------------------------------------------------------------- */

struct check {
	const struct fz_prog *p;
	const struct fz_opts *o;
	long index;
	int findings;
	char first[512];
};

static void finding(struct check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void finding(struct check *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->findings++)
		snprintf(c->first, sizeof(c->first), "%s", msg);
	printf("# FINDING program %ld (seed %llu): %s\n", c->index,
	       (unsigned long long)c->o->seed, msg);
}

static void rules_str(__u64 mask, char *buf, size_t size)
{
	size_t len = 0;
	int r;

	buf[0] = '\0';
	for (r = 0; r < NR_FZ_RULES && len + 2 < size; r++)
		if (mask & (1ULL << r))
			len += snprintf(buf + len, size - len, "%s\"%s\"", len ? ", " : "",
					fz_rules[r].name);
}

static const char *const report_patterns[] = {
	"BUG:", "WARNING:", "Oops", "kernel BUG", "general protection fault",
	"Kernel panic", "ODEBUG:", "list_add corruption", "list_del corruption",
	"suspected memory leak", "INFO: possible", "INFO: task", "inconsistent lock state",
	"UBSAN:", "refcount_t:",
};

/* New kernel reports since the last look. */
static void check_kmsg(struct check *c, struct fz_stats *st)
{
	char rec[2048];
	ssize_t n;
	size_t i;

	if (kmsg_fd < 0)
		return;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			break;
		rec[n] = '\0';
		for (i = 0; i < ARRAY_SIZE(report_patterns); i++) {
			if (strstr(rec, report_patterns[i])) {
				char *msg = strchr(rec, ';');

				st->kernel_reports++;
				finding(c, "kernel report: %s", msg ? msg + 1 : rec);
				break;
			}
		}
	}
}

/* --- runs ----------------------------------------------------------------- */

static const char *const counter_names[] = {
	"created", "suspended", "resumed", "destroyed", "completed", "completed_aborted",
	"completed_drop", "completed_pass", "completed_tx", "completed_redirect",
};

struct counters {
	long long created, suspended, resumed, destroyed, completed;
};

static void read_counters(int fd, struct counters *k)
{
	long long v[ARRAY_SIZE(counter_names)];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(counter_names); i++)
		v[i] = coro_counter(fd, counter_names[i]);
	k->created = v[0];
	k->suspended = v[1];
	k->resumed = v[2];
	k->destroyed = v[3];
	k->completed = v[4] + v[5] + v[6] + v[7] + v[8] + v[9];
}

static bool is_xdp(const struct fz_prog *p)
{
	return p->type == T_XDP;
}

static int set_arr(const struct fz_env *env, __u64 sel)
{
	__u64 v[FZ_VAL_SIZE / 8] = {};
	__u32 key = 0;

	v[ARR_SEL / 8] = sel;
	v[ARR_VAL / 8] = FZ_AV;
	v[ARR_DYN / 8] = FZ_DV;
	return bpf_map_update_elem(env->map_fd[M_ARR], &key, v, BPF_ANY);
}

static __u64 get_acc(const struct fz_env *env)
{
	__u64 v[FZ_VAL_SIZE / 8] = {};
	__u32 key = 0;

	bpf_map_lookup_elem(env->map_fd[M_ARR], &key, v);
	return v[ARR_ACC / 8];
}

/* Take every handle out of the slots; returns how many there were. */
static int drain_slots(const struct fz_env *env)
{
	__u32 slot;
	int n = 0, ret;

	for (slot = 0; slot < FZ_SLOTS; slot++)
		if (!test_run(env->release_fd, &slot, sizeof(slot), &ret) && ret == 0)
			n++;
	return n;
}

enum policy {
	POL_RESUME,	/* resume the handle until the program completes */
	POL_RELEASE,	/* release the first handle (bpf_coro_release) */
	POL_OVERWRITE,	/* overwrite the slots from user space (kptr destructor) */
};

static const char *const policy_names[] = {
	"resume", "release the first handle", "overwrite the slots",
};

/* The original run, on CPU 0; returns its return value in *ret. */
static int first_run(const struct fz_prog *p, int fd, const struct fz_env *env, bool live,
		     bool via_tail, int *ret)
{
	unsigned char pkt[64];
	__u64 ctx[8] = { FZ_CTXV };
	int i, err;

	if (p->type != T_XDP)
		return test_run(fd, ctx, sizeof(ctx), ret);
	{
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt));

		for (i = 0; i < (int)sizeof(pkt); i++)
			pkt[i] = FZ_PKT_BYTE(i);
		if (live) {
			opts.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
			opts.repeat = 1;
		}
		err = bpf_prog_test_run_opts(via_tail ? env->tail_caller_fd : fd, &opts);
		*ret = (int)opts.retval;
		return err ? -errno : 0;
	}
}

/*
 * Resume, or release, the handles in the slots until none is left.
 * Returns false if it had to give up.
 */
static bool handle_loop(struct check *c, const struct fz_env *env, struct fz_rng *rng,
			struct fz_stats *st, bool release, const char *how, int *resumes,
			int *releases, int *last, int final, bool freed)
{
	bool found = true;
	int i, err;
	__u32 s;

	for (i = 0; i < MAX_RESUMES && found; i++) {
		found = false;
		for (s = 0; s < FZ_SLOTS && !found; s++) {
			int cpu = fz_below(rng, 2), r = 0;

			if (release)
				err = test_run(env->release_fd, &s, sizeof(s), &r);
			else
				err = run_on(cpu, env->resume_fd, &s, sizeof(s), &r);
			if (err) {
				finding(c, "%s slot %u: %s", release ? "releasing" : "resuming", s,
					strerror(-err));
				return false;
			}
			if (r == -2)
				continue;	/* empty slot */
			found = true;
			if (release) {
				(*releases)++;
				st->releases++;
				if (r)
					finding(c, "releasing slot %u (%s) returned %d", s, how, r);
				continue;
			}
			(*resumes)++;
			st->resumes++;
			st->resumes_cpu[cpu1_cpu == 1 ? cpu : 0]++;
			*last = r;
			if (r != -EINPROGRESS && r != final && !(freed && r == -ESRCH))
				finding(c, "resume %d (%s, on CPU %d) returned %d, want %d%s or -EINPROGRESS",
					*resumes, how, cpu, r, final, freed ? ", -ESRCH" : "");
		}
	}
	if (found) {
		finding(c, "still a handle after %d resumes (%s)", MAX_RESUMES, how);
		drain_slots(env);
		return false;
	}
	return true;
}

static void overwrite_slots(const struct fz_env *env, struct fz_stats *st)
{
	__u64 zero = 0;
	__u32 s;

	for (s = 0; s < FZ_SLOTS; s++)
		bpf_map_update_elem(env->map_fd[M_SLOTS], &s, &zero, BPF_ANY);
	st->overwrites++;
}

/* Wait up to 2 s for a sysctl to come back to @want (deferred frees). */
static long long settle(const char *path, long long want)
{
	return wait_sysctl(path, want, 2000);
}

/* kernel.bpf_coro_handles and bpf_coro_parked back at @handles and @parked @when. */
static void check_settled(struct check *c, const char *when, long long handles,
			  long long parked)
{
	if (settle(HANDLES, handles) != handles)
		finding(c, "kernel.bpf_coro_handles %lld %s, was %lld", sysctl_read(HANDLES), when,
			handles);
	if (settle(PARKED, parked) != parked)
		finding(c, "kernel.bpf_coro_parked %lld %s, was %lld", sysctl_read(PARKED), when,
			parked);
}

static void one_run(struct check *c, const struct fz_prog *p, int fd,
		    const struct fz_env *env, struct fz_rng *rng, struct fz_stats *st,
		    struct counters *want, bool via_tail)
{
	__u64 sel = fz_rand(rng), acc;
	bool xdp = is_xdp(p), live = xdp && fz_chance(rng, 80);
	int pol = fz_chance(rng, 70) ? POL_RESUME : fz_chance(rng, 50) ? POL_RELEASE :
		  POL_OVERWRITE;
	bool published = !(xdp && !live), first_only = pol != POL_RESUME || !published;
	long long handles = sysctl_read(HANDLES), parked = sysctl_read(PARKED);
	int ret = 0, want_ret, err, resumes = 0, releases = 0, want_resumes, want_releases;
	struct fz_outcome out;
	bool completed;
	char how[128], when[192];

	snprintf(how, sizeof(how), "selector %#llx, %s%s, %s", (unsigned long long)sel,
		 xdp ? (live ? "xdp live frames" : "xdp without live frames") : "syscall",
		 via_tail ? " via a tail call" : "", policy_names[pol]);
	if (set_arr(env, sel)) {
		finding(c, "cannot set the selector: %s", strerror(errno));
		return;
	}
	fz_simulate(p, sel, first_only, &out);

	st->runs++;
	st->tail_runs += via_tail;
	err = first_run(p, fd, env, live, via_tail, &ret);
	if (err) {
		finding(c, "BPF_PROG_TEST_RUN (%s): %s", how, strerror(-err));
		return;
	}
	want_ret = !out.awaits ? (int)out.ret : xdp ? XDP_REDIRECT : -EINPROGRESS;
	if ((!xdp || !live) && ret != want_ret)
		finding(c, "run (%s) returned %d, want %d", how, ret, want_ret);

	if (pol == POL_OVERWRITE)
		overwrite_slots(env, st);
	if (!handle_loop(c, env, rng, st, pol == POL_RELEASE, how, &resumes, &releases, &ret,
			 (int)out.ret, false))
		return;

	/*
	 * What should have happened: the run stops at an await whose queue_fn
	 * loses the handle (releases it, or has no slot for its cookie), or
	 * at the first await when its handle is released or overwritten or,
	 * without live frames, no driver takes its packet.
	 */
	completed = out.awaits && !out.lost && !first_only;
	want_resumes = first_only || !out.awaits ? 0 : out.lost ? out.awaits - 1 : out.awaits;
	want_releases = pol == POL_RELEASE && published && out.awaits && !out.lost;
	if (resumes != want_resumes || releases != want_releases)
		finding(c, "%d resumes and %d releases (%s), want %d and %d (%d awaits%s)",
			resumes, releases, how, want_resumes, want_releases, out.awaits,
			out.lost ? ", the last one loses its handle" : "");
	else if (completed && ret != (int)out.ret)
		finding(c, "the last resume (%s) returned %d, want %d", how, ret, (int)out.ret);
	acc = get_acc(env);
	if (acc != out.acc)
		finding(c, "accumulator %#llx after the run (%s), want %#llx", (unsigned long long)acc,
			how, (unsigned long long)out.acc);
	snprintf(when, sizeof(when), "after the run (%s)", how);
	check_settled(c, when, handles, parked);

	if (out.awaits) {
		want->created++;
		want->suspended += out.awaits;
		want->resumed += resumes;
		if (completed)
			want->completed++;
		else
			want->destroyed++;
	}
}

/*
 * The program is freed while its coroutine is parked: a resume then finds
 * it destroyed (-ESRCH), or, if the free has not happened yet, runs it.
 * Either way, every handle must go.
 */
static void free_run(struct check *c, const struct fz_prog *p, int fd,
		     const struct fz_env *env, struct fz_rng *rng, struct fz_stats *st,
		     long long handles, long long parked)
{
	__u64 sel = fz_rand(rng);
	int ret = 0, err, resumes = 0, releases = 0;
	struct fz_outcome out;
	char how[96], when[160];

	snprintf(how, sizeof(how), "selector %#llx, program freed while parked",
		 (unsigned long long)sel);
	st->free_runs++;
	set_arr(env, sel);
	fz_simulate(p, sel, false, &out);
	err = first_run(p, fd, env, true, false, &ret);
	close(fd);
	if (err) {
		finding(c, "BPF_PROG_TEST_RUN (%s): %s", how, strerror(-err));
		return;
	}
	handle_loop(c, env, rng, st, false, how, &resumes, &releases, &ret, (int)out.ret, true);
	snprintf(when, sizeof(when), "after the program was freed (%s)", how);
	check_settled(c, when, handles, parked);
}

static void run_prog(struct check *c, const struct fz_prog *p, int fd,
		     const struct fz_env *env, struct fz_rng *rng, struct fz_stats *st)
{
	struct counters want = {}, got;
	long long handles = sysctl_read(HANDLES), parked = sysctl_read(PARKED);
	bool in_array = false;
	__u32 key = 1;
	int i, left;

	left = drain_slots(env);
	if (left)
		finding(c, "%d handles left in the slots before the run", left);
	/* XDP: some runs reach the program through a tail call */
	if (is_xdp(p) && fz_chance(rng, 30)) {
		if (bpf_map_update_elem(env->map_fd[M_PA_XDP], &key, &fd, BPF_ANY))
			finding(c, "cannot put the program into a prog array: %s", strerror(errno));
		else
			in_array = true;
	}
	for (i = 0; i < 2; i++)
		one_run(c, p, fd, env, rng, st, &want, in_array && fz_chance(rng, 70));
	if (in_array)
		bpf_map_delete_elem(env->map_fd[M_PA_XDP], &key);
	read_counters(fd, &got);
	if (got.created != want.created || got.suspended != want.suspended ||
	    got.resumed != want.resumed || got.completed != want.completed ||
	    got.destroyed != want.destroyed)
		finding(c, "counters created %lld suspended %lld resumed %lld completed %lld destroyed %lld, want %lld %lld %lld %lld %lld",
			got.created, got.suspended, got.resumed, got.completed, got.destroyed,
			want.created, want.suspended, want.resumed, want.completed,
			want.destroyed);
	if (got.created != got.completed + got.destroyed)
		finding(c, "created %lld != completed %lld + destroyed %lld", got.created,
			got.completed, got.destroyed);
	if (!p->queue_release && fz_chance(rng, 15)) {
		free_run(c, p, fd, env, rng, st, handles, parked);
		return;
	}
	close(fd);
	if (settle(HANDLES, handles) != handles)
		finding(c, "kernel.bpf_coro_handles %lld after the program was freed, was %lld",
			sysctl_read(HANDLES), handles);
}

/* --- loading -------------------------------------------------------------- */

static int load(const struct fz_prog *p, const struct fz_env *env)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	struct bpf_func_info info[16];
	enum bpf_prog_type type = BPF_PROG_TYPE_XDP;
	int fd, i;

	opts.log_buf = log_buf;
	opts.log_size = LOG_SIZE;
	opts.log_level = 1;
	log_buf[0] = '\0';
	switch (p->type) {
	case T_SYSCALL:
		opts.prog_flags = BPF_F_SLEEPABLE;
		type = BPF_PROG_TYPE_SYSCALL;
		break;
	case T_XDP_DEVMAP:
		opts.expected_attach_type = BPF_XDP_DEVMAP;
		break;
	case T_XDP_CPUMAP:
		opts.expected_attach_type = BPF_XDP_CPUMAP;
		break;
	case T_XDP_DEV_BOUND:
		opts.prog_flags = BPF_F_XDP_DEV_BOUND_ONLY;
		opts.prog_ifindex = env->ifindex;
		break;
	case T_TC:
		type = BPF_PROG_TYPE_SCHED_CLS;
		break;
	}
	for (i = 0; i < p->nr_funcs; i++) {
		info[i].insn_off = p->func_start[i];
		info[i].type_id = fz_func_type(p->func_name[i]);
	}
	opts.prog_btf_fd = env->prog_btf_fd;
	opts.func_info = info;
	opts.func_info_cnt = p->nr_funcs;
	opts.func_info_rec_size = sizeof(info[0]);
	fd = bpf_prog_load(type, "fz_prog", "GPL", p->insns, p->len, &opts);
	return fd < 0 ? -errno : fd;
}

int fz_check_prog(struct fz_prog *p, const struct fz_env *env, struct fz_rng *rng,
		  const struct fz_opts *o, long index, struct fz_stats *st)
{
	struct check c = { .p = p, .o = o, .index = index };
	__u64 allowed = fz_expected_rules(p);
	char line[512], want[512];
	int fd, rule;

	st->programs++;
	if (o->verbose)
		printf("# program %ld: %s\n", index, p->mutations);
	if (p->overflow) {
		finding(&c, "the generator ran out of room");
		goto out;
	}
	fd = load(p, env);
	rules_str(allowed, want, sizeof(want));
	if (fd >= 0) {
		st->accepted++;
		if (o->verbose)
			printf("#   accepted%s%s\n", allowed ? "; documentation: refused by " : "",
			       allowed ? want : "");
		if (allowed && !(allowed & ~p->maybe))
			allowed = 0;	/* only rules that may be hit */
		if (allowed) {
			st->unexpected_accept++;
			finding(&c, "accepted, but it breaks %s", want);
			close(fd);
		} else if (p->type == T_XDP || p->type == T_SYSCALL) {
			run_prog(&c, p, fd, env, rng, st);
		} else {
			close(fd);
		}
	} else {
		st->rejected++;
		rule = fz_match_rule(log_buf, line, sizeof(line));
		if (o->verbose)
			printf("#   rejected (%s): %s\n", rule >= 0 ? fz_rules[rule].name : "no rule",
			       line);
		if (rule < 0) {
			st->unknown_reject++;
			finding(&c, "rejected (%s) with a message no rule names: \"%s\"",
				strerror(-fd), line);
			tap_log_tail(log_buf, 1200);
		} else {
			st->by_rule[rule]++;
			if (!allowed) {
				st->wrong_reject++;
				finding(&c, "rejected by \"%s\", but it breaks no rule: \"%s\"",
					fz_rules[rule].name, line);
				tap_log_tail(log_buf, 1200);
			} else if (!(allowed & (1ULL << rule))) {
				st->wrong_rule++;
				finding(&c, "rejected by \"%s\", expected %s: \"%s\"",
					fz_rules[rule].name, want, line);
				tap_log_tail(log_buf, 1200);
			}
		}
	}
	check_kmsg(&c, st);
out:
	if (c.findings) {
		printf("#   mutations: %s\n", p->mutations);
		if (o->save_dir)
			fz_save(o, index, p, env, c.first, log_buf);
	}
	st->findings += c.findings;
	return c.findings;
}
