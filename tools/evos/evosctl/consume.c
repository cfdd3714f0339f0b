// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl xsk consume: AF_XDP sockets on the queues of a device, put in the
 * "xsks" map of the loaded data path, read until stopped.
 *
 *   evosctl xsk consume DEV --queues N [--echo] [--count M] [--timeout S]
 *                       [--pcap FILE]
 *
 * One socket per queue, copy mode, one thread: every socket has a single
 * producer.  Waits sleep in poll().  With --echo each UDP datagram goes
 * back out of DEV to its sender; with --pcap every received frame is also
 * written to FILE (pcap format, before any echo).  Stops on SIGINT or SIGTERM, after M
 * packets, or after S seconds without a packet; then prints what each
 * queue received.
 */
#include <dirent.h>
#include <net/if.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include <bpf/bpf.h>

#include "evosctl.h"
#include "xsk.h"

#define MAX_QUEUES	64

struct queue_stats {
	unsigned long long packets, bytes, echoed;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The pinned "xsks" map of a loaded object. */
static int find_xsks(char *path, size_t size)
{
	char objs[4096];
	struct dirent *de;
	int fd = -1;
	DIR *dir;

	pin_path(objs, sizeof(objs), "objs");
	dir = opendir(objs);
	while (dir && (de = readdir(dir)) && fd < 0) {
		if (de->d_name[0] == '.' ||
		    fmt_path(path, size, "%s/%s/maps/xsks", objs, de->d_name))
			continue;
		fd = bpf_obj_get(path);
	}
	if (dir)
		closedir(dir);
	return fd;
}

/* Rx queues of @dev (ethtool channels), or -1 when the driver does not say. */
static int rx_queues(const char *dev)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = {};
	int fd, n = -1;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr))
		n = ch.rx_count + ch.combined_count;
	close(fd);
	return n;
}

/* Send an IPv4/UDP frame back: swap addresses and ports. */
static int echo_frame(unsigned char *p, __u32 len)
{
	unsigned char mac[6], addr[4], port[2];
	unsigned int ihl;

	if (len < 14 + 20 + 8 || p[12] != 0x08 || p[13] != 0x00 || p[23] != 17)
		return XSK_DONE;
	ihl = (p[14] & 0xf) * 4;
	if (ihl < 20 || len < 14 + ihl + 8)
		return XSK_DONE;
	memcpy(mac, p, 6);
	memcpy(p, p + 6, 6);
	memcpy(p + 6, mac, 6);
	memcpy(addr, p + 26, 4);
	memcpy(p + 26, p + 30, 4);
	memcpy(p + 30, addr, 4);
	memcpy(port, p + 14 + ihl, 2);
	memcpy(p + 14 + ihl, p + 14 + ihl + 2, 2);
	memcpy(p + 14 + ihl + 2, port, 2);
	return XSK_SEND;
}

struct rx_ctx {
	struct queue_stats *st;
	bool echo;
	FILE *pcap;
};

/* pcap: a global header, then a record header before each frame. */
static void pcap_start(FILE *f)
{
	const __u32 hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 /* Ethernet */ };

	fwrite(hdr, sizeof(hdr), 1, f);
}

static void pcap_write(FILE *f, const void *pkt, __u32 len)
{
	struct timespec ts;
	__u32 rec[4];

	clock_gettime(CLOCK_REALTIME, &ts);
	rec[0] = ts.tv_sec;
	rec[1] = ts.tv_nsec / 1000;
	rec[2] = len;
	rec[3] = len;
	fwrite(rec, sizeof(rec), 1, f);
	fwrite(pkt, len, 1, f);
}

static int on_packet(void *pkt, __u32 len, void *arg)
{
	struct rx_ctx *c = arg;

	c->st->packets++;
	c->st->bytes += len;
	if (c->pcap)
		pcap_write(c->pcap, pkt, len);
	if (c->echo && echo_frame(pkt, len) == XSK_SEND) {
		c->st->echoed++;
		return XSK_SEND;
	}
	return XSK_DONE;
}

static void print_stats(const char *dev, int nq, const struct queue_stats *st)
{
	unsigned long long total = 0;
	int q;

	for (q = 0; q < nq; q++)
		total += st[q].packets;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "device", dev);
		jsonw_uint_field(json_wtr, "packets", total);
		jsonw_name(json_wtr, "queues");
		jsonw_start_array(json_wtr);
		for (q = 0; q < nq; q++) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "queue", q);
			jsonw_uint_field(json_wtr, "packets", st[q].packets);
			jsonw_uint_field(json_wtr, "bytes", st[q].bytes);
			jsonw_uint_field(json_wtr, "echoed", st[q].echoed);
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		return;
	}
	printf("%s: %llu packets\n", dev, total);
	for (q = 0; q < nq; q++)
		printf("  queue %d: %llu packets, %llu bytes, %llu echoed\n", q,
		       st[q].packets, st[q].bytes, st[q].echoed);
}

