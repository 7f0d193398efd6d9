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

#endif /* NFO_LOGIC_TIMEOUT_H */
