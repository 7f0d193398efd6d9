/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time decisions on a wrapping 32-bit tick counter (the low 32 bits of
 * jiffies, as the kernel flowtable uses).  Two instants compare correctly
 * as long as they are less than 2^31 ticks apart.
 */
#ifndef NFO_LOGIC_TIMEOUT_H
#define NFO_LOGIC_TIMEOUT_H

#include "nfo_types.h"

/* True if instant @a is later than instant @b. */
static inline bool nfo_time_after(u32 a, u32 b)
{
	return (s32)(b - a) < 0;
}

/* Signed number of ticks from @now until @expires (negative: past). */
static inline s32 nfo_time_left(u32 now, u32 expires)
{
	return (s32)(expires - now);
}

/* A flow is expired once @now has reached its @expires instant. */
static inline bool nfo_flow_expired(u32 now, u32 expires)
{
	return nfo_time_left(now, expires) <= 0;
}

/*
 * Should a flow seen at @now get its expiry rewritten to @now + @timeout?
 * Only if that moves it more than @slack ticks later, so that a busy flow
 * does not dirty its cache line on every packet (the kernel uses HZ), or
 * if it moves it earlier at all (the timeout was lowered): like the
 * kernel, the difference is taken as an unsigned number.
 */
static inline bool nfo_refresh_due(u32 now, u32 expires, u32 timeout,
				   u32 slack)
{
	return (u32)(now + timeout - expires) > slack;
}

/*
 * Conntrack timeout to leave at teardown, in ticks: while a flow is
 * offloaded conntrack sees no packets, so on the way back to the slow
 * path it gets the timeout of its current state less the offload timeout
 * already spent waiting, never below zero (flow_offload_fixup_ct()).
 * The result is at most S32_MAX.
 */
u32 nfo_ct_teardown_timeout(u32 state_timeout, u32 offload_timeout);

/*
 * Teardown fix-up of a conntrack entry's expiry @ct_expires at @now: the
 * entry may keep its expiry if it ends within the teardown timeout above,
 * else it is cut to @now + that timeout.  Returns true and sets
 * *@new_expires when the expiry must be written.
 */
bool nfo_ct_fixup_expires(u32 now, u32 ct_expires, u32 state_timeout,
			  u32 offload_timeout, u32 *new_expires);

/*
 * Keeping an offloaded connection's conntrack entry alive (the GC, every
 * run): conntrack sees none of its packets, so its expiry @ct_expires is
 * pushed to @now + @extension whenever fewer than @threshold ticks are
 * left.  An @extension of 0 leaves it alone, and so does @expired_too
 * false once the entry has expired (conntrack's to collect then).
 */
static inline bool nfo_ct_extend_due(u32 now, u32 ct_expires, u32 threshold,
				     u32 extension, bool expired_too)
{
	s32 left = nfo_time_left(now, ct_expires);

	if (!extension)
		return false;
	if (left <= 0)
		return expired_too;
	return (u32)left < threshold;
}

/*
 * Garbage collection pacing.  The GC runs once per interval and visits a
 * batch of the flow table's entries (two per flow), going on from where
 * the last run stopped.  A table of up to NFO_GC_BATCH_MIN entries is
 * visited whole every run; a bigger one in at most NFO_GC_PASS_RUNS_MAX
 * runs, fewer when the shortest flow timeout is short, so that a pass
 * takes no more than a quarter of it.  An idle flow then goes within
 * that quarter after its timeout, and the cost of a run stays a fixed
 * share of the table's size instead of all of it.
 */
#define NFO_GC_BATCH_MIN	16384u
#define NFO_GC_PASS_RUNS_MAX	8u

/* Runs a pass may take, for timeouts of at least @min_timeout ticks. */
static inline u32 nfo_gc_pass_runs(u32 min_timeout, u32 interval)
{
	u32 runs = interval ? min_timeout / 4 / interval : 1;

	if (runs < 1)
		return 1;
	return runs > NFO_GC_PASS_RUNS_MAX ? NFO_GC_PASS_RUNS_MAX : runs;
}

/* Entries to visit in one run, of a table of @nelems, passes of @runs. */
static inline u32 nfo_gc_batch(u32 nelems, u32 runs)
{
	u32 batch;

	if (runs <= 1 || nelems <= NFO_GC_BATCH_MIN)
		return nelems > NFO_GC_BATCH_MIN ? nelems : NFO_GC_BATCH_MIN;
	batch = nelems / runs + (nelems % runs != 0);
	return batch > NFO_GC_BATCH_MIN ? batch : NFO_GC_BATCH_MIN;
}

#endif /* NFO_LOGIC_TIMEOUT_H */
