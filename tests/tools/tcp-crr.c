// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-crr: many short TCP connections one after the other (connect,
 * request, response, close), for the benchmark's connection-rate run.
 *
 *   tcp-crr serve PORT [COUNT]         answer each connection: read SIZE
 *                                      bytes (the first 4 say SIZE), send
 *                                      them back, close; exit after COUNT
 *                                      connections (default: never)
 *   tcp-crr run ADDR PORT COUNT SIZE   COUNT connections in a row, each
 *                                      sending SIZE bytes (4..65536) and
 *                                      checking the echo byte for byte
 *
 * run prints "connections N failed N seconds S rate R/s" and exits 0 only
 * when every connection completed with its echo intact.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tool.h"

#define MAX_SIZE 65536

static int full_io(int fd, uint8_t *buf, size_t len, int wr)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = wr ? write(fd, buf + done, len - done) :
			 read(fd, buf + done, len - done);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static void fill(uint8_t *buf, uint32_t size, uint32_t seq)
{
	memcpy(buf, &size, sizeof(size));
	fill_pattern(buf, sizeof(size), size, seq * 2654435761u + 7);
}

static int serve(const char *port, long count)
{
	struct addrinfo hints = { .ai_family = AF_INET6,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	static uint8_t buf[MAX_SIZE];
	struct addrinfo *ai;
	int fd, c, on = 1, off = 0;
	uint32_t size;

	signal(SIGPIPE, SIG_IGN);
	if (getaddrinfo(NULL, port, &hints, &ai)) {
		fprintf(stderr, "tcp-crr: bad port %s\n", port);
		return 2;
	}
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 128)) {
		perror("tcp-crr: listen");
		return 1;
	}
	freeaddrinfo(ai);
	while (count < 0 || count-- > 0) {
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (!full_io(c, buf, sizeof(size), 0)) {
			memcpy(&size, buf, sizeof(size));
			if (size >= sizeof(size) && size <= MAX_SIZE &&
			    !full_io(c, buf + sizeof(size), size - sizeof(size), 0))
				full_io(c, buf, size, 1);
		}
		close(c);
	}
	close(fd);
	return 0;
}

/* One connection; 0 when the echo came back intact. */
static int one(const struct addrinfo *ai, uint32_t size, uint32_t seq)
{
	static uint8_t tx[MAX_SIZE], rx[MAX_SIZE];
	int fd, on = 1, ok = -1;

	fill(tx, size, seq);
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (!connect(fd, ai->ai_addr, ai->ai_addrlen) &&
	    !full_io(fd, tx, size, 1) && !full_io(fd, rx, size, 0) &&
	    !memcmp(tx, rx, size))
		ok = 0;
	close(fd);
	return ok;
}

static int run(const char *addr, const char *port, long count, long size)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	long i, failed = 0;
	double t0, t;

	if (count < 1 || size < 4 || size > MAX_SIZE) {
		fprintf(stderr, "tcp-crr: COUNT >= 1, SIZE 4..%d\n", MAX_SIZE);
		return 2;
	}
	if (getaddrinfo(addr, port, &hints, &ai)) {
		fprintf(stderr, "tcp-crr: bad address %s port %s\n", addr, port);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	t0 = now_s();
	for (i = 0; i < count; i++)
		if (one(ai, (uint32_t)size, (uint32_t)i))
			failed++;
	t = now_s() - t0;
	freeaddrinfo(ai);
	printf("connections %ld failed %ld seconds %.3f rate %.0f/s\n", count,
	       failed, t, t > 0 ? count / t : 0.0);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "serve"))
		return serve(argv[2], argc == 4 ? atol(argv[3]) : -1);
	if (argc == 6 && !strcmp(argv[1], "run"))
		return run(argv[2], argv[3], atol(argv[4]), atol(argv[5]));
	fprintf(stderr, "usage: tcp-crr serve PORT [COUNT]\n"
			"       tcp-crr run ADDR PORT COUNT SIZE\n");
	return 2;
}
