/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Offloaded flows.
 *
 * A flow is one conntrack entry made fast: two directions, each hashed in
 * the flowtable's rhashtable under the tuple its packets carry when they
 * arrive (struct nfo_tuple, logic/tuple.h), and each knowing how to rewrite
 * and transmit those packets.
 *
 * Lifetime: a flow is created by `flow add` (expr.c) and inserted in both
 * directions, reply first.  Anything that ends it calls
 * nfo_flow_teardown() (any context, idempotent), which marks it
 * NFO_FLOW_TEARDOWN and hands the connection back to conntrack at once
 * (IPS_OFFLOAD cleared, timeout and TCP tracking fixed up).  The
 * flowtable's GC later unhashes it and frees it after an RCU grace period.
 * The datapath ignores flows marked for teardown, so from the marking on
 * every packet takes the normal path.
 */
#ifndef NFO_FLOW_H
#define NFO_FLOW_H

#include <linux/if_ether.h>
#include <linux/rhashtable.h>
#include <net/dst.h>
#include <net/neighbour.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_flow_table.h>

#include "counter.h"
#include "logic/tuple.h"
#include "stats.h"

enum nfo_xmit {
	NFO_XMIT_NEIGH,		/* via the neighbour layer, dst cached */
	NFO_XMIT_DIRECT,	/* Ethernet header built from cached MACs */
	NFO_XMIT_XFRM,		/* dst is an IPsec bundle: xfrm output */
	NFO_XMIT_MAX
};

/* What to rewrite in packets of one direction (NAT). */
enum {
	NFO_NAT_SADDR	= BIT(0),
	NFO_NAT_DADDR	= BIT(1),
	NFO_NAT_SPORT	= BIT(2),
	NFO_NAT_DPORT	= BIT(3),
};

/* Flow flag bits (struct nfo_flow.flags). */
enum {
	NFO_FLOW_TEARDOWN,	/* leave the fast path; GC frees it */
	NFO_FLOW_HW,		/* of an offload flowtable: hw.h's nfo_flow_hw */
};

/* Devices above the transmitting one whose counters the fast path keeps. */
#define NFO_UPPER_MAX	4

/*
 * The devices the normal path would have sent through (bridge, VLAN, PPP),
 * and how the fast path keeps their counters: a VLAN device's in its own
 * per-CPU statistics, a bridge's in the core's (dev->tstats).  A PPP
 * device keeps its counters in its driver's private state: the packets it
 * sends go through it, and those the fast path takes from its session are
 * not counted there (docs/usage.md).
 */
struct nfo_path_upper {
	u8			num;
	u8			vlan;		/* bit i: dev[i] is VLAN */
	u8			tstats;		/* bit i: dev[i] has tstats */
	struct net_device	*dev[NFO_UPPER_MAX];	/* held */
};

/*
 * How a DIRECT direction reaches the wire through layers: the lowest
 * device (an Ethernet port: what `devices = { }` lists) below the route's
 * device, the layers it pushes (VLAN tags, a PPPoE session), the devices
 * above it and the Ethernet addresses.  Found with dev_fill_forward_path()
 * from the route's device down through VLAN, bridge and PPP devices
 * (route.c).  A plain direction, whose route's device is the port, needs
 * none of it: it sends from that device's address to the neighbour's.
 */
struct nfo_path {
	struct net_device	*dev;		/* transmits; held */
	/* The next hop while the path is built; the flow keeps it apart. */
	struct neighbour	*neigh;
	u8			h_source[ETH_ALEN];
	/* The peer's address the path was found for; sent to when !neigh. */
	u8			h_dest[ETH_ALEN];
	u8			encap_num;
	u8			pppoe;		/* a PPPoE session is pushed */
	u8			bridge;		/* a bridge chose the port */
	/*
	 * The flowtable lists the port: the other direction's tuple names
	 * it, and its packets, caught there, count on the devices above.
	 * Else it names the route's device, and those caught at the port
	 * below it by a port hook (ports.h) count on that device only.
	 */
	u8			at_port;
	/* nfo_fdb_gen when the bridge's choice was last checked. */
	u32			fdb_gen;	/* READ/WRITE_ONCE */
	/* Layers to push, outermost first (logic/tuple.h's order). */
	struct nfo_tuple_encap	encap[NFO_TUPLE_MAX_ENCAP];
	struct nfo_path_upper	upper;		/* none: a plain path */
};

