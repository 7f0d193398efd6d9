// SPDX-License-Identifier: GPL-2.0
/*
 * Internet checksum arithmetic for nft_offload.  See csum.h for the
 * representation and for which kernel function each one mirrors.
 *
 * A note on the two zeros.  End-around-carry addition of two 32-bit (or
 * 16-bit) values gives 0 only when both are 0.  So as soon as one operand
 * of a chain of nfo_csum_add() is non-zero the folded result lies in
 * 1..0xffff and is fully determined by the value of the sum modulo 0xffff,
 * whatever the order of the additions.  The incremental updates below
 * start from ~HC widened to 32 bits, which always has its upper half set,
 * hence never produce the folded value 0 (stored field 0xffff) and agree
 * with a full recomputation over any data that is not all zero.
 */
#include "csum.h"

__wsum nfo_csum_partial(const void *buf, unsigned int len, __wsum sum)
{
	const u8 *p = buf;
	u64 acc = 0;
	u32 w32;
	u16 w16;

	/*
	 * Summing native 32-bit words is the same, modulo 0xffff, as summing
	 * their two native 16-bit halves, since 0x10000 == 1 (mod 0xffff).
	 */
	while (len >= 4) {
		memcpy(&w32, p, 4);
		acc += w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		acc += w16;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the first byte of a zero-padded word. */
		w16 = 0;
		memcpy(&w16, p, 1);
		acc += w16;
	}

	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return nfo_csum_add(sum, (__force __wsum)(u32)acc);
}

__wsum nfo_csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len,
			      u8 proto, __wsum sum)
{
	sum = nfo_csum_add(sum, (__force __wsum)saddr);
	sum = nfo_csum_add(sum, (__force __wsum)daddr);
	/*
	 * A 16-bit length and an 8-bit protocol in a 32-bit big-endian
	 * container have the same sum as the pseudo-header's own layout.
	 */
	sum = nfo_csum_add(sum, (__force __wsum)nfo_cpu_to_be32(len));
	return nfo_csum_add(sum, (__force __wsum)nfo_cpu_to_be32(proto));
}

__wsum nfo_csum_ipv6_nofold(const __be32 *saddr, const __be32 *daddr,
			    u32 len, u8 proto, __wsum sum)
{
	int i;

	for (i = 0; i < 4; i++) {
		sum = nfo_csum_add(sum, (__force __wsum)saddr[i]);
		sum = nfo_csum_add(sum, (__force __wsum)daddr[i]);
	}
	sum = nfo_csum_add(sum, (__force __wsum)nfo_cpu_to_be32(len));
	return nfo_csum_add(sum, (__force __wsum)nfo_cpu_to_be32(proto));
}

/* 16-bit end-around-carry addition. */
static inline u16 nfo_add16(u16 a, u16 b)
{
	u16 r = (u16)(a + b);

	return (u16)(r + (r < b));
}

void nfo_csum_replace2(__sum16 *field, __be16 from, __be16 to)
{
	u16 s = (u16)~(__force u16)*field;

	s = nfo_add16(s, (u16)~(__force u16)from);
	s = nfo_add16(s, (__force u16)to);
	*field = (__force __sum16)(u16)~s;
}

/* ~HC as a 32-bit partial sum (upper half all ones, so never zero). */
static inline __wsum nfo_csum_neg_field(__sum16 field)
{
	return (__force __wsum)~(__force u32)nfo_csum_unfold(field);
}

void nfo_csum_replace4(__sum16 *field, __be32 from, __be32 to)
{
	__wsum s = nfo_csum_neg_field(*field);

	s = nfo_csum_sub(s, (__force __wsum)from);
	s = nfo_csum_add(s, (__force __wsum)to);
	*field = nfo_csum_fold(s);
}

/* Add ~from[0..3] and to[0..3] to @s. */
static __wsum nfo_csum_diff16(__wsum s, const __be32 *from, const __be32 *to)
{
	int i;

	for (i = 0; i < 4; i++)
		s = nfo_csum_sub(s, (__force __wsum)from[i]);
	for (i = 0; i < 4; i++)
		s = nfo_csum_add(s, (__force __wsum)to[i]);
	return s;
}

