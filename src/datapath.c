// SPDX-License-Identifier: GPL-2.0
/*
 * The fast path: the netfilter ingress hook of every flowtable device.
 *
 * A packet whose tuple matches an offloaded flow is rewritten (NAT, TTL or
 * hop limit) and transmitted here, skipping routing and the netfilter
 * chains.  Everything else, and anything unusual, returns NF_ACCEPT to the
 * normal path untouched: every check that can send a packet back is made
 * before the first byte is changed.
 *
 * Runs in softirq context under rcu_read_lock().  A forwarded packet takes
 * no lock of ours: the neighbour's address is read under its seqlock, and
 * only the transmit below takes the device's (its qdisc's).  The rare
 * steps do: a teardown takes the conntrack entry's lock
 * (nfo_flow_teardown()), a stale neighbour's confirmation the neighbour's
 * (neigh_event_send()).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_bridge.h>
#include <net/dst.h>
#include <net/ip6_route.h>
#include <net/neighbour.h>
#include <net/netfilter/nf_conntrack_acct.h>
#include <net/route.h>
#include <net/sch_generic.h>
#include <net/xfrm.h>

#include "nfo.h"
#include "flow.h"
#include "ports.h"
#include "logic/csum.h"
#include "logic/timeout.h"

/* A busy flow rewrites its expiry at most this often. */
#define NFO_REFRESH_SLACK	(HZ / 4)

static unsigned int nfo_slow(struct nfo_net *nn, unsigned int reason)
{
	nfo_stat_slow(nn, reason);
	return NF_ACCEPT;
}

/* Direct calls: a function pointer costs a retpoline on every packet. */
static enum nfo_verdict nfo_parse_ip(const struct sk_buff *skb, u8 family,
				     unsigned int len, struct nfo_pkt *p)
{
	if (family == NFO_FAMILY_IPV4)
		return nfo_parse_ipv4(skb->data, skb_headlen(skb), len, p);
	return nfo_parse_ipv6(skb->data, skb_headlen(skb), len, p);
}

/* Parse the IP packet at skb->data, at most @max bytes long (PPPoE). */
static enum nfo_verdict nfo_parse(struct sk_buff *skb, u8 family, u32 max,
				  struct nfo_pkt *p)
{
	unsigned int len = min_t(u32, skb->len, max);
	enum nfo_verdict v;

	v = nfo_parse_ip(skb, family, len, p);
	if (v != NFO_PULL)
		return v;
	if (!pskb_may_pull(skb, p->need))
		return NFO_R_TRUNCATED;
	return nfo_parse_ip(skb, family, len, p);
}

/*
 * The layers a frame arrived in: a tag the device took off, then VLAN or
 * PPPoE headers in the data.  NFO_R_PROTO when there is no IP inside.
 */
static enum nfo_verdict nfo_rx_encap(struct sk_buff *skb, struct nfo_encap *e)
{
	u16 ethertype = ntohs(skb->protocol);
	enum nfo_verdict v;

	nfo_encap_init(e);
	if (skb_vlan_tag_present(skb))
		nfo_encap_add(e, skb_vlan_tag_get_id(skb), skb->vlan_proto);
	v = nfo_parse_encap(skb->data, skb_headlen(skb), skb->len, ethertype,
			    e);
	if (v != NFO_PULL)
		return v;
	if (!pskb_may_pull(skb, e->need))
		return NFO_R_TRUNCATED;
	return nfo_parse_encap(skb->data, skb_headlen(skb), skb->len,
			       ethertype, e);
}

/*
 * Push the VLAN tags of @path in front of the IP packet at skb->data;
 * headroom was made before.  The outermost tag goes to the device as an
 * out-of-band tag, as the stack hands them over.  (A path into a PPPoE
 * session is never sent directly: nfo_path_via_upper().)
 */
static void nfo_tx_encap(struct sk_buff *skb, const struct nfo_path *path)
{
	int i;

	for (i = path->encap_num - 1; i >= 0; i--) {
		const struct nfo_tuple_encap *enc = &path->encap[i];

		if (i == 0) {
			__vlan_hwaccel_put_tag(skb, enc->proto, enc->id);
		} else {
			struct vlan_hdr *vh = skb_push(skb, VLAN_HLEN);

			vh->h_vlan_TCI = htons(enc->id);
			vh->h_vlan_encapsulated_proto = skb->protocol;
			skb->protocol = enc->proto;
		}
	}
}

/* One packet of @len bytes on a VLAN device's counters. */
static void nfo_vlan_stats_add(struct net_device *dev, bool rx,
			       unsigned int len)
{
	struct vlan_pcpu_stats *s;

	s = this_cpu_ptr(vlan_dev_priv(dev)->vlan_pcpu_stats);
	u64_stats_update_begin(&s->syncp);
	if (rx) {
		u64_stats_inc(&s->rx_packets);
		u64_stats_add(&s->rx_bytes, len);
	} else {
		u64_stats_inc(&s->tx_packets);
		u64_stats_add(&s->tx_bytes, len);
	}
	u64_stats_update_end(&s->syncp);
}

/*
 * Keep the counters of the devices the normal path would have passed
 * through: received on those above the input port (when the flowtable
 * caught the packet there: struct nfo_path's at_port), sent on those
 * above the output port, where we can (flow.h: not a PPP device's).  @len is the
 * IP packet's length; VLAN and bridge devices count a sent frame with its
 * Ethernet header, as they see it.
 */
