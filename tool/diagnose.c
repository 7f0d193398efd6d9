// SPDX-License-Identifier: GPL-2.0
/*
 * nft-offload diagnose [-v] [ADDR[:PORT] | [ADDR6]:PORT]: walks the chain
 * from module to flow and names the first broken link.  This file gathers
 * the facts (query.h, diag_query.h) and prints; the decisions are made by
 * logic/diag.c.
 *
 * With an address, every conntrack entry with that address (and port, if
 * given) in either tuple is diagnosed; entries of closing TCP connections
 * are left out while a live one matches.  The first entry with a problem
 * is reported, else the first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>

#include "logic/cli.h"
#include "nft-offload.h"
#include "query.h"
#include "out.h"
#include "diag_query.h"

/* What was asked. */
struct diag_target {
	int		family;
	union nfo_addr	addr;
	int		port;		/* -1: any */
};

static int parse_port(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

/* ADDR, ADDR:PORT, ADDR6, [ADDR6] or [ADDR6]:PORT. */
static int parse_target(const char *arg, struct diag_target *t)
{
	char buf[80];
	const char *colon;
	size_t len;

	t->port = -1;
	if (strlen(arg) >= sizeof(buf))
		return -1;
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');

		if (!close)
			return -1;
		len = (size_t)(close - arg - 1);
		memcpy(buf, arg + 1, len);
		buf[len] = '\0';
		if (close[1] == ':') {
			t->port = parse_port(close + 2);
			if (t->port < 0)
				return -1;
		} else if (close[1]) {
			return -1;
		}
		t->family = AF_INET6;
		return inet_pton(AF_INET6, buf, &t->addr) == 1 ? 0 : -1;
	}
	colon = strchr(arg, ':');
	if (colon && strchr(colon + 1, ':')) {
		t->family = AF_INET6;
		return inet_pton(AF_INET6, arg, &t->addr) == 1 ? 0 : -1;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	if (colon) {
		buf[colon - arg] = '\0';
		t->port = parse_port(colon + 1);
		if (t->port < 0)
			return -1;
	}
	t->family = AF_INET;
	memset(&t->addr, 0, sizeof(t->addr));
	return inet_pton(AF_INET, buf, &t->addr) == 1 ? 0 : -1;
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static bool ct_matches(const struct nfq_ct *ct, const struct diag_target *t)
{
	bool addr = false, port = t->port < 0;
	unsigned int d;

	if (ct->family != t->family)
		return false;
	for (d = 0; d < 2; d++) {
		const struct nfq_ct_tuple *tu = &ct->t[d];

		if (!memcmp(&tu->src, &t->addr, addr_len(t->family)) ||
		    !memcmp(&tu->dst, &t->addr, addr_len(t->family)))
			addr = true;
		if (t->port >= 0 && (tu->sport == t->port ||
				     tu->dport == t->port))
			port = true;
	}
	return addr && port;
}

static bool ct_closing(const struct nfq_ct *ct)
{
	return ct->tcp_state >= TCP_CONNTRACK_FIN_WAIT &&
	       ct->tcp_state <= TCP_CONNTRACK_CLOSE;
}

static const char *tcp_state_name(int s)
{
	static const char * const names[] = {
		"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
	};

	return s >= 0 && s < (int)(sizeof(names) / sizeof(names[0])) ?
	       names[s] : "UNKNOWN";
}

static void fmt_endpoint(int family, const union nfo_addr *a, uint16_t port,
			 bool ports, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(family, a, s, sizeof(s));
	if (!ports)
		snprintf(buf, len, "%s", s);
	else if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", s, port);
	else
		snprintf(buf, len, "%s:%u", s, port);
}

static void ct_desc(const struct nfq_ct *ct, char *buf, size_t len)
{
	const char *proto = nfo_proto_name(ct->l4proto);
	bool ports = ct->t[0].sport || ct->t[0].dport;
	char src[64], dst[64];

	fmt_endpoint(ct->family, &ct->t[0].src, ct->t[0].sport, ports, src,
		     sizeof(src));
	fmt_endpoint(ct->family, &ct->t[0].dst, ct->t[0].dport, ports, dst,
		     sizeof(dst));
	if (proto)
		snprintf(buf, len, "%s %s -> %s", proto, src, dst);
	else
		snprintf(buf, len, "protocol %u %s -> %s", ct->l4proto, src,
			 dst);
}

/* Everything the devices part needs. */
struct diag_ctx {
	struct nfq_devs		devs;
	struct diag_facts	*f;
	/* The devices that carry PPPoE sessions (/proc/net/pppoe). */
	unsigned int		n_pppoe;
	char			pppoe[DIAG_MAX_PORTS][DIAG_IFNAMSIZ];
};

static enum diag_dev_kind dev_kind(const struct nfq_dev *d)
{
	if (!strcmp(d->kind, "bridge"))
		return DIAG_DEV_BRIDGE;
	if (!strcmp(d->kind, "vlan"))
		return DIAG_DEV_VLAN;
	if (!strcmp(d->kind, "ppp"))
		return DIAG_DEV_PPP;
	return DIAG_DEV_PLAIN;
}

static void add_port(struct diag_dev *out, const char *name)
{
	unsigned int i;

	for (i = 0; i < out->n_ports; i++)
		if (!strcmp(out->ports[i], name))
			return;
	if (out->n_ports < DIAG_MAX_PORTS)
		snprintf(out->ports[out->n_ports++], DIAG_IFNAMSIZ, "%s", name);
}

/*
 * The ports under bridge @br: the one behind which @peer is when the
 * forwarding database says so, else all of them.
 */
static void bridge_ports(const struct diag_ctx *c, const struct nfq_dev *br,
			 int family, const union nfo_addr *peer,
			 struct diag_dev *out)
{
	const struct nfq_dev *p;
	int port;
	size_t i;

	if (peer && !dq_bridge_port(br->ifindex, family, peer, &port)) {
		p = nfq_dev_by_index(&c->devs, port);
		if (p) {
			add_port(out, p->name);
			return;
		}
	}
	for (i = 0; i < c->devs.n; i++)
		if (c->devs.v[i].master == br->ifindex)
			add_port(out, c->devs.v[i].name);
}

/*
 * The devices at the bottom of @d's stack into @out's ports: down a VLAN
 * stack (QinQ: two), possibly onto a bridge.
 */
static void add_bottom(const struct diag_ctx *c, const struct nfq_dev *d,
		       int family, const union nfo_addr *peer,
		       struct diag_dev *out)
{
	unsigned int depth;

	for (depth = 0; depth < 8 && d && dev_kind(d) == DIAG_DEV_VLAN;
	     depth++)
		d = nfq_dev_by_index(&c->devs, d->link);
	if (!d)
		return;
	if (dev_kind(d) == DIAG_DEV_BRIDGE)
		bridge_ports(c, d, family, peer, out);
	else
		add_port(out, d->name);
}

/*
 * A device as the logic sees it: kind, MTU and, for a VLAN, bridge or PPP
 * device, the devices at the bottom of its stack.  @peer (may be NULL)
 * picks a bridge's port.  Which PPPoE session a PPP device runs over is
 * not to be read from user space: every session's device (and what is
 * under it) stands for its ports; a router has one.
 */
static void build_dev(const struct diag_ctx *c, const struct nfq_dev *d,
		      const char *name, int family, const union nfo_addr *peer,
		      struct diag_dev *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", d ? d->name : name);
	if (!d)
		return;
	out->kind = dev_kind(d);
	out->mtu = (int)d->mtu;
	switch (out->kind) {
	case DIAG_DEV_BRIDGE:
		bridge_ports(c, d, family, peer, out);
		break;
	case DIAG_DEV_VLAN:
		add_bottom(c, d, family, peer, out);
		break;
	case DIAG_DEV_PPP:
		/* The PPPoE peer is no IP neighbour: every port counts. */
		for (i = 0; i < c->n_pppoe; i++)
			add_bottom(c, nfq_dev_by_name(&c->devs, c->pppoe[i]),
				   family, NULL, out);
		break;
	default:
		break;
	}
}

static int gather_flowtables(struct diag_ctx *c)
{
	struct diag_facts *f = c->f;
	struct nfq_flowtables fts;
	size_t i, j;
	int err;

	err = nfq_flowtables(&fts);
	if (err)
		return err;
	for (i = 0; i < fts.n && f->n_ft < DIAG_MAX_FT; i++) {
		const struct nfq_flowtable *q = &fts.v[i];
		struct diag_flowtable *ft = &f->ft[f->n_ft++];

		snprintf(ft->family, sizeof(ft->family), "%s",
			 out_nfproto_name(q->family));
		snprintf(ft->table, sizeof(ft->table), "%s", q->table);
		snprintf(ft->name, sizeof(ft->name), "%s", q->name);
		ft->hw_offload = q->flags & NFT_FLOWTABLE_HW_OFFLOAD;
		ft->prio = q->prio;
		for (j = 0; j < q->ndevs && ft->n_devs < DIAG_MAX_DEVS; j++)
			build_dev(c, nfq_dev_by_name(&c->devs, q->devs[j]),
				  q->devs[j], AF_UNSPEC, NULL,
				  &ft->devs[ft->n_devs++]);
	}
	nfq_flowtables_free(&fts);
	return 0;
}

static int gather_rules(struct diag_facts *f)
{
	struct nfq_rules rules;
	size_t i;
	int err;

	err = nfq_rules(&rules);
	if (err)
		return err;
	for (i = 0; i < rules.n && f->n_rules < DIAG_MAX_RULES; i++) {
		const struct nfq_rule *q = &rules.v[i];
		struct diag_rule *r;

		if (!q->flow_offload)
			continue;
		r = &f->rules[f->n_rules++];
		snprintf(r->family, sizeof(r->family), "%s",
			 out_nfproto_name(q->family));
		snprintf(r->table, sizeof(r->table), "%s", q->table);
		snprintf(r->chain, sizeof(r->chain), "%s", q->chain);
		snprintf(r->flowtable, sizeof(r->flowtable), "%s",
			 q->flowtable);
		r->has_counter = q->has_counter;
		r->packets = q->packets;
	}
	nfq_rules_free(&rules);
	return 0;
}

/* Module, sysctl, statistics, flowtables, rules: the facts of the netns. */
static int gather_common(struct diag_ctx *c, const char **what)
{
	struct diag_facts *f = c->f;
	struct nfq_module m;
	struct nfq_sysctls s;
	struct nfo_statv sv;
	size_t i;
	int err;

	*what = "module";
	err = nfq_module(&m);
	if (err)
		return err;
	f->module_loaded = m.loaded;
	f->inkernel_flowtable = m.inkernel_flowtable;
	if (!m.loaded)
		return 0;

	*what = "sysctls";
	err = nfq_sysctls(&s);
	if (err)
		return err;
	f->sysctl_known = s.enabled >= 0;
	f->sysctl_on = s.enabled > 0;

	*what = "statistics";
	err = nfq_stats(&sv);
	if (err)
		return err;
	for (i = 0; i < sv.n && f->n_stats < DIAG_MAX_STATS; i++) {
		struct diag_stat *st = &f->stats[f->n_stats++];

		snprintf(st->name, sizeof(st->name), "%s", sv.v[i].name);
		st->value = sv.v[i].value;
	}
	nfo_statv_free(&sv);

	*what = "hardware offload refusals";
	err = dq_hw_refused(f);
	if (err)
		return err;

	*what = "PPPoE sessions";
	err = dq_pppoe_devices(c->pppoe, DIAG_MAX_PORTS);
	if (err < 0)
		return err;
	c->n_pppoe = (unsigned int)err;

	*what = "devices";
	err = nfq_devices(&c->devs);
	if (err)
		return err;
	*what = "flowtables";
	err = gather_flowtables(c);
	if (err)
		return err;
	*what = "rules";
	return gather_rules(f);
}

/*
 * The device the kernel routes @dst through (the way towards that end of
 * the connection), as the logic sees it; false when not forwarded.
 */
static bool route_dev(const struct diag_ctx *c, int family,
		      const union nfo_addr *dst, struct diag_dev *out)
{
	const struct nfq_dev *d;
	struct nfq_route r;

	if (nfq_route_get(family, dst, NULL, 0, &r) || r.type != RTN_UNICAST)
		return false;
	d = nfq_dev_by_index(&c->devs, r.oif);
	if (!d)
		return false;
	build_dev(c, d, NULL, family, r.has_gw ? &r.gw : dst, out);
	return true;
}

/*
 * Is listed flow @fr conntrack entry @ct?  By id, in either byte order
 * (ctnetlink sends the id as the kernel holds it while conntrack-tools
 * read it as big endian), or else by the original tuple.
 */
static bool flow_is_ct(const struct nfo_flow_rec *fr, const struct nfq_ct *ct)
{
	const struct nfo_flow_rec_dir *o = &fr->dir[0];
	size_t len = addr_len(ct->family);

	if (fr->ct_id == ct->id || fr->ct_id == __builtin_bswap32(ct->id))
		return true;
	return fr->family == ct->family && fr->l4proto == ct->l4proto &&
	       !memcmp(&o->saddr, &ct->t[0].src, len) &&
	       !memcmp(&o->daddr, &ct->t[0].dst, len) &&
	       (!o->has_ports || (o->sport == ct->t[0].sport &&
				  o->dport == ct->t[0].dport));
}

/* The facts of one conntrack entry (and its flow, if listed). */
static void gather_conn(const struct diag_ctx *c, const struct nfq_ct *ct,
			const struct nfo_flowv *flows, struct diag_conn *conn)
{
	size_t i;

	memset(conn, 0, sizeof(*conn));
	ct_desc(ct, conn->desc, sizeof(conn->desc));
	conn->tcp = ct->l4proto == 6;
	if (conn->tcp)
		snprintf(conn->state, sizeof(conn->state), "%s",
			 tcp_state_name(ct->tcp_state));
	conn->seen_reply = ct->status & IPS_SEEN_REPLY;
	conn->assured = ct->status & IPS_ASSURED;
	conn->offloaded = ct->status & IPS_OFFLOAD;
	snprintf(conn->helper, sizeof(conn->helper), "%s", ct->helper);

	/*
	 * Towards the originator: where its packets come in and the replies
	 * leave; towards the responder (after NAT: the reply's source):
	 * where the replies come in and its packets leave.
	 */
	if (route_dev(c, ct->family, &ct->t[0].src, &conn->dev[DIAG_ORIG_IN])) {
		conn->dev[DIAG_REPLY_OUT] = conn->dev[DIAG_ORIG_IN];
		conn->have_dev[DIAG_ORIG_IN] = true;
		conn->have_dev[DIAG_REPLY_OUT] = true;
	}
	if (route_dev(c, ct->family, &ct->t[1].src, &conn->dev[DIAG_REPLY_IN])) {
		conn->dev[DIAG_ORIG_OUT] = conn->dev[DIAG_REPLY_IN];
		conn->have_dev[DIAG_REPLY_IN] = true;
		conn->have_dev[DIAG_ORIG_OUT] = true;
	}

	for (i = 0; flows && i < flows->n; i++) {
		const struct nfo_flow_rec *fr = &flows->v[i];

		if (!flow_is_ct(fr, ct))
			continue;
		conn->listed = true;
		snprintf(conn->hw, sizeof(conn->hw), "%s", fr->hw);
		snprintf(conn->hw_err, sizeof(conn->hw_err), "%s", fr->hw_err);
		conn->hw_tries = fr->hw_tries;
		conn->hw_packets = fr->hw_packets;
		snprintf(conn->ft_table, sizeof(conn->ft_table), "%s",
			 fr->table);
		snprintf(conn->ft_name, sizeof(conn->ft_name), "%s",
			 fr->flowtable);
		conn->packets[0] = fr->dir[0].packets;
		conn->bytes[0] = fr->dir[0].bytes;
		conn->packets[1] = fr->dir[1].packets;
		conn->bytes[1] = fr->dir[1].bytes;
		break;
	}
}

/* Diagnoses the matching entries; leaves the reported one's in @r. */
static int diagnose_conns(struct diag_ctx *c, const struct diag_target *t,
			  struct diag_result *r, unsigned int *matches)
{
	struct diag_facts *f = c->f;
	struct diag_result *tmp;
	struct nfo_flowv flows = { 0 };
	bool have_flows, live = false, reported = false;
	struct nfq_cts cts;
	size_t i;
	int err;

	err = nfq_conntrack(&cts);
	if (err)
		return err;
	have_flows = !nfq_flows(&flows);
	tmp = malloc(sizeof(*tmp));
	if (!tmp) {
		nfq_conntrack_free(&cts);
		if (have_flows)
			nfo_flowv_free(&flows);
		return -ENOMEM;
	}

	for (i = 0; i < cts.n; i++)
		if (ct_matches(&cts.v[i], t) && !ct_closing(&cts.v[i]))
			live = true;
	*matches = 0;
	f->conn_found = false;
	for (i = 0; i < cts.n; i++) {
		const struct nfq_ct *ct = &cts.v[i];

		if (!ct_matches(ct, t) || (live && ct_closing(ct)))
			continue;
		(*matches)++;
		f->conn_found = true;
		gather_conn(c, ct, have_flows ? &flows : NULL, &f->conn);
		diag_run(f, tmp);
		if (!reported || (!diag_exit_code(r) && diag_exit_code(tmp)))
			*r = *tmp;
		reported = true;
	}
	if (!reported)
		diag_run(f, r);

	free(tmp);
	nfq_conntrack_free(&cts);
	if (have_flows)
		nfo_flowv_free(&flows);
	return 0;
}

static void print_json(const struct diag_result *r, const char *conn,
		       unsigned int matches)
{
	struct jw w;
	unsigned int i;

	out_json(&w);
	jw_obj_open(&w, NULL);
	jw_str(&w, "cause", diag_cause_name(r->cause));
	jw_str(&w, "explanation", r->explanation);
	jw_str(&w, "fix", r->fix);
	if (conn)
		jw_str(&w, "connection", conn);
	else
		jw_null(&w, "connection");
	jw_uint(&w, "matches", matches);
	jw_arr_open(&w, "checks");
	for (i = 0; i < r->n_checks; i++) {
		jw_obj_open(&w, NULL);
		jw_str(&w, "check", r->checks[i].check);
		jw_bool(&w, "ok", r->checks[i].ok);
		jw_str(&w, "detail", r->checks[i].detail);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	jw_end(&w);
}

static void print_text(const struct diag_result *r, bool verbose,
		       unsigned int matches)
{
	unsigned int i;

	printf("cause: %s\n", diag_cause_name(r->cause));
	printf("%s\n", r->explanation);
	printf("fix: %s\n", r->fix);
	if (matches > 1)
		printf("(%u connections matched; the first with a problem, "
		       "else the first, is shown)\n", matches);
	if (!verbose)
		return;
	printf("checks:\n");
	for (i = 0; i < r->n_checks; i++)
		printf("  %-4s %-12s %s\n", r->checks[i].ok ? "ok" : "FAIL",
		       r->checks[i].check, r->checks[i].detail);
}

static void diag_usage(FILE *f)
{
	fputs("usage: nft-offload [--json] [-n NETNS] diagnose [-v] "
	      "[ADDR[:PORT] | [ADDR6]:PORT]\n", f);
}

int cmd_diagnose(const struct nfo_opts *o, int argc, char **argv)
{
	const struct nfo_cmd *cmd = &nfo_cmds[NFO_CMD_DIAGNOSE];
	struct diag_target t;
	struct diag_ctx c = { 0 };
	struct diag_result *r = NULL;
	unsigned int matches = 0;
	const char *what = "diagnose";
	bool verbose = false;
	int opt, err, ret;

	while ((opt = getopt_long(argc, argv, cmd->shortopts, cmd->longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			diag_usage(stdout);
			return NFO_EXIT_OK;
		default:
			diag_usage(stderr);
			return NFO_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		diag_usage(stderr);
		return NFO_EXIT_USAGE;
	}

	c.f = calloc(1, sizeof(*c.f));
	r = calloc(1, sizeof(*r));
	if (!c.f || !r) {
		free(c.f);
		free(r);
		nfo_err("diagnose: out of memory");
		return NFO_EXIT_SYSTEM;
	}
	if (optind < argc) {
		if (parse_target(argv[optind], &t)) {
			nfo_err("diagnose: '%s' is not ADDR, ADDR:PORT or "
				"[ADDR6]:PORT", argv[optind]);
			ret = NFO_EXIT_USAGE;
			goto out;
		}
		c.f->addr_given = true;
		snprintf(c.f->addr, sizeof(c.f->addr), "%s", argv[optind]);
	}

	err = gather_common(&c, &what);
	if (!err && c.f->module_loaded && c.f->addr_given) {
		what = "conntrack";
		err = diagnose_conns(&c, &t, r, &matches);
	} else if (!err) {
		diag_run(c.f, r);
	}
	if (err) {
		/* -ENOENT of a module file: the module is not loaded here. */
		ret = err == -ENOENT ? (nfo_err("%s: not found", what),
					NFO_EXIT_SYSTEM) :
				       nfo_exit_for(err, what);
		goto out;
	}

	if (o->json)
		print_json(r, c.f->conn_found ? c.f->conn.desc : NULL,
			   matches);
	else
		print_text(r, verbose, matches);
	ret = diag_exit_code(r) ? NFO_EXIT_PROBLEM : NFO_EXIT_OK;
out:
	nfq_devices_free(&c.devs);
	free(c.f);
	free(r);
	return ret;
}
