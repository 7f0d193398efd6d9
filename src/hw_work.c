// SPDX-License-Identifier: GPL-2.0
/*
 * The driver requests of hardware offload: each flow of an offload
 * flowtable has one work item, which pushes its rules (FLOW_CLS_REPLACE),
 * polls their counters (FLOW_CLS_STATS) and takes them out when offload
 * is switched off (FLOW_CLS_DESTROY).  `flow add` queues the first push;
 * the GC queues the rest (retries after a refusal, polls, removals) as
 * logic/hw.c decides.  When a flow goes, the GC reaps it: no rule of a
 * freed flow stays in hardware.  See hw.h for the lifetime rules.
 *
 * Requests run on our own unbound workqueue, in process context: drivers
 * may sleep in their callbacks, which they are called under the
 * flowtable's flow_block_lock (read) for.  A driver's answer is counted
 * by kind; a refused direction is tried again with a backoff, whether or
 * not software packets come by.
 */
#include <linux/ktime.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/pkt_cls.h>

#include "nfo.h"
#include "flow.h"
#include "hw.h"
#include "stats.h"

static struct workqueue_struct *nfo_hw_wq __read_mostly;

static struct nfo_net *nfo_hw_net(const struct nfo_hw_flow *hw)
{
	return nfo_pernet(read_pnet(&hw->ft->net));
}

/*
 * Send @cmd about direction @dir to every driver callback bound to the
 * flowtable.  Returns how many took it (a rule a driver holds already,
 * -EEXIST, is taken); when none did, *@err is the first refusal, or
 * -NFO_HW_ENODRIVER when no callback is bound.  STATS adds up what the
 * callbacks report into *@stats.
 */
static int nfo_hw_call(struct nfo_hw_flow *hw, int dir,
		       enum flow_cls_command cmd, struct nf_flow_rule *rule,
		       struct flow_stats *stats, int *err)
{
	struct nfo_flow *flow = nfo_hw_flow_of(hw);
	struct nf_flowtable *ft = hw->ft;
	struct netlink_ext_ack extack = {};
	struct flow_cls_offload cls = {};
	struct flow_block_cb *cb;
	int ok = 0, ret;

	/* As the in-kernel flowtable sends them: ETH_P_ALL, not htons()ed. */
	cls.common.protocol = (__force __be16)ETH_P_ALL;
	cls.common.prio = ft->priority;
	cls.common.extack = &extack;
	cls.command = cmd;
	cls.cookie = (unsigned long)&flow->dir[dir].tuple;
	if (rule)
		cls.rule = rule->rule;

	*err = -NFO_HW_ENODRIVER;
	down_read(&ft->flow_block_lock);
	list_for_each_entry(cb, &ft->flow_block.cb_list, list) {
		ret = cb->cb(TC_SETUP_CLSFLOWER, &cls, cb->cb_priv);
		if (ret == -EEXIST && cmd == FLOW_CLS_REPLACE) {
			this_cpu_inc(nfo_hw_net(hw)->stats->hw_eexist);
			ret = 0;
		}
		if (ret < 0) {
			if (*err == -NFO_HW_ENODRIVER)
				*err = ret;
			continue;
		}
		ok++;
	}
	up_read(&ft->flow_block_lock);

	if (stats)
		*stats = cls.stats;
	return ok;
}

/*
 * Fetch what the hardware forwarded since the last poll: the flow lives
 * as long after the last packet there as after one in software, and with
 * the flowtable's `counter` conntrack's accounting gets the packets.
 */
static void nfo_hw_poll(struct nfo_hw_flow *hw, struct nfo_net *nn)
{
	struct nfo_flow *flow = nfo_hw_flow_of(hw);
	struct flow_stats st[2] = {};
	u32 expires, now, timeout;
	u64 lastused = 0;
	int d, err;

	for (d = 0; d < 2; d++) {
		if (!(hw->accepted & BIT(d)))
			continue;
		nfo_hw_call(hw, d, FLOW_CLS_STATS, NULL, &st[d], &err);
		lastused = max(lastused, st[d].lastused);
		nfo_counter_add(&hw->packets[d], st[d].pkts);
		nfo_counter_add(&hw->bytes[d], st[d].bytes);
	}
	this_cpu_inc(nn->stats->hw_polls);

	now = (u32)jiffies;
	/*
	 * A driver that counts but keeps no timestamp: packets since the
	 * last poll are use enough (the in-kernel flowtable lets such a
	 * busy flow expire).
	 */
	if (!lastused && (st[0].pkts || st[1].pkts))
		lastused = now;
	timeout = nfo_flow_timeout(nn, flow->dir[0].tuple.l4proto);
	expires = READ_ONCE(flow->expires);
	WRITE_ONCE(flow->expires,
		   nfo_hw_expires(now, expires, (u32)lastused, timeout));
	WRITE_ONCE(hw->polled_at, now);

	for (d = 0; d < 2; d++) {
		this_cpu_add(nn->stats->hw_packets, st[d].pkts);
		this_cpu_add(nn->stats->hw_bytes, st[d].bytes);
		if (st[d].pkts && (hw->ft->flags & NF_FLOWTABLE_COUNTER))
			nf_ct_acct_add(flow->ct, d, st[d].pkts, st[d].bytes);
	}
}

