// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of a network namespace, read from /proc/net/stat/nft_offload
 * as "name value" lines (the nft-offload tool is the main reader; names
 * are stable).  Counters are summed over CPUs at read time.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "nfo.h"
#include "hw.h"
#include "flow.h"
#include "ports.h"
#include "stats.h"

static_assert(sizeof_field(struct nfo_stats, xmit) == NFO_XMIT_MAX * sizeof(u64));
static_assert(sizeof_field(struct nfo_stats, port_pkts) ==
	      NFO_PORT_KINDS * sizeof(u64));

static const char * const nfo_slow_names[] = {
	[NFO_SLOW_NO_FLOW]	= "no_flow",
	[NFO_SLOW_NOT_HOST]	= "not_host",
	[NFO_SLOW_TEARDOWN]	= "teardown",
	[NFO_SLOW_MTU]		= "mtu",
	[NFO_SLOW_STALE_ROUTE]	= "stale_route",
	[NFO_SLOW_NEIGH]	= "stale_neigh",
	[NFO_SLOW_STALE_PATH]	= "stale_path",
	[NFO_SLOW_NOMEM]	= "nomem",
	[NFO_SLOW_L4_CSUM]	= "l4_csum",
	[NFO_SLOW_SECPATH]	= "secpath",
	[NFO_SLOW_XFRM_POLICY]	= "xfrm_policy",
	[NFO_SLOW_PPPOE_PEER]	= "pppoe_peer",
};

static const char * const nfo_teardown_names[] = {
	[NFO_TD_FIN_RST]	= "fin_rst",
	[NFO_TD_IDLE]		= "idle",
	[NFO_TD_CT_GONE]	= "ct_gone",
	[NFO_TD_DEVICE]		= "device",
	[NFO_TD_ROUTE]		= "route",
	[NFO_TD_NEIGH]		= "neigh",
	[NFO_TD_PATH]		= "path",
	[NFO_TD_ADMIN]		= "admin",
	[NFO_TD_FLOWTABLE]	= "flowtable",
	[NFO_TD_NETNS]		= "netns",
};

/* enum nfo_xmit: statistics xmit_<name>, the listing's xmit=<name>. */
static const char * const nfo_xmit_names[] = {
	[NFO_XMIT_NEIGH]	= "neigh",
	[NFO_XMIT_DIRECT]	= "direct",
	[NFO_XMIT_XFRM]		= "xfrm",
};

static const char * const nfo_refuse_names[] = {
	[NFO_REFUSE_NO_CT]	= "no_conntrack",
	[NFO_REFUSE_ROUTE]	= "route",
	[NFO_REFUSE_XFRM]	= "xfrm",
	[NFO_REFUSE_NOMEM]	= "nomem",
	[NFO_REFUSE_INSERT]	= "insert",
	[NFO_REFUSE_TABLE_FULL]	= "table_full",
	[NFO_REFUSE_XFRM_NAT]	= "xfrm_nat",
	[NFO_REFUSE_CT_DYING]	= "ct_dying",
	[NFO_REFUSE_LWTUNNEL]	= "lwtunnel",
};

const char *nfo_slow_name(unsigned int reason)
{
	if (reason < NFO_R_MAX)
		return nfo_verdict_name(reason);
	return reason < NFO_SLOW_MAX ? nfo_slow_names[reason] : "unknown";
}

const char *nfo_teardown_name(unsigned int reason)
{
	return reason < NFO_TD_MAX ? nfo_teardown_names[reason] : "unknown";
}

const char *nfo_xmit_name(unsigned int xmit)
{
	return xmit < ARRAY_SIZE(nfo_xmit_names) && nfo_xmit_names[xmit] ?
	       nfo_xmit_names[xmit] : "unknown";
}

const char *nfo_refuse_name(unsigned int reason)
{
	if (reason < NFO_REFUSE_MAX)
		return nfo_refusal_name(reason);
	return reason < NFO_REFUSE_ALL ? nfo_refuse_names[reason] : "unknown";
}

static void nfo_stats_sum(const struct nfo_net *nn, struct nfo_stats *sum)
{
	const u64 *src;
	u64 *dst = (u64 *)sum;
	unsigned int i;
	int cpu;

	BUILD_BUG_ON(sizeof(*sum) % sizeof(u64));
	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		src = (const u64 *)per_cpu_ptr(nn->stats, cpu);
		for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
			dst[i] += READ_ONCE(src[i]);
	}
}

