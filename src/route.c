// SPDX-License-Identifier: GPL-2.0
/*
 * Route and transmit setup when `flow add` offloads a connection.
 *
 * The packet being evaluated is forwarded by the normal path, so it carries
 * the route of its own direction.  The other direction is looked up as the
 * normal path would route a reply: to this packet's sender, entering where
 * this packet leaves, with the packet's mark (policy routing).
 *
 * Each direction then transmits either through the neighbour layer with
 * the cached route, or directly: the route's device is followed down
 * through VLAN, bridge and PPPoE devices to an Ethernet port (the port the
 * flowtable hooks, when there are layers), and the fast path pushes the
 * tags or the PPPoE header and the Ethernet header itself, the destination
 * address coming from the held neighbour entry (or the PPPoE peer).
 *
 * A direction whose route is an IPsec (xfrm) bundle is sent through xfrm
 * output with that bundle instead.  The forwarded packet's own dst is
 * already the bundle (ip_forward() and ip6_forward() look the policy up
 * before the forward hook); the other direction's route gets the same
 * policy lookup here, which nf_route() does not do.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/inet_dscp.h>
#include <net/ip6_route.h>
#include <net/ndisc.h>
#include <net/netfilter/nf_tables.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "nfo.h"
#include "flow.h"
#include "logic/path.h"

/* A device that speaks Ethernet with an address of its own. */
static bool nfo_ether_dev(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN &&
	       !(dev->flags & (IFF_LOOPBACK | IFF_NOARP)) &&
	       is_valid_ether_addr(dev->dev_addr);
}

/* Is @dev one of the flowtable's devices, where its hook catches packets? */
static bool nfo_ft_hooks_dev(const struct nft_flowtable *nft,
			     const struct net_device *dev)
{
	struct nft_hook *hook;

	list_for_each_entry_rcu(hook, &nft->hook_list, list)
		if (hook->ops.dev == dev)
			return true;
	return false;
}

/*
 * Next hop of @dst towards @daddr, as a held, resolved neighbour, or NULL
 * when it is not resolved yet.
 */
static struct neighbour *nfo_dst_neigh(struct dst_entry *dst, u8 family,
				       const union nf_inet_addr *daddr)
{
	struct net_device *dev = dst->dev;
	struct neighbour *n;

	rcu_read_lock();
	if (family == NFPROTO_IPV4) {
		__be32 nh = rt_nexthop(dst_rtable(dst), daddr->ip);

		n = __ipv4_neigh_lookup_noref(dev, (__force u32)nh);
	} else {
		const struct in6_addr *nh = rt6_nexthop(dst_rt6_info(dst),
							&daddr->in6);

		n = __ipv6_neigh_lookup_noref(dev, nh);
	}
	if (n && (!(READ_ONCE(n->nud_state) & NUD_VALID) ||
		  !refcount_inc_not_zero(&n->refcnt)))
		n = NULL;
	rcu_read_unlock();
	return n;
}

/* A held reference to the device a path step names (RCU held). */
static struct net_device *nfo_path_hold(const struct net_device *dev)
{
	struct net_device *held;

	held = dev_get_by_index_rcu(dev_net(dev), dev->ifindex);
	if (held != dev)
		return NULL;
	dev_hold(held);
	return held;
}

/*
 * Drop the references @path holds; the path itself is left as it was, for
 * its owner to discard.
 */
void nfo_path_put(const struct nfo_path *path)
{
	int i;

	for (i = 0; i < path->upper.num; i++)
		dev_put(path->upper.dev[i]);
	if (path->neigh)
		neigh_release(path->neigh);
	dev_put(path->dev);
}

/* Drop the references of a path being built, and empty it. */
void nfo_path_release(struct nfo_path *path)
{
	nfo_path_put(path);
	memset(path, 0, sizeof(*path));
}

