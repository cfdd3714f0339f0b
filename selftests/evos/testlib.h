/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the EvOS C selftests: TAP output, CPU pinning, the
 * coroutine counters of a program (from its fdinfo), memory figures, the
 * two network namespaces of the veth tests, and (testlib_workers.c) the
 * EvOS worker pool.
 */
#ifndef __EVOS_TESTLIB_H
#define __EVOS_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "worker_iter.h"

extern int tap_n, tap_failed;

void tap_plan(int n);
bool tap_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A result that was not checked, with the reason; counted as a skip. */
void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The running kernel has KASAN, whose quarantine keeps freed memory. */
bool kernel_has_kasan(void);
#define tap_eq(got, want, desc, ...)					\
	({								\
		long long __g = (long long)(got), __w = (long long)(want); \
		if (!tap_ok(__g == __w, desc, ##__VA_ARGS__))		\
			printf("#   got %lld, want %lld\n", __g, __w);	\
		__g == __w;						\
	})
int tap_exit(void);
/* The last @max bytes of a verifier log, line by line, as TAP diagnostics. */
void tap_log_tail(const char *log, size_t max);

int pin_to_cpu(int cpu);
/* Coroutine counter NAME ("created", "resumed", ...) of the program, or -1. */
long long coro_counter(int prog_fd, const char *name);
/* Completed runs of the program, whatever their verdict. */
long long coro_completed(int prog_fd);
long long sysctl_read(const char *path);
/* Wait up to @ms for the sysctl at @path to read @want; its last value. */
long long wait_sysctl(const char *path, long long want, int ms);

/* The kernel's count of parked coroutines, and of live handles. */
#define PARKED	"/proc/sys/kernel/bpf_coro_parked"
#define HANDLES	"/proc/sys/kernel/bpf_coro_handles"
/*
 * One result, "@what: kernel.bpf_coro_parked and bpf_coro_handles back at
 * their baselines", each waited for up to @ms.
 */
bool tap_coro_baselines(const char *what, long long parked0, long long handles0, int ms);

struct bpf_program;
struct bpf_object;
struct bpf_map;
/* Run a SYSCALL program once; its return value, or a negative errno. */
int run_syscall(struct bpf_program *prog);
/*
 * An inner map for the map-in-map @outer of @obj, made like its map @tmpl
 * (BTF included, so that it may hold kptrs) and put at index 0.  Returns
 * its fd, or a negative value.
 */
int inner_map_create(struct bpf_object *obj, const struct bpf_map *tmpl,
		     const struct bpf_map *outer);
/* Wait up to 6 s for *v to reach @want. */
void wait_for(volatile __u64 *v, __u64 want);

/* Memory, in kB; available_kb() counts per-CPU page lists as free. */
long long meminfo(const char *key);
long long available_kb(void);
void drop_caches(void);
/*
 * One result: slab and available memory came back near @slab0 and @free0
 * (taken before the scenario); a skip on a KASAN kernel.
 */
void tap_memory_back(const char *what, long long slab0, long long free0);

/* Network namespaces made by lib.sh's veth_pair (/run/netns/NAME). */
int enter_ns(const char *ns);
/*
 * pktgen from namespace @ns, pinned to @cpu: @n datagrams in @flows flows
 * to 10.9.0.2:9000.  Returns pktgen's exit status.
 */
int send_from_ns(const char *ns, int cpu, long n, int flows);

/*
 * Native XDP on device @dev of namespace @ns, then back to namespace
 * @back.  Returns the device's ifindex, or -1.
 */
int xdp_attach_in_ns(const char *ns, const char *dev, int prog_fd, const char *back);
void xdp_detach_in_ns(const char *ns, int ifindex, const char *back);
/*
 * @prog_fd as generic XDP on this namespace's lo, which has no traffic:
 * the XDP dispatcher keeps the program, and is not rewritten while
 * another CPU calls through it when the program is attached elsewhere or
 * test-run.  @prog_fd -1 detaches it.
 */
int xdp_keep_dispatched(int prog_fd);

/*
 * A non-blocking UDP socket bound to 10.9.0.2:9000 in this thread's
 * namespace, with a 64 MB receive buffer.
 */
int udp_socket(void);

/*
 * Datagrams of the selftests' traffic received on an AF_XDP socket:
 * xsk_seen_packet() is an xsk_recv() callback that counts them in @n, and
 * in @bad those damaged or seen before (pkt_frame_check(); @seen has one
 * byte per sequence number below @count).
 */
struct xsk_seen {
	unsigned char *seen;
	unsigned long count;
	long n, bad;
};

int xsk_seen_packet(void *pkt, __u32 len, void *arg);

/*
 * A datagram of the selftests' traffic as a frame from a0 (10.9.0.1:20000)
 * to b0 (10.9.0.2:9000), flow 0, with @payload bytes; its length.
 */
size_t udp_frame(unsigned char *buf, size_t payload);

/* Median of @n values; sorts them. */
double median(double *v, int n);

/*
 * The EvOS worker pool (testlib_workers.c, with evosctl's worker_iter.c):
 * the registered pool as the evos_worker iterator shows it, and its
 * threads.
 */
#define POOL_MAX_WORKERS	64

struct pool {
	char name[EVOS_POOL_NAME_LEN + 1];	/* "-" when there is no pool */
	unsigned int nr, batch;
	unsigned long long dropped;		/* global, since boot */
	long depth;				/* queued on all its workers */
	struct evos_worker_record w[POOL_MAX_WORKERS];
};

/*
 * Read the pool into @p: 0, or -1 when the iterator fails or gives other
 * than one record per worker.
 */
int pool_read(struct pool *p);
/* Threads named evos_worker/N in the system. */
int worker_threads(void);
/* Wait up to @ms for @n worker threads; how many there are. */
int wait_worker_threads(int n, int ms);

#endif /* __EVOS_TESTLIB_H */
