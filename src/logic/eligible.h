/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The offload decision: may this connection be put in the flowtable?
 *
 * The caller collects plain facts about the packet and its conntrack
 * entry; the decision and the reason for a refusal are made here.  The
 * checks run in the order of the kernel's nft_flow_offload_eval(), except
 * that the module-wide switch comes first.
 */
#ifndef NFO_LOGIC_ELIGIBLE_H
#define NFO_LOGIC_ELIGIBLE_H

#include "nfo_types.h"

struct nfo_ct_facts {
	u8 l4proto;		/* protocol of the conntrack entry */
	bool tcp_established;	/* TCP state is ESTABLISHED */
	bool assured;		/* IPS_ASSURED */
	bool confirmed;		/* entry is in the conntrack hash */
	bool has_helper;	/* conntrack helper extension attached */
	bool seq_adjust;	/* IPS_SEQ_ADJUST */
	bool nat_clash;		/* IPS_NAT_CLASH */
	bool already_offloaded;	/* IPS_OFFLOAD already set */
	bool pkt_fin_or_rst;	/* this TCP packet has FIN or RST */
	bool ipv4_options;	/* IPv4 packet with IP options */
	bool gre_keyed;		/* GRE tuple with non-zero keys (PPTP, v1) */
	bool offload_enabled;	/* module switch (sysctl) is on */
};

enum nfo_refusal {
	NFO_ELIGIBLE = 0,
	NFO_REFUSE_SYSCTL_OFF,
	/*
	 * No longer returned: a packet decrypted by IPsec may trigger the
	 * offload, its direction's packets then get the forward policy
	 * check in the datapath (slow_secpath when it fails).  Kept so that
	 * the refusals keep their numbers and statistics names.
	 */
	NFO_REFUSE_SECPATH,
	NFO_REFUSE_IPV4_OPTIONS,
	NFO_REFUSE_PROTO,
	NFO_REFUSE_FIN_RST,
	NFO_REFUSE_NOT_ESTABLISHED,
	NFO_REFUSE_GRE_KEYED,
	NFO_REFUSE_HELPER,
	NFO_REFUSE_SEQADJ,
	NFO_REFUSE_NAT_CLASH,
	NFO_REFUSE_UNCONFIRMED,
	NFO_REFUSE_ALREADY_OFFLOADED,
	NFO_REFUSE_MAX
};

/*
 * Decide.  Order: sysctl_off, ipv4_options, then by protocol
 * (TCP: fin_rst, not_established when not both ESTABLISHED and ASSURED;
 * UDP: nothing; GRE: gre_keyed when the conntrack tuple has keys, that is
 * a PPTP (version 1) call, otherwise as UDP; anything else: proto), then
 * helper, seqadj, nat_clash, unconfirmed, already_offloaded.
 *
 * already_offloaded comes last because the kernel tests it with
 * test_and_set_bit(IPS_OFFLOAD_BIT): a caller that sets the bit
 * atomically itself should pass false and treat a lost race as that
 * refusal.
 */
enum nfo_refusal nfo_offload_eligible(const struct nfo_ct_facts *f);

/*
 * Stable short snake_case name of a refusal ("eligible", "sysctl_off",
 * "secpath", "ipv4_options", "proto", "fin_rst", "not_established",
 * "gre_keyed", "helper", "seqadj", "nat_clash", "unconfirmed",
 * "already_offloaded"), or "unknown".  Statistics keys: do not rename.
 */
const char *nfo_refusal_name(enum nfo_refusal r);

#endif /* NFO_LOGIC_ELIGIBLE_H */
