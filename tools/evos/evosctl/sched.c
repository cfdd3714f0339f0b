// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl sched: attach scx_evos, the sched_ext scheduler of EvOS (see
 * bpf/scx_evos.bpf.c), detach it and show what it does.
 *
 * "sched attach" loads the scheduler that evosctl carries, with the
 * parameters given, registers it with a link pinned as links/sched, pins
 * its state maps under sched/, and makes the pool's workers and the
 * named application threads SCHED_EXT; the workers may then run on any
 * CPU of the pool, and the scheduler picks which.  The pinned link keeps
 * the scheduler registered after evosctl exits.  "sched detach" puts the
 * workers back on their own CPUs under EEVDF and removes the link.  If the
 * scheduler exits by itself (an error, the sched_ext watchdog), the kernel
 * moves its tasks to EEVDF; "sched status" says why, and "sched detach"
 * cleans up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>

#include "evosctl.h"
#include "worker_iter.h"
#include "scx_evos.h"
#include "scx_evos.skel.h"

#ifndef SCHED_EXT
#define SCHED_EXT	7
#endif

#define SCX_SYSFS	"/sys/kernel/sched_ext"
#define MAX_WORKERS	64
#define MAX_APPS	SCX_EVOS_MAX_APPS

struct sched_opts {
	unsigned long slice_us;
	unsigned long share_x_us;
	unsigned long share_y_us;
	int nr_apps;
	pid_t apps[MAX_APPS];
};

/* Read the first line of @path into @buf; "" if it cannot. */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* "X/Y" in microseconds, 0 < X <= Y. */
static int parse_share(const char *s, struct sched_opts *o)
{
	char *end;

	o->share_x_us = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		return -1;
	s = end + 1;
	o->share_y_us = strtoul(s, &end, 10);
	if (end == s || *end || !o->share_x_us || o->share_x_us > o->share_y_us ||
	    o->share_y_us > 1000000)
		return -1;
	return 0;
}

/* A thread ID for --app into @o; 0, or a usage report. */
static int add_app(struct sched_opts *o, const char *arg)
{
	char *end;
	long pid;

	pid = strtol(arg, &end, 10);
	if (*end || pid <= 0 || pid > 0x3fffffff)
		return p_usage("--app wants process or thread IDs, not '%s'", arg);
	if (o->nr_apps == MAX_APPS)
		return p_usage("--app takes at most %d IDs", MAX_APPS);
	o->apps[o->nr_apps++] = pid;
	return 0;
}

