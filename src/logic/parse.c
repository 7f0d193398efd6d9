// SPDX-License-Identifier: GPL-2.0
/*
 * Fast-path header parsing for nft_offload.  See parse.h for the contract.
 *
 * The checks follow the kernel flowtable's choices (nf_flow_table_ip.c):
 * anything unusual goes to the slow path, never to a drop.  On top of
 * what the kernel checks at that point, the length fields are validated
 * against the packet, since the fast path bypasses ip_rcv() and
 * ipv6_rcv().
 */
#include "csum.h"
#include "parse.h"

static const char * const nfo_verdict_names[NFO_R_MAX] = {
	[NFO_OK]		= "ok",
	[NFO_PULL]		= "pull",
	[NFO_R_TRUNCATED]	= "truncated",
	[NFO_R_BAD_VERSION]	= "bad_version",
	[NFO_R_BAD_IHL]		= "bad_ihl",
	[NFO_R_BAD_LEN]		= "bad_len",
	[NFO_R_OPTIONS]		= "options",
	[NFO_R_FRAGMENT]	= "fragment",
	[NFO_R_EXTHDR]		= "exthdr",
	[NFO_R_PROTO]		= "proto",
	[NFO_R_TTL]		= "ttl",
	[NFO_R_TCP_DOFF]	= "tcp_doff",
	[NFO_R_TCP_FIN_RST]	= "tcp_fin_rst",
	[NFO_R_UDP_LEN]		= "udp_len",
	[NFO_R_BAD_CSUM]	= "bad_csum",
	[NFO_R_ENCAP]		= "encap",
	[NFO_R_GRE_VERSION]	= "gre_version",
	[NFO_R_GRE_HDR]		= "gre_hdr",
	[NFO_R_TCP_FLAGS]	= "tcp_flags",
};

const char *nfo_verdict_name(enum nfo_verdict v)
{
	if ((unsigned int)v >= NFO_R_MAX || !nfo_verdict_names[v])
		return "unknown";
	return nfo_verdict_names[v];
}

/* Ask for @need bytes, but never for more than the packet has. */
static enum nfo_verdict nfo_pull(struct nfo_pkt *p, unsigned int need,
				 unsigned int pkt_len)
{
	p->need = (u16)(need < pkt_len ? need : pkt_len);
	return NFO_PULL;
}

/*
 * GRE: the base header must be linear; the optional fields (checksum and
 * offset, key, sequence number, 4 bytes each) only have to fit the IP
 * payload, since nothing of GRE is read further or rewritten.  Source
 * routing (RFC 1701) has a variable length: the normal path's call, as
 * Linux' own GRE receive refuses it too.
 */
static enum nfo_verdict nfo_parse_gre(const u8 *data, unsigned int hlen,
				      unsigned int pkt_len, struct nfo_pkt *p)
{
	unsigned int thoff = p->thoff;
	unsigned int len = NFO_GRE_HLEN;
	u16 flags;

	if (thoff + NFO_GRE_HLEN > p->l3_len)
		return NFO_R_TRUNCATED;
	if (thoff + NFO_GRE_HLEN > hlen)
		return nfo_pull(p, thoff + NFO_GRE_HLEN, pkt_len);

	flags = nfo_get_be16(data + thoff);
	if (flags & NFO_GRE_VERSION)
		return NFO_R_GRE_VERSION;
	if (flags & NFO_GRE_ROUTING)
		return NFO_R_GRE_HDR;
	if (flags & NFO_GRE_CSUM)
		len += 4;
	if (flags & NFO_GRE_KEY)
		len += 4;
	if (flags & NFO_GRE_SEQ)
		len += 4;
	if (thoff + len > p->l3_len)
		return NFO_R_GRE_HDR;

	p->sport = 0;
	p->dport = 0;
	p->tcp_flags = 0;
	return NFO_OK;
}

/*
 * TCP segments the fast path leaves to conntrack: any SYN (a connection
 * opened again on an old tuple is conntrack's to judge), and the flag
 * combinations its TCP tracker calls invalid and a `ct state invalid`
 * rule would drop.  PSH, ECE and CWR may come with anything.  Of the
 * rest, a segment of an established connection carries ACK alone or
 * with FIN, then URG may join, or RST alone or with ACK.  FIN and RST so
 * carried end the offload.
 */
static enum nfo_verdict nfo_tcp_flags(u8 flags)
{
	u8 f = flags & (NFO_TCP_FIN | NFO_TCP_SYN | NFO_TCP_RST | NFO_TCP_ACK);

	switch (f) {
	case NFO_TCP_ACK:
		return NFO_OK;
	case NFO_TCP_FIN | NFO_TCP_ACK:
		return NFO_R_TCP_FIN_RST;
	case NFO_TCP_RST:
	case NFO_TCP_RST | NFO_TCP_ACK:
		return flags & NFO_TCP_URG ? NFO_R_TCP_FLAGS :
					     NFO_R_TCP_FIN_RST;
	default:	/* SYN; no ACK nor RST; FIN with SYN or RST */
		return NFO_R_TCP_FLAGS;
	}
}

