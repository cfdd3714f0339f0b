// SPDX-License-Identifier: GPL-2.0
/*
 * races - teardown racing the owners of coroutine handles, on two CPUs,
 * driven by test_races.sh.
 *
 *   races MODE NS_PEER NS_EVOS
 *   races --tests MODE		(prints the number of checks of MODE)
 *
 * progs/races.bpf.c runs on b0 in NS_EVOS; datagrams come from NS_PEER,
 * sent from CPU 0.  Each mode runs a bounded number of rounds, multiplied
 * by $EVOS_RACE_ITERS (default 1) for longer runs.
 *
 * Teardown against owners.  Each round parks 32 coroutines of xdp_await
 * (sent from CPU 0, parked by b0's NAPI there); then a thread on CPU 1
 * runs own_pass over and over: it takes each handle out of its slot and,
 * by slot, resumes it (it awaits again, 3 times, with work in between, and
 * is resumed again each time), releases it (bpf_coro_release()) or
 * deletes it from a hash map (the kptr destructor).  Once it has taken
 * some handles (4 to 35, a number that moves over the rounds), CPU 0,
 * which watched it without sleeping, tears down:
 *
 *   progfree    the program is freed: b0 runs xdp_entry, which tail-calls
 *               a copy of xdp_await loaded for the round (sharing the first
 *               copy's maps); the copy is taken out of the program array
 *               and its last fd closed
 *   detach      xdp_await is detached from b0
 *   unregister  the veth pair is deleted (rtnetlink); b0 ran xdp_entry, so
 *               the coroutines die in the unregister notifier, not on the
 *               detach path; the pair is made again for the next round
 *   mapfree     the slots are an inner map, taken out of its map-in-map
 *               and closed: the map is freed, and the handles still in it
 *               with it
 *   mapupdate   user space overwrites every slot, last to first, while
 *               the owner goes first to last (the kptr destructor)
 *
 * The coroutines parked when each teardown began are counted (the
 * program's coro_parked), and those it destroyed, at least: what the
 * program's coro_destroyed grew by beyond the owner's releases and
 * deletions (for progfree, the handles the owner then found emptied).  A
 * round hit the race when the teardown destroyed some while the owner, in
 * the middle of a pass when it began, took handles before and after it
 * began.  Some round must have had coroutines parked, and some must have
 * hit the race.  After each round no coroutine of the program may be left
 * parked (for mapfree and mapupdate once the owner consumed what it could
 * reach and the map free ran).
 * At the end, every datagram is accounted for: sent = dropped by the veth
 * (a0's tx_dropped) + seen by XDP; seen = tail call missed + await failed
 * + coroutines created; created = completed (XDP_DROP) + destroyed, from
 * the program's fdinfo, and completed equals what the program counted; for
 * progfree, whose counters go with the program, created is what queue_fn
 * first received plus what b0 dropped before publication.  Where teardown
 * only empties handles (progfree, detach, unregister) every handle
 * published was taken by the owner exactly once.  kernel.bpf_coro_handles
 * and kernel.bpf_coro_parked come back to their values before the mode,
 * exactly, with the programs still loaded and after they are gone.
 *
 *   resize      a worker pool is changed over and over (1, 3, 2 workers:
 *               struct_ops link updates) from CPU 1 while CPU 0 sends
 *               datagrams that await and are pushed to worker flow %
 *               workers (which resume what is queued every 5 ms): every
 *               update must succeed, some with coroutines queued, none may
 *               be lost (pool dropped, destroyed and push failures 0),
 *               every datagram reaches the UDP socket once, intact
 *   register    two threads, on CPUs 0 and 1, register pools p2 and p3 at
 *               the same moment, over and over: exactly one wins each
 *               time, the other gets -EBUSY (evos-workers.rst: one pool at
 *               a time), the pool is the winner's with its threads; the
 *               two calls overlapped in time in at least one round
 *   evosctl     "evosctl attach xdp b0 evos_xdp" (the shipped data path)
 *               and "evosctl detach xdp b0", 100 times, from CPU 1, while
 *               CPU 0 sends and two workers (on CPUs 0 and 1, pool "paced"
 *               of races.bpf.o started by evosctl, which lets coroutines
 *               queue for up to 5 ms) resume: every command succeeds, the
 *               detaches destroyed coroutines still queued while the
 *               workers completed others, and every datagram reached the
 *               UDP socket or was counted destroyed
 *
 * Programs that are attached and detached while another CPU runs XDP stay
 * attached to lo as generic XDP (no traffic there) for the whole mode: the
 * XDP dispatcher then keeps them and is never rewritten under a running
 * vCPU (see detach_resumer.c).  In the evosctl mode b0 has GRO on, so that
 * its NAPI context stays across the detaches: without it, veth deletes
 * NAPI on every XDP detach and frees the datagrams still in its ring
 * without counting them, which no accounting could then balance.
 *
 * One AF_XDP socket fed at once by inline and resumed deliveries is
 * test_xsk_producers.  Prints TAP.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pkt_payload.h"
#include "races.skel.h"
#include "testlib.h"

#define PIN_ROOT	"/sys/fs/bpf/evos-races"

/* As in progs/races.bpf.c. */
#define NR_SLOTS	64
#define OP_RESUME	0
#define NR_FLOWS	8

/* Datagrams parked per round. */
#define PER_ROUND	32
#define PAYLOAD		32
/* Most datagrams one mode sends; the receiver's duplicate map. */
#define MAX_SENT	(1L << 24)

enum kind { TEARDOWN, RESIZE, REGISTER, EVOSCTL };
enum teardown { TD_PROGFREE, TD_DETACH, TD_UNREGISTER, TD_MAPFREE, TD_MAPUPDATE };

struct mode {
	const char *name;
	enum kind kind;
	enum teardown td;
	int iters;		/* rounds, updates or loops, before the multiplier */
	int tests;
};

