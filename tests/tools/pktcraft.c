// SPDX-License-Identifier: GPL-2.0
/*
 * pktcraft: hand-made Ethernet frames for one flow, valid and malformed,
 * and a sniffer that records what arrives, for differential tests of the
 * fast path against the kernel's normal path.
 *
 *   pktcraft send IFACE DSTMAC [--gap-us N] [--seed N] [--src MAC]
 *		[--sid N] SPEC...
 *	Write frames with AF_PACKET on IFACE (source MAC: IFACE's own, or
 *	--src) to DSTMAC, one at a time, N microseconds apart (default
 *	2000); --sid is the session id of the pppoe case (default 1).  Prints
 *	one manifest line per frame:
 *		INDEX NAME FAMILY FRAMELEN HASH EXPECT
 *	INDEX numbers the cases of this run, HASH is FNV-1a 64 of the frame
 *	after its first 14 bytes, EXPECT what the fast path is designed to
 *	do with it: "fast", a slow_* reason of /proc/net/stat/nft_offload
 *	without the prefix, "slow" (some reason), "none" (the hook never
 *	counts it) or "any".  The SPECs, in order:
 *	  udp4=SRC,SPORT,DST,DPORT		the flow of the cases that
 *	  tcp4=SRC,SPORT,DST,DPORT,SEQ,ACK	follow (udp6=, tcp6=, gre6=
 *	  gre4=SRC,DST				with IPv6 addresses; GRE:
 *						version 0, no optional
 *						fields, protocol 0x6558)
 *	  CASE		one case of "pktcraft cases" for the current flow
 *	  all		every case marked A in that list that applies to the
 *			flow, in list order (TCP: FIN and RST come last)
 *	  random=N	N frames of the flow, each its valid frame with 1-3
 *			bytes of the first 60 flipped (never the source
 *			address: see mutate()); same --seed, same frames
 *	TCP frames carry the ACK flag and the flow's ACK number (but "open"
 *	and "syn"), and every case advances SEQ by what it sends (payload,
 *	SYN, FIN), so a run stays in the receiver's window.
 *
 *   pktcraft sniff IFACE SECONDS OUTFILE [--stop-tag NAME]
 *	Record every frame IFACE receives (outgoing ones are skipped, ARP
 *	too), one line each, until SECONDS have passed or, with --stop-tag,
 *	one second after a frame of case NAME arrived.  OUTFILE is created
 *	once the socket is bound: its existence means "ready".  Lines:
 *		LABEL L3LEN HASH ETH SUMMARY HEX
 *	LABEL is the case name found in the payload, else "#INDEX" when the
 *	IPv4 ID / IPv6 flow label carries a case index, else "noise" (IPv6
 *	neighbour discovery and MLD), "unlabeled" (other IP) or "nonip".
 *	HASH is FNV-1a 64 of the frame from the L3 header on, with the
 *	identification of IPv6 fragment headers zeroed (a router that
 *	reassembles and refragments picks a new one), L3LEN its length, ETH
 *	"DST>SRC/TYPE", SUMMARY the decoded headers (no spaces), HEX the L3
 *	bytes.  Exits 0 if the stop tag was seen (or not asked for).
 *
 *   pktcraft cases
 *	List the cases: name, families, protocols, expectation, A if "all"
 *	includes it.
 *
 * Every frame carries its case index in the IPv4 ID or IPv6 flow label
 * (0xa000 | INDEX) and, where it has an L4 payload, the ASCII tag
 * "NFOCASE:<name>:" twice, at payload offsets 0 and 32, so random flips
 * in the first 60 bytes of the frame never reach the second copy.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

#define FRAME_MAX	2048
#define PAYLOAD_LEN	64	/* L4 payload of a data frame */
#define TAG_SLOT	32	/* the tag is written at 0 and at TAG_SLOT */
#define TAG		"NFOCASE:"
#define TAG_LEN		8
#define NAME_MAX_LEN	(TAG_SLOT - TAG_LEN - 1)
#define MARK		0xa000	/* IPv4 ID / IPv6 flow label: MARK | index */
#define MARK_MASK	0xf000
#define INDEX_MASK	0x0fff
#define MUTATE_SPAN	60	/* random flips stay in the first bytes */
#define HEX_MAX		512	/* L3 bytes the sniffer prints */

#define ET_IPV4		0x0800
#define ET_ARP		0x0806
#define ET_VLAN		0x8100
#define ET_QINQ		0x88a8
#define ET_IPV6		0x86dd
#define ET_PPPOE_SES	0x8864

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PSH		0x08
#define TH_ACK		0x10

#define GRE_CSUM	0x8000	/* GRE flags: checksum and offset present */
#define GRE_ROUTING	0x4000
#define GRE_KEY		0x2000
#define GRE_SEQ		0x1000
#define GRE_HLEN	4	/* base header: flags and version, protocol */
#define GRE_PROTO	0x6558	/* transparent Ethernet bridging (gretap) */

#define NH_HOP		0
#define NH_TCP		6
#define NH_UDP		17
#define NH_GRE		47
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define NH_ICMPV6	58
#define NH_DSTOPTS	60

/* --- bytes and checksums ------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* One's-complement sum of big-endian words, not folded. */
static uint32_t sum_bytes(const uint8_t *p, size_t n, uint32_t s)
{
	while (n > 1) {
		s += get16(p);
		p += 2;
		n -= 2;
	}
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

/* Folded and complemented: the value of a checksum field. */
static uint16_t sum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Sum of the TCP/UDP pseudo-header of the IP header at @h. */
static uint32_t pseudo_sum(const uint8_t *h, uint8_t proto, uint32_t len)
{
	uint32_t s;

	if ((h[0] >> 4) == 6)
		s = sum_bytes(h + 8, 32, 0);
	else
		s = sum_bytes(h + 12, 8, 0);
	return s + proto + (len >> 16) + (len & 0xffff);
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A packet socket bound to @ifname; its index and MAC in *@ifindex, @mac. */
static int packet_socket(const char *ifname, uint16_t proto, int *ifindex,
			 uint8_t *mac)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW, htons(proto));
	if (fd < 0) {
		perror("socket(AF_PACKET)");
		exit(2);
	}
	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		fprintf(stderr, "%s: name too long\n", ifname);
		exit(2);
	}
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		perror(ifname);
		exit(2);
	}
	*ifindex = ifr.ifr_ifindex;
	if (mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
			perror("SIOCGIFHWADDR");
			exit(2);
		}
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("bind(AF_PACKET)");
		exit(2);
	}
	return fd;
}

/* --- frames --------------------------------------------------------------- */

struct flow {
	int fam;		/* 4 or 6; 0 before the first flow SPEC */
	uint8_t proto;		/* NH_TCP, NH_UDP or NH_GRE */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	char prefix[4];		/* "u4", "t6", ... */
};

struct pkt {
	uint8_t b[FRAME_MAX];
	size_t len;		/* frame length */
	size_t l3;		/* offset of the IP header */
	size_t l4;		/* offset of the TCP/UDP/GRE header */
};

struct ctx {
	int fd;
	int ifindex;
	uint8_t src_mac[6], dst_mac[6];
	bool src_set;		/* --src: src_mac given, not IFACE's */
	uint16_t pppoe_sid;
	unsigned int gap_us;
	uint64_t seed;
	unsigned int index;	/* of the case being built */
};

static uint8_t *l3h(struct pkt *p)
{
	return p->b + p->l3;
}

