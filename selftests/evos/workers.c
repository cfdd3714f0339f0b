// SPDX-License-Identifier: GPL-2.0
/*
 * workers - EvOS worker scenarios, driven by test_workers.sh.
 *
 *   workers MODE NS_PEER NS_EVOS
 *
 * progs/workers.bpf.c runs on b0 in NS_EVOS: each test datagram awaits and
 * is pushed to worker (flow % workers); the workers resume it, and it is
 * reflected through a devmap to the peer, where xdp_peer counts it.
 * pktgen sends from NS_PEER on CPU 0, in 8 flows.  By MODE:
 *
 *   deliver   two workers on CPUs 0 and 1: every datagram comes back, each
 *             flow was resumed only on its worker's CPU, the counters add
 *             up; then, with no traffic, the workers sleep: no calls of
 *             run, no busy time, no CPU time
 *   stop      worker 1's run returns -1: it stops, worker 0 goes on, and
 *             what is pushed to worker 1 is destroyed and counted
 *   list      queue_fn puts the handles on a BPF list and wakes the worker
 *             with bpf_evos_worker_wake(); the workers' run pops the list
 *   delay     queue_fn holds each coroutine in an rbtree until arrival +
 *             50 ms; the workers (5 ms idle timeout) resume only what is
 *             due: none is resumed earlier than 50 ms after it arrived (a
 *             lower bound only: timing has no upper bound here)
 *   xsk       two workers resume the coroutines of one rx queue and
 *             redirect them to that queue's AF_XDP socket: every datagram
 *             arrives once, intact, although two CPUs produce into it
 *   resize    under continuous traffic the pool goes from 1 worker to 3
 *             and back to 1 (struct_ops link updates): nothing is lost
 *   teardown  10,000 coroutines queued (run pops nothing); the pool is
 *             detached while more traffic arrives: the threads go, every
 *             coroutine is destroyed and counted, memory comes back
 *   wake      one worker on CPU 1 with no idle timeout: a datagram parks
 *             its coroutine in a map slot (no push); a second datagram's
 *             XDP main body pushes it to the worker and returns XDP_PASS
 *             (that datagram goes up b0's stack), so no xdp_do_flush()
 *             follows: the push must wake the worker itself, which
 *             resumes the coroutine within 2 s
 *   burst     2048 frames sent from a0 by BPF_PROG_TEST_RUN with live
 *             frames, in bulks of 64 that b0's NAPI takes one poll each,
 *             all to one worker: it resumes all of them, woken at most
 *             once per flush (32 flushes of 64 pushes; wake-ups <= 32);
 *             then 16 bulks, each to the worker asleep: one wake-up each
 *   register  two processes attach a pool at the same moment, five times:
 *             one registers, the other gets -EBUSY from the kernel; a
 *             pool with batch 257 is refused with -E2BIG, 256 is taken
 *
 * Every datagram sent is accounted for: reflected, or counted as dropped
 * (push refused, await failed, destroyed with its queue).  Prints TAP.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pkt_payload.h"
#include "testlib.h"
#include "workers.skel.h"
#include "xsk.h"

#define NR_FLOWS	8

static const char *ns_peer, *ns_evos;
static unsigned long long base_dropped;	/* the kernel's count is global */

/* utime + stime of a thread, in clock ticks. */
static long long thread_cpu_ticks(int pid)
{
	unsigned long long ut, st;
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		return -1;
	return ut + st;
}

static int cpu_of_thread(int pid)
{
	cpu_set_t set;
	int cpu, found = -1;

	if (sched_getaffinity(pid, sizeof(set), &set))
		return -2;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		if (found >= 0)
			return -1;	/* more than one */
		found = cpu;
	}
	return found;
}

static pid_t send_async(long n)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(send_from_ns(ns_peer, 0, n, NR_FLOWS));
	return pid;
}

static int send_wait(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static unsigned long long dropped_by_bpf(struct workers *skel)
{
	return skel->bss->push_failed + skel->bss->await_failed;
}

/* Wait until every datagram of @sent is reflected or counted as dropped. */
static void wait_accounted(struct workers *skel, unsigned long long sent,
			   unsigned long long dropped_by_pool)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (skel->bss->reflected + dropped_by_bpf(skel) + dropped_by_pool >= sent)
			return;
		usleep(20000);
	}
}

