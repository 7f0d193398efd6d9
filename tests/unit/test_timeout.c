// SPDX-License-Identifier: GPL-2.0
/*
 * Tick arithmetic across the 32-bit wrap, refresh slack and the
 * conntrack timeout restored at teardown.
 */
#include "../../src/logic/timeout.c"
#include "check.h"

#define HZ 250

static void test_after(void)
{
	static const u32 bases[] = { 0, 1, 0x7fffffff, 0x80000000,
				     0xfffffff0, 0xffffffff, 0x12345678 };
	unsigned int i;
	u32 b;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		b = bases[i];
		CHECK_CTX("base %08x", b);
		CHECK(nfo_time_after(b + 1, b));
		CHECK(!nfo_time_after(b, b + 1));
		CHECK(!nfo_time_after(b, b));
		CHECK(nfo_time_after(b + 0x7fffffff, b));
		/* More than half the circle away reads as "before". */
		CHECK(!nfo_time_after(b + 0x80000001u, b));
		CHECK(nfo_time_after(b, b - 100));
		CHECK_EQ((u32)nfo_time_left(b, b + 30 * HZ), 30 * HZ);
		CHECK_EQ(nfo_time_left(b, b - 5), -5);
	}
	check_ctx[0] = 0;
	/* Across the wrap. */
	CHECK(nfo_time_after(5, 0xfffffffb));
	CHECK(!nfo_time_after(0xfffffffb, 5));
	CHECK_EQ(nfo_time_left(0xfffffffb, 5), 10);
}

static void test_expired(void)
{
	u32 now = 0xffffff00;
	u32 exp = now + 30 * HZ;	/* wraps past zero */

	CHECK(!nfo_flow_expired(now, exp));
	CHECK(!nfo_flow_expired(exp - 1, exp));
	CHECK(nfo_flow_expired(exp, exp));	/* reached: expired */
	CHECK(nfo_flow_expired(exp + 1, exp));
	CHECK(nfo_flow_expired(exp + 0x7fffffff, exp));
	CHECK(!nfo_flow_expired(0, 1));
	CHECK(nfo_flow_expired(0, 0));
	CHECK(nfo_flow_expired(0, 0xffffffff));
}

static void test_refresh(void)
{
	u32 timeout = 30 * HZ, now, expires;

	/* Just set: nothing to do. */
	now = 1000;
	expires = now + timeout;
	CHECK(!nfo_refresh_due(now, expires, timeout, HZ));
	/* Up to slack ticks later: still nothing; one more: write. */
	CHECK(!nfo_refresh_due(now + HZ, expires, timeout, HZ));
	CHECK(nfo_refresh_due(now + HZ + 1, expires, timeout, HZ));
	/* Same across the wrap. */
	now = 0xffffffff - 10;
	expires = now + timeout;
	CHECK(!nfo_refresh_due(now + HZ, expires, timeout, HZ));
	CHECK(nfo_refresh_due(now + HZ + 1, expires, timeout, HZ));
	/* Timeout lowered: the new expiry is earlier, write at once. */
	CHECK(nfo_refresh_due(now, expires, timeout - 1, HZ));
	CHECK(nfo_refresh_due(now, expires, 0, HZ));
	/* Slack 0: any forward move writes. */
	CHECK(!nfo_refresh_due(now, expires, timeout, 0));
	CHECK(nfo_refresh_due(now + 1, expires, timeout, 0));
	/* Long idle (already expired) flow: due. */
	CHECK(nfo_refresh_due(expires + 100, expires, timeout, HZ));
}

static void test_teardown(void)
{
	u32 n, now;

	/* TCP ESTABLISHED 5 days, offload timeout 30 s. */
	CHECK_EQ(nfo_ct_teardown_timeout(432000 * HZ, 30 * HZ),
		 (432000 - 30) * HZ);
	/* State timeout below the offload timeout: 0, not negative. */
	CHECK_EQ(nfo_ct_teardown_timeout(10 * HZ, 30 * HZ), 0);
	CHECK_EQ(nfo_ct_teardown_timeout(30 * HZ, 30 * HZ), 0);
	CHECK_EQ(nfo_ct_teardown_timeout(30 * HZ + 1, 30 * HZ), 1);
	CHECK_EQ(nfo_ct_teardown_timeout(0, 0), 0);
	CHECK_EQ(nfo_ct_teardown_timeout(0xffffffff, 0), 0x7fffffff);
	CHECK_EQ(nfo_ct_teardown_timeout(0xffffffff, 1), 0x7fffffff);

	/* Offloaded entries carry a far expiry: cut it down. */
	now = 0xfffff000;
	n = 0;
	CHECK(nfo_ct_fixup_expires(now, now + 86400 * HZ, 120 * HZ, 30 * HZ,
				   &n));
	CHECK_EQ(n, now + 90 * HZ);
	/* Expiry already sooner than the teardown timeout: keep it. */
	n = 12345;
	CHECK(!nfo_ct_fixup_expires(now, now + 90 * HZ, 120 * HZ, 30 * HZ,
				    &n));
	CHECK_EQ(n, 12345);
	CHECK(nfo_ct_fixup_expires(now, now + 90 * HZ + 1, 120 * HZ,
				   30 * HZ, &n));
	CHECK_EQ(n, now + 90 * HZ);
	/* Already past: keep (it will be reaped). */
	CHECK(!nfo_ct_fixup_expires(now, now - 5, 120 * HZ, 30 * HZ, &n));
	/* Zero timeout: expires now. */
	CHECK(nfo_ct_fixup_expires(now, now + 1, 10, 30, &n));
	CHECK_EQ(n, now);
}

