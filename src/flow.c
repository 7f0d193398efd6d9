// SPDX-License-Identifier: GPL-2.0
/*
 * Offloaded flows: creation from a conntrack entry, the per-flowtable hash
 * table, teardown and garbage collection.  See flow.h for the lifetime
 * rules.
 *
 * Locking: the rhashtable (struct nf_flowtable.rhashtable) does its own
 * locking for insert/remove; lookups are RCU.  Flows are removed only
 * under the flowtable's gc_lock (struct nfo_ft), so removal never races
 * with itself.  Flows are freed after an RCU grace period (call_rcu);
 * module exit waits for those with rcu_barrier().
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/ip6_fib.h>
#include <net/ip6_route.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_l4proto.h>

#include "nfo.h"
#include "flow.h"
#include "hw.h"
#include "ports.h"
#include "logic/timeout.h"

#define NFO_GC_INTERVAL		HZ

/*
 * flow.h's layout: a flow fits the 256 bytes of the in-kernel flowtable's
 * entry, each direction taking 104 on 64-bit machines (less on 32-bit).
 */
static_assert(sizeof(struct nfo_flow) <= 256);
static_assert(BITS_PER_LONG != 64 || sizeof(struct nfo_flow_dir) == 104);

static struct kmem_cache *nfo_flow_cache __read_mostly;
/* Flows of offload flowtables, with their hardware state (hw.h). */
static struct kmem_cache *nfo_flow_hw_cache __read_mostly;

static u32 nfo_rht_hashfn(const void *data, u32 len, u32 seed)
{
	return nfo_tuple_hash(data, seed);
}

static u32 nfo_rht_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct nfo_flow_dir *d = data;

	return nfo_tuple_hash(&d->tuple, seed);
}

static int nfo_rht_obj_cmpfn(struct rhashtable_compare_arg *arg,
			     const void *obj)
{
	const struct nfo_flow_dir *d = obj;

	return !nfo_tuple_equal(arg->key, &d->tuple);
}

static const struct rhashtable_params nfo_flow_rht_params = {
	.head_offset		= offsetof(struct nfo_flow_dir, node),
	.key_offset		= offsetof(struct nfo_flow_dir, tuple),
	.key_len		= NFO_TUPLE_KEY_LEN,
	.hashfn			= nfo_rht_hashfn,
	.obj_hashfn		= nfo_rht_obj_hashfn,
	.obj_cmpfn		= nfo_rht_obj_cmpfn,
	.automatic_shrinking	= true,
};

/*
 * The datapath's lookup, here where the table's parameters are constants:
 * rhashtable_lookup() then calls the hash and compare functions directly
 * instead of through the table's copy of them.  Under rcu_read_lock().
 */
struct nfo_flow_dir *nfo_flow_lookup(struct nf_flowtable *ft,
				     const struct nfo_tuple *tuple)
{
	return rhashtable_lookup(&ft->rhashtable, tuple, nfo_flow_rht_params);
}

static void nfo_addr_copy(__be32 *to, const union nf_inet_addr *from,
			  u8 family)
{
	if (family == NFO_FAMILY_IPV4) {
		to[0] = from->ip;
		to[1] = 0;
		to[2] = 0;
		to[3] = 0;
	} else {
		memcpy(to, from->ip6, sizeof(from->ip6));
	}
}

static u32 nfo_dst_mtu(const struct dst_entry *dst, u8 family)
{
	if (family == NFO_FAMILY_IPV4)
		return ip_dst_mtu_maybe_forward(dst, true);
	return ip6_dst_mtu_maybe_forward(dst, true);
}

/* Does direction @d transmit through layers (flow->paths)? */
static bool nfo_route_layered(const struct nfo_route *route, int d)
{
	return route->dir[d].xmit == NFO_XMIT_DIRECT &&
	       nfo_path_layered(&route->dir[d].path);
}

/*
 * Packets of direction @d arrive with tuple ct->tuplehash[d] and must leave
 * as the reverse of the other direction's tuple: whatever differs is NAT.
 */
