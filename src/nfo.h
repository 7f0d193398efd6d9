/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nft_offload: internal interfaces between the parts of the module.
 *
 *   main.c       module init/exit, per-netns state
 *   guard.c      refuses to run beside the in-kernel flowtable modules
 *   flowtable.c  the nf_flowtable types nf_tables instantiates (ip, ip6, inet)
 *   expr.c       the "flow_offload" expression (`flow add @ft`)
 *   hw.c         the driver offload API (flow blocks, TC_SETUP_FT)
 */
#ifndef NFO_H
#define NFO_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_flow_table.h>

/* Per network namespace state, reached through net_generic(). */
struct nfo_net {
	/* Guards flowtables. */
	struct mutex		lock;
	/* nf_flowtable.list of every flowtable instance in this netns. */
	struct list_head	flowtables;
};

struct nfo_net *nfo_pernet(const struct net *net);

/* guard.c */
int nfo_guard_init(void);
void nfo_guard_exit(void);

/* flowtable.c */
int nfo_flowtable_types_register(void);
void nfo_flowtable_types_unregister(void);

/* expr.c */
int nfo_expr_register(void);
void nfo_expr_unregister(void);

/* hw.c */
int nfo_hw_setup(struct nf_flowtable *ft, struct net_device *dev,
		 enum flow_block_command cmd);

#endif /* NFO_H */
