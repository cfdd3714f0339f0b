// SPDX-License-Identifier: GPL-2.0
/*
 * coro_xdp - XDP coroutine scenarios, driven by test_coro_xdp.sh.
 *
 *   coro_xdp MODE NS_PEER NS_EVOS COUNT
 *   coro_xdp --tests MODE		(prints the number of checks of MODE)
 *
 * The XDP program of progs/coro_xdp.bpf.c runs on b0 in NS_EVOS; pktgen
 * sends COUNT numbered UDP datagrams from NS_PEER on CPU 0; each one
 * suspends, and queue_fn stashes its handle.  Then, by MODE:
 *
 *   resume      array map slots; resumed on CPU 1, XDP_PASS: every packet
 *               reaches the UDP socket intact, once, after its coroutine
 *               ran on the other CPU
 *   hash        the same, from hash map slots
 *   list        the same, from a BPF linked list
 *   rbtree      the same, from an rbtree whose keys are a permutation of
 *               the arrival order (n * 7919 mod COUNT): resumed in key
 *               order, each key resuming the packet it was made for, and
 *               the keys were not inserted in increasing order
 *   drop        resumed with XDP_DROP: nothing is delivered
 *   tx          resumed with XDP_TX, the datagram reflected to the peer
 *   devmap      resumed with a redirect through a devmap back out of b0
 *   cpumap      resumed with a redirect to a cpumap: into the stack
 *   xsk         resumed with a redirect to the XSKMAP entry of the packet's
 *               rx queue: every packet reaches the AF_XDP socket intact
 *   release     bpf_coro_release() all; none is delivered
 *   delete      map entries overwritten from user space (kptr destructor)
 *   mapfree     stashed in an inner map, which is then freed
 *   objdrop     stashed in list nodes, which are dropped with bpf_obj_drop()
 *   detach      the XDP program is detached, the program itself stays
 *   unload      the program freed while XDP keeps running on b0: b0 runs
 *               xdp_entry, which tail-calls xdp_await; the test takes
 *               xdp_await out of the program array and closes it
 *   unregister  the veth device deleted
 *   limit       kernel.bpf_coro_max_parked below COUNT: the rest fail to
 *               suspend, fall back to inline processing and are counted
 *   generic     b0 runs xdp_entry as generic (skb) XDP, which tail-calls
 *               xdp_await: the suspension is not refused (the attached
 *               program is not the one awaiting) and reaches the generic
 *               redirect path, which has no xdp_frame to hand over.  Every
 *               coroutine must be destroyed there, none published, and the
 *               packets are dropped; kernel.bpf_coro_parked and
 *               kernel.bpf_coro_handles are back at their baselines while
 *               the program is still loaded
 *   lru         stashed in an LRU hash map of 64 entries: each update
 *               evicts older elements, and the handles' destructor runs
 *               under the LRU's raw spin lock with interrupts off, where it
 *               must defer the destruction to a work item
 *               (coro_destroyed_deferred counts every eviction).  The
 *               elements left are deleted from user space, with interrupts
 *               on: destroyed at once, not deferred
 *   hardirq     hash map slots, deleted one by one by a perf_event program
 *               attached to a cpu-clock event on CPU 0, from its hrtimer in
 *               hard interrupt context: every destruction is deferred
 *
 * Run by test_coro_memcg.sh, in memory cgroups of their own:
 *
 *   memcg       the program is loaded from the cgroup evos_coro_loader and
 *               the traffic comes from evos_coro_sender: the COUNT
 *               coroutines parked are charged to the loader, wherever the
 *               suspension ran (softirq).  The loader's slab_unreclaimable
 *               grows by at least COUNT * (bpf_coro object size +
 *               coro_frame_bytes), the sender's by less than half that;
 *               released, the loader's goes back down
 *   memcg_max   the same, with the loader's memory.max set just above its
 *               usage (room for COUNT / 8 coroutines): the suspensions
 *               beyond it fail, their packets go on in place (XDP_PASS,
 *               received on the UDP socket), the usage stays within
 *               memory.max, and the handles are exact; those parked are
 *               resumed
 *
 * Run by test_fault_inject.sh, with allocation failures injected while
 * the traffic runs (verbose 0: nothing on the console):
 *
 *   failfn      fail_function makes coro_alloc() fail with probability 30%:
 *               the failures injected (the "times" budget consumed) equal
 *               coro_failed, the fallbacks the program counted and the
 *               datagrams received on the UDP socket before any resume;
 *               those parked are resumed
 *   failfn_interval  the same, every third call failing, COUNT / 4 times
 *               at most: exactly COUNT / 4 fail
 *   failslab    failslab scoped to the bpf_coro cache (cache-filter and the
 *               cache's failslab flag), every second allocation failing,
 *               COUNT / 4 times at most: exactly COUNT / 4 fail
 *   cpumap_tail cpumap_entry, a cpumap program (BPF_XDP_CPUMAP), tail-calls
 *               cpu_jmp[0], where xdp_await (BPF_XDP) cannot get: the
 *               kernel refuses it in the array (-EINVAL), and refuses to
 *               load a cpumap program using an array that already holds
 *               it (-EINVAL); no coroutine is made.  No traffic is sent
 *
 * Every mode checks the accounting (created = completed + destroyed), that
 * kernel.bpf_coro_parked returns to its baseline (the coroutines that own a
 * frame) and kernel.bpf_coro_handles to its own (the exact count of
 * coroutine objects, empty handles included), and that slab and available
 * memory come back to what they were before the first packet (available
 * memory counts the pages parked in per-CPU page lists as free), within a
 * margin for allocator caches: 1 MB of available memory (a leak of 250
 * packets shows) and 1.5 MB of slab (the BPF object allocator's caches).
 * Prints TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/perf_event.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "coro_xdp.skel.h"
#include "pkt_payload.h"
#include "testlib.h"
#include "xsk.h"

#define MAX_PARKED "/proc/sys/kernel/bpf_coro_max_parked"
#define MAX_SAMPLE_RATE "/proc/sys/kernel/perf_event_max_sample_rate"
#define CGROUP_ROOT "/sys/fs/cgroup"
#define CG_LOADER CGROUP_ROOT "/evos_coro_loader"
#define CG_SENDER CGROUP_ROOT "/evos_coro_sender"
#define CORO_SLAB "/sys/kernel/slab/bpf_coro"
#define FAIL_FUNCTION "/sys/kernel/debug/fail_function"
#define FAILSLAB "/sys/kernel/debug/failslab"
/* Sampling frequency of the cpu-clock event of the hardirq mode, in Hz. */
#define IRQ_FREQ 10000