static void nfo_flow_dir_init(struct nfo_flow_dir *fd, const struct nf_conn *ct,
			      struct nfo_route *route, int d)
{
	const struct nf_conntrack_tuple *in = &ct->tuplehash[d].tuple;
	const struct nf_conntrack_tuple *out = &ct->tuplehash[!d].tuple;
	u8 family = in->src.l3num == NFPROTO_IPV4 ? NFO_FAMILY_IPV4 :
						    NFO_FAMILY_IPV6;
	struct nfo_tuple *t = &fd->tuple;
	__be32 nsrc[4], ndst[4];

	t->family = family;
	t->l4proto = in->dst.protonum;
	nfo_addr_copy(t->src, &in->src.u3, family);
	nfo_addr_copy(t->dst, &in->dst.u3, family);
	t->sport = in->src.u.all;
	t->dport = in->dst.u.all;
	t->iif = route->dir[d].iif;
	t->encap_num = route->dir[d].encap_num;
	memcpy(t->encap, route->dir[d].encap, sizeof(t->encap));

	/*
	 * The rewritten packet's addresses and ports: the datapath reads
	 * them from the other direction's tuple.
	 */
	nfo_addr_copy(nsrc, &out->dst.u3, family);
	nfo_addr_copy(ndst, &out->src.u3, family);
	if (memcmp(nsrc, t->src, sizeof(t->src)))
		fd->nat |= NFO_NAT_SADDR;
	if (memcmp(ndst, t->dst, sizeof(t->dst)))
		fd->nat |= NFO_NAT_DADDR;
	if (out->dst.u.all != t->sport)
		fd->nat |= NFO_NAT_SPORT;
	if (out->src.u.all != t->dport)
		fd->nat |= NFO_NAT_DPORT;

	fd->dir = d;
	fd->xmit = route->dir[d].xmit;
	fd->dst = route->dir[d].dst;
	route->dir[d].dst = NULL;
	if (fd->xmit == NFO_XMIT_DIRECT) {
		struct nfo_path *path = &route->dir[d].path;

		fd->neigh = path->neigh;
		path->neigh = NULL;
		if (nfo_route_layered(route, d)) {
			fd->layered = 1;
			nfo_flow_of(fd)->paths->dir[d] = *path;
		} else {
			/* The port is the route's device, which the route holds. */
			dev_put(path->dev);
		}
		memset(path, 0, sizeof(*path));
	}
	fd->mtu = nfo_dst_mtu(fd->dst, family);
	if (family == NFO_FAMILY_IPV6)
		fd->dst_cookie = rt6_get_cookie(dst_rt6_info(fd->dst));
}

static void nfo_flow_mem_free(struct nfo_flow *flow)
{
	kfree(flow->paths);
	if (test_bit(NFO_FLOW_HW, &flow->flags))
		kmem_cache_free(nfo_flow_hw_cache,
				container_of(flow, struct nfo_flow_hw, flow));
	else
		kmem_cache_free(nfo_flow_cache, flow);
}

/*
 * Build a flow for @ct from @route, whose references it takes over, for
 * flowtable @ft.  Called from the `flow add` expression, in softirq
 * context.
 */
struct nfo_flow *nfo_flow_alloc(struct nf_conn *ct, struct nfo_route *route,
				struct nf_flowtable *ft)
{
	struct nfo_flow_hw *fh;
	struct nfo_flow *flow;

	if (nf_flowtable_hw_offload(ft)) {
		fh = kmem_cache_zalloc(nfo_flow_hw_cache, GFP_ATOMIC);
		if (!fh)
			return NULL;
		flow = &fh->flow;
		nfo_hw_flow_init(flow, ft);
	} else {
		flow = kmem_cache_zalloc(nfo_flow_cache, GFP_ATOMIC);
		if (!flow)
			return NULL;
	}
	if (nfo_route_layered(route, 0) || nfo_route_layered(route, 1)) {
		flow->paths = kzalloc(sizeof(*flow->paths), GFP_ATOMIC);
		if (!flow->paths) {
			nfo_flow_mem_free(flow);
			return NULL;
		}
	}

