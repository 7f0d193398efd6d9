// SPDX-License-Identifier: GPL-2.0
/*
 * The rule a driver gets for one direction of a flow: match keys, masks and
 * actions as the in-kernel flowtable builds them (nf_flow_table_offload.c),
 * so that drivers written for it (mtk_eth_soc's PPE, mlx5, airoha) take
 * ours unchanged.  In order: the Ethernet source and destination rewrites,
 * a pop per 802.1Q tag the packet arrives with, the pushes of the layers
 * it leaves with, source then destination NAT, the IPv4 checksum update,
 * the output device.
 *
 * Two deliberate differences, both cases where the kernel's rule would
 * make hardware forward wrong frames: a flow with an 802.1ad layer in
 * either direction is not offloaded (the kernel matches and pops 802.1Q
 * only, and turns an 802.1ad push into an empty action), and a direction
 * whose next hop has no valid link-layer address yet is retried later
 * rather than pushed with a stale one.
 *
 * The mangle encoding is the kernel's, raw bytes in a u32 with a mask of
 * the bits to keep, all built in network order (logic/hw.c): the same
 * words as the kernel's on little-endian hosts, and unlike its Ethernet
 * words (host-order masks) the intended header on big-endian ones too.
 */
#include <linux/etherdevice.h>
#include <linux/if_pppox.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tc_act/tc_csum.h>
#include <net/neighbour.h>

#include "nfo.h"
#include "flow.h"
#include "hw.h"

/* As many actions as the in-kernel flowtable allocates per rule. */
#define NFO_HW_ACTIONS_MAX	24

static struct flow_action_entry *nfo_hw_action(struct nf_flow_rule *r)
{
	struct flow_action *act = &r->rule->action;

	if (act->num_entries >= NFO_HW_ACTIONS_MAX)
		return NULL;
	return &act->entries[act->num_entries++];
}

static int nfo_hw_mangle(struct nf_flow_rule *r,
			 enum flow_action_mangle_base htype, u32 offset,
			 u32 val, u32 keep)
{
	struct flow_action_entry *e = nfo_hw_action(r);

	if (!e)
		return -E2BIG;
	e->id = FLOW_ACTION_MANGLE;
	e->mangle.htype = htype;
	e->mangle.offset = offset;
	e->mangle.mask = keep;
	e->mangle.val = val;
	return 0;
}

/* The Ethernet rewrite, encoded by logic/hw.c. */
static int nfo_hw_eth(struct nf_flow_rule *r, const u8 *src, const u8 *dst)
{
	struct nfo_hw_word w[4];
	int i;

	nfo_hw_eth_words(src, dst, w);
	for (i = 0; i < 4; i++)
		if (nfo_hw_mangle(r, FLOW_ACT_MANGLE_HDR_TYPE_ETH, w[i].offset,
				  w[i].val, w[i].keep))
			return -E2BIG;
	return 0;
}

/* The link-layer address of @n, if it is one to send to. */
static int nfo_hw_neigh_ha(struct neighbour *n, u8 *ha)
{
	if (!(READ_ONCE(n->nud_state) & NUD_VALID))
		return -ENOENT;
	neigh_ha_snapshot(ha, n, n->dev);
	return 0;
}

/*
 * The Ethernet addresses direction @fd leaves with and the device it
 * leaves by (held).  DIRECT: those the fast path sends with.  NEIGH: the
 * in-kernel flowtable's choice, the device the other direction arrives
 * on and the route's neighbour.
 */
static int nfo_hw_egress(struct net *net, const struct nfo_flow_dir *fd,
			 const struct nfo_flow_dir *other, u8 *src, u8 *dst,
			 struct net_device **out)
{
	const struct nfo_path *path = nfo_dir_path(fd);
	struct net_device *dev;
	struct neighbour *n;
	int err;