static const char *mode, *ns_peer, *ns_evos;
static long count;
/* kernel.bpf_coro_parked and kernel.bpf_coro_handles before the test. */
static long long base_parked, base_handles;

static int send_packets(long n)
{
	return send_from_ns(ns_peer, 0, n, 4);
}

/* Datagrams waiting on @fd; *bad counts payloads that do not verify. */
static long drain(int fd, long *bad, unsigned char *seen)
{
	unsigned char buf[2048];
	struct pkt_payload h;
	long n = 0;
	ssize_t len;

	while ((len = recv(fd, buf, sizeof(buf), 0)) > 0) {
		n++;
		memcpy(&h, buf, sizeof(h));
		if (pkt_payload_check(buf, len) || (long)h.seq >= count ||
		    seen[h.seq]++)
			(*bad)++;
	}
	return n;
}

/* Wait up to 15 s for kernel.bpf_coro_parked to read @want; its last value. */
static long long wait_parked(long long want)
{
	return wait_sysctl(PARKED, want, 15000);
}

/*
 * How far kernel.bpf_coro_parked and kernel.bpf_coro_handles are above
 * their baselines, once they are @want above (15 s at most); -1 when the
 * sysctl is missing.
 */
static long long parked_above(long long want)
{
	return base_parked < 0 ? -1 : wait_parked(base_parked + want) - base_parked;
}

static long long handles_above(long long want)
{
	return base_handles < 0 ? -1 :
	       wait_sysctl(HANDLES, base_handles + want, 15000) - base_handles;
}

/* Wait up to 15 s for counter @name of @prog_fd to reach @want; its value. */
static long long wait_counter(int prog_fd, const char *name, long long want)
{
	long long v = -1;
	int i;

	for (i = 0; i < 750; i++) {
		v = coro_counter(prog_fd, name);
		if (v >= want)
			break;
		usleep(20000);
	}
	return v;
}

enum stash { STASH_ARRAY, STASH_HASH, STASH_INNER, STASH_LIST, STASH_RBTREE,
	     STASH_LRU };
enum verdict { V_PASS, V_DROP, V_TX, V_DEVMAP, V_CPUMAP, V_XSK };
enum how { RESUME, RELEASE, DELETE, MAPFREE, OBJDROP, DETACH, UNLOAD, UNREGISTER,
	   GENERIC, EVICT, HARDIRQ, CPUMAP_TAIL };
/* Memory cgroups, or the allocation failures injected while parking. */
enum fault { F_NONE, F_MEMCG, F_MEMCG_MAX, F_FAILFN, F_FAILFN_INTERVAL, F_FAILSLAB };

struct scenario {
	const char *mode;
	enum stash stash;
	enum verdict verdict;
	enum how how;
	const char *counter;	/* what a completed run counts as */
	int tests;		/* checks the mode makes, all of them run */
	enum fault fault;
};

static const struct scenario scenarios[] = {
	{ "resume",	STASH_ARRAY,	V_PASS,		RESUME,	"completed_pass", 11, F_NONE },
	{ "hash",	STASH_HASH,	V_PASS,		RESUME,	"completed_pass", 11, F_NONE },
	{ "list",	STASH_LIST,	V_PASS,		RESUME,	"completed_pass", 11, F_NONE },
	{ "rbtree",	STASH_RBTREE,	V_PASS,		RESUME,	"completed_pass", 12, F_NONE },
	{ "drop",	STASH_ARRAY,	V_DROP,		RESUME,	"completed_drop", 11, F_NONE },
	{ "tx",		STASH_ARRAY,	V_TX,		RESUME,	"completed_tx", 11, F_NONE },
	{ "devmap",	STASH_ARRAY,	V_DEVMAP,	RESUME,	"completed_redirect", 11, F_NONE },
	{ "cpumap",	STASH_ARRAY,	V_CPUMAP,	RESUME,	"completed_redirect", 11, F_NONE },
	{ "xsk",	STASH_ARRAY,	V_XSK,		RESUME,	"completed_redirect", 11, F_NONE },
	{ "limit",	STASH_ARRAY,	V_PASS,		RESUME,	"completed_pass", 11, F_NONE },
	{ "release",	STASH_ARRAY,	V_PASS,		RELEASE, NULL, 11, F_NONE },
	{ "delete",	STASH_ARRAY,	V_PASS,		DELETE,	NULL, 11, F_NONE },
	{ "mapfree",	STASH_INNER,	V_PASS,		MAPFREE, NULL, 11, F_NONE },
	{ "objdrop",	STASH_LIST,	V_PASS,		OBJDROP, NULL, 11, F_NONE },
	{ "detach",	STASH_ARRAY,	V_PASS,		DETACH,	NULL, 11, F_NONE },
	{ "unload",	STASH_ARRAY,	V_PASS,		UNLOAD,	NULL, 11, F_NONE },
	{ "unregister",	STASH_ARRAY,	V_PASS,		UNREGISTER, NULL, 11, F_NONE },
	{ "generic",	STASH_ARRAY,	V_PASS,		GENERIC, NULL, 10, F_NONE },
	{ "lru",	STASH_LRU,	V_PASS,		EVICT,	NULL, 11, F_NONE },
	{ "hardirq",	STASH_HASH,	V_PASS,		HARDIRQ, NULL, 12, F_NONE },
	{ "memcg",	STASH_ARRAY,	V_PASS,		RELEASE, NULL, 15, F_MEMCG },
	{ "memcg_max",	STASH_ARRAY,	V_PASS,		RESUME,	"completed_pass", 14,
	  F_MEMCG_MAX },
	{ "failfn",	STASH_ARRAY,	V_PASS,		RESUME,	"completed_pass", 13, F_FAILFN },
	{ "failfn_interval", STASH_ARRAY, V_PASS,	RESUME,	"completed_pass", 13,
	  F_FAILFN_INTERVAL },
	{ "failslab",	STASH_ARRAY,	V_PASS,		RESUME,	"completed_pass", 13, F_FAILSLAB },
	{ "cpumap_tail", STASH_ARRAY,	V_PASS,		CPUMAP_TAIL, NULL, 10, F_NONE },
};

