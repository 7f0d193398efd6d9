// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware offload decisions (see hw.h).
 */
#include "hw.h"
#include "timeout.h"

#define NFO_HW_BACKOFF_MAX_SHIFT	6	/* 64 seconds */

enum nfo_hw_err nfo_hw_err_kind(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case NFO_HW_ENODRIVER:
		return NFO_HW_ERR_NO_DRIVER;
	case EOPNOTSUPP:
		return NFO_HW_ERR_EOPNOTSUPP;
	case EINVAL:
		return NFO_HW_ERR_EINVAL;
	case ENOSPC:
		return NFO_HW_ERR_ENOSPC;
	case ENOMEM:
		return NFO_HW_ERR_ENOMEM;
	case E2BIG:
		return NFO_HW_ERR_E2BIG;
	case ENOENT:
		return NFO_HW_ERR_ENOENT;
	case EBUSY:
		return NFO_HW_ERR_EBUSY;
	case ENODEV:
		return NFO_HW_ERR_ENODEV;
	default:
		return NFO_HW_ERR_OTHER;
	}
}

static const char * const nfo_hw_err_names[NFO_HW_ERR_MAX] = {
	[NFO_HW_ERR_NO_DRIVER]	= "no_driver",
	[NFO_HW_ERR_EOPNOTSUPP]	= "eopnotsupp",
	[NFO_HW_ERR_EINVAL]	= "einval",
	[NFO_HW_ERR_ENOSPC]	= "enospc",
	[NFO_HW_ERR_ENOMEM]	= "enomem",
	[NFO_HW_ERR_E2BIG]	= "e2big",
	[NFO_HW_ERR_ENOENT]	= "enoent",
	[NFO_HW_ERR_EBUSY]	= "ebusy",
	[NFO_HW_ERR_ENODEV]	= "enodev",
	[NFO_HW_ERR_OTHER]	= "other",
};

const char *nfo_hw_err_name(enum nfo_hw_err kind)
{
	return (unsigned int)kind < NFO_HW_ERR_MAX ? nfo_hw_err_names[kind] :
						      "unknown";
}

static const char * const nfo_hw_state_names[NFO_HW_STATE_MAX] = {
	[NFO_HW_PENDING]	= "pending",
	[NFO_HW_OFFLOADED]	= "offloaded",
	[NFO_HW_PARTIAL]	= "partial",
	[NFO_HW_REFUSED]	= "refused",
	[NFO_HW_RETRYING]	= "retrying",
	[NFO_HW_OFF]		= "off",
};

const char *nfo_hw_state_name(enum nfo_hw_state state)
{
	return (unsigned int)state < NFO_HW_STATE_MAX ?
	       nfo_hw_state_names[state] : "unknown";
}

enum nfo_hw_state nfo_hw_state_after(u8 accepted)
{
	accepted &= NFO_HW_BOTH;
	if (accepted == NFO_HW_BOTH)
		return NFO_HW_OFFLOADED;
	return accepted ? NFO_HW_PARTIAL : NFO_HW_REFUSED;
}

u32 nfo_hw_backoff(unsigned int tries, u32 hz)
{
	unsigned int shift = tries ? tries - 1 : 0;

	if (shift > NFO_HW_BACKOFF_MAX_SHIFT)
		shift = NFO_HW_BACKOFF_MAX_SHIFT;
	return hz << shift;
}

bool nfo_hw_poll_due(u32 now, u32 expires, u32 timeout)
{
	return nfo_time_left(now, expires) < (s64)timeout - timeout / 10;
}

u32 nfo_hw_expires(u32 now, u32 expires, u32 lastused, u32 timeout)
{
	u32 until;

	if (!lastused)
		return expires;
	if (nfo_time_after(lastused, now))
		lastused = now;
	until = lastused + timeout;
	return nfo_time_after(until, expires) ? until : expires;
}

bool nfo_hw_idle_confirmed(enum nfo_hw_state state, bool enabled,
			   u32 polled_at, u32 expires)
{
	if (!enabled || (state != NFO_HW_OFFLOADED && state != NFO_HW_PARTIAL))
		return true;
	return nfo_time_after(polled_at, expires);
}

enum nfo_hw_action nfo_hw_gc_action(enum nfo_hw_state state, bool enabled,
				    u32 now, u32 retry_at, bool poll_due)
{
	if (!enabled)
		return state == NFO_HW_OFF ? NFO_HW_NOTHING : NFO_HW_REMOVE;

	switch (state) {
	case NFO_HW_OFF:
		return NFO_HW_PUSH;
	case NFO_HW_REFUSED:
		return nfo_flow_expired(now, retry_at) ? NFO_HW_PUSH :
							 NFO_HW_NOTHING;
	case NFO_HW_PARTIAL:
		if (nfo_flow_expired(now, retry_at))
			return NFO_HW_PUSH;
		return poll_due ? NFO_HW_POLL : NFO_HW_NOTHING;
	case NFO_HW_OFFLOADED:
		return poll_due ? NFO_HW_POLL : NFO_HW_NOTHING;
	default:
		/* Pending or retrying: the work item is queued already. */
		return NFO_HW_NOTHING;
	}
}

/*
 * Each word built in network order, as the port word is: the same memory
 * on every host (the kernel's host-order masks give it on little-endian
 * hosts only).
 */
void nfo_hw_eth_words(const u8 *src, const u8 *dst, struct nfo_hw_word *w)
{
	u32 dst45 = nfo_get_be16(dst + 4);

	w[0].offset = 4;
	w[0].val = (__force u32)nfo_cpu_to_be32(nfo_get_be16(src));
	w[0].keep = ~(__force u32)nfo_cpu_to_be32(0x0000ffff);
	w[1].offset = 8;
	w[1].val = (__force u32)nfo_raw_be32(src + 2);
	w[1].keep = 0;
	w[2].offset = 0;
	w[2].val = (__force u32)nfo_raw_be32(dst);
	w[2].keep = 0;
	w[3].offset = 4;
	w[3].val = (__force u32)nfo_cpu_to_be32(dst45 << 16);
	w[3].keep = ~(__force u32)nfo_cpu_to_be32(0xffff0000);
}

void nfo_hw_port_word(__be16 port, bool source, struct nfo_hw_word *w)
{
	u32 p = nfo_be16_to_cpu(port);

	w->offset = 0;
	if (source) {
		w->val = (__force u32)nfo_cpu_to_be32(p << 16);
		w->keep = ~(__force u32)nfo_cpu_to_be32(0xffff0000);
	} else {
		w->val = (__force u32)nfo_cpu_to_be32(p);
		w->keep = ~(__force u32)nfo_cpu_to_be32(0x0000ffff);
	}
}