static void nfo_upper_stats(const struct nfo_path *rx,
			    const struct nfo_path *tx, const struct sk_buff *skb)
{
	const struct nfo_path_upper *up;
	unsigned int len = skb->len;
	int i;

	for (up = rx && rx->at_port ? &rx->upper : NULL, i = 0;
	     up && i < up->num; i++) {
		struct net_device *dev = up->dev[i];

		if (up->vlan & BIT(i))
			nfo_vlan_stats_add(dev, true, len);
		else if (up->tstats & BIT(i))
			dev_sw_netstats_rx_add(dev, len);
	}
	for (up = tx ? &tx->upper : NULL, i = 0; up && i < up->num; i++) {
		struct net_device *dev = up->dev[i];

		/* (Never a PPP device: those transmit themselves.) */
		if (up->vlan & BIT(i))
			nfo_vlan_stats_add(dev, false, len + ETH_HLEN);
		else if (up->tstats & BIT(i))
			dev_sw_netstats_tx_add(dev, 1, len + ETH_HLEN);
	}
}

/* The L4 checksum update for an address (4 or 16 bytes) or port change. */
static __always_inline void
nfo_l4_replace4(__sum16 *sum, __be32 from, __be32 to, bool udp, bool partial)
{
	if (udp)
		nfo_udp_csum_replace4(sum, from, to, partial, true);
	else
		nfo_l4_csum_replace4(sum, from, to, partial, true);
}

static __always_inline void
nfo_l4_replace16(__sum16 *sum, const __be32 *from, const __be32 *to, bool udp,
		 bool partial)
{
	if (udp)
		nfo_udp_csum_replace16(sum, from, to, partial, true);
	else
		nfo_l4_csum_replace16(sum, from, to, partial, true);
}

static __always_inline void
nfo_port_replace(__sum16 *sum, __be16 *port, __be16 to, bool udp, bool partial)
{
	if (udp)
		nfo_udp_csum_replace2(sum, *port, to, partial, false);
	else
		nfo_l4_csum_replace2(sum, *port, to, partial, false);
	*port = to;
}

/* @l4sum is NULL for GRE: no checksum covers the addresses. */
static __always_inline void
nfo_ipv4_addr_replace(struct iphdr *iph, __be32 *addr, __be32 to,
		      __sum16 *l4sum, bool udp, bool partial)
{
	nfo_csum_replace4(&iph->check, *addr, to);
	if (l4sum)
		nfo_l4_replace4(l4sum, *addr, to, udp, partial);
	*addr = to;
}

static __always_inline void
nfo_ipv6_addr_replace(struct in6_addr *addr, const __be32 *to, __sum16 *l4sum,
		      bool udp, bool partial)
{
	if (l4sum)
		nfo_l4_replace16(l4sum, addr->s6_addr32, to, udp, partial);
	memcpy(addr->s6_addr32, to, sizeof(addr->s6_addr32));
}

/*
 * Rewrite addresses and ports to the reverse of the other direction's
 * tuple (@rev), fixing the IPv4 header checksum and the TCP/UDP checksum
 * incrementally.  @nh is the writable network header, @p the parse
 * result.  GRE (version 0: no ports) only has its addresses rewritten;
 * its header and payload are not touched.
 */
static void nfo_nat(struct sk_buff *skb, const struct nfo_flow_dir *fd,
		    const struct nfo_tuple *rev, u8 *nh, const struct nfo_pkt *p)
{
	bool partial = skb->ip_summed == CHECKSUM_PARTIAL;
	bool udp = p->l4proto == IPPROTO_UDP;
	u8 *th = nh + p->thoff;
	__sum16 *l4sum = (__sum16 *)(th + nfo_l4_csum_offset(p->l4proto));
	__be16 *ports = (__be16 *)th;

	if (p->l4proto == IPPROTO_GRE)
		l4sum = NULL;

	if (p->family == NFO_FAMILY_IPV4) {
		struct iphdr *iph = (struct iphdr *)nh;

		if (fd->nat & NFO_NAT_SADDR)
			nfo_ipv4_addr_replace(iph, &iph->saddr, rev->dst[0],
					      l4sum, udp, partial);
		if (fd->nat & NFO_NAT_DADDR)
			nfo_ipv4_addr_replace(iph, &iph->daddr, rev->src[0],
					      l4sum, udp, partial);
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)nh;

		if (fd->nat & NFO_NAT_SADDR)
			nfo_ipv6_addr_replace(&ip6h->saddr, rev->dst, l4sum,
					      udp, partial);
		if (fd->nat & NFO_NAT_DADDR)
			nfo_ipv6_addr_replace(&ip6h->daddr, rev->src, l4sum,
					      udp, partial);
	}

	if (!l4sum)
		return;
	if (fd->nat & NFO_NAT_SPORT)
		nfo_port_replace(l4sum, &ports[0], rev->dport, udp, partial);
	if (fd->nat & NFO_NAT_DPORT)
		nfo_port_replace(l4sum, &ports[1], rev->sport, udp, partial);
}

/*
 * Is the TCP/UDP checksum right, as far as conntrack would check it at
 * prerouting (net.netfilter.nf_conntrack_checksum)?  Free when the device
 * or the sender vouched for it (CHECKSUM_UNNECESSARY, CHECKSUM_PARTIAL),
 * cheap with CHECKSUM_COMPLETE; a full sum only for CHECKSUM_NONE, as the
 * normal path would compute it anyway.
 */
static bool nfo_l4_csum_ok(struct sk_buff *skb, const struct net *net,
			   const struct nfo_pkt *p)
{
	const u8 *th = skb->data + p->thoff;

	/* Conntrack does not check GRE; the tunnel's end may. */
	if (p->l4proto == IPPROTO_GRE ||
	    skb_csum_unnecessary(skb) || !READ_ONCE(net->ct.sysctl_checksum))
		return true;
	/* No checksum at all: legal for UDP over IPv4 only. */
	if (p->l4proto == IPPROTO_UDP && p->family == NFO_FAMILY_IPV4 &&
	    !th[6] && !th[7])
		return true;
	return !nf_checksum(skb, NF_INET_PRE_ROUTING, p->thoff, p->l4proto,
			    p->family == NFO_FAMILY_IPV4 ? NFPROTO_IPV4 :
							   NFPROTO_IPV6);
}