bool nfo_path_uses_dev(const struct nfo_path *path, int ifindex)
{
	int i;

	if (path->dev && path->dev->ifindex == ifindex)
		return true;
	if (path->neigh && path->neigh->dev->ifindex == ifindex)
		return true;
	for (i = 0; i < path->upper.num; i++)
		if (path->upper.dev[i]->ifindex == ifindex)
			return true;
	return false;
}

/* The steps of a dev_fill_forward_path() result, as logic/path.h has them. */
static void nfo_path_steps(const struct net_device_path_stack *stack,
			   struct nfo_step *steps)
{
	int i;

	for (i = 0; i < stack->num_paths; i++) {
		const struct net_device_path *p = &stack->path[i];
		struct nfo_step *s = &steps[i];

		memset(s, 0, sizeof(*s));
		switch (p->type) {
		case DEV_PATH_ETHERNET:
			s->kind = NFO_STEP_ETHERNET;
			break;
		case DEV_PATH_VLAN:
		case DEV_PATH_PPPOE:
			s->kind = p->type == DEV_PATH_VLAN ? NFO_STEP_VLAN :
							     NFO_STEP_PPPOE;
			s->encap.id = p->encap.id;
			s->encap.proto = p->encap.proto;
			break;
		case DEV_PATH_BRIDGE:
			s->kind = NFO_STEP_BRIDGE;
			s->encap.id = p->bridge.vlan_id;
			s->encap.proto = p->bridge.vlan_proto;
			switch (p->bridge.vlan_mode) {
			case DEV_PATH_BR_VLAN_KEEP:
				s->br_vlan = NFO_BR_VLAN_KEEP;
				break;
			case DEV_PATH_BR_VLAN_TAG:
				s->br_vlan = NFO_BR_VLAN_TAG;
				break;
			case DEV_PATH_BR_VLAN_UNTAG:
				s->br_vlan = NFO_BR_VLAN_UNTAG;
				break;
			default:
				s->br_vlan = NFO_BR_VLAN_UNTAG_HW;
				break;
			}
			break;
		case DEV_PATH_DSA:
			s->kind = NFO_STEP_DSA;
			break;
		default:
			s->kind = NFO_STEP_OTHER;
			break;
		}
	}
}

/*
 * Plan a dev_fill_forward_path() result (logic/path.h) into @plan: its
 * port, and the tags to push there.  With @hold, @path holds the devices
 * above the port and takes the addresses the layers give.  Returns the
 * port's step, or -1 for a path the fast path does not emulate.
 */
static int nfo_path_walk(const struct net_device_path_stack *stack,
			 struct nfo_path *path, struct nfo_path_plan *plan,
			 bool hold)
{
	struct nfo_step steps[NET_DEVICE_PATH_STACK_MAX];
	int i;

	nfo_path_steps(stack, steps);
	if (!nfo_path_plan(steps, stack->num_paths, plan))
		return -1;
	path->bridge = plan->bridge;
	path->pppoe = plan->pppoe;

	for (i = 0; i < plan->port; i++) {
		const struct net_device_path *step = &stack->path[i];
		struct net_device *upper;

		if (step->type == DEV_PATH_PPPOE)
			ether_addr_copy(path->h_dest, step->encap.h_dest);
		if (!hold)
			continue;
		if (path->upper.num >= NFO_UPPER_MAX)
			return -1;
		upper = nfo_path_hold(step->dev);
		if (!upper)
			return -1;
		if (is_vlan_dev(upper))
			path->upper.vlan |= BIT(path->upper.num);
		else if (netif_is_bridge_master(upper))
			path->upper.tstats |= BIT(path->upper.num);
		path->upper.dev[path->upper.num++] = upper;
		if (is_zero_ether_addr(path->h_source) && nfo_ether_dev(upper))
			ether_addr_copy(path->h_source, upper->dev_addr);
	}
	return plan->port;
}

/*
 * Set up DIRECT transmit for direction @d, whose packets leave by @dst
 * towards @daddr: find the port under the route's device, the layers to
 * push and the addresses.  When the flowtable lists the port, the other
 * direction's packets are caught there, with those layers: @iif and
 * @encap (outermost first) say so; else they are caught at the route's
 * device (or below it, by a port hook), as @iif already says.  Returns
 * false, with nothing held, when the path cannot be emulated or the
 * flowtable lists neither; the direction then uses the neighbour layer
 * and the route's device.
 */
