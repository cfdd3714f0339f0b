// SPDX-License-Identifier: GPL-2.0
/*
 * coro_xdp - XDP coroutine scenarios, driven by test_coro_xdp.sh.
 *
 *   coro_xdp MODE NS_PEER NS_EVOS COUNT
 *
 * The XDP program of progs/coro_xdp.bpf.c runs on b0 in NS_EVOS; pktgen
 * sends COUNT numbered UDP datagrams from NS_PEER on CPU 0; each one
 * suspends and parks in a map slot.  Then, by MODE:
 *
 *   resume      resume all on CPU 1; every packet reaches the UDP socket
 *               intact, once, after its coroutine ran on the other CPU
 *   release     bpf_coro_release() all; none is delivered
 *   delete      delete the map entries from user space (kptr dtor)
 *   unload      detach XDP, then close programs and maps with coroutines
 *               parked
 *   unregister  delete the veth device with coroutines parked
 *   limit       kernel.bpf_coro_max_parked below COUNT: the rest fail to
 *               suspend, fall back to inline processing and are counted
 *
 * Every mode checks the accounting (created = completed + destroyed), that
 * kernel.bpf_coro_parked returns to its baseline, and that slab and free
 * memory come back.  Prints TAP.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "coro_xdp.skel.h"
#include "pkt_payload.h"
#include "testlib.h"

#define PARKED "/proc/sys/kernel/bpf_coro_parked"
#define MAX_PARKED "/proc/sys/kernel/bpf_coro_max_parked"

static const char *mode, *ns_peer, *ns_evos;
static long count;

static int enter_ns(const char *ns)
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

static int send_packets(long n)
{
	char cnt[32];
	pid_t pid;
	int status;

	snprintf(cnt, sizeof(cnt), "%ld", n);
	pid = fork();
	if (pid == 0) {
		if (enter_ns(ns_peer) || pin_to_cpu(0))
			_exit(127);
		execlp("pktgen", "pktgen", "--dst", "10.9.0.2", "--port", "9000",
		       "--count", cnt, "--flows", "4", "--size", "64", NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int udp_socket(void)
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

static void wait_for(volatile __u64 *v, __u64 want)
{
	int i;

	for (i = 0; i < 300 && *v < want; i++)
		usleep(20000);
}

static long long wait_parked(long long want)
{
	long long v = -1;
	int i;

	for (i = 0; i < 300; i++) {
		v = sysctl_read(PARKED);
		if (v == want)
			break;
		usleep(20000);
	}
	return v;
}

static long long meminfo(const char *key)
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

static int run_syscall(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	return bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) ?: (int)opts.retval;
}

static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			perror("coro_xdp: drop_caches");
		close(fd);
	}
}

int main(int argc, char **argv)
{
	long long base_parked, slab0, free0, slab1, free1;
	long received = 0, bad = 0, expect_parked;
	struct coro_xdp *skel;
	unsigned char *seen;
	int ifindex, sock, prog_fd, limit = 0;
	char old_max[32] = "";

	if (argc != 5) {
		fprintf(stderr, "usage: coro_xdp MODE NS_PEER NS_EVOS COUNT\n");
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

	tap_plan(10);
	base_parked = sysctl_read(PARKED);
	drop_caches();
	slab0 = meminfo("Slab");
	free0 = meminfo("MemAvailable");

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

	skel = coro_xdp__open_and_load();
	if (!tap_ok(skel != NULL, "%s: coro_xdp.bpf.o loads", mode))
		return 1;
	prog_fd = bpf_program__fd(skel->progs.xdp_await);
	ifindex = if_nametoindex("b0");
	sock = udp_socket();
	tap_ok(ifindex && sock >= 0 &&
	       !bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL),
	       "%s: native XDP attached to b0, UDP socket bound", mode);

	tap_eq(send_packets(count), 0, "%s: sent %ld datagrams from CPU 0", mode, count);
	if (!strcmp(mode, "unload"))
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	wait_for(&skel->bss->parked, expect_parked);
	wait_for(&skel->bss->await_failed, count - expect_parked);
	usleep(100000);
	received = drain(sock, &bad, seen);
	tap_ok(skel->bss->parked == (__u64)expect_parked && skel->bss->overflow == 0 &&
	       received == count - expect_parked,
	       "%s: %llu parked, %ld delivered before any resume (want %ld, %ld)",
	       mode, skel->bss->parked, received, expect_parked, count - expect_parked);
	tap_eq(sysctl_read(PARKED) - base_parked, expect_parked,
	       "%s: kernel.bpf_coro_parked counts them", mode);

	if (!strcmp(mode, "resume") || !strcmp(mode, "limit")) {
		pin_to_cpu(1);
		run_syscall(skel->progs.resume_all);
		usleep(100000);
		received += drain(sock, &bad, seen);
		tap_ok(skel->bss->resumed_pass == (__u64)expect_parked &&
		       received == count && bad == 0,
		       "%s: resumed %llu on CPU 1; %ld of %ld delivered, %ld bad or duplicate",
		       mode, skel->bss->resumed_pass, received, count, bad);
		tap_ok(skel->bss->locals_ok == (__u64)expect_parked && !skel->bss->locals_bad &&
		       skel->bss->cross_cpu == (__u64)expect_parked,
		       "%s: locals intact after await in all %llu; %llu resumed on another CPU",
		       mode, skel->bss->locals_ok, skel->bss->cross_cpu);
		tap_ok(coro_counter(prog_fd, "completed_pass") == expect_parked &&
		       coro_counter(prog_fd, "created") == expect_parked &&
		       coro_counter(prog_fd, "failed") == count - expect_parked &&
		       coro_counter(prog_fd, "limited") == count - expect_parked,
		       "%s: counters: created %lld, completed_pass %lld, failed %lld, limited %lld",
		       mode, coro_counter(prog_fd, "created"),
		       coro_counter(prog_fd, "completed_pass"),
		       coro_counter(prog_fd, "failed"), coro_counter(prog_fd, "limited"));
	} else if (!strcmp(mode, "release") || !strcmp(mode, "delete")) {
		if (!strcmp(mode, "release")) {
			run_syscall(skel->progs.release_all);
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
		tap_eq(coro_counter(prog_fd, "created"),
		       coro_counter(prog_fd, "destroyed") + coro_counter(prog_fd, "completed_pass"),
		       "%s: created = destroyed + completed", mode);
	} else if (!strcmp(mode, "unregister")) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "ip link del b0");
		tap_eq(system(cmd), 0, "%s: veth deleted with coroutines parked", mode);
		tap_eq(coro_counter(prog_fd, "destroyed"), count,
		       "%s: unregister destroyed all %ld", mode, count);
		run_syscall(skel->progs.resume_all);
		tap_ok(skel->bss->resumed == (__u64)count && !skel->bss->resumed_pass,
		       "%s: resuming the emptied handles runs nothing (%llu resumed, %llu ran)",
		       mode, skel->bss->resumed, skel->bss->resumed_pass);
	} else if (!strcmp(mode, "unload")) {
		coro_xdp__destroy(skel);
		skel = NULL;
		tap_eq(wait_parked(base_parked), base_parked,
		       "%s: detaching and closing the program destroys all %ld parked",
		       mode, count);
		tap_eq(drain(sock, &bad, seen), 0, "%s: none of them is delivered", mode);
		send_packets(10);
		usleep(100000);
		tap_eq(drain(sock, &bad, seen), 10,
		       "%s: b0 passes traffic normally afterwards", mode);
	} else {
		fprintf(stderr, "coro_xdp: unknown mode '%s'\n", mode);
		return 2;
	}

	if (skel) {
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		coro_xdp__destroy(skel);
	}
	if (old_max[0]) {
		FILE *f = fopen(MAX_PARKED, "w");

		if (f) {
			fputs(old_max, f);
			fclose(f);
		}
	}
	close(sock);
	tap_eq(wait_parked(base_parked), base_parked,
	       "%s: kernel.bpf_coro_parked back to its baseline", mode);
	usleep(500000);
	drop_caches();
	slab1 = meminfo("Slab");
	free1 = meminfo("MemAvailable");
	tap_ok(slab1 - slab0 < 2048 && free0 - free1 < 8192,
	       "%s: memory back to baseline (slab %+lld kB, available %+lld kB)",
	       mode, slab1 - slab0, free1 - free0);
	return tap_exit();
}
