// SPDX-License-Identifier: GPL-2.0
/*
 * Header parser: hand-made packets for every verdict, lengths off by one
 * on both sides, and the pull-and-retry contract.
 */
#include "../../src/logic/csum.c"
#include "../../src/logic/parse.c"
#include "pktbuild.h"

/*
 * The tests below edit header fields of built packets freely; the copy the
 * parser sees gets a correct IPv4 header checksum, unless a test turns
 * this off to check the checksum verdict itself.
 */
static bool fix_ipv4_csum = true;

static void ipv4_set_csum(u8 *b)
{
	put16(b + 10, 0);
	put16(b + 10, ref_csum(ref_sum(b, 20)));
}

/*
 * Parse @pkt (@pkt_len bytes) with only @hlen bytes readable: they are
 * copied into a heap block of exactly that size, so AddressSanitizer
 * catches any read past @hlen.
 */
static enum nfo_verdict parse_h(int family, const u8 *pkt,
				unsigned int pkt_len, unsigned int hlen,
				struct nfo_pkt *p)
{
	unsigned int n = hlen < pkt_len ? hlen : pkt_len;
	enum nfo_verdict v;
	u8 *copy = malloc(n ? n : 1);

	memcpy(copy, pkt, n);
	if (family == 4 && fix_ipv4_csum && n >= 20)
		ipv4_set_csum(copy);
	memset(p, 0xa5, sizeof(*p));
	if (family == 4)
		v = nfo_parse_ipv4(copy, hlen, pkt_len, p);
	else
		v = nfo_parse_ipv6(copy, hlen, pkt_len, p);
	free(copy);
	return v;
}

static enum nfo_verdict parse(int family, const u8 *pkt,
			      unsigned int pkt_len, struct nfo_pkt *p)
{
	return parse_h(family, pkt, pkt_len, pkt_len, p);
}

/*
 * A valid IPv4 packet: 20-byte header, TCP (doff 5) or UDP header, then
 * @payload bytes.  Returns the length.
 */
static unsigned int mk4(u8 *b, u8 proto, unsigned int payload)
{
	unsigned int l4 = proto == 17 ? 8 : 20;
	unsigned int len = 20 + l4 + payload;

	memset(b, 0, 20 + l4 + payload);
	b[0] = 0x45;
	put16(b + 2, len);
	put16(b + 4, 0x1234);
	put16(b + 6, 0x4000);
	b[8] = 64;
	b[9] = proto;
	put32(b + 12, 0xc0a80102);	/* 192.168.1.2 */
	put32(b + 16, 0x08080808);
	put16(b + 20, 40000);
	put16(b + 22, proto == 17 ? 53 : 443);
	if (proto == 17) {
		put16(b + 24, 8 + payload);
	} else {
		b[32] = 5 << 4;
		b[33] = NFO_TCP_ACK;
	}
	return len;
}

static unsigned int mk6(u8 *b, u8 proto, unsigned int payload)
{
	unsigned int l4 = proto == 17 ? 8 : 20;
	unsigned int len = 40 + l4 + payload;
	unsigned int i;

	memset(b, 0, len);
	put32(b, 0x60012345);
	put16(b + 4, l4 + payload);
	b[6] = proto;
	b[7] = 64;
	for (i = 0; i < 16; i++) {
		b[8 + i] = (u8)(0x20 + i);
		b[24 + i] = (u8)(0xf0 - i);
	}
	put16(b + 40, 40001);
	put16(b + 42, proto == 17 ? 4500 : 22);
	if (proto == 17) {
		put16(b + 44, 8 + payload);
	} else {
		b[52] = 5 << 4;
		b[53] = NFO_TCP_ACK;
	}
	return len;
}

static u8 pkt[2048];

/*
 * A valid GRE packet over IPv4 or IPv6 (@fam 4 or 6): GRE @flags (first
 * 16 bits, host order), protocol 0x6558 (Ethernet) then 4 bytes for each
 * optional field the flags announce, then @payload bytes.
 */
static unsigned int mkgre(int fam, u16 flags, unsigned int payload)
{
	unsigned int nh = fam == 4 ? 20 : 40;
	unsigned int gre = 4, len, i;

	for (i = 0; i < 3; i++)
		if (flags & (0x8000 >> (i ? i + 1 : 0)))
			gre += 4;
	len = nh + gre + payload;
	memset(pkt, 0, len);
	if (fam == 4) {
		pkt[0] = 0x45;
		put16(pkt + 2, len);
		put16(pkt + 6, 0x4000);
		pkt[8] = 64;
		pkt[9] = NFO_IPPROTO_GRE;
		put32(pkt + 12, 0x0a000201);
		put32(pkt + 16, 0x0a000102);
	} else {
		put32(pkt, 0x60000000);
		put16(pkt + 4, gre + payload);
		pkt[6] = NFO_IPPROTO_GRE;
		pkt[7] = 64;
		for (i = 0; i < 16; i++) {
			pkt[8 + i] = (u8)(0x30 + i);
			pkt[24 + i] = (u8)(0xe0 - i);
		}
	}
	put16(pkt + nh, flags);
	put16(pkt + nh + 2, 0x6558);
	for (i = nh + 4; i < len; i++)
		pkt[i] = (u8)(0x80 | i);	/* options and payload: junk */
	return len;
}