static const struct mode modes[] = {
	{ "progfree",	TEARDOWN,	TD_PROGFREE,	6,	5 },
	{ "detach",	TEARDOWN,	TD_DETACH,	6,	5 },
	{ "unregister",	TEARDOWN,	TD_UNREGISTER,	4,	5 },
	{ "mapfree",	TEARDOWN,	TD_MAPFREE,	6,	5 },
	{ "mapupdate",	TEARDOWN,	TD_MAPUPDATE,	6,	5 },
	{ "resize",	RESIZE,		0,		9,	5 },
	{ "register",	REGISTER,	0,		10,	4 },
	{ "evosctl",	EVOSCTL,	0,		100,	4 },
};

static const struct mode *mode;
static const char *ns_peer, *ns_evos;
static long long base_handles, base_parked;
static unsigned long long next_seq;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Wait up to @ms for coro_@name of @prog_fd to read @want; its last value. */
static long long wait_counter(int prog_fd, const char *name, long long want, int ms)
{
	long long v = coro_counter(prog_fd, name);

	for (; v != want && ms > 0; ms -= 10) {
		usleep(10000);
		v = coro_counter(prog_fd, name);
	}
	return v;
}

/* tx_dropped and rx_dropped of @dev in namespace @ns. */
static int link_drops(const char *ns, const char *dev, long long *tx_dropped,
		      long long *rx_dropped)
{
	struct ifaddrs *ifa, *i;
	int err = -1;

	if (enter_ns(ns))
		return -1;
	if (!getifaddrs(&ifa)) {
		for (i = ifa; i; i = i->ifa_next) {
			const struct rtnl_link_stats *st = i->ifa_data;

			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_PACKET ||
			    strcmp(i->ifa_name, dev) || !st)
				continue;
			*tx_dropped = st->tx_dropped;
			*rx_dropped = st->rx_dropped;
			err = 0;
		}
		freeifaddrs(ifa);
	}
	if (enter_ns(ns_evos))
		err = -1;
	return err;
}

/* UDP datagrams the stack of this thread's namespace dropped. */
static long long udp_drops(void)
{
	char names[512], values[512], *n, *v, *sn, *sv;
	long long drops = 0;
	FILE *f = fopen("/proc/thread-self/net/snmp", "r");

	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		if (strncmp(names, "Udp:", 4) || strncmp(values, "Udp:", 4))
			continue;
		n = strtok_r(names + 4, " \n", &sn);
		v = strtok_r(values + 4, " \n", &sv);
		for (; n && v; n = strtok_r(NULL, " \n", &sn), v = strtok_r(NULL, " \n", &sv))
			if (!strcmp(n, "InErrors") || !strcmp(n, "NoPorts"))
				drops += atoll(v);
		break;
	}
	fclose(f);
	return drops;
}

/*
 * A sender thread: from namespace @ns, pinned to CPU 0, numbered datagrams
 * in NR_FLOWS flows to 10.9.0.2:9000, @max of them or until @stop.  Every
 * 16 datagrams it sleeps @pause_us, and waits while @busy says the
 * receiving side is behind.
 */
struct sender {
	const char *ns;
	long max;
	int pause_us;
	bool (*busy)(void *arg);
	void *arg;
	unsigned long long seq0;
	volatile int stop;
	volatile long sent;
	int err;
	pthread_t thread;
};

static void *sender_fn(void *arg)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9000) };
	struct sender *s = arg;
	unsigned char buf[PAYLOAD];
	int fds[NR_FLOWS], f, n = 0;
	long i;

	s->err = -1;
	if (pin_to_cpu(0) || enter_ns(s->ns))
		return NULL;
	inet_pton(AF_INET, "10.9.0.2", &dst.sin_addr);
	for (f = 0; f < NR_FLOWS; f++, n++) {
		struct sockaddr_in src = {
			.sin_family = AF_INET,
			.sin_port = htons(20000 + f),
		};

		fds[f] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[f] < 0)
			goto out;
		if (bind(fds[f], (void *)&src, sizeof(src))) {
			n++;
			goto out;
		}
	}
	s->err = 0;
	for (i = 0; i < s->max && !s->stop; i++) {
		f = i % NR_FLOWS;
		pkt_payload_fill(buf, sizeof(buf), s->seq0 + i, f);
		while (sendto(fds[f], buf, sizeof(buf), 0, (void *)&dst, sizeof(dst)) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				s->err = errno;
				goto out;
			}
			usleep(100);
		}
		s->sent = i + 1;
		if (i % 16 != 15)
			continue;
		if (s->pause_us)
			usleep(s->pause_us);
		while (s->busy && !s->stop && s->busy(s->arg))
			usleep(500);
	}
out:
	while (n-- > 0)
		close(fds[n]);
	return NULL;
}

static int sender_start(struct sender *s, const char *ns, long max)
{
	s->ns = ns;
	s->max = max;
	s->seq0 = next_seq;
	s->stop = 0;
	s->sent = 0;
	return pthread_create(&s->thread, NULL, sender_fn, s);
}

/* Join the sender; its datagrams sent, or -1 when it failed. */
static long sender_join(struct sender *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	next_seq += s->sent;
	if (s->err)
		printf("#   sender: %s\n", s->err > 0 ? strerror(s->err) : "setup failed");
	return s->err ? -1 : s->sent;
}

/* Send @n datagrams from @ns and wait for the sender to finish. */
static long send_burst(const char *ns, long n)
{
	struct sender s = { 0 };

	if (sender_start(&s, ns, n))
		return -1;
	pthread_join(s.thread, NULL);
	next_seq += s.sent;
	return s.err ? -1 : s.sent;
}

/*
 * A receiver thread: drains the UDP socket until @stop, counting the
 * datagrams, and those damaged or seen before in @bad.
 */
struct receiver {
	int fd;
	unsigned char *seen;
	volatile int stop;
	volatile long n, bad;
	pthread_t thread;
};

static void *receiver_fn(void *arg)
{
	struct receiver *r = arg;
	unsigned char buf[2048];
	struct pkt_payload h;
	ssize_t len;

	for (;;) {
		struct pollfd p = { .fd = r->fd, .events = POLLIN };
		int stopping = r->stop;

		poll(&p, 1, 50);
		while ((len = recv(r->fd, buf, sizeof(buf), 0)) > 0) {
			r->n++;
			memcpy(&h, buf, sizeof(h));
			if (len != PAYLOAD || pkt_payload_check(buf, len) ||
			    h.seq >= MAX_SENT || r->seen[h.seq]++)
				r->bad++;
		}
		if (stopping)
			break;
	}
	return NULL;
}