static void test_deliver(struct workers *skel, int prog_fd)
{
	const long sent = 2000;
	struct pool a, b;
	long long t0, t1;
	int f, ok = 1;

	pool_read(&a);
	tap_ok(a.nr == 2 && !strcmp(a.name, "two") && worker_threads() == 2 &&
	       cpu_of_thread(a.w[0].pid) == 0 && cpu_of_thread(a.w[1].pid) == 1,
	       "deliver: pool 'two' runs evos_worker/0 on CPU 0 and evos_worker/1 on CPU 1");

	tap_eq(send_wait(send_async(sent)), 0, "deliver: sent %ld datagrams in %d flows",
	       sent, NR_FLOWS);
	wait_accounted(skel, sent, 0);
	tap_ok(skel->bss->reflected == (__u64)sent && !dropped_by_bpf(skel),
	       "deliver: all %llu came back through the workers (dropped %llu)",
	       skel->bss->reflected, dropped_by_bpf(skel));

	for (f = 0; f < NR_FLOWS; f++)
		ok &= skel->bss->flow_cpu[f] == (__u32)(f % 2) + 1;
	tap_ok(ok && !skel->bss->flow_cpu_mixed,
	       "deliver: each flow was resumed only by its worker, on its CPU (flow 0 on CPU %d, flow 1 on CPU %d)",
	       (int)skel->bss->flow_cpu[0] - 1, (int)skel->bss->flow_cpu[1] - 1);

	pool_read(&a);
	tap_ok(a.w[0].resumed == (unsigned long long)sent / 2 &&
	       a.w[1].resumed == (unsigned long long)sent / 2 &&
	       skel->bss->popped[0] == (__u64)sent / 2 && skel->bss->popped[1] == (__u64)sent / 2 &&
	       a.w[0].depth == 0 && a.w[1].depth == 0 && a.dropped == base_dropped,
	       "deliver: worker counters: resumed %llu + %llu, queues empty, none dropped",
	       a.w[0].resumed, a.w[1].resumed);
	tap_ok(coro_counter(prog_fd, "created") == sent &&
	       coro_counter(prog_fd, "completed_redirect") == sent,
	       "deliver: coroutine counters: created %lld, completed_redirect %lld",
	       coro_counter(prog_fd, "created"),
	       coro_counter(prog_fd, "completed_redirect"));
	tap_ok(a.w[0].wakeups >= 1 && a.w[0].wakeups <= a.w[0].runs &&
	       a.w[1].wakeups >= 1 && a.w[1].wakeups <= a.w[1].runs,
	       "deliver: workers slept and were woken (%llu and %llu wake-ups for %llu and %llu runs)",
	       a.w[0].wakeups, a.w[1].wakeups, a.w[0].runs, a.w[1].runs);

	/* Idle: nothing queued, nothing runs. */
	usleep(200000);
	pool_read(&a);
	t0 = thread_cpu_ticks(a.w[0].pid) + thread_cpu_ticks(a.w[1].pid);
	sleep(1);
	pool_read(&b);
	t1 = thread_cpu_ticks(b.w[0].pid) + thread_cpu_ticks(b.w[1].pid);
	tap_ok(a.w[0].runs == b.w[0].runs && a.w[1].runs == b.w[1].runs &&
	       a.w[0].busy_ns == b.w[0].busy_ns && a.w[1].busy_ns == b.w[1].busy_ns &&
	       t0 >= 0 && t0 == t1,
	       "deliver: idle workers sleep: no runs, busy time flat, no CPU time in 1 s");
}

static void test_stop(struct workers *skel, int prog_fd)
{
	const long sent = 1000;
	struct pool ps;
	int i;

	skel->data->stop_worker = 1;
	run_syscall(skel->progs.wake_stop_worker);
	for (i = 0; i < 100; i++) {
		if (!pool_read(&ps) && ps.w[1].stopped)
			break;
		usleep(20000);
	}
	tap_ok(ps.nr == 2 && ps.w[1].stopped && !ps.w[0].stopped &&
	       worker_threads() == 2,
	       "stop: worker 1 stopped when its run returned -1; worker 0 did not");

	tap_eq(send_wait(send_async(sent)), 0, "stop: sent %ld datagrams", sent);
	pool_read(&ps);
	wait_accounted(skel, sent, 0);
	pool_read(&ps);
	tap_ok(skel->bss->reflected == (__u64)sent / 2 &&
	       skel->bss->push_failed == (__u64)sent / 2 &&
	       ps.dropped - base_dropped == (__u64)sent / 2,
	       "stop: worker 0's flows came back (%llu); worker 1's were refused and counted (%llu, pool dropped %llu)",
	       skel->bss->reflected, skel->bss->push_failed, ps.dropped - base_dropped);
	tap_ok(ps.w[0].resumed == (__u64)sent / 2 &&
	       coro_counter(prog_fd, "destroyed") == sent / 2 &&
	       coro_counter(prog_fd, "created") ==
	       coro_counter(prog_fd, "completed_redirect") + coro_counter(prog_fd, "destroyed"),
	       "stop: worker 0 resumed %llu; created %lld = completed %lld + destroyed %lld",
	       ps.w[0].resumed, coro_counter(prog_fd, "created"),
	       coro_counter(prog_fd, "completed_redirect"),
	       coro_counter(prog_fd, "destroyed"));
}

