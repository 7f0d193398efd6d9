// SPDX-License-Identifier: GPL-2.0
/*
 * Flow key: layout, construction, equality and hash stability.
 */
#include "../../src/logic/tuple.c"
#include "../../src/logic/csum.c"
#include "../../src/logic/parse.c"
#include "pktbuild.h"

/*
 * lookup3 hashword() of the words 1, 2, ..., n (as native u32, so the
 * same on any byte order), for n = 0..13, with initval 0 and 0x2a.
 * These equal the kernel's jhash2() of the same arrays: a change here
 * is a change of the hash function.
 */
static const u32 known_jhash[14][2] = {
	{ 0xdeadbeef, 0xdeadbf19 },
	{ 0x72a82a9b, 0xe4067751 },
	{ 0x8b4c7979, 0x979d26e7 },
	{ 0xa46158f5, 0xc1611b72 },
	{ 0x66491246, 0xf7fdcd63 },
	{ 0x629129c0, 0xfa2e10cb },
	{ 0xe3e36b25, 0xcad184df },
	{ 0x3e606a2c, 0xde3eca83 },
	{ 0x84ce8c3e, 0x55b2d677 },
	{ 0x47353aad, 0x8d93ced9 },
	{ 0x673e141f, 0xc29a6a93 },
	{ 0x32147113, 0x4d23d79f },
	{ 0x0a224ba4, 0x4d1b87d8 },
	{ 0xa65e8ba0, 0x43d09031 },
};

/*
 * nfo_tuple_hash() of fixed_tuple() with seed 0 and 0xfeedface on a
 * little-endian CPU (the key words are native loads of wire bytes, so a
 * big-endian CPU gets other, equally good, values).
 */
#define KNOWN_TUPLE_HASH_LE	{ 0x95b862d9, 0x473404d0 }

static void fixed_tuple(struct nfo_tuple *t)
{
	static const u8 s[4] = { 192, 168, 1, 2 }, d[4] = { 8, 8, 4, 4 };

	memset(t, 0, sizeof(*t));
	memcpy(&t->src[0], s, 4);
	memcpy(&t->dst[0], d, 4);
	t->sport = nfo_cpu_to_be16(40000);
	t->dport = nfo_cpu_to_be16(443);
	t->iif = 3;
	t->family = NFO_FAMILY_IPV4;
	t->l4proto = NFO_IPPROTO_TCP;
}

static void test_layout(void)
{
	struct nfo_tuple t;

	CHECK_EQ(NFO_TUPLE_KEY_LEN, 52);
	CHECK_EQ(NFO_TUPLE_KEY_LEN % 4, 0);
	CHECK_EQ(sizeof(struct nfo_tuple), NFO_TUPLE_KEY_LEN);
	CHECK_EQ(offsetof(struct nfo_tuple, src), 0);
	CHECK_EQ(offsetof(struct nfo_tuple, dst), 16);
	CHECK_EQ(offsetof(struct nfo_tuple, sport), 32);
	CHECK_EQ(offsetof(struct nfo_tuple, dport), 34);
	CHECK_EQ(offsetof(struct nfo_tuple, iif), 36);
	CHECK_EQ(offsetof(struct nfo_tuple, family), 40);
	CHECK_EQ(offsetof(struct nfo_tuple, l4proto), 41);
	CHECK_EQ(offsetof(struct nfo_tuple, encap_num), 42);
	CHECK_EQ(offsetof(struct nfo_tuple, pad), 43);
	CHECK_EQ(offsetof(struct nfo_tuple, encap), 44);
	CHECK_EQ(sizeof(t.encap), 8);

	/* Every key byte is some member's: fill members, no 0xff left. */
	memset(&t, 0xff, sizeof(t));
	memset(t.src, 0, sizeof(t.src));
	memset(t.dst, 0, sizeof(t.dst));
	t.sport = 0;
	t.dport = 0;
	t.iif = 0;
	t.family = 0;
	t.l4proto = 0;
	t.encap_num = 0;
	t.pad = 0;
	memset(t.encap, 0, sizeof(t.encap));
	{
		static const u8 zero[NFO_TUPLE_KEY_LEN];

		CHECK(!memcmp(&t, zero, NFO_TUPLE_KEY_LEN));
	}
}

