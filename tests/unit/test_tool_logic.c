// SPDX-License-Identifier: GPL-2.0
/* The nft-offload tool's logic: listing and statistics parsers, filters,
 * sorting, rates, JSON escaping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "logic/flows.h"
#include "logic/hwdevs.h"
#include "logic/json.h"
#include "logic/stats.h"

static const char line_tcp[] =
	"family=ipv4 proto=tcp table_family=inet table=filter flowtable=ft ct_id=7 "
	"orig_src=10.0.1.2 orig_dst=10.0.2.2 orig_sport=41000 orig_dport=5001 "
	"orig_iif=r-cl orig_oif=r-srv orig_xmit=direct orig_nat=saddr "
	"orig_packets=53 orig_bytes=402756 reply_src=10.0.2.2 reply_dst=10.0.2.1 "
	"reply_sport=5001 reply_dport=41000 reply_iif=r-srv reply_oif=r-cl "
	"reply_xmit=direct reply_nat=daddr reply_packets=49 reply_bytes=2548 "
	"age=1 idle=1 timeout=28 hw=none flags=none newfield=x\n";
static const char line_udp6[] =
	"family=ipv6 proto=udp table=t\\040x flowtable=f ct_id=3 "
	"orig_src=fd00:1::2 orig_dst=fd00:2::2 orig_sport=40000 orig_dport=53 "
	"orig_iif=a orig_oif=b orig_xmit=neigh orig_nat=none orig_packets=1 orig_bytes=900000 "
	"reply_src=fd00:2::2 reply_dst=fd00:1::2 reply_sport=53 reply_dport=40000 "
	"reply_iif=b reply_oif=a reply_xmit=neigh reply_nat=none reply_packets=1 reply_bytes=1 "
	"age=9 idle=0 timeout=30 hw=none flags=teardown";

static void test_parse(void)
{
	struct nfo_flow_rec r;
	struct nfo_flowv v;
	char *text;

	CHECK_EQ(nfo_flow_parse_line(line_tcp, &r), 0);
	CHECK_EQ(r.family, AF_INET);
	CHECK_EQ(r.l4proto, 6);
	CHECK(!strcmp(r.table, "filter"));
	CHECK_STREQ(r.table_family, "inet");
	CHECK_EQ(r.ct_id, 7);
	CHECK_EQ(r.dir[0].sport, 41000);
	CHECK_STREQ(r.dir[1].dst, "10.0.2.1");
	CHECK_STREQ(r.dir[0].nat, "saddr");
	CHECK_EQ(r.dir[0].bytes, 402756);
	CHECK_EQ(r.dir[1].packets, 49);
	CHECK_EQ(r.timeout, 28);
	CHECK_EQ(nfo_flow_parse_line(line_udp6, &r), 0);
	CHECK(!strcmp(r.table, "t x"));
	CHECK_EQ(r.family, AF_INET6);
	CHECK_STREQ(r.flags, "teardown");
	/* Malformed: no family, bad address, bad number, missing dst. */
	CHECK(nfo_flow_parse_line("proto=tcp orig_src=1.2.3.4", &r) < 0);
	CHECK(nfo_flow_parse_line("family=ipv4 proto=tcp orig_src=1.2.3 orig_dst=1.2.3.4 reply_src=1.2.3.4 reply_dst=1.2.3.4", &r) < 0);
	CHECK(nfo_flow_parse_line("family=ipv4 proto=tcp orig_src=1.2.3.4 orig_dst=1.2.3.4 reply_src=1.2.3.4 reply_dst=1.2.3.4 orig_sport=70000", &r) < 0);
	CHECK(nfo_flow_parse_line("family=ipv4 proto=tcp orig_src=1.2.3.4 reply_src=1.2.3.4 reply_dst=1.2.3.4", &r) < 0);
	CHECK(nfo_flow_parse_line("family=ipv4 proto=tcp orig_src=1.2.3.4 orig_dst=1.2.3.4 reply_src=1.2.3.4 reply_dst=1.2.3.4 junk", &r) < 0);
	/* Counters are 64-bit on 32-bit hosts too (make cross). */
	CHECK_EQ(nfo_flow_parse_line("family=ipv4 proto=udp orig_src=1.2.3.4 orig_dst=1.2.3.5 reply_src=1.2.3.5 reply_dst=1.2.3.4 orig_bytes=8589934597 reply_packets=18446744073709551615", &r), 0);
	CHECK_EQ(r.dir[0].bytes, 8589934597ull);
	CHECK_EQ(r.dir[1].packets, 18446744073709551615ull);
	/* Without ports (GRE-like). */
	CHECK_EQ(nfo_flow_parse_line("family=ipv4 proto=gre orig_src=1.2.3.4 orig_dst=1.2.3.5 reply_src=1.2.3.5 reply_dst=1.2.3.4", &r), 0);
	CHECK(!r.dir[0].has_ports);
	CHECK_EQ(r.l4proto, 47);

	text = malloc(strlen(line_tcp) + strlen(line_udp6) + 3);
	sprintf(text, "%s\n%s\n", line_tcp, line_udp6);
	CHECK_EQ(nfo_flows_parse(text, &v), 0);
	CHECK_EQ(v.n, 2);
	nfo_flowv_free(&v);
	CHECK_EQ(nfo_flows_parse("", &v), 0);
	CHECK_EQ(v.n, 0);
	free(text);
}