static int parse_attach(int argc, char **argv, struct sched_opts *o)
{
	static const char usage[] =
		"usage: evosctl sched attach [--slice-us N] [--max-share X/Y] [--app PID...]";
	static const struct option options[] = {
		{ "slice-us", required_argument, NULL, 's' },
		{ "max-share", required_argument, NULL, 'm' },
		{ "app", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	/* getopt wants the command's name in front */
	char **args = argv - 1;
	int nargs = argc + 1;
	int opt, err;
	char *end;

	o->slice_us = 100;
	o->share_x_us = 900;
	o->share_y_us = 1000;
	o->nr_apps = 0;
	optind = 0;
	while ((opt = getopt_long(nargs, args, "+", options, NULL)) >= 0) {
		switch (opt) {
		case 's':
			o->slice_us = strtoul(optarg, &end, 10);
			if (*end || o->slice_us < 5 || o->slice_us > 100000)
				return p_usage("--slice-us wants a slice from 5 to 100000 microseconds, not '%s'",
					       optarg);
			break;
		case 'm':
			if (parse_share(optarg, o))
				return p_usage("--max-share wants X/Y in microseconds with 0 < X <= Y <= 1000000, such as 900/1000, not '%s'",
					       optarg);
			break;
		case 'a':
			/* --app PID [PID...]: the IDs up to the next option */
			err = add_app(o, optarg);
			while (!err && optind < nargs && args[optind][0] != '-')
				err = add_app(o, args[optind++]);
			if (err)
				return err;
			break;
		default:
			return p_usage("%s", usage);
		}
	}
	if (optind != nargs)
		return p_usage("%s", usage);
	return 0;
}

/* The workers of the pool, and the union of their CPUs in *cpus. */
static int read_workers(struct evos_worker_record *w, __u64 *cpus)
{
	int n, i;

	n = evos_worker_records(w, MAX_WORKERS);
	if (n < 0)
		return n;
	if (n == 1 && !w[0].nr_workers)
		n = 0;
	*cpus = 0;
	for (i = 0; i < n; i++)
		if (w[i].cpu >= 0 && w[i].cpu < 64)
			*cpus |= 1ULL << w[i].cpu;
	return n;
}

static int set_policy(pid_t pid, int policy)
{
	struct sched_param param = { .sched_priority = 0 };

	return sched_setscheduler(pid, policy, &param) ? -errno : 0;
}

/* Whether @pid is SCHED_EXT: what attach made it, and detach may undo. */
static bool is_ext(pid_t pid)
{
	int policy = sched_getscheduler(pid);

	return policy >= 0 && (policy & ~SCHED_RESET_ON_FORK) == SCHED_EXT;
}

static int set_cpus(pid_t pid, __u64 cpus)
{
	cpu_set_t set;
	int cpu;

	CPU_ZERO(&set);
	for (cpu = 0; cpu < 64; cpu++)
		if (cpus & (1ULL << cpu))
			CPU_SET(cpu, &set);
	return sched_setaffinity(pid, sizeof(set), &set) ? -errno : 0;
}

/*
 * Put workers back on their own CPUs, as the pool placed them, and the
 * workers and applications that are still SCHED_EXT back under EEVDF (a
 * thread that changed policy since, or an ID used again, is left alone).
 * Threads that are gone are skipped; other failures are reported.
 */
static void release_tasks(const struct evos_worker_record *w, int nr,
			  const pid_t *apps, int nr_apps)
{
	int i, err;

	for (i = 0; i < nr; i++) {
		err = w[i].cpu >= 0 ? set_cpus(w[i].pid, 1ULL << w[i].cpu) : 0;
		if (!err && is_ext(w[i].pid))
			err = set_policy(w[i].pid, SCHED_OTHER);
		if (err && err != -ESRCH)
			p_err("cannot put worker %u (pid %d) back on its CPU under EEVDF: %s",
			      w[i].id, w[i].pid, errno_hint(-err));
	}
	for (i = 0; i < nr_apps; i++) {
		err = is_ext(apps[i]) ? set_policy(apps[i], SCHED_OTHER) : 0;
		if (err && err != -ESRCH)
			p_err("cannot put thread %d back under EEVDF: %s", apps[i],
			      errno_hint(-err));
	}
}

/* Make the workers and @apps SCHED_EXT; on failure undo and report. */
static int adopt_tasks(const struct evos_worker_record *w, int nr, __u64 cpus,
		       const pid_t *apps, int nr_apps)
{
	int i, err = 0;

	for (i = 0; i < nr && !err; i++) {
		err = set_cpus(w[i].pid, cpus) ?: set_policy(w[i].pid, SCHED_EXT);
		if (err)
			p_err("cannot hand worker %u (pid %d) to the scheduler: %s",
			      w[i].id, w[i].pid, errno_hint(-err));
	}
	/* Their children go back to EEVDF: only the threads named are ours. */
	for (i = 0; i < nr_apps && !err; i++) {
		err = set_policy(apps[i], SCHED_EXT | SCHED_RESET_ON_FORK);
		if (err)
			p_err("cannot hand thread %d to the scheduler: %s", apps[i],
			      err == -ESRCH ? "no such process or thread; give the IDs of running threads" :
			      errno_hint(-err));
	}
	if (err)
		release_tasks(w, nr, apps, nr_apps);
	return err;
}

static int sched_pin_path(char *buf, size_t size, const char *name)
{
	return pin_path(buf, size, "sched/%s", name);
}

/* Pin the state that "status" and "detach" read. */
static int pin_state(struct scx_evos *skel)
{
	struct pin {
		struct bpf_map *map;
		const char *name;
	} pins[] = {
		{ skel->maps.rodata, "params" },
		{ skel->maps.data, "data" },
		{ skel->maps.bss, "bss" },
		{ skel->maps.worker_stats, "worker_stats" },
		{ skel->maps.apps, "apps" },
		{ skel->maps.ctl, "ctl" },
		/* a timer lives while its map has users */
		{ skel->maps.tick_timers, "timer" },
	};
	char path[4096];
	size_t i;
	int err;

	sched_pin_path(path, sizeof(path), "");
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	for (i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		sched_pin_path(path, sizeof(path), pins[i].name);
		err = bpf_map__pin(pins[i].map, path);
		if (err)
			return err;
	}
	return 0;
}

static void unpin_all(void)
{
	char path[4096];

	pin_path(path, sizeof(path), "links/sched");
	unlink(path);
	sched_pin_path(path, sizeof(path), "");
	rm_tree(path);
}

/* 0 if sched_ext can take a scheduler now; else reports. */
static int check_sched_ext(void)
{
	char state[64], ops[128], link[4096];

	if (!path_exists(SCX_SYSFS "/state"))
		return p_err("this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT); boot the EvOS kernel");
	pin_path(link, sizeof(link), "links/sched");
	if (path_exists(link))
		return p_err("scx_evos is already attached; change it with 'evosctl sched detach' and attach again");
	read_line(SCX_SYSFS "/state", state, sizeof(state));
	if (strcmp(state, "disabled")) {
		read_line(SCX_SYSFS "/root/ops", ops, sizeof(ops));
		return p_err("another sched_ext scheduler (%s, %s) is running; stop it first",
			     ops[0] ? ops : "unnamed", state);
	}
	return 0;
}

static int sched_attach(int argc, char **argv)
{
	static struct evos_worker_record w[MAX_WORKERS];
	struct bpf_link *link = NULL;
	struct scx_evos *skel;
	bool pinned = false;
	char path[4096];
	struct sched_opts o;
	__u64 cpus;
	int n, err, i;

	err = parse_attach(argc, argv, &o);
	if (err)
		return err;
	if (check_sched_ext() || check_bpffs())
		return 1;
	n = read_workers(w, &cpus);
	if (n == -ENOENT)
		return p_err("cannot read the workers: the kernel has no evos_worker iterator; is this an EvOS kernel with CONFIG_BPF_EVOS_WORKERS?");
	if (n < 0)
		return p_err("cannot read the workers: %s", errno_hint(-n));
	if (!n || !cpus)
		return p_err("no worker pool with CPUs is registered; start one first, e.g. 'evosctl workers start OBJ --cpus 0-1'");

	skel = scx_evos__open();
	if (!skel)
		return p_err("cannot open the scheduler: %s", errno_hint(errno));
	skel->rodata->pool_cpus = cpus;
	skel->rodata->slice_ns = o.slice_us * 1000;
	skel->rodata->budget_ns = o.share_x_us * 1000;
	skel->rodata->period_ns = o.share_y_us * 1000;
	/* what the applications may have of a period, in one go */
	skel->rodata->app_slice_ns = (o.share_y_us - o.share_x_us) * 1000 ?:
				     skel->rodata->slice_ns;
	err = scx_evos__load(skel);
	if (err) {
		p_err("the kernel rejected the scheduler: %s; 'evosctl --debug sched attach' shows the verifier's log",
		      errno_hint(-err));
		goto out;
	}
	for (i = 0; i < o.nr_apps && !err; i++) {
		__u32 key = i;

		err = bpf_map__update_elem(skel->maps.apps, &key, sizeof(key),
					   &o.apps[i], sizeof(o.apps[i]), 0);
	}
	if (err) {
		p_err("cannot record the application threads: %s", errno_hint(-err));
		goto out;
	}
	link = bpf_map__attach_struct_ops(skel->maps.evos_ops);
	if (!link) {
		err = -errno;
		p_err("cannot attach the scheduler: %s",
		      err == -EEXIST || err == -EBUSY ?
		      "another sched_ext scheduler is running; stop it first" :
		      errno_hint(-err));
		goto out;
	}
	pin_path(path, sizeof(path), "links");
	mkdir(path, 0700);
	pin_path(path, sizeof(path), "links/sched");
	err = bpf_link__pin(link, path);
	if (err) {
		/* another attach got there first: its pins are not ours */
		p_err("cannot pin the scheduler under %s: %s", pin_root,
		      err == -EEXIST ? "scx_evos is already attached" : errno_hint(-err));
		goto out;
	}
	pinned = true;
	err = pin_state(skel);
	if (err) {
		p_err("cannot pin the scheduler's maps under %s: %s", pin_root,
		      errno_hint(-err));
		goto out;
	}
	err = adopt_tasks(w, n, cpus, o.apps, o.nr_apps);
	if (err)
		goto out;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "sched", "attached");
		jsonw_uint_field(json_wtr, "workers", n);
		jsonw_uint_field(json_wtr, "apps", o.nr_apps);
		jsonw_uint_field(json_wtr, "cpus", cpus);
		jsonw_end_object(json_wtr);
	} else {
		printf("scx_evos attached: %d workers on CPUs 0x%llx, %d application threads\n",
		       n, (unsigned long long)cpus, o.nr_apps);
	}
out:
	if (err && pinned)
		unpin_all();
	if (link && !err)
		bpf_link__disconnect(link);
	bpf_link__destroy(link);
	scx_evos__destroy(skel);
	return err ? 1 : 0;
}

