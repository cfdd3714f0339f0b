// SPDX-License-Identifier: GPL-2.0
/*
 * test_coro_syscall - SYSCALL coroutines through BPF_PROG_TEST_RUN: a run
 * awaits on CPU 0 with the largest stack an awaiting program may have, a
 * second program resumes the handle from a map on CPU 1, and everything
 * the program computed before the await is intact after it.  Also: three
 * await points, release, the counters, that the lowered code is in the
 * translated program (without the descriptor's address for readers that
 * may not see kernel pointers), XDP programs awaiting under
 * BPF_PROG_TEST_RUN with and without live frames, an await point beyond a
 * 16-bit jump from the entry, resumes nested past the limit, and two
 * threads on one CPU interleaving resumed and ordinary runs.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "coro_syscall.skel.h"
#include "testlib.h"

struct run_args {
	__u64 tag;
	__u32 slot;
};

static int run(struct bpf_program *prog, __u64 tag, __u32 slot, int *retval)
{
	struct run_args args = { .tag = tag, .slot = slot };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args,
		    .ctx_size_in = sizeof(args));
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	*retval = (int)opts.retval;
	return err;
}

/* A SYSCALL program with await points cannot be a tail-call target. */
static void test_tail_call_target(struct coro_syscall *skel)
{
	int map = bpf_map__fd(skel->maps.sys_jmp);
	int awaiting = bpf_program__fd(skel->progs.roundtrip);
	int plain = bpf_program__fd(skel->progs.resume_slot);
	__u32 k0 = 0, k1 = 1;
	int err;

	err = bpf_map_update_elem(map, &k0, &awaiting, 0) ? -errno : 0;
	tap_ok(err == -EOPNOTSUPP,
	       "a SYSCALL program with await points cannot be put in a program array (%d, want -EOPNOTSUPP)",
	       err);
	err = bpf_map_update_elem(map, &k1, &plain, 0) ? -errno : 0;
	tap_ok(!err, "a SYSCALL program without await points can (%d)", err);
}

static bool xlated_has(int prog_fd, const char *what);

#define KPTR_RESTRICT "/proc/sys/kernel/kptr_restrict"

static void sysctl_write(const char *path, long long v)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fprintf(f, "%lld\n", v);
		fclose(f);
	}
}

/*
 * The lowered code loads the address of the program's coroutine
 * descriptor; a dump shows it only to readers that may see kernel
 * pointers.
 */
static void test_xlated_address(int fd)
{
	long long old = sysctl_read(KPTR_RESTRICT);

	sysctl_write(KPTR_RESTRICT, 0);
	/* The entry dispatch: r3 = the descriptor, for bpf_coro_entry(). */
	tap_ok(xlated_has(fd, "(18) r3 = 0xff"),
	       "kptr_restrict=0: the xlated dump shows the descriptor's address");
	sysctl_write(KPTR_RESTRICT, 2);
	tap_ok(!xlated_has(fd, "(18) r3 = 0xff") && xlated_has(fd, "(18) r3 = 0x0\n"),
	       "kptr_restrict=2: the xlated dump shows 0 in its place");
	sysctl_write(KPTR_RESTRICT, old);
}

/* The entry dispatch reaches an await point 40,000 instructions away. */
static void test_far_await(struct coro_syscall *skel)
{
	int fd = bpf_program__fd(skel->progs.far_await), ret = 0, err;

	err = run(skel->progs.far_await, 0, 5, &ret);
	tap_ok(!err && ret == -EINPROGRESS,
	       "an await 40,000 insns from the entry suspends (got %d)", ret);
	run(skel->progs.resume_slot, 0, 5, &ret);
	tap_ok(ret == 7 && coro_counter(fd, "completed") == 1,
	       "... and resumes there, completing with 7 (got %d)", ret);
}

#define CHAIN 64
#define MAX_NESTING 4

/*
 * 64 coroutines, each of whose continuation resumes the next: resumes
 * nest 4 deep, and each deeper one is deferred with -ELOOP and runs from
 * a work item.  Unbounded, the nesting would overflow the kernel stack.
 */
static void test_nesting(struct coro_syscall *skel)
{
	int fd = bpf_program__fd(skel->progs.chain), ret = 0, i, bad = 0;
	int deferred = 0;

	for (i = 0; i < CHAIN; i++) {
		run(skel->progs.chain, 0, i, &ret);
		bad += ret != -EINPROGRESS;
	}
	tap_ok(!bad, "%d chained coroutines parked", CHAIN);
	run(skel->progs.resume_chain, 0, 0, &ret);
	/* Deferred resumes run from a work item, soon after. */
	for (i = 0; i < 200 && skel->bss->chain_done < CHAIN; i++)
		usleep(10000);
	for (i = 0; i < CHAIN - 1; i++) {
		int want = (i % MAX_NESTING) == MAX_NESTING - 1 ? -ELOOP : 0;

		deferred += want == -ELOOP;
		if (skel->bss->chain_ret[i] != want) {
			printf("#   chain_ret[%d] = %d, want %d\n", i,
			       skel->bss->chain_ret[i], want);
			bad++;
		}
	}
	tap_ok(ret == 0 && !bad && skel->bss->chain_done == CHAIN,
	       "resuming the first runs all %d (%llu), every %dth nested resume returning -ELOOP",
	       CHAIN, skel->bss->chain_done, MAX_NESTING);
	tap_ok(coro_counter(fd, "resume_deferred") == deferred &&
	       coro_counter(fd, "completed") == CHAIN &&
	       coro_counter(fd, "created") == CHAIN,
	       "counters: %lld resumes deferred (want %d), %lld completed",
	       coro_counter(fd, "resume_deferred"), deferred,
	       coro_counter(fd, "completed"));
}