static void test_names(void)
{
	static const char * const want[] = {
		"ok", "pull", "truncated", "bad_version", "bad_ihl",
		"bad_len", "options", "fragment", "exthdr", "proto", "ttl",
		"tcp_doff", "tcp_fin_rst", "udp_len", "bad_csum", "encap",
		"gre_version", "gre_hdr", "tcp_flags",
	};
	unsigned int i, j;

	CHECK_EQ(NFO_R_MAX, sizeof(want) / sizeof(want[0]));
	CHECK_EQ(NFO_OK, 0);
	for (i = 0; i < NFO_R_MAX; i++) {
		CHECK_CTX("verdict %u", i);
		CHECK_STREQ(nfo_verdict_name(i), want[i]);
		for (j = 0; j < i; j++)
			CHECK(strcmp(nfo_verdict_name(i),
				     nfo_verdict_name(j)) != 0);
	}
	check_ctx[0] = 0;
	CHECK_STREQ(nfo_verdict_name(NFO_R_MAX), "unknown");
	CHECK_STREQ(nfo_verdict_name((enum nfo_verdict)-1), "unknown");
	CHECK_STREQ(nfo_verdict_name((enum nfo_verdict)1000), "unknown");
}

static void test_ipv4_ok(void)
{
	struct nfo_pkt p;
	unsigned int len, i;

	len = mk4(pkt, 6, 10);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	CHECK_EQ(p.family, NFO_FAMILY_IPV4);
	CHECK_EQ(p.l4proto, 6);
	CHECK_EQ(p.ttl, 64);
	CHECK_EQ(p.thoff, 20);
	CHECK_EQ(p.l3_len, 50);
	CHECK_EQ(p.tcp_flags, NFO_TCP_ACK);
	CHECK(!memcmp(&p.src[0], pkt + 12, 4));
	CHECK(!memcmp(&p.dst[0], pkt + 16, 4));
	CHECK_EQ(nfo_be32_to_cpu(p.src[0]), 0xc0a80102);
	CHECK_EQ(nfo_be16_to_cpu(p.sport), 40000);
	CHECK_EQ(nfo_be16_to_cpu(p.dport), 443);
	for (i = 1; i < 4; i++) {
		CHECK_EQ(p.src[i], 0);
		CHECK_EQ(p.dst[i], 0);
	}

	len = mk4(pkt, 17, 3);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	CHECK_EQ(p.l4proto, 17);
	CHECK_EQ(p.tcp_flags, 0);
	CHECK_EQ(p.l3_len, 31);
	CHECK_EQ(nfo_be16_to_cpu(p.dport), 53);

	/* Ethernet padding after tot_len is fine; l3_len is tot_len. */
	len = mk4(pkt, 17, 0);
	CHECK_EQ(parse(4, pkt, len + 18, &p), NFO_OK);
	CHECK_EQ(p.l3_len, 28);

	/* Evil bit (reserved) and DF are not fragments. */
	len = mk4(pkt, 6, 0);
	put16(pkt + 6, 0x8000);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	put16(pkt + 6, 0x4000);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);

	/* TTL 2 still forwards. */
	pkt[8] = 2;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	pkt[8] = 255;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	CHECK_EQ(p.ttl, 255);
}

static void test_ipv4_reasons(void)
{
	struct nfo_pkt p;
	unsigned int len, i;

	/* Too short for an IPv4 header. */
	len = mk4(pkt, 6, 0);
	CHECK_EQ(parse(4, pkt, 19, &p), NFO_R_TRUNCATED);
	CHECK_EQ(parse(4, pkt, 0, &p), NFO_R_TRUNCATED);

	/* Version. */
	pkt[0] = 0x65;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_VERSION);
	pkt[0] = 0x05;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_VERSION);

	/* IHL below 5. */
	pkt[0] = 0x44;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_IHL);
	pkt[0] = 0x40;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_IHL);

	/* Options: IHL 6..15, whatever they contain. */
	for (i = 6; i <= 15; i++) {
		len = mk4(pkt, 6, 40);
		pkt[0] = (u8)(0x40 | i);
		CHECK_CTX("ihl %u", i);
		CHECK_EQ(parse(4, pkt, len, &p), NFO_R_OPTIONS);
	}
	check_ctx[0] = 0;

	/* tot_len against the header and the packet, off by one. */
	len = mk4(pkt, 6, 0);
	put16(pkt + 2, len + 1);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_LEN);
	CHECK_EQ(parse(4, pkt, len + 1, &p), NFO_OK);
	put16(pkt + 2, 19);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_LEN);
	put16(pkt + 2, 0);		/* TSO / BIG TCP style */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_LEN);
	put16(pkt + 2, 0xffff);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_LEN);
	/* With options: tot_len must cover ihl * 4 first. */
	pkt[0] = 0x46;
	put16(pkt + 2, 23);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_LEN);
	put16(pkt + 2, 24);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_OPTIONS);
	put16(pkt + 2, len + 1);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_LEN);

	/* Fragments: MF, any offset, the last fragment. */
	len = mk4(pkt, 17, 0);
	put16(pkt + 6, 0x2000);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_FRAGMENT);
	put16(pkt + 6, 0x0001);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_FRAGMENT);
	put16(pkt + 6, 0x1fff);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_FRAGMENT);
	put16(pkt + 6, 0x4000 | 0x2000);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_FRAGMENT);
	/* Fragment wins over TTL and protocol. */
	pkt[8] = 1;
	pkt[9] = 1;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_FRAGMENT);

	/* Protocols other than TCP and UDP; protocol wins over TTL. */
	len = mk4(pkt, 6, 20);
	pkt[9] = 1;			/* ICMP */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_PROTO);
	pkt[9] = 136;			/* UDP-Lite */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_PROTO);
	pkt[9] = 132;			/* SCTP */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_PROTO);
	pkt[8] = 1;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_PROTO);

	/* TTL. */
	len = mk4(pkt, 6, 0);
	pkt[8] = 1;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TTL);
	pkt[8] = 0;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TTL);
}

