// SPDX-License-Identifier: GPL-2.0
/*
 * The forwarding path plan: which paths the fast path emulates, where
 * each ends and the tags it pushes.  DSA user ports (OpenWrt's switches)
 * end the path as with the in-kernel flowtable: on the user port, the
 * conduit below it left to the switch driver.
 */
#include "../../src/logic/tuple.c"
#include "../../src/logic/path.c"
#include "check.h"

#define ETHER		{ .kind = NFO_STEP_ETHERNET }
#define DSA		{ .kind = NFO_STEP_DSA }
#define OTHER		{ .kind = NFO_STEP_OTHER }
#define VLAN(v)		{ .kind = NFO_STEP_VLAN, \
			  .encap = { .id = (v), .proto = 0x0081 } }
#define PPPOE(s)	{ .kind = NFO_STEP_PPPOE, \
			  .encap = { .id = (s), .proto = 0x6488 } }
#define BRIDGE(m, v)	{ .kind = NFO_STEP_BRIDGE, .br_vlan = (m), \
			  .encap = { .id = (v), .proto = 0x0081 } }

/* The rest of a case the path is refused in. */
#define REFUSED		false, 0, 0, { 0 }, false, false

struct plan_case {
	const char *name;
	struct nfo_step steps[5];
	int num;
	bool ok;
	int port;
	int encap_num;
	u16 encap[NFO_TUPLE_MAX_ENCAP];	/* ids, innermost first */
	bool bridge, pppoe;
};

static const struct plan_case cases[] = {
	{ "port", { ETHER }, 1, true, 0, 0, { 0 }, false, false },
	{ "vlan", { VLAN(7), ETHER }, 2, true, 1, 1, { 7 }, false, false },
	{ "qinq", { VLAN(20), VLAN(100), ETHER }, 3, true, 2, 2, { 20, 100 },
	  false, false },
	{ "pppoe over vlan", { PPPOE(9), VLAN(7), ETHER }, 3, true, 2, 2,
	  { 9, 7 }, false, true },
	{ "bridge", { BRIDGE(NFO_BR_VLAN_KEEP, 0), ETHER }, 2, true, 1, 0,
	  { 0 }, true, false },
	{ "bridge pushes pvid", { BRIDGE(NFO_BR_VLAN_TAG, 5), ETHER }, 2,
	  true, 1, 1, { 5 }, true, false },
	{ "bridge vlan untagged port", { VLAN(5), BRIDGE(NFO_BR_VLAN_UNTAG, 0),
	  ETHER }, 3, true, 2, 0, { 0 }, true, false },
	{ "untag with no tag", { BRIDGE(NFO_BR_VLAN_UNTAG, 0), ETHER }, 2,
	  REFUSED },
	{ "untag by hardware", { VLAN(5), BRIDGE(NFO_BR_VLAN_UNTAG_HW, 0),
	  ETHER }, 3, REFUSED },
	{ "three tags", { VLAN(1), VLAN(2), VLAN(3), ETHER }, 4, REFUSED },
	{ "bridge tag past the limit", { VLAN(1), VLAN(2),
	  BRIDGE(NFO_BR_VLAN_TAG, 3), ETHER }, 4, REFUSED },
	{ "ethernet above the port", { ETHER, ETHER }, 2, REFUSED },
	{ "hardware step", { OTHER, ETHER }, 2, REFUSED },
	{ "ends in hardware", { VLAN(7), OTHER }, 2, REFUSED },
	{ "empty", { ETHER }, 0, REFUSED },
	/* DSA: the user port is the port, whatever lies below it. */
	{ "dsa user port", { DSA, ETHER }, 2, true, 0, 0, { 0 }, false,
	  false },
	{ "dsa port alone", { DSA }, 1, true, 0, 0, { 0 }, false, false },
	{ "bridge over dsa (fw4 br-lan)", { BRIDGE(NFO_BR_VLAN_KEEP, 0), DSA,
	  ETHER }, 3, true, 1, 0, { 0 }, true, false },
	{ "vlan over dsa (wan.7)", { VLAN(7), DSA, ETHER }, 3, true, 1, 1,
	  { 7 }, false, false },
	{ "pppoe over dsa", { PPPOE(3), DSA, ETHER }, 3, true, 1, 1, { 3 },
	  false, true },
	{ "bridge pvid over dsa", { BRIDGE(NFO_BR_VLAN_TAG, 5), DSA, ETHER },
	  3, true, 1, 1, { 5 }, true, false },
	{ "hardware untag over dsa", { VLAN(5),
	  BRIDGE(NFO_BR_VLAN_UNTAG_HW, 0), DSA, ETHER }, 4, REFUSED },
	{ "anything below dsa", { VLAN(7), DSA, OTHER }, 3, true, 1, 1, { 7 },
	  false, false },
	{ "dsa above dsa", { DSA, DSA, ETHER }, 3, true, 0, 0, { 0 }, false,
	  false },
};

static void test_plans(void)
{
	unsigned int c;
	int i;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct plan_case *t = &cases[c];
		struct nfo_path_plan plan;
		bool ok;

		memset(&plan, 0xa5, sizeof(plan));
		CHECK_CTX("%s", t->name);
		ok = nfo_path_plan(t->steps, t->num, &plan);
		CHECK_EQ(ok, t->ok);
		if (!ok || !t->ok)
			continue;
		CHECK_EQ(plan.port, t->port);
		CHECK_EQ(plan.encap_num, t->encap_num);
		for (i = 0; i < t->encap_num && i < plan.encap_num; i++)
			CHECK_EQ(plan.encap[i].id, t->encap[i]);
		CHECK_EQ(!!plan.bridge, t->bridge);
		CHECK_EQ(!!plan.pppoe, t->pppoe);
	}
	check_ctx[0] = 0;
}

/* Random steps: never past the steps given, never more tags than held. */
static void test_random(void)
{
	static const u8 kinds[] = { NFO_STEP_ETHERNET, NFO_STEP_VLAN,
				    NFO_STEP_PPPOE, NFO_STEP_BRIDGE,
				    NFO_STEP_DSA, NFO_STEP_OTHER };
	struct nfo_step steps[5];
	struct nfo_path_plan plan;
	int round, i, num;

	check_seed(7);
	for (round = 0; round < 200000; round++) {
		num = check_below(6);
		for (i = 0; i < num; i++) {
			steps[i].kind = kinds[check_below(sizeof(kinds))];
			steps[i].br_vlan = check_below(4);
			steps[i].encap.id = check_below(4096);
			steps[i].encap.proto = 0x0081;
		}
		if (!nfo_path_plan(steps, num, &plan))
			continue;
		CHECK(plan.port < num);
		CHECK(plan.encap_num <= NFO_TUPLE_MAX_ENCAP);
		CHECK(steps[plan.port].kind == NFO_STEP_ETHERNET ||
		      steps[plan.port].kind == NFO_STEP_DSA);
		for (i = 0; i < plan.port; i++)
			CHECK(steps[i].kind != NFO_STEP_DSA);
	}
}

int main(void)
{
	test_plans();
	test_random();
	return check_finish("test_path.c");
}
