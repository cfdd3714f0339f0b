// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl workers: start, resize and stop the EvOS worker pool.
 *
 * A worker object holds one struct_ops map of type evos_worker_ops (see
 * bpf/evos_worker.bpf.c).  "workers start OBJ" opens it, sets the worker
 * count and CPUs in the map before loading, registers it with a link and
 * pins the link as links/workers and the object as objs/workers.  "workers
 * set" loads the object again with the new settings and moves the link to
 * it: the kernel moves queued coroutines to the new workers.  The object's
 * path and the settings given are kept in /run/evos/workers.obj for "set".
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <linux/types.h>

#include "evosctl.h"
#include "worker_iter.h"

#define STATE_DIR	"/run/evos"
#define STATE_OBJ	STATE_DIR "/workers.obj"
#define MAX_WORKERS	64

struct workers_opts {
	long count;		/* -1: as in the object */
	long long cpus;		/* -1: as in the object */
};

/* "0-2,5" -> bits 0, 1, 2 and 5; -1 on a bad list. */
static long long parse_cpus(const char *s)
{
	long long mask = 0;
	char *end;
	long a, b;

	while (*s) {
		a = strtol(s, &end, 10);
		if (end == s || a < 0 || a >= 64)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= 64)
				return -1;
		}
		for (; a <= b; a++)
			mask |= 1LL << a;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		s = end;
	}
	return mask ? mask : -1;
}

static int parse_opts(int argc, char **argv, struct workers_opts *o, const char *usage)
{
	static const struct option options[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "cpus", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	o->count = -1;
	o->cpus = -1;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "+", options, NULL)) >= 0) {
		switch (opt) {
		case 'c':
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count < 1 || o->count > MAX_WORKERS)
				return p_usage("--count wants a number of workers from 1 to %d, not '%s'",
					       MAX_WORKERS, optarg);
			break;
		case 'C':
			o->cpus = parse_cpus(optarg);
			if (o->cpus < 0)
				return p_usage("--cpus wants a CPU list such as 0-1,3 (CPUs below 64), not '%s'",
					       optarg);
			break;
		default:
			return p_usage("%s", usage);
		}
	}
	return 0;
}

/* The evos_worker_ops struct_ops map of @obj, or NULL. */
static struct bpf_map *worker_map(struct bpf_object *obj)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const struct btf_type *t;

		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !btf)
			continue;
		t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
		if (t && !strcmp(btf__name_by_offset(btf, t->name_off), "evos_worker_ops"))
			return map;
	}
	return NULL;
}

/* Set member @name of the struct_ops data to @val (an integer member). */
static int set_member(struct bpf_object *obj, struct bpf_map *map, const char *name,
		      unsigned long long val)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_type *t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
	const struct btf_member *m = btf_members(t);
	size_t size;
	char *data = bpf_map__initial_value(map, &size);
	int i;

	for (i = 0; data && i < btf_vlen(t); i++, m++) {
		__s64 sz;

		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		sz = btf__resolve_size(btf, m->type);
		if (sz == 4)
			*(__u32 *)(data + m->offset / 8) = val;
		else if (sz == 8)
			*(__u64 *)(data + m->offset / 8) = val;
		else
			return -EINVAL;
		return 0;
	}
	return -ENOENT;
}

/* Open and load @file with @o applied; *map is its worker map. */
static struct bpf_object *open_workers(const char *file, const struct workers_opts *o,
				       struct bpf_map **map)
{
	struct bpf_object *obj;
	int err;

	obj = bpf_object__open_file(file, NULL);
	if (!obj) {
		p_err("cannot open '%s' as a BPF object: %s; give a worker object such as build/bpf/evos_worker.bpf.o",
		      file, strerror(errno));
		return NULL;
	}
	*map = worker_map(obj);
	if (!*map) {
		p_err("'%s' has no evos_worker_ops struct_ops map; see bpf/evos_worker.bpf.c", file);
		goto fail;
	}
	if ((o->count > 0 && set_member(obj, *map, "nr_workers", o->count)) ||
	    (o->cpus > 0 && set_member(obj, *map, "cpus", o->cpus))) {
		p_err("cannot set the worker count or CPUs in '%s': its evos_worker_ops has no nr_workers or cpus",
		      file);
		goto fail;
	}
	err = bpf_object__load(obj);
	if (err) {
		p_err("the kernel rejected '%s': %s", file,
		      err == -ENOENT || err == -ESRCH ?
		      "it has no evos_worker_ops; is this an EvOS kernel with CONFIG_BPF_EVOS_WORKERS?" :
		      errno_hint(-err));
		goto fail;
	}
	return obj;
fail:
	bpf_object__close(obj);
	return NULL;
}