static bool nfo_path_build(struct dst_entry *dst, u8 family,
			   const union nf_inet_addr *daddr,
			   const struct nft_flowtable *nft,
			   struct nfo_path *path, int *iif,
			   struct nfo_tuple_encap *encap, u8 *encap_num)
{
	struct net_device_path_stack stack;
	struct net_device *dev = dst->dev;
	const struct net_device *port;
	struct nfo_path_plan plan;
	u8 ha[ETH_ALEN] = {};
	int i, step;

	memset(path, 0, sizeof(*path));
	if (nfo_ether_dev(dev)) {
		path->neigh = nfo_dst_neigh(dst, family, daddr);
		if (!path->neigh)
			return false;
		neigh_ha_snapshot(ha, path->neigh, path->neigh->dev);
		ether_addr_copy(path->h_dest, ha);
	} else if (!dev->netdev_ops->ndo_fill_forward_path) {
		return false;
	}

	path->fdb_gen = nfo_fdb_gen_read();
	rcu_read_lock();
	if (dev_fill_forward_path(dev, ha, &stack) < 0)
		goto fail;
	step = nfo_path_walk(&stack, path, &plan, true);
	if (step < 0)
		goto fail;

	port = stack.path[step].dev;
	if (!nfo_ether_dev(port))
		goto fail;
	/*
	 * The other direction's packets must be caught: at the port when
	 * the flowtable lists it (its tuple then names the port and the
	 * tags), else at the route's device when the flowtable lists that
	 * (its tuple names that device, as the caller set it, and a port
	 * hook may catch them below it: ports.h).
	 */
	path->at_port = step == 0 || nfo_ft_hooks_dev(nft, port);
	/* Hardware rules match where packets arrive: at the port. */
	if (!path->at_port && (!nfo_ft_hooks_dev(nft, dev) ||
			       nft->data.flags & NF_FLOWTABLE_HW_OFFLOAD))
		goto fail;
	/* No neighbour (PPPoE): the session gave the peer's address. */
	if (!path->neigh && !is_valid_ether_addr(path->h_dest))
		goto fail;
	path->dev = nfo_path_hold(port);
	if (!path->dev)
		goto fail;
	rcu_read_unlock();

	if (is_zero_ether_addr(path->h_source))
		ether_addr_copy(path->h_source, port->dev_addr);
	path->encap_num = plan.encap_num;
	for (i = 0; i < plan.encap_num; i++)
		path->encap[i] = plan.encap[plan.encap_num - 1 - i];

	if (path->at_port) {
		*iif = port->ifindex;
		*encap_num = plan.encap_num;
		memcpy(encap, path->encap, sizeof(path->encap));
	}
	return true;

fail:
	rcu_read_unlock();
	nfo_path_release(path);
	return false;
}

/*
 * Does a bridge path still lead where it did?  Called by the datapath (RCU
 * held, softirq) when the bridges' forwarding databases changed since the
 * path was found: a client that moved to another port (Wi-Fi roaming), an
 * entry that aged out, a port's VLANs that changed.  @dev is the route's
 * device.  The destination is the address the path was found for: when
 * the neighbour's address changes, the datapath tears the flow down.
 */
bool nfo_path_current(const struct nfo_path *path, struct net_device *dev)
{
	struct net_device_path_stack stack;
	struct nfo_path_plan plan;
	struct nfo_path now = {};
	int i, num, step;

	if (dev_fill_forward_path(dev, path->h_dest, &stack) < 0)
		return false;
	step = nfo_path_walk(&stack, &now, &plan, false);
	if (step < 0 || stack.path[step].dev != path->dev ||
	    plan.encap_num != path->encap_num)
		return false;
	num = plan.encap_num;
	for (i = 0; i < num; i++)
		if (plan.encap[num - 1 - i].id != path->encap[i].id ||
		    plan.encap[num - 1 - i].proto != path->encap[i].proto)
			return false;
	return true;
}