/*
 * Read entry 0 of the pinned map @name into @val, of @size bytes.  A data
 * section's map may be longer (it also holds static variables that the
 * skeleton does not show) or shorter (the skeleton's struct ends with
 * padding).  0 or -errno.
 */
static int read_pinned(const char *name, void *val, size_t size)
{
	struct bpf_map_info info = {};
	__u32 key = 0, len = sizeof(info);
	char path[4096];
	void *buf = NULL;
	int fd, err;

	sched_pin_path(path, sizeof(path), name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_map_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (!err) {
		buf = calloc(1, info.value_size);
		err = buf ? 0 : -ENOMEM;
	}
	if (!err)
		err = bpf_map_lookup_elem(fd, &key, buf) ? -errno : 0;
	memset(val, 0, size);
	if (!err)
		memcpy(val, buf, info.value_size < size ? info.value_size : size);
	free(buf);
	close(fd);
	return err;
}

/* The application IDs that attach recorded. */
static int read_apps(pid_t *apps)
{
	char path[4096];
	__u32 key;
	int fd, n = 0;
	__s32 pid;

	sched_pin_path(path, sizeof(path), "apps");
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	for (key = 0; key < MAX_APPS; key++)
		if (!bpf_map_lookup_elem(fd, &key, &pid) && pid > 0)
			apps[n++] = pid;
	close(fd);
	return n;
}

int sched_release(bool force)
{
	static struct evos_worker_record w[MAX_WORKERS];
	pid_t apps[MAX_APPS];
	char path[4096];
	int n, nr_apps;
	__u64 cpus;

	pin_path(path, sizeof(path), "links/sched");
	if (!path_exists(path))
		return 0;
	n = read_workers(w, &cpus);
	if (n < 0 && !force)
		return n;
	nr_apps = read_apps(apps);
	release_tasks(w, n > 0 ? n : 0, apps, nr_apps);
	unpin_all();
	return 1;
}

static int sched_detach(int argc, char **argv)
{
	int ret;

	(void)argv;
	if (argc)
		return p_usage("usage: evosctl sched detach");
	ret = sched_release(false);
	if (!ret)
		return p_err("scx_evos is not attached; nothing to detach");
	if (ret < 0)
		return p_err("cannot read the workers to put them back: %s; scx_evos stays attached",
			     errno_hint(-ret));
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "sched", "detached");
		jsonw_end_object(json_wtr);
	} else {
		printf("scx_evos detached\n");
	}
	return 0;
}

