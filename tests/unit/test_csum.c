// SPDX-License-Identifier: GPL-2.0
/*
 * Checksum arithmetic: against a from-scratch recomputation over real
 * packets, against a residue model for the exact 0x0000/0xffff choice,
 * and on the RFC 1624 and UDP corner cases.
 */
#include "../../src/logic/csum.c"
#include "pktbuild.h"

#define NPKT 4000

/* Field helpers: the checksum field is accessed through memcpy. */
static unsigned int field_get(const struct tpkt *t, unsigned int off)
{
	return get16(t->buf + off);
}

static __sum16 field_load(const struct tpkt *t, unsigned int off)
{
	__sum16 f;

	memcpy(&f, t->buf + off, 2);
	return f;
}

static void field_store(struct tpkt *t, unsigned int off, __sum16 f)
{
	memcpy(t->buf + off, &f, 2);
}

static __be32 raw32(const u8 *p)
{
	__be32 v;

	memcpy(&v, p, 4);
	return v;
}

static __be16 raw16(const u8 *p)
{
	__be16 v;

	memcpy(&v, p, 2);
	return v;
}

/* -------------------------------------------------------------------- */

static void test_partial_vs_ref(void)
{
	static u8 buf[300] __attribute__((aligned(8)));
	unsigned int i, len, off, cut;
	__wsum a, b;

	for (i = 0; i < 20000; i++) {
		len = check_below(260);
		off = check_below(8);
		rand_bytes(buf, sizeof(buf));
		if (i % 50 == 0)
			memset(buf + off, 0, len);
		CHECK_CTX("partial i=%u len=%u off=%u", i, len, off);
		CHECK_EQ(raw16_host(nfo_csum_fold(nfo_csum_partial(buf + off,
								   len, 0))),
			 ref_csum(ref_sum(buf + off, len)));

		/* Splitting at an even point and adding gives the same. */
		cut = len & 0x7e;
		a = nfo_csum_partial(buf + off, cut, 0);
		b = nfo_csum_partial(buf + off + cut, len - cut, a);
		CHECK_EQ(nfo_csum_fold(b),
			 nfo_csum_fold(nfo_csum_partial(buf + off, len, 0)));
	}
	check_ctx[0] = 0;

	/* Known values: RFC 1071 section 3 example bytes. */
	{
		static const u8 ex[] = { 0x00, 0x01, 0xf2, 0x03,
					 0xf4, 0xf5, 0xf6, 0xf7 };
		/* sum = 0xddf2 (folded), checksum = ~0xddf2 = 0x220d */
		CHECK_EQ(raw16_host(nfo_csum_fold(nfo_csum_partial(ex, 8, 0))),
			 0x220d);
	}
	/* All zero: fold of 0 is 0xffff, as the kernel's csum_fold. */
	CHECK_EQ(nfo_csum_fold(nfo_csum_partial(buf, 0, 0)), 0xffff);
	CHECK_EQ(nfo_csum_fold(0), 0xffff);
	CHECK_EQ(nfo_csum_fold(0xffff), 0);
	CHECK_EQ(nfo_csum_fold(0xffffffff), 0);
	CHECK_EQ(nfo_csum_fold(0x0001ffff), 0xfffe);
	CHECK_EQ(nfo_csum_add(0xffffffff, 1), 1);
	CHECK_EQ(nfo_csum_add(0, 0), 0);
	CHECK_EQ(nfo_csum_sub(5, 5), 0xffffffff);
	CHECK_EQ(nfo_csum_unfold(0xabcd), 0xabcd);
}

/* -------------------------------------------------------------------- */

/*
 * Residue model of RFC 1624 eqn. 3 in host order.  Returns the checksum
 * the library must store, in host order.
 *   32-bit path (replace4/16, l4 variants): the running sum starts from
 *   ~HC widened to 32 bits and is never zero, so the folded sum is the
 *   residue mod 0xffff written in 1..0xffff.
 */
static unsigned int model_mod(u64 v)
{
	unsigned int r = (unsigned int)(v % 0xffff);

	return r ? r : 0xffff;
}

