/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fast-path header parsing over plain bytes.
 *
 * The parser looks at an IPv4 or IPv6 packet starting at its network
 * header and decides whether the fast path may handle it.  Everything it
 * does not handle gets a reason and goes to the normal (slow) path; the
 * parser never asks for a drop, like the kernel's flowtable.
 *
 * Two lengths describe the packet:
 *
 *   @hlen     bytes readable at @data (the linear part: skb_headlen()
 *             minus the network header offset).  The parser never reads
 *             beyond it.
 *   @pkt_len  bytes of the whole packet from the network header on
 *             (skb->len minus that offset); length fields are checked
 *             against it.  A @hlen above @pkt_len is treated as @pkt_len.
 *
 * When the headers the parser must read are not all within @hlen but are
 * within the packet, it returns NFO_PULL and sets p->need to the number of
 * bytes that must be readable at @data; the caller makes them linear
 * (pskb_may_pull()) and calls again.  p->need never exceeds @pkt_len, and
 * a second call with @hlen >= p->need never returns NFO_PULL again, so
 * "pull once and retry once" is enough:
 *
 *	v = nfo_parse_ipv4(data, hlen, pkt_len, &p);
 *	if (v == NFO_PULL) {
 *		if (!pskb_may_pull(skb, nhoff + p.need))
 *			goto slow_path;
 *		data = skb->data + nhoff;
 *		v = nfo_parse_ipv4(data, skb_headlen(skb) - nhoff,
 *				   pkt_len, &p);
 *	}
 *
 * p->need is at most NFO_PARSE_MAX_NEED, so a caller may also just pull
 * min(NFO_PARSE_MAX_NEED, pkt_len) bytes up front.
 *
 * On NFO_OK every field of struct nfo_pkt is valid.  On NFO_R_TCP_FIN_RST
 * too: the packet must take the slow path but the tuple is complete so the
 * caller can look the flow up and tear it down, as the kernel's flowtable
 * does on FIN or RST (once the checksum is known to be right: anyone can
 * send a FIN with a wrong one).  On NFO_R_TCP_FLAGS (a SYN, or flags
 * conntrack calls invalid, FIN or RST among them or not) too, and nothing
 * is torn down.  On any other verdict the contents of *p are unspecified,
 * except p->need on NFO_PULL.
 */
#ifndef NFO_LOGIC_PARSE_H
#define NFO_LOGIC_PARSE_H

#include "nfo_types.h"

#define NFO_IPV4_HLEN		20
#define NFO_IPV6_HLEN		40
#define NFO_TCP_HLEN		20
#define NFO_UDP_HLEN		8
#define NFO_GRE_HLEN		4	/* GRE base header: flags, protocol */

/* GRE flags and version, first 16 bits of the GRE header (host order). */
#define NFO_GRE_CSUM		0x8000	/* checksum and offset present */
#define NFO_GRE_ROUTING		0x4000	/* source routing (RFC 1701) */
#define NFO_GRE_KEY		0x2000	/* key present */
#define NFO_GRE_SEQ		0x1000	/* sequence number present */
#define NFO_GRE_VERSION		0x0007

/* Largest p->need ever reported: IPv6 header plus a TCP header. */
#define NFO_PARSE_MAX_NEED	(NFO_IPV6_HLEN + NFO_TCP_HLEN)

/* TCP flags as in byte 13 of the TCP header. */
#define NFO_TCP_FIN		0x01
#define NFO_TCP_SYN		0x02
#define NFO_TCP_RST		0x04
#define NFO_TCP_PSH		0x08
#define NFO_TCP_ACK		0x10
#define NFO_TCP_URG		0x20
#define NFO_TCP_ECE		0x40
#define NFO_TCP_CWR		0x80

/*
 * Parse result.  NFO_OK: fast path.  NFO_PULL: make p->need bytes linear
 * and call again.  NFO_R_*: slow path, for that reason.  The values may be
 * used as array indexes (statistics) up to NFO_R_MAX.
 */
enum nfo_verdict {
	NFO_OK = 0,
	NFO_PULL,		/* headers not linear: pull p->need, retry */
	NFO_R_TRUNCATED,	/* packet shorter than its headers */
	NFO_R_BAD_VERSION,	/* IP version field is not 4 (or 6) */
	NFO_R_BAD_IHL,		/* IPv4 header length below 20 bytes */
	NFO_R_BAD_LEN,		/* total/payload length vs packet size */
	NFO_R_OPTIONS,		/* IPv4 options present */
	NFO_R_FRAGMENT,		/* IPv4 fragment, IPv6 fragment header */
	NFO_R_EXTHDR,		/* IPv6 extension header before L4 */
	NFO_R_PROTO,		/* L4 protocol not TCP, UDP or GRE */
	NFO_R_TTL,		/* TTL or hop limit <= 1 */
	NFO_R_TCP_DOFF,		/* TCP data offset < 5 or past the packet */
	NFO_R_TCP_FIN_RST,	/* TCP FIN or RST: tuple valid, tear down */
	NFO_R_UDP_LEN,		/* UDP length < 8 or past the IP payload */
	NFO_R_BAD_CSUM,		/* IPv4 header checksum wrong */
	NFO_R_ENCAP,		/* encapsulation not handled (see below) */
	NFO_R_GRE_VERSION,	/* GRE version not 0 (1: PPTP, keyed) */
	NFO_R_GRE_HDR,		/* GRE routing bit, or fields past the packet */
	NFO_R_TCP_FLAGS,	/* TCP SYN, or flags conntrack calls invalid */
	NFO_R_MAX
};

