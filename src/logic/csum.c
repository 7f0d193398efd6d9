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

