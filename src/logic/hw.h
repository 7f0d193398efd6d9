/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware offload decisions: what a flow's hardware state is, what its
 * next step is, how a driver's answer is counted and when a refused flow
 * is tried again.  The driver calls themselves are in hw_work.c.
 *
 * Times are jiffies on the wrapping 32-bit counter of logic/timeout.h.
 */
#ifndef NFO_LOGIC_HW_H
#define NFO_LOGIC_HW_H

#include "nfo_types.h"

/*
 * Where a flow of an offload flowtable stands with the hardware, as the
 * flow listing shows it (hw=<name>).
 */
enum nfo_hw_state {
	NFO_HW_PENDING,		/* queued for its first push */
	NFO_HW_OFFLOADED,	/* both directions in hardware */
	NFO_HW_PARTIAL,		/* one direction in hardware; the other retried */
	NFO_HW_REFUSED,		/* no direction taken; retried after a backoff */
	NFO_HW_RETRYING,	/* refused before, queued for another push */
	NFO_HW_OFF,		/* nf_flow_offload_hw is 0: software by choice */
	NFO_HW_STATE_MAX
};

/* Both directions of a flow (bit d: direction d). */
#define NFO_HW_BOTH		0x3

/* The errno a push ends with when no driver callback is bound at all. */
#define NFO_HW_ENODRIVER	ENOLINK

/*
 * A driver's (or our rule builder's) refusal, by kind: the statistics
 * count each (hw_refused_<name>) and the listing names it (hw_err=).
 */
enum nfo_hw_err {
	NFO_HW_ERR_NO_DRIVER,	/* no callback bound to the flowtable */
	NFO_HW_ERR_EOPNOTSUPP,	/* a feature of the rule the driver lacks */
	NFO_HW_ERR_EINVAL,	/* the driver found the rule invalid */
	NFO_HW_ERR_ENOSPC,	/* the hardware table is full */
	NFO_HW_ERR_ENOMEM,
	NFO_HW_ERR_E2BIG,	/* more actions than a rule holds */
	NFO_HW_ERR_ENOENT,	/* no valid neighbour to send to, yet */
	NFO_HW_ERR_EBUSY,
	NFO_HW_ERR_ENODEV,	/* the output device is gone */
	NFO_HW_ERR_OTHER,
	NFO_HW_ERR_MAX
};

/* What the GC asks of a flow's hardware work item. */
enum nfo_hw_action {
	NFO_HW_NOTHING,
	NFO_HW_PUSH,		/* send the rules the hardware lacks */
	NFO_HW_REMOVE,		/* take the rules out: offload switched off */
	NFO_HW_POLL,		/* fetch the hardware counters */
};

enum nfo_hw_err nfo_hw_err_kind(int err);
const char *nfo_hw_err_name(enum nfo_hw_err kind);
const char *nfo_hw_state_name(enum nfo_hw_state state);

/* The state after a push in which the directions @accepted were taken. */
enum nfo_hw_state nfo_hw_state_after(u8 accepted);

/*
 * Ticks to wait before push number @tries + 1, after @tries pushes that
 * were refused: one second, doubling, at most 64 (@hz ticks a second).
 */
u32 nfo_hw_backoff(unsigned int tries, u32 hz);

/*
 * Is it time to fetch the hardware counters of a flow that expires at
 * @expires, idle timeout @timeout?  Once a tenth of the timeout went by
 * without a packet the software path saw, as the in-kernel flowtable
 * does: a busy hardware flow is polled a few times per timeout.
 */
bool nfo_hw_poll_due(u32 now, u32 expires, u32 timeout);

/*
 * The expiry of a flow whose hardware last forwarded a packet at
 * @lastused (0: never): at least @lastused + @timeout, never earlier than
 * @expires.  A @lastused after @now (a driver's clock ahead of ours) is
 * read as @now.
 */
u32 nfo_hw_expires(u32 now, u32 expires, u32 lastused, u32 timeout);

/*
 * May the GC expire a flow past its deadline @expires?  Not one whose rules
 * are in hardware (@state offloaded or partial, nf_flow_offload_hw
 * @enabled) until a counter poll completed after that deadline (at
 * @polled_at, jiffies) and found it idle: only the hardware knows, and a
 * poll the workqueue ran late must not expire a busy flow.
 */
bool nfo_hw_idle_confirmed(enum nfo_hw_state state, bool enabled,
			   u32 polled_at, u32 expires);

/*
 * The GC's decision for a live flow in hardware state @state, with
 * nf_flow_offload_hw @enabled, a refused flow's next try at @retry_at and
 * whether a counter poll is due (@poll_due).
 */
enum nfo_hw_action nfo_hw_gc_action(enum nfo_hw_state state, bool enabled,
				    u32 now, u32 retry_at, bool poll_due);

/*
 * One 32-bit rewrite of a header, as drivers get it (FLOW_ACTION_MANGLE):
 * at byte @offset, the four bytes there become (bytes & @keep) | @val,
 * @keep and @val being raw memory (what a u32 holds, stored as it is).
 */
struct nfo_hw_word {
	u32 offset;
	u32 keep;
	u32 val;
};

/*
 * The Ethernet rewrite to source @src and destination @dst, in the
 * in-kernel flowtable's words and order: source bytes 0-1 (bytes 2-3 of
 * the word at offset 4), source bytes 2-5 (offset 8), destination bytes
 * 0-3 (offset 0), destination bytes 4-5 (bytes 0-1 at offset 4).  The
 * kernel's masks are host-order constants, right on little-endian hosts
 * only; these are the same words there and the intended header on
 * big-endian hosts too.
 */
void nfo_hw_eth_words(const u8 *src, const u8 *dst, struct nfo_hw_word *w);

/*
 * A port rewrite to @port (network order) in the first word of a TCP or
 * UDP header, which holds both ports: the source port when @source, else
 * the destination port.  Offset 0.
 */
void nfo_hw_port_word(__be16 port, bool source, struct nfo_hw_word *w);

#endif /* NFO_LOGIC_HW_H */