/* @rev: the other direction's tuple, whose source is our destination. */
static void nfo_xmit_neigh(struct sk_buff *skb, const struct nfo_flow_dir *fd,
			   const struct nfo_tuple *rev, u8 family)
{
	struct net_device *outdev = fd->dst->dev;

	skb_dst_drop(skb);
	skb->dev = outdev;
	/* The flow holds the dst; RCU keeps it alive while we use it. */
	skb_dst_set_noref(skb, fd->dst);

	if (family == NFO_FAMILY_IPV4) {
		__be32 nh = rt_nexthop(dst_rtable(fd->dst), rev->src[0]);

		neigh_xmit(NEIGH_ARP_TABLE, outdev, &nh, skb);
	} else {
		const struct in6_addr *nh;

		nh = rt6_nexthop(dst_rt6_info(fd->dst),
				 (const struct in6_addr *)rev->src);
		neigh_xmit(NEIGH_ND_TABLE, outdev, nh, skb);
	}
}

/*
 * Onto the wire from @outdev, with the VLAN tags of @path when there is
 * one.  Headroom was made before the packet was changed.
 */
static void nfo_xmit_direct(struct sk_buff *skb, const struct nfo_path *path,
			    struct net_device *outdev, const u8 *h_dest)
{
	const u8 *h_source = path ? path->h_source : outdev->dev_addr;

	skb_dst_drop(skb);
	skb->dev = outdev;
	if (path)
		nfo_tx_encap(skb, path);
	if (likely(outdev->header_ops &&
		   outdev->header_ops->create == eth_header)) {
		/*
		 * What eth_header() would write (our ethertypes are never
		 * 802.3 lengths), without the indirect call.
		 */
		struct ethhdr *eth = __skb_push(skb, ETH_HLEN);

		eth->h_proto = skb->protocol;
		ether_addr_copy(eth->h_source, h_source);
		ether_addr_copy(eth->h_dest, h_dest);
	} else if (dev_hard_header(skb, outdev, ntohs(skb->protocol), h_dest,
				   h_source, skb->len) < 0) {
		kfree_skb(skb);
		return;
	}
	dev_queue_xmit(skb);
}

/*
 * Through IPsec output with the flow's bundle, as ip_forward_finish() and
 * ip6_forward_finish() hand a forwarded packet to dst_output(): encryption,
 * then the outer packet's local-out and postrouting.  The inner packet
 * skips the postrouting hook (the REROUTED flag, which xfrm output clears
 * with the rest of the control block before it builds the outer packet),
 * as every offloaded packet skips the chains after ingress: it carries no
 * conntrack entry, and a postrouting rule such as `ct state invalid drop`
 * would otherwise take it for one.  The bundle is set without a reference
 * (the flow holds it and RCU keeps it while we run): xfrm output takes
 * its own (skb_dst_force()) before any asynchronous step, crypto or a
 * queueing hook, and GSO segments are made and sent before it returns.
 */
static void nfo_xmit_xfrm(struct sk_buff *skb, const struct nfo_flow_dir *fd,
			  u8 family, struct net *net)
{
	skb_dst_drop(skb);
	skb_dst_set_noref(skb, fd->dst);
	if (family == NFO_FAMILY_IPV4) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		IPCB(skb)->iif = skb->skb_iif;
		IPCB(skb)->flags = IPSKB_FORWARDED | IPSKB_REROUTED;
	} else {
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		IP6CB(skb)->iif = skb->skb_iif;
		IP6CB(skb)->flags = IP6SKB_FORWARDED | IP6SKB_REROUTED;
	}
	dst_output(net, NULL, skb);
}

/*
 * The forward policy check ip_forward() and ip6_forward() make before
 * anything else (xfrm4/6_policy_check(XFRM_POLICY_FWD)): a packet that
 * arrives in clear where a policy wants it decrypted, that a policy
 * blocks, or that was decrypted (it is back from xfrm input with a
 * secpath) by SAs other than those the policy asks for, or by a tunnel
 * no policy covers, is the normal path's to drop.  For a packet in clear,
 * without forward policies and with the default "accept", this costs
 * three reads; otherwise it is the same policy lookup the normal path
 * makes.  It runs before NAT on a packet without a conntrack entry, which
 * is what the normal path's check sees too: it maps NATed addresses back
 * to the arriving ones.  The route is set for the check only (policies
 * may name the output device).  Unlike the normal path there is no
 * exemption for devices with disable_policy: their packets are checked,
 * and take the normal path when that fails.
 */
static bool nfo_xfrm_fwd_ok(struct sk_buff *skb, const struct nfo_flow_dir *fd,
			    u8 family, struct net *net)
{
#ifdef CONFIG_XFRM
	bool ok;

	if (likely(!skb_sec_path(skb) &&
		   !READ_ONCE(net->xfrm.policy_count[XFRM_POLICY_FWD]) &&
		   READ_ONCE(net->xfrm.policy_default[XFRM_POLICY_FWD]) ==
		   XFRM_USERPOLICY_ACCEPT))
		return true;
	if (skb_dst(skb))
		return false;
	/*
	 * The control block still holds what the layers below left (GRO);
	 * clear it as ip_rcv() and ipv6_rcv() do: 6.1's decode_session6()
	 * reads the next header at IP6CB()->nhoff.
	 */
	if (family == NFO_FAMILY_IPV4)
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	else
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	skb_dst_set_noref(skb, fd->dst);
	ok = __xfrm_policy_check(NULL, XFRM_POLICY_FWD, skb,
				 family == NFO_FAMILY_IPV4 ? AF_INET : AF_INET6);
	skb_dst_drop(skb);
	return ok;
#else
	return true;
#endif
}