	switch (fd->xmit) {
	case NFO_XMIT_DIRECT:
		if (fd->neigh) {
			err = nfo_hw_neigh_ha(fd->neigh, dst);
			if (err)
				return err;
		} else {
			/* PPPoE: the session's peer. */
			ether_addr_copy(dst, path->h_dest);
		}
		dev = path ? path->dev : fd->dst->dev;
		ether_addr_copy(src, path ? path->h_source : dev->dev_addr);
		dev_hold(dev);
		break;
	case NFO_XMIT_NEIGH:
		dev = dev_get_by_index(net, other->tuple.iif);
		if (!dev)
			return -ENODEV;
		n = dst_neigh_lookup(fd->dst, other->tuple.src);
		err = n ? nfo_hw_neigh_ha(n, dst) : -ENOENT;
		if (n)
			neigh_release(n);
		if (err) {
			dev_put(dev);
			return err;
		}
		ether_addr_copy(src, dev->dev_addr);
		break;
	default:
		/* IPsec: the hardware cannot encrypt. */
		return -EOPNOTSUPP;
	}
	*out = dev;
	return 0;
}

static void nfo_hw_vlan_key(struct flow_dissector_key_vlan *key,
			    struct flow_dissector_key_vlan *mask,
			    const struct nfo_tuple_encap *e)
{
	key->vlan_id = e->id;
	mask->vlan_id = VLAN_VID_MASK;
	key->vlan_tpid = e->proto;
	mask->vlan_tpid = htons(0xffff);
}

#define NFO_HW_KEY(m, id, field) \
	((m)->dissector.offset[id] = offsetof(struct nf_flow_key, field))

/*
 * What packets of the direction look like on arrival: input device,
 * addresses, protocol, ports and, for TCP, no FIN or RST (those are the
 * software path's, which tears the flow down).  The 802.1Q tags are
 * filled in but, as the in-kernel flowtable leaves them, not among the
 * keys used.
 */
static void nfo_hw_match(struct nf_flow_match *m, const struct nfo_tuple *t)
{
	struct nf_flow_key *key = &m->key, *mask = &m->mask;
	bool vlan = false;
	int i;

	NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_META, meta);
	NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_CONTROL, control);
	NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_BASIC, basic);
	NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_IPV4_ADDRS, ipv4);
	NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_IPV6_ADDRS, ipv6);
	NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_TCP, tcp);
	NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_PORTS, tp);

	key->meta.ingress_ifindex = t->iif;
	mask->meta.ingress_ifindex = 0xffffffff;

	for (i = 0; i < t->encap_num; i++) {
		if (t->encap[i].proto != htons(ETH_P_8021Q))
			continue;
		if (!vlan) {
			NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_VLAN, vlan);
			nfo_hw_vlan_key(&key->vlan, &mask->vlan, &t->encap[i]);
			vlan = true;
		} else {
			NFO_HW_KEY(m, FLOW_DISSECTOR_KEY_CVLAN, cvlan);
			nfo_hw_vlan_key(&key->cvlan, &mask->cvlan,
					&t->encap[i]);
		}
	}

	if (t->family == NFO_FAMILY_IPV4) {
		key->control.addr_type = FLOW_DISSECTOR_KEY_IPV4_ADDRS;
		key->basic.n_proto = htons(ETH_P_IP);
		key->ipv4.src = t->src[0];
		key->ipv4.dst = t->dst[0];
		mask->ipv4.src = htonl(0xffffffff);
		mask->ipv4.dst = htonl(0xffffffff);
	} else {
		key->control.addr_type = FLOW_DISSECTOR_KEY_IPV6_ADDRS;
		key->basic.n_proto = htons(ETH_P_IPV6);
		memcpy(&key->ipv6.src, t->src, sizeof(key->ipv6.src));
		memcpy(&key->ipv6.dst, t->dst, sizeof(key->ipv6.dst));
		memset(&mask->ipv6.src, 0xff, sizeof(mask->ipv6.src));
		memset(&mask->ipv6.dst, 0xff, sizeof(mask->ipv6.dst));
	}
	mask->control.addr_type = 0xffff;
	mask->basic.n_proto = htons(0xffff);
	m->dissector.used_keys |= BIT_ULL(key->control.addr_type);

	key->basic.ip_proto = t->l4proto;
	mask->basic.ip_proto = 0xff;
	m->dissector.used_keys |= BIT_ULL(FLOW_DISSECTOR_KEY_META) |
				  BIT_ULL(FLOW_DISSECTOR_KEY_CONTROL) |
				  BIT_ULL(FLOW_DISSECTOR_KEY_BASIC);

	if (t->l4proto == IPPROTO_TCP) {
		key->tcp.flags = 0;
		mask->tcp.flags = htons(0x0005);	/* RST | FIN */
		m->dissector.used_keys |= BIT_ULL(FLOW_DISSECTOR_KEY_TCP);
	}
	if (t->l4proto == IPPROTO_TCP || t->l4proto == IPPROTO_UDP) {
		key->tp.src = t->sport;
		key->tp.dst = t->dport;
		mask->tp.src = htons(0xffff);
		mask->tp.dst = htons(0xffff);
		m->dissector.used_keys |= BIT_ULL(FLOW_DISSECTOR_KEY_PORTS);
	}
}

