// SPDX-License-Identifier: GPL-2.0
/*
 * udp-pingpong: a UDP exchange whose every byte is checked, for proving
 * that forwarded (and NATed) datagrams arrive intact in both directions.
 *
 *   udp-pingpong serve PORT                 echo every datagram back
 *   udp-pingpong send ADDR PORT COUNT SIZE [OPTIONS]
 *                                           send COUNT datagrams of SIZE
 *                                           bytes one at a time, each
 *                                           waiting for its echo
 *
 * Options of send:
 *   --sport P   bind to local port P (to reuse a known 5-tuple)
 *   --ttl N     IPv4 TTL / IPv6 hop limit of the datagrams
 *   --df        set DF / do not fragment locally (path MTU discovery on)
 *   --nodf      allow fragmentation (path MTU discovery off)
 *   --noecho    fire and forget: send COUNT datagrams, expect no echo
 *
 * Each datagram carries its sequence number and a payload derived from it;
 * the sender checks every echo byte for byte.  Lost datagrams are resent
 * (up to 5 times each); a corrupted one fails the run.  The sender prints
 * "sent N echoed N resent N corrupt N" and exits 0 only when every
 * datagram came back intact.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tool.h"

#define MAX_SIZE 65507

static void fill(uint8_t *buf, size_t size, uint32_t seq)
{
	memcpy(buf, &seq, sizeof(seq));
	fill_pattern(buf, sizeof(seq), size, seq * 2654435761u + 12345);
}

static int serve(const char *port)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_PASSIVE };
	static uint8_t buf[MAX_SIZE];
	struct sockaddr_storage peer;
	struct addrinfo *ai;
	int fd, off = 0;

	if (getaddrinfo(NULL, port, &hints, &ai)) {
		perror("getaddrinfo");
		return 2;
	}
	fd = socket(ai->ai_family, ai->ai_socktype, 0);
	/* One socket for both families: IPv4 arrives as mapped addresses. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen)) {
		perror("bind");
		return 2;
	}
	for (;;) {
		socklen_t len = sizeof(peer);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&peer, &len);

		if (n >= 0)
			sendto(fd, buf, n, 0, (struct sockaddr *)&peer, len);
	}
}

struct send_opts {
	int sport;
	int ttl;
	int pmtu;	/* -1: system default */
	int noecho;
};

static int set_opts(int fd, int family, const struct send_opts *o)
{
	int v6 = family == AF_INET6;

	if (o->ttl >= 0 &&
	    setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       v6 ? IPV6_UNICAST_HOPS : IP_TTL, &o->ttl, sizeof(o->ttl)))
		return -1;
	if (o->pmtu >= 0) {
		int v = v6 ? (o->pmtu ? IPV6_PMTUDISC_DO : IPV6_PMTUDISC_DONT) :
			     (o->pmtu ? IP_PMTUDISC_DO : IP_PMTUDISC_DONT);

		if (setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
			       v6 ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER,
			       &v, sizeof(v)))
			return -1;
	}
	if (o->sport > 0) {
		struct sockaddr_storage ss = { 0 };
		socklen_t len;
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (v6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons(o->sport);
			len = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			s4->sin_port = htons(o->sport);
			len = sizeof(*s4);
		}
		if (bind(fd, (struct sockaddr *)&ss, len))
			return -1;
	}
	return 0;
}

static int send_all(const char *addr, const char *port, long count, long size,
		    const struct send_opts *o)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	static uint8_t out[MAX_SIZE], in[MAX_SIZE];
	long seq, echoed = 0, resent = 0, corrupt = 0;
	struct addrinfo *ai;
	int fd;

	if (size < 8 || size > MAX_SIZE || count < 1) {
		fprintf(stderr, "bad COUNT or SIZE\n");
		return 2;
	}
	if (getaddrinfo(addr, port, &hints, &ai)) {
		perror("getaddrinfo");
		return 2;
	}
	fd = socket(ai->ai_family, ai->ai_socktype, 0);
	if (fd < 0 || set_opts(fd, ai->ai_family, o) ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		perror("socket setup");
		return 2;
	}

	if (o->noecho) {
		long sent = 0;

		for (seq = 0; seq < count; seq++) {
			fill(out, size, (uint32_t)seq);
			if (send(fd, out, size, 0) == size)
				sent++;
			else
				perror("send");
		}
		printf("sent %ld of %ld (no echo expected)\n", sent, count);
		return 0;
	}

	for (seq = 0; seq < count; seq++) {
		int tries;

		fill(out, size, (uint32_t)seq);
		for (tries = 0; tries < 6; tries++) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			ssize_t n;

			if (tries)
				resent++;
			if (send(fd, out, size, 0) != size)
				continue;
			/* Drain until our echo, or give up on this try. */
			while (poll(&pfd, 1, 1000) == 1) {
				uint32_t got;

				n = recv(fd, in, sizeof(in), 0);
				if (n < 4)
					continue;
				memcpy(&got, in, sizeof(got));
				if (got != (uint32_t)seq)
					continue;	/* late echo of a resend */
				if (n != size || memcmp(in, out, size))
					corrupt++;
				else
					echoed++;
				goto next;
			}
		}
		break;
next:
		;
	}
	printf("sent %ld echoed %ld resent %ld corrupt %ld\n",
	       seq, echoed, resent, corrupt);
	return echoed == count && !corrupt ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc >= 6 && !strcmp(argv[1], "send")) {
		struct send_opts o = { .ttl = -1, .pmtu = -1 };
		int i;

		for (i = 6; i < argc; i++) {
			if (!strcmp(argv[i], "--sport") && i + 1 < argc)
				o.sport = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--ttl") && i + 1 < argc)
				o.ttl = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--df"))
				o.pmtu = 1;
			else if (!strcmp(argv[i], "--nodf"))
				o.pmtu = 0;
			else if (!strcmp(argv[i], "--noecho"))
				o.noecho = 1;
			else
				goto usage;
		}
		return send_all(argv[2], argv[3], atol(argv[4]), atol(argv[5]),
				&o);
	}
usage:
	fprintf(stderr, "usage: udp-pingpong serve PORT | send ADDR PORT COUNT SIZE [--sport P] [--ttl N] [--df|--nodf] [--noecho]\n");
	return 2;
}