	nf_conntrack_get(&ct->ct_general);
	flow->ct = ct;
	flow->created = (u32)jiffies;
	nfo_flow_dir_init(&flow->dir[IP_CT_DIR_ORIGINAL], ct, route,
			  IP_CT_DIR_ORIGINAL);
	nfo_flow_dir_init(&flow->dir[IP_CT_DIR_REPLY], ct, route,
			  IP_CT_DIR_REPLY);
	return flow;
}

/*
 * After a grace period no datapath CPU can still be using the flow, nor be
 * in nfo_flow_teardown() touching its conntrack entry: only then may the
 * entry go (conntrack recycles entries at once, SLAB_TYPESAFE_BY_RCU).
 */
static void nfo_flow_free_rcu(struct rcu_head *head)
{
	struct nfo_flow *flow = container_of(head, struct nfo_flow, rcu);
	int d;

	for (d = 0; d < 2; d++) {
		if (flow->dir[d].neigh)
			neigh_release(flow->dir[d].neigh);
		if (flow->dir[d].layered)
			nfo_path_put(&flow->paths->dir[d]);
	}
	nf_ct_put(flow->ct);
	nfo_flow_mem_free(flow);
}

/* Drop a flow that is not (or no longer) hashed. */
void nfo_flow_free(struct nfo_flow *flow)
{
	int d;

	/*
	 * Routes are freed by RCU themselves: dropping them now lets an
	 * unregistering device go sooner.  The path's devices and neighbour
	 * are read by the datapath with no reference of its own (a device's
	 * memory may go as soon as its last reference does), so they are
	 * dropped after the grace period, in nfo_flow_free_rcu().
	 */
	for (d = 0; d < 2; d++)
		dst_release(flow->dir[d].dst);
	call_rcu(&flow->rcu, nfo_flow_free_rcu);
}

/*
 * Give conntrack back a connection it has not seen for a while: TCP window
 * tracking restarts from what it sees next, and the entry expires as if
 * it had just been idle for the flow's timeout, in the state conntrack
 * last saw.
 */
static void nfo_ct_fixup(struct nf_conn *ct, struct nfo_net *nn)
{
	struct net *net = nf_ct_net(ct);
	u8 l4proto = nf_ct_protonum(ct);
	u32 state_timeout, expires;
	int d;

	if (l4proto == IPPROTO_TCP) {
		spin_lock_bh(&ct->lock);
		/*
		 * The highest ACKs conntrack saw are from before the offload:
		 * its RST check would take the RST that ends the connection
		 * for a stale one and keep the entry established.
		 */
		for (d = 0; d < 2; d++) {
			ct->proto.tcp.seen[d].td_maxwin = 0;
			ct->proto.tcp.seen[d].flags &= ~IP_CT_TCP_FLAG_MAXACK_SET;
		}
		state_timeout = nf_tcp_pernet(net)->timeouts[ct->proto.tcp.state];
		spin_unlock_bh(&ct->lock);
	} else if (l4proto == IPPROTO_UDP) {
		enum udp_conntrack state = UDP_CT_UNREPLIED;

		if (test_bit(IPS_SEEN_REPLY_BIT, &ct->status))
			state = UDP_CT_REPLIED;
		state_timeout = nf_udp_pernet(net)->timeouts[state];
#ifdef CONFIG_NF_CT_PROTO_GRE
	} else if (l4proto == IPPROTO_GRE) {
		/* Else it keeps the day nfo_ct_extend() gave it. */
		state_timeout = nf_gre_pernet(net)->timeouts[GRE_CT_REPLIED];
#endif
	} else {
		return;
	}

	if (nfo_ct_fixup_expires(nfct_time_stamp, READ_ONCE(ct->timeout),
				 state_timeout, nfo_flow_timeout(nn, l4proto),
				 &expires))
		WRITE_ONCE(ct->timeout, expires);
}

