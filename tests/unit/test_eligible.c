// SPDX-License-Identifier: GPL-2.0
/*
 * The offload decision: every refusal, its name, and the order in which
 * the checks win over each other.
 */
#include "../../src/logic/eligible.c"
#include "check.h"

/* An established, assured, confirmed TCP flow with the switch on. */
static struct nfo_ct_facts good_tcp(void)
{
	struct nfo_ct_facts f;

	memset(&f, 0, sizeof(f));
	f.l4proto = NFO_IPPROTO_TCP;
	f.tcp_established = true;
	f.assured = true;
	f.confirmed = true;
	f.offload_enabled = true;
	return f;
}

static void test_names(void)
{
	static const char * const want[] = {
		"eligible", "sysctl_off", "secpath", "ipv4_options", "proto",
		"fin_rst", "not_established", "gre_keyed", "helper",
		"seqadj", "nat_clash", "unconfirmed", "already_offloaded",
	};
	unsigned int i, j;

	CHECK_EQ(NFO_REFUSE_MAX, sizeof(want) / sizeof(want[0]));
	CHECK_EQ(NFO_ELIGIBLE, 0);
	for (i = 0; i < NFO_REFUSE_MAX; i++) {
		CHECK_CTX("refusal %u", i);
		CHECK_STREQ(nfo_refusal_name(i), want[i]);
		for (j = 0; j < i; j++)
			CHECK(strcmp(nfo_refusal_name(i),
				     nfo_refusal_name(j)) != 0);
	}
	check_ctx[0] = 0;
	CHECK_STREQ(nfo_refusal_name(NFO_REFUSE_MAX), "unknown");
	CHECK_STREQ(nfo_refusal_name((enum nfo_refusal)-1), "unknown");
}

static void test_each(void)
{
	struct nfo_ct_facts f;

	f = good_tcp();
	CHECK_EQ(nfo_offload_eligible(&f), NFO_ELIGIBLE);

	f = good_tcp();
	f.offload_enabled = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_SYSCTL_OFF);
	f = good_tcp();
	f.ipv4_options = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_IPV4_OPTIONS);
	f = good_tcp();
	f.pkt_fin_or_rst = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_FIN_RST);
	f = good_tcp();
	f.tcp_established = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_NOT_ESTABLISHED);
	f = good_tcp();
	f.assured = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_NOT_ESTABLISHED);
	f = good_tcp();
	f.has_helper = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_HELPER);
	f = good_tcp();
	f.seq_adjust = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_SEQADJ);
	f = good_tcp();
	f.nat_clash = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_NAT_CLASH);
	f = good_tcp();
	f.confirmed = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_UNCONFIRMED);
	f = good_tcp();
	f.already_offloaded = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_ALREADY_OFFLOADED);

	/* UDP: no state, no assured needed; FIN/RST and GRE bits ignored. */
	f = good_tcp();
	f.l4proto = NFO_IPPROTO_UDP;
	f.tcp_established = false;
	f.assured = false;
	f.pkt_fin_or_rst = true;
	f.gre_keyed = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_ELIGIBLE);
	f.has_helper = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_HELPER);

	/* GRE: keyed (PPTP) refused; version 0 on the terms of UDP. */
	f = good_tcp();
	f.l4proto = NFO_IPPROTO_GRE;
	f.gre_keyed = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_GRE_KEYED);
	f.gre_keyed = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_ELIGIBLE);
	f.tcp_established = false;
	f.assured = false;
	f.pkt_fin_or_rst = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_ELIGIBLE);
	f.confirmed = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_UNCONFIRMED);
	f.confirmed = true;
	f.has_helper = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_HELPER);
	f.has_helper = false;
	f.gre_keyed = true;
	f.offload_enabled = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_SYSCTL_OFF);

	/* Other protocols. */
	f = good_tcp();
	f.l4proto = 1;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_PROTO);
	f.l4proto = 132;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_PROTO);
	f.l4proto = 0;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_PROTO);
}

/*
 * Precedence: with several reasons at once the earliest in the order
 * wins.  Switch reasons on from the last to the first and watch the
 * answer move up the list.
 */
static void test_order(void)
{
	struct nfo_ct_facts f = good_tcp();

	f.already_offloaded = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_ALREADY_OFFLOADED);
	f.confirmed = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_UNCONFIRMED);
	f.nat_clash = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_NAT_CLASH);
	f.seq_adjust = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_SEQADJ);
	f.has_helper = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_HELPER);
	f.assured = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_NOT_ESTABLISHED);
	f.pkt_fin_or_rst = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_FIN_RST);
	f.ipv4_options = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_IPV4_OPTIONS);
	f.offload_enabled = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_SYSCTL_OFF);

	/* Protocol refusals come before helper & co. */
	f = good_tcp();
	f.l4proto = 1;
	f.has_helper = true;
	f.confirmed = false;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_PROTO);
	f.l4proto = NFO_IPPROTO_GRE;
	f.gre_keyed = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_GRE_KEYED);
	/* ...but after the packet-level ones. */
	f.ipv4_options = true;
	CHECK_EQ(nfo_offload_eligible(&f), NFO_REFUSE_IPV4_OPTIONS);
}

/* Exhaustive over the boolean facts for TCP and GRE: the answer is always
 * the first reason that applies, recomputed here independently. */
static enum nfo_refusal nfo_tail(const struct nfo_ct_facts *f)
{
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

static void test_exhaustive(void)
{
	struct nfo_ct_facts f;
	enum nfo_refusal exp;
	unsigned int m;

	for (m = 0; m < (1u << 13); m++) {
		memset(&f, 0, sizeof(f));
		f.l4proto = m & 2048 ? NFO_IPPROTO_GRE : NFO_IPPROTO_TCP;
		f.tcp_established = m & 1;
		f.assured = m & 2;
		f.confirmed = m & 4;
		f.has_helper = m & 8;
		f.seq_adjust = m & 16;
		f.nat_clash = m & 32;
		f.already_offloaded = m & 64;
		f.pkt_fin_or_rst = m & 128;
		/* Bit 256 was the secpath fact: no longer a refusal. */
		f.ipv4_options = m & 512;
		f.gre_keyed = m & 1024;
		f.offload_enabled = m & 4096;

		if (!f.offload_enabled)
			exp = NFO_REFUSE_SYSCTL_OFF;
		else if (f.ipv4_options)
			exp = NFO_REFUSE_IPV4_OPTIONS;
		else if (f.l4proto == NFO_IPPROTO_GRE && f.gre_keyed)
			exp = NFO_REFUSE_GRE_KEYED;
		else if (f.l4proto == NFO_IPPROTO_GRE)
			exp = nfo_tail(&f);
		else if (f.pkt_fin_or_rst)
			exp = NFO_REFUSE_FIN_RST;
		else if (!(f.tcp_established && f.assured))
			exp = NFO_REFUSE_NOT_ESTABLISHED;
		else
			exp = nfo_tail(&f);
		CHECK_CTX("mask %04x", m);
		CHECK_EQ(nfo_offload_eligible(&f), exp);
	}
	check_ctx[0] = 0;
}

int main(void)
{
	test_names();
	test_each();
	test_order();
	test_exhaustive();
	return check_finish("test_eligible.c");
}
