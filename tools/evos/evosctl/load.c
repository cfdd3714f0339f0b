// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl load / unload: load a BPF object and pin its programs and maps,
 * so that later invocations can attach them and read their counters.
 */
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "evosctl.h"

static int valid_name(const char *name)
{
	const char *c;

	if (!*name || strlen(name) > 64)
		return 0;
	for (c = name; *c; c++)
		if (!(*c == '_' || *c == '-' || (*c >= 'a' && *c <= 'z') ||
		      (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
			return 0;
	return 1;
}

/* "build/bpf/xdp_count.bpf.o" is loaded as "xdp_count". */
static void object_name(const char *file, char *name, size_t size)
{
	char tmp[4096], *base, *dot;

	snprintf(tmp, sizeof(tmp), "%s", file);
	base = basename(tmp);
	snprintf(name, size, "%s", base);
	dot = strstr(name, ".bpf.o");
	if (!dot)
		dot = strrchr(name, '.');
	if (dot && dot != name)
		*dot = '\0';
}

int do_load(int argc, char **argv)
{
	char name[128], dir[4096], sub[4096];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err, nprogs = 0;

	if (argc < 1 || !strcmp(argv[0], "help"))
		return p_usage("usage: evosctl load OBJ [name NAME]");
	object_name(argv[0], name, sizeof(name));
	if (argc == 3 && !strcmp(argv[1], "name"))
		snprintf(name, sizeof(name), "%s", argv[2]);
	else if (argc != 1)
		return p_usage("usage: evosctl load OBJ [name NAME]");
	if (!valid_name(name))
		return p_usage("'%s' is not a usable object name; give one of letters, digits, '_' and '-' with: evosctl load OBJ name NAME",
			       name);
	if (access(argv[0], R_OK))
		return p_err("cannot read '%s': %s; give the path of a BPF object, e.g. build/bpf/xdp_count.bpf.o",
			     argv[0], errno_hint(errno));
	obj = bpf_object__open_file(argv[0], NULL);
	if (!obj)
		return p_err("cannot open '%s' as a BPF object: %s; build it with clang -target bpf (see 'make env')",
			     argv[0], strerror(errno));
	if ((object_needs_evos(obj) && require_evos_kernel(argv[0])) || check_bpffs()) {
		bpf_object__close(obj);
		return 1;
	}
	pin_path(dir, sizeof(dir), "objs/%s", name);
	if (path_exists(dir)) {
		bpf_object__close(obj);
		return p_err("an object named '%s' is already loaded; unload it first with: evosctl unload %s",
			     name, name);
	}

	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		if (err == -EPERM || err == -EACCES)
			return p_err("loading '%s' failed: %s", argv[0], errno_hint(-err));
		return p_err("the kernel rejected '%s': %s; the verifier log above says why",
			     argv[0], strerror(-err));
	}

	pin_path(sub, sizeof(sub), "objs");
	if ((mkdir(sub, 0700) && errno != EEXIST) || mkdir(dir, 0700)) {
		err = errno;
		bpf_object__close(obj);
		return p_err("cannot create %s: %s", dir, errno_hint(err));
	}
	err = fmt_path(sub, sizeof(sub), "%s/progs", dir);
	if (!err)
		err = bpf_object__pin_programs(obj, sub);
	if (!err)
		err = fmt_path(sub, sizeof(sub), "%s/maps", dir);
	if (!err)
		err = bpf_object__pin_maps(obj, sub);
	if (err) {
		bpf_object__close(obj);
		rm_tree(dir);
		return p_err("cannot pin '%s' under %s: %s", name, dir,
			     strerror(-err));
	}
	bpf_object__for_each_program(prog, obj)
		nprogs++;
	bpf_object__close(obj);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "name", name);
		jsonw_string_field(json_wtr, "pinned", dir);
		jsonw_uint_field(json_wtr, "programs", nprogs);
		jsonw_end_object(json_wtr);
	} else {
		printf("loaded '%s' (%d program%s), pinned at %s\n", name,
		       nprogs, nprogs == 1 ? "" : "s", dir);
	}
	return 0;
}

int do_unload(int argc, char **argv)
{
	char dir[4096];
	int err;

	if (argc != 1 || !strcmp(argv[0], "help"))
		return p_usage("usage: evosctl unload NAME");
	pin_path(dir, sizeof(dir), "objs/%s", argv[0]);
	if (!valid_name(argv[0]) || !path_exists(dir))
		return p_err("no object named '%s' is loaded; see 'evosctl status'",
			     argv[0]);
	err = rm_tree(dir);
	if (err)
		return p_err("cannot remove %s: %s", dir, errno_hint(-err));
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "unloaded", argv[0]);
		jsonw_end_object(json_wtr);
	} else {
		printf("unloaded '%s'\n", argv[0]);
	}
	return 0;
}
