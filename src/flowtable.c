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
#include <net/netfilter/nf_tables.h>

#include "nfo.h"

/*
 * Packets of offloaded flows are forwarded from here.  Until a flow is
 * offloaded, every packet continues on the normal path.
 */
static unsigned int nfo_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static int nfo_ft_init(struct nf_flowtable *ft)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));

	flow_block_init(&ft->flow_block);
	init_rwsem(&ft->flow_block_lock);

	mutex_lock(&nn->lock);
	list_add(&ft->list, &nn->flowtables);
	mutex_unlock(&nn->lock);
	return 0;
}

static void nfo_ft_free(struct nf_flowtable *ft)
{
	struct nfo_net *nn = nfo_pernet(read_pnet(&ft->net));

	mutex_lock(&nn->lock);
	list_del(&ft->list);
	mutex_unlock(&nn->lock);
}

static struct nf_flowtable_type nfo_ft_types[] = {
	{
		.family	= NFPROTO_INET,
		.init	= nfo_ft_init,
		.setup	= nfo_hw_setup,
		.free	= nfo_ft_free,
		.hook	= nfo_hook,
		.owner	= THIS_MODULE,
	},
	{
		.family	= NFPROTO_IPV4,
		.init	= nfo_ft_init,
		.setup	= nfo_hw_setup,
		.free	= nfo_ft_free,
		.hook	= nfo_hook,
		.owner	= THIS_MODULE,
	},
	{
		.family	= NFPROTO_IPV6,
		.init	= nfo_ft_init,
		.setup	= nfo_hw_setup,
		.free	= nfo_ft_free,
		.hook	= nfo_hook,
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