/* Layers below the route's device (else the route's device is the port). */
static inline bool nfo_path_layered(const struct nfo_path *path)
{
	return path->upper.num;
}

/*
 * The layered paths of a flow, allocated apart from it for the flows that
 * have one (most have none): dir[d] is direction d's when its
 * nfo_flow_dir.layered is set.  Written while the flow is built, then
 * read-only but for fdb_gen; freed with the flow, after its grace period.
 */
struct nfo_flow_paths {
	struct nfo_path		dir[2];
};

/*
 * One direction.  Laid out in 104 bytes on 64-bit machines, so that a flow
 * with both fits the 256 of the in-kernel flowtable's entry (flow.c checks
 * both sizes at build time).
 */
struct nfo_flow_dir {
	/* Hashed: written once before insertion, then read-only. */
	struct rhash_head	node;
	struct nfo_tuple	tuple;

	/* Read by the datapath on every hit; read-only once hashed. */
	u8			dir;	/* IP_CT_DIR_ORIGINAL or _REPLY */
	u8			xmit;	/* enum nfo_xmit */
	/*
	 * NFO_NAT_*: what differs from the reverse of the other direction's
	 * tuple, which holds the new addresses and ports.
	 */
	u8			nat;
	u8			layered;	/* DIRECT: path in flow->paths */
	/* Up to IP6_MAX_MTU, above what 16 bits hold. */
	u32			mtu;
	u32			dst_cookie;
	/*
	 * Packets and bytes the fast path forwarded in this direction, for
	 * the listing: added to by whichever CPU forwards, in a line the hit
	 * path already touches.  On 64-bit no atomics, so two CPUs forwarding
	 * the same direction at once may lose an addition (counter.h).
	 */
	struct nfo_counter	packets;
	struct nfo_counter	bytes;
	/*
	 * Route of this direction, held; an xfrm bundle when XFRM.  A plain
	 * DIRECT direction transmits on its device.
	 */
	struct dst_entry	*dst;
	/*
	 * DIRECT: the next hop, held; NULL for PPPoE, which is sent through
	 * the PPP device.
	 */
	struct neighbour	*neigh;
};

struct nfo_flow {
	struct nfo_flow_dir	dir[2];
	struct nf_conn		*ct;		/* held */
	struct nfo_flow_paths	*paths;		/* NULL: no layered direction */
	unsigned long		flags;		/* NFO_FLOW_*, atomic bitops */
	u32			expires;	/* jiffies; READ/WRITE_ONCE */
	u32			created;	/* jiffies */
	struct rcu_head		rcu;
};

static inline struct nfo_flow *nfo_flow_of(struct nfo_flow_dir *d)
{
	return container_of(d - d->dir, struct nfo_flow, dir[0]);
}

/* The layered path of direction @d; NULL for plain DIRECT, NEIGH and XFRM. */
static inline struct nfo_path *nfo_dir_path(const struct nfo_flow_dir *d)
{
	const struct nfo_flow *flow;

	if (!d->layered)
		return NULL;
	flow = container_of(d - d->dir, struct nfo_flow, dir[0]);
	return &flow->paths->dir[d->dir];
}

/* The device a DIRECT direction transmits on. */
static inline struct net_device *nfo_dir_dev(const struct nfo_flow_dir *d)
{
	const struct nfo_path *path = nfo_dir_path(d);

	return path ? path->dev : d->dst->dev;
}

/* Route and transmit information for both directions, from expr.c. */
struct nfo_route {
	struct {
		struct dst_entry	*dst;	/* held; consumed by the flow */
		struct nfo_path		path;	/* DIRECT; consumed */
		/* Where this direction's packets arrive, and how. */
		int			iif;
		u8			encap_num;
		struct nfo_tuple_encap	encap[NFO_TUPLE_MAX_ENCAP];
		u8			xmit;
	} dir[2];
};

struct nft_pktinfo;
struct nft_flowtable;