static const struct scenario *find_scenario(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(scenarios[i].mode, name))
			return &scenarios[i];
	return NULL;
}

/*
 * generic: every suspension reached xdp_do_generic_redirect(), which must
 * destroy it at once; nothing is published and the packets are dropped.
 */
static void generic_checks(struct coro_xdp *skel, int prog_fd, int sock,
			   unsigned char *seen)
{
	long long created, suspended, destroyed, failed, parked, handles;
	long received, bad = 0;

	destroyed = wait_counter(prog_fd, "destroyed", count);
	created = coro_counter(prog_fd, "created");
	suspended = coro_counter(prog_fd, "suspended");
	failed = coro_counter(prog_fd, "failed");
	tap_ok(created == count && suspended == count && destroyed == count &&
	       failed == 0 && skel->bss->await_failed == 0 &&
	       coro_counter(prog_fd, "resumed") == 0 && coro_completed(prog_fd) == 0,
	       "%s: every datagram suspended and was destroyed on the generic redirect path: created %lld, suspended %lld, destroyed %lld of %ld; %lld failed to suspend",
	       mode, created, suspended, destroyed, count, failed);
	usleep(100000);
	received = drain(sock, &bad, seen);
	/* Each of the following means something only if the packets came. */
	tap_ok(created == count && skel->bss->parked == 0 && received == 0,
	       "%s: of %lld created, no handle reached queue_fn (%llu) and no datagram reached the UDP socket (%ld): the packets are dropped",
	       mode, created, skel->bss->parked, received);
	/* The program is still loaded: its teardown cannot hide a leak. */
	parked = parked_above(0);
	tap_ok(created == count && coro_counter(prog_fd, "parked") == 0 && parked == 0,
	       "%s: of %lld created, with xdp_await loaded, %lld are parked and kernel.bpf_coro_parked is %+lld from its baseline",
	       mode, created, coro_counter(prog_fd, "parked"), parked);
	handles = handles_above(0);
	tap_ok(created == count && handles == 0,
	       "%s: of %lld created, with xdp_await loaded, kernel.bpf_coro_handles is %+lld from its baseline: every coroutine object freed",
	       mode, created, handles);
}

/*
 * lru: the updates of queue_fn evicted all but the last few handles, each
 * destroyed from the work item; the rest are deleted from user space,
 * where the destructor runs with interrupts on and destroys at once.
 */
/*
 * The end of a mode where every coroutine is destroyed, none run: with the
 * program still loaded, created = destroyed (@destroyed, read by the
 * caller), nothing completed or delivered, kernel.bpf_coro_parked back by
 * @parked (its distance from the baseline) and no handle left.
 */
static void check_all_destroyed(int prog_fd, long long destroyed,
				long long parked, long received)
{
	long long created = coro_counter(prog_fd, "created");
	long long handles = handles_above(0);

	tap_ok(created == count && coro_completed(prog_fd) == 0 &&
	       coro_counter(prog_fd, "resumed") == 0 && created == destroyed &&
	       parked == 0 && handles == 0 && received == 0,
	       "%s: created %lld = completed %lld + destroyed %lld, none delivered; kernel.bpf_coro_parked %+lld, kernel.bpf_coro_handles %+lld with the program loaded",
	       mode, created, coro_completed(prog_fd), destroyed, parked, handles);
}

static void lru_checks(struct coro_xdp *skel, int prog_fd, long received)
{
	int map_fd = bpf_map__fd(skel->maps.lslots);
	__u32 max = bpf_map__max_entries(skel->maps.lslots);
	long left = 0, evicted, deleted = 0, i;
	long long deferred, destroyed, parked, handles;
	__u32 *keys, key;
	int err;

	keys = calloc(count, sizeof(*keys));
	if (!keys) {
		perror("coro_xdp: keys");
		exit(2);
	}
	for (err = bpf_map_get_next_key(map_fd, NULL, &key); !err && left < count;
	     err = bpf_map_get_next_key(map_fd, &key, &key))
		keys[left++] = key;
	evicted = count - left;
	deferred = wait_counter(prog_fd, "destroyed_deferred", evicted);
	destroyed = coro_counter(prog_fd, "destroyed");
	tap_ok(left <= max && evicted > 0 && deferred == evicted && destroyed == evicted,
	       "%s: %ld of %ld evicted from the %u-entry LRU hash, %ld left; destroyed %lld, destroyed_deferred %lld: every eviction's destructor ran with interrupts off and was deferred",
	       mode, evicted, count, max, left, destroyed, deferred);
	parked = parked_above(left);
	handles = handles_above(left);
	tap_ok(left > 0 && parked == left && handles == left &&
	       coro_counter(prog_fd, "parked") == left,
	       "%s: the %ld left are parked: kernel.bpf_coro_parked %+lld, kernel.bpf_coro_handles %+lld, coro_parked %lld",
	       mode, left, parked, handles, coro_counter(prog_fd, "parked"));

	for (i = 0; i < left; i++)
		if (!bpf_map_delete_elem(map_fd, &keys[i]))
			deleted++;
	free(keys);
	/* No waiting: these destructors ran in the syscall. */
	destroyed = coro_counter(prog_fd, "destroyed");
	deferred = coro_counter(prog_fd, "destroyed_deferred");
	tap_ok(deleted == left && destroyed == count && deferred == evicted,
	       "%s: %ld of %ld deleted from user space and destroyed at once, not deferred: destroyed %lld of %ld, destroyed_deferred %lld (want %ld)",
	       mode, deleted, left, destroyed, count, deferred, evicted);
	parked = base_parked < 0 ? -1 : sysctl_read(PARKED) - base_parked;
	check_all_destroyed(prog_fd, destroyed, parked, received);
}

