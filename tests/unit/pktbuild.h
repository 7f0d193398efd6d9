/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test packets and a reference checksum for the unit tests.
 *
 * The reference is RFC 1071 done the plain way, independently of the
 * library: big-endian 16-bit words read byte by byte as host numbers, a
 * 64-bit accumulator, fold, complement, store big-endian.  It is what
 * "recompute from scratch" means in the tests.
 */
#ifndef NFO_TEST_PKTBUILD_H
#define NFO_TEST_PKTBUILD_H

#include "check.h"
#include "../../src/logic/nfo_types.h"

static inline void put16(u8 *p, unsigned int v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void put32(u8 *p, unsigned int v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static inline unsigned int get16(const u8 *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

/* Sum of big-endian 16-bit words, odd byte padded with zero. */
static inline u64 ref_sum(const u8 *p, unsigned int len)
{
	u64 s = 0;
	unsigned int i;

	for (i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (u64)p[len - 1] << 8;
	return s;
}

/* Fold to 16 bits, not complemented. */
static inline unsigned int ref_fold(u64 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned int)s;
}

static inline unsigned int ref_csum(u64 s)
{
	return ~ref_fold(s) & 0xffff;
}

/* Raw __sum16/__be16 <-> host number, through memory as the wire has it. */
static inline unsigned int raw16_host(u16 raw)
{
	u8 b[2];

	memcpy(b, &raw, 2);
	return get16(b);
}

static inline u16 host_raw16(unsigned int v)
{
	u8 b[2];
	u16 raw;

	put16(b, v);
	memcpy(&raw, b, 2);
	return raw;
}

#define TPKT_MAX 1600

struct tpkt {
	u8 buf[TPKT_MAX] __attribute__((aligned(8)));
	unsigned int len;	/* IP packet length */
	unsigned int thoff;
	u8 family;		/* 4 or 6 */
	u8 proto;		/* 6 or 17 */
};

static inline unsigned int tpkt_csum_off(const struct tpkt *t)
{
	return t->thoff + (t->proto == 6 ? 16 : 6);
}

/* Pseudo-header sum from the header bytes as they are now. */
static inline u64 ref_pseudo(const struct tpkt *t)
{
	unsigned int l4len = t->len - t->thoff;

	if (t->family == 4)
		return ref_sum(t->buf + 12, 8) + t->proto + l4len;
	return ref_sum(t->buf + 8, 32) + (l4len >> 16) + (l4len & 0xffff) +
	       t->proto;
}

/* Sum of the L4 header and payload with the checksum field as zero. */
static inline u64 ref_l4_sum_nofield(const struct tpkt *t)
{
	unsigned int off = tpkt_csum_off(t);

	return ref_sum(t->buf + t->thoff, t->len - t->thoff) -
	       get16(t->buf + off);
}

/* The correct full L4 checksum of the packet as it is now. */
static inline unsigned int ref_l4_csum(const struct tpkt *t)
{
	unsigned int c = ref_csum(ref_pseudo(t) + ref_l4_sum_nofield(t));

	if (t->proto == 17 && c == 0)
		c = 0xffff;
	return c;
}

/* What a CHECKSUM_PARTIAL packet holds in the field: fold(pseudo). */
static inline unsigned int ref_l4_partial_seed(const struct tpkt *t)
{
	return ref_fold(ref_pseudo(t));
}

/* The NIC's job for CHECKSUM_PARTIAL: sum L4 as is, store complement. */
static inline unsigned int ref_hw_finish(const struct tpkt *t)
{
	unsigned int c = ref_csum(ref_sum(t->buf + t->thoff,
					  t->len - t->thoff));

	if (t->proto == 17 && c == 0)
		c = 0xffff;
	return c;
}

static inline unsigned int ref_ip_csum(const struct tpkt *t)
{
	return ref_csum(ref_sum(t->buf, 20) - get16(t->buf + 10));
}

static inline void rand_bytes(u8 *p, unsigned int n)
{
	while (n--)
		*p++ = (u8)check_rand32();
}

/*
 * Build a valid IPv4 or IPv6 TCP or UDP packet with random addresses,
 * ports and payload and correct checksums.  When @partial the L4 field
 * holds the CHECKSUM_PARTIAL seed instead of the checksum.
 */
static inline void tpkt_build(struct tpkt *t, u8 family, u8 proto,
		       unsigned int payload, bool partial)
{
	unsigned int l4hdr = proto == 6 ? 20 : 8;
	u8 *l4;

	memset(t, 0, sizeof(*t));
	t->family = family;
	t->proto = proto;
	t->thoff = family == 4 ? 20 : 40;
	t->len = t->thoff + l4hdr + payload;

	if (family == 4) {
		t->buf[0] = 0x45;
		t->buf[1] = (u8)check_rand32();
		put16(t->buf + 2, t->len);
		put16(t->buf + 4, check_rand32() & 0xffff);
		put16(t->buf + 6, check_below(2) ? 0x4000 : 0);	/* DF */
		t->buf[8] = (u8)(2 + check_below(254));
		t->buf[9] = proto;
		rand_bytes(t->buf + 12, 8);
	} else {
		put32(t->buf, 0x60000000u | (check_rand32() & 0x0fffffff));
		put16(t->buf + 4, t->len - 40);
		t->buf[6] = proto;
		t->buf[7] = (u8)(2 + check_below(254));
		rand_bytes(t->buf + 8, 32);
	}

	l4 = t->buf + t->thoff;
	rand_bytes(l4, l4hdr + payload);
	if (proto == 6) {
		l4[12] = 5 << 4;
		l4[13] = 0x10 | (check_rand32() & 0x0a);	/* ACK, PSH/SYN */
	} else {
		put16(l4 + 4, l4hdr + payload);
	}

	if (family == 4)
		put16(t->buf + 10, ref_ip_csum(t));
	put16(t->buf + tpkt_csum_off(t),
	      partial ? ref_l4_partial_seed(t) : ref_l4_csum(t));
}

#endif /* NFO_TEST_PKTBUILD_H */
