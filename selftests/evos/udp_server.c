// SPDX-License-Identifier: GPL-2.0
/*
 * udp_server - an ordinary UDP server for the lean UDP tests: it knows
 * nothing of EvOS, and receives the datagrams of pktgen with one of the
 * usual APIs, checking each payload byte for byte.
 *
 *   udp_server --bind IP:PORT --count N [--mode recvfrom|epoll|uring]
 *              [--connect IP:PORT] [--reuseport K] [--bind-dev DEV]
 *              [--even-only] [--rcvbuf BYTES] [--hold-until PATH]
 *              [--timeout-ms MS]
 *
 * --connect connects the socket to the sender (the kernel then records
 * SO_INCOMING_CPU); --reuseport K opens K sockets in one SO_REUSEPORT
 * group (epoll); --rcvbuf sets SO_RCVBUF (SO_RCVBUFFORCE when it may);
 * --even-only attaches a socket filter that takes only even
 * sequence numbers; --hold-until waits for PATH to exist before reading, so
 * that a small --rcvbuf overflows.  It stops after N datagrams, or after --timeout-ms
 * (default 5000) without one, and prints
 *
 *   received=R intact=I from=F incoming_cpu=C per_socket=A,B,... drops=D
 *
 * (F: datagrams from the --connect address, or from anywhere without it;
 * D: the drops the kernel counted on the sockets, SO_MEMINFO).
 * It prints "ready" on stderr once its sockets are bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <liburing.h>
#include <linux/filter.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pkt_payload.h"

#define MAX_SOCKS 8

static struct sockaddr_in bind_addr, peer_addr;
static int nsocks = 1, fds[MAX_SOCKS];
static unsigned long per_sock[MAX_SOCKS], count, received, intact, from;
static int connected, timeout_ms = 5000;

static void usage(void)
{
	fprintf(stderr,
		"usage: udp_server --bind IP:PORT --count N [--mode recvfrom|epoll|uring]\n"
		"                  [--connect IP:PORT] [--reuseport K] [--bind-dev DEV]\n"
		"                  [--even-only] [--rcvbuf BYTES] [--hold-until PATH] [--timeout-ms MS]\n");
	exit(2);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void parse_addr(const char *opt, char *s, struct sockaddr_in *a)
{
	char *colon = strrchr(s, ':');

	a->sin_family = AF_INET;
	if (!colon)
		goto bad;
	*colon = 0;
	if (inet_pton(AF_INET, s, &a->sin_addr) != 1 || !atoi(colon + 1))
		goto bad;
	a->sin_port = htons(atoi(colon + 1));
	return;
bad:
	fprintf(stderr, "udp_server: %s wants IP:PORT, such as 10.9.0.2:9000\n", opt);
	exit(2);
}

/* One datagram of @len bytes in @buf, from @src, on socket @i. */
static void account(int i, const unsigned char *buf, ssize_t len,
		    const struct sockaddr_in *src)
{
	received++;
	per_sock[i]++;
	if (!pkt_payload_check(buf, len))
		intact++;
	if (!connected ||
	    (src->sin_addr.s_addr == peer_addr.sin_addr.s_addr &&
	     src->sin_port == peer_addr.sin_port))
		from++;
}

static void run_recvfrom(void)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	unsigned char buf[2048];
	struct sockaddr_in src;
	socklen_t slen;
	ssize_t len;

	if (setsockopt(fds[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("udp_server: SO_RCVTIMEO");
	while (received < count) {
		slen = sizeof(src);
		len = recvfrom(fds[0], buf, sizeof(buf), 0, (void *)&src, &slen);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			die("udp_server: recvfrom");
		}
		account(0, buf, len, &src);
	}
}

static void run_epoll(void)
{
	struct epoll_event ev, evs[MAX_SOCKS];
	unsigned char buf[2048];
	struct sockaddr_in src;
	socklen_t slen;
	int ep, i, n;
	ssize_t len;

	ep = epoll_create1(0);
	if (ep < 0)
		die("udp_server: epoll_create1");
	for (i = 0; i < nsocks; i++) {
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev))
			die("udp_server: epoll_ctl");
	}
	while (received < count) {
		n = epoll_wait(ep, evs, MAX_SOCKS, timeout_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("udp_server: epoll_wait");
		if (!n)
			return;
		for (i = 0; i < n; i++) {
			int s = evs[i].data.u32;

			for (;;) {
				slen = sizeof(src);
				len = recvfrom(fds[s], buf, sizeof(buf), MSG_DONTWAIT,
					       (void *)&src, &slen);
				if (len < 0)
					break;
				account(s, buf, len, &src);
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				die("udp_server: recvfrom");
		}
	}
	close(ep);
}

static void run_uring(void)
{
	struct __kernel_timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
	unsigned char buf[2048];
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct sockaddr_in src;
	struct io_uring ring;
	struct msghdr msg;
	struct iovec iov;
	int ret;

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret) {
		errno = -ret;
		die("udp_server: io_uring_queue_init");
	}
	while (received < count) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		msg.msg_name = &src;
		msg.msg_namelen = sizeof(src);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_recvmsg(sqe, fds[0], &msg, 0);
		io_uring_submit(&ring);
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		if (ret == -ETIME)
			break;
		if (ret) {
			errno = -ret;
			die("udp_server: io_uring_wait_cqe");
		}
		ret = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		if (ret < 0) {
			errno = -ret;
			die("udp_server: recvmsg");
		}
		account(0, buf, ret, &src);
	}
	/* A recvmsg still in flight goes with the ring. */
	io_uring_queue_exit(&ring);
}