static void test_jhash(void)
{
	u32 w[13];
	unsigned int n;

	for (n = 0; n < 13; n++)
		w[n] = n + 1;
	for (n = 0; n <= 13; n++) {
		CHECK_CTX("jhash n=%u", n);
		CHECK_EQ(nfo_jhash_words(w, n, 0), known_jhash[n][0]);
		CHECK_EQ(nfo_jhash_words(w, n, 0x2a), known_jhash[n][1]);
	}
	check_ctx[0] = 0;

	/* Alignment of the key does not matter. */
	{
		u8 buf[64] __attribute__((aligned(8)));

		memcpy(buf + 1, w, sizeof(w));
		CHECK_EQ(nfo_jhash_words(buf + 1, 13, 7),
			 nfo_jhash_words(w, 13, 7));
	}
}

static void test_hash_known(void)
{
	struct nfo_tuple t;
	u32 h0, h1;

	fixed_tuple(&t);
	h0 = nfo_tuple_hash(&t, 0);
	h1 = nfo_tuple_hash(&t, 0xfeedface);
	CHECK(h0 != h1);
	{
		/*
		 * IPv4: the words that are not always zero, in key order;
		 * the layers' two only when there are layers.
		 */
		const u32 *k = (const u32 *)&t;
		u32 w[7] = { k[0], k[4], k[8], k[9], k[10], k[11], k[12] };

		CHECK_EQ(h0, nfo_jhash_words(w, 5, 0));
		CHECK(nfo_tuple_push_encap(&t, 100, nfo_cpu_to_be16(0x8100)));
		w[4] = k[10];
		w[5] = k[11];
		w[6] = k[12];
		CHECK_EQ(nfo_tuple_hash(&t, 0), nfo_jhash_words(w, 7, 0));
		fixed_tuple(&t);
	}
	/* IPv6: the whole key. */
	t.family = NFO_FAMILY_IPV6;
	CHECK_EQ(nfo_tuple_hash(&t, 0), nfo_jhash_words(&t, 13, 0));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		static const u32 known[2] = KNOWN_TUPLE_HASH_LE;

		CHECK_EQ(h0, known[0]);
		CHECK_EQ(h1, known[1]);
	}
#endif
}

static void test_equal(void)
{
	struct nfo_tuple a, b;
	unsigned int i;
	u8 *pb = (u8 *)&b;

	fixed_tuple(&a);
	fixed_tuple(&b);
	CHECK(nfo_tuple_equal(&a, &b));
	CHECK_EQ(nfo_tuple_hash(&a, 99), nfo_tuple_hash(&b, 99));

	/*
	 * Any single key byte changed: unequal, and (here) a new hash, but
	 * for the words an IPv4 key without layers always has zero (three of
	 * each address, the two layers), which its hash leaves out.
	 */
	for (i = 0; i < NFO_TUPLE_KEY_LEN; i++) {
		bool zero_word = (i >= 4 && i < 16) || (i >= 20 && i < 32) ||
				 i >= 44;

		fixed_tuple(&b);
		pb[i] ^= 0x01;
		CHECK_CTX("byte %u", i);
		CHECK(!nfo_tuple_equal(&a, &b));
		if (!zero_word)
			CHECK(nfo_tuple_hash(&a, 99) != nfo_tuple_hash(&b, 99));
	}
	check_ctx[0] = 0;

	/* Named fields. */
	fixed_tuple(&b);
	b.sport = a.dport;
	b.dport = a.sport;
	CHECK(!nfo_tuple_equal(&a, &b));
	fixed_tuple(&b);
	b.iif = 4;
	CHECK(!nfo_tuple_equal(&a, &b));
	fixed_tuple(&b);
	b.l4proto = NFO_IPPROTO_UDP;
	CHECK(!nfo_tuple_equal(&a, &b));
	fixed_tuple(&b);
	b.family = NFO_FAMILY_IPV6;
	CHECK(!nfo_tuple_equal(&a, &b));
	fixed_tuple(&b);
	CHECK(nfo_tuple_push_encap(&b, 100, nfo_cpu_to_be16(0x8100)));
	CHECK(!nfo_tuple_equal(&a, &b));
	CHECK(nfo_tuple_push_encap(&a, 100, nfo_cpu_to_be16(0x8100)));
	CHECK(nfo_tuple_equal(&a, &b));
	CHECK(nfo_tuple_push_encap(&b, 7, nfo_cpu_to_be16(0x8864)));
	CHECK_EQ(b.encap_num, 2);
	CHECK_EQ(b.encap[1].id, 7);
	CHECK(!nfo_tuple_push_encap(&b, 8, nfo_cpu_to_be16(0x8100)));
	CHECK_EQ(b.encap_num, 2);
	CHECK_EQ(b.encap[1].id, 7);
}