/* A cpu-clock event on CPU 0; its fd, or a negative errno. */
static int cpu_clock_open(int freq)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.freq = 1,
		.sample_freq = freq,
		.disabled = 1,
	};
	int fd;

	fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * hardirq: the perf_event program deletes the hash elements from the
 * cpu-clock hrtimer, in hard interrupt context: every destructor defers.
 */
static void hardirq_checks(struct coro_xdp *skel, int prog_fd, int sock,
			   unsigned char *seen, long received)
{
	long long max_rate = sysctl_read(MAX_SAMPLE_RATE);
	int freq = IRQ_FREQ, pfd, err = 0, i;
	long long deferred, destroyed;
	struct bpf_link *link = NULL;
	long bad = 0;

	if (max_rate > 0 && max_rate < freq)
		freq = max_rate;
	skel->bss->irq_end = count;
	pfd = cpu_clock_open(freq);
	if (pfd < 0) {
		err = pfd;
	} else {
		link = bpf_program__attach_perf_event(skel->progs.irq_delete, pfd);
		if (!link)
			err = -errno;
	}
	if (!tap_ok(!err, "%s: perf_event program attached to a %d Hz cpu-clock event on CPU 0",
		    mode, freq))
		printf("#   %s failed: %s (errno %d)\n",
		       pfd < 0 ? "perf_event_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, CPU 0)" :
		       "bpf_program__attach_perf_event", strerror(-err), -err);
	for (i = 0; link && i < 1000 && skel->bss->irq_next < (__u32)count; i++)
		usleep(20000);
	/* The link owns the event's fd. */
	if (link)
		bpf_link__destroy(link);
	else if (pfd >= 0)
		close(pfd);
	tap_ok(skel->bss->irq_deleted == (__u64)count && skel->bss->irq_missing == 0,
	       "%s: the perf_event program deleted %llu of %ld hash elements in %llu runs (%llu missing, %llu retried on a busy bucket)",
	       mode, skel->bss->irq_deleted, count, skel->bss->irq_runs,
	       skel->bss->irq_missing, skel->bss->irq_busy);
	deferred = wait_counter(prog_fd, "destroyed_deferred", count);
	destroyed = coro_counter(prog_fd, "destroyed");
	tap_ok(deferred == count && destroyed == count,
	       "%s: every destructor ran in hard interrupt context and was deferred: destroyed_deferred %lld, destroyed %lld of %ld",
	       mode, deferred, destroyed, count);
	received += drain(sock, &bad, seen);
	check_all_destroyed(prog_fd, destroyed, parked_above(0), received);
}

/* Write @val to file @name of directory @dir; 0 or a negative errno. */
static int write_at(const char *dir, const char *name, const char *val)
{
	ssize_t len = strlen(val);
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != len)
		err = -errno;
	close(fd);
	return err;
}

/* The number file @name of directory @dir starts with, or -1. */
static long long read_at(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return sysctl_read(path);
}

/* Field @key of the flat keyed file @name of @dir (memory.stat); -1 if none. */
static long long keyed_read(const char *dir, const char *name, const char *key)
{
	long long v = -1, val;
	char path[256], k[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", k, &val) == 2)
		if (!strcmp(k, key))
			v = val;
	fclose(f);
	return v;
}

/* The cgroup the driver started in, to go back to. */
static char home_cg[300] = CGROUP_ROOT;

static int cg_enter(const char *cg)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_at(cg, "cgroup.procs", pid);
}

/*
 * Fresh loader and sender cgroups, with the memory controller; the driver
 * moves into the loader's, where it loads the program.
 */
static int memcg_setup(void)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[256];

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(home_cg, sizeof(home_cg), "%s%s", CGROUP_ROOT, line + 3);
	}
	if (f)
		fclose(f);
	rmdir(CG_LOADER);
	rmdir(CG_SENDER);
	if (write_at(CGROUP_ROOT, "cgroup.subtree_control", "+memory") ||
	    mkdir(CG_LOADER, 0755) || mkdir(CG_SENDER, 0755))
		return -1;
	return cg_enter(CG_LOADER);
}

static void memcg_cleanup(void)
{
	cg_enter(home_cg);
	rmdir(CG_LOADER);
	rmdir(CG_SENDER);
}

static long long cg_slab_now(const char *cg)
{
	return keyed_read(cg, "memory.stat", "slab_unreclaimable");
}

/*
 * The slab_unreclaimable of cgroup @cg.  The kernel flushes the cgroups'
 * statistics every 2 s (sooner only after many updates): this reading
 * waits for one full period, so that it is not older than the call.
 */
static long long cg_slab(const char *cg)
{
	usleep(2500000);
	return cg_slab_now(cg);
}

/*
 * How far the slab_unreclaimable of @cg is from @base, once it is at
 * least (@up) or at most @want away; 8 s at most.
 */
static long long wait_cg_slab(const char *cg, long long base, long long want, bool up)
{
	long long d = 0;
	int i;

	for (i = 0; i < 400; i++) {
		d = cg_slab_now(cg) - base;
		if (up ? d >= want : d <= want)
			break;
		usleep(20000);
	}
	return d;
}

static const char *fault_dir(enum fault f)
{
	return f == F_FAILSLAB ? FAILSLAB : FAIL_FUNCTION;
}

/* The "times" budget the injection was given. */
static long long fault_times;

/*
 * Arm the injection: fail_function on coro_alloc(), or failslab scoped to
 * the bpf_coro cache.  Filters and budget first, the probability last.
 */
static int fault_arm(enum fault f)
{
	const char *dir = fault_dir(f);
	char times[32];
	int err;

	fault_times = f == F_FAILFN ? count : count / 4;
	snprintf(times, sizeof(times), "%lld", fault_times);
	err = write_at(dir, "verbose", "0") ?: write_at(dir, "space", "0") ?:
	      write_at(dir, "interval",
		       f == F_FAILFN ? "1" : f == F_FAILFN_INTERVAL ? "3" : "2") ?:
	      write_at(dir, "times", times);
	if (f == F_FAILSLAB)
		err = err ?: write_at(FAILSLAB, "cache-filter", "Y") ?:
		      write_at(CORO_SLAB, "failslab", "1");
	else
		err = err ?: write_at(FAIL_FUNCTION, "inject", "coro_alloc");
	return err ?: write_at(dir, "probability", f == F_FAILFN ? "30" : "100");
}

