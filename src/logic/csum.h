/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum arithmetic (RFC 1071) and incremental update of
 * checksum fields after NAT (RFC 1624).
 *
 * Representation, identical to the kernel's:
 *
 *  - All values are the raw contents of packet memory loaded as native
 *    integers: a __be32 address is added as the 32-bit number the CPU sees
 *    when it loads those four bytes.  One's-complement addition commutes
 *    with byte swapping, so this gives the right answer on both little-
 *    and big-endian CPUs without any conversion, and a __sum16 result is
 *    stored back as is.
 *  - A __wsum is a 32-bit partial sum, not yet folded.
 *  - nfo_csum_fold() folds to 16 bits AND complements, giving the value to
 *    store in a checksum field (like the kernel's csum_fold()).
 *
 * Every function here produces bit-for-bit the same result as the kernel
 * function named in its comment, including the choice between 0x0000 and
 * 0xffff (the two one's-complement zeros).
 */
#ifndef NFO_LOGIC_CSUM_H
#define NFO_LOGIC_CSUM_H

#include "nfo_types.h"

/* A UDP checksum that computes to 0 is sent as 0xffff (RFC 768). */
#define NFO_CSUM_MANGLED_0	((__force __sum16)0xffff)

/* One's-complement sum of two partial sums (kernel: csum_add). */
static inline __wsum nfo_csum_add(__wsum sum, __wsum addend)
{
	u32 a = (__force u32)sum;
	u32 b = (__force u32)addend;
	u32 r = a + b;

	return (__force __wsum)(r + (r < b));
}

/* One's-complement difference (kernel: csum_sub). */
static inline __wsum nfo_csum_sub(__wsum sum, __wsum addend)
{
	return nfo_csum_add(sum, (__force __wsum)~(__force u32)addend);
}

/* Fold a 32-bit partial sum to 16 bits and complement (kernel: csum_fold). */
static inline __sum16 nfo_csum_fold(__wsum sum)
{
	u32 s = (__force u32)sum;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__force __sum16)(u16)~s;
}

/*
 * Is the checksum of a 20-byte IPv4 header (no options) right?  The
 * sum of a correct header, its checksum field included, folds to 0
 * (kernel: ip_fast_csum() == 0).  Five words unrolled: this is on every
 * fast-path packet.
 */
static inline bool nfo_ipv4_hdr_csum_ok(const void *hdr)
{
	const u8 *p = hdr;
	u64 acc;

	acc = (u64)nfo_load32(p) + nfo_load32(p + 4) + nfo_load32(p + 8) +
	      nfo_load32(p + 12) + nfo_load32(p + 16);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return !nfo_csum_fold((__force __wsum)(u32)acc);
}

/* Widen a 16-bit field to a partial sum (kernel: csum_unfold). */
static inline __wsum nfo_csum_unfold(__sum16 n)
{
	return (__force __wsum)(u32)(__force u16)n;
}

/*
 * nfo_csum_partial - one's-complement sum of a buffer
 * @buf: data, any alignment
 * @len: number of bytes; an odd last byte is padded with a zero byte
 * @sum: partial sum to add the result to (0 to start)
 *
 * The 16-bit words are taken relative to @buf, whatever its address.  The
 * returned 32-bit value may differ from the kernel's csum_partial() (which
 * is arch specific), but it folds to the same 16-bit checksum.
 */
__wsum nfo_csum_partial(const void *buf, unsigned int len, __wsum sum);

/*
 * Sum of the TCP/UDP pseudo-header for IPv4 (kernel: csum_tcpudp_nofold)
 * and IPv6 (the IPv6 variant, csum_ipv6_magic() before folding).  @len is
 * the L4 length (header plus payload) in host order.
 */
__wsum nfo_csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len,
			      u8 proto, __wsum sum);
__wsum nfo_csum_ipv6_nofold(const __be32 *saddr, const __be32 *daddr,
			    u32 len, u8 proto, __wsum sum);

/*
 * Incremental update of a checksum field that covers a changed 16-, 32-
 * or 128-bit value, per RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').
 * Same results as the kernel's csum_replace2(), csum_replace4() and
 * (for the 128-bit case) the non-partial branch of
 * inet_proto_csum_replace16().  Use these for the IPv4 header checksum and
 * for an L4 checksum of a packet whose checksum is complete.
 */
static inline void nfo_csum_replace2(__sum16 *field, __be16 from, __be16 to);
static inline void nfo_csum_replace4(__sum16 *field, __be32 from, __be32 to);
void nfo_csum_replace16(__sum16 *field, const __be32 *from, const __be32 *to);

