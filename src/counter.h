/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flow's 64-bit packet and byte counters, read by the listing while
 * they are being counted.
 *
 * A reader must never see a value half old and half new.  On 64-bit
 * machines a single aligned load or store does that, and the counter is a
 * plain u64 updated by read-modify-write (READ/WRITE_ONCE): no atomic
 * instruction on the datapath.  On 32-bit machines the two halves are
 * stored apart, so the counter is an atomic64_t there (LDREXD/STREXD on
 * ARMv7, CMPXCHG8B on x86, a hashed lock where the CPU has neither).
 *
 * Adding is not atomic on 64-bit: two CPUs adding to the same counter at
 * the same moment may lose one of the two additions.  The datapath counts
 * one direction of a flow mostly on one CPU, and the counters are for
 * people to read; a counter with a single writer at a time (the hardware
 * work item's) loses nothing.  On 32-bit no addition is lost.
 */
#ifndef NFO_COUNTER_H
#define NFO_COUNTER_H

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/types.h>

struct nfo_counter {
#if BITS_PER_LONG == 64
	u64		val;	/* READ/WRITE_ONCE */
#else
	atomic64_t	val;
#endif
};

/* The counter grows by @n. */
static inline void nfo_counter_add(struct nfo_counter *c, u64 n)
{
#if BITS_PER_LONG == 64
	WRITE_ONCE(c->val, READ_ONCE(c->val) + n);
#else
	atomic64_add((s64)n, &c->val);
#endif
}

/* The counter's value, whole even while another CPU adds to it. */
static inline u64 nfo_counter_read(const struct nfo_counter *c)
{
#if BITS_PER_LONG == 64
	return READ_ONCE(c->val);
#else
	return (u64)atomic64_read(&c->val);
#endif
}

#endif /* NFO_COUNTER_H */