/* A wrong IPv4 header checksum: the normal path would drop the packet. */
static void test_ipv4_csum(void)
{
	struct nfo_pkt p;
	unsigned int len, i;

	fix_ipv4_csum = false;
	len = mk4(pkt, 6, 10);
	ipv4_set_csum(pkt);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	/* Any single flipped bit in the header is caught. */
	for (i = 0; i < 20 * 8; i++) {
		pkt[i / 8] ^= (u8)(1 << (i % 8));
		CHECK_CTX("bit %u", i);
		CHECK(parse(4, pkt, len, &p) != NFO_OK);
		pkt[i / 8] ^= (u8)(1 << (i % 8));
	}
	check_ctx[0] = 0;
	put16(pkt + 10, get16(pkt + 10) ^ 0x0100);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_BAD_CSUM);
	/* 0x0000 and 0xffff are the same checksum to the one's complement. */
	ipv4_set_csum(pkt);
	if (get16(pkt + 10) == 0xffff) {
		put16(pkt + 10, 0);
		CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	}
	fix_ipv4_csum = true;
}

static void test_ipv4_l4(void)
{
	struct nfo_pkt p;
	unsigned int len, d;

	/* TCP header must fit within tot_len: 39 no, 40 yes. */
	len = mk4(pkt, 6, 0);
	put16(pkt + 2, 39);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TRUNCATED);
	put16(pkt + 2, 20);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TRUNCATED);
	put16(pkt + 2, 40);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);

	/* Data offset. */
	for (d = 0; d < 5; d++) {
		pkt[32] = (u8)(d << 4);
		CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_DOFF);
	}
	len = mk4(pkt, 6, 4);
	pkt[32] = 6 << 4;		/* 24 bytes: exactly fits */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	pkt[32] = 7 << 4;		/* 28 bytes: 4 too many */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_DOFF);
	len = mk4(pkt, 6, 40);
	pkt[32] = 15 << 4;		/* 60 bytes: fits 20 + 40 */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	put16(pkt + 2, len - 1);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_DOFF);
	/* Only the data offset, not the TCP options, must be linear. */
	put16(pkt + 2, len);
	CHECK_EQ(parse_h(4, pkt, len, 40, &p), NFO_OK);
	/* The reserved low bits of byte 12 are ignored. */
	pkt[32] = (5 << 4) | 0x0f;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);

	/* FIN and RST: slow path, but with a complete tuple. */
	len = mk4(pkt, 6, 0);
	pkt[33] = NFO_TCP_FIN | NFO_TCP_ACK;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FIN_RST);
	CHECK_EQ(p.family, 4);
	CHECK_EQ(p.l4proto, 6);
	CHECK_EQ(p.tcp_flags, NFO_TCP_FIN | NFO_TCP_ACK);
	CHECK_EQ(nfo_be16_to_cpu(p.sport), 40000);
	CHECK_EQ(nfo_be16_to_cpu(p.dport), 443);
	CHECK_EQ(nfo_be32_to_cpu(p.src[0]), 0xc0a80102);
	CHECK_EQ(nfo_be32_to_cpu(p.dst[0]), 0x08080808);
	CHECK_EQ(p.src[1], 0);
	CHECK_EQ(p.thoff, 20);
	pkt[33] = NFO_TCP_RST;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FIN_RST);
	pkt[33] = NFO_TCP_RST | NFO_TCP_ACK | NFO_TCP_PSH;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FIN_RST);
	pkt[33] = NFO_TCP_FIN | NFO_TCP_ACK | NFO_TCP_URG | NFO_TCP_ECE |
		  NFO_TCP_CWR;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FIN_RST);
	pkt[33] = (u8)~(NFO_TCP_FIN | NFO_TCP_RST | NFO_TCP_SYN);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);

	/*
	 * SYN, and what conntrack's TCP tracker calls invalid: slow path,
	 * nothing torn down, the tuple complete all the same.
	 */
	pkt[33] = NFO_TCP_SYN;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	CHECK_EQ(p.tcp_flags, NFO_TCP_SYN);
	CHECK_EQ(nfo_be16_to_cpu(p.dport), 443);
	pkt[33] = NFO_TCP_SYN | NFO_TCP_ACK;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = 0xff;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = 0;				/* null scan */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = NFO_TCP_PSH | NFO_TCP_URG;	/* no ACK */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = NFO_TCP_FIN;			/* FIN without ACK */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = NFO_TCP_FIN | NFO_TCP_PSH | NFO_TCP_URG;	/* Xmas */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = NFO_TCP_FIN | NFO_TCP_RST | NFO_TCP_ACK;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = NFO_TCP_RST | NFO_TCP_URG;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_FLAGS);
	pkt[33] = NFO_TCP_ACK | NFO_TCP_URG;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	/* A bad data offset is reported before FIN/RST. */
	pkt[33] = NFO_TCP_RST;
	pkt[32] = 4 << 4;
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TCP_DOFF);

	/* UDP header must fit: 27 no, 28 yes. */
	len = mk4(pkt, 17, 0);
	put16(pkt + 2, 27);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_TRUNCATED);
	put16(pkt + 2, 28);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);

	/* UDP length: below 8, above the IP payload, off by one. */
	len = mk4(pkt, 17, 10);
	put16(pkt + 24, 7);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_UDP_LEN);
	put16(pkt + 24, 0);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_UDP_LEN);
	put16(pkt + 24, 8);		/* shorter than the IP payload: ok */
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	put16(pkt + 24, 18);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_OK);
	put16(pkt + 24, 19);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_UDP_LEN);
	/* Against tot_len, not against a padded frame. */
	CHECK_EQ(parse(4, pkt, len + 8, &p), NFO_R_UDP_LEN);
	put16(pkt + 24, 0xffff);
	CHECK_EQ(parse(4, pkt, len, &p), NFO_R_UDP_LEN);
}

