/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A listed bridge's or VLAN device's traffic, caught at its ports.
 *
 * firewall4 lists the LAN bridge and the WAN VLAN device in its flowtable,
 * not their ports: the flowtable's hook then sees a packet only after the
 * bridge's input (or the VLAN code) ran, a second receive of the packet.
 * For every port below such a listed device, ports.c registers a hook of
 * its own (struct nfo_port) that runs last on the port; the datapath
 * (nfo_hook_port()) takes a packet there only when the layer above would
 * deliver it to the listed device unchanged and unobserved, and then
 * forwards it as if it had arrived there: its tuple names the listed
 * device.  Anything else goes on to the layer above, whose own hook finds
 * the same flow.
 */
#ifndef NFO_PORTS_H
#define NFO_PORTS_H

#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>

enum nfo_port_kind {
	NFO_PORT_BRIDGE,	/* a port of a listed bridge */
	NFO_PORT_VLAN,		/* the device below a listed VLAN device */
	NFO_PORT_KINDS
};

/*
 * What the datapath reads of a bridge port, kept from the bridge's
 * switchdev notifications (and read once when the hook is made): the
 * bridge keeps it where only its own code may look.
 */
enum {
	NFO_BRP_FORWARDING	= BIT(0),	/* port state forwarding */
	NFO_BRP_LOCKED		= BIT(1),	/* 802.1X locked port */
	NFO_BRP_VLAN_FILTERING	= BIT(2),	/* of the bridge */
	NFO_BRP_MST		= BIT(3),	/* of the bridge: per-VLAN states */
};

/*
 * When a bridge last saw a frame of a sender at this port (datapath.c's
 * nfo_port_learnt()), in a direct-mapped cache: written by whichever CPU
 * forwards, without a lock (a torn entry only makes one more frame go
 * through the bridge, or one less for a second).
 */
#define NFO_PORT_LEARN_SLOTS	64

struct nfo_port_learn {
	u8			mac[ETH_ALEN];
	u32			when;		/* jiffies; READ/WRITE_ONCE */
};

/*
 * One port hook.  Lives on its flowtable's nfo_ft.ports (nfo_net.lock);
 * the datapath reaches it as its hook's priv, under RCU, and it is freed
 * only after its hook is unregistered (which waits for the packets in it).
 */
struct nfo_port {
	struct nf_hook_ops	ops;		/* .dev: the port */
	struct list_head	list;
	struct nf_flowtable	*ft;
	struct net_device	*upper;		/* the listed device; held */
	u8			kind;		/* enum nfo_port_kind */
	u8			ipv4;		/* the flowtable's families */
	u8			ipv6;
	/* NFO_BRP_*: READ_ONCE in the datapath, written under RTNL. */
	u8			brp;
	bool			seen;		/* nfo_ports_sync()'s mark */
	struct nfo_port_learn	learn[NFO_PORT_LEARN_SLOTS];
};

struct nfo_net;
struct nfo_ft;

/* RTNL and nn->lock: make @f's port hooks match its devices now. */
void nfo_ports_sync_ft(struct nfo_net *nn, struct nfo_ft *f);
/* RTNL: the same for every flowtable of @nn. */
void nfo_ports_sync(struct nfo_net *nn);
/* The GC's: when @f's devices changed, sync if RTNL is free. */
void nfo_ports_gc(struct nfo_net *nn, struct nfo_ft *f);
/* nn->lock: @f goes; its port hooks with it. */
void nfo_ports_free(struct nfo_net *nn, struct nfo_ft *f);

int nfo_ports_init(void);
void nfo_ports_exit(void);

/* datapath.c */
unsigned int nfo_hook_port(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state);

#endif /* NFO_PORTS_H */