/*
 * Keep the conntrack entry of a live flow from expiring (nfo_ct_extend_due()
 * and compat.h give the rule).  Conntrack updates the timeout without a
 * lock: cmpxchg() leaves a value written meanwhile alone.  A teardown may
 * clear IPS_OFFLOAD and fix the timeout up while this runs: whichever of
 * the two looks at the other's write last puts the fixed-up timeout back.
 */
static void nfo_ct_extend(struct nf_conn *ct, struct nfo_net *nn)
{
	u32 old = READ_ONCE(ct->timeout);
	u32 ext = NF_CT_DAY;

	if (NFO_CT_EXTEND_BY_STATE && nf_ct_protonum(ct) == IPPROTO_TCP) {
		switch (READ_ONCE(ct->proto.tcp.state)) {
		case TCP_CONNTRACK_ESTABLISHED:
			break;
		case TCP_CONNTRACK_FIN_WAIT:
		case TCP_CONNTRACK_CLOSE_WAIT:
		case TCP_CONNTRACK_LAST_ACK:
		case TCP_CONNTRACK_TIME_WAIT:
			ext = 5 * 60 * HZ;
			break;
		default:
			ext = 0;
			break;
		}
	}
	if (!nfo_ct_extend_due(nfct_time_stamp, old, NFO_CT_EXTEND_THRESHOLD,
			       ext, !NFO_CT_EXTEND_BY_STATE))
		return;
	/* The timeout read before the bit: a teardown writes them the other way. */
	smp_rmb();
	if (!test_bit(IPS_OFFLOAD_BIT, &ct->status))
		return;
	if (cmpxchg(&ct->timeout, old, nfct_time_stamp + ext) != old)
		return;
	if (!test_bit(IPS_OFFLOAD_BIT, &ct->status))
		nfo_ct_fixup(ct, nn);
}

/*
 * Run @ft's GC now: a torn-down flow still hashed keeps its connection
 * from being offloaded again (nfo_flow_insert()) until the GC collects
 * it, which would otherwise be up to a second later.  RCU held (the
 * datapath, `flow add`): nfo_ft_free() waits for it before it stops the
 * GC.
 */
static void nfo_flows_gc_kick(struct nf_flowtable *ft)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));
	struct nfo_ft *f;

	list_for_each_entry_rcu(f, &nn->flowtables, list) {
		if (f->ft == ft) {
			mod_delayed_work(system_power_efficient_wq,
					 &f->gc_work, 0);
			break;
		}
	}
}

int nfo_flow_insert(struct nf_flowtable *ft, struct nfo_flow *flow)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));
	int err, now, peak;

	flow->expires = (u32)jiffies +
			nfo_flow_timeout(nn, flow->dir[0].tuple.l4proto);

	/*
	 * The GC and the teardown walks act on original-direction entries
	 * only: hashing the reply first means that a flow they find is whole
	 * (else the GC could free a flow whose reply is hashed a moment
	 * later).  A tuple already hashed is refused: a torn-down flow of an
	 * earlier connection that the GC has yet to collect would otherwise
	 * hide the new one from lookups.
	 */
	err = rhashtable_lookup_insert_key(&ft->rhashtable,
					   &flow->dir[IP_CT_DIR_REPLY].tuple,
					   &flow->dir[IP_CT_DIR_REPLY].node,
					   nfo_flow_rht_params);
	if (err)
		goto refused;
	err = rhashtable_lookup_insert_key(&ft->rhashtable,
					   &flow->dir[IP_CT_DIR_ORIGINAL].tuple,
					   &flow->dir[IP_CT_DIR_ORIGINAL].node,
					   nfo_flow_rht_params);
	if (err) {
		rhashtable_remove_fast(&ft->rhashtable,
				       &flow->dir[IP_CT_DIR_REPLY].node,
				       nfo_flow_rht_params);
		goto refused;
	}

	/* Conntrack must not time the entry out while we forward for it. */
	nfo_ct_extend(flow->ct, nn);

	now = atomic_inc_return(&nn->flows);
	peak = atomic_read(&nn->flows_peak);
	while (now > peak && !atomic_try_cmpxchg(&nn->flows_peak, &peak, now))
		;
	return 0;

