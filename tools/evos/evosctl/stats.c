// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl stats / status.
 *
 * A loaded object exports counters through a one-entry per-CPU array
 * named "evos_stats" whose value is a struct of __u64 counters (see
 * bpf/include/evos_stats.h).  evosctl reads the names from the map's BTF,
 * so new counters need no change here.  Programs with await points also
 * have the kernel's coroutine counters, the "coro_*" lines of their
 * fdinfo (Documentation/bpf/evos-coroutines.rst).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "evosctl.h"

static void print_counters(const char *obj, int map_fd)
{
	const struct btf_member *m;
	const struct btf_type *t;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0;
	struct btf *btf = NULL;
	int ncpus, cpu, i, n;
	size_t stride;
	char *vals;

	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0 || bpf_map_get_info_by_fd(map_fd, &info, &len))
		return;
	if (info.btf_id)
		btf = btf__load_from_kernel_by_id(info.btf_id);
	t = btf ? btf__type_by_id(btf, info.btf_value_type_id) : NULL;
	if (!t || !btf_is_struct(t)) {
		p_err("%s: evos_stats has no struct value type in its BTF; declare it with EVOS_STATS_MAP()",
		      obj);
		goto out;
	}
	stride = (info.value_size + 7) & ~7u;
	vals = calloc(ncpus, stride);
	if (!vals || bpf_map_lookup_elem(map_fd, &key, vals)) {
		free(vals);
		goto out;
	}

	if (json_output) {
		jsonw_name(json_wtr, "counters");
		jsonw_start_object(json_wtr);
	}
	n = btf_vlen(t);
	for (i = 0, m = btf_members(t); i < n; i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		size_t off = btf_member_bit_offset(t, i) / 8;
		__u64 sum = 0, v;

		if (btf__resolve_size(btf, m->type) != sizeof(__u64))
			continue;
		for (cpu = 0; cpu < ncpus; cpu++) {
			memcpy(&v, vals + cpu * stride + off, sizeof(v));
			sum += v;
		}
		if (json_output) {
			jsonw_name(json_wtr, name);
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "total", sum);
			jsonw_name(json_wtr, "percpu");
			jsonw_start_array(json_wtr);
			for (cpu = 0; cpu < ncpus; cpu++) {
				memcpy(&v, vals + cpu * stride + off, sizeof(v));
				jsonw_uint(json_wtr, v);
			}
			jsonw_end_array(json_wtr);
			jsonw_end_object(json_wtr);
		} else {
			printf("  %-24s %12llu  (", name, (unsigned long long)sum);
			for (cpu = 0; cpu < ncpus; cpu++) {
				memcpy(&v, vals + cpu * stride + off, sizeof(v));
				printf("%scpu%d %llu", cpu ? ", " : "", cpu,
				       (unsigned long long)v);
			}
			printf(")\n");
		}
	}
	if (json_output)
		jsonw_end_object(json_wtr);
	free(vals);
out:
	btf__free(btf);
}

/* The "coro_*" lines of a program's fdinfo; returns how many were shown. */
static int print_coro_counters(const char *prog, int prog_fd, bool *any)
{
	char path[64], line[256], name[128];
	unsigned long long v;
	int shown = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", prog_fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "coro_%127[a-z_]:\t%llu", name, &v) != 2)
			continue;
		if (!*any) {
			if (json_output) {
				jsonw_name(json_wtr, "coroutines");
				jsonw_start_object(json_wtr);
			}
			*any = true;
		}
		if (!shown) {
			if (json_output) {
				jsonw_name(json_wtr, prog);
				jsonw_start_object(json_wtr);
			} else {
				printf("  coroutines of %s:\n", prog);
			}
		}
		if (json_output)
			jsonw_uint_field(json_wtr, name, v);
		else
			printf("    %-22s %12llu\n", name, v);
		shown++;
	}
	fclose(f);
	if (shown && json_output)
		jsonw_end_object(json_wtr);
	return shown;
}

static int print_object_coro_counters(const char *dir_path)
{
	char path[4096];
	struct dirent *de;
	bool any = false;
	DIR *dir;
	int fd;

	dir = opendir(dir_path);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' ||
		    fmt_path(path, sizeof(path), "%s/%s", dir_path, de->d_name))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		print_coro_counters(de->d_name, fd, &any);
		close(fd);
	}
	closedir(dir);
	if (any && json_output)
		jsonw_end_object(json_wtr);
	return any;
}

static long long read_sysctl(const char *name)
{
	char path[128];
	long long v;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%lld", &v);
	fclose(f);
	return n == 1 ? v : -1;
}

/*
 * The kernel's coroutine limits and totals: parked now, the system-wide
 * and per-program limits, the handles that exist.  A "limits" element of
 * the stats array in JSON.
 */
static void print_limits(void)
{
	static const char * const names[] = {
		"bpf_coro_parked", "bpf_coro_max_parked", "bpf_coro_max_parked_prog",
		"bpf_coro_handles",
	};
	long long v[4];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v[i] = read_sysctl(names[i]);
		if (v[i] < 0)
			return;
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "limits");
		jsonw_start_object(json_wtr);
		jsonw_int_field(json_wtr, "parked", v[0]);
		jsonw_int_field(json_wtr, "max_parked", v[1]);
		jsonw_int_field(json_wtr, "max_parked_prog", v[2]);
		jsonw_int_field(json_wtr, "handles", v[3]);
		jsonw_end_object(json_wtr);
		jsonw_end_object(json_wtr);
	} else {
		printf("coroutines: %lld parked; limits %lld system-wide, %lld per program; %lld handles\n",
		       v[0], v[1], v[2], v[3]);
	}
}