static void test_parse_hw(void)
{
	static const char hw_line[] =
		"family=ipv4 proto=udp orig_src=1.2.3.4 orig_dst=1.2.3.5 "
		"reply_src=1.2.3.5 reply_dst=1.2.3.4 hw=refused "
		"hw_err=no_driver:-67 hw_tries=3 hw_retry_in=4 hw_packets=0 "
		"hw_bytes=0 flags=none";
	struct nfo_flow_rec r;

	CHECK_EQ(nfo_flow_parse_line(hw_line, &r), 0);
	CHECK_STREQ(r.hw, "refused");
	CHECK_STREQ(r.hw_err, "no_driver:-67");
	CHECK_EQ(r.hw_tries, 3);
	CHECK(r.has_retry);
	CHECK_EQ(r.hw_retry_in, 4);
	CHECK_EQ(nfo_flow_parse_line(line_tcp, &r), 0);
	CHECK_STREQ(r.hw, "none");
	CHECK_STREQ(r.hw_err, "");
	CHECK(!r.has_retry);
	CHECK(nfo_flow_parse_line("family=ipv4 proto=udp orig_src=1.2.3.4 orig_dst=1.2.3.5 reply_src=1.2.3.5 reply_dst=1.2.3.4 hw_tries=x", &r) < 0);
}

static void test_hwdevs(void)
{
	static const char text[] =
		"family=inet table=fw4 flowtable=ft dev=lan1 state=bound callbacks=1\n"
		"family=inet table=fw4 flowtable=ft dev=wan state=bound callbacks=0\n"
		"family=ip table=t\\040x flowtable=f dev=br-lan state=software new=1\n";
	struct nfo_hwdevv v;
	int err;

	err = nfo_hwdevs_parse(text, &v);
	CHECK_EQ(err, 0);
	CHECK_EQ(v.n, 3);
	if (v.n == 3) {
		CHECK_STREQ(v.v[0].dev, "lan1");
		CHECK_STREQ(v.v[0].state, "bound");
		CHECK_EQ(v.v[0].callbacks, 1);
		CHECK_EQ(v.v[1].callbacks, 0);
		CHECK(!strcmp(v.v[2].table, "t x"));
		CHECK_STREQ(v.v[2].family, "ip");
		CHECK_STREQ(v.v[2].state, "software");
	}
	nfo_hwdevv_free(&v);
	CHECK_EQ(nfo_hwdevs_parse("", &v), 0);
	CHECK_EQ(v.n, 0);
	/* Malformed: a field missing, no '=', a bad number. */
	CHECK(nfo_hwdevs_parse("family=inet table=t flowtable=f state=bound\n", &v) < 0);
	CHECK(nfo_hwdevs_parse("family=inet table=t flowtable=f dev=a state=bound junk\n", &v) < 0);
	CHECK(nfo_hwdevs_parse("family=inet table=t flowtable=f dev=a state=bound callbacks=-1\n", &v) < 0);
	CHECK(nfo_hwdevs_parse("family=inet table=t flowtable=f dev= state=bound\n", &v) < 0);
}

