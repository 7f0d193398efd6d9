// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the header parser.
 *
 * Input: byte 0 bit 0 selects IPv6 (else IPv4); byte 1 is how many bytes
 * are "linear" (0xff: all); the rest is the packet from its network
 * header.  The parser only ever sees exact-size heap copies, so ASan
 * flags any read past the linear part.
 *
 * Asserted: the verdict does not depend on how much is linear except for
 * NFO_PULL; one pull of p->need settles it; and whenever a tuple is
 * reported it agrees with the packet bytes and the length rules.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "../../src/logic/csum.c"
#include "../../src/logic/parse.c"
#include "../../src/logic/tuple.c"

#include "fuzz.h"

static enum nfo_verdict run(int fam, const u8 *pkt, unsigned int pkt_len,
			    unsigned int hlen, struct nfo_pkt *p)
{
	u8 *copy = malloc(hlen ? hlen : 1);
	enum nfo_verdict v;

	memcpy(copy, pkt, hlen);
	memset(p, 0xa5, sizeof(*p));
	if (fam == 4)
		v = nfo_parse_ipv4(copy, hlen, pkt_len, p);
	else
		v = nfo_parse_ipv6(copy, hlen, pkt_len, p);
	free(copy);
	FUZZ_ASSERT((unsigned int)v < NFO_R_MAX);
	FUZZ_ASSERT(strcmp(nfo_verdict_name(v), "unknown") != 0);
	return v;
}