static void test_ipv4_pull(void)
{
	struct nfo_pkt p;
	unsigned int len, h;

	len = mk4(pkt, 6, 100);
	for (h = 0; h < 20; h++) {
		CHECK_CTX("hlen %u", h);
		CHECK_EQ(parse_h(4, pkt, len, h, &p), NFO_PULL);
		CHECK_EQ(p.need, 40);
	}
	for (h = 20; h < 40; h++) {
		CHECK_CTX("hlen %u", h);
		CHECK_EQ(parse_h(4, pkt, len, h, &p), NFO_PULL);
		CHECK_EQ(p.need, 40);
	}
	check_ctx[0] = 0;
	CHECK_EQ(parse_h(4, pkt, len, 40, &p), NFO_OK);
	CHECK_EQ(parse_h(4, pkt, len, 41, &p), NFO_OK);

	/* UDP needs 28. */
	len = mk4(pkt, 17, 100);
	CHECK_EQ(parse_h(4, pkt, len, 27, &p), NFO_PULL);
	CHECK_EQ(p.need, 28);
	CHECK_EQ(parse_h(4, pkt, len, 28, &p), NFO_OK);
	CHECK_EQ(parse_h(4, pkt, len, 10, &p), NFO_PULL);
	CHECK_EQ(p.need, 40);
	CHECK_EQ(parse_h(4, pkt, len, 40, &p), NFO_OK);

	/* Never more than the packet: a 30-byte UDP packet asks for 30. */
	len = mk4(pkt, 17, 2);
	CHECK_EQ(parse_h(4, pkt, len, 10, &p), NFO_PULL);
	CHECK_EQ(p.need, 30);
	CHECK_EQ(parse_h(4, pkt, len, 30, &p), NFO_OK);

	/* A problem in the header shows after the pull, not before. */
	pkt[0] = 0x65;
	CHECK_EQ(parse_h(4, pkt, len, 10, &p), NFO_PULL);
	CHECK_EQ(parse_h(4, pkt, len, p.need, &p), NFO_R_BAD_VERSION);

	/* A packet too short is truncated, not pulled. */
	len = mk4(pkt, 6, 0);
	CHECK_EQ(parse_h(4, pkt, 19, 5, &p), NFO_R_TRUNCATED);
	/* An L4 header beyond tot_len is truncated even if not linear. */
	put16(pkt + 2, 30);
	CHECK_EQ(parse_h(4, pkt, len, 20, &p), NFO_R_TRUNCATED);

	/* hlen larger than pkt_len is clamped (the buffer is pkt_len). */
	len = mk4(pkt, 6, 0);
	ipv4_set_csum(pkt);
	CHECK_EQ(nfo_parse_ipv4(pkt, 2000, len, &p), NFO_OK);
	CHECK_EQ(nfo_parse_ipv4(pkt, 2000, 30, &p), NFO_R_BAD_LEN);

	/* Retry with the pulled length always settles. */
	CHECK_EQ(NFO_PARSE_MAX_NEED, 60);
}

