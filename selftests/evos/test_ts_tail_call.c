// SPDX-License-Identifier: GPL-2.0
/*
 * test_ts_tail_call - a program with ctx type-state rules returns the
 * verdict that its final state requires; a tail call made from a function
 * or an extension returns to that function instead.  The two may not
 * share a program array, whichever comes first, and the check stays out
 * of the way of tail calls from the main program and of programs without
 * rules.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ts_tail_call.skel.h"
#include "testlib.h"

static int put(struct bpf_map *map, __u32 key, struct bpf_program *prog)
{
	int fd = bpf_program__fd(prog);

	return bpf_map_update_elem(bpf_map__fd(map), &key, &fd, 0) ? -errno : 0;
}

/* libbpf's warnings, the verifier log among them, as TAP comments */
static int print_warnings(enum libbpf_print_level level, const char *fmt,
			  va_list ap)
{
	char line[512];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	printf("# %s", line);
	return 0;
}

static char log[8192];

/*
 * A second instance of the object whose @prog uses @map of @base; its
 * verifier log goes to log[].
 */
static int load_user(struct ts_tail_call *base, const char *prog_name,
		     const char *map_name, struct ts_tail_call **out)
{
	struct ts_tail_call *skel = ts_tail_call__open();
	struct bpf_program *prog;
	int err;

	*out = skel;
	if (!skel)
		return -errno;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	prog = bpf_object__find_program_by_name(skel->obj, prog_name);
	bpf_program__set_autoload(prog, true);
	log[0] = 0;
	bpf_program__set_log_buf(prog, log, sizeof(log));
	if (bpf_program__type(prog) == BPF_PROG_TYPE_EXT)
		bpf_program__set_attach_target(prog,
					       bpf_program__fd(base->progs.ext_target),
					       "ext_point");
	err = bpf_map__reuse_fd(bpf_object__find_map_by_name(skel->obj, map_name),
				bpf_map__fd(bpf_object__find_map_by_name(base->obj,
									 map_name)));
	if (err)
		return err;
	return ts_tail_call__load(skel);
}

#define MSG_LATE \
	"bpf_tail_call from a function through map jmp_late, which has held a program with ctx type-state rules: that program would return here, past them; tail-call from the main program"

int main(void)
{
	struct ts_tail_call *skel, *late = NULL, *ext = NULL;
	int err;

	tap_plan(8);
	libbpf_set_print(print_warnings);
	skel = ts_tail_call__open_and_load();
	if (!tap_ok(skel, "the programs load"))
		return tap_exit();

	err = put(skel->maps.jmp_func, 0, skel->progs.rules);
	tap_ok(err == -EINVAL,
	       "a program with ctx rules cannot join an array that a function tail-calls through (%d, want -EINVAL)",
	       err);
	err = put(skel->maps.jmp_func, 1, skel->progs.plain);
	tap_ok(!err, "a program without rules can (%d)", err);
	err = put(skel->maps.jmp_main, 0, skel->progs.rules);
	tap_ok(!err,
	       "a program with ctx rules can join an array that only a main program tail-calls through (%d)",
	       err);

	err = put(skel->maps.jmp_late, 0, skel->progs.rules);
	tap_ok(!err, "a program with ctx rules joins an array with no user (%d)", err);
	err = load_user(skel, "late_func_caller", "jmp_late", &late);
	tap_ok(err == -EINVAL && strstr(log, MSG_LATE),
	       "then a program that tail-calls through it from a function does not load (%d, want -EINVAL and \"%s\")",
	       err, MSG_LATE);

	err = load_user(skel, "ext_tail", "jmp_ext", &ext);
	tap_ok(!err, "an extension that tail-calls loads (%d)", err);
	err = put(skel->maps.jmp_ext, 0, skel->progs.rules);
	tap_ok(err == -EINVAL,
	       "a program with ctx rules cannot join the array it tail-calls through (%d, want -EINVAL)",
	       err);

	ts_tail_call__destroy(ext);
	ts_tail_call__destroy(late);
	ts_tail_call__destroy(skel);
	return tap_exit();
}
