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
 * the cached route, or directly: where the output device is plain Ethernet
 * and its next hop is already resolved, the Ethernet header is built from
 * the held neighbour entry and the device address, skipping the neighbour
 * lookup per packet.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/inet_dscp.h>
#include <net/ip6_route.h>
#include <net/ndisc.h>
#include <net/netfilter/nf_tables.h>
#include <net/route.h>

#include "nfo.h"
#include "flow.h"

/* An Ethernet device with nothing between it and the wire we must emulate. */
static bool nfo_plain_ether(const struct net_device *dev)
{
	return dev->type == ARPHRD_ETHER && dev->addr_len == ETH_ALEN &&
	       !is_vlan_dev(dev) && !netif_is_bridge_master(dev) &&
	       !netif_is_macsec(dev) && !dev->netdev_ops->ndo_fill_forward_path &&
	       !(dev->flags & IFF_NOARP);
}

/*
 * Next hop of @dst towards @daddr, as a held, resolved neighbour, or NULL
 * when the path is not plain Ethernet or the neighbour is not valid yet.
 */
static struct neighbour *nfo_direct_neigh(struct dst_entry *dst, u8 family,
					  const union nf_inet_addr *daddr)
{
	struct net_device *dev = dst->dev;
	struct neighbour *n;

	if (!nfo_plain_ether(dev) || dst->lwtstate)
		return NULL;

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

static void nfo_route_xmit(struct nfo_route *route, int d, u8 family,
			   const struct nf_conn *ct)
{
	struct dst_entry *dst = route->dir[d].dst;
	struct neighbour *n;

	/* Packets of direction d end up at the other direction's source. */
	n = nfo_direct_neigh(dst, family, &ct->tuplehash[!d].tuple.src.u3);
	if (!n) {
		route->dir[d].xmit = NFO_XMIT_NEIGH;
		return;
	}
	route->dir[d].xmit = NFO_XMIT_DIRECT;
	route->dir[d].neigh = n;
	ether_addr_copy(route->dir[d].h_source, dst->dev->dev_addr);
}

void nfo_route_release(struct nfo_route *route)
{
	int d;

	for (d = 0; d < 2; d++) {
		dst_release(route->dir[d].dst);
		route->dir[d].dst = NULL;
		if (route->dir[d].neigh)
			neigh_release(route->dir[d].neigh);
		route->dir[d].neigh = NULL;
	}
}

/* Fill @route for offloading @ct from packet @pkt of direction @dir. */
int nfo_route_build(const struct nft_pktinfo *pkt, const struct nf_conn *ct,
		    enum ip_conntrack_dir dir, struct nfo_route *route)
{
	struct dst_entry *this_dst = skb_dst(pkt->skb);
	struct dst_entry *other_dst = NULL;
	u8 family = nft_pf(pkt);
	struct flowi fl = {};

	if (!this_dst || !nft_in(pkt))
		return -ENOENT;

	if (family == NFPROTO_IPV4) {
		fl.u.ip4.daddr = ct->tuplehash[dir].tuple.src.u3.ip;
		fl.u.ip4.saddr = ct->tuplehash[!dir].tuple.src.u3.ip;
		fl.u.ip4.flowi4_oif = nft_in(pkt)->ifindex;
		fl.u.ip4.flowi4_iif = this_dst->dev->ifindex;
		fl.u.ip4.flowi4_tos = ip_hdr(pkt->skb)->tos &
				      NFO_ROUTE_TOS_MASK;
		fl.u.ip4.flowi4_mark = pkt->skb->mark;
		fl.u.ip4.flowi4_flags = FLOWI_FLAG_ANYSRC;
	} else {
		fl.u.ip6.daddr = ct->tuplehash[dir].tuple.src.u3.in6;
		fl.u.ip6.saddr = ct->tuplehash[!dir].tuple.src.u3.in6;
		fl.u.ip6.flowi6_oif = nft_in(pkt)->ifindex;
		fl.u.ip6.flowi6_iif = this_dst->dev->ifindex;
		fl.u.ip6.flowlabel = ip6_flowinfo(ipv6_hdr(pkt->skb));
		fl.u.ip6.flowi6_mark = pkt->skb->mark;
		fl.u.ip6.flowi6_flags = FLOWI_FLAG_ANYSRC;
	}

	if (!dst_hold_safe(this_dst))
		return -ENOENT;
	nf_route(nft_net(pkt), &other_dst, &fl, false, family);
	if (!other_dst) {
		dst_release(this_dst);
		return -ENOENT;
	}
	/*
	 * IPsec output must go through xfrm (encryption); the fast path has
	 * no such transmit yet, so such connections stay on the normal path.
	 */
	if (dst_xfrm(this_dst) || dst_xfrm(other_dst)) {
		dst_release(this_dst);
		dst_release(other_dst);
		return -EOPNOTSUPP;
	}

	memset(route, 0, sizeof(*route));
	route->dir[dir].dst = this_dst;
	route->dir[dir].iif = nft_in(pkt)->ifindex;
	route->dir[!dir].dst = other_dst;
	route->dir[!dir].iif = this_dst->dev->ifindex;

	nfo_route_xmit(route, dir, family, ct);
	nfo_route_xmit(route, !dir, family, ct);
	return 0;
}