/*
 * Common L4 part.  p->thoff, p->l3_len and p->l4proto are set, the L3
 * header has been read, and p->l3_len <= pkt_len.
 */
static enum nfo_verdict nfo_parse_l4(const u8 *data, unsigned int hlen,
				     unsigned int pkt_len, struct nfo_pkt *p)
{
	unsigned int thoff = p->thoff;
	unsigned int l3_len = p->l3_len;
	unsigned int hdr, doff, ulen;
	const u8 *l4;

	if (p->l4proto == NFO_IPPROTO_GRE)
		return nfo_parse_gre(data, hlen, pkt_len, p);

	hdr = p->l4proto == NFO_IPPROTO_TCP ? NFO_TCP_HLEN : NFO_UDP_HLEN;
	if (thoff + hdr > l3_len)
		return NFO_R_TRUNCATED;
	if (thoff + hdr > hlen)
		return nfo_pull(p, thoff + hdr, pkt_len);

	l4 = data + thoff;
	if (p->l4proto == NFO_IPPROTO_TCP) {
		doff = (unsigned int)(l4[12] >> 4) * 4;
		if (doff < NFO_TCP_HLEN || thoff + doff > l3_len)
			return NFO_R_TCP_DOFF;
		p->tcp_flags = l4[13];
	} else {
		ulen = nfo_get_be16(l4 + 4);
		if (ulen < NFO_UDP_HLEN || ulen > l3_len - thoff)
			return NFO_R_UDP_LEN;
		p->tcp_flags = 0;
	}

	p->sport = nfo_raw_be16(l4);
	p->dport = nfo_raw_be16(l4 + 2);

	if (p->l4proto == NFO_IPPROTO_TCP)
		return nfo_tcp_flags(p->tcp_flags);
	return NFO_OK;
}

/* L4 protocols of the fast path; everything else is NFO_R_PROTO. */
static bool nfo_l4proto_ok(u8 proto)
{
	switch (proto) {
	case NFO_IPPROTO_TCP:
	case NFO_IPPROTO_UDP:
	case NFO_IPPROTO_GRE:
		return true;
	default:
		return false;
	}
}

enum nfo_verdict nfo_parse_ipv4(const u8 *data, unsigned int hlen,
				unsigned int pkt_len, struct nfo_pkt *p)
{
	unsigned int ihl, tot_len;

	if (hlen > pkt_len)
		hlen = pkt_len;
	if (pkt_len < NFO_IPV4_HLEN)
		return NFO_R_TRUNCATED;
	if (hlen < NFO_IPV4_HLEN)
		return nfo_pull(p, NFO_IPV4_HLEN + NFO_TCP_HLEN, pkt_len);

	if ((data[0] >> 4) != 4)
		return NFO_R_BAD_VERSION;
	ihl = (unsigned int)(data[0] & 0x0f) * 4;
	if (ihl < NFO_IPV4_HLEN)
		return NFO_R_BAD_IHL;
	tot_len = nfo_get_be16(data + 2);
	if (tot_len < ihl || tot_len > pkt_len)
		return NFO_R_BAD_LEN;
	if (ihl != NFO_IPV4_HLEN)
		return NFO_R_OPTIONS;
	/* MF flag or a non-zero fragment offset. */
	if (nfo_get_be16(data + 6) & 0x3fff)
		return NFO_R_FRAGMENT;
	/*
	 * The normal path drops a header whose checksum is wrong (ip_rcv());
	 * so must we, by not forwarding it.
	 */
	if (!nfo_ipv4_hdr_csum_ok(data))
		return NFO_R_BAD_CSUM;

	p->family = NFO_FAMILY_IPV4;
	p->l4proto = data[9];
	p->ttl = data[8];
	p->thoff = NFO_IPV4_HLEN;
	p->l3_len = tot_len;

	if (!nfo_l4proto_ok(p->l4proto))
		return NFO_R_PROTO;
	if (p->ttl <= 1)
		return NFO_R_TTL;

	memset(p->src, 0, sizeof(p->src));
	memset(p->dst, 0, sizeof(p->dst));
	p->src[0] = nfo_raw_be32(data + 12);
	p->dst[0] = nfo_raw_be32(data + 16);

	return nfo_parse_l4(data, hlen, pkt_len, p);
}

/* IANA "IPv6 Extension Header Types", fragment header excluded. */
static bool nfo_ipv6_is_exthdr(u8 nexthdr)
{
	switch (nexthdr) {
	case 0:		/* hop-by-hop options */
	case 43:	/* routing */
	case 50:	/* ESP */
	case 51:	/* AH */
	case 60:	/* destination options */
	case 135:	/* mobility */
	case 139:	/* HIP */
	case 140:	/* shim6 */
	case 253:	/* experimental */
	case 254:	/* experimental */
		return true;
	default:
		return false;
	}
}

