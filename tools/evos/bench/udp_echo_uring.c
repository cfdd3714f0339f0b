// SPDX-License-Identifier: GPL-2.0
/*
 * udp_echo_uring - the baseline UDP echo server of the round-trip
 * benchmark: io_uring (liburing), one recvmsg in flight, each datagram
 * sent back to its sender.
 *
 *   udp_echo_uring ADDR PORT COUNT
 *
 * Exits after echoing COUNT datagrams.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET }, peer;
	struct iovec iov;
	struct msghdr msg = {};
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char buf[2048];
	long count, done = 0;
	int fd, ret;

	if (argc != 4) {
		fprintf(stderr, "usage: udp_echo_uring ADDR PORT COUNT\n");
		return 2;
	}
	addr.sin_port = htons(atoi(argv[2]));
	count = atol(argv[3]);
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 || count < 1) {
		fprintf(stderr, "udp_echo_uring: bad address or count\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("udp_echo_uring: socket");
		return 1;
	}
	ret = io_uring_queue_init(8, &ring, 0);
	if (ret) {
		fprintf(stderr, "udp_echo_uring: io_uring: %s\n", strerror(-ret));
		return 1;
	}
	iov.iov_base = buf;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_name = &peer;
	while (done < count) {
		/* Receive one datagram... */
		iov.iov_len = sizeof(buf);
		msg.msg_namelen = sizeof(peer);
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_recvmsg(sqe, fd, &msg, 0);
		io_uring_submit(&ring);
		if (io_uring_wait_cqe(&ring, &cqe) || cqe->res < 0)
			break;
		iov.iov_len = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		/* ... and send it back. */
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_sendmsg(sqe, fd, &msg, 0);
		io_uring_submit(&ring);
		if (io_uring_wait_cqe(&ring, &cqe) || cqe->res < 0)
			break;
		io_uring_cqe_seen(&ring, cqe);
		done++;
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return done == count ? 0 : 1;
}
