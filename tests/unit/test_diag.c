// SPDX-License-Identifier: GPL-2.0
/*
 * `nft-offload diagnose`'s decision table: every cause, the objects its
 * explanation and fix name, and the order in which the causes win.
 */
#include "../../tool/logic/diag.c"
#include "check.h"

static struct diag_facts F;
static struct diag_result R;

static void dev(struct diag_dev *d, const char *name, enum diag_dev_kind k,
		int mtu, const char *port)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->kind = k;
	d->mtu = mtu;
	if (port) {
		snprintf(d->ports[0], sizeof(d->ports[0]), "%s", port);
		d->n_ports = 1;
	}
}

static void stat_set(const char *name, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < F.n_stats; i++)
		if (!strcmp(F.stats[i].name, name)) {
			F.stats[i].value = v;
			return;
		}
	snprintf(F.stats[F.n_stats].name, sizeof(F.stats[0].name), "%s", name);
	F.stats[F.n_stats++].value = v;
}

/*
 * Everything right: r-cl and r-srv in flowtable inet filter ft, a counted
 * flow add rule that was reached, and an offloaded, listed TCP connection.
 */
static void good(void)
{
	struct diag_conn *c = &F.conn;

	memset(&F, 0, sizeof(F));
	F.module_loaded = true;
	F.sysctl_known = true;
	F.sysctl_on = true;
	F.n_ft = 1;
	strcpy(F.ft[0].family, "inet");
	strcpy(F.ft[0].table, "filter");
	strcpy(F.ft[0].name, "ft");
	F.ft[0].n_devs = 2;
	dev(&F.ft[0].devs[0], "r-cl", DIAG_DEV_PLAIN, 1500, NULL);
	dev(&F.ft[0].devs[1], "r-srv", DIAG_DEV_PLAIN, 1500, NULL);
	F.n_rules = 1;
	strcpy(F.rules[0].family, "inet");
	strcpy(F.rules[0].table, "filter");
	strcpy(F.rules[0].chain, "forward");
	strcpy(F.rules[0].flowtable, "ft");
	F.rules[0].has_counter = true;
	F.rules[0].packets = 5;
	stat_set("offloaded", 1);
	stat_set("refused_helper", 0);
	stat_set("refused_not_established", 2);
	stat_set("slow_mtu", 0);

	F.addr_given = true;
	strcpy(F.addr, "10.0.2.2:5001");
	F.conn_found = true;
	strcpy(c->desc, "tcp 10.0.1.2:40000 -> 10.0.2.2:5001");
	c->tcp = true;
	strcpy(c->state, "ESTABLISHED");
	c->seen_reply = true;
	c->assured = true;
	c->offloaded = true;
	c->have_dev[DIAG_ORIG_IN] = c->have_dev[DIAG_ORIG_OUT] = true;
	c->have_dev[DIAG_REPLY_IN] = c->have_dev[DIAG_REPLY_OUT] = true;
	dev(&c->dev[DIAG_ORIG_IN], "r-cl", DIAG_DEV_PLAIN, 1500, NULL);
	dev(&c->dev[DIAG_REPLY_OUT], "r-cl", DIAG_DEV_PLAIN, 1500, NULL);
	dev(&c->dev[DIAG_REPLY_IN], "r-srv", DIAG_DEV_PLAIN, 1500, NULL);
	dev(&c->dev[DIAG_ORIG_OUT], "r-srv", DIAG_DEV_PLAIN, 1500, NULL);
	c->listed = true;
	strcpy(c->ft_table, "filter");
	strcpy(c->ft_name, "ft");
	c->packets[0] = 100;
	c->bytes[0] = 150000;
	c->packets[1] = 50;
	c->bytes[1] = 2600;
}

static bool has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* Run, check the cause and exit code, and that every check but the last
 * passed (the walk stops at the first broken link). */
static void run(const char *ctx, enum diag_cause want)
{
	unsigned int i, failed = 0;

	CHECK_CTX("%s", ctx);
	diag_run(&F, &R);
	CHECK_STREQ(diag_cause_name(R.cause), diag_cause_name(want));
	CHECK_EQ(diag_exit_code(&R),
		 want == DIAG_NONE || want == DIAG_OFFLOADED ? 0 : 1);
	CHECK(R.explanation[0] != '\0');
	CHECK(R.fix[0] != '\0');
	CHECK(R.n_checks > 0);
	for (i = 0; i < R.n_checks; i++) {
		CHECK(R.checks[i].check != NULL);
		CHECK(R.checks[i].detail[0] != '\0');
		if (!R.checks[i].ok)
			failed++;
	}
	if (want == DIAG_NONE || want == DIAG_OFFLOADED)
		CHECK_EQ(failed, 0);
	else
		CHECK(!R.checks[R.n_checks - 1].ok);
}

