// SPDX-License-Identifier: GPL-2.0
/*
 * pcap_check - check the frames of a pcap file written by "evosctl xsk
 * consume --pcap": each must carry an intact selftest payload (pktgen),
 * with a sequence number below COUNT, seen once.
 *
 *   pcap_check FILE COUNT
 *
 * Prints "frames N bad B" and exits 0 when there are COUNT good frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_payload.h"

int main(int argc, char **argv)
{
	unsigned char frame[65536], *seen;
	unsigned int hdr[6], rec[4];
	long frames = 0, bad = 0;
	unsigned long count;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: pcap_check FILE COUNT\n");
		return 2;
	}
	count = strtoul(argv[2], NULL, 0);
	seen = calloc(count ? count : 1, 1);
	f = fopen(argv[1], "r");
	if (!f || !seen || fread(hdr, sizeof(hdr), 1, f) != 1 || hdr[0] != 0xa1b2c3d4) {
		fprintf(stderr, "pcap_check: %s is not a pcap file\n", argv[1]);
		return 2;
	}
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		if (rec[2] > sizeof(frame) || fread(frame, rec[2], 1, f) != 1) {
			bad++;
			break;
		}
		frames++;
		if (pkt_frame_check(frame, rec[2], seen, count))
			bad++;
	}
	fclose(f);
	printf("frames %ld bad %ld\n", frames, bad);
	return frames == (long)count && !bad ? 0 : 1;
}