/* Tags to pop on arrival, layers to push on departure. */
static int nfo_hw_encap(struct nf_flow_rule *r, const struct nfo_tuple *in,
			const struct nfo_tuple *out)
{
	struct flow_action_entry *e;
	int i;

	for (i = 0; i < in->encap_num; i++) {
		if (in->encap[i].proto != htons(ETH_P_8021Q))
			continue;
		e = nfo_hw_action(r);
		if (!e)
			return -E2BIG;
		e->id = FLOW_ACTION_VLAN_POP;
	}
	/* The other direction arrives with the layers this one leaves with. */
	for (i = 0; i < out->encap_num; i++) {
		e = nfo_hw_action(r);
		if (!e)
			return -E2BIG;
		if (out->encap[i].proto == htons(ETH_P_PPP_SES)) {
			e->id = FLOW_ACTION_PPPOE_PUSH;
			e->pppoe.sid = out->encap[i].id;
		} else {
			e->id = FLOW_ACTION_VLAN_PUSH;
			e->vlan.vid = out->encap[i].id;
			e->vlan.proto = out->encap[i].proto;
		}
	}
	return 0;
}

/* An address rewrite at @offset of the IP header: 1 or 4 words. */
static int nfo_hw_addr(struct nf_flow_rule *r, u8 family, u32 offset,
		       const __be32 *addr)
{
	int i, n = family == NFO_FAMILY_IPV4 ? 1 : 4;
	enum flow_action_mangle_base htype;

	htype = family == NFO_FAMILY_IPV4 ? FLOW_ACT_MANGLE_HDR_TYPE_IP4 :
					     FLOW_ACT_MANGLE_HDR_TYPE_IP6;
	for (i = 0; i < n; i++)
		if (nfo_hw_mangle(r, htype, offset + 4 * i,
				  (__force u32)addr[i], 0))
			return -E2BIG;
	return 0;
}

/* A port rewrite (logic/hw.c), typed by the L4 protocol. */
static int nfo_hw_port(struct nf_flow_rule *r, u8 l4proto, __be16 port,
		       bool source)
{
	enum flow_action_mangle_base htype = 0;
	struct nfo_hw_word w;

	if (l4proto == IPPROTO_TCP)
		htype = FLOW_ACT_MANGLE_HDR_TYPE_TCP;
	else if (l4proto == IPPROTO_UDP)
		htype = FLOW_ACT_MANGLE_HDR_TYPE_UDP;
	nfo_hw_port_word(port, source, &w);
	return nfo_hw_mangle(r, htype, w.offset, w.val, w.keep);
}

/*
 * NAT as the conntrack entry has it: the original direction takes its new
 * source (SNAT) or destination (DNAT) from the reply tuple, the reply
 * direction its restored ones from the original tuple.
 */