/*
 * Take the flow's rules out of the hardware, after a last poll of their
 * counters.  The work item's, or the reaper's once it cancelled that.
 */
static void nfo_hw_remove(struct nfo_hw_flow *hw, struct nfo_net *nn)
{
	struct nfo_flow *flow = nfo_hw_flow_of(hw);
	int d, err;

	if (!hw->accepted)
		return;
	nfo_hw_poll(hw, nn);
	clear_bit(IPS_HW_OFFLOAD_BIT, &flow->ct->status);
	for (d = 0; d < 2; d++) {
		if (!(hw->accepted & BIT(d)))
			continue;
		if (nfo_hw_call(hw, d, FLOW_CLS_DESTROY, NULL, NULL, &err))
			this_cpu_inc(nn->stats->hw_destroyed);
		else
			this_cpu_inc(nn->stats->hw_destroy_failed);
	}
	hw->accepted = 0;
	atomic_dec(&nn->hw_flows);
}

/* Send the directions the hardware does not have yet. */
static void nfo_hw_push(struct nfo_hw_flow *hw, struct nfo_net *nn)
{
	struct net *net = read_pnet(&hw->ft->net);
	struct nfo_flow *flow = nfo_hw_flow_of(hw);
	u8 accepted = hw->accepted;
	int d, err = 0, ret;

	for (d = 0; d < 2; d++) {
		struct nf_flow_rule *rule;

		if (accepted & BIT(d))
			continue;
		rule = nfo_hw_rule_build(net, flow, d);
		if (IS_ERR(rule)) {
			ret = PTR_ERR(rule);
		} else {
			this_cpu_inc(nn->stats->hw_pushed);
			if (nfo_hw_call(hw, d, FLOW_CLS_REPLACE, rule, NULL,
					&ret)) {
				accepted |= BIT(d);
				ret = 0;
				this_cpu_inc(nn->stats->hw_accepted);
			}
			nfo_hw_rule_free(rule);
		}
		if (ret && !err)
			err = ret;
	}

	if (accepted && !hw->accepted) {
		set_bit(IPS_HW_OFFLOAD_BIT, &flow->ct->status);
		atomic_inc(&nn->hw_flows);
		/* How long from `flow add` to the hardware (make bench). */
		if (hw->queued_ns) {
			this_cpu_add(nn->stats->hw_accept_ns,
				     ktime_get_ns() - hw->queued_ns);
			this_cpu_inc(nn->stats->hw_accept_flows);
			hw->queued_ns = 0;
		}
	}
	hw->accepted = accepted;
	if (err) {
		hw->err_kind = nfo_hw_err_kind(err);
		hw->err = err;
		this_cpu_inc(nn->stats->hw_refused[hw->err_kind]);
		if (hw->tries < U16_MAX)
			hw->tries++;
		WRITE_ONCE(hw->retry_at,
			   (u32)jiffies + nfo_hw_backoff(hw->tries, HZ));
	} else {
		hw->tries = 0;
	}
	WRITE_ONCE(hw->state, nfo_hw_state_after(accepted));
}

static void nfo_hw_work(struct work_struct *work)
{
	struct nfo_hw_flow *hw = container_of(work, struct nfo_hw_flow, work);
	struct nfo_flow *flow = nfo_hw_flow_of(hw);
	struct nfo_net *nn = nfo_hw_net(hw);

	/* Going: the reaper takes its rules out. */
	if (test_bit(NFO_FLOW_TEARDOWN, &flow->flags))
		return;
	if (!READ_ONCE(nn->hw_enabled)) {
		nfo_hw_remove(hw, nn);
		WRITE_ONCE(hw->state, NFO_HW_OFF);
		return;
	}
	if (test_and_clear_bit(NFO_HW_WANT_POLL, &hw->want)) {
		if (hw->accepted)
			nfo_hw_poll(hw, nn);
		return;
	}
	nfo_hw_push(hw, nn);
}