static const char *policy_name(int policy)
{
	switch (policy) {
	case SCHED_EXT:
		return "ext";
	case SCHED_OTHER:
		return "normal";
	default:
		return "other";
	}
}

static int sched_status(int argc, char **argv)
{
	static struct evos_worker_record w[MAX_WORKERS];
	struct scx_evos__rodata params;
	struct scx_evos__data data;
	struct scx_evos__bss bss;
	char state[64], ops[128], path[4096];
	struct scx_evos_worker_stat st;
	bool attached;
	int n, i, fd, err = 0;
	__u64 cpus;

	(void)argv;
	if (argc)
		return p_usage("usage: evosctl sched status");
	read_line(SCX_SYSFS "/state", state, sizeof(state));
	read_line(SCX_SYSFS "/root/ops", ops, sizeof(ops));
	if (!state[0])
		return p_err("this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT); boot the EvOS kernel");
	pin_path(path, sizeof(path), "links/sched");
	attached = path_exists(path);
	if (attached)
		err = read_pinned("params", &params, sizeof(params)) ?:
		      read_pinned("data", &data, sizeof(data)) ?:
		      read_pinned("bss", &bss, sizeof(bss));
	if (err)
		return p_err("cannot read the scheduler's state under %s/sched: %s",
			     pin_root, errno_hint(-err));
	n = read_workers(w, &cpus);
	if (n < 0)
		n = 0;
	sched_pin_path(path, sizeof(path), "worker_stats");
	fd = attached ? bpf_obj_get(path) : -1;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "sched_ext", state);
		jsonw_string_field(json_wtr, "ops", ops);
		jsonw_bool_field(json_wtr, "attached", attached);
		if (attached) {
			jsonw_bool_field(json_wtr, "running",
					 !bss.exit_info.kind && !strcmp(state, "enabled"));
			jsonw_uint_field(json_wtr, "slice_ns", params.slice_ns);
			jsonw_uint_field(json_wtr, "budget_ns", params.budget_ns);
			jsonw_uint_field(json_wtr, "period_ns", params.period_ns);
			jsonw_uint_field(json_wtr, "pool_cpus", params.pool_cpus);
			jsonw_uint_field(json_wtr, "nr_active", data.nr_active);
			jsonw_uint_field(json_wtr, "util_pct", bss.last_util_pct);
			jsonw_int_field(json_wtr, "depth_max", bss.last_depth_max);
			jsonw_uint_field(json_wtr, "ticks", bss.ticks);
			jsonw_uint_field(json_wtr, "decisions", bss.decisions);
			jsonw_uint_field(json_wtr, "grows", bss.grows);
			jsonw_uint_field(json_wtr, "shrinks", bss.shrinks);
			jsonw_uint_field(json_wtr, "preempt_kicks", bss.preempt_kicks);
			jsonw_uint_field(json_wtr, "worker_dispatches", bss.worker_dispatches);
			jsonw_uint_field(json_wtr, "app_dispatches", bss.app_dispatches);
			jsonw_uint_field(json_wtr, "budget_denials", bss.budget_denials);
			jsonw_uint_field(json_wtr, "budget_kicks", bss.budget_kicks);
			jsonw_uint_field(json_wtr, "steals", bss.steals);
			jsonw_int_field(json_wtr, "exit_kind", bss.exit_info.kind);
			jsonw_string_field(json_wtr, "exit_reason", bss.exit_info.reason);
			jsonw_string_field(json_wtr, "exit_msg", bss.exit_info.msg);
		}
		jsonw_name(json_wtr, "workers");
		jsonw_start_array(json_wtr);
		for (i = 0; i < n; i++) {
			memset(&st, 0, sizeof(st));
			if (fd >= 0)
				bpf_map_lookup_elem(fd, &w[i].pid, &st);
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "id", w[i].id);
			jsonw_int_field(json_wtr, "pid", w[i].pid);
			jsonw_string_field(json_wtr, "policy",
					   policy_name(sched_getscheduler(w[i].pid)));
			jsonw_int_field(json_wtr, "last_cpu", st.runs ? st.cpu : -1);
			jsonw_uint_field(json_wtr, "runs", st.runs);
			jsonw_uint_field(json_wtr, "run_ns", st.run_ns);
			jsonw_uint_field(json_wtr, "preempt_kicks", st.preempt_kicks);
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		goto out;
	}

	printf("sched_ext: %s%s%s\n", state, ops[0] ? ", ops " : "", ops);
	if (!attached) {
		printf("scx_evos is not attached; attach it with: evosctl sched attach\n");
		goto out;
	}
	if (bss.exit_info.kind)
		printf("scx_evos exited: %s%s%s; its tasks run under EEVDF. Clean up with: evosctl sched detach\n",
		       bss.exit_info.reason, bss.exit_info.msg[0] ? ": " : "",
		       bss.exit_info.msg);
	printf("slices of %llu us; workers get at most %llu of every %llu us while others wait\n",
	       (unsigned long long)params.slice_ns / 1000,
	       (unsigned long long)params.budget_ns / 1000,
	       (unsigned long long)params.period_ns / 1000);
	printf("active worker CPUs: %u of the pool's 0x%llx (use %u%%, deepest queue %d); decisions %llu, grows %llu, shrinks %llu\n",
	       data.nr_active, (unsigned long long)params.pool_cpus, bss.last_util_pct,
	       bss.last_depth_max,
	       (unsigned long long)bss.decisions, (unsigned long long)bss.grows,
	       (unsigned long long)bss.shrinks);
	printf("dispatches: workers %llu (from other CPUs' queues %llu), applications %llu; kicks: for waiting workers %llu, for budgets %llu; budget denials %llu\n",
	       (unsigned long long)bss.worker_dispatches,
	       (unsigned long long)bss.steals,
	       (unsigned long long)bss.app_dispatches,
	       (unsigned long long)bss.preempt_kicks,
	       (unsigned long long)bss.budget_kicks,
	       (unsigned long long)bss.budget_denials);
	printf("  %3s %7s %7s %8s %10s %12s %8s\n", "id", "pid", "policy", "last cpu",
	       "runs", "avg run us", "kicks");
	for (i = 0; i < n; i++) {
		memset(&st, 0, sizeof(st));
		if (fd >= 0)
			bpf_map_lookup_elem(fd, &w[i].pid, &st);
		printf("  %3u %7d %7s %8d %10llu %12.1f %8llu\n", w[i].id, w[i].pid,
		       policy_name(sched_getscheduler(w[i].pid)), st.runs ? st.cpu : -1,
		       (unsigned long long)st.runs,
		       st.runs ? st.run_ns / 1000.0 / st.runs : 0.0,
		       (unsigned long long)st.preempt_kicks);
	}
out:
	if (fd >= 0)
		close(fd);
	return 0;
}

static int sched_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return print_help(
		"Usage: evosctl sched attach [--slice-us N] [--max-share X/Y] [--app PID...]\n"
		"       evosctl sched detach\n"
		"       evosctl sched status\n"
		"\n"
		"attach   load scx_evos, the sched_ext scheduler of EvOS, and hand it the\n"
		"         pool's workers and the application threads given (--app)\n"
		"         --slice-us N      the workers' slice (default 100)\n"
		"         --max-share X/Y   workers get at most X of every Y microseconds\n"
		"                           while other threads wait (default 900/1000)\n"
		"detach   put the workers back on their CPUs under EEVDF, remove scx_evos\n"
		"status   the scheduler's state, active worker CPUs and each worker's use\n");
}

static const struct cmd sched_cmds[] = {
	{ "attach",	sched_attach },
	{ "detach",	sched_detach },
	{ "status",	sched_status },
	{ "help",	sched_help },
	{ NULL,		NULL },
};

int do_sched(int argc, char **argv)
{
	return cmd_select(sched_cmds, argc, argv, sched_help, "sched ");
}