static int nfo_stats_show(struct seq_file *seq, void *v)
{
	const struct nfo_net *nn = nfo_pernet(seq_file_single_net(seq));
	struct nfo_stats *s;
	unsigned int i;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	nfo_stats_sum(nn, s);

	seq_printf(seq, "enabled %d\n", READ_ONCE(nn->enabled));
	seq_printf(seq, "flows %d\n", atomic_read(&nn->flows));
	seq_printf(seq, "flows_peak %d\n", atomic_read(&nn->flows_peak));
	seq_printf(seq, "fast_ipv4_packets %llu\n", s->fast_pkts[0]);
	seq_printf(seq, "fast_ipv4_bytes %llu\n", s->fast_bytes[0]);
	seq_printf(seq, "fast_ipv6_packets %llu\n", s->fast_pkts[1]);
	seq_printf(seq, "fast_ipv6_bytes %llu\n", s->fast_bytes[1]);
	seq_printf(seq, "port_hooks %d\n", atomic_read(&nn->port_hooks));
	seq_printf(seq, "port_bridge_packets %llu\n", s->port_pkts[0]);
	seq_printf(seq, "port_vlan_packets %llu\n", s->port_pkts[1]);
	seq_printf(seq, "port_learn %llu\n", s->port_learn);
	seq_printf(seq, "offloaded %llu\n", s->offloaded);
	for (i = 0; i < ARRAY_SIZE(s->xmit); i++)
		seq_printf(seq, "xmit_%s %llu\n", nfo_xmit_name(i), s->xmit[i]);
	/* Parser verdicts 0 and 1 are "ok" and "pull": never a reason. */
	for (i = NFO_R_TRUNCATED; i < NFO_SLOW_MAX; i++)
		seq_printf(seq, "slow_%s %llu\n", nfo_slow_name(i), s->slow[i]);
	for (i = NFO_ELIGIBLE + 1; i < NFO_REFUSE_ALL; i++)
		seq_printf(seq, "refused_%s %llu\n", nfo_refuse_name(i),
			   s->refused[i]);
	for (i = 0; i < NFO_TD_MAX; i++)
		seq_printf(seq, "teardown_%s %llu\n", nfo_teardown_name(i),
			   s->teardown[i]);
	seq_printf(seq, "hw_bind_refused %llu\n", s->hw_bind_refused);
	seq_printf(seq, "hw_enabled %d\n", READ_ONCE(nn->hw_enabled));
	seq_printf(seq, "hw_flows %d\n", atomic_read(&nn->hw_flows));
	seq_printf(seq, "hw_pushed %llu\n", s->hw_pushed);
	seq_printf(seq, "hw_accepted %llu\n", s->hw_accepted);
	seq_printf(seq, "hw_eexist %llu\n", s->hw_eexist);
	for (i = 0; i < NFO_HW_ERR_MAX; i++)
		seq_printf(seq, "hw_refused_%s %llu\n", nfo_hw_err_name(i),
			   s->hw_refused[i]);
	seq_printf(seq, "hw_retries %llu\n", s->hw_retries);
	seq_printf(seq, "hw_destroyed %llu\n", s->hw_destroyed);
	seq_printf(seq, "hw_destroy_failed %llu\n", s->hw_destroy_failed);
	seq_printf(seq, "hw_polls %llu\n", s->hw_polls);
	seq_printf(seq, "hw_packets %llu\n", s->hw_packets);
	seq_printf(seq, "hw_bytes %llu\n", s->hw_bytes);
	seq_printf(seq, "hw_accept_flows %llu\n", s->hw_accept_flows);
	seq_printf(seq, "hw_accept_ns %llu\n", s->hw_accept_ns);
	kfree(s);
	return 0;
}

int nfo_stats_net_init(struct net *net)
{
	struct nfo_net *nn = nfo_pernet(net);

	nn->stats = alloc_percpu(struct nfo_stats);
	if (!nn->stats)
		return -ENOMEM;
	if (!proc_create_net_single("nft_offload", 0444, net->proc_net_stat,
				    nfo_stats_show, NULL)) {
		free_percpu(nn->stats);
		return -ENOMEM;
	}
	/* Names nf_tables objects: as private as the flow listing. */
	if (nfo_proc_create_private(net, "nft_offload_hw_refused",
				    nfo_hw_refused_show))
		goto err_refused;
	if (nfo_proc_create_private(net, "nft_offload_hw_devices",
				    nfo_hw_devs_show))
		goto err_devs;
	return 0;

err_devs:
	remove_proc_entry("nft_offload_hw_refused", net->proc_net);
err_refused:
	remove_proc_entry("nft_offload", net->proc_net_stat);
	free_percpu(nn->stats);
	return -ENOMEM;
}

void nfo_stats_net_exit(struct net *net)
{
	remove_proc_entry("nft_offload_hw_devices", net->proc_net);
	remove_proc_entry("nft_offload_hw_refused", net->proc_net);
	remove_proc_entry("nft_offload", net->proc_net_stat);
}

/* Last reference to the netns state gone (see struct nfo_net.ref). */
void nfo_stats_free(struct nfo_net *nn)
{
	free_percpu(nn->stats);
}
