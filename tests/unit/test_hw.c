// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware offload decisions: errno kinds, states, the retry backoff, the
 * counter polls, expiry from the hardware's lastused and the GC's choice
 * of the next step; the Ethernet and port rewrites' encoding.
 */
#include "../../src/logic/hw.c"
#include "check.h"

#define HZ 250

static void test_err_kind(void)
{
	CHECK_EQ(nfo_hw_err_kind(-EOPNOTSUPP), NFO_HW_ERR_EOPNOTSUPP);
	CHECK_EQ(nfo_hw_err_kind(EOPNOTSUPP), NFO_HW_ERR_EOPNOTSUPP);
	CHECK_EQ(nfo_hw_err_kind(-ENOSPC), NFO_HW_ERR_ENOSPC);
	CHECK_EQ(nfo_hw_err_kind(-EINVAL), NFO_HW_ERR_EINVAL);
	CHECK_EQ(nfo_hw_err_kind(-ENOMEM), NFO_HW_ERR_ENOMEM);
	CHECK_EQ(nfo_hw_err_kind(-E2BIG), NFO_HW_ERR_E2BIG);
	CHECK_EQ(nfo_hw_err_kind(-ENOENT), NFO_HW_ERR_ENOENT);
	CHECK_EQ(nfo_hw_err_kind(-EBUSY), NFO_HW_ERR_EBUSY);
	CHECK_EQ(nfo_hw_err_kind(-ENODEV), NFO_HW_ERR_ENODEV);
	CHECK_EQ(nfo_hw_err_kind(-NFO_HW_ENODRIVER), NFO_HW_ERR_NO_DRIVER);
	CHECK_EQ(nfo_hw_err_kind(-EIO), NFO_HW_ERR_OTHER);
	CHECK_EQ(nfo_hw_err_kind(0), NFO_HW_ERR_OTHER);
	CHECK_STREQ(nfo_hw_err_name(NFO_HW_ERR_ENOSPC), "enospc");
	CHECK_STREQ(nfo_hw_err_name(NFO_HW_ERR_NO_DRIVER), "no_driver");
	CHECK_STREQ(nfo_hw_err_name(NFO_HW_ERR_MAX), "unknown");
	CHECK_STREQ(nfo_hw_err_name((enum nfo_hw_err)-1), "unknown");
}

static void test_states(void)
{
	unsigned int s;

	for (s = 0; s < NFO_HW_STATE_MAX; s++) {
		CHECK_CTX("state %u", s);
		CHECK(nfo_hw_state_name(s) != NULL);
		CHECK(strcmp(nfo_hw_state_name(s), "unknown") != 0);
	}
	check_ctx[0] = 0;
	CHECK_STREQ(nfo_hw_state_name(NFO_HW_STATE_MAX), "unknown");
	CHECK_STREQ(nfo_hw_state_name(NFO_HW_OFFLOADED), "offloaded");
	CHECK_EQ(nfo_hw_state_after(0), NFO_HW_REFUSED);
	CHECK_EQ(nfo_hw_state_after(1), NFO_HW_PARTIAL);
	CHECK_EQ(nfo_hw_state_after(2), NFO_HW_PARTIAL);
	CHECK_EQ(nfo_hw_state_after(3), NFO_HW_OFFLOADED);
	/* Bits beyond the two directions are no direction. */
	CHECK_EQ(nfo_hw_state_after(4), NFO_HW_REFUSED);
}

static void test_backoff(void)
{
	CHECK_EQ(nfo_hw_backoff(0, HZ), HZ);
	CHECK_EQ(nfo_hw_backoff(1, HZ), HZ);
	CHECK_EQ(nfo_hw_backoff(2, HZ), 2 * HZ);
	CHECK_EQ(nfo_hw_backoff(3, HZ), 4 * HZ);
	CHECK_EQ(nfo_hw_backoff(7, HZ), 64 * HZ);
	CHECK_EQ(nfo_hw_backoff(8, HZ), 64 * HZ);
	CHECK_EQ(nfo_hw_backoff(1000000, HZ), 64 * HZ);
	CHECK_EQ(nfo_hw_backoff(~0u, 1000), 64000);
}