/* The detail of the first check named @name whose detail has @text. */
static const char *check_with(const char *name, const char *text)
{
	unsigned int i;

	for (i = 0; i < R.n_checks; i++)
		if (!strcmp(R.checks[i].check, name) &&
		    has(R.checks[i].detail, text))
			return R.checks[i].detail;
	return NULL;
}

static void test_names(void)
{
	static const char * const want[] = {
		"none", "offloaded", "module_missing", "inkernel_flowtable",
		"sysctl_off", "no_flowtable", "no_hw_offload", "no_flow_rule",
		"rule_not_reached", "no_connection", "device_not_in_flowtable",
		"helper", "ct_state", "mtu", "not_offloaded", "hw_pending",
		"hw_refused", "hw_off",
	};
	unsigned int i;

	CHECK_EQ(sizeof(want) / sizeof(want[0]), DIAG_CAUSE_MAX);
	for (i = 0; i < DIAG_CAUSE_MAX; i++)
		CHECK_STREQ(diag_cause_name(i), want[i]);
	CHECK_STREQ(diag_cause_name(DIAG_CAUSE_MAX), "unknown");
	CHECK_STREQ(diag_cause_name((enum diag_cause)-1), "unknown");
}

static void test_stats(void)
{
	good();
	stat_set("refused_helper", 7);
	stat_set("refused_seqadj", 3);
	stat_set("slow_mtu", 1000);
	CHECK_EQ(diag_stat(&F, "refused_helper"), 7);
	CHECK_EQ(diag_stat(&F, "nonexistent"), 0);
	CHECK_EQ(diag_attempts(&F), 1 + 7 + 3 + 2);
}

static void test_offloaded(void)
{
	good();
	run("offloaded", DIAG_OFFLOADED);
	CHECK(has(R.explanation, "filter ft"));
	CHECK(has(R.explanation, "150000 bytes"));
	CHECK(has(R.explanation, "10.0.2.2:5001"));

	/* [OFFLOAD] but not (yet) in the listing. */
	good();
	F.conn.listed = false;
	run("offloaded, not listed", DIAG_OFFLOADED);
	CHECK(has(R.explanation, "[OFFLOAD]"));

	/* No address: nothing wrong, cause none. */
	good();
	F.addr_given = false;
	F.conn_found = false;
	run("no address", DIAG_NONE);
}

static void test_hardware(void)
{
	/* A software flowtable's flow: nothing about hardware. */
	good();
	strcpy(F.conn.hw, "none");
	run("hw none", DIAG_OFFLOADED);
	CHECK(!check_with("hardware", ""));

	good();
	strcpy(F.conn.hw, "offloaded");
	F.conn.hw_packets = 1234;
	run("hw offloaded", DIAG_OFFLOADED);
	CHECK(check_with("hardware", "1234 packets") != NULL);

	good();
	strcpy(F.conn.hw, "pending");
	run("hw pending", DIAG_HW_PENDING);
	CHECK(has(R.explanation, "queued"));

	good();
	strcpy(F.conn.hw, "off");
	run("hw off", DIAG_HW_OFF);
	CHECK(has(R.fix, "nf_flow_offload_hw=1"));

	good();
	strcpy(F.conn.hw, "refused");
	strcpy(F.conn.hw_err, "enospc:-28");
	F.conn.hw_tries = 3;
	run("hw table full", DIAG_HW_REFUSED);
	CHECK(has(R.explanation, "table is full"));
	CHECK(has(R.explanation, "enospc:-28"));
	CHECK(check_with("hardware", "enospc:-28, 3 in a row") != NULL);
	CHECK(has(R.fix, "timeout"));

	good();
	strcpy(F.conn.hw, "retrying");
	strcpy(F.conn.hw_err, "no_driver:-67");
	F.conn.hw_tries = 1;
	run("hw no driver", DIAG_HW_REFUSED);
	CHECK(has(R.explanation, "no driver callback"));
	CHECK(check_with("hardware", "retrying, last refusal no_driver:-67, 1 in a row") != NULL);
	CHECK(has(R.fix, "TC_SETUP_FT"));

	good();
	strcpy(F.conn.hw, "partial");
	strcpy(F.conn.hw_err, "eopnotsupp:-95");
	F.conn.hw_tries = 2;
	run("hw one direction", DIAG_HW_REFUSED);
	CHECK(has(R.explanation, "only one direction"));
	CHECK(has(R.explanation, "does not support"));

	/* A kind the table does not know still gets an answer. */
	good();
	strcpy(F.conn.hw, "refused");
	strcpy(F.conn.hw_err, "other:-5");
	run("hw other", DIAG_HW_REFUSED);
	CHECK(has(R.explanation, "refused the rule"));

	/* Not in the listing: nothing known about hardware. */
	good();
	strcpy(F.conn.hw, "refused");
	strcpy(F.conn.hw_err, "enospc:-28");
	F.conn.listed = false;
	run("hw, not listed", DIAG_OFFLOADED);
}