void nfo_csum_replace16(__sum16 *field, const __be32 *from, const __be32 *to)
{
	*field = nfo_csum_fold(nfo_csum_diff16(nfo_csum_neg_field(*field),
					       from, to));
}

/*
 * In partial mode the field holds fold(pseudo-header sum) without the
 * final complement.  Adding the difference to that value and folding
 * again (complementing twice) keeps it in the same form.
 */
static inline __sum16 nfo_csum_fold_nocompl(__wsum s)
{
	return (__force __sum16)(u16)~(__force u16)nfo_csum_fold(s);
}

void nfo_l4_csum_replace4(__sum16 *field, __be32 from, __be32 to,
			  bool partial, bool pseudohdr)
{
	__wsum s;

	if (!partial) {
		nfo_csum_replace4(field, from, to);
		return;
	}
	if (!pseudohdr)
		return;
	s = nfo_csum_sub(nfo_csum_unfold(*field), (__force __wsum)from);
	s = nfo_csum_add(s, (__force __wsum)to);
	*field = nfo_csum_fold_nocompl(s);
}

void nfo_l4_csum_replace2(__sum16 *field, __be16 from, __be16 to,
			  bool partial, bool pseudohdr)
{
	/* Zero-extended to 32 bits, as inet_proto_csum_replace2() does. */
	nfo_l4_csum_replace4(field, (__force __be32)(u32)(__force u16)from,
			     (__force __be32)(u32)(__force u16)to,
			     partial, pseudohdr);
}

void nfo_l4_csum_replace16(__sum16 *field, const __be32 *from,
			   const __be32 *to, bool partial, bool pseudohdr)
{
	if (!partial) {
		nfo_csum_replace16(field, from, to);
		return;
	}
	if (!pseudohdr)
		return;
	*field = nfo_csum_fold_nocompl(nfo_csum_diff16(nfo_csum_unfold(*field),
						       from, to));
}

/* Zero UDP checksum with a complete checksum: no checksum, leave it. */
static inline bool nfo_udp_csum_absent(const __sum16 *field, bool partial)
{
	return !*field && !partial;
}

static inline void nfo_udp_csum_mangle(__sum16 *field)
{
	if (!*field)
		*field = NFO_CSUM_MANGLED_0;
}

void nfo_udp_csum_replace2(__sum16 *field, __be16 from, __be16 to,
			   bool partial, bool pseudohdr)
{
	if (nfo_udp_csum_absent(field, partial))
		return;
	nfo_l4_csum_replace2(field, from, to, partial, pseudohdr);
	nfo_udp_csum_mangle(field);
}

void nfo_udp_csum_replace4(__sum16 *field, __be32 from, __be32 to,
			   bool partial, bool pseudohdr)
{
	if (nfo_udp_csum_absent(field, partial))
		return;
	nfo_l4_csum_replace4(field, from, to, partial, pseudohdr);
	nfo_udp_csum_mangle(field);
}

void nfo_udp_csum_replace16(__sum16 *field, const __be32 *from,
			    const __be32 *to, bool partial, bool pseudohdr)
{
	if (nfo_udp_csum_absent(field, partial))
		return;
	nfo_l4_csum_replace16(field, from, to, partial, pseudohdr);
	nfo_udp_csum_mangle(field);
}

__wsum nfo_csum_complete_replace4(__wsum csum, __be32 from, __be32 to)
{
	__wsum s = (__force __wsum)~(__force u32)csum;

	s = nfo_csum_sub(s, (__force __wsum)from);
	s = nfo_csum_add(s, (__force __wsum)to);
	return (__force __wsum)~(__force u32)s;
}

u8 nfo_ipv4_decrease_ttl(u8 *iph)
{
	__sum16 check;
	u32 c;

	/*
	 * The TTL is the high byte of the 16-bit word at offset 8, so the
	 * covered sum drops by 0x0100 and the checksum grows by as much.
	 * Done on the raw field with a wire-order constant; a sum of 0xffff
	 * is stored as 0x0000, as a full recomputation would give.
	 */
	memcpy(&check, iph + 10, sizeof(check));
	c = (u32)(__force u16)check + (u32)(__force u16)nfo_cpu_to_be16(0x0100);
	c += c >= 0xffff;
	check = (__force __sum16)(u16)c;
	memcpy(iph + 10, &check, sizeof(check));
	iph[8]--;
	return iph[8];
}
