// SPDX-License-Identifier: GPL-2.0
/*
 * test_verifier - load each program of the EvOS verifier test objects on
 * its own and check the verifier's verdict against the program's
 * annotations (progs/evos_test.h): __success, or __failure with every
 * __msg() found in the verifier log.  Prints TAP.
 *
 * Two annotations say how to load a program: __dev_bound binds it to a
 * veth device (BPF_F_XDP_DEV_BOUND_ONLY), made for the run; and
 * __freplace("prog") loads the object's program "prog" first and loads
 * this one as its freplace extension.  __relink_refused("prog:func") then
 * links the loaded extension to its own target, which must work, and to
 * function "func" of the object's program "prog", which must fail.
 *
 * __retval(N) runs an accepted SYSCALL program once (BPF_PROG_TEST_RUN),
 * which must return N; with __ts_mismatches(M), that run must add M to
 * kernel.bpf_typestate_mismatches (the run-time type-state check, which
 * the caller turns on).
 *
 *   test_verifier OBJ...
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "testlib.h"

#define LOG_SIZE (1 << 20)
#define MAX_MSGS 8

struct expect {
	int set;		/* 0: no annotation, 1: success, 2: failure */
	int nr_msgs;
	const char *msgs[MAX_MSGS];
	int dev_bound;
	const char *freplace;	/* the program it extends */
	const char *relink;	/* "prog:func" it may not be linked to */
	const char *retval;	/* what one run must return */
	const char *mismatches;	/* what that run adds to the mismatches */
};

#define DEV_BOUND_DEV "evos_vl0"

static char *log_buf;

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void read_expect(const struct btf *btf, const char *func,
			struct expect *e)
{
	int id, n = btf__type_cnt(btf), func_id;

	memset(e, 0, sizeof(*e));
	func_id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (func_id < 0)
		return;
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *tag;

		if (!btf_is_decl_tag(t) || t->type != (__u32)func_id ||
		    btf_decl_tag(t)->component_idx != -1)
			continue;
		tag = btf__name_by_offset(btf, t->name_off);
		if (!strcmp(tag, "comment:evos_expect=success"))
			e->set = 1;
		else if (!strcmp(tag, "comment:evos_expect=failure"))
			e->set = 2;
		else if (!strncmp(tag, "comment:evos_msg=", 17) &&
			 e->nr_msgs < MAX_MSGS)
			e->msgs[e->nr_msgs++] = tag + 17;
		else if (!strcmp(tag, "comment:evos_dev_bound"))
			e->dev_bound = 1;
		else if (!strncmp(tag, "comment:evos_freplace=", 22))
			e->freplace = tag + 22;
		else if (!strncmp(tag, "comment:evos_relink_refused=", 28))
			e->relink = tag + 28;
		else if (!strncmp(tag, "comment:evos_retval=", 20))
			e->retval = tag + 20;
		else if (!strncmp(tag, "comment:evos_ts_mismatches=", 27))
			e->mismatches = tag + 27;
	}
}

static void result(int ok, const char *obj, const char *prog, const char *what)
{
	tap_ok(ok, "%s/%s: %s", obj, prog, what);
}

/* Load program @name of @path alone; returns the object, or NULL. */
static struct bpf_object *load_alone(const char *path, const char *name)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;

	if (!obj)
		return NULL;
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), name));
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

/*
 * Link the loaded extension @ext to function @func of program @tgt_prog
 * of the object at @path; 0 or a negative errno.
 */
static int link_ext(int ext, const char *path, const char *tgt_prog, const char *func)
{
	struct bpf_object *tgt = load_alone(path, tgt_prog);
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int id, fd, err;

	if (!tgt)
		return -ENOENT;
	id = btf__find_by_name_kind(bpf_object__btf(tgt), func, BTF_KIND_FUNC);
	opts.target_btf_id = id;
	fd = bpf_link_create(ext, bpf_program__fd(bpf_object__find_program_by_name(tgt, tgt_prog)),
			     0, &opts);
	err = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	bpf_object__close(tgt);
	return id < 0 ? -ESRCH : err;
}

/* __relink_refused: the extension links to its own target, not elsewhere. */
static void check_relink(const char *path, const char *obj_name, const struct bpf_program *prog,
			 const struct expect *e)
{
	const char *prog_name = bpf_program__name(prog);
	const char *own_func = strchr(bpf_program__section_name(prog), '/');
	int own, other, ext = bpf_program__fd(prog);
	char tgt[128], what[512], *func;

	snprintf(tgt, sizeof(tgt), "%s", e->relink);
	func = strchr(tgt, ':');
	if (!func) {
		result(0, obj_name, prog_name, "__relink_refused needs \"prog:func\"");
		return;
	}
	*func++ = '\0';
	own = own_func ? link_ext(ext, path, e->freplace, own_func + 1) : -EINVAL;
	other = link_ext(ext, path, tgt, func);
	snprintf(what, sizeof(what),
		 "links to its own target (%d), not to %s of %s (%d, want -EINVAL)",
		 own, func, tgt, other);
	result(!own && other == -EINVAL, obj_name, prog_name, what);
}