static void test_list(struct workers *skel, int prog_fd)
{
	const long sent = 2000;
	struct pool ps;

	skel->bss->via_list = 1;
	tap_eq(send_wait(send_async(sent)), 0, "list: sent %ld datagrams", sent);
	wait_accounted(skel, sent, 0);
	pool_read(&ps);
	tap_ok(skel->bss->reflected == (__u64)sent && !dropped_by_bpf(skel) &&
	       skel->bss->popped[0] + skel->bss->popped[1] == (__u64)sent &&
	       ps.w[0].wakeups + ps.w[1].wakeups > 0,
	       "list: all %llu came back, resumed from the list by the workers (%llu + %llu)",
	       skel->bss->reflected, skel->bss->popped[0], skel->bss->popped[1]);
	tap_ok(coro_counter(prog_fd, "completed_redirect") == sent &&
	       coro_counter(prog_fd, "destroyed") == 0,
	       "list: coroutine counters: completed_redirect %lld, destroyed %lld",
	       coro_counter(prog_fd, "completed_redirect"), coro_counter(prog_fd, "destroyed"));
}

static void test_delay(struct workers *skel)
{
	const long sent = 500;
	const __u64 delay = 50 * 1000 * 1000ULL;

	skel->bss->delay_ns = delay;
	tap_eq(send_wait(send_async(sent)), 0, "delay: sent %ld datagrams", sent);
	wait_for(&skel->bss->resumed, sent);
	tap_ok(skel->bss->parked == (__u64)sent && skel->bss->resumed == (__u64)sent &&
	       !dropped_by_bpf(skel),
	       "delay: all %llu were held in the rbtree and resumed by the workers",
	       skel->bss->resumed);
	tap_ok(skel->bss->resumed == (__u64)sent && skel->bss->early == 0,
	       "delay: none resumed earlier than %llu ms after it arrived (%llu early)",
	       (unsigned long long)(delay / 1000000), skel->bss->early);
}

static void test_xsk(struct workers *skel, int ifindex)
{
	const long sent = 2000;
	static unsigned char seen[4096];
	struct xsk_seen rx = { .seen = seen, .count = sizeof(seen) };
	struct xsk xsk;
	__u32 zero = 0;
	int i;

	tap_ok(!xsk_open(&xsk, ifindex, 0, 4096, 2048) &&
	       !bpf_map_update_elem(bpf_map__fd(skel->maps.xsks), &zero, &xsk.fd, BPF_ANY),
	       "xsk: AF_XDP socket bound to b0 queue 0 (copy mode)");
	skel->bss->to_xsk = 1;
	tap_eq(send_wait(send_async(sent)), 0, "xsk: sent %ld datagrams in %d flows",
	       sent, NR_FLOWS);
	for (i = 0; i < 300 && rx.n + (long)dropped_by_bpf(skel) < sent; i++) {
		xsk_recv(&xsk, xsk_seen_packet, &rx);
		usleep(20000);
	}
	tap_ok(rx.n == sent && !rx.bad && !dropped_by_bpf(skel),
	       "xsk: %ld of %ld arrived on the socket, %ld bad or duplicate", rx.n, sent, rx.bad);
	tap_ok(skel->bss->popped[0] == (__u64)sent / 2 && skel->bss->popped[1] == (__u64)sent / 2 &&
	       !skel->bss->flow_cpu_mixed,
	       "xsk: both workers produced into the socket (%llu and %llu), each flow on its CPU",
	       skel->bss->popped[0], skel->bss->popped[1]);
	bpf_map_delete_elem(bpf_map__fd(skel->maps.xsks), &zero);
	xsk_close(&xsk);
}

static void wait_reflected(struct workers *skel, __u64 n)
{
	int i;

	for (i = 0; i < 500 && skel->bss->reflected < n; i++)
		usleep(10000);
}

static void test_resize(struct workers *skel, struct bpf_link *link, int prog_fd)
{
	const long sent = 6000;
	struct pool ps;
	int grow, shrink, n3;
	pid_t gen;

	gen = send_async(sent);
	wait_reflected(skel, 1000);
	grow = bpf_link__update_map(link, skel->maps.three);
	pool_read(&ps);
	n3 = ps.nr;
	wait_reflected(skel, 3000);
	shrink = bpf_link__update_map(link, skel->maps.one);
	tap_ok(!grow && n3 == 3 && !shrink,
	       "resize: grown from 1 to %d workers and shrunk back to 1 while traffic flowed", n3);
	tap_eq(send_wait(gen), 0, "resize: sent %ld datagrams", sent);
	wait_accounted(skel, sent, 0);
	pool_read(&ps);
	tap_ok(skel->bss->reflected == (__u64)sent && !dropped_by_bpf(skel) &&
	       ps.dropped == base_dropped,
	       "resize: all %llu came back, none lost across the changes (dropped %llu + %llu)",
	       skel->bss->reflected, dropped_by_bpf(skel), ps.dropped - base_dropped);
	tap_ok(ps.nr == 1 && !strcmp(ps.name, "one") && worker_threads() == 1 &&
	       skel->bss->popped[1] + skel->bss->popped[2] > 0,
	       "resize: the added workers did work (%llu, %llu); one thread is left",
	       skel->bss->popped[1], skel->bss->popped[2]);
	tap_ok(coro_counter(prog_fd, "created") == sent &&
	       coro_counter(prog_fd, "completed_redirect") == sent,
	       "resize: coroutine counters: created %lld, completed_redirect %lld",
	       coro_counter(prog_fd, "created"), coro_counter(prog_fd, "completed_redirect"));
}