/*
 * A may_goto loop after an await ends after its budget in a resumed run
 * too (8M iterations), instead of running on a stale stack slot.
 */
static void test_may_goto(struct coro_syscall *skel)
{
	int ret = 0;

	run(skel->progs.may_goto_after_await, 0, 6, &ret);
	tap_eq(ret, -EINPROGRESS, "a program with a may_goto loop after its await suspends");
	run(skel->progs.resume_slot, 0, 6, &ret);
	tap_ok(ret == 5 && skel->bss->may_goto_iters > 0 &&
	       skel->bss->may_goto_iters <= 8 * 1024 * 1024,
	       "resumed, its loop stops after its budget (%llu iterations, got %d)",
	       skel->bss->may_goto_iters, ret);
}

#define INTERLEAVE_ROUNDS 3000

/*
 * Two processes on CPU 0 with the kernel fully preemptible: one suspends
 * and resumes the program, the other runs it to its await and releases
 * the handle.  No run may get the other's frame.
 */
static void test_interleave(struct coro_syscall *skel)
{
	int fd = bpf_program__fd(skel->progs.interleave), ret = 0, i, bad = 0;
	int status = -1;
	pid_t child;

	pin_to_cpu(0);
	child = fork();
	if (child == 0) {
		for (i = 0; i < INTERLEAVE_ROUNDS; i++) {
			run(skel->progs.interleave, 0x1000000 + i, 2, &ret);
			bad += ret != -EINPROGRESS;
			run(skel->progs.release_slot, 0, 2, &ret);
			bad += ret != 0;
		}
		_exit(bad ? 1 : 0);
	}
	for (i = 0; i < INTERLEAVE_ROUNDS; i++) {
		run(skel->progs.interleave, i, 3, &ret);
		bad += ret != -EINPROGRESS;
		run(skel->progs.resume_slot, 0, 3, &ret);
		bad += ret != 1;
		if (i % 64 == 0)
			sched_yield();
	}
	if (child > 0)
		waitpid(child, &status, 0);
	tap_ok(child > 0 && !bad && WIFEXITED(status) && !WEXITSTATUS(status) &&
	       !skel->bss->interleave_mixed,
	       "two processes on one CPU, %d rounds each: every resumed run found its own frame, no ordinary run got one (%d bad, %llu mixed)",
	       INTERLEAVE_ROUNDS, bad, skel->bss->interleave_mixed);
	tap_ok(coro_counter(fd, "created") == 2 * INTERLEAVE_ROUNDS &&
	       coro_counter(fd, "completed") == INTERLEAVE_ROUNDS &&
	       coro_counter(fd, "destroyed") == INTERLEAVE_ROUNDS,
	       "counters: created %lld = completed %lld + destroyed %lld",
	       coro_counter(fd, "created"), coro_counter(fd, "completed"),
	       coro_counter(fd, "destroyed"));
}

static bool xlated_has(int prog_fd, const char *what)
{
	struct bpf_prog_info info = {};
	char cmd[512], line[512];
	bool found = false;
	__u32 len = sizeof(info);
	FILE *p;

	if (bpf_prog_get_info_by_fd(prog_fd, &info, &len))
		return false;
	snprintf(cmd, sizeof(cmd), "%s prog dump xlated id %u", getenv("EVOS_BPFTOOL"),
		 info.id);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, what))
			found = true;
	pclose(p);
	return found;
}


