// SPDX-License-Identifier: GPL-2.0
/*
 * teardown_windows - teardown at chosen points of a coroutine's life,
 * driven by test_teardown_windows.sh.
 *
 *   teardown_windows NS_PEER NS_EVOS [MODE...]
 *
 * Without MODE, all of them run.
 * Race storms (test_races) find interleavings by chance; here each one is
 * made to happen.  A window holds CPU 0 at one point (see
 * progs/teardown_windows.bpf.c) while CPU 1 does the other half, then lets
 * CPU 0 go on.  Every mode first checks that its window was really held
 * and that the other half landed inside it.
 *
 * release_in_teardown: XDP detach destroys a parked coroutine; while it
 *	returns the packet, the owner releases the handle.  The handle must
 *	outlive the release until the teardown lets go of it, and the
 *	coroutine ends once.
 * kill_before_park: the program's last reference goes between its
 *	suspension and bpf_coro_xdp_park().  No handle may be published, and
 *	the packet must go back to its page_pool, which drains (the packet
 *	comes from a live-frames test run, whose page_pool is its own).
 * prog_free_in_resume: the program's last other reference goes while a
 *	SYSCALL resumer runs its coroutine.  The resumer holds the program
 *	until the run is over; then it is freed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "teardown_windows.skel.h"
#include "testlib.h"


enum window {
	WINDOW_NONE,
	WINDOW_PARK,
	WINDOW_RUN,
	WINDOW_TEARDOWN,
};

static const char *ns_peer;
static long long parked0, handles0;

/* One mode's program state: xdp_entry on b0, xdp_await behind it. */
struct mode {
	struct teardown_windows *skel;
	int ifindex;
	__u32 await_id;
};

static bool mode_start(struct mode *m, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), key = 0;
	int await_fd, entry_fd;

	memset(m, 0, sizeof(*m));
	printf("# %s\n", name);
	m->skel = teardown_windows__open_and_load();
	if (!m->skel)
		return false;
	if (teardown_windows__attach(m->skel))
		return false;
	await_fd = bpf_program__fd(m->skel->progs.xdp_await);
	entry_fd = bpf_program__fd(m->skel->progs.xdp_entry);
	if (bpf_prog_get_info_by_fd(await_fd, &info, &len))
		return false;
	m->await_id = info.id;
	if (bpf_map_update_elem(bpf_map__fd(m->skel->maps.jmp), &key, &await_fd, 0))
		return false;
	/* Detaching from b0 must not rewrite the XDP dispatcher. */
	if (xdp_keep_dispatched(entry_fd))
		return false;
	m->ifindex = if_nametoindex("b0");
	return m->ifindex && !bpf_xdp_attach(m->ifindex, entry_fd, XDP_FLAGS_DRV_MODE, NULL);
}

/*
 * Drop the skeleton's reference to xdp_await: "jmp" holds the last one.
 * The descriptor number stays taken (by /dev/null), for the skeleton's
 * close at the end.
 */
static void drop_await_fd(struct mode *m)
{
	int fd = bpf_program__fd(m->skel->progs.xdp_await);
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	dup2(null, fd);
	close(null);
}

