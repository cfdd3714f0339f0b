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
 *
 * Every datagram sent is accounted for: reflected, or counted as dropped
 * (push refused, await failed, destroyed with its queue).  Prints TAP.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pkt_payload.h"
#include "testlib.h"
#include "workers.skel.h"
#include "xsk.h"

#define PARKED		"/proc/sys/kernel/bpf_coro_parked"
#define WORKERS_FILE	"/sys/kernel/debug/evos/workers"
#define NR_FLOWS	8
#define MAX_W		64

struct worker_stat {
	unsigned int id;
	int cpu, pid, depth, stopped;
	unsigned long long runs, busy_ns, idle_ns, resumed, wakeups;
};

struct pool_stat {
	char name[32];
	unsigned int nr;
	unsigned long long dropped;
	struct worker_stat w[MAX_W];
};

static const char *ns_peer, *ns_evos;
static unsigned long long base_dropped;	/* the kernel's count is global */

/* The kernel's worker counters (debugfs). */
static int pool_read(struct pool_stat *ps)
{
	char line[256];
	unsigned int n = 0, batch;
	FILE *f = fopen(WORKERS_FILE, "r");

	memset(ps, 0, sizeof(*ps));
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "pool %31s workers %u batch %u dropped %llu", ps->name,
		   &ps->nr, &batch, &ps->dropped) != 4 ||
	    !fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (n < MAX_W && fgets(line, sizeof(line), f)) {
		struct worker_stat *w = &ps->w[n];

		if (sscanf(line, "%u %d %d %llu %llu %llu %llu %llu %d %d", &w->id,
			   &w->cpu, &w->pid, &w->runs, &w->busy_ns, &w->idle_ns,
			   &w->resumed, &w->wakeups, &w->depth, &w->stopped) == 10)
			n++;
	}
	fclose(f);
	ps->dropped -= base_dropped;
	return n == ps->nr ? 0 : -1;
}

/* Threads named evos_worker/N in the system. */
static int count_worker_threads(void)
{
	char path[300], comm[64];
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/proc");

	while (d && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "evos_worker/", 12))
			n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

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
	struct pool_stat a, b;
	long long t0, t1;
	int f, ok = 1;

	pool_read(&a);
	tap_ok(a.nr == 2 && !strcmp(a.name, "two") && count_worker_threads() == 2 &&
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
	       a.w[0].depth == 0 && a.w[1].depth == 0 && a.dropped == 0,
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
	struct pool_stat ps;
	int i;

	skel->data->stop_worker = 1;
	run_syscall(skel->progs.wake_stop_worker);
	for (i = 0; i < 100; i++) {
		if (!pool_read(&ps) && ps.w[1].stopped)
			break;
		usleep(20000);
	}
	tap_ok(ps.nr == 2 && ps.w[1].stopped && !ps.w[0].stopped &&
	       count_worker_threads() == 2,
	       "stop: worker 1 stopped when its run returned -1; worker 0 did not");

	tap_eq(send_wait(send_async(sent)), 0, "stop: sent %ld datagrams", sent);
	pool_read(&ps);
	wait_accounted(skel, sent, 0);
	pool_read(&ps);
	tap_ok(skel->bss->reflected == (__u64)sent / 2 &&
	       skel->bss->push_failed == (__u64)sent / 2 && ps.dropped == (__u64)sent / 2,
	       "stop: worker 0's flows came back (%llu); worker 1's were refused and counted (%llu, pool dropped %llu)",
	       skel->bss->reflected, skel->bss->push_failed, ps.dropped);
	tap_ok(ps.w[0].resumed == (__u64)sent / 2 &&
	       coro_counter(prog_fd, "destroyed") == sent / 2 &&
	       coro_counter(prog_fd, "created") ==
	       coro_counter(prog_fd, "completed_redirect") + coro_counter(prog_fd, "destroyed"),
	       "stop: worker 0 resumed %llu; created %lld = completed %lld + destroyed %lld",
	       ps.w[0].resumed, coro_counter(prog_fd, "created"),
	       coro_counter(prog_fd, "completed_redirect"),
	       coro_counter(prog_fd, "destroyed"));
}

struct xsk_rx {
	unsigned char seen[4096];
	long n, bad;
};

static int xsk_packet(void *pkt, __u32 len, void *arg)
{
	struct xsk_rx *rx = arg;

	rx->n++;
	if (pkt_frame_check(pkt, len, rx->seen, sizeof(rx->seen)))
		rx->bad++;
	return XSK_DONE;
}

