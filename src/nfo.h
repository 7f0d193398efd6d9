/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nft_offload: internal interfaces between the parts of the module.
 *
 *   main.c       module init/exit, per-netns state
 *   guard.c      refuses to run beside the in-kernel flowtable modules
 *   flowtable.c  the nf_flowtable types nf_tables instantiates (ip, ip6, inet)
 *   expr.c       the "flow_offload" expression (`flow add @ft`)
 *   hw.c         the driver offload API (flow blocks, TC_SETUP_FT)
 *   hw_rule.c    the rules drivers get for a flow's directions
 *   hw_work.c    pushing, polling and removing those rules
 *   flow.c       offloaded flows: creation, lookup table, GC, teardown
 *   datapath.c   the ingress hook: forwarding packets of offloaded flows
 *   route.c      route and transmit setup when a flow is offloaded
 *   ports.c      hooks on the ports below listed bridges and VLAN devices
 *   sysctl.c     net.netfilter.nf_flow_offload* knobs
 *   stats.c      statistics, /proc/net/stat/nft_offload
 *   listing.c    the flow listing, /proc/net/nft_offload_flows
 *   notify.c     device events
 *   logic/       pure logic shared with the userspace tests
 */
#ifndef NFO_H
#define NFO_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/netfilter/nf_tables.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_flow_table.h>

struct nfo_stats;
struct seq_file;

/*
 * The last device that refused a flowtable's hardware offload bind
 * (`flags offload` on a device without TC_SETUP_FT support), shown in
 * /proc/net/nft_offload_hw_refused so that the tool can name it.
 */
struct nfo_hw_refusal {
	bool	set;
	u8	family;				/* NFPROTO_* of the flowtable */
	int	err;				/* what the bind returned */
	char	dev[IFNAMSIZ];
	char	table[NFT_NAME_MAXLEN];
	char	flowtable[NFT_NAME_MAXLEN];
};

/* Per network namespace state, reached through net_generic(). */
struct nfo_net {
	/* Read on the datapath without locks (READ_ONCE), set by sysctl. */
	int			enabled;	/* nf_flow_offload */
	int			tcp_timeout;	/* jiffies */
	int			udp_timeout;	/* jiffies */
	int			max_flows;	/* 0: no limit of our own */
	int			hw_enabled;	/* nf_flow_offload_hw */
	int			hw_mixed;	/* nf_flow_offload_hw_mixed */

	/*
	 * Held by the netns and by each flowtable in it: nf_tables destroys
	 * a dying netns's flowtables after our pernet exit has run, and
	 * they still count statistics on the way out.
	 */
	refcount_t		ref;
	struct nfo_stats __percpu *stats;
	atomic_t		flows;		/* offloaded flows now */
	atomic_t		flows_peak;
	atomic_t		hw_flows;	/* with a direction in hardware */
	atomic_t		port_hooks;	/* ports.h's, in place now */

	/* Guards flowtables (but for readers: RCU), ft_next_id, hw_devs. */
	struct mutex		lock;
	/*
	 * struct nfo_ft (flow.h) of every flowtable instance in this netns,
	 * oldest first: their ids increase along the list.
	 */
	struct list_head	flowtables;
	u64			ft_next_id;

	struct ctl_table_header	*sysctl;

	/* Devices of offload flowtables, as bound (hw.c): lock. */
	struct list_head	hw_devs;

	/* Guards hw_refused; taken in process context only. */
	spinlock_t		hw_refused_lock;
	struct nfo_hw_refusal	hw_refused;
};

extern unsigned int nfo_net_id;

static inline struct nfo_net *nfo_pernet(const struct net *net)
{
	return net_generic(net, nfo_net_id);
}

/*
 * The same, for callers already in an RCU read-side section (the
 * datapath): net_generic() takes and drops its own, two calls per packet
 * with a preemptible RCU.
 */
static inline struct nfo_net *nfo_pernet_rcu(const struct net *net)
{
	return rcu_dereference(net->gen)->ptr[nfo_net_id];
}

void nfo_net_put(struct nfo_net *nn);

/*
 * Idle timeout of a flow of protocol @l4proto, in jiffies.  GRE gets the
 * UDP one: the in-kernel flowtable gives it a fixed 30 s, the default of
 * both of ours, and a datagram tunnel idles like UDP.
 */
static inline u32 nfo_flow_timeout(const struct nfo_net *nn, u8 l4proto)
{
	return l4proto == IPPROTO_TCP ? READ_ONCE(nn->tcp_timeout) :
					READ_ONCE(nn->udp_timeout);
}

/* guard.c */
int nfo_guard_init(void);
void nfo_guard_exit(void);

/* flowtable.c */
int nfo_flowtable_types_register(void);
void nfo_flowtable_types_unregister(void);

/* expr.c */
int nfo_expr_register(void);
void nfo_expr_unregister(void);

/* datapath.c */
unsigned int nfo_hook_inet(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);
unsigned int nfo_hook_ipv4(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);
unsigned int nfo_hook_ipv6(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

/* sysctl.c */
int nfo_sysctl_net_init(struct net *net);
void nfo_sysctl_net_exit(struct net *net);

/* stats.c */
int nfo_stats_net_init(struct net *net);
void nfo_stats_net_exit(struct net *net);
void nfo_stats_free(struct nfo_net *nn);

/* listing.c: /proc/net/nft_offload_flows, helpers for the proc files */
int nfo_listing_net_init(struct net *net);
void nfo_listing_net_exit(struct net *net);
int nfo_proc_create_private(struct net *net, const char *name,
			    int (*show)(struct seq_file *, void *));
const char *nfo_nfproto_name(u8 family);
void nfo_seq_escape_name(struct seq_file *seq, const char *name);

/* notify.c */
int nfo_notify_init(void);
void nfo_notify_exit(void);

/*
 * flowtable.c: hand back to the normal path the flows of every flowtable
 * of @nn that use @dev (all flows when @dev is NULL), and free them before
 * returning; for an unregistering @dev, after the packets that may still
 * hold one are done.  Process context.
 */
void nfo_flowtables_teardown(struct nfo_net *nn, const struct net_device *dev);

#endif /* NFO_H */
