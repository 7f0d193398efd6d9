// SPDX-License-Identifier: GPL-2.0
/*
 * Time decisions for nft_offload.  See timeout.h.
 */
#include "timeout.h"

u32 nfo_ct_teardown_timeout(u32 state_timeout, u32 offload_timeout)
{
	u32 t;

	if (state_timeout <= offload_timeout)
		return 0;
	t = state_timeout - offload_timeout;
	/* Keep it comparable with signed tick differences. */
	return t > 0x7fffffffu ? 0x7fffffffu : t;
}

bool nfo_ct_fixup_expires(u32 now, u32 ct_expires, u32 state_timeout,
			  u32 offload_timeout, u32 *new_expires)
{
	u32 t = nfo_ct_teardown_timeout(state_timeout, offload_timeout);

	if (nfo_time_left(now, ct_expires) <= (s32)t)
		return false;
	*new_expires = now + t;
	return true;
}