static void test_xdp_test_run(struct coro_syscall *skel)
{
	int fd = bpf_program__fd(skel->progs.xdp_test_run), ret, err;
	long long parked = sysctl_read(PARKED), handles = sysctl_read(HANDLES);
	unsigned char pkt[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = sizeof(pkt));

	/* Without live frames, the verdict goes back to user space. */
	err = bpf_prog_test_run_opts(fd, &opts);
	tap_ok(!err && opts.retval == XDP_REDIRECT,
	       "XDP test run without live frames returns the suspension's XDP_REDIRECT (%u)",
	       opts.retval);
	run(skel->progs.resume_slot, 0, 7, &ret);
	tap_ok(ret == -2 && coro_counter(fd, "destroyed") == 1 &&
	       sysctl_read(PARKED) == parked,
	       "... and its coroutine is destroyed at once, never published (slot %d, destroyed %lld)",
	       ret, coro_counter(fd, "destroyed"));

	/* Several runs in one call: each suspension is destroyed at once. */
	opts.repeat = 3;
	err = bpf_prog_test_run_opts(fd, &opts);
	tap_ok(!err && opts.retval == XDP_REDIRECT &&
	       coro_counter(fd, "destroyed") == 4 && coro_counter(fd, "created") == 4 &&
	       sysctl_read(PARKED) == parked && sysctl_read(HANDLES) == handles,
	       "three runs without live frames: three suspensions destroyed (destroyed %lld, handles %lld, was %lld)",
	       coro_counter(fd, "destroyed"), sysctl_read(HANDLES), handles);

	/* With live frames, the packet parks as at a device. */
	opts.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
	opts.repeat = 1;
	tap_ok(!bpf_prog_test_run_opts(fd, &opts) && sysctl_read(PARKED) == parked + 1,
	       "XDP test run with live frames parks the packet's coroutine");
	run(skel->progs.resume_slot, 0, 7, &ret);
	tap_ok(ret == XDP_DROP && coro_counter(fd, "completed_drop") == 1 &&
	       sysctl_read(PARKED) == parked,
	       "resuming it completes with XDP_DROP, which frees the packet (got %d)", ret);
}

int main(void)
{
	struct coro_syscall *skel;
	int ret, err, fd;

	tap_plan(35);
	skel = coro_syscall__open_and_load();
	if (!tap_ok(skel != NULL, "coro_syscall.bpf.o loads"))
		return 1;
	fd = bpf_program__fd(skel->progs.roundtrip);

	pin_to_cpu(0);
	err = run(skel->progs.roundtrip, 0xfeedULL, 0, &ret);
	tap_eq(err, 0, "test run of the awaiting program");
	tap_eq(ret, -EINPROGRESS, "a run that suspended returns -EINPROGRESS");
	tap_eq(skel->bss->await_err, 0, "bpf_coro_await did not fail");
	tap_eq(skel->bss->locals_ok + skel->bss->locals_bad, 0,
	       "the code after the await has not run yet");

	pin_to_cpu(1);
	err = run(skel->progs.resume_slot, 0, 0, &ret);
	tap_eq(ret, 42, "bpf_coro_resume returns the completed program's return value");
	tap_ok(skel->bss->locals_ok == 1 && coro_counter(fd, "frame_bytes") >= 464 + 40,
	       "a 464-byte stack (512 with the await point's slots) and the registers survive (frame of %lld bytes)",
	       coro_counter(fd, "frame_bytes"));
	tap_eq(skel->bss->tag_after, 0xfeed, "ctx is usable after the await, with the original contents");
	tap_ok(skel->bss->cpu_before == 0 && skel->bss->cpu_after == 1,
	       "suspended on CPU %u, resumed on CPU %u", skel->bss->cpu_before,
	       skel->bss->cpu_after);
	err = run(skel->progs.resume_slot, 0, 0, &ret);
	tap_eq(ret, -2, "the slot is empty after the handle was resumed");

	tap_ok(coro_counter(fd, "created") == 1 && coro_counter(fd, "suspended") == 1 &&
	       coro_counter(fd, "resumed") == 1 && coro_counter(fd, "completed") == 1 &&
	       coro_counter(fd, "destroyed") == 0,
	       "counters: created 1, suspended 1, resumed 1, completed 1, destroyed 0");

	/* Three await points, each resume going on to the next. */
	err = run(skel->progs.three_points, 0, 1, &ret);
	err |= run(skel->progs.resume_slot, 0, 1, &ret);
	tap_ok(!err && ret == -EINPROGRESS && skel->bss->stage == 101,
	       "first resume reaches the second await (stage %llu)", skel->bss->stage);
	run(skel->progs.resume_slot, 0, 1, &ret);
	run(skel->progs.resume_slot, 0, 1, &ret);
	tap_ok(ret == 103 && skel->bss->stage == 103,
	       "third resume completes with 103 (got %d)", ret);

	/* Release destroys without running. */
	run(skel->progs.roundtrip, 1, 2, &ret);
	run(skel->progs.release_slot, 0, 2, &ret);
	tap_eq(ret, 0, "bpf_coro_release of a parked coroutine");
	tap_ok(coro_counter(fd, "destroyed") == 1 && skel->bss->locals_ok == 1,
	       "release counts a destroy and runs no BPF code");

	tap_ok(xlated_has(fd, "bpf_coro_suspend"), "xlated program calls bpf_coro_suspend at the await");
	tap_ok(xlated_has(fd, "bpf_coro_entry"), "xlated program starts with the bpf_coro_entry dispatch");

	test_xdp_test_run(skel);
	test_xlated_address(fd);
	test_far_await(skel);
	test_nesting(skel);
	test_may_goto(skel);
	test_interleave(skel);
	test_tail_call_target(skel);

	coro_syscall__destroy(skel);
	return tap_exit();
}
