// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "testlib.h"
#include "pkt_payload.h"
#include "xsk.h"

int tap_n, tap_failed;

void tap_plan(int n)
{
	printf("1..%d\n", n);
	fflush(stdout);
}

bool tap_ok(bool ok, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("ok %d - ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

bool kernel_has_kasan(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, " kasan_report\n") != NULL;
	if (f)
		fclose(f);
	return found;
}

int tap_exit(void)
{
	return tap_failed ? 1 : 0;
}

void tap_log_tail(const char *log, size_t max)
{
	size_t len = strlen(log);
	const char *s = log + (len > max ? len - max : 0), *nl;

	printf("#   verifier log (end):\n");
	while (*s) {
		nl = strchr(s, '\n');
		printf("#     %.*s\n", nl ? (int)(nl - s) : (int)strlen(s), s);
		if (!nl)
			break;
		s = nl + 1;
	}
}

int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

long long coro_counter(int prog_fd, const char *name)
{
	char path[64], line[256], key[128];
	long long v = -1, val;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", prog_fd);
	snprintf(key, sizeof(key), "coro_%s:", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char k[128];

		if (sscanf(line, "%127s %lld", k, &val) == 2 && !strcmp(k, key))
			v = val;
	}
	fclose(f);
	return v;
}

long long coro_completed(int prog_fd)
{
	static const char * const names[] = {
		"completed_aborted", "completed_drop", "completed_pass",
		"completed_tx", "completed_redirect", "completed",
	};
	long long sum = 0;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		sum += coro_counter(prog_fd, names[i]);
	return sum;
}

long long sysctl_read(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

long long wait_sysctl(const char *path, long long want, int ms)
{
	long long v = sysctl_read(path);

	for (; v != want && ms > 0; ms -= 10) {
		usleep(10000);
		v = sysctl_read(path);
	}
	return v;
}

bool tap_coro_baselines(const char *what, long long parked0, long long handles0, int ms)
{
	long long parked = wait_sysctl(PARKED, parked0, ms);
	long long handles = wait_sysctl(HANDLES, handles0, ms);

	return tap_ok(parked == parked0 && handles == handles0,
		      "%s: kernel.bpf_coro_parked %+lld and bpf_coro_handles %+lld from their baselines",
		      what, parked - parked0, handles - handles0);
}

int enter_ns(const char *ns)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	err = setns(fd, CLONE_NEWNET);
	close(fd);
	return err;
}

void wait_for(volatile __u64 *v, __u64 want)
{
	int i;

	for (i = 0; i < 300 && *v < want; i++)
		usleep(20000);
}

long long meminfo(const char *key)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");
	size_t klen = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = atoll(line + klen + 1);
	fclose(f);
	return v;
}

/* Free pages held in the per-CPU page lists, in kB (not in MemAvailable). */
static long long pcp_kb(void)
{
	long long pages = 0, n;
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &n) == 1)
			pages += n;
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

long long available_kb(void)
{
	return meminfo("MemAvailable") + pcp_kb();
}

int run_syscall(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) ?: (int)opts.retval;
}

int inner_map_create(struct bpf_object *obj, const struct bpf_map *tmpl,
		     const struct bpf_map *outer)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .btf_fd = bpf_object__btf_fd(obj),
		    .btf_key_type_id = bpf_map__btf_key_type_id(tmpl),
		    .btf_value_type_id = bpf_map__btf_value_type_id(tmpl));
	__u32 zero = 0;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "inner_slots", sizeof(__u32),
			    bpf_map__value_size(tmpl), bpf_map__max_entries(tmpl), &opts);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(bpf_map__fd(outer), &zero, &fd, BPF_ANY)) {
		close(fd);
		return -1;
	}
	return fd;
}

void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			perror("coro_xdp: drop_caches");
		close(fd);
	}
}

void tap_memory_back(const char *what, long long slab0, long long free0)
{
	const long long free_margin = 1024, slab_margin = 1536;	/* kB */
	long long slab1 = 0, free1 = 0;
	bool ok = false;
	int i;

	if (kernel_has_kasan()) {
		tap_skip("KASAN's quarantine keeps freed memory; exact counts and kmemleak check leaks on this kernel",
			 "%s: memory back to baseline", what);
		return;
	}
	/*
	 * Pages of a destroyed page_pool that were in flight (parked packets)
	 * are freed by the pool's deferred release work, which runs once a
	 * second, and freed maps go through RCU and a workqueue: give them a
	 * few rounds.
	 */
	for (i = 0; i < 40 && !ok; i++) {
		usleep(250000);
		drop_caches();
		slab1 = meminfo("Slab");
		free1 = available_kb();
		ok = slab1 - slab0 < slab_margin && free0 - free1 < free_margin;
	}
	tap_ok(ok, "%s: memory back to baseline (slab %+lld kB, available %+lld kB)",
	       what, slab1 - slab0, free1 - free0);
}

int send_from_ns(const char *ns, int cpu, long n, int flows)
{
	char cnt[32], nflows[16];
	pid_t pid;
	int status;

	snprintf(cnt, sizeof(cnt), "%ld", n);
	snprintf(nflows, sizeof(nflows), "%d", flows);
	pid = fork();
	if (pid == 0) {
		if (enter_ns(ns) || pin_to_cpu(cpu))
			_exit(127);
		execlp("pktgen", "pktgen", "--dst", "10.9.0.2", "--port", "9000",
		       "--count", cnt, "--flows", nflows, "--size", "64", NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int xdp_attach_in_ns(const char *ns, const char *dev, int prog_fd, const char *back)
{
	int ifindex, err;

	if (enter_ns(ns))
		return -1;
	ifindex = if_nametoindex(dev);
	err = !ifindex || bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (enter_ns(back) || err)
		return -1;
	return ifindex;
}

void xdp_detach_in_ns(const char *ns, int ifindex, const char *back)
{
	if (!enter_ns(ns)) {
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		enter_ns(back);
	}
}

int xdp_keep_dispatched(int prog_fd)
{
	int lo = if_nametoindex("lo");

	if (!lo)
		return -1;
	return prog_fd >= 0 ? bpf_xdp_attach(lo, prog_fd, XDP_FLAGS_SKB_MODE, NULL) :
			      bpf_xdp_detach(lo, XDP_FLAGS_SKB_MODE, NULL);
}

int udp_socket(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9000) };
	int fd, sz = 64 << 20;

	inet_pton(AF_INET, "10.9.0.2", &a.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	if (bind(fd, (void *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

int xsk_seen_packet(void *pkt, __u32 len, void *arg)
{
	struct xsk_seen *xs = arg;

	xs->n++;
	if (pkt_frame_check(pkt, len, xs->seen, xs->count))
		xs->bad++;
	return XSK_DONE;
}

static __u16 ip_csum(const void *p, size_t len)
{
	const __u16 *w = p;
	__u32 sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

size_t udp_frame(unsigned char *buf, size_t payload)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	static const unsigned char a0[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const unsigned char b0[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };

	memcpy(eth->h_dest, b0, ETH_ALEN);
	memcpy(eth->h_source, a0, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + payload);
	ip->saddr = htonl(0x0a090001);
	ip->daddr = htonl(0x0a090002);
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(20000);
	udp->dest = htons(9000);
	udp->len = htons(sizeof(*udp) + payload);
	udp->check = 0;
	pkt_payload_fill((void *)(udp + 1), payload, 0, 0);
	return sizeof(*eth) + sizeof(*ip) + sizeof(*udp) + payload;
}