static void test_module(void)
{
	good();
	F.module_loaded = false;
	run("module missing", DIAG_MODULE_MISSING);
	CHECK(has(R.explanation, "nft_offload"));
	CHECK(has(R.fix, "modprobe nft_offload"));
	CHECK_STREQ(R.checks[0].check, "module");
	CHECK_EQ(R.n_checks, 1);

	F.inkernel_flowtable = true;
	run("in-kernel flowtable", DIAG_INKERNEL_FLOWTABLE);
	CHECK(has(R.explanation, "nf_flow_table"));
	CHECK(has(R.fix, "modprobe.d"));
	CHECK(!has(R.fix, "blacklist"));

	/* Module missing wins over everything else that is also wrong. */
	good();
	F.module_loaded = false;
	F.sysctl_on = false;
	F.n_ft = 0;
	F.n_rules = 0;
	F.conn_found = false;
	run("module first", DIAG_MODULE_MISSING);
}

static void test_sysctl(void)
{
	good();
	F.sysctl_on = false;
	stat_set("refused_sysctl_off", 4);
	run("sysctl off", DIAG_SYSCTL_OFF);
	CHECK(has(R.explanation, "nf_flow_offload is 0"));
	CHECK(has(R.explanation, "refused_sysctl_off 4"));
	CHECK(has(R.fix, "sysctl -w net.netfilter.nf_flow_offload=1"));

	/* Unknown (not readable): not a cause. */
	good();
	F.sysctl_known = false;
	F.sysctl_on = false;
	run("sysctl unknown", DIAG_OFFLOADED);

	/* Before no_flowtable. */
	good();
	F.sysctl_on = false;
	F.n_ft = 0;
	run("sysctl before flowtable", DIAG_SYSCTL_OFF);
}

static void test_flowtable(void)
{
	good();
	F.n_ft = 0;
	run("no flowtable", DIAG_NO_FLOWTABLE);
	CHECK(has(R.fix, "nft add flowtable"));
	/* The fix names the connection's devices (a VLAN's port). */
	CHECK(has(R.fix, "devices = { r-cl, r-srv }"));
	dev(&F.conn.dev[DIAG_ORIG_IN], "r-cl.10", DIAG_DEV_VLAN, 1500, "r-cl");
	run("no flowtable, vlan", DIAG_NO_FLOWTABLE);
	CHECK(has(R.fix, "devices = { r-cl, r-srv }"));
	F.conn_found = false;
	run("no flowtable, no connection", DIAG_NO_FLOWTABLE);
	CHECK(has(R.fix, "devices = { lan0, wan0 }"));
	F.conn_found = true;

	/* A refused hardware flowtable explains the missing one. */
	strcpy(F.hw_refused_dev, "r-cl");
	strcpy(F.hw_refused_table, "filter");
	strcpy(F.hw_refused_ft, "hwft");
	stat_set("hw_bind_refused", 1);
	run("hw refused, no flowtable", DIAG_NO_HW_OFFLOAD);
	CHECK(has(R.explanation, "r-cl"));
	CHECK(has(R.explanation, "filter hwft"));
	CHECK(has(R.explanation, "flags offload"));
	CHECK(has(R.explanation, "hw_bind_refused 1"));
	CHECK(has(R.fix, "flags offload"));

	/* Also while another flowtable exists. */
	good();
	strcpy(F.hw_refused_dev, "r-cl");
	strcpy(F.hw_refused_table, "filter");
	strcpy(F.hw_refused_ft, "hwft");
	run("hw refused beside another", DIAG_NO_HW_OFFLOAD);

	/* Stale: a flowtable of that name exists now without the flag. */
	strcpy(F.hw_refused_ft, "ft");
	run("hw refusal stale", DIAG_OFFLOADED);

	/* A refused device addition: the flowtable exists, with the flag,
	 * without the device. */
	F.ft[0].hw_offload = true;
	strcpy(F.hw_refused_dev, "r-new");
	run("hw refused device addition", DIAG_NO_HW_OFFLOAD);
	CHECK(has(R.explanation, "r-new"));
	/* ... and once the device is in it, the refusal is old news. */
	strcpy(F.hw_refused_dev, "r-cl");
	run("hw device in it now", DIAG_OFFLOADED);

	/* After sysctl_off. */
	good();
	F.sysctl_on = false;
	strcpy(F.hw_refused_dev, "r-cl");
	strcpy(F.hw_refused_table, "filter");
	strcpy(F.hw_refused_ft, "hwft");
	run("sysctl before hw", DIAG_SYSCTL_OFF);
}