static void test_poll(void)
{
	u32 t = 30 * HZ, now;
	static const u32 bases[] = { 0, 0x7fffffff, 0xfffffff0, 12345 };
	unsigned int i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		now = bases[i];
		CHECK_CTX("now %08x", now);
		/* Just refreshed: nothing to ask. */
		CHECK(!nfo_hw_poll_due(now, now + t, t));
		CHECK(!nfo_hw_poll_due(now, now + t - t / 10, t));
		/* A tenth of the timeout without software packets. */
		CHECK(nfo_hw_poll_due(now, now + t - t / 10 - 1, t));
		CHECK(nfo_hw_poll_due(now, now + 1, t));
		/* Expired already (the GC takes it first). */
		CHECK(nfo_hw_poll_due(now, now - 5, t));
	}
	check_ctx[0] = 0;
}

static void test_idle_confirmed(void)
{
	u32 now = 0xfffffff0;	/* around the wrap */
	u32 deadline = now + 20;

	/* Rules in hardware: only a poll after the deadline confirms. */
	CHECK(!nfo_hw_idle_confirmed(NFO_HW_OFFLOADED, true, now, deadline));
	CHECK(!nfo_hw_idle_confirmed(NFO_HW_OFFLOADED, true, deadline, deadline));
	CHECK(nfo_hw_idle_confirmed(NFO_HW_OFFLOADED, true, deadline + 1, deadline));
	CHECK(!nfo_hw_idle_confirmed(NFO_HW_PARTIAL, true, deadline - 1, deadline));
	CHECK(nfo_hw_idle_confirmed(NFO_HW_PARTIAL, true, deadline + 40, deadline));
	/* Nothing in hardware, or hardware offload off: the deadline alone. */
	CHECK(nfo_hw_idle_confirmed(NFO_HW_PENDING, true, now, deadline));
	CHECK(nfo_hw_idle_confirmed(NFO_HW_REFUSED, true, now, deadline));
	CHECK(nfo_hw_idle_confirmed(NFO_HW_RETRYING, true, now, deadline));
	CHECK(nfo_hw_idle_confirmed(NFO_HW_OFF, true, now, deadline));
	CHECK(nfo_hw_idle_confirmed(NFO_HW_OFFLOADED, false, now, deadline));
}

static void test_expires(void)
{
	u32 t = 30 * HZ;
	u32 now = 0xfffffff0;	/* around the wrap */

	/* Never used: unchanged. */
	CHECK_EQ(nfo_hw_expires(now, now + 5, 0, t), now + 5);
	/* Used a moment ago: lastused + timeout. */
	CHECK_EQ(nfo_hw_expires(now, now + 5, now - 2, t), now - 2 + t);
	/* Never moved earlier. */
	CHECK_EQ(nfo_hw_expires(now, now + t, now - 10 * HZ, t), now + t);
	/* A lastused in our future is now. */
	CHECK_EQ(nfo_hw_expires(now, now + 5, now + 100 * HZ, t), now + t);
}

static void test_gc_action(void)
{
	u32 now = 1000;

	/* Offload switched off: every rule in hardware goes, once. */
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_OFFLOADED, false, now, 0, true),
		 NFO_HW_REMOVE);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_PARTIAL, false, now, 0, false),
		 NFO_HW_REMOVE);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_REFUSED, false, now, 0, false),
		 NFO_HW_REMOVE);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_OFF, false, now, 0, true),
		 NFO_HW_NOTHING);
	/* Switched on again: pushed. */
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_OFF, true, now, now + HZ, false),
		 NFO_HW_PUSH);
	/* Refused: only once the backoff is over. */
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_REFUSED, true, now, now + 1, true),
		 NFO_HW_NOTHING);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_REFUSED, true, now, now, false),
		 NFO_HW_PUSH);
	/* Half in hardware: retried when due, polled meanwhile. */
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_PARTIAL, true, now, now - 1, true),
		 NFO_HW_PUSH);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_PARTIAL, true, now, now + HZ, true),
		 NFO_HW_POLL);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_PARTIAL, true, now, now + HZ, false),
		 NFO_HW_NOTHING);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_OFFLOADED, true, now, 0, true),
		 NFO_HW_POLL);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_OFFLOADED, true, now, 0, false),
		 NFO_HW_NOTHING);
	/* Queued already: nothing more. */
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_PENDING, true, now, 0, true),
		 NFO_HW_NOTHING);
	CHECK_EQ(nfo_hw_gc_action(NFO_HW_RETRYING, true, now, 0, true),
		 NFO_HW_NOTHING);
}

