/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-netns statistics.  Counters are per CPU and only ever incremented by
 * the CPU that owns them (this_cpu ops), so the datapath takes no lock and
 * shares no cache line.  Readers sum over CPUs; on 32-bit machines a read
 * racing an increment may see a torn 64-bit value, which is tolerable for
 * statistics.
 */
#ifndef NFO_STATS_H
#define NFO_STATS_H

#include <linux/percpu.h>

#include "nfo.h"
#include "logic/eligible.h"
#include "logic/hw.h"
#include "logic/parse.h"

/*
 * Why a packet seen at ingress took the normal path.  The first NFO_R_MAX
 * values are the parser's verdicts (logic/parse.h); the rest are decisions
 * taken after the flow lookup.
 */
enum nfo_slow_reason {
	NFO_SLOW_NO_FLOW = NFO_R_MAX,	/* no offloaded flow for the tuple */
	NFO_SLOW_NOT_HOST,		/* not addressed to this host's MAC */
	NFO_SLOW_TEARDOWN,		/* flow is being torn down */
	NFO_SLOW_MTU,			/* larger than the egress MTU */
	NFO_SLOW_STALE_ROUTE,		/* cached route no longer valid */
	NFO_SLOW_NEIGH,			/* cached neighbour no longer valid */
	NFO_SLOW_STALE_PATH,		/* a bridge now sends elsewhere */
	NFO_SLOW_NOMEM,			/* could not make the headers writable */
	NFO_SLOW_L4_CSUM,		/* TCP/UDP checksum wrong */
	NFO_SLOW_SECPATH,		/* decrypted, not as the policy wants */
	NFO_SLOW_XFRM_POLICY,		/* an IPsec forward policy refuses it */
	NFO_SLOW_PPPOE_PEER,		/* PPPoE frame not from the session's peer */
	NFO_SLOW_MAX
};

/* Why a flow left the fast path. */
enum nfo_teardown_reason {
	NFO_TD_FIN_RST,		/* TCP FIN or RST seen by the fast path */
	NFO_TD_IDLE,		/* no fast-path packet for the idle timeout */
	NFO_TD_CT_GONE,		/* conntrack entry deleted or dying */
	NFO_TD_DEVICE,		/* a device of the flow went down or left */
	NFO_TD_ROUTE,		/* cached route went stale */
	NFO_TD_NEIGH,		/* cached neighbour went stale */
	NFO_TD_PATH,		/* a bridge moved the destination */
	NFO_TD_ADMIN,		/* net.netfilter.nf_flow_offload set to 0 */
	NFO_TD_FLOWTABLE,	/* flowtable deleted */
	NFO_TD_NETNS,		/* the flowtable's netns exits */
	NFO_TD_MAX
};

/* Why `flow add` did not offload, beyond the pure-logic refusals. */
enum nfo_refuse_kernel {
	NFO_REFUSE_NO_CT = NFO_REFUSE_MAX,	/* packet has no conntrack */
	NFO_REFUSE_ROUTE,	/* no route for the reply direction */
	NFO_REFUSE_XFRM,	/* IPsec policy blocks a direction, or no SA */
	NFO_REFUSE_NOMEM,
	/*
	 * A tuple of the flow is hashed already: a torn-down flow the GC has
	 * yet to collect (a connection with the same tuple until moments ago),
	 * or another conntrack zone's connection with the same tuple.
	 */
	NFO_REFUSE_INSERT,
	NFO_REFUSE_TABLE_FULL,	/* nf_flow_offload_max_flows reached */
	NFO_REFUSE_XFRM_NAT,	/* NAT and IPsec policies in one connection */
	NFO_REFUSE_CT_DYING,	/* the conntrack entry is being deleted */
	NFO_REFUSE_LWTUNNEL,	/* a route with lightweight-tunnel state */
	NFO_REFUSE_ALL
};

struct nfo_stats {
	u64 fast_pkts[2];	/* [0] IPv4, [1] IPv6 */
	u64 fast_bytes[2];
	u64 slow[NFO_SLOW_MAX];
	u64 offloaded;
	u64 xmit[3];		/* directions set up per enum nfo_xmit */
	/*
	 * Of the fast packets, those port hooks (ports.h) took below a
	 * listed bridge or VLAN device, and packets they left to a bridge
	 * to learn their sender by.
	 */
	u64 port_pkts[2];	/* enum nfo_port_kind */
	u64 port_learn;
	u64 refused[NFO_REFUSE_ALL];
	u64 teardown[NFO_TD_MAX];
	u64 hw_bind_refused;	/* hardware offload binds devices refused */
	/* Flows' rules sent to drivers (hw_work.c), per direction. */
	u64 hw_pushed;		/* FLOW_CLS_REPLACE requests */
	u64 hw_accepted;	/* taken by a driver */
	u64 hw_eexist;		/* a driver had it already (taken) */
	u64 hw_refused[NFO_HW_ERR_MAX];	/* by kind, per push refused */
	u64 hw_retries;		/* pushes again after a refusal */
	u64 hw_destroyed;	/* FLOW_CLS_DESTROY taken */
	u64 hw_destroy_failed;	/* FLOW_CLS_DESTROY no driver took */
	u64 hw_polls;		/* FLOW_CLS_STATS rounds */
	u64 hw_packets;		/* what the hardware forwarded, as polled */
	u64 hw_bytes;
	/* Flows first taken by a driver, and their time since `flow add`. */
	u64 hw_accept_flows;
	u64 hw_accept_ns;
};

static inline void nfo_stat_fast(struct nfo_net *nn, bool ipv6,
				 unsigned int bytes)
{
	this_cpu_inc(nn->stats->fast_pkts[ipv6]);
	this_cpu_add(nn->stats->fast_bytes[ipv6], bytes);
}

static inline void nfo_stat_slow(struct nfo_net *nn, unsigned int reason)
{
	this_cpu_inc(nn->stats->slow[reason]);
}

static inline void nfo_stat_offloaded(struct nfo_net *nn, u8 xmit_orig,
				      u8 xmit_reply)
{
	this_cpu_inc(nn->stats->offloaded);
	this_cpu_inc(nn->stats->xmit[xmit_orig]);
	this_cpu_inc(nn->stats->xmit[xmit_reply]);
}

static inline void nfo_stat_refused(struct nfo_net *nn, unsigned int reason)
{
	this_cpu_inc(nn->stats->refused[reason]);
}

static inline void nfo_stat_teardown(struct nfo_net *nn,
				     enum nfo_teardown_reason why)
{
	this_cpu_inc(nn->stats->teardown[why]);
}

const char *nfo_slow_name(unsigned int reason);
const char *nfo_teardown_name(unsigned int reason);
const char *nfo_refuse_name(unsigned int reason);
const char *nfo_xmit_name(unsigned int xmit);

#endif /* NFO_STATS_H */
