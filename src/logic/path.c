// SPDX-License-Identifier: GPL-2.0
/* The layers of a forwarding path: see path.h. */
#include "path.h"

static bool nfo_plan_push(struct nfo_path_plan *plan,
			  const struct nfo_tuple_encap *encap)
{
	if (plan->encap_num >= NFO_TUPLE_MAX_ENCAP)
		return false;
	plan->encap[plan->encap_num++] = *encap;
	return true;
}

bool nfo_path_plan(const struct nfo_step *steps, int num,
		   struct nfo_path_plan *plan)
{
	int i, port = num - 1;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < num; i++) {
		if (steps[i].kind == NFO_STEP_DSA) {
			port = i;
			break;
		}
	}
	if (port < 0)
		return false;
	if (steps[port].kind != NFO_STEP_ETHERNET &&
	    steps[port].kind != NFO_STEP_DSA)
		return false;

	for (i = 0; i < port; i++) {
		const struct nfo_step *step = &steps[i];

		switch (step->kind) {
		case NFO_STEP_VLAN:
		case NFO_STEP_PPPOE:
			if (!nfo_plan_push(plan, &step->encap))
				return false;
			if (step->kind == NFO_STEP_PPPOE)
				plan->pppoe = 1;
			break;
		case NFO_STEP_BRIDGE:
			plan->bridge = 1;
			switch (step->br_vlan) {
			case NFO_BR_VLAN_KEEP:
				break;
			case NFO_BR_VLAN_TAG:
				if (!nfo_plan_push(plan, &step->encap))
					return false;
				break;
			case NFO_BR_VLAN_UNTAG:
				if (!plan->encap_num)
					return false;
				plan->encap_num--;
				break;
			default:
				return false;
			}
			break;
		default:	/* Ethernet above a port, DSA, hardware */
			return false;
		}
	}
	plan->port = port;
	return true;
}