/* Is program @id still alive (it has references)? */
static bool prog_alive(__u32 id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool prog_gone_within(__u32 id, int ms)
{
	for (int i = 0; i < ms / 10 && prog_alive(id); i++)
		usleep(10000);
	return !prog_alive(id);
}

/* Arm window @w: the next to get there stops. */
static void window_arm(struct mode *m, enum window w)
{
	struct teardown_windows__bss *bss = m->skel->bss;

	bss->in_window = 0;
	bss->window_done = 0;
	bss->held = 0;
	bss->go = 0;
	__atomic_store_n(&bss->armed, w, __ATOMIC_SEQ_CST);
}

/* Wait up to 10 s for CPU 0 to stop in the armed window. */
static bool window_wait(struct mode *m)
{
	struct teardown_windows__bss *bss = m->skel->bss;

	for (int i = 0; i < 10000 && !__atomic_load_n(&bss->in_window, __ATOMIC_SEQ_CST); i++)
		usleep(1000);
	return bss->in_window;
}

/* Let CPU 0 go on; true if it was still held when told to. */
static bool window_leave(struct mode *m)
{
	struct teardown_windows__bss *bss = m->skel->bss;

	__atomic_store_n(&bss->go, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 10000 && !__atomic_load_n(&bss->window_done, __ATOMIC_SEQ_CST); i++)
		usleep(1000);
	bss->armed = WINDOW_NONE;
	printf("#   window held %.3f s%s\n", bss->window_ns / 1e9, bss->held ? "" : ", until it timed out");
	return bss->window_done && bss->held;
}

/*
 * Start @fn(@arg) in a thread, which stops on CPU 0 in window @w; there,
 * delete xdp_await from "jmp" (its last reference but those of runs in
 * flight) and see whether it is still alive; then let CPU 0 go on.
 * Returns whether the window was held and the deletion landed in it;
 * *@ret is @fn's result.
 */
static bool unlink_in_window(struct mode *m, enum window w, void *(*fn)(void *), void *arg,
			     bool *alive, void **ret)
{
	__u32 key = 0;
	pthread_t t;
	bool in;

	window_arm(m, w);
	pthread_create(&t, NULL, fn, arg);
	in = window_wait(m);
	if (in) {
		bpf_map_delete_elem(bpf_map__fd(m->skel->maps.jmp), &key);
		*alive = prog_alive(m->await_id);
	}
	in = window_leave(m) && in;
	pthread_join(t, ret);
	return in;
}

/*
 * One datagram through xdp_entry from CPU 0, as BPF_PROG_TEST_RUN with
 * live frames gives it: as if b0 received it, from a page_pool of the
 * test run's own, destroyed when the run returns.
 */
static void *test_run_one(void *arg)
{
	struct mode *m = arg;
	unsigned char pkt[128];
	size_t len = udp_frame(pkt, 22);
	struct xdp_md md = { .data_end = len, .ingress_ifindex = m->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .repeat = 1);

	pin_to_cpu(0);
	return (void *)(long)bpf_prog_test_run_opts(bpf_program__fd(m->skel->progs.xdp_entry),
						    &opts);
}

static void *run_prog(void *arg)
{
	pin_to_cpu(0);
	return (void *)(long)run_syscall(arg);
}

static void *detach_b0(void *arg)
{
	struct mode *m = arg;

	pin_to_cpu(0);
	return (void *)(long)bpf_xdp_detach(m->ifindex, XDP_FLAGS_DRV_MODE, NULL);
}

/* Park one datagram's coroutine; its handle is in the program's slot. */
static bool park_one(struct mode *m)
{
	return send_from_ns(ns_peer, 0, 1, 1) == 0 && wait_sysctl(PARKED, parked0 + 1, 3000) ==
	       parked0 + 1 && m->skel->bss->published == 1;
}

static void mode_end(struct mode *m)
{
	if (m->ifindex)
		bpf_xdp_detach(m->ifindex, XDP_FLAGS_DRV_MODE, NULL);
	xdp_keep_dispatched(-1);
	teardown_windows__destroy(m->skel);
	m->skel = NULL;
}

static void release_in_teardown(void)
{
	const char *name = "release_in_teardown";
	long long during = -1, after;
	struct mode m;
	pthread_t t;
	bool in, held;
	int fd;

	if (!tap_ok(mode_start(&m, name) && park_one(&m),
		    "%s: a coroutine parked, its handle in a map slot", name)) {
		mode_end(&m);
		return;
	}
	fd = bpf_program__fd(m.skel->progs.xdp_await);
	/* CPU 0 detaches; the teardown stops where it returns the packet. */
	window_arm(&m, WINDOW_TEARDOWN);
	pthread_create(&t, NULL, detach_b0, &m);
	in = window_wait(&m);
	if (in) {
		run_syscall(m.skel->progs.release);
		during = sysctl_read(HANDLES);
	}
	held = window_leave(&m);
	pthread_join(t, NULL);
	m.ifindex = 0;
	after = wait_sysctl(HANDLES, handles0, 3000);
	tap_ok(in && held,
	       "%s: the owner released the handle while XDP detach was destroying its coroutine",
	       name);
	tap_ok(during == handles0 + 1 && after == handles0,
	       "%s: the handle outlived the release until the teardown let go (live handles %+lld during, %+lld after)",
	       name, during - handles0, after - handles0);
	tap_ok(coro_counter(fd, "destroyed") == 1 && coro_counter(fd, "created") == 1 &&
	       coro_completed(fd) == 0,
	       "%s: the coroutine ended once, destroyed by the detach (created %lld, destroyed %lld, completed %lld)",
	       name, coro_counter(fd, "created"), coro_counter(fd, "destroyed"),
	       coro_completed(fd));
	mode_end(&m);
	tap_coro_baselines(name, parked0, handles0, 3000);
}

/* Every page_pool made while watching was released with nothing in flight. */
static void check_pools_drained(struct mode *m, const char *name)
{
	int fd = bpf_map__fd(m->skel->maps.pools);
	long long inflight = 0, hold = 0;
	int pools = 0, released = 0;
	__u64 key, next, *prev;

	for (int i = 0; i < 300; i++) {
		struct { __s64 inflight; __u32 hold, release; } seen;

		pools = released = 0;
		inflight = hold = 0;
		prev = NULL;
		while (!bpf_map_get_next_key(fd, prev, &next)) {
			key = next;
			prev = &key;
			if (bpf_map_lookup_elem(fd, &key, &seen))
				continue;
			pools++;
			if (seen.inflight >= 0) {
				released++;
				inflight += seen.inflight;
				hold += seen.hold;
			}
		}
		if (pools && released == pools && !inflight)
			break;
		usleep(10000);
	}
	tap_ok(pools > 0 && released == pools && inflight == 0 && hold > 0,
	       "%s: the packet went back: the test run's page_pool drained (%d of %d released, %lld of its %lld pages in flight)",
	       name, released, pools, inflight, hold);
}

static void kill_before_park(void)
{
	const char *name = "kill_before_park";
	bool held, alive = true;
	struct mode m;
	void *err;

	if (!tap_ok(mode_start(&m, name), "%s: xdp_entry tail-calls xdp_await", name)) {
		mode_end(&m);
		return;
	}
	drop_await_fd(&m);
	/* CPU 0 runs a datagram through; it stops after the suspension. */
	m.skel->bss->watch_pools = 1;
	held = unlink_in_window(&m, WINDOW_PARK, test_run_one, &m, &alive, &err);
	m.skel->bss->watch_pools = 0;
	tap_ok(held && !alive && !err && !m.skel->bss->await_failed,
	       "%s: xdp_await suspended, then its last reference went before bpf_coro_xdp_park() (window %s, program %s)",
	       name, held ? "held" : "missed", alive ? "alive" : "freed");
	tap_ok(m.skel->bss->published == 0,
	       "%s: no handle was published for the dead coroutine (%llu)",
	       name, (unsigned long long)m.skel->bss->published);
	check_pools_drained(&m, name);
	mode_end(&m);
	tap_coro_baselines(name, parked0, handles0, 3000);
}

static void prog_free_in_resume(void)
{
	const char *name = "prog_free_in_resume";
	bool held, alive = false;
	struct mode m;
	void *ret;

	if (!tap_ok(mode_start(&m, name) && park_one(&m),
		    "%s: a coroutine of xdp_await parked, its handle in a map slot", name)) {
		mode_end(&m);
		return;
	}
	drop_await_fd(&m);
	/* CPU 0 resumes it; the run stops in xdp_await's continuation. */
	held = unlink_in_window(&m, WINDOW_RUN, run_prog, m.skel->progs.resume, &alive, &ret);
	tap_ok(held && !ret,
	       "%s: the last other reference to xdp_await went while a SYSCALL program was running its coroutine",
	       name);
	tap_ok(alive, "%s: the resumer held the program during the run", name);
	tap_ok(m.skel->bss->resume_ret == XDP_DROP && m.skel->bss->completed == 1,
	       "%s: the run completed with its verdict (bpf_coro_resume() %lld)",
	       name, (long long)m.skel->bss->resume_ret);
	tap_ok(prog_gone_within(m.await_id, 3000),
	       "%s: the program was freed once the run was over", name);
	mode_end(&m);
	tap_coro_baselines(name, parked0, handles0, 3000);
}

static const struct {
	const char *name;
	void (*run)(void);
	int checks;
} modes[] = {
	{ "release_in_teardown", release_in_teardown, 5 },
	{ "kill_before_park", kill_before_park, 5 },
	{ "prog_free_in_resume", prog_free_in_resume, 6 },
};

#define NR_MODES (sizeof(modes) / sizeof(modes[0]))

int main(int argc, char **argv)
{
	bool run[NR_MODES] = {};
	unsigned int i;
	int j, plan = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: teardown_windows NS_PEER NS_EVOS [MODE...]\n");
		return 2;
	}
	for (j = 3; j < argc; j++) {
		for (i = 0; i < NR_MODES && strcmp(argv[j], modes[i].name); i++)
			;
		if (i == NR_MODES) {
			fprintf(stderr, "teardown_windows: unknown mode '%s'; the modes are:", argv[j]);
			for (i = 0; i < NR_MODES; i++)
				fprintf(stderr, " %s", modes[i].name);
			fprintf(stderr, "\n");
			return 2;
		}
		run[i] = true;
	}
	for (i = 0; i < NR_MODES; i++) {
		run[i] |= argc == 3;
		plan += run[i] ? modes[i].checks : 0;
	}
	ns_peer = argv[1];
	if (enter_ns(argv[2]) || pin_to_cpu(1)) {
		perror("teardown_windows: setup");
		return 2;
	}
	tap_plan(plan);
	parked0 = sysctl_read(PARKED);
	handles0 = sysctl_read(HANDLES);
	for (i = 0; i < NR_MODES; i++)
		if (run[i])
			modes[i].run();
	return tap_exit();
}