static int nfo_hw_nat(struct nf_flow_rule *r, const struct nfo_flow *flow,
		      int dir)
{
	const struct nfo_tuple *orig = &flow->dir[IP_CT_DIR_ORIGINAL].tuple;
	const struct nfo_tuple *reply = &flow->dir[IP_CT_DIR_REPLY].tuple;
	unsigned long status = READ_ONCE(flow->ct->status);
	bool snat = status & IPS_SRC_NAT, dnat = status & IPS_DST_NAT;
	u32 saddr, daddr;
	u8 family = orig->family, l4 = orig->l4proto;
	struct flow_action_entry *e;
	bool o = dir == IP_CT_DIR_ORIGINAL;

	if (family == NFO_FAMILY_IPV4) {
		saddr = offsetof(struct iphdr, saddr);
		daddr = offsetof(struct iphdr, daddr);
	} else {
		saddr = offsetof(struct ipv6hdr, saddr);
		daddr = offsetof(struct ipv6hdr, daddr);
	}
	if (snat &&
	    (nfo_hw_addr(r, family, o ? saddr : daddr,
			 o ? reply->dst : orig->src) ||
	     nfo_hw_port(r, l4, o ? reply->dport : orig->sport, o)))
		return -E2BIG;
	if (dnat &&
	    (nfo_hw_addr(r, family, o ? daddr : saddr,
			 o ? reply->src : orig->dst) ||
	     nfo_hw_port(r, l4, o ? reply->sport : orig->dport, !o)))
		return -E2BIG;
	if (family != NFO_FAMILY_IPV4 || !(snat || dnat))
		return 0;

	/* IPv4 NAT: the header checksum and the L4 one. */
	e = nfo_hw_action(r);
	if (!e)
		return -E2BIG;
	e->id = FLOW_ACTION_CSUM;
	e->csum_flags = TCA_CSUM_UPDATE_FLAG_IPV4HDR;
	if (l4 == IPPROTO_TCP)
		e->csum_flags |= TCA_CSUM_UPDATE_FLAG_TCP;
	else if (l4 == IPPROTO_UDP)
		e->csum_flags |= TCA_CSUM_UPDATE_FLAG_UDP;
	return 0;
}

static bool nfo_hw_qinq(const struct nfo_tuple *t)
{
	int i;

	for (i = 0; i < t->encap_num; i++)
		if (t->encap[i].proto == htons(ETH_P_8021AD))
			return true;
	return false;
}

void nfo_hw_rule_free(struct nf_flow_rule *r)
{
	struct flow_action *act = &r->rule->action;
	int i;

	for (i = 0; i < act->num_entries; i++)
		if (act->entries[i].id == FLOW_ACTION_REDIRECT)
			dev_put(act->entries[i].dev);
	kfree(r->rule);
	kfree(r);
}

/* Process context: allocates with GFP_KERNEL. */
struct nf_flow_rule *nfo_hw_rule_build(struct net *net, struct nfo_flow *flow,
				       int dir)
{
	const struct nfo_flow_dir *fd = &flow->dir[dir];
	const struct nfo_flow_dir *other = &flow->dir[!dir];
	struct flow_action_entry *e;
	struct net_device *dev;
	u8 src[ETH_ALEN], dst[ETH_ALEN];
	struct nf_flow_rule *r;
	int err;

	if (nfo_hw_qinq(&fd->tuple) || nfo_hw_qinq(&other->tuple))
		return ERR_PTR(-EOPNOTSUPP);
	if (fd->tuple.l4proto != IPPROTO_TCP &&
	    fd->tuple.l4proto != IPPROTO_UDP &&
	    fd->tuple.l4proto != IPPROTO_GRE)
		return ERR_PTR(-EOPNOTSUPP);

	err = nfo_hw_egress(net, fd, other, src, dst, &dev);
	if (err)
		return ERR_PTR(err);

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		goto nomem;
	r->rule = flow_rule_alloc(NFO_HW_ACTIONS_MAX);
	if (!r->rule) {
		kfree(r);
		goto nomem;
	}
	r->rule->match.dissector = &r->match.dissector;
	r->rule->match.key = &r->match.key;
	r->rule->match.mask = &r->match.mask;
	r->rule->action.num_entries = 0;

	nfo_hw_match(&r->match, &fd->tuple);
	err = nfo_hw_eth(r, src, dst);
	if (!err)
		err = nfo_hw_encap(r, &fd->tuple, &other->tuple);
	if (!err)
		err = nfo_hw_nat(r, flow, dir);
	if (!err) {
		e = nfo_hw_action(r);
		err = e ? 0 : -E2BIG;
	}
	if (err) {
		nfo_hw_rule_free(r);
		dev_put(dev);
		return ERR_PTR(err);
	}
	/* The last action; the rule holds @dev until it is freed. */
	e->id = FLOW_ACTION_REDIRECT;
	e->dev = dev;
	return r;

nomem:
	dev_put(dev);
	return ERR_PTR(-ENOMEM);
}
