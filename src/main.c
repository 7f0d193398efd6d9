// SPDX-License-Identifier: GPL-2.0
/*
 * nft_offload: nftables flow offloading for kernels built without
 * CONFIG_NF_FLOW_TABLE.
 *
 * Stock nft rulesets (`flowtable ft { hook ingress priority 0; devices = {
 * ... }; }` and `flow add @ft` in a forward chain) are served by this module:
 * it registers the standard flowtable types and the "flow_offload"
 * expression, and nf_tables autoloads it through the standard aliases.
 */
#include <linux/module.h>
#include <net/netns/generic.h>

#include "nfo.h"
#include "flow.h"
#include "hw.h"
#include "version.h"

unsigned int nfo_net_id __read_mostly;

void nfo_net_put(struct nfo_net *nn)
{
	if (refcount_dec_and_test(&nn->ref)) {
		nfo_hw_devs_flush(nn);
		nfo_stats_free(nn);
	}
}

static int __net_init nfo_net_init(struct net *net)
{
	struct nfo_net *nn = nfo_pernet(net);
	int err;

	refcount_set(&nn->ref, 1);
	mutex_init(&nn->lock);
	INIT_LIST_HEAD(&nn->hw_devs);
	spin_lock_init(&nn->hw_refused_lock);
	INIT_LIST_HEAD(&nn->flowtables);
	atomic_set(&nn->flows, 0);
	atomic_set(&nn->flows_peak, 0);
	atomic_set(&nn->port_hooks, 0);

	err = nfo_stats_net_init(net);
	if (err)
		return err;
	err = nfo_sysctl_net_init(net);
	if (err)
		goto err_stats;
	err = nfo_listing_net_init(net);
	if (err)
		goto err_sysctl;
	return 0;

err_sysctl:
	nfo_sysctl_net_exit(net);
err_stats:
	nfo_stats_net_exit(net);
	nfo_stats_free(nn);
	return err;
}

/*
 * Runs before nf_tables destroys this netns's flowtables (pernet exits run
 * in reverse registration order): remove the user interfaces now, and let
 * the last flowtable drop what the flows still need.
 */
static void __net_exit nfo_net_exit(struct net *net)
{
	nfo_listing_net_exit(net);
	nfo_sysctl_net_exit(net);
	nfo_stats_net_exit(net);
	nfo_net_put(nfo_pernet(net));
}

static struct pernet_operations nfo_net_ops = {
	.init	= nfo_net_init,
	.exit	= nfo_net_exit,
	.id	= &nfo_net_id,
	.size	= sizeof(struct nfo_net),
};

static int __init nfo_init(void)
{
	int err;

	err = nfo_guard_init();
	if (err)
		return err;

	err = nfo_flow_cache_init();
	if (err)
		goto err_guard;

	err = nfo_hw_init();
	if (err)
		goto err_cache;

	err = register_pernet_subsys(&nfo_net_ops);
	if (err)
		goto err_hw;

	err = nfo_notify_init();
	if (err)
		goto err_pernet;

	err = nfo_flowtable_types_register();
	if (err)
		goto err_notify;

	err = nfo_expr_register();
	if (err)
		goto err_types;

	pr_info("version %s loaded\n", NFO_VERSION);
	return 0;

err_types:
	nfo_flowtable_types_unregister();
err_notify:
	nfo_notify_exit();
err_pernet:
	unregister_pernet_subsys(&nfo_net_ops);
err_hw:
	nfo_hw_exit();
err_cache:
	nfo_flow_cache_exit();
err_guard:
	nfo_guard_exit();
	return err;
}

static void __exit nfo_exit(void)
{
	nfo_expr_unregister();
	nfo_flowtable_types_unregister();
	nfo_notify_exit();
	unregister_pernet_subsys(&nfo_net_ops);
	nfo_hw_exit();
	nfo_flow_cache_exit();
	nfo_guard_exit();
	pr_info("unloaded\n");
}

module_init(nfo_init);
module_exit(nfo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nftables flow offloading for kernels without CONFIG_NF_FLOW_TABLE");
MODULE_VERSION(NFO_VERSION);
/* The OpenWrt package name, so `modprobe kmod-nft-offload` finds us. */
MODULE_ALIAS("kmod-nft-offload");
#ifdef NFO_RENAMED
/* Built under another name (Kbuild's NFO_MODNAME): still ours. */
MODULE_ALIAS("nft_offload");
#endif