/* Disarm it; the number of failures it injected (budget used), or -1. */
static long long fault_disarm(enum fault f)
{
	const char *dir = fault_dir(f);
	long long left;

	write_at(dir, "probability", "0");
	left = read_at(dir, "times");
	if (f == F_FAILSLAB) {
		write_at(CORO_SLAB, "failslab", "0");
		write_at(FAILSLAB, "cache-filter", "N");
	} else {
		write_at(FAIL_FUNCTION, "inject", "!coro_alloc");
	}
	write_at(dir, "interval", "1");
	write_at(dir, "times", "1");
	return left < 0 ? -1 : fault_times - left;
}

/*
 * cpumap_tail: cpumap_entry was loaded, and owns cpu_jmp.  A program
 * array holds programs of one type and attach type: xdp_await (BPF_XDP)
 * must be refused in the array of a cpumap program (BPF_XDP_CPUMAP), and a
 * cpumap program must be refused an array that already holds xdp_await.
 */
static void cpumap_tail_checks(struct coro_xdp *skel)
{
	int jmp_fd = bpf_map__fd(skel->maps.cpu_jmp);
	int await_fd = bpf_program__fd(skel->progs.xdp_await);
	int entry_fd = bpf_program__fd(skel->progs.cpumap_entry);
	struct coro_xdp *skel2;
	int err, arr, status;
	__u32 zero = 0;
	pid_t pid;

	err = bpf_map_update_elem(jmp_fd, &zero, &entry_fd, BPF_ANY) ? -errno : 0;
	tap_eq(err, 0, "%s: a cpumap program goes into cpu_jmp, the array cpumap_entry tail-calls through",
	       mode);
	err = bpf_map_update_elem(jmp_fd, &zero, &await_fd, BPF_ANY) ? -errno : 0;
	tap_eq(err, -EINVAL,
	       "%s: xdp_await (attach type BPF_XDP, awaits) is refused in the program array of cpumap_entry (BPF_XDP_CPUMAP): %d",
	       mode, err);

	arr = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "cpu_jmp", sizeof(__u32),
			     sizeof(__u32), 1, NULL);
	err = arr < 0 ? -errno :
	      bpf_map_update_elem(arr, &zero, &await_fd, BPF_ANY) ? -errno : 0;
	tap_eq(err, 0, "%s: xdp_await goes into a fresh program array first", mode);
	/*
	 * In a child: what libbpf allocates for a load (vmlinux BTF, some
	 * MB) goes with it, not into this process's heap and the memory check.
	 */
	fflush(stdout);
	pid = arr < 0 ? -1 : fork();
	if (pid == 0) {
		skel2 = coro_xdp__open();
		if (!skel2)
			_exit(ENOMEM);
		bpf_program__set_autoload(skel2->progs.irq_delete, false);
		err = bpf_map__reuse_fd(skel2->maps.cpu_jmp, arr);
		/* The refusal is what is expected: keep libbpf's report out. */
		libbpf_set_print(NULL);
		err = err ?: coro_xdp__load(skel2);
		_exit(err < 0 && err > -256 ? -err : err ? 255 : 0);
	}
	err = pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ? -ECHILD :
	      -WEXITSTATUS(status);
	tap_eq(err, -EINVAL,
	       "%s: a cpumap program using that array is refused at load: %d", mode, err);
	if (arr >= 0)
		close(arr);
	tap_ok(coro_counter(await_fd, "created") == 0 &&
	       coro_counter(await_fd, "failed") == 0 && handles_above(0) == 0,
	       "%s: no coroutine was made: created %lld, failed %lld, kernel.bpf_coro_handles %+lld",
	       mode, coro_counter(await_fd, "created"), coro_counter(await_fd, "failed"),
	       handles_above(0));
}

/* Bytes a parked coroutine holds at least: its bpf_coro object, its frame. */
static long long coro_obj, coro_frame;

/*
 * memcg: the coroutines parked are charged to the loader's cgroup, by at
 * least their objects and frames, and not to the sender's, whose softirq
 * parked them.  @base and @base_sender: the cgroups' slab_unreclaimable
 * before the traffic.
 */
static void memcg_parked_checks(long long base, long long base_sender)
{
	long long want = count * (coro_obj + coro_frame), grew, sender;

	grew = wait_cg_slab(CG_LOADER, base, want, true);
	tap_ok(coro_obj > 0 && coro_frame > 0 && base >= 0 && grew >= want,
	       "%s: the loader's cgroup: slab_unreclaimable %+lld bytes with %ld parked, at least %ld x (bpf_coro object %lld + frame %lld) = %lld",
	       mode, grew, count, count, coro_obj, coro_frame, want);
	sender = cg_slab(CG_SENDER) - base_sender;
	tap_ok(base_sender >= 0 && sender < want / 2,
	       "%s: the sender's cgroup: slab_unreclaimable %+lld bytes, less than half of that: the coroutines are not charged to the process the softirq ran in",
	       mode, sender);
}

/* memcg_max: the loader's memory.max, at its usage plus @room bytes. */
static long long memcg_limit(long long room, long long *usage)
{
	char max[32];

	*usage = read_at(CG_LOADER, "memory.current");
	snprintf(max, sizeof(max), "%lld", *usage + room);
	if (*usage < 0 || room <= 0 || write_at(CG_LOADER, "memory.max", max))
		return -1;
	return read_at(CG_LOADER, "memory.max");
}

/*
 * memcg_max: the suspensions beyond memory.max (@max, usage @usage0 when
 * it was set) failed and went on in place, @parked did not, and the
 * cgroup stayed within its limit.
 */
