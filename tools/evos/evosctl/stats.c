// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl stats / status.
 *
 * A loaded object exports counters through a per-CPU array named
 * "evos_stats" whose key type is an enum: the enumerators name the
 * counters (see bpf/include/evos_stats.h).  evosctl reads the names from
 * the map's BTF, so new counters need no change here.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "evosctl.h"

static void print_counters(const char *obj, int map_fd)
{
	const struct btf_type *t;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct btf *btf = NULL;
	int ncpus, i, cpu, vlen = 0;
	__u64 *vals;

	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0 || bpf_map_get_info_by_fd(map_fd, &info, &len))
		return;
	if (info.btf_id)
		btf = btf__load_from_kernel_by_id(info.btf_id);
	t = btf ? btf__type_by_id(btf, info.btf_key_type_id) : NULL;
	if (t && btf_is_enum(t))
		vlen = btf_vlen(t);
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		goto out;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "object", obj);
		jsonw_name(json_wtr, "counters");
		jsonw_start_object(json_wtr);
	} else {
		printf("%s:\n", obj);
	}
	for (i = 0; i < (int)info.max_entries; i++) {
		const char *name = NULL;
		char fallback[32];
		__u32 key = i;
		__u64 sum = 0;
		int e;

		for (e = 0; e < vlen; e++)
			if (btf_enum(t)[e].val == (__u32)i)
				name = btf__name_by_offset(btf, btf_enum(t)[e].name_off);
		if (!name) {
			snprintf(fallback, sizeof(fallback), "counter%d", i);
			name = fallback;
		}
		if (bpf_map_lookup_elem(map_fd, &key, vals))
			continue;
		for (cpu = 0; cpu < ncpus; cpu++)
			sum += vals[cpu];
		if (json_output) {
			jsonw_name(json_wtr, name);
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "total", sum);
			jsonw_name(json_wtr, "percpu");
			jsonw_start_array(json_wtr);
			for (cpu = 0; cpu < ncpus; cpu++)
				jsonw_uint(json_wtr, vals[cpu]);
			jsonw_end_array(json_wtr);
			jsonw_end_object(json_wtr);
		} else {
			printf("  %-24s %12llu  (", name, (unsigned long long)sum);
			for (cpu = 0; cpu < ncpus; cpu++)
				printf("%scpu%d %llu", cpu ? ", " : "", cpu,
				       (unsigned long long)vals[cpu]);
			printf(")\n");
		}
	}
	if (json_output) {
		jsonw_end_object(json_wtr);
		jsonw_end_object(json_wtr);
	}
	free(vals);
out:
	btf__free(btf);
}

int do_stats(int argc, char **argv)
{
	char objs[4096], path[4096];
	struct dirent *de;
	int fd, shown = 0;
	DIR *dir;

	(void)argv;
	if (argc)
		return p_usage("usage: evosctl stats");
	pin_path(objs, sizeof(objs), "objs");
	dir = opendir(objs);
	if (!dir)
		return p_err("no object is loaded; load one with: evosctl load OBJ");
	if (json_output)
		jsonw_start_array(json_wtr);
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/maps/evos_stats", objs,
			 de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		print_counters(de->d_name, fd);
		close(fd);
		shown++;
	}
	closedir(dir);
	if (json_output)
		jsonw_end_array(json_wtr);
	else if (!shown)
		printf("no loaded object has counters (a map named evos_stats)\n");
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
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
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
		snprintf(path, sizeof(path), "%s/%s/progs", objs, de->d_name);
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
