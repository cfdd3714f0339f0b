// SPDX-License-Identifier: GPL-2.0
/*
 * ts_tail_call - a program whose type-state rules deliver the packet
 * returns XDP_DROP, as the rules require; a program that tail-called it
 * from a function, through a chain, or from an extension gets control back
 * and returns XDP_PASS.  The hook must drop the packet anyway: each
 * datagram reaches the socket once, and kernel.bpf_evos_udp_overridden
 * counts each verdict it overrode.  Driven by test_ts_tail_call.sh.
 *
 *   ts_tail_call NS_PEER NS_EVOS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ts_tail_call.skel.h"
#include "testlib.h"

#define OVERRIDDEN	"/proc/sys/kernel/bpf_evos_udp_overridden"
#define COUNT		200

static const char *ns_peer, *ns_evos;

static int put(struct bpf_map *map, struct bpf_program *prog)
{
	int fd = bpf_program__fd(prog);
	__u32 key = 0;

	return bpf_map_update_elem(bpf_map__fd(map), &key, &fd, 0) ? -errno : 0;
}

/* Datagrams on @fd until none came for 500 ms (at most 10 s in all). */
static long drain(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[2048];
	long n = 0;
	int i;

	for (i = 0; i < 20 && poll(&p, 1, 500) > 0; i++)
		while (recv(fd, buf, sizeof(buf), 0) >= 0)
			n++;
	return n;
}

/*
 * Attach @top to b0, send COUNT datagrams, and check that each reached
 * the socket once, delivered by "rules", with @overrides verdicts
 * overridden.
 */
static void run_case(struct ts_tail_call *skel, struct bpf_program *top,
		     const char *how, long overrides, int sock)
{
	long long over0 = sysctl_read(OVERRIDDEN);
	__u64 delivered0 = skel->bss->delivered;
	long got, over, delivered;
	int ifindex, err;

	ifindex = xdp_attach_in_ns(ns_evos, "b0", bpf_program__fd(top), ns_evos);
	if (!tap_ok(ifindex > 0, "%s: attached to b0", how))
		return;
	err = send_from_ns(ns_peer, 0, COUNT, 1);
	got = drain(sock);
	xdp_detach_in_ns(ns_evos, ifindex, ns_evos);
	delivered = skel->bss->delivered - delivered0;
	over = sysctl_read(OVERRIDDEN) - over0;
	tap_ok(!err && got == COUNT && delivered == COUNT && over == overrides,
	       "%s: %d sent, %ld received, %ld delivered by the lean path, %ld verdicts overridden (want %d, %d, %ld)",
	       how, COUNT, got, delivered, over, COUNT, COUNT, overrides);
}

int main(int argc, char **argv)
{
	struct ts_tail_call *skel, *ext = NULL;
	struct bpf_link *link = NULL;
	int sock, err;

	if (argc != 3) {
		fprintf(stderr, "usage: ts_tail_call NS_PEER NS_EVOS\n");
		return 2;
	}
	ns_peer = argv[1];
	ns_evos = argv[2];
	if (enter_ns(ns_evos)) {
		perror("ts_tail_call: setup");
		return 2;
	}
	tap_plan(11);
	sock = udp_socket();
	skel = ts_tail_call__open_and_load();
	if (!tap_ok(skel && sock >= 0, "the programs load and the socket is bound"))
		return tap_exit();
	err = put(skel->maps.jmp_func, skel->progs.rules) ?:
	      put(skel->maps.jmp_outer, skel->progs.hop) ?:
	      put(skel->maps.jmp_inner, skel->progs.rules) ?:
	      put(skel->maps.jmp_ext, skel->progs.rules);
	tap_ok(!err, "the program arrays take the programs (%d)", err);

	/* The extension replaces ext_point() of the loaded ext_top. */
	ext = ts_tail_call__open();
	err = ext ? 0 : -errno;
	if (!err) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, ext->obj)
			bpf_program__set_autoload(prog, prog == ext->progs.ext_tail);
		bpf_program__set_attach_target(ext->progs.ext_tail,
					       bpf_program__fd(skel->progs.ext_top),
					       "ext_point");
		err = bpf_map__reuse_fd(ext->maps.jmp_ext, bpf_map__fd(skel->maps.jmp_ext)) ?:
		      ts_tail_call__load(ext);
	}
	if (!err) {
		link = bpf_program__attach_freplace(ext->progs.ext_tail,
						    bpf_program__fd(skel->progs.ext_top),
						    "ext_point");
		err = link ? 0 : -errno;
	}
	tap_ok(!err, "an extension that tail-calls replaces ext_point() (%d)", err);

	run_case(skel, skel->progs.rules, "the rules program itself", 0, sock);
	run_case(skel, skel->progs.func_top, "tail-called from a function", COUNT, sock);
	run_case(skel, skel->progs.chain_top, "tail-called by a program tail-called from a function",
		 COUNT, sock);
	if (link)
		run_case(skel, skel->progs.ext_top, "tail-called from an extension", COUNT, sock);
	else
		tap_ok(false, "tail-called from an extension: no extension");

	bpf_link__destroy(link);
	ts_tail_call__destroy(ext);
	ts_tail_call__destroy(skel);
	close(sock);
	return tap_exit();
}