static int show_stats(void)
{
	char objs[4096], path[4096];
	struct dirent *de;
	int fd, shown;
	DIR *dir;

	pin_path(objs, sizeof(objs), "objs");
	dir = opendir(objs);
	if (!dir)
		return p_err("no object is loaded; load one with: evosctl load OBJ");
	if (json_output)
		jsonw_start_array(json_wtr);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "object", de->d_name);
		} else {
			printf("%s:\n", de->d_name);
		}
		shown = 0;
		if (!fmt_path(path, sizeof(path), "%s/%s/maps/evos_stats", objs,
			      de->d_name)) {
			fd = bpf_obj_get(path);
			if (fd >= 0) {
				print_counters(de->d_name, fd);
				close(fd);
				shown = 1;
			}
		}
		if (!fmt_path(path, sizeof(path), "%s/%s/progs", objs, de->d_name))
			shown += print_object_coro_counters(path);
		if (!shown && !json_output)
			printf("  no counters\n");
		if (json_output)
			jsonw_end_object(json_wtr);
	}
	closedir(dir);
	print_limits();
	print_workers(true);
	if (json_output)
		jsonw_end_array(json_wtr);
	return 0;
}

static volatile sig_atomic_t watch_stop;

static void on_watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/*
 * evosctl stats [--watch [SECONDS]]: once, or every SECONDS (default 1)
 * until Ctrl-C, each round headed by the time (text) or as one JSON
 * array per line.
 */
int do_stats(int argc, char **argv)
{
	long interval = 0;
	char *end;
	int err;

	if (argc >= 1 && !strcmp(argv[0], "--watch")) {
		interval = 1;
		if (argc == 2) {
			interval = strtol(argv[1], &end, 10);
			if (*end || interval < 1)
				return p_usage("--watch wants a number of seconds, not '%s'", argv[1]);
		} else if (argc > 2) {
			return p_usage("usage: evosctl stats [--watch [SECONDS]]");
		}
	} else if (argc) {
		return p_usage("usage: evosctl stats [--watch [SECONDS]]");
	}
	if (!interval)
		return show_stats();

	signal(SIGINT, on_watch_signal);
	signal(SIGTERM, on_watch_signal);
	while (!watch_stop) {
		if (!json_output) {
			time_t now = time(NULL);
			char stamp[32];

			strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&now));
			printf("--- %s\n", stamp);
		}
		err = show_stats();
		if (json_output) {
			/* One array per line: a new writer per round. */
			jsonw_destroy(&json_wtr);
			json_wtr = jsonw_new(stdout);
		}
		fflush(stdout);
		if (err)
			return err;
		sleep(interval);
	}
	return 0;
}

static void list_dir(const char *title, const char *label, const char *path,
		     bool progs)
{
	char sub[4096];
	struct dirent *de;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return;
	if (json_output) {
		jsonw_name(json_wtr, title);
		jsonw_start_array(json_wtr);
	}
	while ((de = readdir(dir))) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd;

		if (de->d_name[0] == '.')
			continue;
		if (fmt_path(sub, sizeof(sub), "%s/%s", path, de->d_name))
			continue;
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "name", de->d_name);
		} else {
			printf("  %s %s", label, de->d_name);
		}
		fd = progs ? bpf_obj_get(sub) : -1;
		if (fd >= 0 && !bpf_prog_get_info_by_fd(fd, &info, &len)) {
			if (json_output)
				jsonw_uint_field(json_wtr, "id", info.id);
			else
				printf(" (id %u)", info.id);
		}
		if (fd >= 0)
			close(fd);
		if (json_output)
			jsonw_end_object(json_wtr);
		else
			printf("\n");
	}
	closedir(dir);
	if (json_output)
		jsonw_end_array(json_wtr);
}

int do_status(int argc, char **argv)
{
	char objs[4096], path[4096];
	struct dirent *de;
	DIR *dir;

	(void)argv;
	if (argc)
		return p_usage("usage: evosctl status");
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "objects");
		jsonw_start_array(json_wtr);
	}
	pin_path(objs, sizeof(objs), "objs");
	dir = opendir(objs);
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "name", de->d_name);
		} else {
			printf("object %s\n", de->d_name);
		}
		if (!fmt_path(path, sizeof(path), "%s/%s/progs", objs, de->d_name))
			list_dir("programs", "program", path, true);
		if (json_output)
			jsonw_end_object(json_wtr);
	}
	if (dir)
		closedir(dir);
	if (json_output) {
		jsonw_end_array(json_wtr);
		pin_path(path, sizeof(path), "links");
		list_dir("links", "link", path, false);
		jsonw_end_object(json_wtr);
	} else {
		pin_path(path, sizeof(path), "links");
		list_dir("links", "link", path, false);
	}
	return 0;
}