static uint8_t *l4h(struct pkt *p)
{
	return p->b + p->l4;
}

static bool is_v6(struct pkt *p)
{
	return (l3h(p)[0] >> 4) == 6;
}

/* Insert @n bytes at frame offset @off; offsets behind it move. */
static void insert(struct pkt *p, size_t off, const uint8_t *data, size_t n)
{
	if (p->len + n > FRAME_MAX || off > p->len) {
		fprintf(stderr, "pktcraft: frame overflow\n");
		exit(2);
	}
	memmove(p->b + off + n, p->b + off, p->len - off);
	memcpy(p->b + off, data, n);
	p->len += n;
	if (p->l3 >= off)
		p->l3 += n;
	if (p->l4 >= off)
		p->l4 += n;
}

/* IPv4 tot_len or IPv6 payload_len. */
static unsigned int l3_len_field(struct pkt *p)
{
	return get16(l3h(p) + (is_v6(p) ? 4 : 2));
}

static void set_l3_len_field(struct pkt *p, unsigned int v)
{
	put16(l3h(p) + (is_v6(p) ? 4 : 2), (uint16_t)v);
}

static void ip4_csum(struct pkt *p)
{
	uint8_t *h = l3h(p);
	size_t ihl = (size_t)(h[0] & 0x0f) * 4;

	if (ihl < 20)
		ihl = 20;
	if (p->l3 + ihl > p->len)
		return;
	put16(h + 10, 0);
	put16(h + 10, sum_fold(sum_bytes(h, ihl, 0)));
}

/*
 * Checksum of the TCP/UDP header at p->l4 over @len bytes (as far as the
 * frame goes), the pseudo-header saying @plen bytes.  A UDP result of 0 is
 * sent as 0xffff.
 */
static void l4_csum_len(struct pkt *p, uint8_t proto, size_t len, size_t plen)
{
	size_t off = proto == NH_TCP ? 16 : 6;
	uint8_t *th = l4h(p);
	uint16_t c;

	if (p->l4 + off + 2 > p->len)
		return;
	if (p->l4 + len > p->len)
		len = p->len - p->l4;
	put16(th + off, 0);
	c = sum_fold(sum_bytes(th, len, pseudo_sum(l3h(p), proto, plen)));
	if (!c && proto == NH_UDP)
		c = 0xffff;
	put16(th + off, c);
}

/* L4 length as the IP header says: IPv4 tot_len - ihl, IPv6 up to L4. */
static size_t l4_len(struct pkt *p)
{
	uint8_t *h = l3h(p);

	if (is_v6(p))
		return get16(h + 4) + 40 - (p->l4 - p->l3);
	return get16(h + 2) - (p->l4 - p->l3);
}

static void l4_csum(struct pkt *p, uint8_t proto)
{
	l4_csum_len(p, proto, l4_len(p), l4_len(p));
}

/* The payload of case @name: the tag twice, dots elsewhere. */
static void fill_payload(uint8_t *pl, size_t len, const char *name)
{
	char tag[TAG_SLOT + 1];
	size_t n, i;

	memset(pl, '.', len);
	n = (size_t)snprintf(tag, sizeof(tag), TAG "%s:", name);
	if (n > TAG_SLOT)
		n = TAG_SLOT;
	for (i = 0; i < 2 && i * TAG_SLOT + n <= len; i++)
		memcpy(pl + i * TAG_SLOT, tag, n);
}

/* Length of the bare L4 header of @proto. */
static size_t l4_hlen(uint8_t proto)
{
	return proto == NH_TCP ? 20 : proto == NH_UDP ? 8 : GRE_HLEN;
}

/*
 * The valid frame of flow @f, case @name: @plen bytes of payload, TCP
 * flags @flags (ignored for UDP and GRE), case index in the IPv4 ID / flow
 * label.
 */
static void build(struct pkt *p, const struct ctx *c, const struct flow *f,
		  const char *name, size_t plen, uint8_t flags)
{
	size_t l4len = l4_hlen(f->proto) + plen;
	uint16_t mark = MARK | (c->index & INDEX_MASK);
	uint8_t *h, *th;

	memset(p, 0, sizeof(*p));
	memcpy(p->b, c->dst_mac, 6);
	memcpy(p->b + 6, c->src_mac, 6);
	p->l3 = 14;
	h = l3h(p);
	if (f->fam == 4) {
		put16(p->b + 12, ET_IPV4);
		h[0] = 0x45;
		put16(h + 2, (uint16_t)(20 + l4len));
		put16(h + 4, mark);
		put16(h + 6, 0x4000);		/* DF */
		h[8] = 64;
		h[9] = f->proto;
		memcpy(h + 12, f->src, 4);
		memcpy(h + 16, f->dst, 4);
		p->l4 = p->l3 + 20;
	} else {
		put16(p->b + 12, ET_IPV6);
		put32(h, 0x60000000u | mark);
		put16(h + 4, (uint16_t)l4len);
		h[6] = f->proto;
		h[7] = 64;
		memcpy(h + 8, f->src, 16);
		memcpy(h + 24, f->dst, 16);
		p->l4 = p->l3 + 40;
	}
	th = l4h(p);
	if (f->proto == NH_GRE) {
		put16(th, 0);		/* no optional fields, version 0 */
		put16(th + 2, GRE_PROTO);
		fill_payload(th + GRE_HLEN, plen, name);
		p->len = p->l4 + l4len;
		if (f->fam == 4)
			ip4_csum(p);
		return;
	}
	put16(th, f->sport);
	put16(th + 2, f->dport);
	if (f->proto == NH_UDP) {
		put16(th + 4, (uint16_t)l4len);
		fill_payload(th + 8, plen, name);
	} else {
		put32(th + 4, f->seq);
		put32(th + 8, flags & TH_ACK ? f->ack : 0);
		th[12] = 5 << 4;
		th[13] = flags;
		put16(th + 14, 65535);
		fill_payload(th + 20, plen, name);
	}
	p->len = p->l4 + l4len;
	l4_csum(p, f->proto);
	if (f->fam == 4)
		ip4_csum(p);
}

/* Insert IPv6 extension header @hdr (@n bytes, first byte filled in). */
static void ip6_exthdr(struct pkt *p, uint8_t type, const uint8_t *hdr,
		       size_t n)
{
	uint8_t buf[64];
	uint8_t *h = l3h(p);

	memcpy(buf, hdr, n);
	buf[0] = h[6];
	h[6] = type;
	insert(p, p->l3 + 40, buf, n);
	h = l3h(p);
	put16(h + 4, (uint16_t)(get16(h + 4) + n));
}

/*
 * Make @p a fragment holding L4 bytes [@from, @from + @n) of its datagram,
 * @more: more fragments follow.  IPv4: header flags and offset; IPv6: a
 * fragment header.  The ID stays the case's; the IPv6 one is MARK | index.
 */
static void fragment(struct pkt *p, size_t from, size_t n, bool more,
		     unsigned int index)
{
	uint8_t *h = l3h(p);

	memmove(l4h(p), l4h(p) + from, n);
	p->len = p->l4 + n;
	if (!is_v6(p)) {
		put16(h + 2, (uint16_t)(p->l4 - p->l3 + n));
		put16(h + 6, (uint16_t)((more ? 0x2000 : 0) | from / 8));
		ip4_csum(p);
	} else {
		uint8_t fh[8] = { 0 };

		put16(fh + 2, (uint16_t)((from / 8) << 3 | (more ? 1 : 0)));
		put32(fh + 4, MARK | (index & INDEX_MASK));
		put16(h + 4, (uint16_t)n);
		ip6_exthdr(p, NH_FRAGMENT, fh, sizeof(fh));
	}
}