static void test_gc_pacing(void)
{
	u32 n, runs;

	/* 30 s timeouts, 1 s runs: a pass in 7 runs. */
	CHECK_EQ(nfo_gc_pass_runs(30 * HZ, HZ), 7);
	/* Long timeouts: at most the maximum. */
	CHECK_EQ(nfo_gc_pass_runs(3600 * HZ, HZ), NFO_GC_PASS_RUNS_MAX);
	/* Short ones: every run a whole pass. */
	CHECK_EQ(nfo_gc_pass_runs(4 * HZ, HZ), 1);
	CHECK_EQ(nfo_gc_pass_runs(1, HZ), 1);
	CHECK_EQ(nfo_gc_pass_runs(0, HZ), 1);
	CHECK_EQ(nfo_gc_pass_runs(30 * HZ, 0), 1);

	/* Small tables whole, every run. */
	CHECK_EQ(nfo_gc_batch(0, 8), NFO_GC_BATCH_MIN);
	CHECK_EQ(nfo_gc_batch(NFO_GC_BATCH_MIN, 8), NFO_GC_BATCH_MIN);
	/* One run per pass: the whole table, however big. */
	CHECK_EQ(nfo_gc_batch(2000000, 1), 2000000);
	CHECK_EQ(nfo_gc_batch(2000000, 0), 2000000);
	/* Big ones in shares, never below the minimum. */
	CHECK_EQ(nfo_gc_batch(2000000, 8), 250000);
	CHECK_EQ(nfo_gc_batch(NFO_GC_BATCH_MIN + 1, 8), NFO_GC_BATCH_MIN);
	/* A pass never takes more runs than asked, rounding included. */
	for (n = 1; n < 3000000; n = n * 3 + 7) {
		for (runs = 1; runs <= NFO_GC_PASS_RUNS_MAX; runs++) {
			u32 b = nfo_gc_batch(n, runs);

			CHECK_CTX("n %u runs %u", n, runs);
			CHECK((u64)b * runs >= n);
			CHECK(b >= NFO_GC_BATCH_MIN);
			CHECK(b <= n || b == NFO_GC_BATCH_MIN);
		}
	}
	check_ctx[0] = 0;
}

static void test_ct_extend(void)
{
	const u32 day = 86400 * HZ, five_min = 300 * HZ;
	static const u32 bases[] = { 0, 0x7fffffff, 0xfffffff0 };
	unsigned int i;
	u32 now;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		now = bases[i];
		CHECK_CTX("now %08x", now);
		/* 6.1's rule: a day whenever less than half a day is left. */
		CHECK(!nfo_ct_extend_due(now, now + day, day / 2, day, true));
		CHECK(!nfo_ct_extend_due(now, now + day / 2, day / 2, day, true));
		CHECK(nfo_ct_extend_due(now, now + day / 2 - 1, day / 2, day,
					true));
		CHECK(nfo_ct_extend_due(now, now + 1, day / 2, day, true));
		CHECK(nfo_ct_extend_due(now, now, day / 2, day, true));
		CHECK(nfo_ct_extend_due(now, now - 5, day / 2, day, true));
		/* 6.12's: under five minutes, never once expired. */
		CHECK(!nfo_ct_extend_due(now, now + five_min, five_min, day,
					 false));
		CHECK(nfo_ct_extend_due(now, now + five_min - 1, five_min, day,
					false));
		CHECK(nfo_ct_extend_due(now, now + 1, five_min, five_min,
					false));
		CHECK(!nfo_ct_extend_due(now, now, five_min, day, false));
		CHECK(!nfo_ct_extend_due(now, now - 1, five_min, day, false));
		/* No extension for the state (TCP opening or closed). */
		CHECK(!nfo_ct_extend_due(now, now + 1, five_min, 0, false));
		CHECK(!nfo_ct_extend_due(now, now - 1, day / 2, 0, true));
	}
	check_ctx[0] = 0;
}

int main(void)
{
	test_after();
	test_expired();
	test_refresh();
	test_teardown();
	test_gc_pacing();
	test_ct_extend();
	return check_finish("test_timeout.c");
}