static void test_ipv6(void)
{
	static const u8 ext[] = { 0, 43, 50, 51, 60, 135, 139, 140, 253, 254 };
	struct nfo_pkt p;
	unsigned int len, i, h;

	len = mk6(pkt, 6, 7);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_OK);
	CHECK_EQ(p.family, NFO_FAMILY_IPV6);
	CHECK_EQ(p.l4proto, 6);
	CHECK_EQ(p.ttl, 64);
	CHECK_EQ(p.thoff, 40);
	CHECK_EQ(p.l3_len, 67);
	CHECK(!memcmp(p.src, pkt + 8, 16));
	CHECK(!memcmp(p.dst, pkt + 24, 16));
	CHECK_EQ(nfo_be16_to_cpu(p.sport), 40001);
	CHECK_EQ(nfo_be16_to_cpu(p.dport), 22);
	CHECK_EQ(p.tcp_flags, NFO_TCP_ACK);

	len = mk6(pkt, 17, 0);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_OK);
	CHECK_EQ(p.l4proto, 17);
	CHECK_EQ(p.l3_len, 48);
	CHECK_EQ(parse(6, pkt, len + 7, &p), NFO_OK);	/* padding */

	/* Header length, version. */
	CHECK_EQ(parse(6, pkt, 39, &p), NFO_R_TRUNCATED);
	CHECK_EQ(parse(6, pkt, 0, &p), NFO_R_TRUNCATED);
	pkt[0] = 0x45;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_BAD_VERSION);
	pkt[0] = 0x60;

	/* Payload length: zero (jumbo / BIG TCP), off by one. */
	put16(pkt + 4, 0);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_BAD_LEN);
	put16(pkt + 4, 9);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_BAD_LEN);
	CHECK_EQ(parse(6, pkt, len + 1, &p), NFO_OK);	/* UDP shorter */
	put16(pkt + 4, 7);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_TRUNCATED);
	put16(pkt + 4, 8);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_OK);

	/* Next header. */
	for (i = 0; i < sizeof(ext); i++) {
		len = mk6(pkt, 6, 0);
		pkt[6] = ext[i];
		CHECK_CTX("nexthdr %u", ext[i]);
		CHECK_EQ(parse(6, pkt, len, &p), NFO_R_EXTHDR);
	}
	check_ctx[0] = 0;
	pkt[6] = 44;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_FRAGMENT);
	pkt[6] = 58;			/* ICMPv6 */
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_PROTO);
	pkt[6] = 59;			/* no next header */
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_PROTO);
	pkt[7] = 1;			/* protocol wins over hop limit */
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_PROTO);
	pkt[6] = 0;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_EXTHDR);

	/* Hop limit. */
	len = mk6(pkt, 17, 0);
	pkt[7] = 1;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_TTL);
	pkt[7] = 0;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_TTL);
	pkt[7] = 2;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_OK);

	/* L4 checks are shared with IPv4; once more at offset 40. */
	len = mk6(pkt, 6, 0);
	pkt[52] = 4 << 4;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_TCP_DOFF);
	pkt[52] = 6 << 4;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_TCP_DOFF);
	pkt[52] = 5 << 4;
	pkt[53] = NFO_TCP_RST;
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_TCP_FIN_RST);
	CHECK(!memcmp(p.src, pkt + 8, 16));
	CHECK_EQ(nfo_be16_to_cpu(p.dport), 22);
	put16(pkt + 4, 19);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_TRUNCATED);
	len = mk6(pkt, 17, 4);
	put16(pkt + 44, 13);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_R_UDP_LEN);
	put16(pkt + 44, 12);
	CHECK_EQ(parse(6, pkt, len, &p), NFO_OK);

	/* Pulls. */
	len = mk6(pkt, 6, 100);
	for (h = 0; h < 60; h++) {
		CHECK_CTX("v6 hlen %u", h);
		CHECK_EQ(parse_h(6, pkt, len, h, &p), NFO_PULL);
		CHECK_EQ(p.need, 60);
	}
	check_ctx[0] = 0;
	CHECK_EQ(parse_h(6, pkt, len, 60, &p), NFO_OK);
	len = mk6(pkt, 17, 100);
	CHECK_EQ(parse_h(6, pkt, len, 40, &p), NFO_PULL);
	CHECK_EQ(p.need, 48);
	CHECK_EQ(parse_h(6, pkt, len, 48, &p), NFO_OK);
	len = mk6(pkt, 17, 1);
	CHECK_EQ(parse_h(6, pkt, len, 0, &p), NFO_PULL);
	CHECK_EQ(p.need, 49);
	CHECK_EQ(parse_h(6, pkt, len, 49, &p), NFO_OK);
	CHECK_EQ(parse_h(6, pkt, 39, 39, &p), NFO_R_TRUNCATED);
}

/*
 * Over many random and mutated packets: the verdict does not depend on
 * how much is linear, except for NFO_PULL, and one pull settles it.
 */