static void test_unescape(void)
{
	char out[8];

	CHECK_EQ(nfo_unescape("a\\075b", 6, out, sizeof(out)), 0);
	CHECK_STREQ(out, "a=b");
	CHECK(nfo_unescape("a\\07", 4, out, sizeof(out)) < 0);
	CHECK(nfo_unescape("a\\9zz", 5, out, sizeof(out)) < 0);
	CHECK_EQ(nfo_unescape("\\134\\040", 8, out, sizeof(out)), 0);
	CHECK_STREQ(out, "\\ ");
	CHECK(nfo_unescape("\\000", 4, out, sizeof(out)) < 0);
	CHECK(nfo_unescape("12345678", 8, out, sizeof(out)) < 0);
}

static void test_filter_sort(void)
{
	struct nfo_flow_rec recs[2];
	struct nfo_flow_filter f;
	struct nfo_flowv v = { recs, 2 };
	enum nfo_sort s;

	CHECK_EQ(nfo_flow_parse_line(line_tcp, &recs[0]), 0);
	CHECK_EQ(nfo_flow_parse_line(line_udp6, &recs[1]), 0);
	nfo_filter_init(&f);
	CHECK(nfo_filter_match(&f, &recs[0]) && nfo_filter_match(&f, &recs[1]));
	CHECK_EQ(nfo_filter_set_addr(&f, false, "10.0.2.1"), 0);	/* masq addr */
	CHECK(nfo_filter_match(&f, &recs[0]));
	CHECK(!nfo_filter_match(&f, &recs[1]));
	CHECK_EQ(nfo_filter_set_addr(&f, false, "10.0.0.0/15"), 0);
	CHECK(nfo_filter_match(&f, &recs[0]));
	CHECK_EQ(nfo_filter_set_addr(&f, false, "10.0.4.0/23"), 0);
	CHECK(!nfo_filter_match(&f, &recs[0]));
	CHECK(nfo_filter_set_addr(&f, false, "10.0.0.0/33") < 0);
	CHECK(nfo_filter_set_addr(&f, false, "10.0.0.256") < 0);
	nfo_filter_init(&f);
	CHECK_EQ(nfo_filter_set_addr(&f, true, "fd00:2::/64"), 0);
	CHECK(!nfo_filter_match(&f, &recs[0]));
	CHECK(nfo_filter_match(&f, &recs[1]));
	nfo_filter_init(&f);
	CHECK_EQ(nfo_filter_set_port(&f, "53"), 0);
	CHECK(!nfo_filter_match(&f, &recs[0]) && nfo_filter_match(&f, &recs[1]));
	CHECK(nfo_filter_set_port(&f, "65536") < 0);
	nfo_filter_init(&f);
	CHECK_EQ(nfo_filter_set_proto(&f, "udp"), 0);
	CHECK(!nfo_filter_match(&f, &recs[0]) && nfo_filter_match(&f, &recs[1]));
	CHECK(nfo_filter_set_proto(&f, "nope") < 0);
	nfo_filter_init(&f);
	CHECK_EQ(nfo_filter_set_dev(&f, "r-srv"), 0);
	CHECK(nfo_filter_match(&f, &recs[0]) && !nfo_filter_match(&f, &recs[1]));

	CHECK_EQ(nfo_sort_parse("bytes", &s), 0);
	nfo_flows_sort(&v, s);
	CHECK_EQ(v.v[0].ct_id, 3);	/* 900001 bytes before 405304 */
	CHECK_EQ(nfo_sort_parse("age", &s), 0);
	recs[0].age = 100;
	nfo_flows_sort(&v, s);
	CHECK_EQ(v.v[0].age, 100);
	CHECK(nfo_sort_parse("size", &s) < 0);
	nfo_filter_init(&f);
	CHECK_EQ(nfo_filter_set_proto(&f, "tcp"), 0);
	nfo_flows_filter(&v, &f);
	CHECK_EQ(v.n, 1);
}

