// SPDX-License-Identifier: GPL-2.0
/*
 * udp_rtt - UDP round trips, one at a time: send a datagram, wait for it
 * to come back, and print the p50 and p99 round-trip times (ns) as JSON.
 *
 *   udp_rtt ADDR PORT COUNT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct pollfd pfd = { .events = POLLIN };
	long count, i, n = 0, lost = 0;
	char buf[64] = "evos-rtt", in[2048];
	long long *rtt, t0;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: udp_rtt ADDR PORT COUNT\n");
		return 2;
	}
	dst.sin_port = htons(atoi(argv[2]));
	count = atol(argv[3]);
	rtt = calloc(count > 0 ? count : 1, sizeof(*rtt));
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1 || count < 1 || !rtt) {
		fprintf(stderr, "udp_rtt: bad address or count\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		perror("udp_rtt: socket");
		return 1;
	}
	pfd.fd = fd;
	for (i = 0; i < count; i++) {
		t0 = now_ns();
		if (send(fd, buf, sizeof(buf), 0) < 0 || poll(&pfd, 1, 1000) != 1 ||
		    recv(fd, in, sizeof(in), 0) < 0) {
			lost++;
			continue;
		}
		rtt[n++] = now_ns() - t0;
	}
	if (!n) {
		fprintf(stderr, "udp_rtt: no datagram came back\n");
		return 1;
	}
	qsort(rtt, n, sizeof(*rtt), cmp_ll);
	printf("{\"samples\": %ld, \"lost\": %ld, \"p50_ns\": %lld, \"p99_ns\": %lld}\n",
	       n, lost, rtt[n / 2], rtt[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1]);
	return lost ? 1 : 0;
}