/*
 * Run @argv with its output captured; on failure the output is printed as
 * TAP diagnostics.  posix_spawn(), not fork(): this process maps a lot,
 * and a fork copies its page tables.  Returns the exit status, or -1.
 */
static int run_cmd(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, i, err;
	char out[4096], drain[512];
	ssize_t len, got = 0;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	posix_spawn_file_actions_addclose(&fa, pipefd[0]);
	posix_spawn_file_actions_addclose(&fa, pipefd[1]);
	fflush(stdout);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	/* Keep the start of the output, drain the rest. */
	while (!err && (len = read(pipefd[0], got < (ssize_t)sizeof(out) - 1 ? out + got : drain,
				   got < (ssize_t)sizeof(out) - 1 ? sizeof(out) - 1 - got :
				   sizeof(drain))) > 0)
		if (got < (ssize_t)sizeof(out) - 1)
			got += len;
	out[got] = '\0';
	close(pipefd[0]);
	if (err || waitpid(pid, &status, 0) < 0)
		return -1;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (status) {
		printf("#   '%s", argv[0]);
		for (i = 1; argv[i]; i++)
			printf(" %s", argv[i]);
		printf("' exited with %d:\n#     ", status);
		for (i = 0; i < got; i++)
			printf("%c%s", out[i], out[i] == '\n' && i + 1 < got ? "#     " : "");
		printf("\n");
	}
	return status;
}

/* --- teardown against owners ------------------------------------------- */

/* The thread on CPU 1 that owns the handles: own_pass, over and over. */
struct owner {
	struct races *skel;
	volatile int stop;
	pthread_t thread;
};

static void *owner_fn(void *arg)
{
	struct owner *o = arg;

	pin_to_cpu(1);
	while (!o->stop)
		run_syscall(o->skel->progs.own_pass);
	return NULL;
}

/* Resume whatever the slots still hold, until a pass finds nothing. */
static void own_all(struct races *skel)
{
	__u64 taken;
	int i;

	skel->bss->force_op = 1 + OP_RESUME;
	for (i = 0; i < 100; i++) {
		taken = skel->bss->taken;
		run_syscall(skel->progs.own_pass);
		if (skel->bss->taken == taken)
			break;
	}
	skel->bss->force_op = 0;
}

/*
 * A second copy of xdp_await, for one round of progfree: it shares every
 * map of @skel (its counters, slots and program array included), so that
 * freeing it frees nothing but the program.
 */
static struct races *await_copy_load(struct races *skel)
{
	struct bpf_program *prog;
	struct races *copy;
	struct bpf_map *map;

	copy = races__open();
	if (!copy)
		return NULL;
	bpf_object__for_each_program(prog, copy->obj)
		bpf_program__set_autoload(prog, prog == copy->progs.xdp_await);
	bpf_object__for_each_map(map, copy->obj) {
		struct bpf_map *mine;

		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) {
			bpf_map__set_autocreate(map, false);
			continue;
		}
		mine = bpf_object__find_map_by_name(skel->obj, bpf_map__name(map));
		if (!mine || bpf_map__reuse_fd(map, bpf_map__fd(mine)))
			goto fail;
	}
	if (races__load(copy))
		goto fail;
	return copy;
fail:
	races__destroy(copy);
	return NULL;
}

/*
 * The veth pair again, in the namespaces that the deleted one left: lib.sh's
 * veth_link, as veth_pair made it (the namespaces' settings stay).
 */
static int veth_add_again(void)
{
	const char *top = getenv("EVOS_TOP");
	char lib[512];
	char *argv[] = { "bash", "-c", ". \"$0\" && veth_link \"$1\" \"$2\"", lib,
			 (char *)ns_peer, (char *)ns_evos, NULL };

	snprintf(lib, sizeof(lib), "%s/selftests/evos/lib.sh", top && *top ? top : ".");
	return run_cmd(argv);
}

/* Delete device @ifindex of this namespace (rtnetlink); 0 or -errno. */
static int link_del(int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = RTM_DELLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		},
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
	};
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	int fd, err = -EIO;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, sizeof(req), 0) == sizeof(req) &&
	    recv(fd, &ack, sizeof(ack), 0) >= (ssize_t)sizeof(ack) &&
	    ack.nh.nlmsg_type == NLMSG_ERROR)
		err = ack.err.error;
	close(fd);
	return err;
}

/* What the teardown of one round found, and the owner's progress around it. */
struct round {
	long long parked_at;	/* coro_parked of the program when it began */
	long long killed;	/* coroutines it destroyed, at least */
	__u64 before;		/* handles the owner took before it began */
	__u64 after;		/* ... after it began, until the owner stopped */
	bool mid;		/* the owner was in the middle of a pass */
	bool hit;
};

struct teardown_totals {
	long long sent, a0_dropped, b0_dropped;
	int bad_rounds;
};

/*
 * One round: park PER_ROUND coroutines, race the owner against the
 * teardown, stop the owner, and check that nothing of the program is left
 * parked.  What the teardown destroyed is at least what the program's
 * coro_destroyed grew by beyond the owner's releases and deletions (those
 * may have found handles already emptied); for progfree, whose counters
 * go, at least the emptied handles the owner tried to resume.
 */
static int teardown_round(struct races *skel, struct races **copy, int r, struct round *rd,
			  struct teardown_totals *tt, int *inner_fd)
{
	long long a0_tx0 = 0, a0_tx1 = 0, b0_rx0 = 0, b0_rx1 = 0, unused, parked, destroyed0;
	struct races__bss *bss = skel->bss;
	__u64 seen0 = bss->seen, ended0, taken0, passes, owner0;
	struct owner o = { .skel = skel };
	int prog_fd = bpf_program__fd(skel->progs.xdp_await), i, err = 0;
	long long t0;
	__u64 at;
	long sent;
	__u32 zero = 0;