/* --- cases ---------------------------------------------------------------- */

enum {
	F4 = 1,		/* IPv4 flows */
	F6 = 2,		/* IPv6 flows */
	PU = 4,		/* UDP flows */
	PT = 8,		/* TCP flows */
	IN_ALL = 16,	/* part of "all" */
	PG = 32,	/* GRE flows */
	FP = F4 | F6 | PU | PT,
};

enum case_id {
	C_VALID, C_TTL2, C_TTL1, C_TTL0, C_TRUNC10, C_TRUNC19, C_TRUNC39,
	C_L4CUT, C_IHL4, C_IHL3, C_IPOPT, C_IPOPT_BAD, C_VERSION,
	C_LEN_BIG, C_LEN_SMALL, C_LEN_HDR, C_TRAILER1, C_TRAILER_BIG,
	C_ETHPAD, C_MF,
	C_FRAGOFF, C_FRAGPAIR, C_FRAGATOMIC, C_HBH, C_DSTOPT, C_RTHDR,
	C_PROTO253, C_IPCSUM_BAD, C_L4CSUM_BAD, C_UDPCSUM0, C_UDPLEN_BIG,
	C_UDPLEN_SMALL, C_UDPLEN_SHORT, C_UDPLEN_SHORT_C, C_DOFF4, C_DOFF15,
	C_TCPOPT, C_SYN, C_VLAN_CUT, C_VLAN, C_VLAN0, C_QINQ, C_PPPOE_CUT,
	C_PPPOE, C_PPPOE_PAD, C_OTHERHOST, C_BCAST, C_NOFLAGS, C_FIN_CSUM,
	C_FIN, C_RST,
	C_OPEN, C_SYNACK, C_ACK, C_DATA, C_END,
	C_GRE_OPTS, C_GRE_OPTCUT, C_GRE_V1, C_GRE_PPTP, C_GRE_ROUTING,
};

struct kase {
	enum case_id id;
	const char *name;
	unsigned int mask;
	const char *expect4;	/* on an IPv4 flow */
	const char *expect6;	/* on an IPv6 flow */
	const char *what;
};