static unsigned int be16at(const u8 *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

/* Verdicts that come with every field of the packet filled in. */
static bool tuple_complete(enum nfo_verdict v)
{
	return v == NFO_OK || v == NFO_R_TCP_FIN_RST || v == NFO_R_TCP_FLAGS;
}

/* A reported tuple must match the bytes and the length rules. */
static void check_pkt(int fam, const u8 *pkt, unsigned int pkt_len,
		      enum nfo_verdict v, const struct nfo_pkt *p)
{
	unsigned int hdr, doff, ulen, i, flags, glen;
	struct nfo_tuple t, u;
	const u8 *l4;

	FUZZ_ASSERT(p->family == fam);
	FUZZ_ASSERT(p->l3_len <= pkt_len);
	FUZZ_ASSERT(p->l4proto == 6 || p->l4proto == 17 || p->l4proto == 47);
	hdr = p->l4proto == 6 ? 20 : p->l4proto == 17 ? 8 : 4;
	FUZZ_ASSERT(p->thoff + hdr <= p->l3_len);
	FUZZ_ASSERT(p->ttl >= 2);

	if (fam == 4) {
		FUZZ_ASSERT(p->thoff == 20);
		FUZZ_ASSERT(pkt[0] == 0x45);
		FUZZ_ASSERT(be16at(pkt + 2) == p->l3_len);
		FUZZ_ASSERT((be16at(pkt + 6) & 0x3fff) == 0);
		FUZZ_ASSERT(pkt[8] == p->ttl && pkt[9] == p->l4proto);
		FUZZ_ASSERT(!memcmp(&p->src[0], pkt + 12, 4));
		FUZZ_ASSERT(!memcmp(&p->dst[0], pkt + 16, 4));
		for (i = 1; i < 4; i++)
			FUZZ_ASSERT(!p->src[i] && !p->dst[i]);
	} else {
		FUZZ_ASSERT(p->thoff == 40);
		FUZZ_ASSERT((pkt[0] >> 4) == 6);
		FUZZ_ASSERT(be16at(pkt + 4) + 40 == p->l3_len);
		FUZZ_ASSERT(be16at(pkt + 4) > 0);
		FUZZ_ASSERT(pkt[6] == p->l4proto && pkt[7] == p->ttl);
		FUZZ_ASSERT(!memcmp(p->src, pkt + 8, 16));
		FUZZ_ASSERT(!memcmp(p->dst, pkt + 24, 16));
	}

	l4 = pkt + p->thoff;
	if (p->l4proto == 47) {
		/* GRE v0, no routing, optional fields within the packet. */
		flags = be16at(l4);
		FUZZ_ASSERT((flags & 0x4007) == 0);
		glen = 4 + 4 * (!!(flags & 0x8000) + !!(flags & 0x2000) +
				!!(flags & 0x1000));
		FUZZ_ASSERT(p->thoff + glen <= p->l3_len);
		FUZZ_ASSERT(!p->sport && !p->dport && !p->tcp_flags);
		FUZZ_ASSERT(v == NFO_OK);
	} else if (p->l4proto == 6) {
		FUZZ_ASSERT(!memcmp(&p->sport, l4, 2));
		FUZZ_ASSERT(!memcmp(&p->dport, l4 + 2, 2));
		doff = (unsigned int)(l4[12] >> 4) * 4;
		FUZZ_ASSERT(doff >= 20 && p->thoff + doff <= p->l3_len);
		FUZZ_ASSERT(p->tcp_flags == l4[13]);
		/* FIN or RST end the offload only beside valid flags. */
		FUZZ_ASSERT(v == NFO_OK || v == NFO_R_TCP_FIN_RST ||
			    v == NFO_R_TCP_FLAGS);
		FUZZ_ASSERT(v != NFO_R_TCP_FIN_RST ||
			    (p->tcp_flags & (NFO_TCP_FIN | NFO_TCP_RST)));
		FUZZ_ASSERT(v != NFO_OK ||
			    (p->tcp_flags & (NFO_TCP_FIN | NFO_TCP_SYN |
					     NFO_TCP_RST | NFO_TCP_ACK)) ==
			    NFO_TCP_ACK);
		FUZZ_ASSERT(!(p->tcp_flags & NFO_TCP_SYN) ||
			    v == NFO_R_TCP_FLAGS);
	} else {
		FUZZ_ASSERT(!memcmp(&p->sport, l4, 2));
		FUZZ_ASSERT(!memcmp(&p->dport, l4 + 2, 2));
		ulen = be16at(l4 + 4);
		FUZZ_ASSERT(ulen >= 8 && ulen <= p->l3_len - p->thoff);
		FUZZ_ASSERT(p->tcp_flags == 0 && v == NFO_OK);
	}

	nfo_tuple_from_pkt(p, 7, &t);
	memcpy(&u, &t, sizeof(u));
	FUZZ_ASSERT(nfo_tuple_equal(&t, &u));
	FUZZ_ASSERT(nfo_tuple_hash(&t, 1) == nfo_tuple_hash(&u, 1));
	FUZZ_ASSERT(t.family == fam && t.l4proto == p->l4proto);
}

/* Same result apart from p->need. */
static bool same_pkt(const struct nfo_pkt *a, const struct nfo_pkt *b)
{
	return !memcmp(a->src, b->src, sizeof(a->src)) &&
	       !memcmp(a->dst, b->dst, sizeof(a->dst)) &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->thoff == b->thoff && a->l3_len == b->l3_len &&
	       a->family == b->family && a->l4proto == b->l4proto &&
	       a->ttl == b->ttl && a->tcp_flags == b->tcp_flags;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Independent one's-complement sum of an IPv4 header, folded. */
static unsigned int ipv4_hdr_sum(const u8 *h)
{
	unsigned int i, s = 0;

	for (i = 0; i < 20; i += 2)
		s += be16at(h + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/*
 * Mode bit 2: the encapsulation walk (VLAN, QinQ, PPPoE) over the input,
 * from the ethertype data[1] picks, with a hardware tag when bit 3 is set:
 * stays in bounds, agrees with itself after the pull it asks for.
 */
static void fuzz_encap(const uint8_t *data, size_t size)
{
	static const u16 types[] = {
		NFO_ETH_P_IP, NFO_ETH_P_IPV6, NFO_ETH_P_8021Q,
		NFO_ETH_P_8021AD, NFO_ETH_P_PPP_SES, 0x0806,
	};
	unsigned int len = (unsigned int)size - 2, hlen;
	u16 et = types[data[1] % 6];
	struct nfo_encap e, f;
	enum nfo_verdict full, v;
	u8 *copy;

	hlen = (data[1] >> 3) > len ? len : (data[1] >> 3);
	copy = malloc(len ? len : 1);
	memcpy(copy, data + 2, len);
	nfo_encap_init(&f);
	if (data[0] & 8)
		nfo_encap_add(&f, 1, nfo_cpu_to_be16(NFO_ETH_P_8021Q));
	full = nfo_parse_encap(copy, len, len, et, &f);
	FUZZ_ASSERT(full != NFO_PULL);
	if (full == NFO_OK) {
		FUZZ_ASSERT(f.off <= len && f.num <= NFO_ENCAP_MAX);
		FUZZ_ASSERT(f.l3_max == ~0u || f.off + f.l3_max <= len);
	}
	free(copy);

	copy = malloc(hlen ? hlen : 1);
	memcpy(copy, data + 2, hlen);
	nfo_encap_init(&e);
	if (data[0] & 8)
		nfo_encap_add(&e, 1, nfo_cpu_to_be16(NFO_ETH_P_8021Q));
	v = nfo_parse_encap(copy, hlen, len, et, &e);
	free(copy);
	if (v == NFO_PULL) {
		FUZZ_ASSERT(e.need > hlen && e.need <= len &&
			    e.need <= NFO_ENCAP_MAX_NEED);
		copy = malloc(e.need);
		memcpy(copy, data + 2, e.need);
		hlen = e.need;
		nfo_encap_init(&e);
		if (data[0] & 8)
			nfo_encap_add(&e, 1,
				      nfo_cpu_to_be16(NFO_ETH_P_8021Q));
		v = nfo_parse_encap(copy, hlen, len, et, &e);
		free(copy);
	}
	FUZZ_ASSERT(v == full);
	if (v == NFO_OK)
		FUZZ_ASSERT(!memcmp(&e, &f, sizeof(e)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 buf[65535];
	struct nfo_pkt pf, p, p2;
	enum nfo_verdict full, v, v2;
	unsigned int pkt_len, hlen;
	const u8 *pkt;
	int fam;

	if (size < 2 || size > 65535 + 2)
		return 0;
	if (data[0] & 4) {
		fuzz_encap(data, size);
		return 0;
	}
	fam = data[0] & 1 ? 6 : 4;
	pkt = data + 2;
	pkt_len = (unsigned int)size - 2;
	hlen = data[1] == 0xff || data[1] > pkt_len ? pkt_len : data[1];

	/*
	 * Mode bit 1: give an IPv4 header a correct checksum first, so the
	 * fuzzer gets past the checksum check into the rest of the parser;
	 * without it, the checksum check itself is fuzzed.
	 */
	if (fam == 4 && (data[0] & 2) && pkt_len >= 20) {
		unsigned int sum;

		memcpy(buf, pkt, pkt_len);
		buf[10] = 0;
		buf[11] = 0;
		sum = ~ipv4_hdr_sum(buf) & 0xffff;
		buf[10] = (u8)(sum >> 8);
		buf[11] = (u8)sum;
		pkt = buf;
	}

	full = run(fam, pkt, pkt_len, pkt_len, &pf);
	FUZZ_ASSERT(full != NFO_PULL);
	if (tuple_complete(full)) {
		check_pkt(fam, pkt, pkt_len, full, &pf);
		/* Only a header with a valid checksum passes. */
		if (fam == 4)
			FUZZ_ASSERT(ipv4_hdr_sum(pkt) == 0xffff);
	}
	/* GRE refusals: a version, or routing or fields past the packet. */
	if (full == NFO_R_GRE_VERSION || full == NFO_R_GRE_HDR) {
		const u8 *g = pkt + (fam == 4 ? 20 : 40);

		FUZZ_ASSERT(pkt[fam == 4 ? 9 : 6] == 47);
		FUZZ_ASSERT((full == NFO_R_GRE_VERSION) == !!(g[1] & 7));
	}

	v = run(fam, pkt, pkt_len, hlen, &p);
	if (v == NFO_PULL) {
		FUZZ_ASSERT(p.need > hlen);
		FUZZ_ASSERT(p.need <= pkt_len);
		FUZZ_ASSERT(p.need <= NFO_PARSE_MAX_NEED);
		v2 = run(fam, pkt, pkt_len, p.need, &p2);
		FUZZ_ASSERT(v2 == full);
		if (tuple_complete(v2))
			FUZZ_ASSERT(same_pkt(&p2, &pf));
	} else {
		FUZZ_ASSERT(v == full);
		if (tuple_complete(v))
			FUZZ_ASSERT(same_pkt(&p, &pf));
	}
	return 0;
}