/* Has the bridge family netfilter hooks at @hook (br_netfilter too)? */
static bool nfo_bridge_hooks(const struct net *net, unsigned int hook)
{
#ifdef CONFIG_NETFILTER_FAMILY_BRIDGE
	return rcu_access_pointer(net->nf.hooks_bridge[hook]);
#else
	return false;
#endif
}

/*
 * Must a layered direction be sent through its route's device after all,
 * because something on that device's transmit would be missed?  A PPP
 * unit always: its transmit time, which pppd's `idle` reads (no other
 * packets of the session pass it), and its queueing discipline when it
 * has one (SQM on pppoe-wan).  A VLAN device or a bridge when it has a
 * queueing discipline (a shaper: SQM) or a tap (tcpdump); a VLAN device
 * with an egress priority map (802.1p bits from skb->priority); a bridge
 * when bridge chains would see what it sends (output, postrouting).
 * Asked per packet: a shaper may come at any time, without an event.
 */
static bool nfo_path_via_upper(const struct nfo_path *path)
{
	const struct nfo_path_upper *up = &path->upper;
	int i;

	if (path->pppoe)
		return true;
	for (i = 0; i < up->num; i++) {
		struct net_device *dev = up->dev[i];

		/* noqueue has no enqueue. */
		if (rcu_dereference(netdev_get_tx_queue(dev, 0)->qdisc)->enqueue ||
		    !list_empty(&dev->ptype_all))
			return true;
		if (up->vlan & BIT(i)) {
			if (READ_ONCE(vlan_dev_priv(dev)->nr_egress_mappings))
				return true;
		} else if (netif_is_bridge_master(dev) &&
			   (nfo_bridge_hooks(dev_net(dev), NF_BR_LOCAL_OUT) ||
			    nfo_bridge_hooks(dev_net(dev), NF_BR_POST_ROUTING))) {
			return true;
		}
	}
	return false;
}

/*
 * The neighbour's Ethernet address, consistent against a concurrent
 * update (neigh_ha_snapshot() with the length known: no memcpy() call).
 */
static void nfo_neigh_ha(u8 *h_dest, const struct neighbour *n)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&n->ha_lock);
		ether_addr_copy(h_dest, n->ha);
	} while (read_seqretry(&n->ha_lock, seq));
}

/*
 * Is the port a bridge chose for this direction still its choice?  Only
 * looked at again when the forwarding databases changed (@gen).
 */
static bool nfo_bridge_path_ok(const struct nfo_flow_dir *fd,
			       struct nfo_path *path, u32 gen)
{
	if (likely(READ_ONCE(path->fdb_gen) == gen))
		return true;
	if (!nfo_path_current(path, fd->dst->dev))
		return false;
	WRITE_ONCE(path->fdb_gen, gen);
	return true;
}

/*
 * May a frame the device did not address to us (PACKET_OTHERHOST) take
 * the fast path?  Only when it is addressed to the MAC the normal path
 * would have accepted it for: a bridge port receives frames for the
 * bridge's address as "other host", and the bridge takes them in.  Ours
 * is the address our own direct transmit in the other direction sends
 * from.
 */
static bool nfo_rx_mac_ok(const struct sk_buff *skb,
			  const struct nfo_flow_dir *other)
{
	const struct nfo_path *path;

	if (skb->pkt_type == PACKET_HOST)
		return true;
	if (other->xmit != NFO_XMIT_DIRECT || !skb_mac_header_was_set(skb))
		return false;
	path = nfo_dir_path(other);
	return ether_addr_equal(eth_hdr(skb)->h_dest,
				path ? path->h_source :
				       other->dst->dev->dev_addr);
}

/*
 * A frame of a PPPoE session: the normal path takes it only from the peer
 * the session runs with (pppoe_rcv() finds the session by its id and the
 * frame's source address), and drops it from anyone else.  That peer is
 * the one our transmit in the other direction sends to; when that
 * direction does not go into the session, we cannot tell: normal path.
 */
static bool nfo_rx_peer_ok(const struct sk_buff *skb,
			   const struct nfo_flow_dir *other)
{
	const struct nfo_path *path = nfo_dir_path(other);

	return path && path->pppoe && skb_mac_header_was_set(skb) &&
	       ether_addr_equal(eth_hdr(skb)->h_source, path->h_dest);
}

/* How often a sender is left to its bridge to learn. */
#define NFO_LEARN_EVERY		HZ

/*
 * Has the bridge seen a frame from @mac, at this port, within the last
 * second?  If not, the caller leaves this one to it, and it is noted as
 * seen now.  Its forwarding database entry for the sender, refreshed by
 * every frame on the normal path, is refreshed once a second here, and
 * never ages out under busy flows, however many (ports.h: the port's
 * learn cache; a sender whose slot another took is seen again sooner).
 */
static bool nfo_port_learnt(struct nfo_port *port, const u8 *mac,
			    struct nfo_net *nn)
{
	struct nfo_port_learn *l;
	u32 now = (u32)jiffies;

	l = &port->learn[mac[5] % NFO_PORT_LEARN_SLOTS];
	if (likely(ether_addr_equal(l->mac, mac) &&
		   now - READ_ONCE(l->when) < NFO_LEARN_EVERY))
		return true;
	ether_addr_copy(l->mac, mac);
	WRITE_ONCE(l->when, now);
	this_cpu_inc(nn->stats->port_learn);
	return false;
}