/* A new flow of offload flowtable @ft: its hardware state, still idle. */
void nfo_hw_flow_init(struct nfo_flow *flow, struct nf_flowtable *ft)
{
	struct nfo_hw_flow *hw = &container_of(flow, struct nfo_flow_hw,
					       flow)->hw;

	__set_bit(NFO_FLOW_HW, &flow->flags);
	INIT_WORK(&hw->work, nfo_hw_work);
	INIT_LIST_HEAD(&hw->reap);
	hw->ft = ft;
	/* No poll yet: as if one ended now, before any deadline. */
	hw->polled_at = (u32)jiffies;
	hw->state = READ_ONCE(nfo_pernet(read_pnet(&ft->net))->hw_enabled) ?
		    NFO_HW_PENDING : NFO_HW_OFF;
}

/*
 * The flow is hashed: push it.  Called in the RCU read-side section that
 * hashed it, which the reaper waits for before it cancels the work.
 */
void nfo_hw_flow_start(struct nfo_flow *flow)
{
	struct nfo_hw_flow *hw = nfo_hw_of(flow);

	if (hw && READ_ONCE(hw->state) == NFO_HW_PENDING) {
		hw->queued_ns = ktime_get_ns();
		queue_work(nfo_hw_wq, &hw->work);
	}
}

/* The GC's visit of a live flow (RCU held): queue what is due. */
void nfo_hw_flow_gc(struct nfo_flow *flow, struct nfo_net *nn)
{
	struct nfo_hw_flow *hw = nfo_hw_of(flow);
	u32 now = (u32)jiffies, timeout;
	bool poll;
	int state;

	if (!hw)
		return;
	state = READ_ONCE(hw->state);
	timeout = nfo_flow_timeout(nn, flow->dir[0].tuple.l4proto);
	poll = nfo_hw_poll_due(now, READ_ONCE(flow->expires), timeout);

	switch (nfo_hw_gc_action(state, READ_ONCE(nn->hw_enabled), now,
				 READ_ONCE(hw->retry_at), poll)) {
	case NFO_HW_NOTHING:
		return;
	case NFO_HW_POLL:
		set_bit(NFO_HW_WANT_POLL, &hw->want);
		break;
	case NFO_HW_PUSH:
		if (state == NFO_HW_REFUSED || state == NFO_HW_PARTIAL) {
			this_cpu_inc(nn->stats->hw_retries);
			if (state == NFO_HW_REFUSED)
				cmpxchg(&hw->state, state, NFO_HW_RETRYING);
		}
		break;
	case NFO_HW_REMOVE:
		break;
	}
	queue_work(nfo_hw_wq, &hw->work);
}

/*
 * The GC found @flow past its deadline (RCU held): true while its rules
 * are in hardware and no poll since the deadline confirmed it idle; a poll
 * is then queued and the flow lives until the GC's next visit.
 */
bool nfo_hw_flow_expiring(struct nfo_flow *flow, struct nfo_net *nn)
{
	struct nfo_hw_flow *hw = nfo_hw_of(flow);

	if (!hw || nfo_hw_idle_confirmed(READ_ONCE(hw->state),
					 READ_ONCE(nn->hw_enabled),
					 READ_ONCE(hw->polled_at),
					 READ_ONCE(flow->expires)))
		return false;
	set_bit(NFO_HW_WANT_POLL, &hw->want);
	queue_work(nfo_hw_wq, &hw->work);
	return true;
}

/*
 * Free the flows on @reap, which the GC unhashed (under its gc_lock),
 * once their rules are out of the hardware.  Process context.
 */
void nfo_hw_reap(struct list_head *reap)
{
	struct nfo_hw_flow *hw, *next;

	if (list_empty(reap))
		return;
	/*
	 * `flow add` may be queueing the first push of one of them, in the
	 * RCU read-side section that hashed it: after this, it has, and
	 * cancelling the work item below is final.
	 */
	synchronize_rcu();
	list_for_each_entry_safe(hw, next, reap, reap) {
		list_del_init(&hw->reap);
		cancel_work_sync(&hw->work);
		nfo_hw_remove(hw, nfo_hw_net(hw));
		nfo_flow_free(nfo_hw_flow_of(hw));
	}
}

int nfo_hw_init(void)
{
	nfo_hw_wq = alloc_workqueue("nft_offload_hw", WQ_UNBOUND | WQ_SYSFS,
				    0);
	return nfo_hw_wq ? 0 : -ENOMEM;
}

void nfo_hw_exit(void)
{
	destroy_workqueue(nfo_hw_wq);
}