static int do_consume(int argc, char **argv)
{
	static const char usage[] =
		"usage: evosctl xsk consume DEV --queues N [--echo] [--count M] [--timeout S] [--pcap FILE]";
	static const struct option options[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "echo", no_argument, NULL, 'e' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "pcap", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct queue_stats st[MAX_QUEUES] = {};
	struct pollfd pfd[MAX_QUEUES];
	struct xsk xsk[MAX_QUEUES];
	long nq = 0, count = 0, timeout = 0, idle_ms = 0;
	int ifindex, map_fd, opt, q, err = 0, opened = 0;
	unsigned long long total = 0;
	char map_path[4096], *end;
	const char *dev, *pcap_file = NULL;
	FILE *pcap = NULL;
	bool echo = false;

	if (argc < 1 || argv[0][0] == '-')
		return p_usage("%s", usage);
	dev = argv[0];
	optind = 0;
	while ((opt = getopt_long(argc, argv, "+", options, NULL)) >= 0) {
		switch (opt) {
		case 'q':
			nq = strtol(optarg, &end, 10);
			if (*end || nq < 1 || nq > MAX_QUEUES)
				return p_usage("--queues wants a number of queues from 1 to %d, not '%s'",
					       MAX_QUEUES, optarg);
			break;
		case 'e':
			echo = true;
			break;
		case 'p':
			pcap_file = optarg;
			break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || count < 1)
				return p_usage("--count wants a number of packets, not '%s'", optarg);
			break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 1)
				return p_usage("--timeout wants a number of seconds, not '%s'", optarg);
			break;
		default:
			return p_usage("%s", usage);
		}
	}
	if (optind != argc || !nq)
		return p_usage("%s", usage);

	ifindex = if_nametoindex(dev);
	if (!ifindex)
		return p_err("device '%s' not found; list devices with 'ip link', and run evosctl in the device's network namespace",
			     dev);
	if (rx_queues(dev) > 0 && nq > rx_queues(dev))
		return p_err("'%s' has %d rx queues, not %ld; give --queues %d or fewer",
			     dev, rx_queues(dev), nq, rx_queues(dev));
	map_fd = find_xsks(map_path, sizeof(map_path));
	if (map_fd < 0)
		return p_err("no loaded object has an xsks map; load the data path first: evosctl load build/bpf/evos_xdp.bpf.o");
	if (pcap_file) {
		pcap = fopen(pcap_file, "w");
		if (!pcap) {
			close(map_fd);
			return p_err("cannot write '%s': %s", pcap_file, strerror(errno));
		}
		pcap_start(pcap);
	}

	for (q = 0; q < nq; q++) {
		__u32 key = q;

		err = xsk_open(&xsk[q], ifindex, q, 4096, 2048);
		if (!err && bpf_map_update_elem(map_fd, &key, &xsk[q].fd, BPF_ANY))
			err = -errno;
		if (err) {
			p_err("cannot bind an AF_XDP socket to %s queue %d: %s", dev, q,
			      err == -EBUSY ? "another socket is bound there" : errno_hint(-err));
			xsk_close(&xsk[q]);
			break;
		}
		pfd[q].fd = xsk[q].fd;
		pfd[q].events = POLLIN;
		opened++;
	}
	if (!err) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		if (!json_output) {
			printf("consuming %s queues 0-%ld%s; stop with Ctrl-C\n", dev, nq - 1,
			       echo ? ", echoing" : "");
			fflush(stdout);
		}
	}
	while (!err && !stop && (!count || (long)total < count) &&
	       (!timeout || idle_ms < timeout * 1000)) {
		int n = poll(pfd, nq, 100);

		if (n <= 0) {
			idle_ms += 100;
			continue;
		}
		idle_ms = 0;
		for (q = 0; q < nq; q++) {
			struct rx_ctx c = { .st = &st[q], .echo = echo, .pcap = pcap };

			if (pfd[q].revents & POLLIN)
				total += xsk_recv(&xsk[q], on_packet, &c);
		}
	}
	for (q = 0; q < opened; q++) {
		__u32 key = q;

		bpf_map_delete_elem(map_fd, &key);
		xsk_close(&xsk[q]);
	}
	close(map_fd);
	if (pcap)
		fclose(pcap);
	if (err)
		return 1;
	print_stats(dev, nq, st);
	return 0;
}

static int do_xsk_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return print_help("Usage: evosctl xsk consume DEV --queues N [--echo] [--count M] [--timeout S]\n"
			  "                           [--pcap FILE]\n"
			  "\n"
			  "Binds an AF_XDP socket (copy mode) to each of the first N rx queues of\n"
			  "DEV, puts it in the xsks map of the loaded data path, and reads until\n"
			  "Ctrl-C, M packets, or S seconds without a packet.  --echo sends each\n"
			  "UDP datagram back to its sender; --pcap writes every frame to FILE.\n");
}

int do_xsk(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "consume",	do_consume },
		{ "help",	do_xsk_help },
		{ NULL,		NULL },
	};

	return cmd_select(cmds, argc, argv, do_xsk_help, "xsk ");
}