/*
 * May a port hook take this packet of its flow?  Below a VLAN device,
 * yes.  Below a bridge, when the other direction is sent straight to
 * this very port and to the packet's sender (else the sender moved to
 * another port, or the bridge must find out where it is, and the bridge
 * learns it from this packet), and the bridge saw the sender lately.
 */
static __always_inline bool nfo_port_flow_ok(struct nfo_port *port,
					     const struct sk_buff *skb,
					     const struct nfo_flow_dir *other,
					     struct nfo_net *nn)
{
	const struct nfo_path *path;

	if (port->kind == NFO_PORT_VLAN)
		return true;
	path = nfo_dir_path(other);
	return path && other->xmit == NFO_XMIT_DIRECT &&
	       path->dev == skb->dev &&
	       ether_addr_equal(eth_hdr(skb)->h_source, path->h_dest) &&
	       nfo_port_learnt(port, path->h_dest, nn);
}

/*
 * What the fast path learns about a packet on its way, passed from one of
 * its parts to the next.  They are inlined into nfo_fastpath(): on the
 * stack of the hook, as one function's locals would be.
 */
struct nfo_fast {
	struct nfo_net		*nn;
	struct nfo_flow		*flow;
	struct nfo_flow_dir	*fd;		/* the packet's direction */
	const struct nfo_flow_dir *other;
	struct nfo_pkt		p;
	u8			family;
	/* Set by nfo_fast_tx(): how the packet leaves. */
	u8			xmit;
	u8			h_dest[ETH_ALEN] __aligned(2);	/* DIRECT */
	struct nfo_path		*path;		/* DIRECT with layers */
	struct net_device	*outdev;	/* DIRECT */
	/* Caught by a port hook: the port's, and the frame's length there. */
	struct nfo_port		*port;
	unsigned int		port_len;
};

/*
 * The packet's flow, and whether the flow may take it: every check that
 * may still give the packet back as it came.  Returns 0, or why the
 * normal path takes it (a slow reason, counted by the caller).
 */
static __always_inline unsigned int
nfo_fast_flow(struct nf_flowtable *ft, struct sk_buff *skb,
	      const struct nf_hook_state *state, const struct net_device *in,
	      const struct nfo_encap *e, struct nfo_fast *f)
{
	struct nfo_pkt *p = &f->p;
	/* Every byte written by nfo_tuple_from_pkt() (NFO_NOINIT). */
	struct nfo_tuple tuple NFO_NOINIT;
	struct nfo_flow_dir *fd;
	struct nfo_flow *flow;
	enum nfo_verdict v;
	u8 family = e->family;
	u32 mtu;
	int i;

	f->family = family;
	v = nfo_parse(skb, family, e->l3_max, p);
	if (v != NFO_OK && v != NFO_R_TCP_FIN_RST)
		return v;

	nfo_tuple_from_pkt(p, in->ifindex, &tuple);
	for (i = 0; i < e->num; i++)
		nfo_tuple_push_encap(&tuple, e->id[i], e->proto[i]);
	fd = nfo_flow_lookup(ft, &tuple);
	if (!fd)
		return NFO_SLOW_NO_FLOW;
	flow = nfo_flow_of(fd);
	f->fd = fd;
	f->flow = flow;
	f->other = &flow->dir[!fd->dir];

	if (f->port) {
		if (!nfo_port_flow_ok(f->port, skb, f->other, f->nn))
			return NFO_SLOW_MAX;
	} else if (unlikely(!nfo_rx_mac_ok(skb, f->other))) {
		return NFO_SLOW_NOT_HOST;
	}
	if (unlikely(nfo_encap_pppoe(e) && !nfo_rx_peer_ok(skb, f->other)))
		return NFO_SLOW_PPPOE_PEER;
	if (unlikely(test_bit(NFO_FLOW_TEARDOWN, &flow->flags)))
		return NFO_SLOW_TEARDOWN;
	/* `conntrack -D` and friends take effect at the next packet. */
	if (unlikely(nf_ct_is_dying(flow->ct))) {
		nfo_flow_teardown(flow, NFO_TD_CT_GONE);
		return NFO_SLOW_TEARDOWN;
	}
	if (unlikely(!READ_ONCE(f->nn->enabled))) {
		nfo_flow_teardown(flow, NFO_TD_ADMIN);
		return NFO_SLOW_TEARDOWN;
	}
	/*
	 * IPv6 forwarding switched off invalidates no route (IPv4's switch
	 * flushes the route cache): ip6_forward() drops per packet, so the
	 * flow goes as if its route had.
	 */
	if (family == NFO_FAMILY_IPV6 &&
	    unlikely(!READ_ONCE(state->net->ipv6.devconf_all->forwarding))) {
		nfo_flow_teardown(flow, NFO_TD_ROUTE);
		return NFO_SLOW_STALE_ROUTE;
	}

	/*
	 * Padding inside a PPPoE payload, past the IP packet: pppoe_rcv()
	 * leaves it for the IP layer to trim, and drops a frame shorter
	 * than its session header says.  Trimmed here, a packet sent back
	 * by a check below would be dropped there: normal path now.
	 */
	if (unlikely(nfo_encap_pppoe(e) && p->l3_len < e->l3_max))
		return NFO_R_ENCAP;
	/* Link-layer padding past the IP packet: ip_rcv() trims it too. */
	if (skb->len > p->l3_len && pskb_trim_rcsum(skb, p->l3_len))
		return NFO_SLOW_NOMEM;

	/* A segment conntrack would call invalid is the normal path's call. */
	if (unlikely(!nfo_l4_csum_ok(skb, state->net, p)))
		return NFO_SLOW_L4_CSUM;
	/* The end of the connection, and not a forgery: conntrack's now. */
	if (unlikely(v == NFO_R_TCP_FIN_RST)) {
		nfo_flow_teardown(flow, NFO_TD_FIN_RST);
		return v;
	}

	/*
	 * A bundle's check also fails once an SA or policy of it is deleted,
	 * replaced or expired (xfrm_bundle_ok()), and updates its MTU.
	 */
	if (unlikely(!dst_check(fd->dst, fd->dst_cookie))) {
		nfo_flow_teardown(flow, NFO_TD_ROUTE);
		return NFO_SLOW_STALE_ROUTE;
	}

	/* Not what the forward policy wants: the normal path drops it. */
	if (unlikely(!nfo_xfrm_fwd_ok(skb, fd, family, state->net)))
		return skb_sec_path(skb) ? NFO_SLOW_SECPATH :
					   NFO_SLOW_XFRM_POLICY;

	/*
	 * A bundle's MTU as ip_forward() and ip6_forward() take it: IPv4's
	 * is the path's less the IPsec overhead, IPv6's the device's (the
	 * metric counts only when locked).  What no longer fits once
	 * encapsulated, xfrm output answers with the ICMP error itself.
	 */
	mtu = fd->mtu;
	if (fd->xmit == NFO_XMIT_XFRM)
		mtu = family == NFO_FAMILY_IPV4 ?
		      ip_dst_mtu_maybe_forward(fd->dst, true) :
		      ip6_dst_mtu_maybe_forward(fd->dst, true);
	/* Too big: the normal path fragments or sends the ICMP error. */
	if (unlikely(p->l3_len > mtu) &&
	    (!skb_is_gso(skb) || !skb_gso_validate_network_len(skb, mtu)))
		return NFO_SLOW_MTU;
	return 0;
}