/* GRE: version 0 with any optional fields accepted; the rest refused. */
static void test_gre(void)
{
	static const u16 ok_flags[] = {
		0, 0x8000, 0x2000, 0x1000, 0xa000, 0x3000, 0xb000,
		0x0080 /* recursion/flag bits are not looked at */,
	};
	struct nfo_pkt p;
	unsigned int len, i, nh, gre, h;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		nh = fam == 4 ? 20 : 40;
		for (i = 0; i < sizeof(ok_flags) / sizeof(ok_flags[0]); i++) {
			CHECK_CTX("gre fam %d flags %#x", fam, ok_flags[i]);
			len = mkgre(fam, ok_flags[i], 30);
			gre = len - nh - 30;
			CHECK_EQ(parse(fam, pkt, len, &p), NFO_OK);
			CHECK_EQ(p.l4proto, NFO_IPPROTO_GRE);
			CHECK_EQ(p.sport, 0);
			CHECK_EQ(p.dport, 0);
			CHECK_EQ(p.tcp_flags, 0);
			CHECK_EQ(p.thoff, nh);
			CHECK_EQ(p.l3_len, len);
			CHECK_EQ(p.ttl, 64);
			if (fam == 4) {
				CHECK_EQ(nfo_be32_to_cpu(p.src[0]), 0x0a000201);
				CHECK_EQ(nfo_be32_to_cpu(p.dst[0]), 0x0a000102);
			} else {
				CHECK(!memcmp(p.src, pkt + 8, 16));
				CHECK(!memcmp(p.dst, pkt + 24, 16));
			}
			/* Optional fields exactly filling the packet. */
			len = mkgre(fam, ok_flags[i], 0);
			CHECK_EQ(parse(fam, pkt, len, &p), NFO_OK);
			/* Only the base header must be linear. */
			CHECK_EQ(parse_h(fam, pkt, len, nh + 4, &p), NFO_OK);
			CHECK_EQ(parse_h(fam, pkt, len, nh + 3, &p), NFO_PULL);
			CHECK_EQ(p.need, nh + 4);
			/* One byte short of the optional fields. */
			if (gre > 4) {
				len = mkgre(fam, ok_flags[i], 0);
				if (fam == 4)
					put16(pkt + 2, len - 1);
				else
					put16(pkt + 4, len - 1 - 40);
				CHECK_EQ(parse(fam, pkt, len, &p),
					 NFO_R_GRE_HDR);
				CHECK_EQ(parse(fam, pkt, len - 1, &p),
					 NFO_R_GRE_HDR);
			}
		}
		CHECK_CTX("gre fam %d", fam);

		/* Version 1 (PPTP, enhanced GRE with key) and others. */
		for (i = 1; i < 8; i++) {
			len = mkgre(fam, 0x2000 | i, 8);
			CHECK_EQ(parse(fam, pkt, len, &p), NFO_R_GRE_VERSION);
			len = mkgre(fam, i, 8);
			CHECK_EQ(parse(fam, pkt, len, &p), NFO_R_GRE_VERSION);
		}
		len = mkgre(fam, 0x3081, 8);	/* PPTP: K, S, v1 */
		CHECK_EQ(parse(fam, pkt, len, &p), NFO_R_GRE_VERSION);

		/* Source routing: variable length, never ours. */
		len = mkgre(fam, 0x4000, 8);
		CHECK_EQ(parse(fam, pkt, len, &p), NFO_R_GRE_HDR);
		len = mkgre(fam, 0xc000, 8);
		CHECK_EQ(parse(fam, pkt, len, &p), NFO_R_GRE_HDR);

		/* Base header cut short: by the IP length or the packet. */
		for (h = 0; h < 4; h++) {
			len = mkgre(fam, 0, 0);
			if (fam == 4)
				put16(pkt + 2, nh + h);
			else
				put16(pkt + 4, h);
			if (fam == 6 && h == 0)
				/* A zero payload length is a jumbogram. */
				CHECK_EQ(parse(fam, pkt, len, &p),
					 NFO_R_BAD_LEN);
			else
				CHECK_EQ(parse(fam, pkt, len, &p),
					 NFO_R_TRUNCATED);
			len = mkgre(fam, 0, 0);
			CHECK(parse(fam, pkt, nh + h, &p) == NFO_R_BAD_LEN);
		}

		/* TTL and hop limit checked as for TCP and UDP. */
		len = mkgre(fam, 0, 8);
		pkt[fam == 4 ? 8 : 7] = 1;
		CHECK_EQ(parse(fam, pkt, len, &p), NFO_R_TTL);

		/* Padding past the IP packet is fine. */
		len = mkgre(fam, 0x2000, 8);
		CHECK_EQ(parse(fam, pkt, len + 6, &p), NFO_OK);
		CHECK_EQ(p.l3_len, len);
	}
	check_ctx[0] = 0;
}

static void test_pull_invariant(void)
{
	struct nfo_pkt p, q;
	enum nfo_verdict full, v, v2;
	unsigned int i, len, h, k;
	u16 flags;
	u8 byte;
	int fam;

	for (i = 0; i < 20000; i++) {
		fam = i & 1 ? 6 : 4;
		/*
		 * One draw per statement: the order of two draws in one
		 * expression is the compiler's, and gave each CPU other
		 * cases.  This is the order amd64's gcc chose.
		 */
		if (i % 3 == 2) {
			len = check_below(40);
			flags = (u16)(check_rand32() & 0xb007);
			len = mkgre(fam, flags, len);
		} else if (fam == 4) {
			len = mk4(pkt, i & 2 ? 6 : 17, check_below(80));
		} else {
			len = mk6(pkt, i & 2 ? 6 : 17, check_below(80));
		}
		for (k = check_below(4); k > 0; k--) {
			byte = (u8)check_rand32();
			pkt[check_below(len)] = byte;
		}
		if (check_below(4) == 0)
			len = check_below(len + 1);
		CHECK_CTX("pull inv i=%u len=%u", i, len);
		full = parse(fam, pkt, len, &q);
		CHECK(full != NFO_PULL);
		CHECK(full < NFO_R_MAX);
		h = check_below(len + 1);
		v = parse_h(fam, pkt, len, h, &p);
		if (v != NFO_PULL) {
			CHECK_EQ(v, full);
			continue;
		}
		CHECK(p.need > h);
		CHECK(p.need <= len);
		CHECK(p.need <= NFO_PARSE_MAX_NEED);
		v2 = parse_h(fam, pkt, len, p.need, &p);
		CHECK_EQ(v2, full);
	}
	check_ctx[0] = 0;
}