static void memcg_max_checks(int prog_fd, long long max, long long usage0, long parked,
			     __u64 fallbacks, long received)
{
	long long failed = coro_counter(prog_fd, "failed");
	long long usage = read_at(CG_LOADER, "memory.current");

	tap_ok(max > 0 && parked > 0 && failed > 0 && failed == count - parked &&
	       coro_counter(prog_fd, "limited") == 0 &&
	       coro_counter(prog_fd, "created") == parked &&
	       fallbacks == (__u64)failed && received == failed,
	       "%s: memory.max %lld (usage %lld when set): %lld of %ld suspensions failed (coro_failed, limited %lld), %ld parked; %llu went on in place, %ld received on the UDP socket",
	       mode, max, usage0, failed, count, coro_counter(prog_fd, "limited"),
	       parked, fallbacks, received);
	tap_ok(max > 0 && usage >= 0 && usage <= max,
	       "%s: the loader's cgroup stayed within memory.max: usage %lld, max %lld (memory.events max %lld)",
	       mode, usage, max, keyed_read(CG_LOADER, "memory.events", "max"));
}

/*
 * failfn, failfn_interval, failslab: every failure injected made one
 * suspension fail, counted, and its packet went on in place.
 */
static void fault_checks(enum fault f, int prog_fd, int arm_err, long long injected,
			 __u64 fallbacks, long received)
{
	static const char * const how[] = {
		[F_FAILFN] = "fail_function on coro_alloc, probability 30%",
		[F_FAILFN_INTERVAL] = "fail_function on coro_alloc, every 3rd call",
		[F_FAILSLAB] = "failslab on the bpf_coro cache, every 2nd allocation",
	};
	long long failed = coro_counter(prog_fd, "failed");

	tap_ok(!arm_err && injected > 0 && injected < count &&
	       (f == F_FAILFN || injected == fault_times) && failed == injected &&
	       coro_counter(prog_fd, "limited") == 0 &&
	       coro_counter(prog_fd, "created") == count - injected &&
	       fallbacks == (__u64)injected && received == injected,
	       "%s: %s: %lld failures injected (budget %lld%s), coro_failed %lld, limited %lld, created %lld; %llu went on in place, %ld received on the UDP socket",
	       mode, how[f], injected, fault_times,
	       f == F_FAILFN ? "" : ", all used", failed,
	       coro_counter(prog_fd, "limited"), coro_counter(prog_fd, "created"),
	       fallbacks, received);
	if (arm_err)
		printf("#   arming the injection failed: %s\n", strerror(-arm_err));
}

