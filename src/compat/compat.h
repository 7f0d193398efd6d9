/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where differences between supported kernels are absorbed.
 * It is force-included into every file of the module (see Kbuild); the logic
 * tests only NFO_* capability macros, which compat/probe.sh derives from the
 * target kernel's headers.  No LINUX_VERSION_CODE tests anywhere.
 */
#ifndef NFO_COMPAT_H
#define NFO_COMPAT_H

#include "compat/compat-gen.h"

/*
 * nft_expr_ops.reduce: the expression only reads registers, so where the
 * field exists it gets the stock read-only reducer.
 */
#ifdef NFO_HAVE_EXPR_REDUCE
#define NFO_EXPR_OPS_REDUCE	.reduce = NFT_REDUCE_READONLY,
#else
#define NFO_EXPR_OPS_REDUCE
#endif

/*
 * Per-netns sysctl tables: older kernels find the end of a table by an empty
 * entry, newer ones take a count.  Tables here always carry the empty entry,
 * and @n counts the real ones.
 */
#ifdef NFO_HAVE_REGISTER_NET_SYSCTL_SZ
#define nfo_register_net_sysctl(net, path, table, n) \
	register_net_sysctl_sz(net, path, table, n)
#else
#define nfo_register_net_sysctl(net, path, table, n) \
	register_net_sysctl(net, path, table)
#endif

/* Proc handlers receive a const table from 6.11 on. */
#ifdef NFO_HAVE_CONST_CTL_TABLE
#define NFO_CTL_TABLE const struct ctl_table
#else
#define NFO_CTL_TABLE struct ctl_table
#endif

#ifndef NFO_HAVE_DST_RTABLE
#define dst_rtable(_ptr) container_of_const(_ptr, struct rtable, dst)
#endif
#ifndef NFO_HAVE_DST_RT6_INFO
#define dst_rt6_info(_ptr) container_of_const(_ptr, struct rt6_info, dst)
#endif

/*
 * nft_expr_ops callbacks whose arguments changed: expr.c writes the newer
 * prototypes, and on the older kernels NFO_EXPR_ADAPTERS() adds functions
 * of the older ones that call them (the arguments they lack are unused),
 * which NFO_EXPR_VALIDATE() and NFO_EXPR_DUMP() then name.
 */
#ifdef NFO_HAVE_EXPR_VALIDATE_DATA
#define NFO_EXPR_VALIDATE(fn)	fn##_data
#define NFO_EXPR_VALIDATE_ADAPTER(fn)					\
	static int fn##_data(const struct nft_ctx *ctx,			\
			     const struct nft_expr *expr,		\
			     const struct nft_data **data)		\
	{								\
		return fn(ctx, expr);					\
	}
#else
#define NFO_EXPR_VALIDATE(fn)	fn
#define NFO_EXPR_VALIDATE_ADAPTER(fn)
#endif
#ifdef NFO_HAVE_EXPR_DUMP_RESET
#define NFO_EXPR_DUMP(fn)	fn
#define NFO_EXPR_DUMP_ADAPTER(fn)
#else
#define NFO_EXPR_DUMP(fn)	fn##_noreset
#define NFO_EXPR_DUMP_ADAPTER(fn)					\
	static int fn##_noreset(struct sk_buff *skb,			\
				const struct nft_expr *expr)		\
	{								\
		return fn(skb, expr, false);				\
	}
#endif

/*
 * How the flowtable keeps an offloaded connection's conntrack entry alive.
 * While conntrack's own GC extends offloaded entries (nf_ct_offload_timeout(),
 * up to 6.1's), the flowtable does as it does: a day, whenever less than
 * half a day is left.  Once that is the flowtable's job alone (6.12's
 * nf_flow_table_extend_ct_timeout()), the extension depends on the TCP
 * state and is made only when less than five minutes are left.
 */
#ifdef NFO_HAVE_NF_CT_OFFLOAD_TIMEOUT
#define NFO_CT_EXTEND_THRESHOLD		(NF_CT_DAY / 2)
#define NFO_CT_EXTEND_BY_STATE		false
#else
#define NFO_CT_EXTEND_THRESHOLD		(5 * 60 * HZ)
#define NFO_CT_EXTEND_BY_STATE		true
#endif

/* The part of the IPv4 TOS byte that the kernel's route lookups use. */
#ifdef NFO_HAVE_IPTOS_RT_MASK
#define NFO_ROUTE_TOS_MASK	IPTOS_RT_MASK
#else
#define NFO_ROUTE_TOS_MASK	INET_DSCP_MASK
#endif

/* skb_gso_validate_network_len() and friends. */
#ifdef NFO_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* Does @dev run tc filters (clsact, tcx) on what it receives? */
#if defined(NFO_HAVE_TCX_INGRESS) && defined(CONFIG_NET_XGRESS)
#define nfo_dev_tc_ingress(dev)	(!!rcu_access_pointer((dev)->tcx_ingress))
#elif !defined(NFO_HAVE_TCX_INGRESS) && defined(CONFIG_NET_CLS_ACT)
#define nfo_dev_tc_ingress(dev)	(!!rcu_access_pointer((dev)->miniq_ingress))
#else
#define nfo_dev_tc_ingress(dev)	false
#endif

/*
 * The fast path's locals that the code writes before it reads them: not
 * zeroed first where the kernel zeroes every local
 * (CONFIG_INIT_STACK_ALL_ZERO, Debian's kernels): that costs a string
 * store of each, per packet.
 */
#define NFO_NOINIT	__uninitialized

#endif /* NFO_COMPAT_H */
