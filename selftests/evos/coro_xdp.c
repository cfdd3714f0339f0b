// SPDX-License-Identifier: GPL-2.0
/*
 * coro_xdp - XDP coroutine scenarios, driven by test_coro_xdp.sh.
 *
 *   coro_xdp MODE NS_PEER NS_EVOS COUNT
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
 *   rbtree      the same, from an rbtree, in key order
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
 *
 * Every mode checks the accounting (created = completed + destroyed), that
 * kernel.bpf_coro_parked returns to its baseline (the exact count of live
 * coroutines), and that slab and available memory come back to what they
 * were before the first packet (available memory counts the pages parked
 * in per-CPU page lists as free), within a margin for allocator caches:
 * 1 MB of available memory (a leak of 250 packets shows) and 1.5 MB of
 * slab (the BPF object allocator's caches).  Prints TAP.
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
#include "xsk.h"

#define PARKED "/proc/sys/kernel/bpf_coro_parked"
#define MAX_PARKED "/proc/sys/kernel/bpf_coro_max_parked"

static const char *mode, *ns_peer, *ns_evos;
static long count;

struct xsk_seen {
	unsigned char *seen;
	long n, bad;
};

/* A datagram from the AF_XDP socket. */
static int xsk_packet(void *pkt, __u32 len, void *arg)
{
	struct xsk_seen *xs = arg;

	xs->n++;
	if (pkt_frame_check(pkt, len, xs->seen, count))
		xs->bad++;
	return XSK_DONE;
}

static int send_packets(long n)
{
	return send_from_ns(ns_peer, 0, n, 4);
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

static long long wait_parked(long long want)
{
	long long v = -1;
	int i;

	for (i = 0; i < 750; i++) {
		v = sysctl_read(PARKED);
		if (v == want)
			break;
		usleep(20000);
	}
	return v;
}

enum stash { STASH_ARRAY, STASH_HASH, STASH_INNER, STASH_LIST, STASH_RBTREE };
enum verdict { V_PASS, V_DROP, V_TX, V_DEVMAP, V_CPUMAP, V_XSK };
enum how { RESUME, RELEASE, DELETE, MAPFREE, OBJDROP, DETACH, UNLOAD, UNREGISTER };

struct scenario {
	const char *mode;
	enum stash stash;
	enum verdict verdict;
	enum how how;
	const char *counter;	/* what a completed run counts as */
	int tests;
};

static const struct scenario scenarios[] = {
	{ "resume",	STASH_ARRAY,	V_PASS,		RESUME,	"completed_pass", 10 },
	{ "hash",	STASH_HASH,	V_PASS,		RESUME,	"completed_pass", 10 },
	{ "list",	STASH_LIST,	V_PASS,		RESUME,	"completed_pass", 10 },
	{ "rbtree",	STASH_RBTREE,	V_PASS,		RESUME,	"completed_pass", 11 },
	{ "drop",	STASH_ARRAY,	V_DROP,		RESUME,	"completed_drop", 10 },
	{ "tx",		STASH_ARRAY,	V_TX,		RESUME,	"completed_tx", 10 },
	{ "devmap",	STASH_ARRAY,	V_DEVMAP,	RESUME,	"completed_redirect", 10 },
	{ "cpumap",	STASH_ARRAY,	V_CPUMAP,	RESUME,	"completed_redirect", 10 },
	{ "xsk",	STASH_ARRAY,	V_XSK,		RESUME,	"completed_redirect", 10 },
	{ "limit",	STASH_ARRAY,	V_PASS,		RESUME,	"completed_pass", 10 },
	{ "release",	STASH_ARRAY,	V_PASS,		RELEASE, NULL, 10 },
	{ "delete",	STASH_ARRAY,	V_PASS,		DELETE,	NULL, 10 },
	{ "mapfree",	STASH_INNER,	V_PASS,		MAPFREE, NULL, 10 },
	{ "objdrop",	STASH_LIST,	V_PASS,		OBJDROP, NULL, 10 },
	{ "detach",	STASH_ARRAY,	V_PASS,		DETACH,	NULL, 10 },
	{ "unload",	STASH_ARRAY,	V_PASS,		UNLOAD,	NULL, 10 },
	{ "unregister",	STASH_ARRAY,	V_PASS,		UNREGISTER, NULL, 10 },
};

static const struct scenario *find_scenario(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(scenarios[i].mode, name))
			return &scenarios[i];
	return NULL;
}

