// SPDX-License-Identifier: GPL-2.0
/*
 * The "flow_offload" expression: `flow add @ft` and `flow offload @ft` (nft
 * sends both the same way).  It names a flowtable of the same table.
 *
 * Verdict: when the packet's connection is not (or cannot be) offloaded the
 * expression breaks out of the rule, so the statements after it in that rule
 * do not run.  Rulesets rely on this, e.g.
 * `flow add @ft counter name offloaded accept`.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_extend.h>
#include <net/netfilter/nf_tables.h>
#include <net/xfrm.h>

#include "nfo.h"
#include "flow.h"
#include "hw.h"
#include "logic/eligible.h"

struct nfo_expr {
	struct nft_flowtable	*flowtable;
};

/* What the offload decision needs to know, from the packet and its ct. */
static void nfo_ct_facts(const struct nft_pktinfo *pkt, struct nf_conn *ct,
			 struct nfo_ct_facts *f)
{
	f->l4proto = nf_ct_protonum(ct);
	if (f->l4proto == IPPROTO_TCP) {
		const struct tcphdr *tcph;
		struct tcphdr _tcph;

		tcph = skb_header_pointer(pkt->skb, nft_thoff(pkt),
					  sizeof(_tcph), &_tcph);
		f->pkt_fin_or_rst = !tcph || tcph->fin || tcph->rst;
		f->tcp_established =
			READ_ONCE(ct->proto.tcp.state) == TCP_CONNTRACK_ESTABLISHED;
	} else if (f->l4proto == IPPROTO_GRE) {
		const struct nf_conntrack_tuple *t;

		/* Version 0 has zero keys; PPTP's call IDs are the keys. */
		t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
		f->gre_keyed = t->src.u.gre.key || t->dst.u.gre.key;
	}
	f->assured = test_bit(IPS_ASSURED_BIT, &ct->status);
	f->confirmed = nf_ct_is_confirmed(ct);
	f->has_helper = nf_ct_ext_exist(ct, NF_CT_EXT_HELPER);
	f->seq_adjust = test_bit(IPS_SEQ_ADJUST_BIT, &ct->status);
	f->nat_clash = test_bit(IPS_NAT_CLASH_BIT, &ct->status);
	f->already_offloaded = test_bit(IPS_OFFLOAD_BIT, &ct->status);
	f->ipv4_options = nft_pf(pkt) == NFPROTO_IPV4 &&
			  IPCB(pkt->skb)->opt.optlen;
}

/* Conntrack will miss the packets we forward: stop checking TCP windows. */
static void nfo_ct_tcp_liberal(struct nf_conn *ct)
{
	spin_lock_bh(&ct->lock);
	ct->proto.tcp.seen[0].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	ct->proto.tcp.seen[1].flags |= IP_CT_TCP_FLAG_BE_LIBERAL;
	spin_unlock_bh(&ct->lock);
}

static int nfo_offload(const struct nft_pktinfo *pkt,
		       struct nft_flowtable *nft, struct nfo_net *nn)
{
	struct nfo_ct_facts facts = {
		.offload_enabled = READ_ONCE(nn->enabled),
	};
	enum ip_conntrack_info ctinfo;
	enum ip_conntrack_dir dir;
	u8 xmit_orig, xmit_reply;
	struct nfo_route route;
	int max;
	struct nfo_flow *flow;
	struct nf_conn *ct;
	int err;

	ct = nf_ct_get(pkt->skb, &ctinfo);
	if (!ct)
		return NFO_REFUSE_NO_CT;
	/* `conntrack -D` or a flush: the flow would be torn down at once. */
	if (unlikely(nf_ct_is_dying(ct)))
		return NFO_REFUSE_CT_DYING;

	nfo_ct_facts(pkt, ct, &facts);
	err = nfo_offload_eligible(&facts);
	if (err != NFO_ELIGIBLE)
		return err;

	max = READ_ONCE(nn->max_flows);
	if (max && atomic_read(&nn->flows) >= max)
		return NFO_REFUSE_TABLE_FULL;

	/* One flow per connection: whoever sets the bit builds it. */
	if (test_and_set_bit(IPS_OFFLOAD_BIT, &ct->status))
		return NFO_REFUSE_ALREADY_OFFLOADED;

	dir = CTINFO2DIR(ctinfo);
	err = nfo_route_build(pkt, ct, dir, nft, &route);
	if (err) {
		if (err == -EOPNOTSUPP)
			err = NFO_REFUSE_XFRM;
		else if (err == -EXDEV)
			err = NFO_REFUSE_XFRM_NAT;
		else if (err == -ENOPROTOOPT)
			err = NFO_REFUSE_LWTUNNEL;
		else
			err = NFO_REFUSE_ROUTE;
		goto err_clear;
	}

	flow = nfo_flow_alloc(ct, &route, &nft->data);
	if (!flow) {
		nfo_route_release(&route);
		err = NFO_REFUSE_NOMEM;
		goto err_clear;
	}

	if (facts.l4proto == IPPROTO_TCP)
		nfo_ct_tcp_liberal(ct);