static void test_list(struct workers *skel, int prog_fd)
{
	const long sent = 2000;
	struct pool_stat ps;

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
	static struct xsk_rx rx;
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
		xsk_recv(&xsk, xsk_packet, &rx);
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
	struct pool_stat ps;
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
	       ps.dropped == 0,
	       "resize: all %llu came back, none lost across the changes (dropped %llu + %llu)",
	       skel->bss->reflected, dropped_by_bpf(skel), ps.dropped);
	tap_ok(ps.nr == 1 && !strcmp(ps.name, "one") && count_worker_threads() == 1 &&
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
	struct pool_stat ps;
	int depth = 0, i;
	pid_t gen;

	skel->bss->hold = 1;
	tap_eq(send_wait(send_async(parked)), 0, "teardown: sent %ld datagrams", parked);
	wait_for(&skel->bss->parked, parked);
	pool_read(&ps);
	for (i = 0; i < (int)ps.nr; i++)
		depth += ps.w[i].depth;
	tap_ok(skel->bss->parked == (__u64)parked && depth == parked &&
	       sysctl_read(PARKED) - base_parked == parked,
	       "teardown: %d coroutines queued on the workers", depth);

	/* Detach while a sender runs, then send more with no pool. */
	gen = send_async(more);
	bpf_link__destroy(*link);
	*link = NULL;
	tap_ok(!send_wait(gen) && !send_wait(send_async(after)),
	       "teardown: detached while %ld more datagrams were being sent, then %ld more",
	       more, after);
	for (i = 0; i < 500; i++) {
		pool_read(&ps);
		if (ps.dropped + dropped_by_bpf(skel) >= (__u64)(parked + more + after))
			break;
		usleep(20000);
	}
	tap_ok(ps.nr == 0 && count_worker_threads() == 0,
	       "teardown: the pool and its threads are gone");
	tap_ok(skel->bss->reflected == 0 && dropped_by_bpf(skel) >= (__u64)after &&
	       ps.dropped + dropped_by_bpf(skel) == (__u64)(parked + more + after),
	       "teardown: every datagram accounted for: %llu destroyed with the queues + %llu refused without a pool = %ld sent",
	       ps.dropped, dropped_by_bpf(skel), parked + more + after);
	tap_ok(coro_counter(prog_fd, "destroyed") == coro_counter(prog_fd, "created") &&
	       sysctl_read(PARKED) == base_parked,
	       "teardown: coroutines created %lld, destroyed %lld; none parked",
	       coro_counter(prog_fd, "created"), coro_counter(prog_fd, "destroyed"));
}

int main(int argc, char **argv)
{
	long long base_parked, slab0, free0, slab1 = 0, free1 = 0;
	int ifindex, prog_fd, peer_ifindex = 0, i, plan;
	struct bpf_link *link = NULL;
	struct workers *skel;
	const char *mode;
	__u32 zero = 0;
	bool mem_ok = false;

	if (argc != 4) {
		fprintf(stderr, "usage: workers deliver|stop|list|delay|xsk|resize|teardown NS_PEER NS_EVOS\n");
		return 2;
	}
	mode = argv[1];
	ns_peer = argv[2];
	ns_evos = argv[3];
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
	else
		return fprintf(stderr, "workers: unknown mode '%s'\n", mode), 2;
	if (enter_ns(ns_evos)) {
		perror("workers: entering the namespace");
		return 2;
	}

	tap_plan(plan);
	base_parked = sysctl_read(PARKED);
	{
		struct pool_stat ps;

		pool_read(&ps);
		base_dropped = ps.dropped;
	}
	skel = workers__open_and_load();
	if (!tap_ok(skel != NULL, "%s: workers.bpf.o loads", mode))
		return 1;
	prog_fd = bpf_program__fd(skel->progs.xdp_to_worker);
	ifindex = if_nametoindex("b0");
	link = bpf_map__attach_struct_ops(!strcmp(mode, "resize") ? skel->maps.one :
					  !strcmp(mode, "delay") ? skel->maps.timed :
					  skel->maps.two);
	peer_ifindex = xdp_attach_in_ns(ns_peer, "a0", bpf_program__fd(skel->progs.xdp_peer),
					ns_evos);
	tap_ok(link && ifindex && peer_ifindex > 0 &&
	       !bpf_map_update_elem(bpf_map__fd(skel->maps.devs), &zero, &ifindex, BPF_ANY) &&
	       !bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL),
	       "%s: worker pool and XDP attached", mode);

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
	else
		test_teardown(skel, &link, prog_fd, base_parked);

	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (peer_ifindex > 0)
		xdp_detach_in_ns(ns_peer, peer_ifindex, ns_evos);
	bpf_link__destroy(link);
	workers__destroy(skel);
	for (i = 0; i < 300 && (sysctl_read(PARKED) != base_parked ||
				count_worker_threads()); i++)
		usleep(20000);
	tap_ok(sysctl_read(PARKED) == base_parked && count_worker_threads() == 0,
	       "%s: after detach no coroutine is parked and no worker thread is left", mode);
	for (i = 0; i < 40 && !mem_ok; i++) {
		usleep(250000);
		drop_caches();
		slab1 = meminfo("Slab");
		free1 = available_kb();
		mem_ok = slab1 - slab0 < 1536 && free0 - free1 < 1024;
	}
	tap_ok(mem_ok, "%s: memory back to baseline (slab %+lld kB, available %+lld kB)",
	       mode, slab1 - slab0, free1 - free0);
	return tap_exit();
}
