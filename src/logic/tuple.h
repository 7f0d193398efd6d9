/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow lookup key.
 *
 * struct nfo_tuple is hashed and compared as raw memory, like the kernel
 * flowtable's tuple: the key is everything before the key_end marker, it
 * has no padding holes (checked at build time), its size is a multiple of
 * four so it hashes as 32-bit words, and any unused part (IPv6 words of an
 * IPv4 address, unused encapsulation slots, the pad byte) must be zero.
 * Build keys with nfo_tuple_from_pkt() or start from a zeroed struct.
 */
#ifndef NFO_LOGIC_TUPLE_H
#define NFO_LOGIC_TUPLE_H

#include "nfo_types.h"
#include "parse.h"

#define NFO_TUPLE_MAX_ENCAP	2

/*
 * One layer of encapsulation the packet arrived in (VLAN or PPPoE), as
 * the kernel flowtable records it: @id is the VLAN TCI or PPPoE session
 * id in host order, @proto the ethertype (ETH_P_8021Q, ETH_P_8021AD,
 * ETH_P_PPP_SES) in network order.
 */
struct nfo_tuple_encap {
	u16 id;
	__be16 proto;
};

struct nfo_tuple {
	__be32 src[4];		/* IPv4 in [0], [1..3] zero */
	__be32 dst[4];
	__be16 sport;
	__be16 dport;
	s32 iif;		/* input interface index */
	u8 family;		/* NFO_FAMILY_IPV4 or NFO_FAMILY_IPV6 */
	u8 l4proto;
	u8 encap_num;		/* used entries of encap[] */
	u8 pad;			/* always 0 */
	struct nfo_tuple_encap encap[NFO_TUPLE_MAX_ENCAP];
	/* Not part of the key: the key is what lies before this marker. */
	struct {} key_end;
};

/* Number of bytes of struct nfo_tuple that are hashed and compared. */
#define NFO_TUPLE_KEY_LEN	offsetof(struct nfo_tuple, key_end)

/*
 * Bob Jenkins' lookup3 hashword() over @nwords 32-bit words read from
 * @key (any alignment; each word is the native load of four bytes).
 */
u32 nfo_jhash_words(const void *key, unsigned int nwords, u32 initval);

/* Hash of the key part of @t, with a per-table random @seed. */
u32 nfo_tuple_hash(const struct nfo_tuple *t, u32 seed);

/* True if the key parts of @a and @b are identical. */
bool nfo_tuple_equal(const struct nfo_tuple *a, const struct nfo_tuple *b);

/*
 * Fill @t from a parsed packet (NFO_OK or NFO_R_TCP_FIN_RST) received on
 * interface @iif, with no encapsulation.
 */
static inline void nfo_tuple_from_pkt(const struct nfo_pkt *p, int iif,
				      struct nfo_tuple *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->src, p->src, sizeof(t->src));
	memcpy(t->dst, p->dst, sizeof(t->dst));
	if (p->family == NFO_FAMILY_IPV4) {
		/* Whatever the parser left there, the key wants zeros. */
		memset(&t->src[1], 0, 3 * sizeof(t->src[0]));
		memset(&t->dst[1], 0, 3 * sizeof(t->dst[0]));
	}
	t->sport = p->sport;
	t->dport = p->dport;
	t->iif = iif;
	t->family = p->family;
	t->l4proto = p->l4proto;
}

/*
 * Record one more encapsulation layer, outermost first.  Returns false,
 * leaving @t alone, when all NFO_TUPLE_MAX_ENCAP slots are used.
 */
bool nfo_tuple_push_encap(struct nfo_tuple *t, u16 id, __be16 proto);

#endif /* NFO_LOGIC_TUPLE_H */
