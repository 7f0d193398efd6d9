// SPDX-License-Identifier: GPL-2.0
/*
 * Port hooks (ports.h): made, kept and removed as a flowtable's listed
 * bridges and VLAN devices gain and lose ports.
 *
 * nf_tables calls a flowtable's ->setup under its commit mutex, where
 * RTNL, which walking a device's lower devices needs, must not be taken
 * (nf_tables takes the two in the other order).  A change of the
 * flowtable's devices is therefore noted there and applied by the
 * flowtable's GC, run at once for it, which takes RTNL when it is free
 * (and tries again at its next runs); changes of the devices
 * themselves (a port joins or leaves, a device goes) are applied at once
 * from their notifiers, under RTNL.  Until a port hook exists, and
 * whenever it declines a packet, the listed device's own hook sees the
 * packet: the hooks only ever make a packet faster, never decide its fate.
 *
 * A bridge keeps a port's state, its flags and its own VLAN settings where
 * only its own code may look, and a module calling into the bridge would
 * load it wherever nft-offload loads.  What the datapath needs of them is
 * read once, without a link-time dependency (symbol_get()), when a hook is
 * made, and then followed through the switchdev notifications the bridge
 * sends for every change of them.  Without switchdev in the kernel there
 * are no such notifications: bridge ports get no hook there.
 */
#include <linux/if_bridge.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netfilter/nf_tables.h>
#include <net/switchdev.h>

#include "nfo.h"
#include "flow.h"
#include "ports.h"

#ifdef BR_PORT_MAB
#define NFO_BR_LOCKED_FLAGS	(BR_PORT_LOCKED | BR_PORT_MAB)
#else
#define NFO_BR_LOCKED_FLAGS	BR_PORT_LOCKED
#endif

static struct nft_flowtable *nfo_nft(const struct nfo_ft *f)
{
	return container_of(f->ft, struct nft_flowtable, data);
}

