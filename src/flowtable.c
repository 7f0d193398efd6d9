// SPDX-License-Identifier: GPL-2.0
/*
 * The flowtable types that nf_tables instantiates for
 * `table ip|ip6|inet T { flowtable F { ... } }`.
 *
 * nf_tables owns the flowtable object (struct nft_flowtable, which embeds the
 * struct nf_flowtable we are handed): it parses the hook and devices,
 * registers one netdev ingress hook per device with our ->hook, and calls
 * ->setup per device, ->init once and ->free at destruction.  Holding a
 * flowtable pins this module (nf_tables takes a reference on ->owner).
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/slab.h>
#include <net/netfilter/nf_tables.h>

#include "nfo.h"
#include "hw.h"
#include "flow.h"
#include "ports.h"

static int nfo_ft_init(struct nf_flowtable *ft)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));
	struct nfo_ft *f;
	int err;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	INIT_LIST_HEAD(&f->ports);
	flow_block_init(&ft->flow_block);
	init_rwsem(&ft->flow_block_lock);
	err = nfo_flows_init(f, ft);
	if (err) {
		kfree(f);
		return err;
	}

	refcount_inc(&nn->ref);
	mutex_lock(&nn->lock);
	f->id = nn->ft_next_id++;
	list_add_tail_rcu(&f->list, &nn->flowtables);
	mutex_unlock(&nn->lock);
	return 0;
}

/* Our side of @ft.  Under nn->lock. */
static struct nfo_ft *nfo_ft_find(struct nfo_net *nn,
				  const struct nf_flowtable *ft)
{
	struct nfo_ft *f;

	lockdep_assert_held(&nn->lock);
	list_for_each_entry(f, &nn->flowtables, list)
		if (f->ft == ft)
			return f;
	return NULL;
}

static void nfo_ft_free(struct nf_flowtable *ft)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));
	struct nfo_ft *f;

	mutex_lock(&nn->lock);
	f = nfo_ft_find(nn, ft);
	if (f) {
		nfo_ports_free(nn, f);
		list_del_rcu(&f->list);
	}
	mutex_unlock(&nn->lock);

	if (!WARN_ON_ONCE(!f)) {
		/*
		 * Readers of the flow listing walk the list and the table
		 * under RCU: let them leave before the table goes (and with
		 * it, once we return, nf_tables' flowtable).
		 */
		synchronize_rcu();
		nfo_flows_destroy(f);
		kfree(f);
	}
	nfo_net_put(nn);
}

/*
 * Is @dev still among the flowtable's hooks?  nf_tables moves the hooks of
 * devices being removed from a live flowtable off its hook list before
 * unbinding them, and leaves them there when the whole flowtable goes, and
 * when the device is being unregistered (its netdev event unbinds it
 * first).  The list changes only under the nf_tables commit mutex, which
 * is held here but when the flowtable is being destroyed, after the
 * commit that removed it: nothing changes the list any more then.
 */
static bool nfo_ft_lists_dev(struct nf_flowtable *ft,
			     const struct net_device *dev)
{
	struct nft_flowtable *nft = container_of(ft, struct nft_flowtable,
						 data);
	struct nft_hook *hook;

	list_for_each_entry(hook, &nft->hook_list, list)
		if (hook->ops.dev == dev)
			return true;
	return false;
}

/*
 * Once the flows through an unregistering @dev are out of the table, the
 * packets that may still hold one must be done before the notifiers
 * return: right after them, the device frees what a flow's path writes (a
 * bridge's per-CPU statistics, in its ndo_uninit), with no grace period
 * in between.  The flows torn down at NETDEV_DOWN had one already; this
 * covers those the walk found again (@used), for instance inserted while
 * the device went down.
 */
static void nfo_dev_gone_sync(const struct net_device *dev, unsigned int used)
{
	if (used && dev->reg_state == NETREG_UNREGISTERING)
		synchronize_net();
}