static void test_rules(void)
{
	good();
	F.n_rules = 0;
	run("no flow rule", DIAG_NO_FLOW_RULE);
	CHECK(has(R.explanation, "@ft"));
	CHECK(has(R.fix, "flow add @ft"));

	/* Counter at 0 and no attempt. */
	good();
	F.rules[0].packets = 0;
	stat_set("offloaded", 0);
	stat_set("refused_not_established", 0);
	run("rule not reached", DIAG_RULE_NOT_REACHED);
	CHECK(has(R.explanation, "chain forward"));
	CHECK(has(R.explanation, "counter is at 0"));
	CHECK(has(R.fix, "nft -a list chain inet filter forward"));

	/* No counter: the module's attempt counters decide. */
	F.rules[0].has_counter = false;
	run("no counter, no attempts", DIAG_RULE_NOT_REACHED);
	CHECK(!has(R.explanation, "counter is at 0"));
	stat_set("refused_helper", 1);
	run("no counter, one attempt", DIAG_OFFLOADED);

	/* Counter at 0 but the module saw attempts: reached (elsewhere). */
	good();
	F.rules[0].packets = 0;
	run("counter 0, attempts", DIAG_OFFLOADED);

	/* A second rule with a nonzero counter. */
	good();
	stat_set("offloaded", 0);
	stat_set("refused_not_established", 0);
	F.rules[0].packets = 0;
	F.rules[1] = F.rules[0];
	F.rules[1].packets = 9;
	F.n_rules = 2;
	run("second rule reached", DIAG_OFFLOADED);

	/* Rules come before the connection. */
	good();
	F.n_rules = 0;
	F.conn_found = false;
	run("rule before connection", DIAG_NO_FLOW_RULE);
}

static void test_connection(void)
{
	good();
	F.conn_found = false;
	run("no connection", DIAG_NO_CONNECTION);
	CHECK(has(R.explanation, "10.0.2.2:5001"));
}

