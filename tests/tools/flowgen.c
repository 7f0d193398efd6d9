// SPDX-License-Identifier: GPL-2.0
/*
 * flowgen: many short UDP flows, fast, for churning a flow table.
 *
 *   flowgen IFACE DSTMAC SRC_BASE NSRC PORT_LO PORT_HI DST DPORT [PASSES [CHUNK]]
 *
 * Writes IPv4/UDP frames with AF_PACKET on IFACE (source MAC: IFACE's own)
 * to DSTMAC, from NSRC source addresses counting up from SRC_BASE and
 * every source port PORT_LO..PORT_HI, to DST:DPORT.  The tuples are taken
 * CHUNK at a time (default: all at once); each chunk gets PASSES passes
 * (default 2), one datagram per tuple each, so a router sees each tuple's
 * first datagram (conntrack creates and confirms the entry) before its
 * second (which an nftables `flow add` then offloads), and on a slow
 * kernel no sooner than CHUNK tuples later, and not so much later that
 * the entry expired.  Frames go out in batches with sendmmsg().
 *
 * Prints "sent N frames, T tuples x P passes, S s, R frames/s" and exits
 * 0 when every frame was accepted by the socket.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define BATCH		256
#define PAYLOAD		16
#define FRAME_LEN	(14 + 20 + 8 + PAYLOAD)

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint32_t sum_bytes(const uint8_t *p, size_t n, uint32_t s)
{
	while (n > 1) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		n -= 2;
	}
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t sum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The frame of tuple @src:@sport -> @dst:@dport, IP ID @id. */
static void build(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
		  uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
		  uint16_t id)
{
	uint8_t *h = f + 14, *u = h + 20;
	uint32_t s;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, 0x0800);
	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, 20 + 8 + PAYLOAD);
	put16(h + 4, id);
	put16(h + 6, 0x4000);
	h[8] = 64;
	h[9] = 17;
	put16(h + 10, 0);
	memcpy(h + 12, &src, 4);
	memcpy(h + 16, &dst, 4);
	put16(h + 10, sum_fold(sum_bytes(h, 20, 0)));

	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, 8 + PAYLOAD);
	put16(u + 6, 0);
	memset(u + 8, 'f', PAYLOAD);
	s = sum_bytes(h + 12, 8, 17 + 8 + PAYLOAD);
	s = sum_fold(sum_bytes(u, 8 + PAYLOAD, s));
	put16(u + 6, s ? (uint16_t)s : 0xffff);
}

/* Send frames 0..n-1 of the batch, waiting out a full transmit queue. */
static int send_all(int fd, struct mmsghdr *msg, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n;) {
		int r = sendmmsg(fd, msg + i, n - i, 0);

		if (r < 0 && errno == ENOBUFS) {
			usleep(1000);
			continue;
		}
		if (r <= 0) {
			perror("sendmmsg");
			return 1;
		}
		i += (unsigned int)r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t frames[BATCH][FRAME_LEN];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	unsigned long nsrc, lo, hi, passes = 2, sent = 0, tuples, chunk;
	unsigned long start, end, t, nports;
	uint8_t dmac[6], smac[6];
	struct in_addr base, dst;
	struct ifreq ifr = { 0 };
	unsigned int n = 0, i;
	unsigned long pass;
	uint16_t id = 0, dport;
	double t0, dt;
	int fd;

	if (argc < 9 || argc > 11 || parse_mac(argv[2], dmac) ||
	    inet_pton(AF_INET, argv[3], &base) != 1 ||
	    inet_pton(AF_INET, argv[7], &dst) != 1) {
		fprintf(stderr, "usage: flowgen IFACE DSTMAC SRC_BASE NSRC PORT_LO PORT_HI DST DPORT [PASSES [CHUNK]]\n");
		return 2;
	}
	nsrc = strtoul(argv[4], NULL, 0);
	lo = strtoul(argv[5], NULL, 0);
	hi = strtoul(argv[6], NULL, 0);
	dport = (uint16_t)strtoul(argv[8], NULL, 0);
	if (argc >= 10)
		passes = strtoul(argv[9], NULL, 0);
	if (!nsrc || lo > hi || hi > 65535) {
		fprintf(stderr, "flowgen: bad NSRC or port range\n");
		return 2;
	}
	nports = hi - lo + 1;
	tuples = nsrc * nports;
	chunk = argc == 11 ? strtoul(argv[10], NULL, 0) : tuples;
	if (!chunk)
		chunk = tuples;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0 || strlen(argv[1]) >= sizeof(ifr.ifr_name)) {
		perror("socket(AF_PACKET)");
		return 2;
	}
	strcpy(ifr.ifr_name, argv[1]);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		perror(argv[1]);
		return 2;
	}
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("SIOCGIFHWADDR");
		return 2;
	}
	memcpy(smac, ifr.ifr_hwaddr.sa_data, 6);
	memcpy(sll.sll_addr, dmac, 6);

	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = frames[i];
		iov[i].iov_len = FRAME_LEN;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &sll;
		msg[i].msg_hdr.msg_namelen = sizeof(sll);
	}

	t0 = now_s();
	for (start = 0; start < tuples; start += chunk) {
		end = start + chunk < tuples ? start + chunk : tuples;
		for (pass = 0; pass < passes; pass++) {
			for (t = start; t < end; t++) {
				uint32_t src = htonl(ntohl(base.s_addr) +
						     (uint32_t)(t / nports));
				uint16_t port = (uint16_t)(lo + t % nports);

				build(frames[n++], dmac, smac, src, port,
				      dst.s_addr, dport, id++);
				if (n < BATCH && !(end == tuples &&
						   pass == passes - 1 &&
						   t == end - 1))
					continue;
				if (send_all(fd, msg, n))
					return 1;
				sent += n;
				n = 0;
			}
		}
	}
	dt = now_s() - t0;
	printf("sent %lu frames, %lu tuples x %lu passes, %.2f s, %.0f frames/s\n",
	       sent, tuples, passes, dt, dt > 0 ? sent / dt : 0.0);
	return sent == tuples * passes ? 0 : 1;
}