static const struct kase cases[] = {
	{ C_VALID, "valid", FP | PG | IN_ALL, "fast", "fast",
	  "the flow's packet, unchanged (control)" },
	{ C_TTL2, "ttl2", FP | PG | IN_ALL, "fast", "fast",
	  "TTL / hop limit 2: forwarded with 1" },
	{ C_TTL1, "ttl1", FP | PG | IN_ALL, "ttl", "ttl",
	  "TTL / hop limit 1" },
	{ C_TTL0, "ttl0", F4 | F6 | PU | IN_ALL, "ttl", "ttl",
	  "TTL / hop limit 0" },
	{ C_TRUNC10, "trunc10", F4 | PU | IN_ALL, "truncated", "-",
	  "frame ends 10 bytes into the IPv4 header" },
	{ C_TRUNC19, "trunc19", F4 | PU | IN_ALL, "truncated", "-",
	  "frame ends 19 bytes into the IPv4 header" },
	{ C_TRUNC39, "trunc39", F6 | PU | IN_ALL, "-", "truncated",
	  "frame ends 39 bytes into the IPv6 header" },
	{ C_L4CUT, "l4cut", FP | PG | IN_ALL, "truncated", "truncated",
	  "L3 length and frame end inside the L4 header (UDP 4, TCP 10, GRE 2 bytes)" },
	{ C_IHL4, "ihl4", F4 | PU | IN_ALL, "bad_ihl", "-", "IHL 4" },
	{ C_IHL3, "ihl3", F4 | PU | IN_ALL, "bad_ihl", "-", "IHL 3" },
	{ C_IPOPT, "ipopt", F4 | PU | PT | PG | IN_ALL, "options", "-",
	  "IHL 6: options NOP NOP NOP EOL" },
	{ C_IPOPT_BAD, "ipopt-bad", F4 | PU | IN_ALL, "options", "-",
	  "IHL 6: timestamp option of length 1 (invalid)" },
	{ C_VERSION, "version", F4 | F6 | PU | PG | IN_ALL, "bad_version",
	  "bad_version", "IP version 6 in an IPv4 frame, 4 in an IPv6 one" },
	{ C_LEN_BIG, "len-big", F4 | F6 | PU | PG | IN_ALL, "bad_len", "bad_len",
	  "total / payload length 20 beyond the frame" },
	{ C_LEN_SMALL, "len-small", F4 | F6 | PU | IN_ALL, "truncated",
	  "truncated", "total / payload length ends 4 bytes into UDP, frame full" },
	{ C_LEN_HDR, "len-hdr", F4 | F6 | PU | IN_ALL, "bad_len", "bad_len",
	  "IPv4 total length 16 (< IHL), IPv6 payload length 0" },
	{ C_TRAILER1, "trailer1", F4 | F6 | PU | PG | IN_ALL, "fast", "fast",
	  "one byte (0xee) after the packet's total / payload length" },
	{ C_TRAILER_BIG, "trailer-big", F4 | F6 | PU | IN_ALL, "fast", "fast",
	  "1400-byte packet, 200 bytes after it: a 1600-byte frame, egress MTU 1500" },
	{ C_ETHPAD, "ethpad", F4 | PU | PT | IN_ALL, "fast", "-",
	  "short packet (UDP 4 bytes of data, TCP bare ACK), frame zero-padded to 60" },
	{ C_MF, "mf", F4 | F6 | PU | PG | IN_ALL, "fragment", "fragment",
	  "first fragment (MF, offset 0) of a datagram never completed" },
	{ C_FRAGOFF, "fragoff", F4 | F6 | PU | PG | IN_ALL, "fragment",
	  "fragment",
	  "last fragment (offset 64) of a datagram never completed" },
	{ C_FRAGPAIR, "fragpair", F4 | F6 | PU | IN_ALL, "fragment",
	  "fragment", "two frames: the datagram in fragments of 40 and 32 bytes" },
	{ C_FRAGATOMIC, "fragatomic", F6 | PU | IN_ALL, "-", "fragment",
	  "atomic fragment: fragment header, offset 0, M clear" },
	{ C_HBH, "hbh", F6 | PU | PT | PG | IN_ALL, "-", "exthdr",
	  "hop-by-hop options header (PadN)" },
	{ C_DSTOPT, "dstopt", F6 | PU | IN_ALL, "-", "exthdr",
	  "destination options header (PadN)" },
	{ C_RTHDR, "rthdr", F6 | PU | IN_ALL, "-", "exthdr",
	  "routing header type 0, segments left 0" },
	{ C_PROTO253, "proto253", F4 | F6 | PU | PG | IN_ALL, "proto", "exthdr",
	  "protocol / next header 253 (experimental) before the UDP/GRE bytes" },
	{ C_IPCSUM_BAD, "ipcsum-bad", F4 | PU | PG | IN_ALL, "bad_csum", "-",
	  "IPv4 header checksum wrong" },
	{ C_L4CSUM_BAD, "l4csum-bad", FP | IN_ALL, "fast", "fast",
	  "UDP / TCP checksum wrong" },
	{ C_UDPCSUM0, "udpcsum0", F4 | F6 | PU | IN_ALL, "fast", "fast",
	  "UDP checksum 0 (none: valid in IPv4, not in IPv6)" },
	{ C_UDPLEN_BIG, "udplen-big", F4 | F6 | PU | IN_ALL, "udp_len",
	  "udp_len", "UDP length 8 beyond the IP payload" },
	{ C_UDPLEN_SMALL, "udplen-small", F4 | F6 | PU | IN_ALL, "udp_len",
	  "udp_len", "UDP length 6" },
	{ C_UDPLEN_SHORT, "udplen-short", F4 | F6 | PU | IN_ALL, "fast", "fast",
	  "UDP length 24 < IP payload 72; checksum over the IP payload" },
	{ C_UDPLEN_SHORT_C, "udplen-short-c", F4 | F6 | PU | IN_ALL, "fast",
	  "fast", "UDP length 24 < IP payload 72; checksum over the UDP length" },
	{ C_DOFF4, "doff4", F4 | F6 | PT | IN_ALL, "tcp_doff", "tcp_doff",
	  "TCP data offset 4" },
	{ C_DOFF15, "doff15", F4 | F6 | PT | IN_ALL, "tcp_doff", "tcp_doff",
	  "TCP data offset 15 (60 bytes), segment of 44" },
	{ C_TCPOPT, "tcpopt", F4 | F6 | PT | IN_ALL, "fast", "fast",
	  "TCP data offset 6: options NOP NOP NOP EOL" },
	{ C_SYN, "syn", F4 | F6 | PT | IN_ALL, "tcp_flags", "tcp_flags",
	  "SYN (no ACK) with data, in the established flow" },
	{ C_VLAN_CUT, "vlan-cut", F4 | F6 | PU | IN_ALL, "none", "none",
	  "ethertype 802.1Q, then only the 2-byte TCI" },
	{ C_VLAN, "vlan", F4 | F6 | PU | PG | IN_ALL, "no_flow", "no_flow",
	  "802.1Q tag VID 100 (no VLAN device), the flow's packet inside" },
	{ C_VLAN0, "vlan0", F4 | F6 | PU | IN_ALL, "no_flow", "no_flow",
	  "802.1Q priority tag (VID 0), the flow's packet inside" },
	{ C_QINQ, "qinq", F4 | PU | IN_ALL, "no_flow", "-",
	  "802.1ad tag VID 100 over 802.1Q VID 101" },
	{ C_PPPOE_CUT, "pppoe-cut", F4 | PU | IN_ALL, "truncated", "-",
	  "ethertype PPPoE session, then 2 bytes" },
	{ C_PPPOE, "pppoe", F4 | F6 | PU | IN_ALL, "no_flow", "no_flow",
	  "PPPoE session 1, PPP IPv4 / IPv6, the flow's packet inside" },
	{ C_PPPOE_PAD, "pppoe-pad", F4 | F6 | PU, "encap", "encap",
	  "as pppoe, and 4 bytes of padding inside the session's payload" },
	{ C_OTHERHOST, "otherhost", F4 | F6 | PU | PG | IN_ALL, "not_host",
	  "not_host", "destination MAC not the router's" },
	{ C_BCAST, "bcast", F4 | PU | IN_ALL, "not_host", "-",
	  "destination MAC broadcast" },
	{ C_NOFLAGS, "noflags", F4 | F6 | PT | IN_ALL, "tcp_flags", "tcp_flags",
	  "no TCP flag at all (a null scan), with data" },
	{ C_FIN_CSUM, "fin-csum-bad", F4 | F6 | PT | IN_ALL, "l4_csum",
	  "l4_csum", "FIN with data, TCP checksum wrong (ends nothing)" },
	{ C_FIN, "fin", F4 | F6 | PT | IN_ALL, "tcp_fin_rst", "tcp_fin_rst",
	  "FIN with data (ends the offload)" },
	{ C_RST, "rst", F4 | F6 | PT | IN_ALL, "slow", "slow",
	  "RST with data (after FIN: flow already handed back)" },
	{ C_OPEN, "open", F4 | F6 | PT, "any", "any",
	  "SYN opening the flow (no ACK, no data)" },
	{ C_SYNACK, "synack", F4 | F6 | PT, "any", "any",
	  "SYN+ACK, no data" },
	{ C_ACK, "ack", F4 | F6 | PT, "any", "any", "bare ACK" },
	{ C_DATA, "data", F4 | F6 | PT, "any", "any", "ACK+PSH with data" },
	{ C_END, "end", F4 | F6 | PU, "fast", "fast",
	  "valid packet tagged \"end\" (no flow prefix): the sniffer's stop tag" },
	{ C_GRE_OPTS, "gre-opts", F4 | F6 | PG | IN_ALL, "fast", "fast",
	  "GRE checksum (wrong: only the tunnel end checks it), key, sequence number" },
	{ C_GRE_OPTCUT, "gre-optcut", F4 | F6 | PG | IN_ALL, "gre_hdr",
	  "gre_hdr", "GRE key and sequence flags, L3 length ends 4 bytes into them" },
	{ C_GRE_V1, "gre-v1", F4 | F6 | PG | IN_ALL, "gre_version",
	  "gre_version", "GRE version 1, no fields (a malformed PPTP header)" },
	{ C_GRE_PPTP, "gre-pptp", F4 | F6 | PG | IN_ALL, "gre_version",
	  "gre_version", "GRE version 1 as PPTP sends it: key (length, call ID), PPP" },
	{ C_GRE_ROUTING, "gre-routing", F4 | F6 | PG | IN_ALL, "gre_hdr",
	  "gre_hdr", "GRE routing bit (RFC 1701 source route), with the checksum field" },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static bool applies(const struct kase *k, const struct flow *f)
{
	return (k->mask & (f->fam == 4 ? F4 : F6)) &&
	       (k->mask & (f->proto == NH_UDP ? PU :
			   f->proto == NH_TCP ? PT : PG));
}

static void emit(struct ctx *c, const struct flow *f, struct pkt *p,
		 const char *name, const char *expect)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = c->ifindex,
		.sll_halen = 6,
	};
	ssize_t n;

	memcpy(sll.sll_addr, p->b, 6);
	n = sendto(c->fd, p->b, p->len, 0, (struct sockaddr *)&sll,
		   sizeof(sll));
	if (n != (ssize_t)p->len) {
		fprintf(stderr, "pktcraft: sending %s (%zu bytes): %s\n", name,
			p->len, n < 0 ? strerror(errno) : "short write");
		exit(1);
	}
	printf("%u %s %d %zu %016llx %s\n", c->index, name, f->fam, p->len,
	       (unsigned long long)fnv1a(p->b + 14, p->len - 14), expect);
	fflush(stdout);
	if (c->gap_us) {
		struct timespec ts = {
			.tv_sec = c->gap_us / 1000000,
			.tv_nsec = (long)(c->gap_us % 1000000) * 1000,
		};

		nanosleep(&ts, NULL);
	}
}

/* Ethernet header turned into @n bytes of @hdr plus the old type. */
static void l2_insert(struct pkt *p, const uint8_t *hdr, size_t n)
{
	insert(p, 12, hdr, n);
}

