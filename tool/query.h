/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything nft-offload reads from the system, in the caller's network
 * namespace (main.c enters -n NETNS before any query).  Every function
 * returns 0 or a negative errno; lists are allocated and freed with the
 * matching *_free().  -ENOENT from nfq_stats()/nfq_flows() means the
 * module is not loaded (in this netns's view: /proc/net is per netns).
 */
#ifndef NFO_TOOL_QUERY_H
#define NFO_TOOL_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "logic/flows.h"
#include "logic/hwdevs.h"
#include "logic/stats.h"

/* setns() into /run/netns/@name (ip netns's convention). */
int nfq_netns_enter(const char *name);

/* --- module ---------------------------------------------------------- */
/* Which module is ours: logic/module.h. */
struct nfq_module {
	bool	loaded;			/* nft_offload is loaded */
	char	name[32];		/* under this name (/sys/module/NAME) */
	char	version[32];		/* /sys/module/NAME/version */
	/* The kernel's own flowtable is loaded (or built in) instead. */
	bool	inkernel_flowtable;
};

int nfq_module(struct nfq_module *m);

/* --- sysctls (net.netfilter.nf_flow_offload*), -1 when absent -------- */
struct nfq_sysctls {
	int	enabled;		/* nf_flow_offload */
	int	tcp_timeout;		/* nf_flow_offload_tcp_timeout, s */
	int	udp_timeout;		/* nf_flow_offload_udp_timeout, s */
	int	max_flows;		/* nf_flow_offload_max_flows */
	int	hw;			/* nf_flow_offload_hw */
	int	hw_mixed;		/* nf_flow_offload_hw_mixed */
};

int nfq_sysctls(struct nfq_sysctls *s);

/* --- statistics and the flow listing (logic/stats.h, logic/flows.h) -- */
int nfq_stats(struct nfo_statv *out);
int nfq_flows(struct nfo_flowv *out);
/* Devices of offload flowtables (logic/hwdevs.h); none from older modules. */
int nfq_hw_devices(struct nfo_hwdevv *out);

/* --- nf_tables objects, read with libnftnl ---------------------------- */
struct nfq_flowtable {
	int		family;		/* NFPROTO_* */
	char		table[NFO_NAME_MAX];
	char		name[NFO_NAME_MAX];
	int		hooknum;	/* NF_NETDEV_INGRESS */
	int		prio;
	uint32_t	flags;		/* NFT_FLOWTABLE_* (hw offload, counter) */
	uint32_t	use;		/* references (rules using it) */
	size_t		ndevs;
	char		(*devs)[NFO_IFNAME_MAX];	/* sorted by name */
};

struct nfq_flowtables {
	struct nfq_flowtable	*v;
	size_t			n;
};

int nfq_flowtables(struct nfq_flowtables *out);
void nfq_flowtables_free(struct nfq_flowtables *v);

struct nfq_chain {
	int		family;
	char		table[NFO_NAME_MAX];
	char		name[NFO_NAME_MAX];
	bool		base;		/* has a hook */
	int		hooknum;	/* NF_INET_* when base */
	int		prio;
	char		type[16];	/* filter, nat, route */
	int		policy;		/* NF_ACCEPT / NF_DROP, -1 none */
	char		dev[NFO_IFNAME_MAX];	/* netdev chains */
};

struct nfq_chains {
	struct nfq_chain	*v;
	size_t			n;
};

int nfq_chains(struct nfq_chains *out);
void nfq_chains_free(struct nfq_chains *v);

struct nfq_rule {
	int		family;
	char		table[NFO_NAME_MAX];
	char		chain[NFO_NAME_MAX];
	uint64_t	handle;
	/* The rule has a flow_offload expression (`flow add @ft`). */
	bool		flow_offload;
	char		flowtable[NFO_NAME_MAX];
	/* A counter expression and its values. */
	bool		has_counter;
	uint64_t	packets;
	uint64_t	bytes;
	/* The expressions' names in order, comma separated ("meta,cmp,..."). */
	char		exprs[256];
};

struct nfq_rules {
	struct nfq_rule	*v;
	size_t		n;
};

int nfq_rules(struct nfq_rules *out);
void nfq_rules_free(struct nfq_rules *v);

/* --- devices and routes, rtnetlink over libmnl ------------------------ */
struct nfq_dev {
	int		ifindex;
	char		name[NFO_IFNAME_MAX];
	char		kind[32];	/* IFLA_INFO_KIND: "vlan", "bridge", ... or "" */
	unsigned int	type;		/* ARPHRD_* */
	unsigned int	flags;		/* IFF_* */
	unsigned int	mtu;
	int		master;		/* ifindex of the master (bridge), 0 */
	int		link;		/* ifindex of the lower device (VLAN), 0 */
	/*
	 * The device offers hardware flow offload (NETIF_F_HW_TC).  Not read
	 * yet (needs ethtool's netlink features): always false.
	 */
	bool		hw_tc;
};

struct nfq_devs {
	struct nfq_dev	*v;
	size_t		n;
};

int nfq_devices(struct nfq_devs *out);
void nfq_devices_free(struct nfq_devs *v);
const struct nfq_dev *nfq_dev_by_name(const struct nfq_devs *d, const char *name);
const struct nfq_dev *nfq_dev_by_index(const struct nfq_devs *d, int ifindex);

struct nfq_route {
	int		oif;		/* output device's ifindex */
	bool		has_gw;
	union nfo_addr	gw;
	unsigned int	mtu;		/* RTAX_MTU of the route, 0 none */
	int		type;		/* RTN_* */
};

/*
 * The route the kernel picks for @dst (@family AF_INET/AF_INET6), as
 * `ip route get DST [from SRC] [iif DEV]` would: @src may be NULL, @iif 0.
 */
int nfq_route_get(int family, const union nfo_addr *dst,
		  const union nfo_addr *src, int iif, struct nfq_route *out);

/* --- conntrack, ctnetlink via libmnl + libnetfilter_conntrack --------- */
struct nfq_ct_tuple {
	union nfo_addr	src;
	union nfo_addr	dst;
	uint16_t	sport;		/* host order; 0 without ports */
	uint16_t	dport;
};

struct nfq_ct {
	int		family;		/* AF_INET, AF_INET6 */
	uint8_t		l4proto;
	struct nfq_ct_tuple t[2];	/* [0] original, [1] reply */
	uint32_t	id;
	uint32_t	status;		/* IPS_* bits: ASSURED, SEEN_REPLY, OFFLOAD... */
	uint32_t	mark;
	uint16_t	zone;
	uint32_t	timeout;	/* seconds */
	int		tcp_state;	/* TCP_CONNTRACK_*, -1 not TCP */
	char		helper[32];	/* "" none */
	bool		has_counters;	/* nf_conntrack_acct on */
	uint64_t	packets[2];
	uint64_t	bytes[2];
};

struct nfq_cts {
	struct nfq_ct	*v;
	size_t		n;
};

int nfq_conntrack(struct nfq_cts *out);
void nfq_conntrack_free(struct nfq_cts *v);

#endif /* NFO_TOOL_QUERY_H */
