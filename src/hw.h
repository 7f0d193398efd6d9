/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware offload of the flows of `flags offload` flowtables.
 *
 *   hw.c       binding: drivers' callbacks on the flowtable's flow block
 *   hw_rule.c  the rule a driver gets for one direction of a flow, as
 *              the in-kernel flowtable builds it
 *   hw_work.c  the work items that push, poll and remove the rules
 *   logic/hw.c the decisions (states, retries, polls)
 *
 * Life of a flow's hardware state (struct nfo_hw_flow): allocated with a
 * flow of an offload flowtable, queued for its first push once the flow
 * is hashed.  Everything that talks to drivers runs in the flow's one work
 * item (so at most one request per flow is ever pending), except the
 * final removal: the GC, having unhashed a flow, waits for the packets
 * and the work item that may still use it, takes its rules out of the
 * hardware and only then frees it (nfo_hw_reap()).  No rule outlives its
 * flow, nor a device's binding: a device's flows are reaped before its
 * callbacks are unbound.
 */
#ifndef NFO_HW_H
#define NFO_HW_H

#include <linux/list.h>
#include <linux/workqueue.h>
#include <net/flow_offload.h>
#include <net/netfilter/nf_flow_table.h>

#include "flow.h"
#include "logic/hw.h"

struct nfo_net;

/* nfo_hw_flow.want bits. */
enum {
	NFO_HW_WANT_POLL,	/* the GC asks for the hardware counters */
};

struct nfo_hw_flow {
	struct work_struct	work;
	struct nf_flowtable	*ft;
	/* The GC's list of unhashed flows to reap: under nfo_ft.gc_lock. */
	struct list_head	reap;
	unsigned long		want;		/* NFO_HW_WANT_*, atomic bitops */
	/*
	 * enum nfo_hw_state: written by the work item, and by the GC from
	 * refused to retrying (cmpxchg); read locklessly (READ_ONCE).
	 */
	int			state;
	/* The work item's own (then the reaper's, once it is cancelled). */
	u8			accepted;	/* bit d: direction d in hardware */
	u8			err_kind;	/* enum nfo_hw_err of the last refusal */
	s16			err;		/* its errno, for the listing */
	u16			tries;		/* pushes refused in a row */
	u32			retry_at;	/* jiffies; READ/WRITE_ONCE */
	/* When the last counter poll ended: the work's; READ/WRITE_ONCE. */
	u32			polled_at;
	/* ktime_get_ns() when the first push was queued; 0 once taken. */
	u64			queued_ns;
	/*
	 * What the hardware forwarded, from its counters: added to by the
	 * work item's polls (then the reaper's last one, once the work item
	 * is cancelled: one writer at a time), read by the listing at any
	 * time (counter.h: never torn).
	 */
	struct nfo_counter	packets[2];
	struct nfo_counter	bytes[2];
};

/*
 * A flow of an offload flowtable: allocated from a cache of its own with
 * its hardware state behind it (NFO_FLOW_HW set), so that the flows of
 * software flowtables stay as small as they were.
 */
struct nfo_flow_hw {
	struct nfo_flow		flow;
	struct nfo_hw_flow	hw;
};

static inline struct nfo_hw_flow *nfo_hw_of(const struct nfo_flow *flow)
{
	if (!test_bit(NFO_FLOW_HW, &flow->flags))
		return NULL;
	return &container_of(flow, struct nfo_flow_hw, flow)->hw;
}

static inline struct nfo_flow *nfo_hw_flow_of(struct nfo_hw_flow *hw)
{
	return &container_of(hw, struct nfo_flow_hw, hw)->flow;
}

/* hw.c */
int nfo_hw_setup(struct nf_flowtable *ft, struct net_device *dev,
		 enum flow_block_command cmd);
int nfo_hw_refused_show(struct seq_file *seq, void *v);
void nfo_hw_devs_flush(struct nfo_net *nn);
int nfo_hw_devs_show(struct seq_file *seq, void *v);

/* hw_rule.c: the rule for direction @dir of @flow, or an ERR_PTR. */
struct nf_flow_rule *nfo_hw_rule_build(struct net *net, struct nfo_flow *flow,
				       int dir);
void nfo_hw_rule_free(struct nf_flow_rule *rule);

/* hw_work.c */
int nfo_hw_init(void);
void nfo_hw_exit(void);
void nfo_hw_flow_init(struct nfo_flow *flow, struct nf_flowtable *ft);
void nfo_hw_flow_start(struct nfo_flow *flow);
void nfo_hw_flow_gc(struct nfo_flow *flow, struct nfo_net *nn);
bool nfo_hw_flow_expiring(struct nfo_flow *flow, struct nfo_net *nn);
void nfo_hw_reap(struct list_head *reap);

#endif /* NFO_HW_H */