/* Build and send case @k for flow @f; advance the TCP sequence. */
static void craft(struct ctx *c, struct flow *f, const struct kase *k)
{
	static const uint8_t nop_eol[4] = { 1, 1, 1, 0 };
	static const uint8_t bad_ts[4] = { 0x44, 1, 0, 0 };
	static const uint8_t padn[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };
	const char *expect = f->fam == 4 ? k->expect4 : k->expect6;
	uint8_t flags = TH_ACK | TH_PSH, hdr[24];
	size_t plen = PAYLOAD_LEN;
	char name[TAG_SLOT];
	struct pkt p, q;
	uint32_t advance;
	uint8_t *h, *th;
	unsigned int v;

	if (k->id == C_END)
		snprintf(name, sizeof(name), "%s", k->name);
	else
		snprintf(name, sizeof(name), "%s-%s", f->prefix, k->name);
	switch (k->id) {
	case C_OPEN:
		flags = TH_SYN;
		plen = 0;
		break;
	case C_SYNACK:
		flags = TH_SYN | TH_ACK;
		plen = 0;
		break;
	case C_ACK:
		flags = TH_ACK;
		plen = 0;
		break;
	case C_ETHPAD:
		flags = TH_ACK;
		plen = f->proto == NH_UDP ? 4 : 0;
		break;
	case C_DOFF15:
		plen = 24;	/* segment of 44 bytes, header of 60 */
		break;
	case C_TRAILER_BIG:
		plen = 1400 - (f->fam == 4 ? 20 : 40) - 8;
		break;
	case C_SYN:
		flags = TH_SYN;
		break;
	case C_NOFLAGS:
		flags = 0;
		break;
	case C_FIN:
	case C_FIN_CSUM:
		flags = TH_FIN | TH_ACK | TH_PSH;
		break;
	case C_RST:
		flags = TH_RST | TH_ACK;
		break;
	default:
		break;
	}
	advance = f->proto == NH_TCP ?
		  (uint32_t)plen + !!(flags & (TH_SYN | TH_FIN)) : 0;
	/* What the receiver throws away takes no sequence space. */
	if (k->id == C_NOFLAGS || k->id == C_FIN_CSUM)
		advance = 0;

	build(&p, c, f, name, plen, flags);
	h = l3h(&p);
	th = l4h(&p);
	switch (k->id) {
	case C_VALID:
	case C_OPEN:
	case C_SYNACK:
	case C_ACK:
	case C_DATA:
	case C_SYN:
	case C_NOFLAGS:
	case C_FIN:
	case C_RST:
	case C_END:
		break;
	case C_TTL2:
	case C_TTL1:
	case C_TTL0:
		h[f->fam == 4 ? 8 : 7] = k->id == C_TTL2 ? 2 :
					 k->id == C_TTL1 ? 1 : 0;
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_TRUNC10:
		p.len = p.l3 + 10;
		break;
	case C_TRUNC19:
		p.len = p.l3 + 19;
		break;
	case C_TRUNC39:
		p.len = p.l3 + 39;
		break;
	case C_L4CUT:
		v = f->proto == NH_TCP ? 10 : f->proto == NH_UDP ? 4 : 2;
		set_l3_len_field(&p, f->fam == 4 ? 20 + v : v);
		p.len = p.l4 + v;
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_IHL4:
	case C_IHL3:
		h[0] = k->id == C_IHL4 ? 0x44 : 0x43;
		ip4_csum(&p);
		break;
	case C_IPOPT:
	case C_IPOPT_BAD:
		insert(&p, p.l3 + 20, k->id == C_IPOPT ? nop_eol : bad_ts, 4);
		h[0] = 0x46;
		put16(h + 2, (uint16_t)(get16(h + 2) + 4));
		ip4_csum(&p);
		break;
	case C_VERSION:
		h[0] = (uint8_t)((f->fam == 4 ? 0x60 : 0x40) | (h[0] & 0x0f));
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_LEN_BIG:
		set_l3_len_field(&p, l3_len_field(&p) + 20);
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_LEN_SMALL:
		set_l3_len_field(&p, f->fam == 4 ? 24 : 4);
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_LEN_HDR:
		set_l3_len_field(&p, f->fam == 4 ? 16 : 0);
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_TRAILER1:
		p.b[p.len++] = 0xee;
		break;
	case C_TRAILER_BIG:
		memset(p.b + p.len, 0xee, 200);
		p.len += 200;
		break;
	case C_ETHPAD:
		if (p.len < 60)
			p.len = 60;	/* build() zeroed the frame */
		break;
	case C_MF:
		if (f->fam == 4) {
			put16(h + 6, 0x2000);
			ip4_csum(&p);
		} else {
			fragment(&p, 0, l4_len(&p), true, c->index);
		}
		break;
	case C_FRAGOFF:
		if (f->fam == 4) {
			put16(h + 6, 64 / 8);
			ip4_csum(&p);
		} else {
			size_t n = l4_len(&p);

			/* The bytes a last fragment at offset 64 would hold. */
			memmove(th + 64, th, n);
			p.len += 64;
			fragment(&p, 64, n, false, c->index);
		}
		break;
	case C_FRAGPAIR:
		q = p;
		fragment(&p, 0, 40, true, c->index);
		emit(c, f, &p, name, expect);
		fragment(&q, 40, l4_len(&q) - 40, false, c->index);
		p = q;
		break;
	case C_FRAGATOMIC:
		fragment(&p, 0, l4_len(&p), false, c->index);
		break;
	case C_HBH:
	case C_DSTOPT:
		ip6_exthdr(&p, k->id == C_HBH ? NH_HOP : NH_DSTOPTS, padn,
			   sizeof(padn));
		break;
	case C_RTHDR:
		memset(hdr, 0, sizeof(hdr));
		hdr[1] = 2;		/* 24 bytes */
		memcpy(hdr + 8, f->dst, 16);
		ip6_exthdr(&p, NH_ROUTING, hdr, sizeof(hdr));
		break;
	case C_PROTO253:
		h[f->fam == 4 ? 9 : 6] = 253;
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_IPCSUM_BAD:
		put16(h + 10, get16(h + 10) ^ 0x5a5a);
		break;
	case C_L4CSUM_BAD:
	case C_FIN_CSUM:
		v = f->proto == NH_TCP ? 16 : 6;
		put16(th + v, get16(th + v) ^ 0x0101);
		if (!get16(th + v))
			put16(th + v, 0x0202);
		break;
	case C_UDPCSUM0:
		put16(th + 6, 0);
		break;
	case C_UDPLEN_BIG:
		put16(th + 4, (uint16_t)(get16(th + 4) + 8));
		l4_csum(&p, NH_UDP);
		break;
	case C_UDPLEN_SMALL:
		put16(th + 4, 6);
		l4_csum(&p, NH_UDP);
		break;
	case C_UDPLEN_SHORT:
		put16(th + 4, 24);
		l4_csum(&p, NH_UDP);
		break;
	case C_UDPLEN_SHORT_C:
		put16(th + 4, 24);
		l4_csum_len(&p, NH_UDP, 24, 24);
		break;
	case C_DOFF4:
	case C_DOFF15:
		th[12] = k->id == C_DOFF4 ? 0x40 : 0xf0;
		l4_csum(&p, NH_TCP);
		break;
	case C_TCPOPT:
		insert(&p, p.l4 + 20, nop_eol, 4);
		th[12] = 6 << 4;
		set_l3_len_field(&p, l3_len_field(&p) + 4);
		l4_csum(&p, NH_TCP);
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_VLAN_CUT:
	case C_PPPOE_CUT:
		put16(p.b + 12, k->id == C_VLAN_CUT ? ET_VLAN : ET_PPPOE_SES);
		put16(p.b + 14, k->id == C_VLAN_CUT ? 100 : 0x1100);
		p.len = 16;
		break;
	case C_VLAN:
	case C_VLAN0:
		put16(hdr, ET_VLAN);
		put16(hdr + 2, k->id == C_VLAN ? 100 : 0);
		l2_insert(&p, hdr, 4);
		break;
	case C_QINQ:
		put16(hdr, ET_QINQ);
		put16(hdr + 2, 100);
		put16(hdr + 4, ET_VLAN);
		put16(hdr + 6, 101);
		l2_insert(&p, hdr, 8);
		break;
	case C_PPPOE:
	case C_PPPOE_PAD:
		v = (unsigned int)(p.len - p.l3);
		if (k->id == C_PPPOE_PAD) {
			memset(hdr, 0, 4);
			insert(&p, p.len, hdr, 4);
			v += 4;
		}
		hdr[0] = 0x11;		/* version 1, type 1 */
		hdr[1] = 0;		/* session data */
		put16(hdr + 2, c->pppoe_sid);
		put16(hdr + 4, (uint16_t)(v + 2));
		put16(hdr + 6, f->fam == 4 ? 0x0021 : 0x0057);
		insert(&p, 14, hdr, 8);
		put16(p.b + 12, ET_PPPOE_SES);
		break;
	case C_OTHERHOST:
		memcpy(p.b, "\x02\x00\x00\x00\x00\x42", 6);
		break;
	case C_GRE_OPTS:
	case C_GRE_OPTCUT:
	case C_GRE_ROUTING:
		/* Checksum/offset, key, sequence number: 4 bytes each. */
		v = k->id == C_GRE_OPTS ? 12 : k->id == C_GRE_OPTCUT ? 8 : 4;
		memset(hdr, 0, sizeof(hdr));
		put16(hdr, 0xdead);		/* not the checksum */
		put32(hdr + 4, 0x00c0ffee);	/* key */
		put32(hdr + 8, 7);		/* sequence number */
		if (k->id == C_GRE_OPTCUT)
			memmove(hdr, hdr + 4, 8);
		insert(&p, p.l4 + GRE_HLEN, hdr, v);
		put16(th, k->id == C_GRE_OPTS ? GRE_CSUM | GRE_KEY | GRE_SEQ :
			  k->id == C_GRE_OPTCUT ? GRE_KEY | GRE_SEQ :
			  GRE_CSUM | GRE_ROUTING);
		if (k->id == C_GRE_OPTCUT) {
			/* L3 length and frame end 4 bytes into the fields. */
			set_l3_len_field(&p, (f->fam == 4 ? 20 : 0) +
					     GRE_HLEN + 4);
			p.len = p.l4 + GRE_HLEN + 4;
		} else {
			set_l3_len_field(&p, l3_len_field(&p) + v);
		}
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_GRE_V1:
		put16(th, 1);
		break;
	case C_GRE_PPTP:
		/* Key present: payload length, call ID; PPP protocol. */
		put16(hdr, (uint16_t)plen);
		put16(hdr + 2, 0x1234);
		insert(&p, p.l4 + GRE_HLEN, hdr, 4);
		put16(th, GRE_KEY | 1);
		put16(th + 2, 0x880b);
		set_l3_len_field(&p, l3_len_field(&p) + 4);
		if (f->fam == 4)
			ip4_csum(&p);
		break;
	case C_BCAST:
		memset(p.b, 0xff, 6);
		break;
	}
	emit(c, f, &p, name, expect);
	f->seq += advance;
}