static void nfo_route_xmit(struct nfo_route *route, int d, u8 family,
			   const struct nf_conn *ct,
			   const struct nft_flowtable *nft)
{
	if (dst_xfrm(route->dir[d].dst)) {
		route->dir[d].xmit = NFO_XMIT_XFRM;
		return;
	}
	/* Packets of direction d end up at the other direction's source. */
	if (nfo_path_build(route->dir[d].dst, family,
			   &ct->tuplehash[!d].tuple.src.u3, nft,
			   &route->dir[d].path, &route->dir[!d].iif,
			   route->dir[!d].encap, &route->dir[!d].encap_num))
		route->dir[d].xmit = NFO_XMIT_DIRECT;
	else
		route->dir[d].xmit = NFO_XMIT_NEIGH;
}

void nfo_route_release(struct nfo_route *route)
{
	int d;

	for (d = 0; d < 2; d++) {
		dst_release(route->dir[d].dst);
		route->dir[d].dst = NULL;
		nfo_path_release(&route->dir[d].path);
	}
}

/* Protocol and ports of a flow key, for IPsec policy selectors. */
static void nfo_flowi_ports(struct flowi *fl, u8 family, u8 proto,
			    __be16 sport, __be16 dport)
{
	if (family == NFPROTO_IPV4) {
		fl->u.ip4.flowi4_proto = proto;
		fl->u.ip4.fl4_sport = sport;
		fl->u.ip4.fl4_dport = dport;
	} else {
		fl->u.ip6.flowi6_proto = proto;
		fl->u.ip6.fl6_sport = sport;
		fl->u.ip6.fl6_dport = dport;
	}
}

/*
 * With NAT the normal path looks the IPsec policy up again after source
 * NAT (nf_xfrm_me_harder() from the NAT postrouting hook), with the
 * packet as it leaves; a flow offloaded with the route from before NAT
 * could then send in clear what must be encrypted, or with the wrong
 * bundle.  NATed connections are offloaded only when no outbound policy
 * transforms either direction, before or after NAT: true when that is so.
 * @route's dsts are plain routes here.
 */
static bool nfo_route_nat_clear(struct net *net, const struct nf_conn *ct,
				const struct nfo_route *route, u8 family,
				u32 mark)
{
	int d;

	for (d = 0; d < 2; d++) {
		const struct nf_conntrack_tuple *out = &ct->tuplehash[!d].tuple;
		struct dst_entry *dst = route->dir[d].dst, *res;
		struct flowi fl = {};

		/* Packets of direction d leave as the reverse of out. */
		if (family == NFPROTO_IPV4) {
			fl.u.ip4.saddr = out->dst.u3.ip;
			fl.u.ip4.daddr = out->src.u3.ip;
			fl.u.ip4.flowi4_oif = dst->dev->ifindex;
			fl.u.ip4.flowi4_mark = mark;
		} else {
			fl.u.ip6.saddr = out->dst.u3.in6;
			fl.u.ip6.daddr = out->src.u3.in6;
			fl.u.ip6.flowi6_oif = dst->dev->ifindex;
			fl.u.ip6.flowi6_mark = mark;
		}
		nfo_flowi_ports(&fl, family, out->dst.protonum, out->dst.u.all,
				out->src.u.all);
		dst_hold(dst);
		res = xfrm_lookup(net, dst, &fl, NULL, 0);
		if (IS_ERR(res))
			return false;
		dst_release(res);
		if (res != dst)
			return false;
	}
	return true;
}

/*
 * Fill @route for offloading @ct from packet @pkt of direction @dir.
 * Errors: -EOPNOTSUPP an IPsec policy keeps a direction on the normal
 * path, -EXDEV NAT and IPsec meet, -ENOPROTOOPT a lightweight tunnel,
 * others no route.
 */