/*
 * Stable short snake_case name of a verdict ("ok", "pull", "truncated",
 * "bad_version", "bad_ihl", "bad_len", "options", "fragment", "exthdr",
 * "proto", "ttl", "tcp_doff", "tcp_fin_rst", "udp_len", "bad_csum",
 * "encap", "gre_version", "gre_hdr"), or "unknown".
 * These are statistics keys: do not rename.
 */
const char *nfo_verdict_name(enum nfo_verdict v);

/*
 * What the parser found.  Addresses are the raw wire words; an IPv4
 * address is in [0] and [1..3] are zero.
 *
 * GRE (NFO_IPPROTO_GRE) is accepted in version 0 only (RFC 2784, with the
 * key and sequence number fields of RFC 2890), whatever its optional
 * fields, as long as they lie within the packet; the ports are zero, as
 * in conntrack's tuple of a GRE version 0 connection, which ignores the
 * key.  Nothing past the 4-byte base header is read or needs to be linear.
 */
struct nfo_pkt {
	__be32 src[4];
	__be32 dst[4];
	__be16 sport;
	__be16 dport;
	u32 l3_len;	/* IPv4 tot_len, or 40 + IPv6 payload_len */
	u16 thoff;	/* offset of the L4 header from the network header */
	u16 need;	/* NFO_PULL: bytes needed at data */
	u8 family;	/* NFO_FAMILY_IPV4 or NFO_FAMILY_IPV6 */
	u8 l4proto;	/* NFO_IPPROTO_TCP, _UDP or _GRE */
	u8 ttl;		/* TTL or hop limit as received */
	u8 tcp_flags;	/* byte 13 of the TCP header, 0 for UDP and GRE */
};

enum nfo_verdict nfo_parse_ipv4(const u8 *data, unsigned int hlen,
				unsigned int pkt_len, struct nfo_pkt *p);
enum nfo_verdict nfo_parse_ipv6(const u8 *data, unsigned int hlen,
				unsigned int pkt_len, struct nfo_pkt *p);

/* Ethertypes (host order) and PPP protocol numbers the parser knows. */
#define NFO_ETH_P_IP		0x0800
#define NFO_ETH_P_IPV6		0x86dd
#define NFO_ETH_P_8021Q		0x8100
#define NFO_ETH_P_8021AD	0x88a8
#define NFO_ETH_P_PPP_SES	0x8864
#define NFO_PPP_IP		0x0021
#define NFO_PPP_IPV6		0x0057

#define NFO_VLAN_HLEN		4	/* TCI and encapsulated ethertype */
#define NFO_PPPOE_HLEN		8	/* PPPoE session header + PPP protocol */
#define NFO_ENCAP_MAX		2	/* layers of encapsulation handled */
/* Largest e->need: enough for every header nfo_parse_encap() reads. */
#define NFO_ENCAP_MAX_NEED	(2 * NFO_PPPOE_HLEN)

/*
 * Encapsulation between the Ethernet header and the IP header: 802.1Q and
 * 802.1ad tags and a PPPoE session, up to NFO_ENCAP_MAX layers in all,
 * counting a tag the device already took off (hardware VLAN acceleration).
 *
 * @id and @proto list the layers outermost first, as struct nfo_tuple
 * records them: the VLAN ID (no priority bits) or PPPoE session id in
 * host order, and the ethertype that announced the layer, in network
 * order.  @off is how many bytes of those headers sit in the data before
 * the IP header.  @l3_max bounds the IP packet's length: the PPPoE payload
 * length minus the PPP protocol field, or UINT_MAX with no PPPoE.
 */
struct nfo_encap {
	u16 id[NFO_ENCAP_MAX];
	__be16 proto[NFO_ENCAP_MAX];
	u8 num;		/* used entries of id[] and proto[] */
	u8 family;	/* NFO_FAMILY_IPV4 or NFO_FAMILY_IPV6 inside */
	u16 off;
	u16 need;	/* NFO_PULL: bytes needed at data */
	u32 l3_max;
};

/* Start @e empty. */
void nfo_encap_init(struct nfo_encap *e);

/* @e has a PPPoE session among its layers. */
static inline bool nfo_encap_pppoe(const struct nfo_encap *e)
{
	return e->l3_max != ~0u;
}

/* Record a layer already removed by the device; false if no room. */
bool nfo_encap_add(struct nfo_encap *e, u16 id, __be16 proto);

/*
 * Walk the in-data headers at @data, the frame's payload after the
 * Ethernet header and any tag the device removed, whose ethertype is
 * @ethertype (host order).  @hlen and @pkt_len are as for the IP parsers;
 * NFO_PULL asks for e->need bytes, after which a second call never asks
 * again.  NFO_OK: e->family, e->off and e->l3_max describe the IP
 * packet inside.  NFO_R_PROTO: the payload is not IP.  NFO_R_ENCAP: more
 * layers than handled, a PPPoE header that is not version 1 type 1 code 0
 * session data.  NFO_R_BAD_LEN: the PPPoE length exceeds the frame.
 * NFO_R_TRUNCATED: a header is cut short.
 */
enum nfo_verdict nfo_parse_encap(const u8 *data, unsigned int hlen,
				 unsigned int pkt_len, u16 ethertype,
				 struct nfo_encap *e);

/*
 * Offset of the checksum field within the L4 header: 16 for TCP, 6 for
 * UDP, 0 for anything else (GRE: no pseudo-header checksum to update).
 */
static inline unsigned int nfo_l4_csum_offset(u8 l4proto)
{
	switch (l4proto) {
	case NFO_IPPROTO_TCP:
		return 16;
	case NFO_IPPROTO_UDP:
		return 6;
	default:
		return 0;
	}
}

#endif /* NFO_LOGIC_PARSE_H */