enum nfo_verdict nfo_parse_ipv6(const u8 *data, unsigned int hlen,
				unsigned int pkt_len, struct nfo_pkt *p)
{
	unsigned int plen;
	u8 nexthdr;

	if (hlen > pkt_len)
		hlen = pkt_len;
	if (pkt_len < NFO_IPV6_HLEN)
		return NFO_R_TRUNCATED;
	if (hlen < NFO_IPV6_HLEN)
		return nfo_pull(p, NFO_IPV6_HLEN + NFO_TCP_HLEN, pkt_len);

	if ((data[0] >> 4) != 6)
		return NFO_R_BAD_VERSION;
	/*
	 * A zero payload length is a jumbogram or a BIG TCP super-packet:
	 * the length is not in the header, leave those to the stack.
	 */
	plen = nfo_get_be16(data + 4);
	if (plen == 0 || plen + NFO_IPV6_HLEN > pkt_len)
		return NFO_R_BAD_LEN;

	nexthdr = data[6];
	if (nexthdr == 44)
		return NFO_R_FRAGMENT;
	if (nfo_ipv6_is_exthdr(nexthdr))
		return NFO_R_EXTHDR;

	p->family = NFO_FAMILY_IPV6;
	p->l4proto = nexthdr;
	p->ttl = data[7];
	p->thoff = NFO_IPV6_HLEN;
	p->l3_len = plen + NFO_IPV6_HLEN;

	if (!nfo_l4proto_ok(nexthdr))
		return NFO_R_PROTO;
	if (p->ttl <= 1)
		return NFO_R_TTL;

	memcpy(p->src, data + 8, sizeof(p->src));
	memcpy(p->dst, data + 24, sizeof(p->dst));

	return nfo_parse_l4(data, hlen, pkt_len, p);
}

/* Ask for every header the walk can read, so one pull is always enough. */
static enum nfo_verdict nfo_encap_pull(struct nfo_encap *e,
				       unsigned int pkt_len)
{
	e->need = (u16)(pkt_len < NFO_ENCAP_MAX_NEED ? pkt_len :
						       NFO_ENCAP_MAX_NEED);
	return NFO_PULL;
}

void nfo_encap_init(struct nfo_encap *e)
{
	memset(e, 0, sizeof(*e));
	e->l3_max = ~0u;
}

bool nfo_encap_add(struct nfo_encap *e, u16 id, __be16 proto)
{
	if (e->num >= NFO_ENCAP_MAX)
		return false;
	e->id[e->num] = id;
	e->proto[e->num] = proto;
	e->num++;
	return true;
}

enum nfo_verdict nfo_parse_encap(const u8 *data, unsigned int hlen,
				 unsigned int pkt_len, u16 ethertype,
				 struct nfo_encap *e)
{
	unsigned int off = 0, len;
	const u8 *h;

	if (hlen > pkt_len)
		hlen = pkt_len;
	for (;;) {
		switch (ethertype) {
		case NFO_ETH_P_IP:
			e->family = NFO_FAMILY_IPV4;
			e->off = (u16)off;
			return NFO_OK;
		case NFO_ETH_P_IPV6:
			e->family = NFO_FAMILY_IPV6;
			e->off = (u16)off;
			return NFO_OK;
		case NFO_ETH_P_8021Q:
		case NFO_ETH_P_8021AD:
			if (off + NFO_VLAN_HLEN > pkt_len)
				return NFO_R_TRUNCATED;
			if (off + NFO_VLAN_HLEN > hlen)
				return nfo_encap_pull(e, pkt_len);
			h = data + off;
			if (!nfo_encap_add(e, nfo_get_be16(h) & 0x0fff,
					   nfo_cpu_to_be16(ethertype)))
				return NFO_R_ENCAP;
			ethertype = nfo_get_be16(h + 2);
			off += NFO_VLAN_HLEN;
			break;
		case NFO_ETH_P_PPP_SES:
			if (off + NFO_PPPOE_HLEN > pkt_len)
				return NFO_R_TRUNCATED;
			if (off + NFO_PPPOE_HLEN > hlen)
				return nfo_encap_pull(e, pkt_len);
			h = data + off;
			/* Version 1, type 1, code 0 (session data). */
			if (h[0] != 0x11 || h[1] != 0)
				return NFO_R_ENCAP;
			/* The length covers the PPP protocol field and up. */
			len = nfo_get_be16(h + 4);
			if (len < 2 || off + 6 + len > pkt_len)
				return NFO_R_BAD_LEN;
			if (!nfo_encap_add(e, nfo_get_be16(h + 2),
					   nfo_cpu_to_be16(ethertype)))
				return NFO_R_ENCAP;
			switch (nfo_get_be16(h + 6)) {
			case NFO_PPP_IP:
				ethertype = NFO_ETH_P_IP;
				break;
			case NFO_PPP_IPV6:
				ethertype = NFO_ETH_P_IPV6;
				break;
			default:
				return NFO_R_PROTO;
			}
			off += NFO_PPPOE_HLEN;
			e->l3_max = len - 2;
			e->family = ethertype == NFO_ETH_P_IP ?
				    NFO_FAMILY_IPV4 : NFO_FAMILY_IPV6;
			e->off = (u16)off;
			return NFO_OK;
		default:
			return NFO_R_PROTO;
		}
	}
}