static int pin_object(struct bpf_object *obj)
{
	char dir[4096], sub[4096];
	int err;

	pin_path(dir, sizeof(dir), "objs/workers");
	rm_tree(dir);
	pin_path(sub, sizeof(sub), "objs");
	if ((mkdir(sub, 0700) && errno != EEXIST) || mkdir(dir, 0700))
		return -errno;
	err = fmt_path(sub, sizeof(sub), "%s/progs", dir);
	err = err ?: bpf_object__pin_programs(obj, sub);
	err = err ?: fmt_path(sub, sizeof(sub), "%s/maps", dir);
	return err ?: bpf_object__pin_maps(obj, sub);
}

static void save_state(const char *file, const struct workers_opts *o)
{
	FILE *f;

	mkdir(STATE_DIR, 0700);
	f = fopen(STATE_OBJ, "w");
	if (!f)
		return;
	fprintf(f, "%s\n%ld %lld\n", file, o->count, o->cpus);
	fclose(f);
}

/* What "start" (and the last "set") used; -1 for what was not given. */
static int load_state(char *file, size_t size, struct workers_opts *o)
{
	FILE *f = fopen(STATE_OBJ, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(file, size, f) && fscanf(f, "%ld %lld", &o->count, &o->cpus) == 2;
	fclose(f);
	file[strcspn(file, "\n")] = '\0';
	return ok ? 0 : -1;
}

/* 0, or a report: scx_evos holds the workers' policy and CPUs. */
static int check_no_sched(void)
{
	char path[4096];

	pin_path(path, sizeof(path), "links/sched");
	if (!path_exists(path))
		return 0;
	return p_err("scx_evos schedules the workers; run 'evosctl sched detach' first, and attach it again after");
}

static void report(const char *what, const struct workers_opts *o)
{
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "workers", what);
		if (o && o->count > 0)
			jsonw_int_field(json_wtr, "count", o->count);
		if (o && o->cpus > 0)
			jsonw_uint_field(json_wtr, "cpus", o->cpus);
		jsonw_end_object(json_wtr);
	} else {
		printf("workers %s\n", what);
	}
}

static int do_start(int argc, char **argv)
{
	static const char usage[] = "usage: evosctl workers start OBJ [--count N] [--cpus LIST]";
	char link_path[4096], file[4096];
	struct workers_opts o;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	int err;

	if (argc < 1 || argv[0][0] == '-')
		return p_usage("%s", usage);
	snprintf(file, sizeof(file), "%s", argv[0]);
	err = parse_opts(argc, argv, &o, usage);
	if (err)
		return err;
	if (optind != argc)
		return p_usage("%s", usage);
	if (require_evos_kernel("evosctl workers") || check_bpffs() || check_no_sched())
		return 1;
	pin_path(link_path, sizeof(link_path), "links/workers");
	if (path_exists(link_path))
		return p_err("the workers are already started; change them with 'evosctl workers set' or stop them with 'evosctl workers stop'");
	obj = open_workers(file, &o, &map);
	if (!obj)
		return 1;
	link = bpf_map__attach_struct_ops(map);
	if (!link) {
		err = errno;
		bpf_object__close(obj);
		return p_err("cannot start the workers: %s",
			     err == EBUSY ? "another worker pool is registered; stop it first" :
			     errno_hint(err));
	}
	pin_path(file, sizeof(file), "links");
	mkdir(file, 0700);
	err = bpf_link__pin(link, link_path) ?: pin_object(obj);
	if (err) {
		bpf_link__destroy(link);
		bpf_object__close(obj);
		return p_err("cannot pin the workers under %s: %s", pin_root, strerror(-err));
	}
	mkdir(STATE_DIR, 0700);
	save_state(argv[0], &o);
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	report("started", &o);
	return 0;
}

static int do_set(int argc, char **argv)
{
	static const char usage[] = "usage: evosctl workers set [--count N] [--cpus LIST]";
	char link_path[4096], file[4096];
	struct workers_opts o, prev;
	struct bpf_object *obj;
	struct bpf_link *link;
	struct bpf_map *map;
	int err;

	err = parse_opts(argc + 1, argv - 1, &o, usage);
	if (err)
		return err;
	if (optind != argc + 1 || (o.count < 0 && o.cpus < 0))
		return p_usage("%s", usage);
	if (check_no_sched())
		return 1;
	pin_path(link_path, sizeof(link_path), "links/workers");
	link = bpf_link__open(link_path);
	if (!link)
		return p_err("the workers are not started; start them with 'evosctl workers start OBJ'");
	if (load_state(file, sizeof(file), &prev)) {
		bpf_link__disconnect(link);
		bpf_link__destroy(link);
		return p_err("cannot tell which object the workers came from (%s is gone); stop and start them again",
			     STATE_OBJ);
	}
	/* What is not given stays as it was. */
	if (o.count < 0)
		o.count = prev.count;
	if (o.cpus < 0)
		o.cpus = prev.cpus;
	obj = open_workers(file, &o, &map);
	err = obj ? bpf_link__update_map(link, map) : -1;
	if (obj && err)
		p_err("cannot change the workers: %s", errno_hint(-err));
	if (!err)
		err = pin_object(obj);
	if (!err)
		save_state(file, &o);
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	if (err)
		return 1;
	report("changed", &o);
	return 0;
}