refused:
	if (err == -EEXIST)
		nfo_flows_gc_kick(ft);
	return err;
}

/*
 * Mark @flow to leave the fast path and hand its connection back to
 * conntrack at once: from here on conntrack sees its packets again, may
 * time it out (its GC no longer extends it) and `flow add` may offload it
 * again, while the GC has yet to unhash this flow.  Any context;
 * idempotent.
 */
void nfo_flow_teardown(struct nfo_flow *flow, enum nfo_teardown_reason why)
{
	struct nf_conn *ct = flow->ct;
	struct nfo_net *nn;

	if (test_and_set_bit(NFO_FLOW_TEARDOWN, &flow->flags))
		return;

	nn = nfo_pernet(nf_ct_net(ct));
	nfo_stat_teardown(nn, why);
	clear_bit(IPS_OFFLOAD_BIT, &ct->status);
	/* The bit cleared before the timeout is read (nfo_ct_extend()). */
	smp_mb__after_atomic();
	nfo_ct_fixup(ct, nn);
}

/*
 * Unhash @flow and free it; one with rules in hardware goes on @reap
 * instead, for nfo_hw_reap() to take them out first (it may sleep, and
 * the walks that remove flows hold the RCU read lock).
 */
static void nfo_flow_remove(struct nf_flowtable *ft, struct nfo_flow *flow,
			    struct list_head *reap)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));
	struct nfo_hw_flow *hw = nfo_hw_of(flow);

	rhashtable_remove_fast(&ft->rhashtable, &flow->dir[0].node,
			       nfo_flow_rht_params);
	rhashtable_remove_fast(&ft->rhashtable, &flow->dir[1].node,
			       nfo_flow_rht_params);
	atomic_dec(&nn->flows);
	if (hw)
		list_add_tail(&hw->reap, reap);
	else
		nfo_flow_free(flow);
}

/*
 * Go on with the walk @iter (started) over @budget more entries, calling
 * @fn on each flow; @fn returns true to have the flow removed, which only
 * a holder of the flowtable's gc_lock may ask for, with a @reap list to
 * hand to nfo_hw_reap() once the walk has stopped.  Returns the budget
 * left: not 0 when the walk reached the end of the table.
 */
static u32 nfo_flows_visit(struct nf_flowtable *ft,
			   struct rhashtable_iter *iter, u32 budget,
			   bool (*fn)(struct nfo_flow *flow, void *arg),
			   void *arg, struct list_head *reap)
{
	while (budget) {
		struct nfo_flow_dir *d = rhashtable_walk_next(iter);
		struct nfo_flow *flow;

		if (!d)
			break;
		if (IS_ERR(d)) {
			if (PTR_ERR(d) == -EAGAIN)
				continue;
			break;
		}
		budget--;
		/* Each flow is hashed twice: act on its original side only. */
		if (d->dir != IP_CT_DIR_ORIGINAL)
			continue;
		flow = nfo_flow_of(d);
		if (fn(flow, arg))
			nfo_flow_remove(ft, flow, reap);
	}
	return budget;
}