/* A driver's generic mangle: the bytes at offset become (bytes & keep) | val. */
static void apply(u8 *hdr, const struct nfo_hw_word *w)
{
	u32 word;

	memcpy(&word, hdr + w->offset, 4);
	word = (word & w->keep) | w->val;
	memcpy(hdr + w->offset, &word, 4);
}

/* The four bytes of @word in memory order, as a number that reads so. */
static u32 mem_bytes(u32 word)
{
	u8 b[4];

	memcpy(b, &word, 4);
	return nfo_get_be32(b);
}

static void test_eth_words(void)
{
	static const u8 src[6] = { 0xc2, 0x96, 0x72, 0x16, 0x70, 0x03 };
	static const u8 dst[6] = { 0x1e, 0x03, 0xa5, 0x9a, 0x3a, 0xde };
	struct nfo_hw_word w[4];
	u8 hdr[16];
	int i;

	nfo_hw_eth_words(src, dst, w);
	CHECK_EQ(w[0].offset, 4);
	CHECK_EQ(w[1].offset, 8);
	CHECK_EQ(w[2].offset, 0);
	CHECK_EQ(w[3].offset, 4);
	/* What a driver applies: raw memory, the same bytes on every host. */
	CHECK_EQ(mem_bytes(w[0].keep), 0xffff0000);
	CHECK_EQ(mem_bytes(w[0].val), 0x0000c296);
	CHECK_EQ(mem_bytes(w[1].keep), 0);
	CHECK_EQ(mem_bytes(w[1].val), 0x72167003);
	CHECK_EQ(mem_bytes(w[2].keep), 0);
	CHECK_EQ(mem_bytes(w[2].val), 0x1e03a59a);
	CHECK_EQ(mem_bytes(w[3].keep), 0x0000ffff);
	CHECK_EQ(mem_bytes(w[3].val), 0x3ade0000);
	memset(hdr, 0x55, sizeof(hdr));
	for (i = 0; i < 4; i++)
		apply(hdr, &w[i]);
	CHECK(!memcmp(hdr, dst, 6));
	CHECK(!memcmp(hdr + 6, src, 6));
	CHECK_EQ(hdr[12], 0x55);	/* the ethertype is left alone */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* As the in-kernel flowtable sent them (coexist-hw-differential). */
	CHECK_EQ(w[0].keep, 0x0000ffff);
	CHECK_EQ(w[0].val, 0x96c20000);
	CHECK_EQ(w[1].keep, 0);
	CHECK_EQ(w[1].val, 0x03701672);
	CHECK_EQ(w[2].val, 0x9aa5031e);
	CHECK_EQ(w[3].keep, 0xffff0000);
	CHECK_EQ(w[3].val, 0x0000de3a);
#endif
}

static void test_port_word(void)
{
	/* A UDP header: source port 40000, destination port 53. */
	u8 udp[8] = { 0x9c, 0x40, 0x00, 0x35, 0, 8, 0, 0 };
	struct nfo_hw_word w;

	nfo_hw_port_word(nfo_cpu_to_be16(4500), true, &w);
	CHECK_EQ(w.offset, 0);
	apply(udp, &w);
	CHECK_EQ(nfo_get_be16(udp), 4500);
	CHECK_EQ(nfo_get_be16(udp + 2), 53);
	nfo_hw_port_word(nfo_cpu_to_be16(5001), false, &w);
	apply(udp, &w);
	CHECK_EQ(nfo_get_be16(udp), 4500);
	CHECK_EQ(nfo_get_be16(udp + 2), 5001);
	CHECK_EQ(udp[4], 0);	/* the length is left alone */
	CHECK_EQ(udp[5], 8);
	CHECK_EQ(mem_bytes(w.keep), 0xffff0000);
	CHECK_EQ(mem_bytes(w.val), 5001);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* As the in-kernel flowtable sent it (coexist-hw-differential). */
	nfo_hw_port_word(nfo_cpu_to_be16(4500), true, &w);
	CHECK_EQ(w.keep, 0xffff0000);
	CHECK_EQ(w.val, 0x00009411);
#endif
}

int main(void)
{
	test_err_kind();
	test_states();
	test_backoff();
	test_poll();
	test_expires();
	test_idle_confirmed();
	test_gc_action();
	test_eth_words();
	test_port_word();
	return check_finish("test_hw.c");
}