static unsigned int model_replace4(unsigned int hc, u32 from, u32 to)
{
	u64 v = (0xffff - hc) + (0xffff - (from >> 16)) +
		(0xffff - (from & 0xffff)) + (to >> 16) + (to & 0xffff);

	return 0xffff - model_mod(v);
}

/* 16-bit path: zero only if every operand is zero. */
static unsigned int model_replace2(unsigned int hc, unsigned int from,
				   unsigned int to)
{
	if (hc == 0xffff && from == 0xffff && to == 0)
		return 0xffff;
	return 0xffff - model_mod((u64)(0xffff - hc) + (0xffff - from) + to);
}

/* Partial: result is the fold itself; zero only if all inputs zero. */
static unsigned int model_partial4(unsigned int p, u32 from, u32 to)
{
	u64 v = p + (0xffff - (from >> 16)) + (0xffff - (from & 0xffff)) +
		(to >> 16) + (to & 0xffff);

	if (p == 0 && from == 0xffffffff && to == 0)
		return 0;
	return model_mod(v);
}

static u32 pick32(void)
{
	switch (check_below(8)) {
	case 0:
		return 0;
	case 1:
		return 0xffffffff;
	case 2:
		return 0xffff;
	case 3:
		return 0xffff0000;
	default:
		return check_rand32();
	}
}

static __be32 host_raw32(u32 v)
{
	u8 b[4];
	__be32 r;

	put32(b, v);
	memcpy(&r, b, 4);
	return r;
}

static void test_model(void)
{
	unsigned int i, hc, exp;
	u32 from, to;
	__sum16 f;

	for (i = 0; i < 200000; i++) {
		hc = pick32() & 0xffff;
		from = pick32();
		to = pick32();
		CHECK_CTX("model i=%u hc=%04x from=%08x to=%08x", i, hc, from,
			  to);

		f = host_raw16(hc);
		nfo_csum_replace4(&f, host_raw32(from), host_raw32(to));
		CHECK_EQ(raw16_host(f), model_replace4(hc, from, to));

		f = host_raw16(hc);
		nfo_l4_csum_replace4(&f, host_raw32(from), host_raw32(to),
				     false, i & 1);
		CHECK_EQ(raw16_host(f), model_replace4(hc, from, to));

		f = host_raw16(hc);
		nfo_csum_replace2(&f, host_raw16(from & 0xffff),
				  host_raw16(to & 0xffff));
		CHECK_EQ(raw16_host(f),
			 model_replace2(hc, from & 0xffff, to & 0xffff));

		/* The L4 16-bit variant widens: 32-bit residue model. */
		f = host_raw16(hc);
		nfo_l4_csum_replace2(&f, host_raw16(from & 0xffff),
				     host_raw16(to & 0xffff), false, true);
		CHECK_EQ(raw16_host(f),
			 model_replace4(hc, from & 0xffff, to & 0xffff));

		f = host_raw16(hc);
		nfo_l4_csum_replace4(&f, host_raw32(from), host_raw32(to),
				     true, true);
		exp = model_partial4(hc, from, to);
		CHECK_EQ(raw16_host(f), exp);

		/* Partial, not a pseudo-header field: untouched. */
		f = host_raw16(hc);
		nfo_l4_csum_replace4(&f, host_raw32(from), host_raw32(to),
				     true, false);
		CHECK_EQ(raw16_host(f), hc);
		f = host_raw16(hc);
		nfo_l4_csum_replace2(&f, host_raw16(from & 0xffff),
				     host_raw16(to & 0xffff), true, false);
		CHECK_EQ(raw16_host(f), hc);
	}
	check_ctx[0] = 0;
}

/* -------------------------------------------------------------------- */