int main(int argc, char **argv)
{
	long long slab0, free0, parked, handles;
	long long cg_base = 0, cg_base_sender = 0, memmax = -1, usage0 = -1, injected = -1;
	int cg_err = 0, arm_err = 0, i;
	bool memcg, inject;
	long received = 0, bad = 0, expect_parked, done;
	int ifindex, sock, prog_fd, attach_fd, inner_fd = -1, peer_ifindex = 0, limit = 0;
	__u32 xdp_flags = XDP_FLAGS_DRV_MODE;
	struct xsk xsk = { .fd = -1 };
	const struct scenario *sc;
	struct coro_xdp *skel;
	unsigned char *seen;
	char old_max[32] = "";

	if (argc == 3 && !strcmp(argv[1], "--tests") && (sc = find_scenario(argv[2]))) {
		printf("%d\n", sc->tests);
		return 0;
	}
	if (argc != 5 || !(sc = find_scenario(argv[1]))) {
		fprintf(stderr, "usage: coro_xdp MODE NS_PEER NS_EVOS COUNT, coro_xdp --tests MODE (MODE: see coro_xdp.c)\n");
		return 2;
	}
	mode = argv[1];
	ns_peer = argv[2];
	ns_evos = argv[3];
	count = atol(argv[4]);
	seen = calloc(count, 1);
	if (!seen || enter_ns(ns_evos)) {
		perror("coro_xdp: setup");
		return 2;
	}

	tap_plan(sc->tests);
	base_parked = sysctl_read(PARKED);
	base_handles = sysctl_read(HANDLES);

	if (!strcmp(mode, "limit")) {
		FILE *f = fopen(MAX_PARKED, "r+");

		limit = count / 4;
		if (f) {
			if (!fgets(old_max, sizeof(old_max), f))
				old_max[0] = '\0';
			rewind(f);
			fprintf(f, "%lld\n", base_parked + limit);
			fclose(f);
		}
	}
	expect_parked = limit ? limit : count;
	if (sc->how == GENERIC)
		xdp_flags = XDP_FLAGS_SKB_MODE;
	memcg = sc->fault == F_MEMCG || sc->fault == F_MEMCG_MAX;
	inject = sc->fault == F_FAILFN || sc->fault == F_FAILFN_INTERVAL ||
		 sc->fault == F_FAILSLAB;
	/* The program's memory cgroup is the one it is loaded from. */
	if (memcg)
		cg_err = memcg_setup();

	skel = coro_xdp__open();
	if (skel) {
		skel->rodata->stash = sc->stash;
		skel->rodata->nr_packets = count;
		bpf_program__set_autoload(skel->progs.irq_delete, sc->how == HARDIRQ);
		bpf_program__set_autoload(skel->progs.cpumap_entry, sc->how == CPUMAP_TAIL);
		if (coro_xdp__load(skel)) {
			coro_xdp__destroy(skel);
			skel = NULL;
		}
	}
	if (!tap_ok(skel != NULL && !cg_err, "%s: coro_xdp.bpf.o loads%s", mode,
		    memcg ? " from the loader's memory cgroup" : "")) {
		if (memcg)
			memcg_cleanup();
		return 1;
	}
	/* Everything else, the traffic included, from the sender's. */
	if (memcg)
		cg_err = cg_enter(CG_SENDER);
	skel->bss->verdict = sc->verdict;
	prog_fd = bpf_program__fd(skel->progs.xdp_await);
	attach_fd = prog_fd;
	ifindex = if_nametoindex("b0");
	sock = udp_socket();
	if (sc->stash == STASH_INNER)
		inner_fd = inner_map_create(skel->obj, skel->maps.slots, skel->maps.outer);
	if (sc->verdict == V_TX || sc->verdict == V_DEVMAP) {
		__u32 zero = 0;

		peer_ifindex = xdp_attach_in_ns(ns_peer, "a0",
						bpf_program__fd(skel->progs.xdp_peer), ns_evos);
		if (peer_ifindex < 0 ||
		    bpf_map_update_elem(bpf_map__fd(skel->maps.devs), &zero,
					&ifindex, BPF_ANY))
			peer_ifindex = -1;
	} else if (sc->verdict == V_XSK) {
		__u32 zero = 0;

		if (xsk_open(&xsk, ifindex, 0, 4096, 2048) ||
		    bpf_map_update_elem(bpf_map__fd(skel->maps.xsks), &zero, &xsk.fd,
					BPF_ANY))
			peer_ifindex = -1;
	} else if (sc->verdict == V_CPUMAP) {
		struct bpf_cpumap_val v = { .qsize = 16384 };
		__u32 zero = 0;

		if (bpf_map_update_elem(bpf_map__fd(skel->maps.cpus), &zero, &v, BPF_ANY))
			peer_ifindex = -1;
	}
	if (sc->how == UNLOAD || sc->how == GENERIC) {
		__u32 zero = 0;

		attach_fd = bpf_program__fd(skel->progs.xdp_entry);
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.jmp), &zero, &prog_fd,
					BPF_ANY))
			attach_fd = -1;
	}
	tap_ok(ifindex && sock >= 0 && peer_ifindex >= 0 && attach_fd >= 0 && !cg_err &&
	       (sc->stash != STASH_INNER || inner_fd >= 0) &&
	       !bpf_xdp_attach(ifindex, attach_fd, xdp_flags, NULL),
	       "%s: %s XDP attached to b0, UDP socket bound, maps set up", mode,
	       xdp_flags == XDP_FLAGS_SKB_MODE ? "generic" : "native");

	/* The baseline: everything set up, nothing parked. */
	drop_caches();
	slab0 = meminfo("Slab");
	free0 = available_kb();

	if (sc->how == CPUMAP_TAIL) {
		cpumap_tail_checks(skel);
		goto out;
	}
	if (memcg) {
		coro_obj = read_at(CORO_SLAB, "object_size");
		coro_frame = coro_counter(prog_fd, "frame_bytes");
		cg_base = cg_slab(CG_LOADER);
		cg_base_sender = cg_slab_now(CG_SENDER);
	}
	if (sc->fault == F_MEMCG_MAX)
		memmax = memcg_limit(count / 8 * (coro_obj + coro_frame), &usage0);
	else if (inject)
		arm_err = fault_arm(sc->fault);

	tap_eq(send_packets(count), 0, "%s: sent %ld datagrams from CPU 0", mode, count);
	/* Some suspensions fail: all packets are in once each parked or fell back. */
	if (sc->fault == F_MEMCG_MAX || inject) {
		for (i = 0; i < 400 && skel->bss->parked + skel->bss->await_failed < (__u64)count;
		     i++)
			usleep(20000);
		if (inject)
			injected = fault_disarm(sc->fault);
		expect_parked = skel->bss->parked;
	}
	if (sc->how != GENERIC) {
		wait_for(&skel->bss->parked, expect_parked);
		wait_for(&skel->bss->await_failed, count - expect_parked);
		usleep(100000);
		received = drain(sock, &bad, seen);
		tap_ok(skel->bss->parked == (__u64)expect_parked && skel->bss->overflow == 0 &&
		       skel->bss->stash_failed == 0 && received == count - expect_parked,
		       "%s: %llu parked, %ld delivered before any resume (want %ld, %ld)",
		       mode, skel->bss->parked, received, expect_parked,
		       count - expect_parked);
	}
	/* Evictions destroyed most in the lru mode: lru_checks() counts the rest. */
	if (sc->how != GENERIC && sc->how != EVICT)
		tap_eq(sysctl_read(PARKED) - base_parked, expect_parked,
		       "%s: kernel.bpf_coro_parked counts them", mode);
	if (sc->fault) {
		handles = handles_above(expect_parked);
		tap_ok(handles == expect_parked &&
		       coro_counter(prog_fd, "parked") == expect_parked,
		       "%s: kernel.bpf_coro_handles %+lld, coro_parked %lld: exactly the %ld parked",
		       mode, handles, coro_counter(prog_fd, "parked"), expect_parked);
	}
	if (sc->fault == F_MEMCG)
		memcg_parked_checks(cg_base, cg_base_sender);
	else if (sc->fault == F_MEMCG_MAX)
		memcg_max_checks(prog_fd, memmax, usage0, expect_parked,
				 skel->bss->await_failed, received);
	else if (inject)
		fault_checks(sc->fault, prog_fd, arm_err, injected, skel->bss->await_failed,
			     received);

	switch (sc->how) {
	case RESUME: {
		struct bpf_program *resume = skel->progs.resume_all;

		if (sc->stash == STASH_LIST)
			resume = skel->progs.resume_list;
		else if (sc->stash == STASH_RBTREE)
			resume = skel->progs.resume_rbtree;
		pin_to_cpu(1);
		run_syscall(resume);
		usleep(200000);
		received += drain(sock, &bad, seen);
		if (sc->verdict == V_TX || sc->verdict == V_DEVMAP) {
			wait_for(&skel->bss->reflected, expect_parked);
			done = skel->bss->reflected;
		} else if (sc->verdict == V_XSK) {
			struct xsk_seen xs = { .seen = seen, .count = count };

			for (int i = 0; i < 100 && xs.n < expect_parked; i++) {
				xsk_recv(&xsk, xsk_seen_packet, &xs);
				usleep(20000);
			}
			done = xs.n;
			bad += xs.bad;
		} else if (sc->verdict == V_CPUMAP) {
			for (int i = 0; i < 100 && received < count; i++) {
				usleep(50000);
				received += drain(sock, &bad, seen);
			}
			done = received - (count - expect_parked);
		} else if (sc->verdict == V_DROP) {
			done = expect_parked - received;
		} else {
			done = received - (count - expect_parked);
		}
		tap_ok(skel->bss->resumed == (__u64)expect_parked && done == expect_parked &&
		       bad == 0 && (sc->verdict != V_DROP || received == 0),
		       "%s: resumed %llu on CPU 1; %ld of %ld reached their verdict, %ld delivered to the socket, %ld bad or duplicate",
		       mode, skel->bss->resumed, done, expect_parked, received, bad);
		tap_ok(skel->bss->locals_ok == (__u64)expect_parked && !skel->bss->locals_bad &&
		       skel->bss->cross_cpu == (__u64)expect_parked,
		       "%s: locals intact after await in all %llu; %llu resumed on another CPU",
		       mode, skel->bss->locals_ok, skel->bss->cross_cpu);
		tap_ok(coro_counter(prog_fd, sc->counter) == expect_parked &&
		       coro_counter(prog_fd, "created") == expect_parked &&
		       coro_counter(prog_fd, "resumed") == expect_parked &&
		       coro_counter(prog_fd, "failed") == count - expect_parked &&
		       coro_counter(prog_fd, "limited") == (limit ? count - expect_parked : 0),
		       "%s: counters: created %lld, resumed %lld, %s %lld, failed %lld, limited %lld",
		       mode, coro_counter(prog_fd, "created"),
		       coro_counter(prog_fd, "resumed"), sc->counter,
		       coro_counter(prog_fd, sc->counter),
		       coro_counter(prog_fd, "failed"), coro_counter(prog_fd, "limited"));
		if (sc->stash == STASH_RBTREE)
			tap_ok(skel->bss->rb_descents > 0 && skel->bss->out_of_order == 0 &&
			       skel->bss->rb_wrong == 0,
			       "%s: keys inserted out of order (%llu descents), resumed in key order (%llu out of order), each key resuming its own packet (%llu wrong)",
			       mode, skel->bss->rb_descents, skel->bss->out_of_order,
			       skel->bss->rb_wrong);
		break;
	}
	case RELEASE:
	case DELETE:
	case MAPFREE:
	case OBJDROP:
		if (sc->how == RELEASE) {
			run_syscall(skel->progs.release_all);
		} else if (sc->how == OBJDROP) {
			run_syscall(skel->progs.drop_list);
		} else if (sc->how == MAPFREE) {
			__u32 zero = 0;

			bpf_map_delete_elem(bpf_map__fd(skel->maps.outer), &zero);
			close(inner_fd);
			inner_fd = -1;
			wait_parked(base_parked);
		} else {
			int map_fd = bpf_map__fd(skel->maps.slots);
			__u32 k;

			/* An array "delete" is an update to an empty slot. */
			for (k = 0; k < (__u32)count; k++) {
				struct { __u64 h; } zero = { 0 };

				bpf_map_update_elem(map_fd, &k, &zero, BPF_ANY);
			}
		}
		received += drain(sock, &bad, seen);
		tap_eq(received, 0, "%s: no packet delivered", mode);
		tap_eq(coro_counter(prog_fd, "destroyed"), count,
		       "%s: all %ld counted as destroyed", mode, count);
		tap_ok(coro_counter(prog_fd, "created") == count &&
		       coro_counter(prog_fd, "resumed") == 0,
		       "%s: created %lld = destroyed, none resumed", mode,
		       coro_counter(prog_fd, "created"));
		break;
	case DETACH:
	case UNREGISTER:
		if (sc->how == DETACH)
			tap_eq(bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL), 0,
			       "%s: XDP detached from b0 with coroutines parked", mode);
		else
			tap_eq(system("ip link del b0"), 0,
			       "%s: veth deleted with coroutines parked", mode);
		tap_eq(coro_counter(prog_fd, "destroyed"), count,
		       "%s: all %ld destroyed", mode, count);
		run_syscall(skel->progs.resume_all);
		tap_ok(skel->bss->resumed == (__u64)count &&
		       skel->bss->resumed_empty == (__u64)count && !skel->bss->locals_ok,
		       "%s: resuming the emptied handles runs nothing (%llu resumed, %llu empty, %llu ran)",
		       mode, skel->bss->resumed, skel->bss->resumed_empty,
		       skel->bss->locals_ok + skel->bss->locals_bad);
		break;
	case UNLOAD: {
		__u32 zero = 0;

		bpf_map_delete_elem(bpf_map__fd(skel->maps.jmp), &zero);
		coro_xdp__destroy(skel);
		skel = NULL;
		tap_eq(wait_parked(base_parked), base_parked,
		       "%s: freeing the program destroys all %ld parked", mode, count);
		tap_eq(drain(sock, &bad, seen), 0, "%s: none of them is delivered", mode);
		send_packets(10);
		usleep(100000);
		tap_eq(drain(sock, &bad, seen), 10,
		       "%s: b0 passes traffic normally afterwards", mode);
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		break;
	}
	case GENERIC:
		generic_checks(skel, prog_fd, sock, seen);
		break;
	case EVICT:
		lru_checks(skel, prog_fd, received);
		break;
	case HARDIRQ:
		hardirq_checks(skel, prog_fd, sock, seen, received);
		break;
	case CPUMAP_TAIL:
		break;
	}
	if (sc->fault == F_MEMCG) {
		long long want = count * (coro_obj + coro_frame);
		long long left = wait_cg_slab(CG_LOADER, cg_base, want / 8, false);

		tap_ok(want > 0 && left <= want / 8,
		       "%s: released, the loader's cgroup slab_unreclaimable is back within %lld bytes of its baseline: %+lld",
		       mode, want / 8, left);
	}

out:
	if (peer_ifindex > 0)
		xdp_detach_in_ns(ns_peer, peer_ifindex, ns_evos);
	if (skel) {
		bpf_xdp_detach(ifindex, xdp_flags, NULL);
		coro_xdp__destroy(skel);
	}
	if (inner_fd >= 0)
		close(inner_fd);
	if (xsk.fd >= 0)
		xsk_close(&xsk);
	if (old_max[0]) {
		FILE *f = fopen(MAX_PARKED, "w");

		if (f) {
			fputs(old_max, f);
			fclose(f);
		}
	}
	close(sock);
	if (memcg)
		memcg_cleanup();
	parked = parked_above(0);
	tap_ok(parked == 0, "%s: kernel.bpf_coro_parked back to its baseline (%+lld)",
	       mode, parked);
	handles = handles_above(0);
	tap_ok(handles == 0,
	       "%s: kernel.bpf_coro_handles back to its baseline (%+lld): every coroutine object freed",
	       mode, handles);
	tap_memory_back(mode, slab0, free0);
	if (tap_n != sc->tests) {
		printf("# %s: %d checks made, %d planned\n", mode, tap_n, sc->tests);
		return 1;
	}
	return tap_exit();
}