/*
 * How the packet leaves, and room for it: the last checks that may still
 * give it back.  Returns 0, or why the normal path takes it.
 */
static __always_inline unsigned int
nfo_fast_tx(struct sk_buff *skb, struct nfo_fast *f)
{
	struct nfo_flow_dir *fd = f->fd;
	unsigned int l4len, headroom;

	f->xmit = fd->xmit;
	f->path = nfo_dir_path(fd);
	/* Layers whose own transmit someone would miss: through them. */
	if (f->path && unlikely(nfo_path_via_upper(f->path))) {
		f->xmit = NFO_XMIT_NEIGH;
		f->path = NULL;
	}
	if (f->xmit == NFO_XMIT_DIRECT) {
		/*
		 * Every direction sent directly has a neighbour: the only
		 * ones without (PPPoE) went through the PPP device above.
		 */
		struct nfo_path *path = f->path;
		struct neighbour *n = fd->neigh;
		u8 nud = READ_ONCE(n->nud_state);

		if (unlikely(READ_ONCE(n->dead) || !(nud & NUD_VALID)))
			goto stale_neigh;
		/*
		 * Not confirmed lately (STALE): have it confirmed, as
		 * neigh_resolve_output() would, while sending to the address
		 * it has.  Should the probes fail, it leaves NUD_VALID and the
		 * flow goes; should another host answer, the address changes
		 * under us.
		 */
		if (unlikely(!(nud & NUD_CONNECTED)))
			neigh_event_send(n, NULL);
		nfo_neigh_ha(f->h_dest, n);
		/* A bridge chose the port for the old address. */
		if (unlikely(path && path->bridge &&
			     !ether_addr_equal(f->h_dest, path->h_dest)))
			goto stale_neigh;
		if (path) {
			if (unlikely(path->bridge &&
				     !nfo_bridge_path_ok(fd, path,
							 nfo_fdb_gen_read()))) {
				nfo_flow_teardown(f->flow, NFO_TD_PATH);
				return NFO_SLOW_STALE_PATH;
			}
			f->outdev = path->dev;
			headroom = LL_RESERVED_SPACE(f->outdev) +
				   path->encap_num * VLAN_HLEN;
		} else {
			f->outdev = fd->dst->dev;
			headroom = LL_RESERVED_SPACE(f->outdev);
		}
		if (skb_cow_head(skb, headroom))
			return NFO_SLOW_NOMEM;
	}

	/* GRE: only the IP header is rewritten. */
	if (f->p.l4proto == IPPROTO_TCP)
		l4len = sizeof(struct tcphdr);
	else if (f->p.l4proto == IPPROTO_UDP)
		l4len = sizeof(struct udphdr);
	else
		l4len = 0;
	/* Mostly nothing to do: not cloned, headers in the linear part. */
	if (unlikely(skb_cloned(skb) ||
		     skb_headlen(skb) < f->p.thoff + l4len) &&
	    skb_ensure_writable(skb, f->p.thoff + l4len))
		return NFO_SLOW_NOMEM;
	return 0;

stale_neigh:
	nfo_flow_teardown(f->flow, NFO_TD_NEIGH);
	return NFO_SLOW_NEIGH;
}

/*
 * Committed: from here on the packet is ours.  The flow's accounting, the
 * rewrite the normal path would make, and the transmit.
 */