	/* Set the round up. */
	switch (mode->td) {
	case TD_PROGFREE:
		*copy = await_copy_load(skel);
		if (!*copy)
			return -1;
		prog_fd = bpf_program__fd((*copy)->progs.xdp_await);
		err = bpf_map_update_elem(bpf_map__fd(skel->maps.jmp), &zero, &prog_fd, BPF_ANY);
		break;
	case TD_DETACH:
		err = bpf_xdp_attach(if_nametoindex("b0"), prog_fd, XDP_FLAGS_DRV_MODE, NULL);
		break;
	case TD_UNREGISTER:
		err = (!if_nametoindex("b0") && veth_add_again()) ||
		      bpf_xdp_attach(if_nametoindex("b0"), bpf_program__fd(skel->progs.xdp_entry),
				     XDP_FLAGS_DRV_MODE, NULL);
		break;
	case TD_MAPFREE:
		*inner_fd = inner_map_create(skel->obj, skel->maps.slots, skel->maps.outer);
		err = *inner_fd < 0;
		break;
	case TD_MAPUPDATE:
		break;
	}
	if (err) {
		printf("#   round %d: setup failed\n", r);
		return -1;
	}

	/* Park PER_ROUND coroutines, from CPU 0. */
	bss->next_slot = 0;
	ended0 = bss->first_published + bss->await_failed + bss->untaken;
	link_drops(ns_peer, "a0", &a0_tx0, &unused);
	link_drops(ns_evos, "b0", &unused, &b0_rx0);
	sent = send_burst(ns_peer, PER_ROUND);
	if (sent != PER_ROUND) {
		printf("#   round %d: sent %ld of %d\n", r, sent, PER_ROUND);
		return -1;
	}
	tt->sent += sent;
	for (i = 0; i < 500; i++) {
		link_drops(ns_peer, "a0", &a0_tx1, &unused);
		if (bss->seen - seen0 + (a0_tx1 - a0_tx0) >= (__u64)sent &&
		    bss->first_published + bss->await_failed + bss->untaken - ended0 >=
		    bss->seen - seen0)
			break;
		usleep(10000);
	}
	tt->a0_dropped += a0_tx1 - a0_tx0;
	if (!link_drops(ns_evos, "b0", &unused, &b0_rx1))
		tt->b0_dropped += b0_rx1 - b0_rx0;

	/*
	 * The owner on CPU 1; the teardown on CPU 0 once the owner took
	 * @at handles, a number that moves over the rounds.  CPU 0 has
	 * nothing else to do: it watches the owner's count without sleeping.
	 */
	bss->op_base = r;
	at = 4 + (r * 11) % PER_ROUND;
	taken0 = bss->taken;
	owner0 = mode->td == TD_PROGFREE ? bss->res_empty : bss->released + bss->trashed;
	destroyed0 = coro_counter(prog_fd, "destroyed");
	t0 = now_us();
	if (pthread_create(&o.thread, NULL, owner_fn, &o))
		return -1;
	while (READ_ONCE(bss->taken) - taken0 < at && now_us() - t0 < 5000000)
		;
	rd->mid = READ_ONCE(bss->in_pass);
	rd->before = READ_ONCE(bss->taken) - taken0;
	rd->parked_at = coro_counter(prog_fd, "parked");
	switch (mode->td) {
	case TD_PROGFREE:
		bpf_map_delete_elem(bpf_map__fd(skel->maps.jmp), &zero);
		races__destroy(*copy);
		*copy = NULL;
		break;
	case TD_DETACH:
		bpf_xdp_detach(if_nametoindex("b0"), XDP_FLAGS_DRV_MODE, NULL);
		break;
	case TD_UNREGISTER:
		err = link_del(if_nametoindex("b0"));
		break;
	case TD_MAPFREE:
		bpf_map_delete_elem(bpf_map__fd(skel->maps.outer), &zero);
		close(*inner_fd);
		*inner_fd = -1;
		break;
	case TD_MAPUPDATE:
		for (i = NR_SLOTS - 1; i >= 0; i--) {
			struct { __u64 h; } empty = { 0 };
			__u32 k = i;

			err |= bpf_map_update_elem(bpf_map__fd(skel->maps.slots), &k, &empty,
						   BPF_ANY);
		}
		break;
	}
	/* Let the owner go over the slots twice more, then stop it. */
	passes = bss->passes;
	for (i = 0; i < 3000 && bss->passes < passes + 2; i++)
		usleep(1000);
	o.stop = 1;
	pthread_join(o.thread, NULL);
	rd->after = bss->taken - taken0 - rd->before;
	if (err) {
		printf("#   round %d: the teardown failed\n", r);
		return -1;
	}

	/*
	 * Teardown left nothing of the program parked: at once where it
	 * destroys everything (but deferred destructions), once the owner
	 * took what it could reach otherwise (and the map free ran).
	 */
	if (mode->td == TD_MAPFREE || mode->td == TD_MAPUPDATE)
		own_all(skel);
	if (mode->td == TD_PROGFREE)
		parked = wait_sysctl(PARKED, base_parked, 5000) - base_parked;
	else
		parked = wait_counter(prog_fd, "parked", 0, 10000);
	if (parked) {
		printf("#   round %d: %lld coroutines still parked after the teardown\n", r,
		       parked);
		tt->bad_rounds++;
	}
	own_all(skel);
	if (mode->td == TD_PROGFREE)
		rd->killed = bss->res_empty - owner0;
	else
		rd->killed = coro_counter(prog_fd, "destroyed") - destroyed0 -
			     (bss->released + bss->trashed - owner0);
	rd->hit = rd->killed > 0 && rd->before > 0 && rd->after > 0 && rd->mid;
	return 0;
}