/* An inner map for the map-in-map, made like the object's template. */
static int inner_map_create(struct coro_xdp *skel)
{
	/* The inner maps are arrays of struct slot, like "slots". */
	struct bpf_map *tmpl = skel->maps.slots;
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .btf_fd = bpf_object__btf_fd(skel->obj),
		    .btf_key_type_id = bpf_map__btf_key_type_id(tmpl),
		    .btf_value_type_id = bpf_map__btf_value_type_id(tmpl));
	__u32 zero = 0;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "inner_slots", sizeof(__u32),
			    bpf_map__value_size(tmpl), bpf_map__max_entries(tmpl),
			    &opts);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.outer), &zero, &fd, BPF_ANY)) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool mem_back(long long slab0, long long free0, long long *slab1,
		     long long *free1)
{
	const long long free_margin = 1024, slab_margin = 1536;	/* kB */
	int i;

	/*
	 * Pages of a destroyed page_pool that were in flight (parked packets)
	 * are freed by the pool's deferred release work, which runs once a
	 * second, and freed maps go through RCU and a workqueue: give them a
	 * few rounds.
	 */
	for (i = 0; i < 40; i++) {
		usleep(250000);
		drop_caches();
		*slab1 = meminfo("Slab");
		*free1 = available_kb();
		if (*slab1 - slab0 < slab_margin && free0 - *free1 < free_margin)
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	long long base_parked, slab0, free0, slab1 = 0, free1 = 0;
	bool mem_ok;
	long received = 0, bad = 0, expect_parked, done;
	int ifindex, sock, prog_fd, attach_fd, inner_fd = -1, peer_ifindex = 0, limit = 0;
	struct xsk xsk = { .fd = -1 };
	const struct scenario *sc;
	struct coro_xdp *skel;
	unsigned char *seen;
	char old_max[32] = "";

	if (argc != 5 || !(sc = find_scenario(argv[1]))) {
		fprintf(stderr, "usage: coro_xdp MODE NS_PEER NS_EVOS COUNT (MODE: see coro_xdp.c)\n");
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

	skel = coro_xdp__open();
	if (skel) {
		skel->rodata->stash = sc->stash;
		if (coro_xdp__load(skel)) {
			coro_xdp__destroy(skel);
			skel = NULL;
		}
	}
	if (!tap_ok(skel != NULL, "%s: coro_xdp.bpf.o loads", mode))
		return 1;
	skel->bss->verdict = sc->verdict;
	prog_fd = bpf_program__fd(skel->progs.xdp_await);
	attach_fd = prog_fd;
	ifindex = if_nametoindex("b0");
	sock = udp_socket();
	if (sc->stash == STASH_INNER)
		inner_fd = inner_map_create(skel);
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
	if (sc->how == UNLOAD) {
		__u32 zero = 0;

		attach_fd = bpf_program__fd(skel->progs.xdp_entry);
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.jmp), &zero, &prog_fd,
					BPF_ANY))
			attach_fd = -1;
	}
	tap_ok(ifindex && sock >= 0 && peer_ifindex >= 0 && attach_fd >= 0 &&
	       (sc->stash != STASH_INNER || inner_fd >= 0) &&
	       !bpf_xdp_attach(ifindex, attach_fd, XDP_FLAGS_DRV_MODE, NULL),
	       "%s: native XDP attached to b0, UDP socket bound, maps set up", mode);

	/* The baseline: everything set up, nothing parked. */
	drop_caches();
	slab0 = meminfo("Slab");
	free0 = available_kb();

	tap_eq(send_packets(count), 0, "%s: sent %ld datagrams from CPU 0", mode, count);
	wait_for(&skel->bss->parked, expect_parked);
	wait_for(&skel->bss->await_failed, count - expect_parked);
	usleep(100000);
	received = drain(sock, &bad, seen);
	tap_ok(skel->bss->parked == (__u64)expect_parked && skel->bss->overflow == 0 &&
	       skel->bss->stash_failed == 0 && received == count - expect_parked,
	       "%s: %llu parked, %ld delivered before any resume (want %ld, %ld)",
	       mode, skel->bss->parked, received, expect_parked, count - expect_parked);
	tap_eq(sysctl_read(PARKED) - base_parked, expect_parked,
	       "%s: kernel.bpf_coro_parked counts them", mode);

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
			struct xsk_seen xs = { .seen = seen };

			for (int i = 0; i < 100 && xs.n < expect_parked; i++) {
				xsk_recv(&xsk, xsk_packet, &xs);
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
		       coro_counter(prog_fd, "limited") == count - expect_parked,
		       "%s: counters: created %lld, resumed %lld, %s %lld, failed %lld, limited %lld",
		       mode, coro_counter(prog_fd, "created"),
		       coro_counter(prog_fd, "resumed"), sc->counter,
		       coro_counter(prog_fd, sc->counter),
		       coro_counter(prog_fd, "failed"), coro_counter(prog_fd, "limited"));
		if (sc->stash == STASH_RBTREE)
			tap_eq(skel->bss->out_of_order, 0,
			       "%s: resumed in key order", mode);
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
	}

	if (peer_ifindex > 0)
		xdp_detach_in_ns(ns_peer, peer_ifindex, ns_evos);
	if (skel) {
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
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
	tap_eq(wait_parked(base_parked), base_parked,
	       "%s: kernel.bpf_coro_parked back to its baseline", mode);
	mem_ok = mem_back(slab0, free0, &slab1, &free1);
	tap_ok(mem_ok,
	       "%s: memory back to baseline (slab %+lld kB, available %+lld kB)",
	       mode, slab1 - slab0, free1 - free0);
	return tap_exit();
}