static __always_inline void
nfo_fast_send(struct nf_flowtable *ft, struct sk_buff *skb,
	      const struct nf_hook_state *state, struct nfo_fast *f)
{
	const struct nfo_flow_dir *other = f->other;
	struct nfo_flow_dir *fd = f->fd;
	struct nfo_flow *flow = f->flow;
	u32 now, timeout;

	now = (u32)jiffies;
	timeout = nfo_flow_timeout(f->nn, f->p.l4proto);
	if (nfo_refresh_due(now, READ_ONCE(flow->expires), timeout,
			    NFO_REFRESH_SLACK))
		WRITE_ONCE(flow->expires, now + timeout);
	if (ft->flags & NF_FLOWTABLE_COUNTER)
		nf_ct_acct_update(flow->ct, fd->dir, skb->len);
	nfo_counter_add(&fd->packets, 1);
	nfo_counter_add(&fd->bytes, skb->len);
	if (skb_vlan_tag_present(skb))
		__vlan_hwaccel_clear_tag(skb);
	/*
	 * What the normal path has done by the time it forwards: ip_rcv()
	 * releases the sender's socket (veth carries it across namespaces,
	 * where it would stay charged for what waits in our qdiscs), and a
	 * frame a bridge took in for its address became ours.
	 */
	skb_orphan(skb);
	skb->pkt_type = PACKET_HOST;

	if (fd->nat)
		nfo_nat(skb, fd, &other->tuple, skb->data, &f->p);
	if (f->family == NFO_FAMILY_IPV4) {
		nfo_ipv4_decrease_ttl(skb->data);
		/* As ip_forward() does, for the egress qdisc's benefit. */
		if (READ_ONCE(state->net->ipv4.sysctl_ip_fwd_update_priority))
			skb->priority = rt_tos2priority(ip_hdr(skb)->tos);
	} else {
		ipv6_hdr(skb)->hop_limit--;
	}
	skb_forward_csum(skb);
	skb_clear_tstamp(skb);

	nfo_stat_fast(f->nn, f->family == NFO_FAMILY_IPV6, skb->len);
	/* The listed device above the port received it, as it counts. */
	if (f->port) {
		struct net_device *upper = f->port->upper;

		this_cpu_inc(f->nn->stats->port_pkts[f->port->kind]);
		if (f->port->kind == NFO_PORT_VLAN)
			nfo_vlan_stats_add(upper, true, f->port_len);
		else
			dev_sw_netstats_rx_add(upper, f->port_len);
	}

	if (f->xmit == NFO_XMIT_DIRECT) {
		/* Only DIRECT directions have a layered path. */
		const struct nfo_path *rx = nfo_dir_path(other);

		/* Plain ports have no devices above them: no call. */
		if (rx || f->path)
			nfo_upper_stats(rx, f->path, skb);
		nfo_xmit_direct(skb, f->path, f->outdev, f->h_dest);
	} else {
		if (other->layered)
			nfo_upper_stats(nfo_dir_path(other), NULL, skb);
		if (f->xmit == NFO_XMIT_XFRM)
			nfo_xmit_xfrm(skb, fd, f->family, state->net);
		else
			nfo_xmit_neigh(skb, fd, &other->tuple, f->family);
	}
}

/*
 * The fast path proper, in its three parts: the flow and its checks, the
 * transmit's, and the commit.  A packet either leaves from here (stolen)
 * or goes back to the normal path exactly as it came.
 */
static __always_inline unsigned int
nfo_fastpath(struct nf_flowtable *ft, struct sk_buff *skb,
	     const struct nf_hook_state *state, const struct net_device *in,
	     struct nfo_port *port, const struct nfo_encap *e)
{
	/*
	 * Each part writes what the next reads, the parser all of f.p that
	 * is read (NFO_NOINIT).
	 */
	struct nfo_fast f NFO_NOINIT;
	unsigned int why;

	f.nn = nfo_pernet_rcu(state->net);
	f.port = port;
	f.port_len = skb->len;
	why = nfo_fast_flow(ft, skb, state, in, e, &f);
	if (!why)
		why = nfo_fast_tx(skb, &f);
	if (unlikely(why)) {
		/* The listed device's hook sees it next, and counts it. */
		if (port)
			return NF_ACCEPT;
		return nfo_slow(f.nn, why);
	}
	nfo_fast_send(ft, skb, state, &f);
	return NF_STOLEN;
}

/*
 * Find the IP packet in the frame, take the fast path if it can, and give
 * the frame back exactly as it came when it cannot: VLAN and PPPoE headers
 * in the data are pulled first (the IP code wants skb->data and the
 * network header at the IP header) and pushed back for the normal path.
 */
static unsigned int nfo_hook(struct nf_flowtable *ft, struct sk_buff *skb,
			     const struct nf_hook_state *state,
			     const struct net_device *in,
			     struct nfo_port *port, bool ipv4, bool ipv6)
{
	__be16 protocol = skb->protocol;
	unsigned int verdict;
	/* Read up to e.num, and l3_max: always written (NFO_NOINIT). */
	struct nfo_encap e NFO_NOINIT;
	enum nfo_verdict v;

	switch (protocol) {
	case htons(ETH_P_IP):
	case htons(ETH_P_IPV6):
		if (likely(!skb_vlan_tag_present(skb))) {
			e.num = 0;
			e.off = 0;
			e.l3_max = U32_MAX;
			e.family = protocol == htons(ETH_P_IP) ?
				   NFO_FAMILY_IPV4 : NFO_FAMILY_IPV6;
			break;
		}
		fallthrough;
	case htons(ETH_P_8021Q):
	case htons(ETH_P_8021AD):
	case htons(ETH_P_PPP_SES):
		v = nfo_rx_encap(skb, &e);
		if (v == NFO_R_PROTO)	/* ARP, PPP control, ...: not ours */
			return NF_ACCEPT;
		if (v != NFO_OK)
			return port ? NF_ACCEPT :
				      nfo_slow(nfo_pernet_rcu(state->net), v);
		break;
	default:
		return NF_ACCEPT;
	}

	if (e.family == NFO_FAMILY_IPV4 ? !ipv4 : !ipv6)
		return NF_ACCEPT;
	if (unlikely(skb->pkt_type != PACKET_HOST &&
		     skb->pkt_type != PACKET_OTHERHOST))
		return port ? NF_ACCEPT :
		       nfo_slow(nfo_pernet_rcu(state->net), NFO_SLOW_NOT_HOST);