static void test_rfc1624(void)
{
	/*
	 * RFC 1624 section 3/4 example: the other header words sum to
	 * 0xcd7a, m = 0x5555 changes to m' = 0x3285.  HC = ~(0xcd7a +
	 * 0x5555) = 0xdd2f; the new checksum is 0x0000 (a recomputation
	 * gives ~0xffff = 0x0000), where RFC 1141's HC + m + ~m' would
	 * give 0xffff.
	 */
	u8 hdr[4] = { 0xcd, 0x7a, 0x55, 0x55 };
	__sum16 f;

	CHECK_EQ(ref_csum(ref_sum(hdr, 4)), 0xdd2f);
	f = host_raw16(0xdd2f);
	nfo_csum_replace2(&f, host_raw16(0x5555), host_raw16(0x3285));
	CHECK_EQ(raw16_host(f), 0x0000);
	put16(hdr + 2, 0x3285);
	CHECK_EQ(ref_csum(ref_sum(hdr, 4)), 0x0000);

	/* Same change seen as a 32-bit word, and through the L4 helpers. */
	f = host_raw16(0xdd2f);
	nfo_csum_replace4(&f, host_raw32(0xcd7a5555), host_raw32(0xcd7a3285));
	CHECK_EQ(raw16_host(f), 0x0000);
	f = host_raw16(0xdd2f);
	nfo_l4_csum_replace2(&f, host_raw16(0x5555), host_raw16(0x3285),
			     false, false);
	CHECK_EQ(raw16_host(f), 0x0000);

	/* And UDP must send that 0x0000 as 0xffff. */
	f = host_raw16(0xdd2f);
	nfo_udp_csum_replace2(&f, host_raw16(0x5555), host_raw16(0x3285),
			      false, false);
	CHECK_EQ(raw16_host(f), 0xffff);

	/*
	 * The only way to get 0xffff out of eqn. 3 on 16 bits: ~HC, ~m and
	 * m' all zero (all-zero data).  csum_replace2 gives 0xffff there,
	 * the 32-bit path never does.
	 */
	f = host_raw16(0xffff);
	nfo_csum_replace2(&f, host_raw16(0xffff), host_raw16(0));
	CHECK_EQ(raw16_host(f), 0xffff);
	f = host_raw16(0xffff);
	nfo_csum_replace4(&f, host_raw32(0xffffffff), host_raw32(0));
	CHECK_EQ(raw16_host(f), 0x0000);

	/* No change at all leaves a valid checksum as it is. */
	f = host_raw16(0x1234);
	nfo_csum_replace4(&f, host_raw32(0xdeadbeef), host_raw32(0xdeadbeef));
	CHECK_EQ(raw16_host(f), 0x1234);
	f = host_raw16(0x1234);
	nfo_csum_replace2(&f, host_raw16(0xbeef), host_raw16(0xbeef));
	CHECK_EQ(raw16_host(f), 0x1234);
}

/* -------------------------------------------------------------------- */

/*
 * NAT @t in place as nf_flow_table does: the source (or destination)
 * address becomes @addr (4 or 16 bytes) and the port @port, and the
 * checksums are fixed with the library.
 */
static void nat_apply(struct tpkt *t, bool dst, const u8 *addr,
		      unsigned int port, bool partial)
{
	unsigned int alen = t->family == 4 ? 4 : 16;
	unsigned int aoff = t->family == 4 ? (dst ? 16 : 12) : (dst ? 24 : 8);
	unsigned int poff = t->thoff + (dst ? 2 : 0);
	unsigned int coff = tpkt_csum_off(t);
	__be32 from[4], to[4];
	__be16 pfrom, pto;
	bool udp = t->proto == 17;
	__sum16 f;

	memcpy(from, t->buf + aoff, alen);
	pfrom = raw16(t->buf + poff);
	memcpy(t->buf + aoff, addr, alen);
	put16(t->buf + poff, port);
	memcpy(to, t->buf + aoff, alen);
	pto = raw16(t->buf + poff);

	if (t->family == 4) {
		f = field_load(t, 10);
		nfo_csum_replace4(&f, from[0], to[0]);
		field_store(t, 10, f);
	}

	f = field_load(t, coff);
	if (udp)
		nfo_udp_csum_replace2(&f, pfrom, pto, partial, false);
	else
		nfo_l4_csum_replace2(&f, pfrom, pto, partial, false);
	if (t->family == 4 && udp)
		nfo_udp_csum_replace4(&f, from[0], to[0], partial, true);
	else if (t->family == 4)
		nfo_l4_csum_replace4(&f, from[0], to[0], partial, true);
	else if (udp)
		nfo_udp_csum_replace16(&f, from, to, partial, true);
	else
		nfo_l4_csum_replace16(&f, from, to, partial, true);
	field_store(t, coff, f);
}

