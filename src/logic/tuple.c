// SPDX-License-Identifier: GPL-2.0
/*
 * Flow lookup key: construction, comparison and hashing.
 */
#include "tuple.h"

/* For sizeof of members. */
#define NFO_T ((const struct nfo_tuple *)NULL)

/*
 * The key is exactly the sum of its members' sizes: no padding hole
 * anywhere, so memcmp() and the hash see only meaningful bytes.
 */
nfo_static_assert(NFO_TUPLE_KEY_LEN ==
		  sizeof(NFO_T->src) + sizeof(NFO_T->dst) +
		  sizeof(NFO_T->sport) + sizeof(NFO_T->dport) +
		  sizeof(NFO_T->iif) + sizeof(NFO_T->family) +
		  sizeof(NFO_T->l4proto) + sizeof(NFO_T->encap_num) +
		  sizeof(NFO_T->pad) + sizeof(NFO_T->encap));
nfo_static_assert(sizeof(struct nfo_tuple_encap) == 4);
nfo_static_assert(NFO_TUPLE_KEY_LEN % 4 == 0);

static inline u32 nfo_rol32(u32 x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

/* The three 32-bit words of lookup3 state. */
struct nfo_jstate {
	u32 a, b, c;
};

/*
 * lookup3 mixing of the state: every input bit affects every output bit
 * through a fixed sequence of subtract, xor-rotate and add steps; the
 * rotation counts are those of the published algorithm.
 */
static inline void nfo_jmix(struct nfo_jstate *s)
{
	u32 a = s->a, b = s->b, c = s->c;

	a -= c; a ^= nfo_rol32(c, 4); c += b;
	b -= a; b ^= nfo_rol32(a, 6); a += c;
	c -= b; c ^= nfo_rol32(b, 8); b += a;
	a -= c; a ^= nfo_rol32(c, 16); c += b;
	b -= a; b ^= nfo_rol32(a, 19); a += c;
	c -= b; c ^= nfo_rol32(b, 4); b += a;
	s->a = a;
	s->b = b;
	s->c = c;
}

/* lookup3 final avalanche of the state into c. */
static inline void nfo_jfinal(struct nfo_jstate *s)
{
	u32 a = s->a, b = s->b, c = s->c;

	c ^= b; c -= nfo_rol32(b, 14);
	a ^= c; a -= nfo_rol32(c, 11);
	b ^= a; b -= nfo_rol32(a, 25);
	c ^= b; c -= nfo_rol32(b, 16);
	a ^= c; a -= nfo_rol32(c, 4);
	b ^= a; b -= nfo_rol32(a, 14);
	c ^= b; c -= nfo_rol32(b, 24);
	s->c = c;
}

u32 nfo_jhash_words(const void *key, unsigned int nwords, u32 initval)
{
	const u8 *k = key;
	struct nfo_jstate s;

	s.a = 0xdeadbeef + (nwords << 2) + initval;
	s.b = s.a;
	s.c = s.a;

	while (nwords > 3) {
		s.a += nfo_load32(k);
		s.b += nfo_load32(k + 4);
		s.c += nfo_load32(k + 8);
		nfo_jmix(&s);
		nwords -= 3;
		k += 12;
	}

	/* One to three words left get the final mix; none: c as is. */
	switch (nwords) {
	case 3:
		s.c += nfo_load32(k + 8);
		fallthrough;
	case 2:
		s.b += nfo_load32(k + 4);
		fallthrough;
	case 1:
		s.a += nfo_load32(k);
		nfo_jfinal(&s);
		break;
	default:
		break;
	}
	return s.c;
}

/*
 * An IPv4 key has zeros in three words of each address: only the seven
 * others are hashed (two mixing rounds fewer), and without layers the
 * two encapsulation words are zero too: five then.  Keys that differ in
 * family or number of layers never compare equal, so each kind may
 * hash its own way.
 */
u32 nfo_tuple_hash(const struct nfo_tuple *t, u32 seed)
{
	const u8 *k = (const u8 *)t;
	struct nfo_jstate s;

	if (t->family != NFO_FAMILY_IPV4)
		return nfo_jhash_words(t, NFO_TUPLE_KEY_LEN / 4, seed);
	/* nfo_jhash_words() of these five or seven words, unrolled. */
	s.a = 0xdeadbeef + ((t->encap_num ? 7 : 5) << 2) + seed;
	s.b = s.a;
	s.c = s.a;
	s.a += (__force u32)t->src[0];
	s.b += (__force u32)t->dst[0];
	s.c += nfo_load32(k + offsetof(struct nfo_tuple, sport));
	nfo_jmix(&s);
	s.a += nfo_load32(k + offsetof(struct nfo_tuple, iif));
	s.b += nfo_load32(k + offsetof(struct nfo_tuple, family));
	if (t->encap_num) {
		s.c += nfo_load32(k + offsetof(struct nfo_tuple, encap[0]));
		nfo_jmix(&s);
		s.a += nfo_load32(k + offsetof(struct nfo_tuple, encap[1]));
	}
	nfo_jfinal(&s);
	return s.c;
}

/*
 * Six 8-byte words and one 4-byte word, unrolled: memcmp() would go byte
 * by byte, and this runs for every fast-path packet.
 */
bool nfo_tuple_equal(const struct nfo_tuple *a, const struct nfo_tuple *b)
{
	const u8 *x = (const u8 *)a, *y = (const u8 *)b;
	u64 diff;

	nfo_static_assert(NFO_TUPLE_KEY_LEN == 6 * 8 + 4);
	diff = nfo_load64(x) ^ nfo_load64(y);
	diff |= nfo_load64(x + 8) ^ nfo_load64(y + 8);
	diff |= nfo_load64(x + 16) ^ nfo_load64(y + 16);
	diff |= nfo_load64(x + 24) ^ nfo_load64(y + 24);
	diff |= nfo_load64(x + 32) ^ nfo_load64(y + 32);
	diff |= nfo_load64(x + 40) ^ nfo_load64(y + 40);
	diff |= nfo_load32(x + 48) ^ nfo_load32(y + 48);
	return !diff;
}

bool nfo_tuple_push_encap(struct nfo_tuple *t, u16 id, __be16 proto)
{
	if (t->encap_num >= NFO_TUPLE_MAX_ENCAP)
		return false;
	t->encap[t->encap_num].id = id;
	t->encap[t->encap_num].proto = proto;
	t->encap_num++;
	return true;
}