	/* Once inserted the flow is the datapath's: read it before. */
	xmit_orig = flow->dir[IP_CT_DIR_ORIGINAL].xmit;
	xmit_reply = flow->dir[IP_CT_DIR_REPLY].xmit;
	if (nfo_flow_insert(&nft->data, flow)) {
		nfo_flow_free(flow);
		err = NFO_REFUSE_INSERT;
		goto err_clear;
	}
	nfo_stat_offloaded(nn, xmit_orig, xmit_reply);
	nfo_hw_flow_start(flow);
	return NFO_ELIGIBLE;

err_clear:
	clear_bit(IPS_OFFLOAD_BIT, &ct->status);
	return err;
}

static void nfo_expr_eval(const struct nft_expr *expr, struct nft_regs *regs,
			  const struct nft_pktinfo *pkt)
{
	struct nfo_expr *priv = nft_expr_priv(expr);
	struct nfo_net *nn = nfo_pernet(nft_net(pkt));
	int ret;

	ret = nfo_offload(pkt, priv->flowtable, nn);
	if (ret == NFO_ELIGIBLE)
		return;
	nfo_stat_refused(nn, ret);
	regs->verdict.code = NFT_BREAK;
}

static const struct nla_policy nfo_expr_policy[NFTA_FLOW_MAX + 1] = {
	[NFTA_FLOW_TABLE_NAME]	= { .type = NLA_STRING,
				    .len = NFT_NAME_MAXLEN - 1 },
};

static int nfo_expr_init(const struct nft_ctx *ctx, const struct nft_expr *expr,
			 const struct nlattr * const tb[])
{
	struct nfo_expr *priv = nft_expr_priv(expr);
	struct nft_flowtable *flowtable;
	int err;

	if (!tb[NFTA_FLOW_TABLE_NAME])
		return -EINVAL;

	flowtable = nft_flowtable_lookup(ctx->table, tb[NFTA_FLOW_TABLE_NAME],
					 nft_genmask_next(ctx->net));
	if (IS_ERR(flowtable))
		return PTR_ERR(flowtable);

	/* The rule references the flowtable: it cannot be deleted under us. */
	if (!nft_use_inc(&flowtable->use))
		return -EMFILE;

	err = nf_ct_netns_get(ctx->net, ctx->family);
	if (err < 0) {
		nft_use_dec(&flowtable->use);
		return err;
	}

	priv->flowtable = flowtable;
	return 0;
}

static void nfo_expr_activate(const struct nft_ctx *ctx,
			      const struct nft_expr *expr)
{
	struct nfo_expr *priv = nft_expr_priv(expr);

	nft_use_inc_restore(&priv->flowtable->use);
}

static void nfo_expr_deactivate(const struct nft_ctx *ctx,
				const struct nft_expr *expr,
				enum nft_trans_phase phase)
{
	struct nfo_expr *priv = nft_expr_priv(expr);

	nf_tables_deactivate_flowtable(ctx, priv->flowtable, phase);
}

static void nfo_expr_destroy(const struct nft_ctx *ctx,
			     const struct nft_expr *expr)
{
	nf_ct_netns_put(ctx->net, ctx->family);
}

/* Forwarded traffic of ip, ip6 and inet tables only. */
static int nfo_expr_validate(const struct nft_ctx *ctx,
			     const struct nft_expr *expr)
{
	switch (ctx->family) {
	case NFPROTO_IPV4:
	case NFPROTO_IPV6:
	case NFPROTO_INET:
		break;
	default:
		return -EOPNOTSUPP;
	}
	return nft_chain_validate_hooks(ctx->chain, 1 << NF_INET_FORWARD);
}

static int nfo_expr_dump(struct sk_buff *skb, const struct nft_expr *expr,
			 bool reset)
{
	const struct nfo_expr *priv = nft_expr_priv(expr);

	if (nla_put_string(skb, NFTA_FLOW_TABLE_NAME, priv->flowtable->name))
		return -1;
	return 0;
}

NFO_EXPR_VALIDATE_ADAPTER(nfo_expr_validate)
NFO_EXPR_DUMP_ADAPTER(nfo_expr_dump)

static struct nft_expr_type nfo_expr_type;

static const struct nft_expr_ops nfo_expr_ops = {
	.type		= &nfo_expr_type,
	.size		= NFT_EXPR_SIZE(sizeof(struct nfo_expr)),
	.eval		= nfo_expr_eval,
	.init		= nfo_expr_init,
	.activate	= nfo_expr_activate,
	.deactivate	= nfo_expr_deactivate,
	.destroy	= nfo_expr_destroy,
	.validate	= NFO_EXPR_VALIDATE(nfo_expr_validate),
	.dump		= NFO_EXPR_DUMP(nfo_expr_dump),
	NFO_EXPR_OPS_REDUCE
};

static struct nft_expr_type nfo_expr_type __read_mostly = {
	.name		= "flow_offload",
	.ops		= &nfo_expr_ops,
	.policy		= nfo_expr_policy,
	.maxattr	= NFTA_FLOW_MAX,
	.owner		= THIS_MODULE,
};

int nfo_expr_register(void)
{
	return nft_register_expr(&nfo_expr_type);
}

void nfo_expr_unregister(void)
{
	nft_unregister_expr(&nfo_expr_type);
}

MODULE_ALIAS_NFT_EXPR("flow_offload");