/*
 * Random flips.  Never in the source address: a new source with the same
 * port collides with the flow's masquerade mapping, and NAT then picks a
 * random port, which would differ from run to run by design.  Checksums
 * are recomputed after the flips (L4 always, the IPv4 header two times in
 * three), so that what is tested is the parsing of the flipped bytes, not
 * checksum verification, which has its own cases.
 */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool in_src_addr(const struct flow *f, size_t pos)
{
	if (f->fam == 4)
		return pos >= 14 + 12 && pos < 14 + 16;
	return pos >= 14 + 8 && pos < 14 + 24;
}

static void mutate_fix(struct pkt *p, bool fix_ip)
{
	uint16_t et = get16(p->b + 12);
	uint8_t *h = l3h(p);
	size_t avail = p->len - p->l3, hl, tot;
	uint8_t proto;

	if (et == ET_IPV4 && (h[0] >> 4) == 4 && (h[0] & 0x0f) >= 5) {
		hl = (size_t)(h[0] & 0x0f) * 4;
		tot = get16(h + 2);
		if (tot > avail || tot < hl)
			tot = avail;
		proto = h[9];
		if (hl < avail && !(get16(h + 6) & 0x3fff) &&
		    (proto == NH_UDP || proto == NH_TCP)) {
			p->l4 = p->l3 + hl;
			l4_csum_len(p, proto, tot - hl, tot - hl);
		}
		if (fix_ip)
			ip4_csum(p);
	} else if (et == ET_IPV6 && (h[0] >> 4) == 6) {
		tot = get16(h + 4) + 40;
		if (tot > avail)
			tot = avail;
		proto = h[6];
		if (proto == NH_UDP || proto == NH_TCP) {
			p->l4 = p->l3 + 40;
			l4_csum_len(p, proto, tot - 40, tot - 40);
		}
	}
}

static void random_cases(struct ctx *c, struct flow *f, unsigned int n)
{
	uint64_t rng = c->seed ^ (uint64_t)f->fam << 40 ^
		       (uint64_t)f->proto << 32;
	unsigned int i, k, flips;
	char name[TAG_SLOT];
	struct pkt p;
	size_t pos;

	for (i = 0; i < n; i++, c->index++) {
		snprintf(name, sizeof(name), "%s-rnd-%03u", f->prefix, i);
		build(&p, c, f, name, PAYLOAD_LEN, TH_ACK | TH_PSH);
		flips = 1 + (unsigned int)(rng_next(&rng) % 3);
		for (k = 0; k < flips; k++) {
			do {
				pos = (size_t)(rng_next(&rng) % MUTATE_SPAN);
			} while (in_src_addr(f, pos));
			p.b[pos] ^= (uint8_t)(1 + rng_next(&rng) % 255);
		}
		mutate_fix(&p, i % 3 != 2);
		emit(c, f, &p, name, "any");
		if (f->proto == NH_TCP)
			f->seq += PAYLOAD_LEN;
	}
}