static void nfo_flows_walk_reap(struct nf_flowtable *ft,
				bool (*fn)(struct nfo_flow *flow, void *arg),
				void *arg, struct list_head *reap)
{
	struct rhashtable_iter iter;

	rhashtable_walk_enter(&ft->rhashtable, &iter);
	rhashtable_walk_start(&iter);
	nfo_flows_visit(ft, &iter, U32_MAX, fn, arg, reap);
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

/*
 * Visit every flow of @ft once, from process context (nfo_flows_visit()),
 * removing none.
 */
void nfo_flows_walk(struct nf_flowtable *ft,
		    bool (*fn)(struct nfo_flow *flow, void *arg), void *arg)
{
	nfo_flows_walk_reap(ft, fn, arg, NULL);
}

static bool nfo_flow_gc_one(struct nfo_flow *flow, void *arg)
{
	struct nfo_net *nn = arg;

	if (test_bit(NFO_FLOW_TEARDOWN, &flow->flags))
		return true;
	if (nf_ct_is_dying(flow->ct)) {
		nfo_flow_teardown(flow, NFO_TD_CT_GONE);
		return true;
	}
	if (nfo_flow_expired((u32)jiffies, READ_ONCE(flow->expires)) &&
	    !nfo_hw_flow_expiring(flow, nn)) {
		nfo_flow_teardown(flow, NFO_TD_IDLE);
		return true;
	}
	if (!READ_ONCE(nn->enabled)) {
		nfo_flow_teardown(flow, NFO_TD_ADMIN);
		return true;
	}
	nfo_ct_extend(flow->ct, nn);
	nfo_hw_flow_gc(flow, nn);
	return false;
}

/*
 * One run of the GC: the next batch of the table's entries, from where the
 * last run stopped (a pass over a big table takes several runs: see
 * logic/timeout.h).  The iterator survives between runs; a resize of the
 * table in between starts the pass over.  Under f->gc_lock.
 */
static void nfo_flows_gc_step(struct nfo_ft *f, struct nfo_net *nn)
{
	struct rhashtable *ht = &f->ft->rhashtable;
	LIST_HEAD(reap);
	u32 runs, budget;

	lockdep_assert_held(&f->gc_lock);
	runs = nfo_gc_pass_runs(min(READ_ONCE(nn->tcp_timeout),
				    READ_ONCE(nn->udp_timeout)),
				NFO_GC_INTERVAL);
	budget = nfo_gc_batch(atomic_read(&ht->nelems), runs);

	if (!f->gc_walking) {
		rhashtable_walk_enter(ht, &f->gc_iter);
		f->gc_walking = true;
	}
	rhashtable_walk_start(&f->gc_iter);
	budget = nfo_flows_visit(f->ft, &f->gc_iter, budget, nfo_flow_gc_one,
				 nn, &reap);
	rhashtable_walk_stop(&f->gc_iter);
	nfo_hw_reap(&reap);
	/* The pass is over: the next run starts another. */
	if (budget) {
		rhashtable_walk_exit(&f->gc_iter);
		f->gc_walking = false;
	}
}

static void nfo_flows_gc_work(struct work_struct *work)
{
	struct nfo_ft *f = container_of(to_delayed_work(work), struct nfo_ft,
					gc_work);
	struct nfo_net *nn = nfo_pernet(read_pnet(&f->ft->net));

	nfo_fdb_gen_tick();
	nfo_ports_gc(nn, f);
	mutex_lock(&f->gc_lock);
	nfo_flows_gc_step(f, nn);
	mutex_unlock(&f->gc_lock);
	queue_delayed_work(system_power_efficient_wq, &f->gc_work,
			   NFO_GC_INTERVAL);
}

/*
 * A whole GC pass, now, whatever the runs' pacing: flows marked for
 * teardown are gone on return.  Process context.
 */
void nfo_flows_gc_sync(struct nfo_ft *f)
{
	LIST_HEAD(reap);

	mutex_lock(&f->gc_lock);
	nfo_flows_walk_reap(f->ft, nfo_flow_gc_one,
			    nfo_pernet(read_pnet(&f->ft->net)), &reap);
	nfo_hw_reap(&reap);
	mutex_unlock(&f->gc_lock);
}

static bool nfo_flow_uses_dev(const struct nfo_flow *flow, int ifindex)
{
	int d;

	for (d = 0; d < 2; d++) {
		const struct nfo_flow_dir *fd = &flow->dir[d];
		const struct nfo_path *path = nfo_dir_path(fd);

		if (fd->tuple.iif == ifindex || fd->dst->dev->ifindex == ifindex)
			return true;
		if (fd->neigh && fd->neigh->dev->ifindex == ifindex)
			return true;
		if (path && nfo_path_uses_dev(path, ifindex))
			return true;
	}
	return false;
}

struct nfo_dev_teardown {
	const struct net_device	*dev;
	enum nfo_teardown_reason why;
	unsigned int		found;
};

static bool nfo_flow_teardown_dev_one(struct nfo_flow *flow, void *arg)
{
	struct nfo_dev_teardown *td = arg;

	if (nfo_flow_uses_dev(flow, td->dev->ifindex)) {
		nfo_flow_teardown(flow, td->why);
		td->found++;
	}
	return false;
}

/*
 * Tear down the flows that enter or leave through @dev; GC frees them.
 * Returns how many flows in the table use @dev, torn down before or now.
 */
unsigned int nfo_flows_teardown_dev(struct nf_flowtable *ft,
				    const struct net_device *dev,
				    enum nfo_teardown_reason why)
{
	struct nfo_dev_teardown td = { .dev = dev, .why = why };

	nfo_flows_walk(ft, nfo_flow_teardown_dev_one, &td);
	return td.found;
}

static bool nfo_flow_teardown_one(struct nfo_flow *flow, void *arg)
{
	nfo_flow_teardown(flow, (enum nfo_teardown_reason)(long)arg);
	return false;
}

void nfo_flows_teardown_all(struct nf_flowtable *ft,
			    enum nfo_teardown_reason why)
{
	nfo_flows_walk(ft, nfo_flow_teardown_one, (void *)(long)why);
}

int nfo_flows_init(struct nfo_ft *f, struct nf_flowtable *ft)
{
	int err;

	err = rhashtable_init(&ft->rhashtable, &nfo_flow_rht_params);
	if (err)
		return err;
	f->ft = ft;
	mutex_init(&f->gc_lock);
	INIT_DELAYED_WORK(&f->gc_work, nfo_flows_gc_work);
	queue_delayed_work(system_power_efficient_wq, &f->gc_work,
			   NFO_GC_INTERVAL);
	return 0;
}

static bool nfo_flow_destroy_one(struct nfo_flow *flow, void *arg)
{
	nfo_flow_teardown(flow, nfo_td_flowtable(arg));
	return true;
}

/*
 * The flowtable is going away: its hooks are already unregistered, so no
 * packet can find a flow any more.  Stop the GC, then release everything.
 */
void nfo_flows_destroy(struct nfo_ft *f)
{
	LIST_HEAD(reap);

	cancel_delayed_work_sync(&f->gc_work);
	mutex_lock(&f->gc_lock);
	if (f->gc_walking) {
		rhashtable_walk_exit(&f->gc_iter);
		f->gc_walking = false;
	}
	nfo_flows_walk_reap(f->ft, nfo_flow_destroy_one, f->ft, &reap);
	nfo_hw_reap(&reap);
	mutex_unlock(&f->gc_lock);
	rhashtable_destroy(&f->ft->rhashtable);
	mutex_destroy(&f->gc_lock);
}

int nfo_flow_cache_init(void)
{
	nfo_flow_cache = KMEM_CACHE(nfo_flow, 0);
	if (!nfo_flow_cache)
		return -ENOMEM;
	nfo_flow_hw_cache = KMEM_CACHE(nfo_flow_hw, 0);
	if (!nfo_flow_hw_cache) {
		kmem_cache_destroy(nfo_flow_cache);
		return -ENOMEM;
	}
	return 0;
}

void nfo_flow_cache_exit(void)
{
	/* Flows freed by call_rcu() must be back before the cache goes. */
	rcu_barrier();
	kmem_cache_destroy(nfo_flow_hw_cache);
	kmem_cache_destroy(nfo_flow_cache);
}