/*
 * Update of a TCP or UDP checksum field, with the kernel's handling of
 * CHECKSUM_PARTIAL (inet_proto_csum_replace2/4/16):
 *
 * @partial false: the field holds the final checksum.  It is updated as by
 *	nfo_csum_replace4()/16(), whatever @pseudohdr says.
 * @partial true: the checksum will be finished by the NIC or by software
 *	checksum offload (skb->ip_summed == CHECKSUM_PARTIAL).  The field
 *	then holds the folded sum of the pseudo-header, NOT complemented,
 *	and only pseudo-header fields are in it.  So the update is applied
 *	to that non-complemented value when @pseudohdr is true (an address
 *	changed) and the field is left alone when @pseudohdr is false (a
 *	port changed: the NIC will sum the new port itself).
 *
 * The _replace2 variant widens the 16-bit values to 32 bits exactly as
 * the kernel does, so results match inet_proto_csum_replace2() even in
 * the 0x0000/0xffff corner.
 *
 * These do not apply the UDP zero rule: use nfo_udp_csum_replace*().
 */
static inline void nfo_l4_csum_replace2(__sum16 *field, __be16 from, __be16 to,
					bool partial, bool pseudohdr);
static inline void nfo_l4_csum_replace4(__sum16 *field, __be32 from, __be32 to,
					bool partial, bool pseudohdr);
void nfo_l4_csum_replace16(__sum16 *field, const __be32 *from,
			   const __be32 *to, bool partial, bool pseudohdr);

/*
 * UDP flavour of the above, as nf_flow_table does it for both IPv4 and
 * IPv6: a zero field in a packet whose checksum is complete means "no
 * checksum" and is left zero; otherwise (or when @partial) the field is
 * updated and a result of 0 is written as 0xffff (NFO_CSUM_MANGLED_0).
 */
static inline void nfo_udp_csum_replace2(__sum16 *field, __be16 from, __be16 to,
					 bool partial, bool pseudohdr);
static inline void nfo_udp_csum_replace4(__sum16 *field, __be32 from, __be32 to,
					 bool partial, bool pseudohdr);
void nfo_udp_csum_replace16(__sum16 *field, const __be32 *from,
			    const __be32 *to, bool partial, bool pseudohdr);

/*
 * New skb->csum of a CHECKSUM_COMPLETE IPv4 packet (sum over the whole
 * packet from the IP header on) after an IPv4 address changed from @from
 * to @to and both the IP header checksum and the L4 checksum were fixed
 * incrementally: the address and IP checksum changes cancel, the L4
 * checksum change remains.  Same as inet_proto_csum_replace4() does to
 * skb->csum.  For IPv6 (no header checksum) skb->csum needs no change.
 */
__wsum nfo_csum_complete_replace4(__wsum csum, __be32 from, __be32 to);

/*
 * Decrement the TTL of the IPv4 header at @iph (at least 20 bytes,
 * writable) and fix its checksum incrementally.  Returns the new TTL.
 * Same bytes as the kernel's ip_decrease_ttl().
 */
static inline u8 nfo_ipv4_decrease_ttl(u8 *iph);

/*
 * The 2- and 4-byte updates and the TTL decrement are inline: each runs
 * on every NATed fast-path packet, where a call costs as much as the
 * arithmetic.  Documented with their declarations above.
 */

/* 16-bit end-around-carry addition. */
static inline u16 nfo_add16(u16 a, u16 b)
{
	u16 r = (u16)(a + b);

	return (u16)(r + (r < b));
}

static inline void nfo_csum_replace2(__sum16 *field, __be16 from, __be16 to)
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

static inline void nfo_csum_replace4(__sum16 *field, __be32 from, __be32 to)
{
	__wsum s = nfo_csum_neg_field(*field);

	s = nfo_csum_sub(s, (__force __wsum)from);
	s = nfo_csum_add(s, (__force __wsum)to);
	*field = nfo_csum_fold(s);
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

static inline void nfo_l4_csum_replace4(__sum16 *field, __be32 from, __be32 to,
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

static inline void nfo_l4_csum_replace2(__sum16 *field, __be16 from, __be16 to,
					bool partial, bool pseudohdr)
{
	/* Zero-extended to 32 bits, as inet_proto_csum_replace2() does. */
	nfo_l4_csum_replace4(field, (__force __be32)(u32)(__force u16)from,
			     (__force __be32)(u32)(__force u16)to,
			     partial, pseudohdr);
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

static inline void nfo_udp_csum_replace2(__sum16 *field, __be16 from, __be16 to,
					 bool partial, bool pseudohdr)
{
	if (nfo_udp_csum_absent(field, partial))
		return;
	nfo_l4_csum_replace2(field, from, to, partial, pseudohdr);
	nfo_udp_csum_mangle(field);
}

static inline void nfo_udp_csum_replace4(__sum16 *field, __be32 from, __be32 to,
					 bool partial, bool pseudohdr)
{
	if (nfo_udp_csum_absent(field, partial))
		return;
	nfo_l4_csum_replace4(field, from, to, partial, pseudohdr);
	nfo_udp_csum_mangle(field);
}

static inline u8 nfo_ipv4_decrease_ttl(u8 *iph)
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

#endif /* NFO_LOGIC_CSUM_H */