static const struct kase *find_case(const char *name)
{
	size_t i;

	for (i = 0; i < N_CASES; i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

/*
 * "udp4=SRC,SPORT,DST,DPORT", "tcp6=SRC,SPORT,DST,DPORT,SEQ,ACK" or
 * "gre4=SRC,DST".
 */
static int parse_flow(const char *spec, struct flow *f)
{
	char buf[256], *field[6], *save = NULL, *s;
	int n = 0, af;

	memset(f, 0, sizeof(*f));
	if (strlen(spec) >= sizeof(buf) || strlen(spec) < 5 || spec[4] != '=')
		return -1;
	if (!strncmp(spec, "udp", 3))
		f->proto = NH_UDP;
	else if (!strncmp(spec, "tcp", 3))
		f->proto = NH_TCP;
	else if (!strncmp(spec, "gre", 3))
		f->proto = NH_GRE;
	else
		return -1;
	if (spec[3] != '4' && spec[3] != '6')
		return -1;
	f->fam = spec[3] - '0';
	snprintf(f->prefix, sizeof(f->prefix), "%c%c", spec[0], spec[3]);
	strcpy(buf, spec + 5);
	for (s = strtok_r(buf, ",", &save); s && n < 6;
	     s = strtok_r(NULL, ",", &save))
		field[n++] = s;
	if (n != (f->proto == NH_TCP ? 6 : f->proto == NH_UDP ? 4 : 2) || s)
		return -1;
	af = f->fam == 4 ? AF_INET : AF_INET6;
	if (f->proto == NH_GRE)
		return inet_pton(af, field[0], f->src) == 1 &&
		       inet_pton(af, field[1], f->dst) == 1 ? 0 : -1;
	if (inet_pton(af, field[0], f->src) != 1 ||
	    inet_pton(af, field[2], f->dst) != 1)
		return -1;
	f->sport = (uint16_t)atoi(field[1]);
	f->dport = (uint16_t)atoi(field[3]);
	if (f->proto == NH_TCP) {
		f->seq = (uint32_t)strtoul(field[4], NULL, 0);
		f->ack = (uint32_t)strtoul(field[5], NULL, 0);
	}
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	struct ctx c = { .gap_us = 2000, .seed = 1, .pppoe_sid = 1 };
	uint8_t src_mac[6] = { 0 };
	struct flow f = { 0 };
	const struct kase *k;
	int i = 4;
	size_t j;

	if (argc < 5 || parse_mac(argv[3], c.dst_mac))
		return -1;
	for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--gap-us"))
			c.gap_us = (unsigned int)strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			c.seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--src") &&
			 !parse_mac(argv[i + 1], src_mac))
			c.src_set = true;
		else if (!strcmp(argv[i], "--sid"))
			c.pppoe_sid = (uint16_t)strtoul(argv[i + 1], NULL, 0);
		else
			return -1;
	}
	c.fd = packet_socket(argv[2], 0, &c.ifindex, c.src_mac);
	if (c.src_set)
		memcpy(c.src_mac, src_mac, 6);

	for (; i < argc; i++) {
		const char *s = argv[i];

		if (strchr(s, '=') && strncmp(s, "random=", 7)) {
			if (parse_flow(s, &f)) {
				fprintf(stderr, "pktcraft: bad flow %s\n", s);
				return 2;
			}
			continue;
		}
		if (!f.fam) {
			fprintf(stderr, "pktcraft: %s before any flow\n", s);
			return 2;
		}
		if (!strncmp(s, "random=", 7)) {
			random_cases(&c, &f, (unsigned int)atoi(s + 7));
		} else if (!strcmp(s, "all")) {
			for (j = 0; j < N_CASES; j++) {
				k = &cases[j];
				if (!(k->mask & IN_ALL) || !applies(k, &f))
					continue;
				craft(&c, &f, k);
				c.index++;
			}
		} else {
			k = find_case(s);
			if (!k || !applies(k, &f)) {
				fprintf(stderr, "pktcraft: no case %s for %s flows\n",
					s, f.prefix);
				return 2;
			}
			craft(&c, &f, k);
			c.index++;
		}
	}
	return 0;
}

static int cmd_cases(void)
{
	size_t i;

	for (i = 0; i < N_CASES; i++) {
		const struct kase *k = &cases[i];

		printf("%-15s %s%s %s%s%s %-11s %-11s %s %s\n", k->name,
		       k->mask & F4 ? "4" : "-", k->mask & F6 ? "6" : "-",
		       k->mask & PU ? "u" : "-", k->mask & PT ? "t" : "-",
		       k->mask & PG ? "g" : "-",
		       k->expect4, k->expect6, k->mask & IN_ALL ? "A" : "-",
		       k->what);
	}
	return 0;
}

/* --- sniffer -------------------------------------------------------------- */

/* The last intact "NFOCASE:<name>:" in the frame, name into @name. */
static bool find_tag(const uint8_t *b, size_t len, char *name, size_t size)
{
	size_t i, j;

	for (i = len >= TAG_LEN ? len - TAG_LEN + 1 : 0; i-- > 0;) {
		if (memcmp(b + i, TAG, TAG_LEN))
			continue;
		for (j = i + TAG_LEN; j < len && j - i - TAG_LEN < size - 1; j++) {
			uint8_t ch = b[j];

			if (ch == ':')
				break;
			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			      ch == '-'))
				goto next;
		}
		if (j >= len || b[j] != ':' || j == i + TAG_LEN)
			continue;
		memcpy(name, b + i + TAG_LEN, j - i - TAG_LEN);
		name[j - i - TAG_LEN] = '\0';
		return true;
next:
		;
	}
	return false;
}

/* Append to a summary buffer. */
struct sbuf {
	char s[512];
	size_t n;
};

