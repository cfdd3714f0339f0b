/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the EvOS C selftests: TAP output, CPU pinning, the
 * coroutine counters of a program (from its fdinfo), memory figures, and
 * the two network namespaces of the veth tests.
 */
#ifndef __EVOS_TESTLIB_H
#define __EVOS_TESTLIB_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

extern int tap_n, tap_failed;

void tap_plan(int n);
bool tap_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define tap_eq(got, want, desc, ...)					\
	({								\
		long long __g = (long long)(got), __w = (long long)(want); \
		if (!tap_ok(__g == __w, desc, ##__VA_ARGS__))		\
			printf("#   got %lld, want %lld\n", __g, __w);	\
		__g == __w;						\
	})
int tap_exit(void);

int pin_to_cpu(int cpu);
/* Coroutine counter NAME ("created", "resumed", ...) of the program, or -1. */
long long coro_counter(int prog_fd, const char *name);
long long sysctl_read(const char *path);

struct bpf_program;
/* Run a SYSCALL program once; its return value, or a negative errno. */
int run_syscall(struct bpf_program *prog);
/* Wait up to 6 s for *v to reach @want. */
void wait_for(volatile __u64 *v, __u64 want);

/* Memory, in kB; available_kb() counts per-CPU page lists as free. */
long long meminfo(const char *key);
long long available_kb(void);
void drop_caches(void);

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

/* Median of @n values; sorts them. */
double median(double *v, int n);

#endif /* __EVOS_TESTLIB_H */