static void test_teardown(struct workers *skel, struct bpf_link **link, int prog_fd,
			  long long base_parked)
{
	const long parked = 10000, more = 20000, after = 2000;
	struct pool ps;
	pid_t gen;
	int i;

	skel->bss->hold = 1;
	tap_eq(send_wait(send_async(parked)), 0, "teardown: sent %ld datagrams", parked);
	wait_for(&skel->bss->parked, parked);
	pool_read(&ps);
	tap_ok(skel->bss->parked == (__u64)parked && ps.depth == parked &&
	       sysctl_read(PARKED) - base_parked == parked,
	       "teardown: %ld coroutines queued on the workers", ps.depth);

	/* Detach while a sender runs, then send more with no pool. */
	gen = send_async(more);
	bpf_link__destroy(*link);
	*link = NULL;
	tap_ok(!send_wait(gen) && !send_wait(send_async(after)),
	       "teardown: detached while %ld more datagrams were being sent, then %ld more",
	       more, after);
	for (i = 0; i < 500; i++) {
		pool_read(&ps);
		if (ps.dropped - base_dropped + dropped_by_bpf(skel) >=
		    (__u64)(parked + more + after))
			break;
		usleep(20000);
	}
	tap_ok(ps.nr == 0 && worker_threads() == 0,
	       "teardown: the pool and its threads are gone");
	tap_ok(skel->bss->reflected == 0 && dropped_by_bpf(skel) >= (__u64)after &&
	       ps.dropped - base_dropped + dropped_by_bpf(skel) == (__u64)(parked + more + after),
	       "teardown: every datagram accounted for: %llu destroyed with the queues + %llu refused without a pool = %ld sent",
	       ps.dropped - base_dropped, dropped_by_bpf(skel), parked + more + after);
	tap_ok(coro_counter(prog_fd, "destroyed") == coro_counter(prog_fd, "created") &&
	       sysctl_read(PARKED) == base_parked,
	       "teardown: coroutines created %lld, destroyed %lld; none parked",
	       coro_counter(prog_fd, "created"), coro_counter(prog_fd, "destroyed"));
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * A push from the main body of an XDP program, with no flush after it.
 * The one worker of pool "lone" (CPU 1, no idle timeout) has slept since
 * the pool started.  Datagram 1 awaits, and its queue_fn only stashes the
 * handle in a map slot: nothing is pushed, nothing woken.  Datagram 2,
 * sent after datagram 1's flush published the handle, has its main body
 * push that handle to the worker and return XDP_PASS.  veth_poll() calls
 * xdp_do_flush() only after a redirect, so no flush follows that push.
 * A push that only marked the worker for the end of the next flush on
 * its CPU (deferring whenever a bpf_net_context is set, as in any NAPI
 * poll, whatever verdict follows) would leave the worker asleep and the coroutine queued (depth 1) until some later flush
 * on CPU 0, and none comes: the only other packet is the ICMP error that
 * datagram 2 provokes in b0's stack, which a0's XDP passes (no redirect,
 * no flush); the worker's own flushes run on CPU 1, and only once it is
 * awake.  So a resume within 2 s, with a wake-up more, can only come from
 * the push waking the worker itself.
 */
static void test_wake(struct workers *skel, long long base_parked)
{
	long long t0, waited = -1;
	struct pool a, b;
	int i;

	skel->bss->stash_in_slot = 1;
	tap_eq(send_wait(send_async(1)), 0,
	       "wake: sent a datagram whose queue_fn stashes its coroutine in a map slot");
	wait_for(&skel->bss->stashed, 1);
	pool_read(&a);
	tap_ok(skel->bss->stashed == 1 && sysctl_read(PARKED) - base_parked == 1 &&
	       a.nr == 1 && a.w[0].cpu == 1 && a.w[0].depth == 0 &&
	       a.w[0].resumed == 0 && a.w[0].wakeups == 0,
	       "wake: one coroutine parked in the slot, none queued; the worker (CPU %d) asleep since the pool started (%llu wake-ups, %llu runs)",
	       a.w[0].cpu, a.w[0].wakeups, a.w[0].runs);

	skel->bss->stash_in_slot = 0;
	skel->bss->push_from_slot = 1;
	tap_eq(send_wait(send_async(1)), 0,
	       "wake: sent a datagram whose XDP main body pushes the stashed coroutine and returns XDP_PASS");
	t0 = now_ms();
	for (i = 0; i < 200; i++) {
		if (skel->bss->reflected) {
			waited = now_ms() - t0;
			break;
		}
		usleep(10000);
	}
	pool_read(&b);
	tap_ok(skel->bss->kick_pushed == 1 && waited >= 0 && skel->bss->reflected == 1 &&
	       b.w[0].resumed == 1 && b.w[0].depth == 0 && !dropped_by_bpf(skel),
	       "wake: the worker resumed the pushed coroutine within 2 s (after %lld ms; pushed %llu, resumed %llu, still queued %d)",
	       waited, skel->bss->kick_pushed, b.w[0].resumed, b.w[0].depth);
	tap_ok(b.w[0].wakeups > a.w[0].wakeups,
	       "wake: the push woke the sleeping worker (wake-ups %llu -> %llu)",
	       a.w[0].wakeups, b.w[0].wakeups);
}

#define BURST_BULK	64	/* a NAPI poll's budget, and the test run's batch */

/* Internet checksum of @len bytes (even). */
/*
 * Send @n frames out of a0 (ifindex @ifindex in NS_PEER), from CPU 0:
 * xdp_burst runs under BPF_PROG_TEST_RUN with live frames and returns
 * XDP_TX for each.  The test run handles BURST_BULK frames per batch with
 * softirqs off and flushes once at the end of the batch: the devmap
 * queue hands them to veth, which schedules b0's NAPI once; when softirqs
 * come back on, b0's poll (budget 64) takes the whole bulk and flushes
 * once.  Returns 0 when the test run succeeded.
 */
static int burst_from_peer(struct workers *skel, int ifindex, long n)
{
	unsigned char pkt[128];
	size_t len = udp_frame(pkt, 22);
	struct xdp_md md = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .repeat = n,
		    .batch_size = BURST_BULK);
	cpu_set_t cpus;
	int err;

	if (sched_getaffinity(0, sizeof(cpus), &cpus) || enter_ns(ns_peer))
		return -1;
	err = pin_to_cpu(0) ?:
	      bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_burst), &opts);
	if (enter_ns(ns_evos) || sched_setaffinity(0, sizeof(cpus), &cpus))
		err = -1;
	return err;
}