static void sb(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->n >= sizeof(b->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->n += (size_t)n;
	if (b->n > sizeof(b->s) - 1)
		b->n = sizeof(b->s) - 1;
}

/*
 * Ports, lengths and checksum state of the TCP/UDP header at @th; @frag:
 * the first fragment of a datagram, whose checksum cannot be checked.
 */
static void describe_l4(struct sbuf *b, const uint8_t *l3, const uint8_t *th,
			size_t avail, size_t l4len, uint8_t proto, bool frag)
{
	if (proto == NH_GRE && avail >= GRE_HLEN) {
		sb(b, ",gre=%04x/%04x", get16(th), get16(th + 2));
		return;
	}
	if (proto != NH_UDP && proto != NH_TCP) {
		sb(b, ",p=%u", proto);
		return;
	}
	sb(b, ",%s", proto == NH_UDP ? "udp" : "tcp");
	if (avail < 4) {
		sb(b, ",l4=cut%zu", avail);
		return;
	}
	sb(b, ",%u>%u", get16(th), get16(th + 2));
	if (proto == NH_UDP && avail >= 8)
		sb(b, ",ulen=%u", get16(th + 4));
	if (proto == NH_TCP && avail >= 14)
		sb(b, ",seq=%u,doff=%u,fl=%02x", get32(th + 4), th[12] >> 4,
		   th[13]);
	/* UDP as a receiver checks it: over the UDP length. */
	if (proto == NH_UDP && avail >= 8 && get16(th + 4) >= 8 &&
	    get16(th + 4) <= l4len)
		l4len = get16(th + 4);
	if (frag || l4len > avail || l4len < (proto == NH_UDP ? 8u : 20u)) {
		sb(b, ",l4cs=na");
		return;
	}
	if (proto == NH_UDP && !get16(th + 6))
		sb(b, ",l4cs=zero");
	else if (sum_fold(sum_bytes(th, l4len, pseudo_sum(l3, proto,
							     (uint32_t)l4len))))
		sb(b, ",l4cs=bad");
	else
		sb(b, ",l4cs=ok");
}

/*
 * Describe the IP packet at @l3 (@len bytes) into @b; zero IPv6 fragment
 * identifications in @norm (a copy of the same bytes).  Returns the label
 * class: 1 marked (IPv4 ID / flow label carries an index, in *@index),
 * 2 noise, 0 other.
 */
static int describe_ip(struct sbuf *b, const uint8_t *l3, uint8_t *norm,
		       size_t len, uint16_t et, unsigned int *index)
{
	char a[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	bool more = false;
	size_t off, hl, tot;
	uint8_t nh;
	int cls = 0;

	if (et == ET_IPV4 && len >= 20) {
		hl = (size_t)(l3[0] & 0x0f) * 4;
		tot = get16(l3 + 2);
		inet_ntop(AF_INET, l3 + 12, a, sizeof(a));
		inet_ntop(AF_INET, l3 + 16, d, sizeof(d));
		sb(b, "v%u,ihl=%zu,tot=%zu,id=%04x,frag=%04x,ttl=%u,%s>%s,ipcs=%s",
		   l3[0] >> 4, hl, tot, get16(l3 + 4), get16(l3 + 6), l3[8],
		   a, d, hl >= 20 && hl <= len &&
		   !sum_fold(sum_bytes(l3, hl, 0)) ? "ok" : "bad");
		if ((get16(l3 + 4) & MARK_MASK) == MARK) {
			*index = get16(l3 + 4) & INDEX_MASK;
			cls = 1;
		}
		if ((l3[0] >> 4) != 4 || hl < 20 || hl > len || tot < hl)
			return cls;
		if (get16(l3 + 6) & 0x1fff) {
			sb(b, ",p=%u,nonfirst", l3[9]);
			return cls;
		}
		if (tot > len)
			tot = len;
		describe_l4(b, l3, l3 + hl, len - hl, tot - hl, l3[9],
			    get16(l3 + 6) & 0x2000);
		return cls;
	}
	if (et == ET_IPV6 && len >= 40) {
		uint32_t fl = get32(l3) & 0xfffff;

		inet_ntop(AF_INET6, l3 + 8, a, sizeof(a));
		inet_ntop(AF_INET6, l3 + 24, d, sizeof(d));
		tot = get16(l3 + 4) + 40;
		sb(b, "v%u,plen=%u,fl=%05x,hl=%u,%s>%s,nh=", l3[0] >> 4,
		   get16(l3 + 4), fl, l3[7], a, d);
		if ((fl & ~(uint32_t)INDEX_MASK) == MARK) {
			*index = fl & INDEX_MASK;
			cls = 1;
		}
		nh = l3[6];
		off = 40;
		for (;;) {
			sb(b, "%u", nh);
			if (nh == NH_HOP || nh == NH_ROUTING || nh == NH_DSTOPTS) {
				if (off + 8 > len)
					break;
				hl = ((size_t)l3[off + 1] + 1) * 8;
				nh = l3[off];
			} else if (nh == NH_FRAGMENT) {
				if (off + 8 > len)
					break;
				/* Zero the identification in the hashed copy. */
				memset(norm + off + 4, 0, 4);
				more = get16(l3 + off + 2) & 1;
				sb(b, "[off=%u,m=%u]", get16(l3 + off + 2) >> 3,
				   more);
				if (get16(l3 + off + 2) & 0xfff8) {
					sb(b, ",nonfirst");
					return cls;
				}
				hl = 8;
				nh = l3[off];
			} else {
				break;
			}
			off += hl;
			sb(b, ".");
		}
		if (nh == NH_ICMPV6 && !cls &&
		    (l3[7] == 255 || l3[7] == 1 || l3[24] == 0xff))
			cls = 2;
		if (off > len || tot < off)
			return cls;
		if (tot > len)
			tot = len;
		if (nh == NH_UDP || nh == NH_TCP)
			describe_l4(b, l3, l3 + off, len - off, tot - off, nh,
				    more);
		return cls;
	}
	sb(b, "ip-cut");
	return 0;
}

static void record(FILE *out, const uint8_t *f, size_t len, char *label,
		   size_t lsize)
{
	static uint8_t norm[65536];
	uint16_t et = len >= 14 ? get16(f + 12) : 0;
	size_t l3len = len >= 14 ? len - 14 : 0, i;
	struct sbuf b = { .n = 0 };
	unsigned int index = 0;
	int cls = 0;

	b.s[0] = '\0';
	memcpy(norm, f + 14, l3len);
	if (et == ET_IPV4 || et == ET_IPV6)
		cls = describe_ip(&b, f + 14, norm, l3len, et, &index);
	else
		sb(&b, "type=%04x", et);

	if (find_tag(f, len, label, lsize))
		;
	else if (cls == 1)
		snprintf(label, lsize, "#%u", index);
	else if (cls == 2)
		snprintf(label, lsize, "noise");
	else if (et == ET_IPV4 || et == ET_IPV6)
		snprintf(label, lsize, "unlabeled");
	else
		snprintf(label, lsize, "nonip");

	fprintf(out, "%s %zu %016llx %02x:%02x:%02x:%02x:%02x:%02x>"
		"%02x:%02x:%02x:%02x:%02x:%02x/%04x %s ", label, l3len,
		(unsigned long long)fnv1a(norm, l3len), f[0], f[1], f[2], f[3],
		f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], et,
		b.n ? b.s : "-");
	for (i = 0; i < l3len && i < HEX_MAX; i++)
		fprintf(out, "%02x", f[14 + i]);
	fprintf(out, "%s\n", l3len ? (l3len > HEX_MAX ? "..." : "") : "-");
}

static int cmd_sniff(int argc, char **argv)
{
	static uint8_t buf[65536];
	const char *stop = NULL;
	double deadline, stop_at = 0;
	unsigned long frames = 0;
	char label[64];
	int fd, ifindex;
	FILE *out;
	int rcvbuf = 8 << 20;

	if (argc != 5 && !(argc == 7 && !strcmp(argv[5], "--stop-tag")))
		return -1;
	if (argc == 7)
		stop = argv[6];
	deadline = now_s() + atof(argv[3]);
	fd = packet_socket(argv[2], ETH_P_ALL, &ifindex, NULL);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* Frames queued before bind() may be from any interface. */
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	out = fopen(argv[4], "w");
	if (!out) {
		perror(argv[4]);
		return 2;
	}
	fflush(out);

	for (;;) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double t = now_s(), end = stop_at ? stop_at : deadline;
		ssize_t n;

		if (t >= end)
			break;
		if (poll(&pfd, 1, (int)((end - t) * 1000) + 1) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0)
			continue;
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    sll.sll_ifindex != ifindex)
			continue;
		if (n >= 14 && get16(buf + 12) == ET_ARP)
			continue;
		record(out, buf, (size_t)n, label, sizeof(label));
		frames++;
		if (stop && !stop_at && !strcmp(label, stop))
			stop_at = now_s() + 1.0;
	}
	fclose(out);
	fprintf(stderr, "pktcraft sniff: %lu frames recorded%s\n", frames,
		stop && !stop_at ? ", stop tag never seen" : "");
	return stop && !stop_at ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pktcraft send IFACE DSTMAC [--gap-us N] [--seed N] [--src MAC] [--sid N] SPEC...\n"
		"       pktcraft sniff IFACE SECONDS OUTFILE [--stop-tag NAME]\n"
		"       pktcraft cases\n"
		"SPEC: udp4|udp6=SRC,SPORT,DST,DPORT | tcp4|tcp6=SRC,SPORT,DST,DPORT,SEQ,ACK\n"
		"      | gre4|gre6=SRC,DST | CASE | all | random=N\n");
}

int main(int argc, char **argv)
{
	int ret = -1;
	size_t i;

	for (i = 0; i < N_CASES; i++) {
		if (strlen(cases[i].name) + 3 > NAME_MAX_LEN) {
			fprintf(stderr, "pktcraft: case name %s too long\n",
				cases[i].name);
			return 2;
		}
	}
	if (argc >= 2 && !strcmp(argv[1], "send"))
		ret = cmd_send(argc, argv);
	else if (argc >= 2 && !strcmp(argv[1], "sniff"))
		ret = cmd_sniff(argc, argv);
	else if (argc == 2 && !strcmp(argv[1], "cases"))
		ret = cmd_cases();
	if (ret < 0) {
		usage();
		return 2;
	}
	return ret;
}