/* nfo_parse_encap() over a private copy of exactly @hlen bytes. */
static enum nfo_verdict encap_h(const u8 *b, unsigned int len,
				unsigned int hlen, u16 ethertype,
				struct nfo_encap *e, int hw_tag)
{
	u8 *copy = malloc(hlen ? hlen : 1);
	enum nfo_verdict v;

	memcpy(copy, b, hlen);
	nfo_encap_init(e);
	if (hw_tag)
		nfo_encap_add(e, 42, nfo_cpu_to_be16(NFO_ETH_P_8021Q));
	v = nfo_parse_encap(copy, hlen, len, ethertype, e);
	free(copy);
	return v;
}

static unsigned int put_vlan(u8 *b, u16 tci, u16 inner)
{
	put16(b, tci);
	put16(b + 2, inner);
	return 4;
}

static unsigned int put_pppoe(u8 *b, u16 sid, u16 len, u16 ppp_proto)
{
	b[0] = 0x11;
	b[1] = 0;
	put16(b + 2, sid);
	put16(b + 4, len);
	put16(b + 6, ppp_proto);
	return 8;
}

static void test_encap(void)
{
	struct nfo_encap e;
	unsigned int off;

	/* Plain IP: nothing to walk. */
	CHECK_EQ(encap_h(pkt, 0, 0, NFO_ETH_P_IP, &e, 0), NFO_OK);
	CHECK_EQ(e.num, 0);
	CHECK_EQ(e.off, 0);
	CHECK_EQ(e.family, NFO_FAMILY_IPV4);
	CHECK_EQ(e.l3_max, 0xffffffffu);
	CHECK_EQ(encap_h(pkt, 0, 0, NFO_ETH_P_IPV6, &e, 1), NFO_OK);
	CHECK_EQ(e.num, 1);
	CHECK_EQ(e.id[0], 42);
	CHECK_EQ(e.family, NFO_FAMILY_IPV6);
	CHECK_EQ(encap_h(pkt, 0, 0, 0x0806, &e, 0), NFO_R_PROTO);

	/* One 802.1Q tag: VID only, priority bits dropped. */
	off = put_vlan(pkt, 0xe000 | 100, NFO_ETH_P_IP);
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_8021Q, &e, 0), NFO_OK);
	CHECK_EQ(e.num, 1);
	CHECK_EQ(e.id[0], 100);
	CHECK_EQ(e.proto[0], nfo_cpu_to_be16(NFO_ETH_P_8021Q));
	CHECK_EQ(e.off, off);
	CHECK_EQ(e.family, NFO_FAMILY_IPV4);

	/* QinQ: 802.1ad outside, 802.1Q inside, outermost first. */
	off = put_vlan(pkt, 7, NFO_ETH_P_8021Q);
	off += put_vlan(pkt + off, 8, NFO_ETH_P_IPV6);
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_8021AD, &e, 0), NFO_OK);
	CHECK_EQ(e.num, 2);
	CHECK_EQ(e.id[0], 7);
	CHECK_EQ(e.proto[0], nfo_cpu_to_be16(NFO_ETH_P_8021AD));
	CHECK_EQ(e.id[1], 8);
	CHECK_EQ(e.proto[1], nfo_cpu_to_be16(NFO_ETH_P_8021Q));
	CHECK_EQ(e.off, 8);
	CHECK_EQ(e.family, NFO_FAMILY_IPV6);
	/* A third layer (hardware tag + two in the data) is too many. */
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_8021AD, &e, 1), NFO_R_ENCAP);
	/* Cut short. */
	CHECK_EQ(encap_h(pkt, 6, 6, NFO_ETH_P_8021AD, &e, 0), NFO_R_TRUNCATED);
	CHECK_EQ(encap_h(pkt, 3, 3, NFO_ETH_P_8021Q, &e, 0), NFO_R_TRUNCATED);
	/* Not linear: one pull of e.need is enough. */
	CHECK_EQ(encap_h(pkt, 60, 5, NFO_ETH_P_8021AD, &e, 0), NFO_PULL);
	CHECK_EQ(e.need, NFO_ENCAP_MAX_NEED);
	CHECK_EQ(encap_h(pkt, 60, e.need, NFO_ETH_P_8021AD, &e, 0), NFO_OK);
	CHECK_EQ(encap_h(pkt, 10, 2, NFO_ETH_P_8021AD, &e, 0), NFO_PULL);
	CHECK_EQ(e.need, 10);

	/* PPPoE session with IPv4, 40 bytes of IP. */
	off = put_pppoe(pkt, 0x1234, 42, NFO_PPP_IP);
	CHECK_EQ(encap_h(pkt, off + 46, off + 46, NFO_ETH_P_PPP_SES, &e, 0),
		 NFO_OK);
	CHECK_EQ(e.num, 1);
	CHECK_EQ(e.id[0], 0x1234);
	CHECK_EQ(e.proto[0], nfo_cpu_to_be16(NFO_ETH_P_PPP_SES));
	CHECK_EQ(e.off, 8);
	CHECK_EQ(e.l3_max, 40);
	CHECK_EQ(e.family, NFO_FAMILY_IPV4);
	/* ... over a hardware VLAN tag: the common WAN. */
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_PPP_SES, &e, 1), NFO_OK);
	CHECK_EQ(e.num, 2);
	CHECK_EQ(e.id[0], 42);
	CHECK_EQ(e.id[1], 0x1234);
	/* IPv6 inside. */
	put_pppoe(pkt, 1, 42, NFO_PPP_IPV6);
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_PPP_SES, &e, 0), NFO_OK);
	CHECK_EQ(e.family, NFO_FAMILY_IPV6);
	/* PPP control traffic (LCP) is not ours. */
	put_pppoe(pkt, 1, 42, 0xc021);
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_PPP_SES, &e, 0), NFO_R_PROTO);
	/* Length lies: longer than the frame, shorter than the PPP field. */
	put_pppoe(pkt, 1, 200, NFO_PPP_IP);
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_PPP_SES, &e, 0),
		 NFO_R_BAD_LEN);
	put_pppoe(pkt, 1, 1, NFO_PPP_IP);
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_PPP_SES, &e, 0),
		 NFO_R_BAD_LEN);
	/* Not version 1 type 1, or not session data. */
	put_pppoe(pkt, 1, 42, NFO_PPP_IP);
	pkt[0] = 0x21;
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_PPP_SES, &e, 0), NFO_R_ENCAP);
	pkt[0] = 0x11;
	pkt[1] = 0x09;
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_PPP_SES, &e, 0), NFO_R_ENCAP);
	CHECK_EQ(encap_h(pkt, 7, 7, NFO_ETH_P_PPP_SES, &e, 0),
		 NFO_R_TRUNCATED);
	/* PPPoE inside a VLAN tag in the data. */
	off = put_vlan(pkt, 10, NFO_ETH_P_PPP_SES);
	put_pppoe(pkt + off, 9, 42, NFO_PPP_IP);
	CHECK_EQ(encap_h(pkt, 60, 60, NFO_ETH_P_8021Q, &e, 0), NFO_OK);
	CHECK_EQ(e.num, 2);
	CHECK_EQ(e.off, 12);
	CHECK_EQ(e.id[0], 10);
	CHECK_EQ(e.id[1], 9);
	CHECK_EQ(encap_h(pkt, 60, 9, NFO_ETH_P_8021Q, &e, 0), NFO_PULL);
	CHECK_EQ(encap_h(pkt, 60, e.need, NFO_ETH_P_8021Q, &e, 0), NFO_OK);
}