/*
 * Choose the last two bytes of @addr so that after nat_apply(@t, @dst,
 * @addr, @port) the L4 checksum computes to 0x0000.
 */
static void force_zero_csum(const struct tpkt *t, bool dst, u8 *addr,
			    unsigned int port)
{
	static struct tpkt tmp;
	unsigned int alen = t->family == 4 ? 4 : 16;
	unsigned int aoff = t->family == 4 ? (dst ? 16 : 12) : (dst ? 24 : 8);
	unsigned int fsum;

	memcpy(&tmp, t, sizeof(tmp));
	put16(addr + alen - 2, 0);
	memcpy(tmp.buf + aoff, addr, alen);
	put16(tmp.buf + tmp.thoff + (dst ? 2 : 0), port);
	fsum = ref_fold(ref_pseudo(&tmp) + ref_l4_sum_nofield(&tmp));
	put16(addr + alen - 2, 0xffff - fsum);
}

/*
 * Random packets of both families and protocols, NATed through the
 * library in full and partial mode, then compared with a recomputation.
 * Some are steered so that the new checksum computes to zero, some UDP
 * ones carry no checksum, some start with a mangled-zero 0xffff.
 */
static void test_nat(u8 family)
{
	static struct tpkt t;
	unsigned int i, exp, coff, port, nzero = 0, nmangled = 0;
	bool partial, dst, force0, nocsum, udp, mangled_in;
	u8 addr[16];

	for (i = 0; i < 4 * NPKT; i++) {
		/* Low bits: the kind of packet; next bits: the special case. */
		udp = i & 1;
		partial = i & 2;
		dst = i & 4;
		force0 = ((i >> 3) & 7) == 4;
		nocsum = udp && !partial && ((i >> 3) & 7) == 5;
		mangled_in = udp && !partial && ((i >> 3) & 7) == 6;
		CHECK_CTX("nat v%u i=%u udp=%d partial=%d dst=%d zero=%d",
			  family, i, udp, partial, dst, force0);

		tpkt_build(&t, family, udp ? 17 : 6, check_below(100),
			   partial);
		coff = tpkt_csum_off(&t);
		if (nocsum)
			put16(t.buf + coff, 0);
		if (mangled_in && t.len - t.thoff >= 10) {
			/* Make the original checksum 0 -> sent as 0xffff. */
			put16(t.buf + t.thoff + 8, 0);
			put16(t.buf + t.thoff + 8,
			      0xffff - ref_fold(ref_pseudo(&t) +
						ref_l4_sum_nofield(&t)));
			put16(t.buf + coff, ref_l4_csum(&t));
			CHECK_EQ(field_get(&t, coff), 0xffff);
		}

		rand_bytes(addr, sizeof(addr));
		port = check_below(2) ? check_rand32() & 0xffff :
		       get16(t.buf + t.thoff + (dst ? 2 : 0));
		if (force0)
			force_zero_csum(&t, dst, addr, port);
		nat_apply(&t, dst, addr, port, partial);
		if (check_below(4) == 0) {
			/* And the other side too (full NAT). */
			rand_bytes(addr, sizeof(addr));
			nat_apply(&t, !dst, addr, check_rand32() & 0xffff,
				  partial);
			force0 = false;
		}

		if (family == 4)
			CHECK_EQ(field_get(&t, 10), ref_ip_csum(&t));
		if (nocsum) {
			CHECK_EQ(field_get(&t, coff), 0);
			continue;
		}
		exp = ref_l4_csum(&t);
		if (partial) {
			CHECK_EQ(field_get(&t, coff), ref_l4_partial_seed(&t));
			CHECK_EQ(ref_hw_finish(&t), exp);
			continue;
		}
		CHECK_EQ(field_get(&t, coff), exp);
		if (force0) {
			CHECK_EQ(field_get(&t, coff), udp ? 0xffff : 0x0000);
			nzero += !udp;
			nmangled += udp;
		}
	}
	check_ctx[0] = 0;
	/* The steering did produce both corner cases. */
	CHECK(nzero > 50);
	CHECK(nmangled > 50);
}

