// SPDX-License-Identifier: GPL-2.0
/*
 * test_verifier - load each program of the EvOS verifier test objects on
 * its own and check the verifier's verdict against the program's
 * annotations (progs/evos_test.h): __success, or __failure with every
 * __msg() found in the verifier log.  Prints TAP.
 *
 *   test_verifier OBJ...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define LOG_SIZE (1 << 20)
#define MAX_MSGS 8

struct expect {
	int set;		/* 0: no annotation, 1: success, 2: failure */
	int nr_msgs;
	const char *msgs[MAX_MSGS];
};

static int tap_n, tap_failed;
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
	}
}

static void result(int ok, const char *obj, const char *prog, const char *what)
{
	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - %s/%s: %s\n", ok ? "" : "not ", tap_n, obj, prog, what);
}

static void print_log_tail(void)
{
	size_t len = strlen(log_buf);
	const char *p = log_buf + (len > 1500 ? len - 1500 : 0);
	const char *nl;

	printf("#   verifier log (end):\n");
	while (*p) {
		nl = strchr(p, '\n');
		printf("#     %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static int test_prog(const char *path, const char *obj_name, const char *prog_name)
{
	struct bpf_program *prog, *p;
	struct bpf_object *obj;
	struct expect e;
	char what[512];
	int err, i, ok;

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
	err = bpf_object__load(obj);

	if (!e.set) {
		result(0, obj_name, prog_name, "has neither __success nor __failure");
	} else if (e.set == 1) {
		result(!err, obj_name, prog_name, "accepted");
		if (err)
			print_log_tail();
	} else {
		ok = err != 0;
		for (i = 0; ok && i < e.nr_msgs; i++)
			ok = strstr(log_buf, e.msgs[i]) != NULL;
		snprintf(what, sizeof(what), "rejected with \"%s\"",
			 e.nr_msgs ? e.msgs[0] : "(no message given)");
		result(ok && e.nr_msgs, obj_name, prog_name, what);
		if (!ok)
			print_log_tail();
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
	free(log_buf);
	return tap_failed ? 1 : 0;
}