/* Takes a datagram only when the low byte of its sequence number is even. */
static void attach_even_filter(int fd)
{
	/* at the UDP header: 8 bytes of it, then magic, flow, seq (LE) */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8 + offsetof(struct pkt_payload, seq)),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 1),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		die("udp_server: SO_ATTACH_FILTER");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "connect", required_argument, NULL, 'C' },
		{ "reuseport", required_argument, NULL, 'r' },
		{ "bind-dev", required_argument, NULL, 'd' },
		{ "even-only", no_argument, NULL, 'e' },
		{ "rcvbuf", required_argument, NULL, 'R' },
		{ "hold-until", required_argument, NULL, 'H' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode = "recvfrom", *dev = NULL, *hold = NULL;
	int opt, i, one = 1, even = 0, rcvbuf = 0, cpu = -1;
	socklen_t len = sizeof(cpu);
	unsigned long drops = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		switch (opt) {
		case 'b': parse_addr("--bind", optarg, &bind_addr); break;
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 'm': mode = optarg; break;
		case 'C': parse_addr("--connect", optarg, &peer_addr); connected = 1; break;
		case 'r': nsocks = atoi(optarg); break;
		case 'd': dev = optarg; break;
		case 'e': even = 1; break;
		case 'R': rcvbuf = atoi(optarg); break;
		case 'H': hold = optarg; break;
		case 't': timeout_ms = atoi(optarg); break;
		default: usage();
		}
	}
	if (!bind_addr.sin_port || !count || nsocks < 1 || nsocks > MAX_SOCKS ||
	    (strcmp(mode, "recvfrom") && strcmp(mode, "epoll") && strcmp(mode, "uring")) ||
	    (nsocks > 1 && strcmp(mode, "epoll")))
		usage();

	for (i = 0; i < nsocks; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[i] < 0)
			die("udp_server: socket");
		if (nsocks > 1 &&
		    setsockopt(fds[i], SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
			die("udp_server: SO_REUSEPORT");
		if (dev && setsockopt(fds[i], SOL_SOCKET, SO_BINDTODEVICE, dev, strlen(dev) + 1))
			die("udp_server: SO_BINDTODEVICE");
		/* past net.core.rmem_max when allowed to */
		if (rcvbuf &&
		    setsockopt(fds[i], SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) &&
		    setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)))
			die("udp_server: SO_RCVBUF");
		if (even)
			attach_even_filter(fds[i]);
		if (bind(fds[i], (void *)&bind_addr, sizeof(bind_addr)))
			die("udp_server: bind");
		if (connected && connect(fds[i], (void *)&peer_addr, sizeof(peer_addr)))
			die("udp_server: connect");
	}
	fprintf(stderr, "ready\n");
	/* at most a minute */
	for (i = 0; hold && access(hold, F_OK) && i < 6000; i++)
		usleep(10000);

	if (!strcmp(mode, "recvfrom"))
		run_recvfrom();
	else if (!strcmp(mode, "epoll"))
		run_epoll();
	else
		run_uring();

	if (getsockopt(fds[0], SOL_SOCKET, SO_INCOMING_CPU, &cpu, &len))
		die("udp_server: SO_INCOMING_CPU");
	printf("received=%lu intact=%lu from=%lu incoming_cpu=%d per_socket=",
	       received, intact, from, cpu);
	for (i = 0; i < nsocks; i++)
		printf("%s%lu", i ? "," : "", per_sock[i]);
	for (i = 0; i < nsocks; i++) {
		__u32 mem[SK_MEMINFO_VARS];

		len = sizeof(mem);
		if (getsockopt(fds[i], SOL_SOCKET, SO_MEMINFO, mem, &len))
			die("udp_server: SO_MEMINFO");
		drops += mem[SK_MEMINFO_DROPS];
	}
	printf(" drops=%lu\n", drops);
	return 0;
}
