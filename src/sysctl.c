// SPDX-License-Identifier: GPL-2.0
/*
 * Per-netns knobs under net.netfilter:
 *
 *   nf_flow_offload              1: offload (default), 0: no new offloads,
 *                                and existing flows are handed back now
 *   nf_flow_offload_tcp_timeout  idle seconds before a TCP flow is handed
 *   nf_flow_offload_udp_timeout  back to the normal path (default 30 each;
 *                                GRE flows use the UDP one)
 *   nf_flow_offload_max_flows    most flows offloaded at once in the netns;
 *                                beyond, new ones stay on the normal path
 *                                (default 0: only conntrack's own limit)
 *   nf_flow_offload_hw           1: flows of `flags offload` flowtables go
 *                                to the hardware (default); 0: they stay
 *                                in software, and those in hardware come
 *                                back within a second (for a shaper that
 *                                must see every packet)
 *   nf_flow_offload_hw_mixed     1: a device without hardware offload
 *                                support in a `flags offload` flowtable
 *                                runs in software instead of failing the
 *                                ruleset (OpenWrt's kernels do this);
 *                                default 0, as upstream
 *
 * Our own names: the in-kernel flowtable's nf_flowtable_*_timeout may exist
 * on the same kernel.  Writes need CAP_NET_ADMIN in the netns's user
 * namespace (the sysctl core's rule for per-netns tables).
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "nfo.h"

#define NFO_TIMEOUT_DEFAULT	(30 * HZ)
#define NFO_TIMEOUT_MAX		(7 * 24 * 3600)	/* seconds */

static int nfo_sysctl_enabled(NFO_CTL_TABLE *table, int write, void *buffer,
			      size_t *lenp, loff_t *ppos)
{
	struct nfo_net *nn = container_of(table->data, struct nfo_net,
					  enabled);
	int ret;

	ret = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	if (ret || !write || READ_ONCE(nn->enabled))
		return ret;
	/* Switched off: hand every flow back now, not at the next GC. */
	nfo_flowtables_teardown(nn, NULL);
	return 0;
}

/* Seconds in, jiffies stored; at least one second, at most a week. */
static int nfo_sysctl_timeout(NFO_CTL_TABLE *table, int write, void *buffer,
			      size_t *lenp, loff_t *ppos)
{
	struct ctl_table tmp = *table;
	int val = READ_ONCE(*(int *)table->data);
	int ret;

	tmp.data = &val;
	ret = proc_dointvec_jiffies(&tmp, write, buffer, lenp, ppos);
	if (ret || !write)
		return ret;
	if (val < HZ || val > NFO_TIMEOUT_MAX * HZ)
		return -EINVAL;
	WRITE_ONCE(*(int *)table->data, val);
	return 0;
}

static const struct ctl_table nfo_sysctl_template[] = {
	{
		.procname	= "nf_flow_offload",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= nfo_sysctl_enabled,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "nf_flow_offload_tcp_timeout",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= nfo_sysctl_timeout,
	},
	{
		.procname	= "nf_flow_offload_udp_timeout",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= nfo_sysctl_timeout,
	},
	{
		.procname	= "nf_flow_offload_max_flows",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_INT_MAX,
	},
	{
		.procname	= "nf_flow_offload_hw",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "nf_flow_offload_hw_mixed",
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{ }
};

int nfo_sysctl_net_init(struct net *net)
{
	struct nfo_net *nn = nfo_pernet(net);
	struct ctl_table *table;

	nn->enabled = 1;
	nn->tcp_timeout = NFO_TIMEOUT_DEFAULT;
	nn->udp_timeout = NFO_TIMEOUT_DEFAULT;
	nn->hw_enabled = 1;

	table = kmemdup(nfo_sysctl_template, sizeof(nfo_sysctl_template),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	table[0].data = &nn->enabled;
	table[1].data = &nn->tcp_timeout;
	table[2].data = &nn->udp_timeout;
	table[3].data = &nn->max_flows;
	table[4].data = &nn->hw_enabled;
	table[5].data = &nn->hw_mixed;

	nn->sysctl = nfo_register_net_sysctl(net, "net/netfilter", table,
					     ARRAY_SIZE(nfo_sysctl_template) - 1);
	if (!nn->sysctl) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

void nfo_sysctl_net_exit(struct net *net)
{
	struct nfo_net *nn = nfo_pernet(net);
	const struct ctl_table *table = nn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(nn->sysctl);
	kfree(table);
}