	if (unlikely(e.off)) {
		skb_pull_rcsum(skb, e.off);
		skb_reset_network_header(skb);
		skb->protocol = e.family == NFO_FAMILY_IPV4 ?
				htons(ETH_P_IP) : htons(ETH_P_IPV6);
	}
	/* One call site: the compiler inlines it, no call per packet. */
	verdict = nfo_fastpath(ft, skb, state, in, port, &e);
	if (unlikely(e.off) && verdict == NF_ACCEPT) {
		skb_push_rcsum(skb, e.off);
		skb_reset_network_header(skb);
		skb->protocol = protocol;
	}
	return verdict;
}

unsigned int nfo_hook_ipv4(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	return nfo_hook(priv, skb, state, state->in, NULL, true, false);
}

unsigned int nfo_hook_ipv6(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	return nfo_hook(priv, skb, state, state->in, NULL, false, true);
}

unsigned int nfo_hook_inet(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	return nfo_hook(priv, skb, state, state->in, NULL, true, true);
}

/*
 * Would the listed device's own receive run nothing but our flowtable's
 * hook?  No tap (tcpdump) on it, no other ingress hook or tc filter, no
 * XDP program and no device above it: the packet taken at the port skips
 * that receive, so nothing may be there to miss it.
 */
static bool nfo_upper_rx_plain(const struct net_device *upper,
			       const struct nf_flowtable *ft)
{
	const struct nf_hook_entries *e;

	e = rcu_dereference(upper->nf_hooks_ingress);
	return e && e->num_hook_entries == 1 && e->hooks[0].priv == ft &&
	       list_empty(&upper->ptype_all) &&
	       !rcu_access_pointer(upper->rx_handler) &&
	       !rcu_access_pointer(upper->xdp_prog) &&
	       !nfo_dev_tc_ingress(upper) && netif_running(upper);
}

/*
 * Would the bridge above @port pass the frame up to itself, and nothing
 * else happen on the way?  The port forwards, is not locked, the bridge
 * filters no VLANs and keeps no per-VLAN states, no bridge chain would
 * see the frame (prerouting, input), and the frame, untagged, is for the
 * bridge's own address from a valid sender.  (Learning the sender is
 * nfo_port_flow_ok()'s.)
 */
static bool nfo_port_bridge_ok(const struct nfo_port *port,
			       const struct sk_buff *skb,
			       const struct net *net)
{
	const struct net_device *upper = port->upper;
	const struct ethhdr *eth = eth_hdr(skb);
	u8 brp = READ_ONCE(port->brp);

	/*
	 * A port leaving the bridge loses its hook (ports.c, at the unlink)
	 * before the bridge lets go of it: IFF_BRIDGE_PORT is all that
	 * remains to check.
	 */
	return brp == NFO_BRP_FORWARDING && !skb_vlan_tag_present(skb) &&
	       netif_is_bridge_port(skb->dev) &&
	       ether_addr_equal(eth->h_dest, upper->dev_addr) &&
	       is_valid_ether_addr(eth->h_source) &&
	       !nfo_bridge_hooks(net, NF_BR_PRE_ROUTING) &&
	       !nfo_bridge_hooks(net, NF_BR_LOCAL_IN);
}

/*
 * Would the VLAN code hand the frame to the listed VLAN device unchanged?
 * Its tag is the device's (the stack took it off into the skb before any
 * hook), no tag is left inside (the caller sees IP), the device maps its priority to none
 * (the VLAN code would set skb->priority from it), and it is addressed
 * to the device as the VLAN code tells (vlan_do_receive()).
 */
static bool nfo_port_vlan_ok(const struct nfo_port *port,
			     const struct sk_buff *skb)
{
	const struct net_device *upper = port->upper;
	const struct vlan_dev_priv *vlan = vlan_dev_priv(upper);

	if (!skb_vlan_tag_present(skb) || skb->vlan_proto != vlan->vlan_proto ||
	    skb_vlan_tag_get_id(skb) != vlan->vlan_id ||
	    READ_ONCE(vlan->ingress_priority_map[skb_vlan_tag_get_prio(skb)]))
		return false;
	return skb->pkt_type == PACKET_HOST ||
	       (skb->pkt_type == PACKET_OTHERHOST &&
		ether_addr_equal(eth_hdr(skb)->h_dest, upper->dev_addr));
}

/*
 * The hook of a port below a listed bridge or VLAN device (ports.h): the
 * frame, when the layer above would deliver it to the listed device as it
 * is, is looked up as that device's; otherwise, or when no flow takes it,
 * it goes on, unchanged, through that layer to the listed device's hook.
 */
unsigned int nfo_hook_port(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	struct nfo_port *port = priv;
	__be16 vlan_proto = skb->vlan_proto;
	u16 vlan_tci = skb->vlan_tci;
	u8 pkt_type = skb->pkt_type;
	unsigned int verdict;

	if ((skb->protocol != htons(ETH_P_IP) &&
	     skb->protocol != htons(ETH_P_IPV6)) ||
	    !skb_mac_header_was_set(skb) ||
	    !nfo_upper_rx_plain(port->upper, port->ft))
		return NF_ACCEPT;
	if (port->kind == NFO_PORT_VLAN) {
		if (!nfo_port_vlan_ok(port, skb))
			return NF_ACCEPT;
		__vlan_hwaccel_clear_tag(skb);
	} else if (!nfo_port_bridge_ok(port, skb, state->net)) {
		return NF_ACCEPT;
	}
	skb->pkt_type = PACKET_HOST;

	verdict = nfo_hook(port->ft, skb, state, port->upper, port,
			   port->ipv4, port->ipv6);
	if (verdict == NF_ACCEPT) {
		skb->pkt_type = pkt_type;
		if (port->kind == NFO_PORT_VLAN)
			__vlan_hwaccel_put_tag(skb, vlan_proto, vlan_tci);
	}
	return verdict;
}