#define TS_MISMATCHES "/proc/sys/kernel/bpf_typestate_mismatches"

static long read_mismatches(void)
{
	FILE *f = fopen(TS_MISMATCHES, "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* __retval, __ts_mismatches: run the loaded program once. */
static void check_run(const char *obj_name, const struct bpf_program *prog,
		      const struct expect *e)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	long before = read_mismatches(), after;
	char what[256];
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	after = read_mismatches();
	snprintf(what, sizeof(what), "one run returns %s (%d, err %d)",
		 e->retval, (int)opts.retval, err ? -errno : 0);
	result(!err && (int)opts.retval == atoi(e->retval), obj_name,
	       bpf_program__name(prog), what);
	if (!e->mismatches)
		return;
	snprintf(what, sizeof(what),
		 "the run-time type-state check counted %s mismatches in that run (%ld)",
		 e->mismatches, after - before);
	result(before >= 0 && after - before == atol(e->mismatches), obj_name,
	       bpf_program__name(prog), what);
}

static int dev_bound_dev;	/* ifindex of DEV_BOUND_DEV, once made */

/* The device a __dev_bound program binds to, made on first use. */
static int dev_bound_ifindex(void)
{
	if (!dev_bound_dev &&
	    !system("ip link add " DEV_BOUND_DEV " type veth peer name evos_vl1"))
		dev_bound_dev = if_nametoindex(DEV_BOUND_DEV);
	return dev_bound_dev;
}

static int test_prog(const char *path, const char *obj_name, const char *prog_name)
{
	struct bpf_object *obj, *target = NULL;
	struct bpf_program *prog, *p;
	struct expect e;
	char what[512];
	int err = 0, i, ok;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		result(0, obj_name, prog_name, "open failed");
		return -1;
	}
	read_expect(bpf_object__btf(obj), prog_name, &e);
	prog = bpf_object__find_program_by_name(obj, prog_name);
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog);
	log_buf[0] = '\0';
	bpf_program__set_log_buf(prog, log_buf, LOG_SIZE);
	bpf_program__set_log_level(prog, 1);
	if (e.dev_bound) {
		int ifindex = dev_bound_ifindex();

		bpf_program__set_flags(prog, bpf_program__flags(prog) |
				       BPF_F_XDP_DEV_BOUND_ONLY);
		bpf_program__set_ifindex(prog, ifindex);
		if (!ifindex)
			err = -ENODEV;
	}
	if (e.freplace) {
		target = load_alone(path, e.freplace);
		if (!target)
			err = -ENOENT;
		else
			err = bpf_program__set_attach_target(prog,
				bpf_program__fd(bpf_object__find_program_by_name(target,
										 e.freplace)),
				NULL);
	}
	if (err) {
		snprintf(what, sizeof(what), "set up (%s)",
			 e.dev_bound ? "veth device " DEV_BOUND_DEV : e.freplace);
		result(0, obj_name, prog_name, what);
		bpf_object__close(target);
		bpf_object__close(obj);
		return -1;
	}
	err = bpf_object__load(obj);
	bpf_object__close(target);

	if (!e.set) {
		result(0, obj_name, prog_name, "has neither __success nor __failure");
	} else if (e.set == 1) {
		result(!err, obj_name, prog_name, "accepted");
		if (err)
			tap_log_tail(log_buf, 1500);
		else if (e.relink)
			check_relink(path, obj_name, prog, &e);
		else if (e.retval)
			check_run(obj_name, prog, &e);
	} else {
		ok = err != 0;
		for (i = 0; ok && i < e.nr_msgs; i++)
			ok = strstr(log_buf, e.msgs[i]) != NULL;
		snprintf(what, sizeof(what), "rejected with \"%s\"",
			 e.nr_msgs ? e.msgs[0] : "(no message given)");
		result(ok && e.nr_msgs, obj_name, prog_name, what);
		if (!ok)
			tap_log_tail(log_buf, 1500);
	}
	bpf_object__close(obj);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: test_verifier OBJ...\n");
		return 2;
	}
	log_buf = malloc(LOG_SIZE);
	if (!log_buf)
		return 1;
	libbpf_set_print(silent);
	for (i = 1; i < argc; i++) {
		struct bpf_object *obj;
		struct bpf_program *prog;
		char name[256], *dot;

		snprintf(name, sizeof(name), "%s", basename(argv[i]));
		dot = strstr(name, ".bpf.o");
		if (dot)
			*dot = '\0';
		obj = bpf_object__open_file(argv[i], NULL);
		if (!obj) {
			printf("not ok %d - %s: cannot open: %s\n", ++tap_n, argv[i],
			       strerror(errno));
			tap_failed++;
			continue;
		}
		bpf_object__for_each_program(prog, obj)
			test_prog(argv[i], name, bpf_program__name(prog));
		bpf_object__close(obj);
	}
	printf("1..%d\n", tap_n);
	if (dev_bound_dev && system("ip link del " DEV_BOUND_DEV))
		tap_failed++;
	free(log_buf);
	return tap_failed ? 1 : 0;
}
