// SPDX-License-Identifier: GPL-2.0
/*
 * The offload decision for nft_offload.  See eligible.h.
 */
#include "eligible.h"

static const char * const nfo_refusal_names[NFO_REFUSE_MAX] = {
	[NFO_ELIGIBLE]			= "eligible",
	[NFO_REFUSE_SYSCTL_OFF]		= "sysctl_off",
	[NFO_REFUSE_SECPATH]		= "secpath",
	[NFO_REFUSE_IPV4_OPTIONS]	= "ipv4_options",
	[NFO_REFUSE_PROTO]		= "proto",
	[NFO_REFUSE_FIN_RST]		= "fin_rst",
	[NFO_REFUSE_NOT_ESTABLISHED]	= "not_established",
	[NFO_REFUSE_GRE_KEYED]		= "gre_keyed",
	[NFO_REFUSE_HELPER]		= "helper",
	[NFO_REFUSE_SEQADJ]		= "seqadj",
	[NFO_REFUSE_NAT_CLASH]		= "nat_clash",
	[NFO_REFUSE_UNCONFIRMED]	= "unconfirmed",
	[NFO_REFUSE_ALREADY_OFFLOADED]	= "already_offloaded",
};

const char *nfo_refusal_name(enum nfo_refusal r)
{
	if ((unsigned int)r >= NFO_REFUSE_MAX || !nfo_refusal_names[r])
		return "unknown";
	return nfo_refusal_names[r];
}

static enum nfo_refusal nfo_eligible_proto(const struct nfo_ct_facts *f)
{
	switch (f->l4proto) {
	case NFO_IPPROTO_TCP:
		if (f->pkt_fin_or_rst)
			return NFO_REFUSE_FIN_RST;
		if (!f->tcp_established || !f->assured)
			return NFO_REFUSE_NOT_ESTABLISHED;
		return NFO_ELIGIBLE;
	case NFO_IPPROTO_UDP:
		return NFO_ELIGIBLE;
	case NFO_IPPROTO_GRE:
		/*
		 * Version 0 only: its tuple has zero keys, whatever key the
		 * packets carry.  Address NAT is fine, GRE has no checksum
		 * over the IP addresses.
		 */
		if (f->gre_keyed)
			return NFO_REFUSE_GRE_KEYED;
		return NFO_ELIGIBLE;
	default:
		return NFO_REFUSE_PROTO;
	}
}

enum nfo_refusal nfo_offload_eligible(const struct nfo_ct_facts *f)
{
	enum nfo_refusal r;

	if (!f->offload_enabled)
		return NFO_REFUSE_SYSCTL_OFF;
	if (f->ipv4_options)
		return NFO_REFUSE_IPV4_OPTIONS;

	r = nfo_eligible_proto(f);
	if (r != NFO_ELIGIBLE)
		return r;

	if (f->has_helper)
		return NFO_REFUSE_HELPER;
	if (f->seq_adjust)
		return NFO_REFUSE_SEQADJ;
	if (f->nat_clash)
		return NFO_REFUSE_NAT_CLASH;
	if (!f->confirmed)
		return NFO_REFUSE_UNCONFIRMED;
	if (f->already_offloaded)
		return NFO_REFUSE_ALREADY_OFFLOADED;
	return NFO_ELIGIBLE;
}