/* route.c */
int nfo_route_build(const struct nft_pktinfo *pkt, const struct nf_conn *ct,
		    enum ip_conntrack_dir dir, const struct nft_flowtable *nft,
		    struct nfo_route *route);
void nfo_route_release(struct nfo_route *route);
void nfo_path_put(const struct nfo_path *path);
void nfo_path_release(struct nfo_path *path);
bool nfo_path_uses_dev(const struct nfo_path *path, int ifindex);
bool nfo_path_current(const struct nfo_path *path, struct net_device *dev);

/*
 * notify.c: a generation count of the bridges' forwarding databases, bumped
 * whenever an entry is added, moved or removed (switchdev notifications;
 * without switchdev in the kernel, by the GC once per run).  Bridge paths
 * found under an older generation are checked again before use.
 */
extern atomic_t nfo_fdb_gen;

static inline u32 nfo_fdb_gen_read(void)
{
	return (u32)atomic_read(&nfo_fdb_gen);
}

void nfo_fdb_gen_tick(void);

/* Why a flowtable's flows go when it does: deleted, or its netns exits. */
static inline enum nfo_teardown_reason
nfo_td_flowtable(const struct nf_flowtable *ft)
{
	return check_net(read_pnet(&ft->net)) ? NFO_TD_FLOWTABLE : NFO_TD_NETNS;
}

struct nfo_flow_dir *nfo_flow_lookup(struct nf_flowtable *ft,
				     const struct nfo_tuple *tuple);

struct nfo_flow *nfo_flow_alloc(struct nf_conn *ct, struct nfo_route *route,
				struct nf_flowtable *ft);
void nfo_flow_free(struct nfo_flow *flow);
int nfo_flow_insert(struct nf_flowtable *ft, struct nfo_flow *flow);
void nfo_flow_teardown(struct nfo_flow *flow, enum nfo_teardown_reason why);

/* Module life: the flow slab cache. */
int nfo_flow_cache_init(void);
void nfo_flow_cache_exit(void);

/*
 * Our side of one flowtable instance: nf_tables owns the struct
 * nf_flowtable, with no room for our state in it.  Allocated by the
 * type's ->init, freed by its ->free, listed in nfo_net.flowtables.
 */
struct nfo_ft {
	struct nf_flowtable	*ft;
	/* nfo_net.flowtables: nfo_net.lock, readers RCU. */
	struct list_head	list;
	u64			id;		/* unique in the netns */
	struct delayed_work	gc_work;
	/*
	 * Serializes the removal of flows from the table: the GC's runs,
	 * nfo_flows_gc_sync() and nfo_flows_destroy().  Guards gc_iter and
	 * gc_walking.
	 */
	struct mutex		gc_lock;
	/* Where the GC's pass stopped (logic/timeout.h's pacing). */
	struct rhashtable_iter	gc_iter;
	bool			gc_walking;
	/*
	 * Port hooks below the listed bridges and VLAN devices (ports.h):
	 * the list, and whether it is gone with the flowtable, under
	 * nfo_net.lock; ports_dirty (->setup saw the devices change) and
	 * ports_devs (how many the last sync saw) ask the GC to sync.
	 */
	struct list_head	ports;
	bool			ports_gone;
	bool			ports_dirty;	/* READ/WRITE_ONCE */
	unsigned int		ports_devs;	/* READ/WRITE_ONCE */
};

/* Flowtable life (the rhashtable of struct nf_flowtable, and the GC). */
int nfo_flows_init(struct nfo_ft *f, struct nf_flowtable *ft);
void nfo_flows_walk(struct nf_flowtable *ft,
		    bool (*fn)(struct nfo_flow *flow, void *arg), void *arg);
void nfo_flows_destroy(struct nfo_ft *f);
unsigned int nfo_flows_teardown_dev(struct nf_flowtable *ft,
				    const struct net_device *dev,
				    enum nfo_teardown_reason why);
void nfo_flows_teardown_all(struct nf_flowtable *ft,
			    enum nfo_teardown_reason why);
void nfo_flows_gc_sync(struct nfo_ft *f);

#endif /* NFO_FLOW_H */