static void test_devices(void)
{
	/* The reply direction comes in on a device not listed. */
	good();
	F.ft[0].n_devs = 1;
	run("reply device missing", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(has(R.explanation, "r-srv"));
	CHECK(has(R.explanation, "filter ft"));
	CHECK(has(R.explanation, "reply"));
	CHECK(has(R.fix, "devices = { r-srv }"));
	CHECK(has(R.fix, "nft add flowtable inet filter ft"));

	/* The original direction's device is checked first. */
	good();
	dev(&F.ft[0].devs[0], "eth9", DIAG_DEV_PLAIN, 1500, NULL);
	F.ft[0].n_devs = 1;
	run("both missing", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(has(R.explanation, "original"));
	CHECK(has(R.fix, "{ r-cl }"));

	/* A VLAN device on the router; neither it nor its port listed. */
	good();
	dev(&F.conn.dev[DIAG_ORIG_IN], "r-cl.10", DIAG_DEV_VLAN, 1500, "r-cl");
	dev(&F.conn.dev[DIAG_REPLY_OUT], "r-cl.10", DIAG_DEV_VLAN, 1500,
	    "r-cl");
	dev(&F.ft[0].devs[0], "r-srv", DIAG_DEV_PLAIN, 1500, NULL);
	F.ft[0].n_devs = 1;
	run("vlan port missing", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(has(R.explanation, "r-cl.10"));
	CHECK(has(R.explanation, "VLAN"));
	CHECK(has(R.fix, "{ r-cl }"));
	CHECK(has(R.fix, "port under r-cl.10"));

	/* Its port listed: fine. */
	dev(&F.ft[0].devs[1], "r-cl", DIAG_DEV_PLAIN, 1500, NULL);
	F.ft[0].n_devs = 2;
	run("vlan port listed", DIAG_OFFLOADED);

	/* A bridge whose port is listed. */
	good();
	dev(&F.conn.dev[DIAG_ORIG_IN], "br0", DIAG_DEV_BRIDGE, 1500, "r-cl");
	run("bridge port listed", DIAG_OFFLOADED);

	/* Device checks come before the helper. */
	good();
	F.ft[0].n_devs = 1;
	strcpy(F.conn.helper, "ftp");
	F.conn.offloaded = false;
	run("device before helper", DIAG_DEVICE_NOT_IN_FLOWTABLE);
}

/*
 * firewall4's software offloading lists the bridge and the VLAN device
 * (br-lan, wan.7), not their ports, and for PPPoE the device under the
 * session (wan): all of it works.  No fault, no advice; a passing check
 * says where the packets are caught.
 */
static void fw4_conn(void)
{
	good();
	dev(&F.ft[0].devs[0], "br-lan", DIAG_DEV_BRIDGE, 1500, "lan1");
	dev(&F.ft[0].devs[1], "wan", DIAG_DEV_PLAIN, 1500, NULL);
	strcpy(F.ft[0].table, "fw4");
	strcpy(F.rules[0].table, "fw4");
	strcpy(F.conn.ft_table, "fw4");
	dev(&F.conn.dev[DIAG_ORIG_IN], "br-lan", DIAG_DEV_BRIDGE, 1500, "lan1");
	dev(&F.conn.dev[DIAG_REPLY_OUT], "br-lan", DIAG_DEV_BRIDGE, 1500,
	    "lan1");
	dev(&F.conn.dev[DIAG_REPLY_IN], "wan", DIAG_DEV_PLAIN, 1500, NULL);
	dev(&F.conn.dev[DIAG_ORIG_OUT], "wan", DIAG_DEV_PLAIN, 1500, NULL);
}

static void test_upper(void)
{
	const char *d;

	/* a-sw.nft: br-lan and wan. */
	fw4_conn();
	run("fw4: bridge listed", DIAG_OFFLOADED);
	CHECK_EQ(diag_exit_code(&R), 0);
	CHECK(!strcmp(R.fix, "nothing to do."));
	CHECK(!has(R.explanation, "lan1"));
	CHECK(!has(R.explanation, "firewall4"));
	d = check_with("device", "br-lan");
	CHECK(d != NULL);
	if (d) {
		CHECK(has(d, "bridge on lan1"));
		CHECK(has(d, "is in flowtable fw4 ft"));
		CHECK(has(d, "caught at the port, or on it"));
		CHECK(has(d, "to the port directly"));
	}
	CHECK(check_with("device", "wan is in flowtable fw4 ft") != NULL);

	/* c-vlan-sw.nft: br-lan and wan.7 (on eth1). */
	fw4_conn();
	dev(&F.ft[0].devs[1], "wan.7", DIAG_DEV_VLAN, 1500, "eth1");
	dev(&F.conn.dev[DIAG_REPLY_IN], "wan.7", DIAG_DEV_VLAN, 1500, "eth1");
	dev(&F.conn.dev[DIAG_ORIG_OUT], "wan.7", DIAG_DEV_VLAN, 1500, "eth1");
	run("fw4: bridge and vlan listed", DIAG_OFFLOADED);
	d = check_with("device", "wan.7");
	CHECK(d != NULL);
	if (d) {
		CHECK(has(d, "reply"));
		CHECK(has(d, "VLAN device on eth1"));
		CHECK(has(d, "caught at the port, or on it"));
	}

	/* d-pppoe-sw.nft: br-lan and wan, the session pppoe-wan on wan. */
	fw4_conn();
	dev(&F.conn.dev[DIAG_REPLY_IN], "pppoe-wan", DIAG_DEV_PPP, 1492, "wan");
	dev(&F.conn.dev[DIAG_ORIG_OUT], "pppoe-wan", DIAG_DEV_PPP, 1492,
	    "wan");
	run("fw4: pppoe, wan listed", DIAG_OFFLOADED);
	CHECK(check_with("device", "pppoe-wan: its port wan is in") != NULL);
	/* The PPP device itself listed works as well. */
	dev(&F.ft[0].devs[1], "pppoe-wan", DIAG_DEV_PPP, 1492, "wan");
	run("pppoe-wan listed", DIAG_OFFLOADED);
	CHECK(check_with("device", "after the PPP code ran") != NULL);
	/* Neither: the port under the session is named. */
	dev(&F.ft[0].devs[1], "eth9", DIAG_DEV_PLAIN, 1500, NULL);
	run("pppoe, nothing listed", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(has(R.explanation, "PPP device pppoe-wan"));
	CHECK(has(R.fix, "devices = { wan }"));
	CHECK(has(R.fix, "port under pppoe-wan"));
	/* The session's device unknown (no /proc/net/pppoe): as it is. */
	dev(&F.conn.dev[DIAG_REPLY_IN], "pppoe-wan", DIAG_DEV_PPP, 1492, NULL);
	run("pppoe, no session known", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(has(R.fix, "devices = { pppoe-wan }"));

	/* The other causes are found as with the ports listed. */
	fw4_conn();
	strcpy(F.conn.helper, "ftp");
	F.conn.offloaded = false;
	F.conn.listed = false;
	run("fw4: helper", DIAG_HELPER);
	CHECK(!has(R.explanation, "br-lan"));
	CHECK(has(R.explanation, "ftp"));

	fw4_conn();
	F.conn.offloaded = false;
	F.conn.listed = false;
	run("fw4: not offloaded", DIAG_NOT_OFFLOADED);

	fw4_conn();
	F.conn.dev[DIAG_ORIG_IN].mtu = 9000;
	F.ft[0].devs[0].mtu = 9000;
	stat_set("slow_mtu", 10);
	run("fw4: mtu", DIAG_MTU);

	/* A device missing in the other direction. */
	fw4_conn();
	F.ft[0].n_devs = 1;
	run("fw4: wan missing", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(has(R.explanation, "wan"));
	CHECK(has(R.fix, "devices = { wan }"));

	/* Without an address: none, with the same fact as a passing check. */
	fw4_conn();
	F.addr_given = false;
	F.conn_found = false;
	dev(&F.ft[0].devs[1], "wan.7", DIAG_DEV_VLAN, 1500, "eth1");
	run("fw4: no address", DIAG_NONE);
	CHECK(!strcmp(R.fix, "nothing to do."));
	d = check_with("devices", "bridge br-lan");
	CHECK(d != NULL);
	if (d) {
		CHECK(has(d, "flowtable fw4 ft"));
		CHECK(has(d, "arriving on lan1"));
		CHECK(has(d, "caught at the port, or on it"));
	}
	CHECK(check_with("devices", "VLAN device wan.7") != NULL);
	/* ... and none once the ports are listed as well. */
	dev(&F.ft[0].devs[2], "lan1", DIAG_DEV_PLAIN, 1500, NULL);
	dev(&F.ft[0].devs[3], "eth1", DIAG_DEV_PLAIN, 1500, NULL);
	F.ft[0].n_devs = 4;
	run("fw4: ports listed too, no address", DIAG_NONE);
	CHECK(check_with("devices", "") == NULL);
}

static void test_helper(void)
{
	good();
	F.conn.offloaded = false;
	F.conn.listed = false;
	strcpy(F.conn.helper, "ftp");
	stat_set("refused_helper", 12);
	run("helper", DIAG_HELPER);
	CHECK(has(R.explanation, "\"ftp\""));
	CHECK(has(R.explanation, "refused_helper 12"));
	CHECK(has(R.fix, "`ct helper set` rule"));
	CHECK(has(R.fix, "type \"ftp\""));

	/* Before the state. */
	strcpy(F.conn.state, "SYN_SENT");
	F.conn.assured = false;
	run("helper before state", DIAG_HELPER);
}

static void test_state(void)
{
	good();
	F.conn.offloaded = false;
	F.conn.listed = false;
	strcpy(F.conn.state, "SYN_SENT");
	F.conn.seen_reply = false;
	F.conn.assured = false;
	stat_set("refused_not_established", 3);
	run("syn sent", DIAG_CT_STATE);
	CHECK(has(R.explanation, "SYN_SENT"));
	CHECK(has(R.explanation, "no reply"));
	CHECK(has(R.explanation, "refused_not_established 3"));
	CHECK(has(R.fix, "does not answer"));
	CHECK(has(R.checks[R.n_checks - 1].detail, "unreplied"));

	/* Established, not assured yet. */
	strcpy(F.conn.state, "ESTABLISHED");
	F.conn.seen_reply = true;
	run("not assured", DIAG_CT_STATE);
	CHECK(has(R.explanation, "not assured"));
	CHECK(has(R.fix, "next packet"));

	/* UDP unreplied. */
	good();
	F.conn.offloaded = false;
	F.conn.tcp = false;
	F.conn.state[0] = '\0';
	F.conn.seen_reply = false;
	F.conn.assured = false;
	run("udp unreplied", DIAG_CT_STATE);
	CHECK(has(R.explanation, "UNREPLIED"));

	/* An offloaded connection's state is never the cause. */
	good();
	F.conn.assured = false;
	run("offloaded, state ignored", DIAG_OFFLOADED);
}

static void test_mtu(void)
{
	good();
	F.conn.dev[DIAG_ORIG_IN].mtu = 9000;
	stat_set("slow_mtu", 1500);
	run("mtu", DIAG_MTU);
	CHECK(has(R.explanation, "r-cl (MTU 9000)"));
	CHECK(has(R.explanation, "r-srv (MTU 1500)"));
	CHECK(has(R.explanation, "slow_mtu"));
	CHECK(has(R.fix, "ip link set dev r-cl mtu 1500"));

	/* Reply direction. */
	good();
	F.conn.dev[DIAG_REPLY_IN].mtu = 9000;
	stat_set("slow_mtu", 3);
	run("mtu reply", DIAG_MTU);
	CHECK(has(R.explanation, "arrive on r-srv"));

	/* Mismatch but no slow_mtu: nothing hit it. */
	good();
	F.conn.dev[DIAG_ORIG_IN].mtu = 9000;
	run("mtu mismatch, unused", DIAG_OFFLOADED);

	/* Only checked for offloaded connections: not offloaded wins. */
	good();
	F.conn.dev[DIAG_ORIG_IN].mtu = 9000;
	stat_set("slow_mtu", 3);
	F.conn.offloaded = false;
	F.conn.listed = false;
	run("not offloaded, mtu", DIAG_NOT_OFFLOADED);

	/* Output device unknown: the other direction's input stands in. */
	good();
	F.conn.have_dev[DIAG_ORIG_OUT] = false;
	F.conn.dev[DIAG_ORIG_IN].mtu = 9000;
	stat_set("slow_mtu", 3);
	run("mtu fallback device", DIAG_MTU);
	CHECK(has(R.explanation, "leave on r-srv"));
}

static void test_not_offloaded(void)
{
	good();
	F.conn.offloaded = false;
	F.conn.listed = false;
	stat_set("refused_xfrm", 6);
	run("not offloaded", DIAG_NOT_OFFLOADED);
	CHECK(has(R.explanation, "refused_xfrm 6"));
	CHECK(has(R.explanation, "refused_not_established 2"));
	CHECK(!has(R.explanation, "refused_helper"));
}

/* The flowtable the connection uses decides which devices are checked. */
static void test_which_flowtable(void)
{
	good();
	F.n_ft = 2;
	F.ft[1] = F.ft[0];
	strcpy(F.ft[1].name, "ft2");
	F.ft[0].n_devs = 1;	/* ft lacks r-srv, ft2 has both */
	strcpy(F.conn.ft_name, "ft2");
	run("listing names ft2", DIAG_OFFLOADED);

	F.conn.listed = false;
	run("rule names ft", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(has(R.explanation, "filter ft "));
	strcpy(F.rules[0].flowtable, "ft2");
	run("rule names ft2", DIAG_OFFLOADED);
}

/* Long names never overflow; the texts stay terminated. */
static void test_long_names(void)
{
	good();
	memset(F.ft[0].table, 'x', sizeof(F.ft[0].table) - 1);
	memset(F.rules[0].table, 'x', sizeof(F.rules[0].table) - 1);
	memset(F.conn.ft_table, 'x', sizeof(F.conn.ft_table) - 1);
	memset(F.conn.desc, 'd', sizeof(F.conn.desc) - 1);
	F.ft[0].n_devs = 1;
	run("long names", DIAG_DEVICE_NOT_IN_FLOWTABLE);
	CHECK(strlen(R.explanation) < DIAG_TEXT_MAX);
	CHECK(strlen(R.fix) < DIAG_TEXT_MAX);
}

static void test_parse_hw_refused(void)
{
	CHECK_CTX("parse hw_refused");
	memset(&F, 0, sizeof(F));
	CHECK_EQ(diag_parse_hw_refused("", &F), 0);
	CHECK_STREQ(F.hw_refused_dev, "");
	CHECK_EQ(diag_parse_hw_refused("family=inet table=filter flowtable=hwft "
				       "dev=r-cl error=-95\n", &F), 0);
	CHECK_STREQ(F.hw_refused_dev, "r-cl");
	CHECK(!strcmp(F.hw_refused_table, "filter"));
	CHECK(!strcmp(F.hw_refused_ft, "hwft"));
	/* Escapes, unknown keys, no newline. */
	CHECK_EQ(diag_parse_hw_refused("new=1 table=a\\040b\\075 flowtable=f "
				       "dev=e0", &F), 0);
	CHECK(!strcmp(F.hw_refused_table, "a b="));
	CHECK_STREQ(F.hw_refused_dev, "e0");
	/* Malformed. */
	CHECK_EQ(diag_parse_hw_refused("table=t flowtable=f\n", &F), -1);
	CHECK_EQ(diag_parse_hw_refused("table=t flowtable=f dev\n", &F), -1);
	CHECK_EQ(diag_parse_hw_refused("table=t flowtable=f dev=a\\04", &F),
		 -1);
	CHECK_EQ(diag_parse_hw_refused("table=t flowtable=f dev=a\\9zz", &F),
		 -1);
	CHECK_EQ(diag_parse_hw_refused("table=t flowtable=f "
				       "dev=abcdefghijklmnopq", &F), -1);
	CHECK_EQ(diag_parse_hw_refused("table=t flowtable=f dev=", &F), -1);
	check_ctx[0] = '\0';
}

static void test_parse_pppoe(void)
{
	char devs[4][DIAG_IFNAMSIZ];

	CHECK_CTX("parse pppoe");
	CHECK_EQ(diag_parse_pppoe("", devs, 4), 0);
	CHECK_EQ(diag_parse_pppoe("Id       Address              Device\n",
				  devs, 4), 0);
	CHECK_EQ(diag_parse_pppoe("Id       Address              Device\n"
				  "00000001 52:54:00:12:34:56      wan\n",
				  devs, 4), 1);
	CHECK_STREQ(devs[0], "wan");
	/* Sessions on the same device count once; no header; no newline. */
	CHECK_EQ(diag_parse_pppoe("00000001 52:54:00:12:34:56      wan\n"
				  "00000002 52:54:00:12:34:57   wan.10\n"
				  "00000003 52:54:00:12:34:58      wan",
				  devs, 4), 2);
	CHECK_STREQ(devs[0], "wan");
	CHECK_STREQ(devs[1], "wan.10");
	/* At most max; a name of 15 characters. */
	CHECK_EQ(diag_parse_pppoe("00000001 52:54:00:12:34:56 abcdefghijklmno\n"
				  "00000002 52:54:00:12:34:57      wan\n",
				  devs, 1), 1);
	CHECK_STREQ(devs[0], "abcdefghijklmno");
	/* Malformed. */
	CHECK_EQ(diag_parse_pppoe("00000001 52:54:00:12:34:56\n", devs, 4),
		 -1);
	CHECK_EQ(diag_parse_pppoe("00000001 52:54:00:12:34:56 wan x\n", devs,
				  4), -1);
	CHECK_EQ(diag_parse_pppoe("00000001 52:54:00:12:34:56 "
				  "abcdefghijklmnop\n", devs, 4), -1);
	check_ctx[0] = '\0';
}

int main(void)
{
	test_parse_hw_refused();
	test_parse_pppoe();
	test_names();
	test_stats();
	test_offloaded();
	test_hardware();
	test_module();
	test_sysctl();
	test_flowtable();
	test_rules();
	test_connection();
	test_devices();
	test_upper();
	test_helper();
	test_state();
	test_mtu();
	test_not_offloaded();
	test_which_flowtable();
	test_long_names();
	return check_finish("test_diag.c");
}
