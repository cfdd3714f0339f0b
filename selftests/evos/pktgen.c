// SPDX-License-Identifier: GPL-2.0
/*
 * pktgen - send numbered UDP datagrams for the EvOS selftests.
 *
 *   pktgen --dst IP --port PORT --count N [--flows F] [--size BYTES]
 *          [--sport BASE]
 *
 * Datagram i goes from source port BASE + (i % F); its payload starts with
 * struct pkt_payload (sequence number and flow) and is padded to BYTES
 * with a pattern derived from the sequence number, so receivers can check
 * payloads byte for byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pkt_payload.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: pktgen --dst IP --port PORT --count N [--flows F] [--size BYTES] [--sport BASE]\n");
	exit(2);
}

static unsigned long num(const char *opt, const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !*s || v > max) {
		fprintf(stderr, "pktgen: %s wants a number up to %lu, not '%s'\n",
			opt, max, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "flows", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "sport", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long count = 0, flows = 1, size = sizeof(struct pkt_payload);
	unsigned long port = 0, sport = 20000, i, f;
	unsigned char buf[1472];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	const char *dst_ip = NULL;
	int opt, *fds;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		switch (opt) {
		case 'd': dst_ip = optarg; break;
		case 'p': port = num("--port", optarg, 65535); break;
		case 'c': count = num("--count", optarg, 100000000); break;
		case 'f': flows = num("--flows", optarg, 1024); break;
		case 's': size = num("--size", optarg, sizeof(buf)); break;
		case 'S': sport = num("--sport", optarg, 65535); break;
		default: usage();
		}
	}
	if (!dst_ip || !port || !flows || size < sizeof(struct pkt_payload))
		usage();
	if (inet_pton(AF_INET, dst_ip, &dst.sin_addr) != 1) {
		fprintf(stderr, "pktgen: '%s' is not an IPv4 address\n", dst_ip);
		return 2;
	}
	dst.sin_port = htons(port);

	fds = calloc(flows, sizeof(*fds));
	if (!fds)
		return 1;
	for (f = 0; f < flows; f++) {
		struct sockaddr_in src = {
			.sin_family = AF_INET,
			.sin_port = htons(sport + f),
		};

		fds[f] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[f] < 0 || bind(fds[f], (void *)&src, sizeof(src))) {
			perror("pktgen: socket");
			return 1;
		}
	}
	for (i = 0; i < count; i++) {
		f = i % flows;
		pkt_payload_fill(buf, size, i, f);
		while (sendto(fds[f], buf, size, 0, (void *)&dst, sizeof(dst)) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("pktgen: sendto");
				return 1;
			}
			usleep(100);
		}
	}
	return 0;
}