/*
 * A test run with repeat > 1 adds its program to the XDP dispatcher and
 * removes it at the end, rewriting the dispatcher's call site (text_poke)
 * while the worker and b0's NAPI call through it on the other CPU; under
 * multi-threaded TCG that has been seen to oops on the calling CPU (int3
 * in bpf_dispatcher_xdp_func), with or without coroutines.  As generic
 * XDP on NS_PEER's lo (no traffic there), xdp_burst stays a member of the
 * dispatcher, and the test runs only count its users.  @prog_fd -1
 * detaches it.
 */
static int burst_keep_dispatched(int prog_fd)
{
	int err;

	if (enter_ns(ns_peer))
		return -1;
	err = xdp_keep_dispatched(prog_fd);
	if (enter_ns(ns_evos))
		err = -1;
	return err;
}

/* The state letter of a thread in /proc/PID/stat, or '?'. */
static char thread_state(int pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Wait until worker 0 resumed @resumed in all and sleeps, up to 2 s. */
static bool wait_asleep(unsigned long long resumed)
{
	struct pool ps;
	int i;

	for (i = 0; i < 200; i++) {
		if (!pool_read(&ps) && ps.w[0].resumed == resumed && !ps.w[0].depth &&
		    thread_state(ps.w[0].pid) == 'S')
			return true;
		usleep(10000);
	}
	return false;
}

#define PACED_BULKS	16

/*
 * One wake-up per flush, not per push.  pktgen makes no burst here: each
 * of its sendto() calls runs b0's NAPI poll for that one datagram as soon
 * as it enables softirqs again, so every flush would carry one push and
 * the wake-ups would only tell how soon the worker goes back to sleep.
 * Bulks from a0's XDP reach b0 as a driver's traffic does: b0's NAPI poll
 * (budget 64) takes a bulk of 64 frames, and its one xdp_do_flush()
 * publishes the 64 coroutines, whose pushes leave the wake-up to the end
 * of that flush.  So the flushes that pushed are 2048 / 64 = 32 (counted
 * by queue_fn), and the worker, woken at most once per flush and counted
 * only when it was asleep, has at most 32 wake-ups for 2048 resumes.
 * The worker's own flushes on CPU 1 wake nothing: what it resumes goes to
 * a0, whose XDP drops it.
 *
 * A worker kept busy by the burst is rarely asleep when a flush comes, so
 * then 16 bulks follow one at a time, each once the worker has resumed
 * the previous one and sleeps, with queue_fn spinning 2 ms after each
 * push: a worker woken by a push would resume that coroutine and sleep
 * again before the next push, and be counted once per push (about 64 per
 * bulk).  Woken at the end of the flush, it is counted once per bulk: 16
 * wake-ups for 16 flushes.  A flush that woke nobody would leave its bulk
 * queued.
 */
static void test_burst(struct workers *skel, int prog_fd, int peer_ifindex)
{
	const long sent = 2048, paced = PACED_BULKS * BURST_BULK;
	unsigned long long resumed, wakeups, flushes;
	struct pool a, b;
	bool asleep = true;
	int err, i;

	pool_read(&a);
	err = burst_keep_dispatched(bpf_program__fd(skel->progs.xdp_burst)) ?:
	      burst_from_peer(skel, peer_ifindex, sent);
	tap_ok(!err && skel->bss->burst_tx == (__u64)sent,
	       "burst: a0 sent %llu frames to b0 in bulks of %d (test run with live frames, CPU 0)",
	       skel->bss->burst_tx, BURST_BULK);
	wait_accounted(skel, sent, 0);
	pool_read(&b);
	resumed = b.w[0].resumed - a.w[0].resumed;
	wakeups = b.w[0].wakeups - a.w[0].wakeups;
	flushes = skel->bss->flushes;
	tap_ok(skel->bss->reflected == (__u64)sent && resumed == (__u64)sent &&
	       !dropped_by_bpf(skel) && b.w[0].depth == 0 &&
	       coro_counter(prog_fd, "created") == sent &&
	       coro_counter(prog_fd, "completed_redirect") == sent,
	       "burst: all %llu came back, resumed by the one worker (%llu; created %lld, completed_redirect %lld)",
	       skel->bss->reflected, resumed, coro_counter(prog_fd, "created"),
	       coro_counter(prog_fd, "completed_redirect"));
	tap_ok(flushes == (unsigned long long)sent / BURST_BULK && wakeups >= 1 &&
	       wakeups <= flushes,
	       "burst: the worker was woken %llu times for %llu coroutines resumed: at most once per flush (%llu flushes pushed, %d coroutines each)",
	       wakeups, resumed, flushes, BURST_BULK);

	/* Bulk by bulk, each to a sleeping worker, 2 ms between pushes. */
	skel->bss->push_spin_ns = 2000000;
	a = b;
	for (i = 0; i < PACED_BULKS && !err; i++) {
		asleep &= wait_asleep(a.w[0].resumed + (unsigned long long)i * BURST_BULK);
		err = burst_from_peer(skel, peer_ifindex, BURST_BULK);
	}
	wait_accounted(skel, sent + paced, 0);
	wait_asleep(a.w[0].resumed + paced);
	pool_read(&b);
	resumed = b.w[0].resumed - a.w[0].resumed;
	wakeups = b.w[0].wakeups - a.w[0].wakeups;
	flushes = skel->bss->flushes - flushes;
	tap_ok(!err && asleep && skel->bss->reflected == (__u64)(sent + paced) &&
	       resumed == (__u64)paced && !dropped_by_bpf(skel),
	       "burst: %d more bulks of %d, each sent once the worker slept: all %llu came back",
	       PACED_BULKS, BURST_BULK, resumed);
	tap_ok(flushes == PACED_BULKS && wakeups == flushes,
	       "burst: one wake-up per flush: %llu wake-ups for %llu flushes of %d pushes (%llu resumed)",
	       wakeups, flushes, BURST_BULK, resumed);
	burst_keep_dispatched(-1);
}

/* At most 256 coroutines per call of run: batch 257 is refused. */
static void test_batch_limit(void)
{
	struct bpf_link *link = NULL;
	struct workers *skel;
	struct pool ps;
	int err = -1;

	skel = workers__open();
	if (skel) {
		skel->struct_ops.lone->batch = 257;
		if (!workers__load(skel)) {
			link = bpf_map__attach_struct_ops(skel->maps.lone);
			err = link ? 0 : -errno;
		}
	}
	pool_read(&ps);
	tap_ok(skel && !link && err == -E2BIG && ps.nr == 0 && worker_threads() == 0,
	       "register: a pool with batch 257 is refused: %d (-E2BIG is %d); no pool, no thread",
	       err, -E2BIG);
	bpf_link__destroy(link);
	workers__destroy(skel);

	link = NULL;
	skel = workers__open();
	if (skel) {
		skel->struct_ops.lone->batch = 256;
		if (!workers__load(skel))
			link = bpf_map__attach_struct_ops(skel->maps.lone);
	}
	pool_read(&ps);
	tap_ok(link && !strcmp(ps.name, "lone") && ps.nr == 1 && ps.batch == 256 &&
	       wait_worker_threads(1, 1000) == 1,
	       "register: a pool with batch 256 is registered (pool '%s', batch %u, %u workers)",
	       ps.name, ps.batch, ps.nr);
	bpf_link__destroy(link);
	workers__destroy(skel);
}

#define REGISTER_ROUNDS	5

/* One of two processes that attach a pool at the same moment. */
struct contender {
	const char *map;	/* the struct_ops map it attaches */
	unsigned int nr;	/* its number of workers */
	int cpu;
	pid_t pid;
	int res[2];		/* it writes the attach's errno (0: attached) */
	int err;
};

/*
 * In the child: load the object, say so on @ready, wait for @go to close,
 * attach, report, and hold the pool until @release closes.
 */
static void contend(struct contender *c, int ready, int go, int release)
{
	struct bpf_link *link = NULL;
	struct bpf_map *map = NULL;
	struct workers *skel;
	int err = ENOENT;
	char ch;

	pin_to_cpu(c->cpu);
	skel = workers__open_and_load();
	if (skel)
		map = bpf_object__find_map_by_name(skel->obj, c->map);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	/* Both contenders block here; the parent closes @go for both at once. */
	if (read(go, &ch, 1) == 0 && map) {
		link = bpf_map__attach_struct_ops(map);
		err = link ? 0 : errno;
	}
	if (write(c->res[1], &err, sizeof(err)) != sizeof(err))
		_exit(1);
	while (read(release, &ch, 1) > 0)
		;
	bpf_link__destroy(link);
	workers__destroy(skel);
	_exit(0);
}

/*
 * Two processes, on CPUs 0 and 1, each load the object and attach a pool
 * ("two" and "three") the moment a pipe closes: both create their threads,
 * then register under the kernel's pool lock.  The loser's -EBUSY comes
 * from the link creation (bpf_link_create(), the struct_ops' reg), with
 * the winner's pool registered; the loser's threads are gone.
 */
static void test_register(void)
{
	struct contender c[2] = {
		{ .map = "two", .nr = 2, .cpu = 0 },
		{ .map = "three", .nr = 3, .cpu = 1 },
	};
	int round, i, threads, left, gone_ok = 1;
	struct pool ps;

	for (round = 1; round <= REGISTER_ROUNDS; round++) {
		int ready[2], go[2], release[2], ok;
		struct contender *win = NULL;
		char ch;

		if (pipe(ready) || pipe(go) || pipe(release) || pipe(c[0].res) || pipe(c[1].res)) {
			tap_ok(false, "register: round %d: pipes: %s", round, strerror(errno));
			continue;
		}
		fflush(stdout);
		for (i = 0; i < 2; i++) {
			c[i].err = -1;
			c[i].pid = fork();
			if (c[i].pid == 0) {
				close(ready[0]);
				close(go[1]);
				close(release[1]);
				close(c[i].res[0]);
				close(c[!i].res[0]);
				close(c[!i].res[1]);
				contend(&c[i], ready[1], go[0], release[0]);
			}
		}
		close(ready[1]);
		close(go[0]);
		close(release[0]);
		for (i = 0; i < 2; i++)
			close(c[i].res[1]);
		/* Both loaded and waiting for the same event. */
		for (i = 0; i < 2 && read(ready[0], &ch, 1) == 1; i++)
			;
		close(go[1]);
		for (i = 0; i < 2; i++)
			if (read(c[i].res[0], &c[i].err, sizeof(c[i].err)) != sizeof(c[i].err))
				c[i].err = -1;
		if (!c[0].err && c[1].err == EBUSY)
			win = &c[0];
		else if (!c[1].err && c[0].err == EBUSY)
			win = &c[1];
		threads = wait_worker_threads(win ? (int)win->nr : -1, 1000);
		pool_read(&ps);
		ok = win && !strcmp(ps.name, win->map) && ps.nr == win->nr &&
		     threads == (int)win->nr;
		tap_ok(ok, "register: round %d: '%s' (CPU 0) and '%s' (CPU 1) attached at once: %s; pool '%s' with %u workers, %d threads",
		       round, c[0].map, c[1].map,
		       !win ? "not one success and one -EBUSY" :
		       win == &c[0] ? "'two' registered, 'three' got -EBUSY" :
		       "'three' registered, 'two' got -EBUSY",
		       ps.name, ps.nr, threads);
		if (!win)
			printf("#   attach errors: '%s' %d (%s), '%s' %d (%s)\n",
			       c[0].map, c[0].err, strerror(c[0].err), c[1].map, c[1].err,
			       strerror(c[1].err));
		close(release[1]);
		for (i = 0; i < 2; i++) {
			waitpid(c[i].pid, NULL, 0);
			close(c[i].res[0]);
		}
		close(ready[0]);
		left = wait_worker_threads(0, 1000);
		pool_read(&ps);
		if (left || ps.nr)
			gone_ok = 0;
	}
	tap_ok(gone_ok, "register: after each round the winner's detach left no pool and no worker thread");
	test_batch_limit();
}

int main(int argc, char **argv)
{
	long long base_parked, slab0, free0;
	int ifindex, prog_fd, peer_ifindex = 0, i, plan;
	struct bpf_link *link = NULL;
	struct bpf_map *pool;
	struct workers *skel;
	const char *mode;
	__u32 zero = 0;
	bool attach;

	if (argc != 4) {
		fprintf(stderr, "usage: workers deliver|stop|list|delay|xsk|resize|teardown|wake|burst|register NS_PEER NS_EVOS\n");
		return 2;
	}
	mode = argv[1];
	ns_peer = argv[2];
	ns_evos = argv[3];
	/* Every mode but register runs traffic through a pool and XDP. */
	attach = strcmp(mode, "register") != 0;
	if (!strcmp(mode, "deliver"))
		plan = 8 + 4;
	else if (!strcmp(mode, "stop"))
		plan = 4 + 4;
	else if (!strcmp(mode, "resize"))
		plan = 5 + 4;
	else if (!strcmp(mode, "xsk"))
		plan = 4 + 4;
	else if (!strcmp(mode, "list"))
		plan = 3 + 4;
	else if (!strcmp(mode, "delay"))
		plan = 3 + 4;
	else if (!strcmp(mode, "teardown"))
		plan = 6 + 4;
	else if (!strcmp(mode, "wake"))
		plan = 5 + 4;
	else if (!strcmp(mode, "burst"))
		plan = 5 + 4;
	else if (!strcmp(mode, "register"))
		plan = REGISTER_ROUNDS + 1 + 2 + 3;
	else
		return fprintf(stderr, "workers: unknown mode '%s'\n", mode), 2;
	if (enter_ns(ns_evos)) {
		perror("workers: entering the namespace");
		return 2;
	}

	tap_plan(plan);
	base_parked = sysctl_read(PARKED);
	{
		struct pool ps;

		pool_read(&ps);
		base_dropped = ps.dropped;
	}
	skel = workers__open_and_load();
	if (!tap_ok(skel != NULL, "%s: workers.bpf.o loads", mode))
		return 1;
	prog_fd = bpf_program__fd(skel->progs.xdp_to_worker);
	ifindex = if_nametoindex("b0");
	if (attach) {
		if (!strcmp(mode, "resize"))
			pool = skel->maps.one;
		else if (!strcmp(mode, "delay"))
			pool = skel->maps.timed;
		else if (!strcmp(mode, "wake") || !strcmp(mode, "burst"))
			pool = skel->maps.lone;
		else
			pool = skel->maps.two;
		link = bpf_map__attach_struct_ops(pool);
		peer_ifindex = xdp_attach_in_ns(ns_peer, "a0",
						bpf_program__fd(skel->progs.xdp_peer), ns_evos);
		tap_ok(link && ifindex && peer_ifindex > 0 &&
		       !bpf_map_update_elem(bpf_map__fd(skel->maps.devs), &zero, &ifindex,
					    BPF_ANY) &&
		       !bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL),
		       "%s: worker pool and XDP attached", mode);
	}

	drop_caches();
	slab0 = meminfo("Slab");
	free0 = available_kb();

	if (!strcmp(mode, "deliver"))
		test_deliver(skel, prog_fd);
	else if (!strcmp(mode, "stop"))
		test_stop(skel, prog_fd);
	else if (!strcmp(mode, "resize"))
		test_resize(skel, link, prog_fd);
	else if (!strcmp(mode, "xsk"))
		test_xsk(skel, ifindex);
	else if (!strcmp(mode, "list"))
		test_list(skel, prog_fd);
	else if (!strcmp(mode, "delay"))
		test_delay(skel);
	else if (!strcmp(mode, "wake"))
		test_wake(skel, base_parked);
	else if (!strcmp(mode, "burst"))
		test_burst(skel, prog_fd, peer_ifindex);
	else if (!strcmp(mode, "register"))
		test_register();
	else
		test_teardown(skel, &link, prog_fd, base_parked);

	if (attach) {
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		if (peer_ifindex > 0)
			xdp_detach_in_ns(ns_peer, peer_ifindex, ns_evos);
	}
	bpf_link__destroy(link);
	workers__destroy(skel);
	for (i = 0; i < 300 && (sysctl_read(PARKED) != base_parked ||
				worker_threads()); i++)
		usleep(20000);
	tap_ok(sysctl_read(PARKED) == base_parked && worker_threads() == 0,
	       "%s: after detach no coroutine is parked and no worker thread is left", mode);
	tap_memory_back(mode, slab0, free0);
	return tap_exit();
}