/*
 * Called per device when it joins (BIND) or leaves (UNBIND) the flowtable,
 * including when the flowtable goes away.  A device that leaves takes the
 * flows through it back to the normal path.
 */
static int nfo_ft_setup(struct nf_flowtable *ft, struct net_device *dev,
			enum flow_block_command cmd)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));
	struct nfo_ft *f;

	/* The port hooks follow at a GC run, now (ports.c). */
	mutex_lock(&nn->lock);
	f = nfo_ft_find(nn, ft);
	if (f) {
		WRITE_ONCE(f->ports_dirty, true);
		mod_delayed_work(system_power_efficient_wq, &f->gc_work, 0);
	}
	mutex_unlock(&nn->lock);

	if (cmd == FLOW_BLOCK_UNBIND) {
		bool ft_goes = dev->reg_state == NETREG_REGISTERED &&
			       nfo_ft_lists_dev(ft, dev);
		unsigned int used;

		used = nfo_flows_teardown_dev(ft, dev,
					      ft_goes ? nfo_td_flowtable(ft) :
							NFO_TD_DEVICE);
		/*
		 * Only ->free, which nf_tables calls after the last unbind,
		 * frees f: it stays valid past the lock.
		 */
		mutex_lock(&nn->lock);
		f = nfo_ft_find(nn, ft);
		mutex_unlock(&nn->lock);
		if (f)
			nfo_flows_gc_sync(f);
		nfo_dev_gone_sync(dev, used);
	}
	return nfo_hw_setup(ft, dev, cmd);
}

void nfo_flowtables_teardown(struct nfo_net *nn, const struct net_device *dev)
{
	unsigned int used = 0;
	struct nfo_ft *f;

	mutex_lock(&nn->lock);
	list_for_each_entry(f, &nn->flowtables, list) {
		if (dev)
			used += nfo_flows_teardown_dev(f->ft, dev,
						       NFO_TD_DEVICE);
		else
			nfo_flows_teardown_all(f->ft, NFO_TD_ADMIN);
		nfo_flows_gc_sync(f);
	}
	mutex_unlock(&nn->lock);
	if (dev)
		nfo_dev_gone_sync(dev, used);
}

static struct nf_flowtable_type nfo_ft_types[] = {
	{
		.family	= NFPROTO_INET,
		.init	= nfo_ft_init,
		.setup	= nfo_ft_setup,
		.free	= nfo_ft_free,
		.hook	= nfo_hook_inet,
		.owner	= THIS_MODULE,
	},
	{
		.family	= NFPROTO_IPV4,
		.init	= nfo_ft_init,
		.setup	= nfo_ft_setup,
		.free	= nfo_ft_free,
		.hook	= nfo_hook_ipv4,
		.owner	= THIS_MODULE,
	},
	{
		.family	= NFPROTO_IPV6,
		.init	= nfo_ft_init,
		.setup	= nfo_ft_setup,
		.free	= nfo_ft_free,
		.hook	= nfo_hook_ipv6,
		.owner	= THIS_MODULE,
	},
};

int nfo_flowtable_types_register(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nfo_ft_types); i++)
		nft_register_flowtable_type(&nfo_ft_types[i]);
	return 0;
}

void nfo_flowtable_types_unregister(void)
{
	unsigned int i = ARRAY_SIZE(nfo_ft_types);

	while (i--)
		nft_unregister_flowtable_type(&nfo_ft_types[i]);
}

/*
 * nf_tables asks modprobe for "nf-flowtable-<family>" with the numeric
 * family, and the NFPROTO_* enumerators do not stringify to numbers.
 */
MODULE_ALIAS_NF_FLOWTABLE(1);	/* NFPROTO_INET */
MODULE_ALIAS_NF_FLOWTABLE(2);	/* NFPROTO_IPV4 */
MODULE_ALIAS_NF_FLOWTABLE(10);	/* NFPROTO_IPV6 */