/* Is @dev one of the flowtable's devices?  Its hook list is RCU-safe. */
static bool nfo_ft_lists(const struct nft_flowtable *nft,
			 const struct net_device *dev)
{
	struct nft_hook *hook;
	bool found = false;

	rcu_read_lock();
	list_for_each_entry_rcu(hook, &nft->hook_list, list) {
		if (hook->ops.dev == dev) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/* How many devices the flowtable hooks: the GC's sign of a change. */
static unsigned int nfo_ft_num_devs(const struct nft_flowtable *nft)
{
	struct nft_hook *hook;
	unsigned int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(hook, &nft->hook_list, list)
		n += !!hook->ops.dev;
	rcu_read_unlock();
	return n;
}

/*
 * A bridge port's NFO_BRP_* as the bridge has them now.  RTNL.  Zero (not
 * forwarding: no packet taken) when the bridge's answers are not there.
 */
static u8 nfo_brp_read(const struct net_device *port,
		       const struct net_device *br)
{
	u8 brp = 0;
#if IS_ENABLED(CONFIG_BRIDGE) && IS_ENABLED(CONFIG_NET_SWITCHDEV)
	u8 (*state)(const struct net_device *dev);
	bool (*flag)(const struct net_device *dev, unsigned long flag);

	ASSERT_RTNL();
	state = symbol_get(br_port_get_stp_state);
	flag = symbol_get(br_port_flag_is_set);
	if (state && flag) {
		if (state(port) == BR_STATE_FORWARDING)
			brp |= NFO_BRP_FORWARDING;
		if (flag(port, NFO_BR_LOCKED_FLAGS))
			brp |= NFO_BRP_LOCKED;
	}
	if (flag)
		symbol_put(br_port_flag_is_set);
	if (state)
		symbol_put(br_port_get_stp_state);
#if IS_ENABLED(CONFIG_BRIDGE_VLAN_FILTERING)
	{
		bool (*vlan)(const struct net_device *dev);
		bool (*mst)(const struct net_device *dev);

		vlan = symbol_get(br_vlan_enabled);
		mst = symbol_get(br_mst_enabled);
		/* Unknown counts as on: the packets go through the bridge. */
		if (!vlan || vlan(br))
			brp |= NFO_BRP_VLAN_FILTERING;
		if (!mst || mst(br))
			brp |= NFO_BRP_MST;
		if (mst)
			symbol_put(br_mst_enabled);
		if (vlan)
			symbol_put(br_vlan_enabled);
	}
#endif
#endif
	return brp;
}

static struct nfo_port *nfo_port_find(struct nfo_ft *f,
				      const struct net_device *dev,
				      const struct net_device *upper)
{
	struct nfo_port *p;

	list_for_each_entry(p, &f->ports, list)
		if (p->ops.dev == dev && p->upper == upper)
			return p;
	return NULL;
}

static void nfo_port_del(struct nfo_net *nn, struct nfo_port *p)
{
	struct net *net = dev_net(p->ops.dev);

	/* Waits for the packets in the hook: then nothing reaches p. */
	nf_unregister_net_hook(net, &p->ops);
	atomic_dec(&nn->port_hooks);
	list_del(&p->list);
	dev_put(p->ops.dev);
	dev_put(p->upper);
	kfree(p);
}

/* Under RTNL and nn->lock: @dev below @upper, as a port hook of @f. */
static void nfo_port_want(struct nfo_net *nn, struct nfo_ft *f,
			  struct net_device *upper, struct net_device *dev,
			  u8 kind)
{
	struct nft_flowtable *nft = nfo_nft(f);
	struct nfo_port *p;
	u8 family;

	/* Listed itself: the flowtable's own hook takes its packets. */
	if (dev->reg_state != NETREG_REGISTERED ||
	    !net_eq(dev_net(dev), dev_net(upper)) || nfo_ft_lists(nft, dev))
		return;
	if (kind == NFO_PORT_BRIDGE && !IS_ENABLED(CONFIG_NET_SWITCHDEV))
		return;

	p = nfo_port_find(f, dev, upper);
	if (p) {
		p->seen = true;
		return;
	}
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return;
	family = f->ft->type->family;
	p->ft = f->ft;
	p->upper = upper;
	p->kind = kind;
	p->ipv4 = family != NFPROTO_IPV6;
	p->ipv6 = family != NFPROTO_IPV4;
	if (kind == NFO_PORT_BRIDGE)
		p->brp = nfo_brp_read(dev, upper);
	p->seen = true;
	p->ops.hook = nfo_hook_port;
	p->ops.priv = p;
	p->ops.pf = NFPROTO_NETDEV;
	p->ops.hooknum = NF_NETDEV_INGRESS;
	/*
	 * Last on the port: whatever else the port runs (the user's ingress
	 * chains, tc, taps) sees the packet first, as on the normal path,
	 * where all of it runs before the bridge or the VLAN code.
	 */
	p->ops.priority = INT_MAX;
	p->ops.dev = dev;
	dev_hold(dev);
	dev_hold(upper);
	if (nf_register_net_hook(dev_net(dev), &p->ops)) {
		dev_put(upper);
		dev_put(dev);
		kfree(p);
		return;
	}
	list_add_tail(&p->list, &f->ports);
	atomic_inc(&nn->port_hooks);
}

void nfo_ports_sync_ft(struct nfo_net *nn, struct nfo_ft *f)
{
	struct nft_flowtable *nft = nfo_nft(f);
	struct net *net = read_pnet(&f->ft->net);
	struct nfo_port *p, *tmp;
	struct net_device *upper;

	ASSERT_RTNL();
	lockdep_assert_held(&nn->lock);
	if (f->ports_gone)
		return;
	WRITE_ONCE(f->ports_devs, nfo_ft_num_devs(nft));
	list_for_each_entry(p, &f->ports, list)
		p->seen = false;

	for_each_netdev(net, upper) {
		struct net_device *lower;
		struct list_head *iter;

		if (upper->reg_state != NETREG_REGISTERED ||
		    !nfo_ft_lists(nft, upper))
			continue;
		if (netif_is_bridge_master(upper)) {
			netdev_for_each_lower_dev(upper, lower, iter)
				nfo_port_want(nn, f, upper, lower,
					      NFO_PORT_BRIDGE);
		} else if (is_vlan_dev(upper)) {
			nfo_port_want(nn, f, upper, vlan_dev_real_dev(upper),
				      NFO_PORT_VLAN);
		}
	}

	list_for_each_entry_safe(p, tmp, &f->ports, list)
		if (!p->seen)
			nfo_port_del(nn, p);
}

void nfo_ports_sync(struct nfo_net *nn)
{
	struct nfo_ft *f;

	mutex_lock(&nn->lock);
	list_for_each_entry(f, &nn->flowtables, list)
		nfo_ports_sync_ft(nn, f);
	mutex_unlock(&nn->lock);
}

void nfo_ports_gc(struct nfo_net *nn, struct nfo_ft *f)
{
	if (!READ_ONCE(f->ports_dirty) &&
	    nfo_ft_num_devs(nfo_nft(f)) == READ_ONCE(f->ports_devs))
		return;
	/* Not now: the next run tries again. */
	if (!rtnl_trylock())
		return;
	WRITE_ONCE(f->ports_dirty, false);
	mutex_lock(&nn->lock);
	nfo_ports_sync_ft(nn, f);
	mutex_unlock(&nn->lock);
	rtnl_unlock();
}

void nfo_ports_free(struct nfo_net *nn, struct nfo_ft *f)
{
	struct nfo_port *p, *tmp;

	lockdep_assert_held(&nn->lock);
	f->ports_gone = true;
	list_for_each_entry_safe(p, tmp, &f->ports, list)
		nfo_port_del(nn, p);
}

/* Under RTNL: the bridge changed @mask of NFO_BRP_* to @val for @dev. */
static void nfo_ports_brp(struct net_device *dev, u8 mask, u8 val)
{
	struct nfo_net *nn = nfo_pernet(dev_net(dev));
	bool bridge = netif_is_bridge_master(dev);
	struct nfo_port *p;
	struct nfo_ft *f;

	mutex_lock(&nn->lock);
	list_for_each_entry(f, &nn->flowtables, list) {
		list_for_each_entry(p, &f->ports, list) {
			if (p->kind != NFO_PORT_BRIDGE ||
			    (bridge ? p->upper : p->ops.dev) != dev)
				continue;
			WRITE_ONCE(p->brp, (p->brp & ~mask) | (val & mask));
		}
	}
	mutex_unlock(&nn->lock);
}

/*
 * The bridge's switchdev notifications of what the port hooks follow.
 * Port states come deferred, from switchdev's work under RTNL, a moment
 * after the bridge applied them: a port that just stopped forwarding may
 * still have a packet taken in that moment, as hardware that learns the
 * state the same way would.  The others come under RTNL as they are made.
 */
static int nfo_ports_switchdev(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct switchdev_notifier_port_attr_info *info = ptr;
	struct net_device *dev = switchdev_notifier_info_to_dev(ptr);
	const struct switchdev_attr *attr;

	if (event != SWITCHDEV_PORT_ATTR_SET)
		return NOTIFY_DONE;
	attr = info->attr;
	switch (attr->id) {
	case SWITCHDEV_ATTR_ID_PORT_STP_STATE:
		nfo_ports_brp(dev, NFO_BRP_FORWARDING,
			      attr->u.stp_state == BR_STATE_FORWARDING ?
			      NFO_BRP_FORWARDING : 0);
		break;
	case SWITCHDEV_ATTR_ID_PORT_BRIDGE_FLAGS:
		if (attr->u.brport_flags.mask & NFO_BR_LOCKED_FLAGS)
			nfo_ports_brp(dev, NFO_BRP_LOCKED,
				      attr->u.brport_flags.val &
				      NFO_BR_LOCKED_FLAGS ?
				      NFO_BRP_LOCKED : 0);
		break;
	case SWITCHDEV_ATTR_ID_BRIDGE_VLAN_FILTERING:
		nfo_ports_brp(dev, NFO_BRP_VLAN_FILTERING,
			      attr->u.vlan_filtering ?
			      NFO_BRP_VLAN_FILTERING : 0);
		break;
	case SWITCHDEV_ATTR_ID_BRIDGE_MST:
		nfo_ports_brp(dev, NFO_BRP_MST, attr->u.mst ? NFO_BRP_MST : 0);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nfo_ports_switchdev_nb = {
	.notifier_call	= nfo_ports_switchdev,
};

int nfo_ports_init(void)
{
	return register_switchdev_blocking_notifier(&nfo_ports_switchdev_nb);
}

void nfo_ports_exit(void)
{
	unregister_switchdev_blocking_notifier(&nfo_ports_switchdev_nb);
}
