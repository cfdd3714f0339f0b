// SPDX-License-Identifier: GPL-2.0
/*
 * rawgen - send IPv4/UDP frames that an ordinary socket cannot, through
 * AF_PACKET, for the lean UDP tests: a wrong UDP checksum, IP options, a
 * broadcast destination.
 *
 *   rawgen --dev DEV --dst-mac MAC --src IP --dst IP --port PORT --count N
 *          [--sport PORT] [--bad-udp-csum] [--ip-options]
 *
 * Datagram i carries the payload of pktgen's datagram i (pkt_payload.h).
 * --ip-options adds four NOP options (a 24-byte header).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pkt_payload.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: rawgen --dev DEV --dst-mac MAC --src IP --dst IP --port PORT --count N\n"
		"              [--sport PORT] [--bad-udp-csum] [--ip-options]\n");
	exit(2);
}

static uint32_t sum16(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (b[i] << 8) | b[i + 1];
	if (len & 1)
		sum += b[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'D' },
		{ "port", required_argument, NULL, 'p' },
		{ "sport", required_argument, NULL, 'S' },
		{ "count", required_argument, NULL, 'c' },
		{ "bad-udp-csum", no_argument, NULL, 'b' },
		{ "ip-options", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dev = NULL, *mac = NULL, *src = NULL, *dst = NULL;
	unsigned long count = 0, port = 0, sport = 20000, i;
	int opt, fd, bad = 0, options = 0;
	unsigned char frame[128];
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	struct ether_header *eth = (void *)frame;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	struct ifreq ifr = {};
	unsigned int m[6];
	size_t ihl, len;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'm': mac = optarg; break;
		case 's': src = optarg; break;
		case 'D': dst = optarg; break;
		case 'p': port = strtoul(optarg, NULL, 0); break;
		case 'S': sport = strtoul(optarg, NULL, 0); break;
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 'b': bad = 1; break;
		case 'o': options = 1; break;
		default: usage();
		}
	}
	if (!dev || !mac || !src || !dst || !port || port > 65535 || !count ||
	    sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		usage();

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("rawgen: socket");
		return 1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		fprintf(stderr, "rawgen: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	ll.sll_ifindex = if_nametoindex(dev);
	ll.sll_halen = ETH_ALEN;
	for (i = 0; i < 6; i++)
		eth->ether_dhost[i] = ll.sll_addr[i] = m[i];
	memcpy(eth->ether_shost, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	eth->ether_type = htons(ETHERTYPE_IP);

	ihl = options ? 6 : 5;
	udp = (void *)((uint8_t *)ip + ihl * 4);
	len = sizeof(*udp) + sizeof(struct pkt_payload);
	memset(ip, 0, ihl * 4);
	ip->version = 4;
	ip->ihl = ihl;
	ip->tot_len = htons(ihl * 4 + len);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	if (inet_pton(AF_INET, src, &ip->saddr) != 1 ||
	    inet_pton(AF_INET, dst, &ip->daddr) != 1)
		usage();
	if (options)
		memset(ip + 1, IPOPT_NOP, 4);
	ip->check = fold(sum16(ip, ihl * 4, 0));

	for (i = 0; i < count; i++) {
		uint32_t sum;

		udp->source = htons(sport);
		udp->dest = htons(port);
		udp->len = htons(len);
		udp->check = 0;
		pkt_payload_fill((unsigned char *)(udp + 1), sizeof(struct pkt_payload), i, 0);
		sum = sum16(&ip->saddr, 8, IPPROTO_UDP + len);
		udp->check = fold(sum16(udp, len, sum)) ?: 0xffff;
		/* wrong, and not 0, which would mean "no checksum" */
		if (bad)
			udp->check = udp->check == htons(0x0101) ? htons(0x0202) :
				     udp->check ^ htons(0x0101);
		if (sendto(fd, frame, sizeof(*eth) + ihl * 4 + len, 0, (void *)&ll, sizeof(ll)) < 0) {
			perror("rawgen: sendto");
			return 1;
		}
	}
	return 0;
}
