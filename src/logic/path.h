/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The layers of a forwarding path, as dev_fill_forward_path() reports them
 * from the route's device down (one step per device): which the fast path
 * emulates, where the path ends (the port its packets leave by, and the
 * other direction's arrive on) and the tags it pushes there.  route.c
 * turns the kernel's steps into these and holds the devices.
 */
#ifndef NFO_LOGIC_PATH_H
#define NFO_LOGIC_PATH_H

#include "nfo_types.h"
#include "tuple.h"

enum nfo_step_kind {
	NFO_STEP_ETHERNET,	/* an Ethernet device: the port */
	NFO_STEP_VLAN,		/* a VLAN device: its tag */
	NFO_STEP_PPPOE,		/* a PPPoE session: its header */
	NFO_STEP_BRIDGE,	/* a bridge, to the port it chose */
	NFO_STEP_DSA,		/* a DSA switch's user port */
	NFO_STEP_OTHER,		/* what only hardware does */
};

/* What a VLAN-filtering bridge does to the tag on its way to the port. */
enum nfo_step_br_vlan {
	NFO_BR_VLAN_KEEP,	/* nothing */
	NFO_BR_VLAN_TAG,	/* pushes the port's PVID */
	NFO_BR_VLAN_UNTAG,	/* pops the tag of an untagged member */
	NFO_BR_VLAN_UNTAG_HW,	/* leaves the popping to switch hardware */
};

struct nfo_step {
	u8 kind;		/* enum nfo_step_kind */
	u8 br_vlan;		/* BRIDGE: enum nfo_step_br_vlan */
	/* VLAN, PPPoE: the tag; BRIDGE with NFO_BR_VLAN_TAG: the PVID's. */
	struct nfo_tuple_encap encap;
};

struct nfo_path_plan {
	u8 port;		/* index of the step of the port */
	u8 encap_num;
	u8 bridge;		/* a bridge chose the port */
	u8 pppoe;		/* a layer is a PPPoE session */
	/* The tags to push at the port, innermost first. */
	struct nfo_tuple_encap encap[NFO_TUPLE_MAX_ENCAP];
};

/*
 * Plan the path of @num steps: the steps before @plan->port are the
 * devices above the port.  The path ends at the first DSA user port (the
 * switch driver tags what it sends and sends it through the conduit below,
 * and delivers there what arrives for it), else at the last step, which
 * must be an Ethernet device.  False for what the fast path does not
 * emulate: hardware paths, a tag popped by switch hardware, more tags than
 * a tuple holds, a pop with no tag.
 */
bool nfo_path_plan(const struct nfo_step *steps, int num,
		   struct nfo_path_plan *plan);

#endif /* NFO_LOGIC_PATH_H */