/* -------------------------------------------------------------------- */

static void test_udp_zero(void)
{
	__be32 a6[4], b6[4];
	__sum16 f;

	memset(a6, 0x11, sizeof(a6));
	memset(b6, 0x22, sizeof(b6));

	/* Complete checksum, zero field: "no checksum", stays zero. */
	f = 0;
	nfo_udp_csum_replace4(&f, host_raw32(0x0a000001),
			      host_raw32(0xc0a80001), false, true);
	CHECK_EQ(f, 0);
	nfo_udp_csum_replace2(&f, host_raw16(1234), host_raw16(80), false,
			      false);
	CHECK_EQ(f, 0);
	nfo_udp_csum_replace16(&f, a6, b6, false, true);
	CHECK_EQ(f, 0);

	/*
	 * Partial: the field is a seed, zero is not special on input, but
	 * a zero result is still written as 0xffff (as nf_flow_table does).
	 */
	f = 0;
	nfo_udp_csum_replace4(&f, host_raw32(0xffffffff), host_raw32(0), true,
			      true);
	CHECK_EQ(raw16_host(f), 0xffff);
	f = 0;
	nfo_udp_csum_replace2(&f, host_raw16(1), host_raw16(2), true, false);
	CHECK_EQ(raw16_host(f), 0xffff);
	f = host_raw16(0x1234);
	nfo_udp_csum_replace2(&f, host_raw16(1), host_raw16(2), true, false);
	CHECK_EQ(raw16_host(f), 0x1234);

	/* An update that lands on 0 gives 0xffff, TCP keeps 0. */
	f = host_raw16(0xfffe);
	nfo_udp_csum_replace4(&f, host_raw32(1), host_raw32(0xffff), false,
			      true);
	CHECK_EQ(raw16_host(f), 0xffff);
	f = host_raw16(0xfffe);
	nfo_l4_csum_replace4(&f, host_raw32(1), host_raw32(0xffff), false,
			     true);
	CHECK_EQ(raw16_host(f), 0x0000);

	/* 0xffff in the field is a valid (mangled) checksum: updated. */
	f = host_raw16(0xffff);
	nfo_udp_csum_replace4(&f, host_raw32(0), host_raw32(5), false, true);
	CHECK_EQ(raw16_host(f), 0xfffa);
}

/*
 * CHECKSUM_COMPLETE: skb->csum covers the packet from the IP header.  After
 * an IPv4 address change with both checksums fixed, the adjusted value
 * must match a fresh sum over the new packet.
 */
static void test_complete(void)
{
	static struct tpkt t;
	unsigned int i;
	__be32 from;
	__wsum before, after;
	u8 addr[4];

	for (i = 0; i < NPKT; i++) {
		CHECK_CTX("complete i=%u", i);
		tpkt_build(&t, 4, i & 1 ? 17 : 6, check_below(64), false);
		before = nfo_csum_partial(t.buf, t.len, 0);
		from = raw32(t.buf + (i & 2 ? 16 : 12));
		rand_bytes(addr, 4);
		nat_apply(&t, i & 2, addr, get16(t.buf + t.thoff +
						 (i & 2 ? 2 : 0)), false);
		after = nfo_csum_complete_replace4(before, from,
						   raw32(addr));
		CHECK_EQ(nfo_csum_fold(after),
			 nfo_csum_fold(nfo_csum_partial(t.buf, t.len, 0)));
	}
	check_ctx[0] = 0;
}

