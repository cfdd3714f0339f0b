// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_run - run a pinned SYSCALL program once, with a context given as
 * 64-bit words, and print its return value:
 *
 *   syscall_run PINNED_PROG [WORD...]
 *
 * (bpftool's "prog run" asks for a repeat count and an output context,
 * which SYSCALL programs do not take.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

int main(int argc, char **argv)
{
	unsigned long long ctx[16] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int fd, i;

	if (argc < 2 || argc > 2 + 16) {
		fprintf(stderr, "usage: syscall_run PINNED_PROG [WORD...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		ctx[i - 2] = strtoull(argv[i], NULL, 0);
	fd = bpf_obj_get(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "syscall_run: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (argc > 2) {
		opts.ctx_in = ctx;
		opts.ctx_size_in = (argc - 2) * sizeof(ctx[0]);
	}
	if (bpf_prog_test_run_opts(fd, &opts)) {
		fprintf(stderr, "syscall_run: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("%d\n", (int)opts.retval);
	return 0;
}