static void test_stats(void)
{
	struct nfo_statv a, b;
	uint64_t x;
	double r;

	CHECK_EQ(nfo_stats_parse("enabled 1\nflows 2\nfast_ipv4_packets 100\noffloaded 5\n", &a), 0);
	CHECK_EQ(nfo_stats_parse("enabled 1\nflows 3\nfast_ipv4_packets 300\noffloaded 2\nnew 1\n", &b), 0);
	CHECK(nfo_stat_get(&a, "fast_ipv4_packets", &x) && x == 100);
	CHECK(!nfo_stat_get(&a, "new", &x));
	CHECK(nfo_stat_rate(&a, &b, "fast_ipv4_packets", 2.0, &r) && r == 100.0);
	CHECK(nfo_stat_rate(&a, &b, "flows", 2.0, &r) && r == 3.0);
	/* Went down (reload): counted from zero. */
	CHECK(nfo_stat_rate(&a, &b, "offloaded", 2.0, &r) && r == 1.0);
	CHECK(nfo_stat_rate(&a, &b, "new", 1.0, &r) && r == 1.0);
	CHECK(!nfo_stat_rate(&a, &b, "missing", 1.0, &r));
	/* Values now, not counts: never a rate. */
	CHECK(nfo_stat_is_gauge("port_hooks") && nfo_stat_is_gauge("hw_flows") &&
	      nfo_stat_is_gauge("hw_enabled") && !nfo_stat_is_gauge("port_learn"));
	CHECK(!nfo_stat_rate(&a, &b, "offloaded", 0.0, &r));
	nfo_statv_free(&a);
	nfo_statv_free(&b);
	CHECK(nfo_stats_parse("x\n", &a) < 0);
	CHECK(nfo_stats_parse("x 1a\n", &a) < 0);
	CHECK(nfo_stats_parse("x 99999999999999999999\n", &a) < 0);
	CHECK_EQ(nfo_stats_parse("x 4294967296\ny 18446744073709551615\n", &a), 0);
	CHECK(nfo_stat_get(&a, "x", &x) && x == 4294967296ull);
	CHECK(nfo_stat_get(&a, "y", &x) && x == UINT64_MAX);
	nfo_statv_free(&a);
}

static void test_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jw w;

	jw_init(&w, f);
	jw_obj_open(&w, NULL);
	jw_str(&w, "a", "q\"\\\n\x01");
	jw_arr_open(&w, "l");
	jw_uint(&w, NULL, 1);
	jw_int(&w, NULL, -2);
	jw_uint(&w, NULL, UINT64_MAX);
	jw_int(&w, NULL, INT64_MIN);
	jw_arr_close(&w);
	jw_bool(&w, "t", true);
	jw_null(&w, "n");
	jw_obj_open(&w, "o");
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_end(&w);
	fclose(f);
	CHECK_STREQ(buf, "{\"a\":\"q\\\"\\\\\\n\\u0001\",\"l\":[1,-2,18446744073709551615,-9223372036854775808],\"t\":true,\"n\":null,\"o\":{}}\n");
	free(buf);
}

/* Bytes that are not UTF-8 (names may hold any) become U+FFFD. */
static void test_json_utf8(void)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },		/* valid */
		{ "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"" },	/* 4 bytes */
		{ "a\xc3", "\"a\\ufffd\"" },			/* cut short */
		{ "\xc3\x0a", "\"\\ufffd\\n\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
		{ "\xf4\x90\x80\x80x", "\"\\ufffd\\ufffd\\ufffd\\ufffdx\"" },
		{ "\xff", "\"\\ufffd\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		jw_escape(f, t[i].in);
		fclose(f);
		CHECK_STREQ(buf, t[i].out);
		free(buf);
	}
}

int main(void)
{
	test_parse();
	test_parse_hw();
	test_hwdevs();
	test_unescape();
	test_filter_sort();
	test_stats();
	test_json();
	test_json_utf8();
	return check_finish("test_tool_logic.c");
}