/* Pseudo-header helpers against the reference. */
static void test_pseudo(void)
{
	static struct tpkt t;
	unsigned int i, l4len;
	__be32 s6[4], d6[4];
	__wsum s;

	for (i = 0; i < NPKT; i++) {
		CHECK_CTX("pseudo i=%u", i);
		tpkt_build(&t, i & 1 ? 6 : 4, i & 2 ? 17 : 6,
			   check_below(200), false);
		l4len = t.len - t.thoff;
		if (t.family == 4) {
			s = nfo_csum_tcpudp_nofold(raw32(t.buf + 12),
						   raw32(t.buf + 16), l4len,
						   t.proto, 0);
		} else {
			memcpy(s6, t.buf + 8, 16);
			memcpy(d6, t.buf + 24, 16);
			s = nfo_csum_ipv6_nofold(s6, d6, l4len, t.proto, 0);
		}
		CHECK_EQ(raw16_host(nfo_csum_fold(s)),
			 ref_csum(ref_pseudo(&t)));
		/* Pseudo-header plus L4 bytes: a valid packet sums to 0. */
		s = nfo_csum_partial(t.buf + t.thoff, l4len, s);
		CHECK_EQ(nfo_csum_fold(s), 0);
	}
	check_ctx[0] = 0;
}

static void test_ttl(void)
{
	static struct tpkt t;
	unsigned int c, i, exp;
	u8 h[20];
	u8 ttl;

	/* Every checksum value, against the host-order rule. */
	for (c = 0; c <= 0xffff; c++) {
		memset(h, 0, sizeof(h));
		h[8] = (u8)(c * 7 + 2);
		put16(h + 10, c);
		ttl = nfo_ipv4_decrease_ttl(h);
		exp = c + 0x100;
		exp = (exp + (exp >= 0xffff)) & 0xffff;
		CHECK_CTX("ttl c=%04x", c);
		CHECK_EQ(get16(h + 10), exp);
		CHECK_EQ(ttl, (u8)(c * 7 + 1));
		CHECK_EQ(h[8], ttl);
	}
	/* Real headers, against a recomputation. */
	for (i = 0; i < NPKT; i++) {
		CHECK_CTX("ttl pkt i=%u", i);
		tpkt_build(&t, 4, 6, 0, false);
		if (i % 4 == 0) {
			/* steer towards checksums near 0x0000/0xffff */
			put16(t.buf + 4, 0);
			put16(t.buf + 4, 0xffff - (i / 4) % 0x200 -
			      ref_fold(ref_sum(t.buf, 20) -
				       get16(t.buf + 10)));
			put16(t.buf + 10, ref_ip_csum(&t));
		}
		nfo_ipv4_decrease_ttl(t.buf);
		CHECK_EQ(get16(t.buf + 10), ref_ip_csum(&t));
	}
	check_ctx[0] = 0;
}

/* The unrolled IPv4 header check against the reference sum. */
static void test_ipv4_hdr(void)
{
	static u8 buf[24] __attribute__((aligned(8)));
	unsigned int i, off;
	u16 c;

	for (i = 0; i < 20000; i++) {
		off = check_below(4);
		rand_bytes(buf, sizeof(buf));
		if (i % 2) {
			/* Make it right: the checksum field (bytes 10-11). */
			buf[off + 10] = 0;
			buf[off + 11] = 0;
			c = ref_csum(ref_sum(buf + off, 20));
			buf[off + 10] = c >> 8;
			buf[off + 11] = c & 0xff;
		}
		if (i % 7 == 0)
			memset(buf + off, i % 14 ? 0xff : 0, 20);
		CHECK_CTX("ipv4 header i=%u off=%u", i, off);
		CHECK_EQ(nfo_ipv4_hdr_csum_ok(buf + off),
			 ref_csum(ref_sum(buf + off, 20)) == 0);
		if (i % 2 && i % 7)
			CHECK(nfo_ipv4_hdr_csum_ok(buf + off));
	}
	check_ctx[0] = 0;
}

int main(void)
{
	check_seed(0x5eed0001);
	test_partial_vs_ref();
	test_ipv4_hdr();
	test_model();
	test_rfc1624();
	test_nat(4);
	test_nat(6);
	test_udp_zero();
	test_complete();
	test_pseudo();
	test_ttl();
	return check_finish("test_csum.c");
}