static void teardown_mode(struct races *skel, int rounds)
{
	struct teardown_totals tt = { 0 };
	struct races *copy = NULL;
	struct races__bss *bss = skel->bss;
	int prog_fd = bpf_program__fd(skel->progs.xdp_await);
	int entry_fd = bpf_program__fd(skel->progs.xdp_entry);
	int b0 = if_nametoindex("b0"), r, hits = 0, parked_rounds = 0, inner_fd = -1;
	long long killed = 0;
	long long created, cdrop, destroyed, others, failed, parked, handles;
	struct round *rd = calloc(rounds, sizeof(*rd));
	bool alive = mode->td != TD_PROGFREE, ok;
	__u32 zero = 0;
	int err = !rd || !b0;

	/* The mode's fixed attachments. */
	switch (mode->td) {
	case TD_PROGFREE:
		err = err || bpf_xdp_attach(b0, entry_fd, XDP_FLAGS_DRV_MODE, NULL);
		break;
	case TD_DETACH:
		err = err || xdp_keep_dispatched(prog_fd);
		break;
	case TD_UNREGISTER:
		err = err || xdp_keep_dispatched(entry_fd) ||
		      bpf_map_update_elem(bpf_map__fd(skel->maps.jmp), &zero, &prog_fd, BPF_ANY);
		break;
	case TD_MAPFREE:
		bss->use_inner = 1;
		/* fall through */
	case TD_MAPUPDATE:
		err = err || bpf_xdp_attach(b0, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
		break;
	}
	if (!tap_ok(!err, "%s: races.bpf.o loaded and attached; %d rounds of %d coroutines",
		    mode->name, rounds, PER_ROUND))
		return;
	/*
	 * Unregistering waits for several RCU grace periods before the
	 * notifier destroys anything: longer resumed runs keep coroutines
	 * parked until then.
	 */
	if (mode->td == TD_UNREGISTER)
		skel->data->spin_loops *= 5;

	pin_to_cpu(0);
	for (r = 0; r < rounds; r++) {
		if (teardown_round(skel, &copy, r, &rd[r], &tt, &inner_fd)) {
			tt.bad_rounds++;
			break;
		}
		hits += rd[r].hit;
		parked_rounds += rd[r].parked_at > 0;
		killed += rd[r].killed;
	}
	printf("#   parked when each teardown began / destroyed by it, at least:");
	for (r = 0; r < rounds; r++)
		printf(" %lld/%lld", rd[r].parked_at, rd[r].killed);
	printf("\n#   handles the owner took before/after it began:");
	for (r = 0; r < rounds; r++)
		printf(" %llu/%llu%s", rd[r].before, rd[r].after,
		       rd[r].mid ? "" : "(between passes)");
	printf("\n");
	tap_ok(hits > 0 && parked_rounds > 0,
	       "%s: coroutines were parked when the teardown began in %d of %d rounds; in %d it destroyed some while the owner, in the middle of a pass, took handles before and after it began (%lld destroyed by the teardowns, at least)",
	       mode->name, parked_rounds, rounds, hits, killed);
	tap_ok(!tt.bad_rounds,
	       "%s: after each teardown no coroutine of the program was left parked (%d bad rounds)",
	       mode->name, tt.bad_rounds);

	if (alive) {
		parked = wait_counter(prog_fd, "parked", 0, 5000);
		created = coro_counter(prog_fd, "created");
		cdrop = coro_counter(prog_fd, "completed_drop");
		destroyed = coro_counter(prog_fd, "destroyed");
		others = coro_completed(prog_fd) - cdrop;
		failed = coro_counter(prog_fd, "failed");
	} else {
		/* Its counters went with each copy: what queue_fn first got. */
		parked = 0;
		created = bss->first_published + tt.b0_dropped;
		cdrop = bss->completed;
		destroyed = created - cdrop;
		others = 0;
		failed = bss->await_failed + bss->reawait_failed;
	}
	ok = tt.sent == tt.a0_dropped + (long long)bss->seen &&
	     bss->seen == bss->untaken + bss->await_failed + created &&
	     created == cdrop + destroyed && !others && !parked &&
	     (__u64)cdrop == bss->completed && bss->completed == bss->res_done &&
	     (__u64)failed == bss->await_failed + bss->reawait_failed &&
	     !bss->overflow && !bss->res_other && !bss->trash_failed;
	/* progfree, detach, unregister empty handles; the others destroy them. */
	if (mode->td == TD_MAPFREE || mode->td == TD_MAPUPDATE)
		ok = ok && bss->published >= bss->taken;
	else
		ok = ok && bss->published == bss->taken && !bss->stash_failed;
	tap_ok(ok, "%s: every datagram accounted for: sent %lld = dropped by veth %lld + seen %llu; seen = %llu untaken + %llu await failed + %lld created; created = %lld completed + %lld destroyed%s; handles published %llu, taken by the owner %llu",
	       mode->name, tt.sent, tt.a0_dropped, bss->seen, bss->untaken, bss->await_failed,
	       created, cdrop, destroyed, alive ? "" : " (from the program's own counts)",
	       bss->published, bss->taken);
	printf("#   owner: %llu resumed to the end, %llu awaited again, %llu emptied, %llu other; %llu released, %llu deleted; %llu passes; await failed %llu, again %llu; stash failed %llu; %lld other completions, %lld failed, %lld parked; b0 dropped %lld\n",
	       bss->res_done, bss->res_again, bss->res_empty, bss->res_other, bss->released,
	       bss->trashed, bss->passes, bss->await_failed, bss->reawait_failed,
	       bss->stash_failed, others, failed, parked, tt.b0_dropped);

	handles = wait_sysctl(HANDLES, base_handles, 5000) - base_handles;
	parked = sysctl_read(PARKED) - base_parked;
	switch (mode->td) {
	case TD_PROGFREE:
		bpf_xdp_detach(b0, XDP_FLAGS_DRV_MODE, NULL);
		break;
	case TD_DETACH:
	case TD_UNREGISTER:
		xdp_keep_dispatched(-1);
		break;
	case TD_MAPFREE:
	case TD_MAPUPDATE:
		bpf_xdp_detach(b0, XDP_FLAGS_DRV_MODE, NULL);
		break;
	}
	if (inner_fd >= 0)
		close(inner_fd);
	races__destroy(copy);
	races__destroy(skel);
	tap_ok(!handles && !parked &&
	       wait_sysctl(HANDLES, base_handles, 5000) == base_handles &&
	       wait_sysctl(PARKED, base_parked, 5000) == base_parked,
	       "%s: kernel.bpf_coro_handles %+lld and bpf_coro_parked %+lld from before the mode with the programs loaded; %+lld and %+lld once they are gone",
	       mode->name, handles, parked, sysctl_read(HANDLES) - base_handles,
	       sysctl_read(PARKED) - base_parked);
	free(rd);
}

/* --- worker pools ------------------------------------------------------ */

/* The workers are more than 256 coroutines behind. */
static bool workers_behind(void *arg)
{
	struct races__bss *bss = arg;

	return bss->w_pushed - bss->w_resumed > 256;
}

static void resize_mode(struct races *skel, int updates)
{
	struct bpf_map *pools[] = { skel->maps.p1, skel->maps.p3, skel->maps.p2 };
	const unsigned int sizes[] = { 1, 3, 2 };
	struct receiver rcv = { 0 };
	struct sender snd = { 0 };
	struct races__bss *bss = skel->bss;
	int prog_fd = bpf_program__fd(skel->progs.xdp_push), b0 = if_nametoindex("b0");
	long long a0_tx0 = 0, a0_tx1 = 0, b0_rx0 = 0, b0_rx1 = 0, unused;
	long long udp0, drops, created, cpass, destroyed, handles, parked;
	int u, failed_updates = 0, queued = 0, during = 0, sizes_ok = 1, threads, i;
	unsigned long long dropped0;
	struct bpf_link *link;
	struct pool p;
	long sent;
	bool ok;

	pool_read(&p);
	dropped0 = p.dropped;
	rcv.seen = calloc(MAX_SENT, 1);
	rcv.fd = udp_socket();
	link = bpf_map__attach_struct_ops(skel->maps.p1);
	if (!tap_ok(rcv.seen && rcv.fd >= 0 && link && b0 &&
		    !bpf_xdp_attach(b0, prog_fd, XDP_FLAGS_DRV_MODE, NULL) &&
		    !pthread_create(&rcv.thread, NULL, receiver_fn, &rcv),
		    "resize: xdp_push on b0, pool p1 registered, UDP socket bound"))
		return;
	link_drops(ns_peer, "a0", &a0_tx0, &unused);
	link_drops(ns_evos, "b0", &unused, &b0_rx0);
	udp0 = udp_drops();

	snd.busy = workers_behind;
	snd.arg = bss;
	sender_start(&snd, ns_peer, MAX_SENT);
	pin_to_cpu(1);
	for (u = 0; u < updates; u++) {
		long before = snd.sent;

		/* Some traffic through the current pool first. */
		for (i = 0; i < 300 && snd.sent < before + 200 && !snd.err; i++)
			usleep(10000);
		pool_read(&p);
		queued += p.depth > 0;
		before = snd.sent;
		if (bpf_link__update_map(link, pools[(u + 1) % 3]))
			failed_updates++;
		/* The sender went on while the pool was being replaced. */
		during += snd.sent > before;
		pool_read(&p);
		if (p.nr != sizes[(u + 1) % 3] || strcmp(p.name, bpf_map__name(pools[(u + 1) % 3])))
			sizes_ok = 0;
	}
	/* Traffic through the last pool too. */
	for (i = 0; i < 300 && snd.sent < MAX_SENT && !snd.err; i++) {
		long before = snd.sent;

		usleep(10000);
		if (snd.sent > before + 200)
			break;
	}
	sent = sender_join(&snd);
	pool_read(&p);
	threads = wait_worker_threads(p.nr, 2000);
	tap_ok(!failed_updates && sizes_ok && during > 0 && queued > 0 && sent > 0 &&
	       threads == (int)p.nr,
	       "resize: %d updates of the pool (1, 3, 2 workers in turn) from CPU 1, %d failed, while CPU 0 sent %ld datagrams (it sent during %d of the updates); coroutines were queued at %d of them; %d threads for the last pool's %u workers",
	       updates, failed_updates, sent, during, queued, threads, p.nr);

	/* Wait until every datagram seen came out of the pool. */
	for (i = 0; i < 1000; i++) {
		if (bss->w_resumed >= bss->w_pushed &&
		    rcv.n + udp_drops() - udp0 >= (long long)(bss->w_inline + bss->w_failed +
							     bss->w_resumed))
			break;
		usleep(10000);
	}
	rcv.stop = 1;
	pthread_join(rcv.thread, NULL);
	link_drops(ns_peer, "a0", &a0_tx1, &unused);
	link_drops(ns_evos, "b0", &unused, &b0_rx1);
	drops = udp_drops() - udp0;
	pool_read(&p);
	created = coro_counter(prog_fd, "created");
	cpass = coro_counter(prog_fd, "completed_pass");
	destroyed = coro_counter(prog_fd, "destroyed");
	tap_ok(!destroyed && !bss->w_push_failed && p.dropped == dropped0,
	       "resize: nothing lost across the updates: %lld destroyed, %llu pushes refused, %llu dropped by the pool",
	       destroyed, bss->w_push_failed, p.dropped - dropped0);
	ok = sent == (a0_tx1 - a0_tx0) + (long long)bss->w_seen &&
	     bss->w_seen == bss->w_inline + bss->w_failed + created &&
	     created == (long long)(bss->w_pushed + bss->w_push_failed) + (b0_rx1 - b0_rx0) &&
	     created == cpass + destroyed && cpass == (long long)bss->w_resumed &&
	     rcv.n + drops == (long long)(bss->w_inline + bss->w_failed) + cpass && !rcv.bad;
	tap_ok(ok, "resize: every datagram accounted for: sent %ld = dropped by veth %lld + seen %llu; seen = %llu inline + %llu await failed + %lld created; created = %lld completed + %lld destroyed; %ld received + %lld dropped by the stack, %ld bad or duplicate",
	       sent, a0_tx1 - a0_tx0, bss->w_seen, bss->w_inline, bss->w_failed, created, cpass,
	       destroyed, rcv.n, drops, rcv.bad);
	printf("#   pushed %llu, b0 dropped %lld; popped by worker 0, 1, 2: %llu %llu %llu\n",
	       bss->w_pushed, b0_rx1 - b0_rx0, bss->w_popped[0], bss->w_popped[1],
	       bss->w_popped[2]);

	bpf_xdp_detach(b0, XDP_FLAGS_DRV_MODE, NULL);
	bpf_link__destroy(link);
	close(rcv.fd);
	free(rcv.seen);
	handles = wait_sysctl(HANDLES, base_handles, 5000) - base_handles;
	parked = sysctl_read(PARKED) - base_parked;
	pool_read(&p);
	tap_ok(!handles && !parked && !p.nr && !wait_worker_threads(0, 2000),
	       "resize: after the pool went: kernel.bpf_coro_handles %+lld, bpf_coro_parked %+lld, %u workers, %d threads",
	       handles, parked, p.nr, worker_threads());
	races__destroy(skel);
}

/* One of the two threads that register a pool at the same moment. */
struct contender {
	struct bpf_map *map;
	pthread_barrier_t *go;
	int cpu;
	struct bpf_link *link;
	int err;
	long long t0, t1;
	pthread_t thread;
};

static void *contend(void *arg)
{
	struct contender *c = arg;

	pin_to_cpu(c->cpu);
	pthread_barrier_wait(c->go);
	c->t0 = now_us();
	c->link = bpf_map__attach_struct_ops(c->map);
	c->err = c->link ? 0 : errno;
	c->t1 = now_us();
	return NULL;
}

static void register_mode(struct races *skel, int rounds)
{
	struct contender c[2] = {
		{ .map = skel->maps.p2, .cpu = 0 },
		{ .map = skel->maps.p3, .cpu = 1 },
	};
	int r, i, bad = 0, overlap = 0, left_bad = 0, won[2] = { 0 };
	pthread_barrier_t go;
	struct pool p;

	pool_read(&p);
	if (!tap_ok(!p.nr && !worker_threads() && !pthread_barrier_init(&go, NULL, 2),
		    "register: no pool registered before (pool '%s', %u workers)", p.name, p.nr))
		return;
	for (r = 0; r < rounds; r++) {
		struct contender *win = NULL, *lose = NULL;
		int threads;

		for (i = 0; i < 2; i++) {
			c[i].go = &go;
			c[i].link = NULL;
			pthread_create(&c[i].thread, NULL, contend, &c[i]);
		}
		for (i = 0; i < 2; i++)
			pthread_join(c[i].thread, NULL);
		if (c[0].link && !c[1].link) {
			win = &c[0];
			lose = &c[1];
		} else if (c[1].link && !c[0].link) {
			win = &c[1];
			lose = &c[0];
		}
		threads = win ? wait_worker_threads(win == &c[0] ? 2 : 3, 2000) : worker_threads();
		pool_read(&p);
		if (!win || lose->err != EBUSY ||
		    strcmp(p.name, bpf_map__name(win->map)) || p.nr != (win == &c[0] ? 2u : 3u) ||
		    threads != (int)p.nr) {
			bad++;
			printf("#   round %d: p2 %s (%s), p3 %s (%s); pool '%s' with %u workers, %d threads\n",
			       r, c[0].link ? "registered" : "refused", strerror(c[0].err),
			       c[1].link ? "registered" : "refused", strerror(c[1].err),
			       p.name, p.nr, threads);
		} else {
			won[win - c]++;
		}
		if (c[0].t0 < c[1].t1 && c[1].t0 < c[0].t1)
			overlap++;
		for (i = 0; i < 2; i++)
			bpf_link__destroy(c[i].link);
		pool_read(&p);
		if (p.nr || wait_worker_threads(0, 2000))
			left_bad++;
	}
	pthread_barrier_destroy(&go);
	tap_ok(!bad,
	       "register: %d rounds of p2 (CPU 0) and p3 (CPU 1) registered at once: each time one registered (p2 %d, p3 %d times), the other got -EBUSY; the pool was the winner's, with its threads (%d bad)",
	       rounds, won[0], won[1], bad);
	tap_ok(overlap > 0, "register: the two registrations overlapped in time in %d of %d rounds",
	       overlap, rounds);
	tap_ok(!left_bad && !wait_worker_threads(0, 2000),
	       "register: after each round the winner's unregistration left no pool and no worker thread (%d bad)",
	       left_bad);
	races__destroy(skel);
}

/* --- evosctl ----------------------------------------------------------- */

static char *evosctl_path(void)
{
	char *p = getenv("EVOSCTL");

	return p && *p ? p : "evosctl";
}

/* evosctl --pin-root PIN_ROOT ARG...; the arguments end with NULL. */
static int evosctl(const char *arg, ...)
{
	char *argv[16] = { evosctl_path(), "--pin-root", PIN_ROOT };
	int n = 3;
	va_list ap;

	va_start(ap, arg);
	for (; arg && n < 15; arg = va_arg(ap, const char *))
		argv[n++] = (char *)arg;
	va_end(ap);
	argv[n] = NULL;
	return run_cmd(argv);
}

static bool parked_many(void *arg)
{
	(void)arg;
	return sysctl_read(PARKED) - base_parked > 256;
}

static void evosctl_mode(int loops)
{
	const char *build = getenv("EVOS_BUILD");
	char xdp_obj[512], pool_obj[512], path[600];
	char *gro[] = { "ethtool", "-K", "b0", "gro", "on", NULL };
	struct receiver rcv = { 0 };
	struct sender snd = { 0 };
	long long tx0 = 0, tx1 = 0, rx0 = 0, rx1 = 0, udp0, drops, created, cpass, destroyed;
	long long others, parked, handles, p, parked_sum = 0, t0;
	int i, fails = 0, parked_detaches = 0, flowing = 0, prog_fd = -1, err;
	long sent;

	snprintf(xdp_obj, sizeof(xdp_obj), "%s/bpf/evos_xdp.bpf.o", build ? build : "build");
	snprintf(pool_obj, sizeof(pool_obj), "%s/selftests/progs/races.bpf.o",
		 build ? build : "build");
	snprintf(path, sizeof(path), "%s/objs/evos_xdp/progs/evos_xdp", PIN_ROOT);
	rcv.seen = calloc(MAX_SENT, 1);
	rcv.fd = udp_socket();
	err = !rcv.seen || rcv.fd < 0 || run_cmd(gro) ||
	      evosctl("load", xdp_obj, NULL) ||
	      evosctl("workers", "start", pool_obj, "--count", "2", "--cpus", "0-1", NULL);
	if (!err) {
		prog_fd = bpf_obj_get(path);
		err = prog_fd < 0 || xdp_keep_dispatched(prog_fd) ||
		      pthread_create(&rcv.thread, NULL, receiver_fn, &rcv);
	}
	if (!tap_ok(!err, "evosctl: evos_xdp loaded and kept in the XDP dispatcher (generic on lo), pool 'paced' of races.bpf.o started (two workers, CPUs 0 and 1), GRO on b0, UDP socket bound"))
		goto out;
	link_drops(ns_peer, "a0", &tx0, &rx0);
	udp0 = udp_drops();

	/* About 3000 datagrams a second: evosctl needs the CPUs too. */
	snd.pause_us = 5000;
	snd.busy = parked_many;
	sender_start(&snd, ns_peer, MAX_SENT);
	pin_to_cpu(1);
	t0 = now_us();
	for (i = 0; i < loops; i++) {
		long before = snd.sent;

		fails += !!evosctl("attach", "xdp", "b0", "evos_xdp", NULL);
		usleep(2000);
		p = sysctl_read(PARKED) - base_parked;
		parked_detaches += p > 0;
		parked_sum += p;
		fails += !!evosctl("detach", "xdp", "b0", NULL);
		flowing += snd.sent > before;
	}
	t0 = now_us() - t0;
	sent = sender_join(&snd);
	link_drops(ns_peer, "a0", &tx1, &rx1);
	cpass = coro_counter(prog_fd, "completed_pass");
	destroyed = coro_counter(prog_fd, "destroyed");
	tap_ok(!fails && flowing == loops && parked_detaches > 0 && cpass > 0 && destroyed > 0,
	       "evosctl: %d attach/detach pairs from CPU 1 in %.1f s while CPU 0 sent (%ld datagrams; %d pairs saw traffic), %d commands failed; coroutines parked before %d of the detaches (%lld in all), %lld completed by the workers, %lld destroyed by the detaches",
	       loops, t0 / 1e6, sent, flowing, fails, parked_detaches, parked_sum, cpass,
	       destroyed);

	/* Every coroutine ends: resumed by a worker, or destroyed. */
	for (i = 0; i < 1000; i++) {
		if (coro_counter(prog_fd, "parked") == 0 &&
		    rcv.n + destroyed >= sent - (tx1 - tx0))
			break;
		usleep(10000);
		link_drops(ns_peer, "a0", &tx1, &rx1);
		destroyed = coro_counter(prog_fd, "destroyed");
	}
	rcv.stop = 1;
	pthread_join(rcv.thread, NULL);
	link_drops(ns_peer, "a0", &tx1, &rx1);
	drops = udp_drops() - udp0;
	created = coro_counter(prog_fd, "created");
	cpass = coro_counter(prog_fd, "completed_pass");
	destroyed = coro_counter(prog_fd, "destroyed");
	others = coro_completed(prog_fd) - cpass;
	parked = coro_counter(prog_fd, "parked");
	tap_ok(sent == (tx1 - tx0) + rcv.n + drops + destroyed && !rcv.bad &&
	       created == cpass + destroyed && !others && !parked,
	       "evosctl: every datagram accounted for: sent %ld = dropped by veth %lld + received %ld + dropped by the stack %lld + destroyed %lld (%ld bad or duplicate); created %lld = completed %lld + destroyed, %lld other completions, %lld parked",
	       sent, tx1 - tx0, rcv.n, drops, destroyed, rcv.bad, created, cpass, others,
	       parked);
out:
	if (prog_fd >= 0) {
		xdp_keep_dispatched(-1);
		close(prog_fd);
	}
	evosctl("detach", NULL);
	gro[4] = "off";
	run_cmd(gro);
	if (rcv.fd >= 0)
		close(rcv.fd);
	free(rcv.seen);
	handles = wait_sysctl(HANDLES, base_handles, 5000) - base_handles;
	parked = wait_sysctl(PARKED, base_parked, 5000) - base_parked;
	tap_ok(!handles && !parked && !wait_worker_threads(0, 2000),
	       "evosctl: after 'evosctl detach': kernel.bpf_coro_handles %+lld, bpf_coro_parked %+lld, %d worker threads",
	       handles, parked, worker_threads());
}

static const struct mode *find_mode(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(modes[i].name, name))
			return &modes[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *env = getenv("EVOS_RACE_ITERS");
	int mult = env ? atoi(env) : 1, iters;
	struct races *skel = NULL;

	if (argc == 3 && !strcmp(argv[1], "--tests") && (mode = find_mode(argv[2]))) {
		printf("%d\n", mode->tests);
		return 0;
	}
	if (argc != 4 || !(mode = find_mode(argv[1]))) {
		fprintf(stderr, "usage: races MODE NS_PEER NS_EVOS, races --tests MODE (MODE: see races.c)\n");
		return 2;
	}
	ns_peer = argv[2];
	ns_evos = argv[3];
	if (mult < 1)
		mult = 1;
	iters = mode->iters * mult;
	if (enter_ns(ns_evos)) {
		perror("races: entering the namespace");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_plan(mode->tests);
	base_handles = sysctl_read(HANDLES);
	base_parked = sysctl_read(PARKED);
	if (mode->kind != EVOSCTL) {
		skel = races__open_and_load();
		if (!skel) {
			tap_ok(false, "%s: races.bpf.o loads", mode->name);
			return 1;
		}
	}
	switch (mode->kind) {
	case TEARDOWN:
		teardown_mode(skel, iters);
		break;
	case RESIZE:
		resize_mode(skel, iters);
		break;
	case REGISTER:
		register_mode(skel, iters);
		break;
	case EVOSCTL:
		evosctl_mode(iters);
		break;
	}
	if (tap_n != mode->tests) {
		printf("# %s: %d checks made, %d planned\n", mode->name, tap_n, mode->tests);
		return 1;
	}
	return tap_exit();
}