/* Random bytes: never past the buffer, one pull always enough. */
static void test_encap_random(void)
{
	static const u16 types[] = {
		NFO_ETH_P_IP, NFO_ETH_P_IPV6, NFO_ETH_P_8021Q,
		NFO_ETH_P_8021AD, NFO_ETH_P_PPP_SES, 0x0806,
	};
	struct nfo_encap e, f;
	enum nfo_verdict full, v;
	unsigned int i, len, h, k;
	int tag;
	u16 et;

	for (i = 0; i < 50000; i++) {
		len = check_below(40);
		for (k = 0; k < len; k++)
			pkt[k] = (u8)check_rand32();
		/* Steer towards valid layers now and then. */
		if (len >= 12 && check_below(2)) {
			put16(pkt + 2, types[check_below(6)]);
			pkt[4] = 0x11;
			pkt[5] = 0;
			put16(pkt + 10, check_below(2) ? NFO_PPP_IP : 0x0057);
		}
		et = types[check_below(6)];
		tag = (int)check_below(2);
		CHECK_CTX("encap random i=%u len=%u", i, len);
		full = encap_h(pkt, len, len, et, &f, tag);
		CHECK(full != NFO_PULL);
		if (full == NFO_OK) {
			CHECK(f.off <= len);
			CHECK(f.num <= NFO_ENCAP_MAX);
			CHECK(f.family == NFO_FAMILY_IPV4 ||
			      f.family == NFO_FAMILY_IPV6);
			CHECK(f.l3_max == 0xffffffffu ||
			      f.off + f.l3_max <= len);
		}
		h = check_below(len + 1);
		v = encap_h(pkt, len, h, et, &e, tag);
		if (v == NFO_PULL) {
			CHECK(e.need > h);
			CHECK(e.need <= len);
			CHECK(e.need <= NFO_ENCAP_MAX_NEED);
			v = encap_h(pkt, len, e.need, et, &e, tag);
		}
		CHECK_EQ(v, full);
		if (v == NFO_OK)
			CHECK(!memcmp(&e, &f, sizeof(e)));
	}
	check_ctx[0] = 0;
}

int main(void)
{
	check_seed(0x5eed0002);
	test_names();
	test_ipv4_ok();
	test_ipv4_reasons();
	test_ipv4_csum();
	test_ipv4_l4();
	test_ipv4_pull();
	test_ipv6();
	test_gre();
	test_pull_invariant();
	test_encap();
	test_encap_random();
	return check_finish("test_parse.c");
}