static int do_stop(int argc, char **argv)
{
	char path[4096];

	(void)argv;
	if (argc)
		return p_usage("usage: evosctl workers stop");
	if (check_no_sched())
		return 1;
	pin_path(path, sizeof(path), "links/workers");
	if (!path_exists(path))
		return p_err("the workers are not started; nothing to stop");
	if (unlink(path))
		return p_err("cannot stop the workers: %s", errno_hint(errno));
	pin_path(path, sizeof(path), "objs/workers");
	rm_tree(path);
	unlink(STATE_OBJ);
	report("stopped", NULL);
	return 0;
}

int print_workers(bool in_stats)
{
	static struct evos_worker_record w[MAX_WORKERS];
	unsigned long long dropped;
	int n, i;

	n = evos_worker_records(w, MAX_WORKERS);
	if (n < 0 && in_stats)
		return 0;
	if (n == -ENOENT)
		return p_err("cannot read the workers: the kernel has no evos_worker iterator; is this an EvOS kernel with CONFIG_BPF_EVOS_WORKERS?");
	if (n < 0)
		return p_err("cannot read the workers: %s", errno_hint(-n));
	dropped = n ? w[0].dropped : 0;
	if (n == 1 && !w[0].nr_workers)
		n = 0;		/* no pool: only the global counters */
	if (!n && in_stats)
		return 0;
	if (json_output) {
		if (in_stats) {
			jsonw_start_object(json_wtr);
			jsonw_name(json_wtr, "workers");
		}
		jsonw_start_object(json_wtr);
		if (n)
			jsonw_string_field(json_wtr, "pool", w[0].pool);
		else
			jsonw_null_field(json_wtr, "pool");
		jsonw_uint_field(json_wtr, "batch", n ? w[0].batch : 0);
		jsonw_uint_field(json_wtr, "dropped", dropped);
		jsonw_name(json_wtr, "workers");
		jsonw_start_array(json_wtr);
		for (i = 0; i < n; i++) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "id", w[i].id);
			jsonw_int_field(json_wtr, "cpu", w[i].cpu);
			jsonw_int_field(json_wtr, "pid", w[i].pid);
			jsonw_uint_field(json_wtr, "runs", w[i].runs);
			jsonw_uint_field(json_wtr, "busy_ns", w[i].busy_ns);
			jsonw_uint_field(json_wtr, "idle_ns", w[i].idle_ns);
			jsonw_uint_field(json_wtr, "resumed", w[i].resumed);
			jsonw_uint_field(json_wtr, "wakeups", w[i].wakeups);
			jsonw_uint_field(json_wtr, "depth", w[i].depth);
			jsonw_bool_field(json_wtr, "stopped", w[i].stopped);
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		if (in_stats)
			jsonw_end_object(json_wtr);
		return 0;
	}
	if (!n) {
		printf("no worker pool is registered; start one with: evosctl workers start OBJ\n");
		return 0;
	}
	printf("workers (pool %s, batch %u, %llu dropped):\n", w[0].pool,
	       w[0].batch, dropped);
	printf("  %3s %4s %7s %12s %10s %10s %10s\n", "id", "cpu", "pid", "runs",
	       "resumed", "wakeups", "depth");
	for (i = 0; i < n; i++)
		printf("  %3u %4d %7d %12llu %10llu %10llu %10u%s\n", w[i].id,
		       w[i].cpu, w[i].pid, (unsigned long long)w[i].runs,
		       (unsigned long long)w[i].resumed,
		       (unsigned long long)w[i].wakeups, w[i].depth,
		       w[i].stopped ? "  stopped" : "");
	return 0;
}

static int do_workers_status(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return p_usage("'workers status' takes no arguments; see 'evosctl workers help'");
	return print_workers(false);
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return print_help("Usage: evosctl workers start OBJ [--count N] [--cpus LIST]\n"
			  "       evosctl workers set [--count N] [--cpus LIST]\n"
			  "       evosctl workers stop\n"
			  "       evosctl workers status\n"
			  "\n"
			  "OBJ holds an evos_worker_ops struct_ops (e.g. build/bpf/evos_worker.bpf.o);\n"
			  "LIST is a CPU list such as 0-1,3.  'status' shows the workers and their\n"
			  "counters, read through the kernel's evos_worker BPF iterator.\n");
}

int do_workers(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "start",	do_start },
		{ "set",	do_set },
		{ "stop",	do_stop },
		{ "status",	do_workers_status },
		{ "help",	do_help },
		{ NULL,		NULL },
	};

	return cmd_select(cmds, argc, argv, do_help, "workers ");
}