static void test_from_pkt(void)
{
	static u8 pkt[80];
	struct nfo_pkt p;
	struct nfo_tuple t, u;
	unsigned int i;

	/* IPv4 TCP through the parser. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	put16(pkt + 2, 40);
	pkt[8] = 64;
	pkt[9] = 6;
	put32(pkt + 12, 0xc0a80102);
	put32(pkt + 16, 0x08080404);
	put16(pkt + 20, 40000);
	put16(pkt + 22, 443);
	pkt[32] = 0x50;
	pkt[33] = 0x10;		/* ACK */
	put16(pkt + 10, ref_csum(ref_sum(pkt, 20)));
	CHECK_EQ(nfo_parse_ipv4(pkt, 40, 40, &p), NFO_OK);

	/* Garbage in *t must not leak into the key. */
	memset(&t, 0x5a, sizeof(t));
	nfo_tuple_from_pkt(&p, 3, &t);
	fixed_tuple(&u);
	u.dst[0] = t.dst[0];
	CHECK(nfo_tuple_equal(&t, &u));
	CHECK_EQ(nfo_be32_to_cpu(t.dst[0]), 0x08080404);
	CHECK_EQ(t.iif, 3);
	CHECK_EQ(t.encap_num, 0);
	CHECK_EQ(t.pad, 0);

	/* IPv4 words beyond [0] are zeroed even if the caller's weren't. */
	p.src[1] = 0xffffffff;
	p.dst[3] = 0x12345678;
	nfo_tuple_from_pkt(&p, 3, &t);
	for (i = 1; i < 4; i++) {
		CHECK_EQ(t.src[i], 0);
		CHECK_EQ(t.dst[i], 0);
	}
	CHECK(nfo_tuple_equal(&t, &u));

	/* IPv6 UDP. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	put16(pkt + 4, 8);
	pkt[6] = 17;
	pkt[7] = 64;
	for (i = 0; i < 32; i++)
		pkt[8 + i] = (u8)(i * 3 + 1);
	put16(pkt + 40, 5353);
	put16(pkt + 42, 53);
	put16(pkt + 44, 8);
	CHECK_EQ(nfo_parse_ipv6(pkt, 48, 48, &p), NFO_OK);
	nfo_tuple_from_pkt(&p, -1, &t);
	CHECK(!memcmp(t.src, pkt + 8, 16));
	CHECK(!memcmp(t.dst, pkt + 24, 16));
	CHECK_EQ(nfo_be16_to_cpu(t.sport), 5353);
	CHECK_EQ(nfo_be16_to_cpu(t.dport), 53);
	CHECK_EQ(t.family, 6);
	CHECK_EQ(t.l4proto, 17);
	CHECK_EQ(t.iif, -1);
	CHECK_EQ(t.encap_num, 0);

	/* Both directions of a flow are different keys. */
	u = t;
	memcpy(u.src, t.dst, 16);
	memcpy(u.dst, t.src, 16);
	u.sport = t.dport;
	u.dport = t.sport;
	CHECK(!nfo_tuple_equal(&t, &u));
}

/* Distribution sanity: random tuples spread over buckets evenly. */
static void test_distribution(void)
{
	static unsigned int bucket[256];
	struct nfo_tuple t;
	unsigned int i, max = 0, min = ~0u;

	for (i = 0; i < 256 * 200; i++) {
		fixed_tuple(&t);
		t.src[0] = check_rand32();
		t.sport = (u16)check_rand32();
		bucket[nfo_tuple_hash(&t, 0x1234) & 255]++;
	}
	for (i = 0; i < 256; i++) {
		max = bucket[i] > max ? bucket[i] : max;
		min = bucket[i] < min ? bucket[i] : min;
	}
	/* Mean 200, sd ~14: a skewed hash would show far outside this. */
	CHECK(min > 130);
	CHECK(max < 270);
}

int main(void)
{
	check_seed(0x5eed0003);
	test_layout();
	test_jhash();
	test_hash_known();
	test_equal();
	test_from_pkt();
	test_distribution();
	return check_finish("test_tuple.c");
}