int nfo_route_build(const struct nft_pktinfo *pkt, const struct nf_conn *ct,
		    enum ip_conntrack_dir dir, const struct nft_flowtable *nft,
		    struct nfo_route *route)
{
	const struct nf_conntrack_tuple *orig = &ct->tuplehash[dir].tuple;
	const struct nf_conntrack_tuple *repl = &ct->tuplehash[!dir].tuple;
	struct dst_entry *this_dst = skb_dst(pkt->skb);
	struct dst_entry *other_dst = NULL;
	u8 family = nft_pf(pkt);
	struct flowi fl = {};

	if (!this_dst || !nft_in(pkt))
		return -ENOENT;

	if (family == NFPROTO_IPV4) {
		fl.u.ip4.daddr = orig->src.u3.ip;
		fl.u.ip4.saddr = repl->src.u3.ip;
		fl.u.ip4.flowi4_oif = nft_in(pkt)->ifindex;
		fl.u.ip4.flowi4_iif = this_dst->dev->ifindex;
		fl.u.ip4.flowi4_tos = ip_hdr(pkt->skb)->tos &
				      NFO_ROUTE_TOS_MASK;
		fl.u.ip4.flowi4_mark = pkt->skb->mark;
		fl.u.ip4.flowi4_flags = FLOWI_FLAG_ANYSRC;
	} else {
		fl.u.ip6.daddr = orig->src.u3.in6;
		fl.u.ip6.saddr = repl->src.u3.in6;
		fl.u.ip6.flowi6_oif = nft_in(pkt)->ifindex;
		fl.u.ip6.flowi6_iif = this_dst->dev->ifindex;
		fl.u.ip6.flowlabel = ip6_flowinfo(ipv6_hdr(pkt->skb));
		fl.u.ip6.flowi6_mark = pkt->skb->mark;
		fl.u.ip6.flowi6_flags = FLOWI_FLAG_ANYSRC;
	}
	/* The reply after destination NAT, before source NAT. */
	nfo_flowi_ports(&fl, family, repl->dst.protonum, repl->src.u.all,
			orig->src.u.all);

	if (!dst_hold_safe(this_dst))
		return -ENOENT;
	nf_route(nft_net(pkt), &other_dst, &fl, false, family);
	if (!other_dst) {
		dst_release(this_dst);
		return -ENOENT;
	}
	/*
	 * What ip_forward() would do next with the reply: its outbound IPsec
	 * policy, so that a reply that must be encrypted never leaves in
	 * clear.  An error (the policy blocks it, or its SA is not there
	 * yet: the normal path would queue or drop it) keeps the connection
	 * on the normal path.  Consumes other_dst.
	 */
	other_dst = xfrm_lookup(nft_net(pkt), other_dst, &fl, NULL, 0);
	if (IS_ERR(other_dst)) {
		dst_release(this_dst);
		return -EOPNOTSUPP;
	}

	/*
	 * A route with lightweight-tunnel state (MPLS, seg6 or BPF
	 * encapsulation; tunnel metadata) sends through that state, which
	 * none of our transmits would apply: such a connection stays on the
	 * normal path.
	 */
	if (this_dst->lwtstate || other_dst->lwtstate) {
		dst_release(this_dst);
		dst_release(other_dst);
		return -ENOPROTOOPT;
	}

	memset(route, 0, sizeof(*route));
	route->dir[dir].dst = this_dst;
	route->dir[dir].iif = nft_in(pkt)->ifindex;
	route->dir[!dir].dst = other_dst;
	route->dir[!dir].iif = this_dst->dev->ifindex;

	if ((ct->status & IPS_NAT_MASK) &&
	    (dst_xfrm(this_dst) || dst_xfrm(other_dst) ||
	     !nfo_route_nat_clear(nft_net(pkt), ct, route, family,
				  pkt->skb->mark))) {
		nfo_route_release(route);
		return -EXDEV;
	}

	nfo_route_xmit(route, dir, family, ct, nft);
	nfo_route_xmit(route, !dir, family, ct, nft);
	return 0;
}
