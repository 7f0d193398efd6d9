// SPDX-License-Identifier: GPL-2.0
/*
 * `nft-offload diagnose`: the decision table (see diag.h for the order).
 * Pure: facts in, cause, explanation, fix and the list of checks out.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "flows.h"

static const char * const diag_cause_names[DIAG_CAUSE_MAX] = {
	[DIAG_NONE]			= "none",
	[DIAG_OFFLOADED]		= "offloaded",
	[DIAG_MODULE_MISSING]		= "module_missing",
	[DIAG_INKERNEL_FLOWTABLE]	= "inkernel_flowtable",
	[DIAG_SYSCTL_OFF]		= "sysctl_off",
	[DIAG_NO_FLOWTABLE]		= "no_flowtable",
	[DIAG_NO_HW_OFFLOAD]		= "no_hw_offload",
	[DIAG_NO_FLOW_RULE]		= "no_flow_rule",
	[DIAG_RULE_NOT_REACHED]		= "rule_not_reached",
	[DIAG_NO_CONNECTION]		= "no_connection",
	[DIAG_DEVICE_NOT_IN_FLOWTABLE]	= "device_not_in_flowtable",
	[DIAG_HELPER]			= "helper",
	[DIAG_CT_STATE]			= "ct_state",
	[DIAG_MTU]			= "mtu",
	[DIAG_NOT_OFFLOADED]		= "not_offloaded",
	[DIAG_HW_PENDING]		= "hw_pending",
	[DIAG_HW_REFUSED]		= "hw_refused",
	[DIAG_HW_OFF]			= "hw_off",
};

static const char * const diag_dir_names[DIAG_DIR_MAX] = {
	[DIAG_ORIG_IN]		= "original direction's input",
	[DIAG_REPLY_IN]		= "reply direction's input",
	[DIAG_ORIG_OUT]		= "original direction's output",
	[DIAG_REPLY_OUT]	= "reply direction's output",
};

const char *diag_cause_name(enum diag_cause c)
{
	return (unsigned int)c < DIAG_CAUSE_MAX ? diag_cause_names[c] :
						  "unknown";
}

int diag_exit_code(const struct diag_result *r)
{
	return r->cause == DIAG_NONE || r->cause == DIAG_OFFLOADED ? 0 : 1;
}

uint64_t diag_stat(const struct diag_facts *f, const char *name)
{
	unsigned int i;

	for (i = 0; i < f->n_stats && i < DIAG_MAX_STATS; i++)
		if (!strcmp(f->stats[i].name, name))
			return f->stats[i].value;
	return 0;
}

uint64_t diag_attempts(const struct diag_facts *f)
{
	uint64_t sum = diag_stat(f, "offloaded");
	unsigned int i;

	for (i = 0; i < f->n_stats && i < DIAG_MAX_STATS; i++)
		if (!strncmp(f->stats[i].name, "refused_", 8))
			sum += f->stats[i].value;
	return sum;
}

struct hw_refused_ctx {
	struct diag_facts	*f;
	bool			dev, table, ft;
};

static int hw_refused_field(void *arg, const char *k, size_t klen,
			    const char *v, size_t vlen)
{
	struct hw_refused_ctx *c = arg;
	struct diag_facts *f = c->f;

	if (klen == 3 && !memcmp(k, "dev", 3)) {
		c->dev = true;
		return nfo_unescape(v, vlen, f->hw_refused_dev,
				    sizeof(f->hw_refused_dev));
	}
	if (klen == 5 && !memcmp(k, "table", 5)) {
		c->table = true;
		return nfo_unescape(v, vlen, f->hw_refused_table,
				    sizeof(f->hw_refused_table));
	}
	if (klen == 9 && !memcmp(k, "flowtable", 9)) {
		c->ft = true;
		return nfo_unescape(v, vlen, f->hw_refused_ft,
				    sizeof(f->hw_refused_ft));
	}
	return 0;
}

int diag_parse_hw_refused(const char *text, struct diag_facts *f)
{
	const char *next = text, *p;
	size_t linelen;

	f->hw_refused_dev[0] = '\0';
	f->hw_refused_table[0] = '\0';
	f->hw_refused_ft[0] = '\0';
	while (nfo_next_line(&next, &p, &linelen)) {
		struct hw_refused_ctx c = { .f = f };

		if (!linelen)
			continue;
		if (nfo_kv_fields(p, linelen, hw_refused_field, &c))
			return -1;
		if (!c.dev || !c.table || !c.ft || !f->hw_refused_dev[0])
			return -1;
	}
	return 0;
}

int diag_parse_pppoe(const char *text, char (*devs)[DIAG_IFNAMSIZ],
		     unsigned int max)
{
	const char *next = text, *p;
	unsigned int n = 0, i;
	size_t linelen;
	bool header = true;

	while (nfo_next_line(&next, &p, &linelen)) {
		const char *end = p + linelen, *f[3];
		size_t flen[3];
		unsigned int k = 0;

		if (header) {
			header = false;
			if (linelen >= 2 && !memcmp(p, "Id", 2))
				continue;
		}
		/* "SID MAC DEVICE", the device right-aligned in 8 columns. */
		while (p < end) {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p == end)
				break;
			if (k == 3)
				return -1;
			f[k] = p;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
			flen[k] = (size_t)(p - f[k]);
			k++;
		}
		if (!k)
			continue;
		if (k != 3 || flen[2] >= DIAG_IFNAMSIZ)
			return -1;
		for (i = 0; i < n; i++)
			if (strlen(devs[i]) == flen[2] &&
			    !memcmp(devs[i], f[2], flen[2]))
				break;
		if (i < n || n >= max)
			continue;
		memcpy(devs[n], f[2], flen[2]);
		devs[n][flen[2]] = '\0';
		n++;
	}
	return (int)n;
}

/* Append to a fixed buffer, truncating silently. */
static void buf_add(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void buf_add(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strnlen(buf, size);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static void check(struct diag_result *r, const char *name, bool ok,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void check(struct diag_result *r, const char *name, bool ok,
		  const char *fmt, ...)
{
	struct diag_check *c;
	va_list ap;

	if (r->n_checks >= DIAG_MAX_CHECKS)
		return;
	c = &r->checks[r->n_checks++];
	c->check = name;
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

#define EXPLAIN(r, ...) buf_add((r)->explanation, DIAG_TEXT_MAX, __VA_ARGS__)
#define FIX(r, ...) buf_add((r)->fix, DIAG_TEXT_MAX, __VA_ARGS__)

/* "a, b, c" of a flowtable's devices. */
static void ft_dev_list(const struct diag_flowtable *ft, char *buf,
			size_t size)
{
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ft->n_devs && i < DIAG_MAX_DEVS; i++)
		buf_add(buf, size, "%s%s", i ? ", " : "", ft->devs[i].name);
	if (!buf[0])
		buf_add(buf, size, "none");
}

static bool ft_lists(const struct diag_flowtable *ft, const char *dev)
{
	unsigned int i;

	for (i = 0; i < ft->n_devs && i < DIAG_MAX_DEVS; i++)
		if (!strcmp(ft->devs[i].name, dev))
			return true;
	return false;
}

static const struct diag_flowtable *ft_find(const struct diag_facts *f,
					    const char *table,
					    const char *name)
{
	unsigned int i;

	for (i = 0; i < f->n_ft && i < DIAG_MAX_FT; i++)
		if (!strcmp(f->ft[i].table, table) &&
		    !strcmp(f->ft[i].name, name))
			return &f->ft[i];
	return NULL;
}

static const char *kind_name(enum diag_dev_kind k)
{
	switch (k) {
	case DIAG_DEV_BRIDGE:
		return "bridge";
	case DIAG_DEV_VLAN:
		return "VLAN device";
	case DIAG_DEV_PPP:
		return "PPP device";
	default:
		return "device";
	}
}

/*
 * Where the packets of a listed layered device are caught, and how those
 * leaving by it go: port hooks take a bridge's and a VLAN device's at
 * their ports (the module's ports.h), a PPP device's are caught on it.
 */
static const char *layer_where(enum diag_dev_kind k)
{
	if (k == DIAG_DEV_PPP)
		return "caught on it after the PPP code ran; packets leaving "
		       "by it go through the neighbour layer";
	return "caught at the port, or on it when something watches or "
	       "filters it (statistics port_*); packets leaving by it go to "
	       "the port directly";
}

static bool layered(const struct diag_dev *d)
{
	return (d->kind == DIAG_DEV_BRIDGE || d->kind == DIAG_DEV_VLAN ||
		d->kind == DIAG_DEV_PPP) && d->n_ports > 0;
}

/* "a, b" of a layered device's ports. */
static void port_list(const struct diag_dev *d, bool only_missing,
		      const struct diag_flowtable *ft, char *buf, size_t size)
{
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < d->n_ports && i < DIAG_MAX_PORTS; i++) {
		if (only_missing && ft_lists(ft, d->ports[i]))
			continue;
		buf_add(buf, size, "%s%s", buf[0] ? ", " : "", d->ports[i]);
	}
}

static void fix_add_devices(struct diag_result *r,
			    const struct diag_flowtable *ft, const char *devs)
{
	FIX(r, "add %s to flowtable %s %s: nft add flowtable %s %s %s "
	    "'{ hook ingress priority %d; devices = { %s }; }'", devs,
	    ft->table, ft->name, ft->family[0] ? ft->family : "inet",
	    ft->table, ft->name, ft->prio, devs);
}

/*
 * The flowtable the connection goes (or would go) to: the one the flow
 * listing names, else the one of the first rule that was reached, else
 * of the first rule, else the first flowtable.
 */
static const struct diag_flowtable *conn_ft(const struct diag_facts *f)
{
	const struct diag_flowtable *ft = NULL;
	unsigned int i;

	if (f->conn_found && f->conn.listed)
		ft = ft_find(f, f->conn.ft_table, f->conn.ft_name);
	for (i = 0; !ft && i < f->n_rules && i < DIAG_MAX_RULES; i++)
		if (!f->rules[i].has_counter || f->rules[i].packets)
			ft = ft_find(f, f->rules[i].table,
				     f->rules[i].flowtable);
	for (i = 0; !ft && i < f->n_rules && i < DIAG_MAX_RULES; i++)
		ft = ft_find(f, f->rules[i].table, f->rules[i].flowtable);
	return ft ? ft : &f->ft[0];
}

/*
 * Without an address: each bridge, VLAN or PPP device that a flowtable
 * lists while the devices under it are not, as a passing check saying
 * where its packets are caught.
 */
static void note_listed_uppers(const struct diag_facts *f,
			       struct diag_result *r)
{
	char ports[128];
	unsigned int i, j;

	for (i = 0; i < f->n_ft && i < DIAG_MAX_FT; i++) {
		const struct diag_flowtable *ft = &f->ft[i];

		for (j = 0; j < ft->n_devs && j < DIAG_MAX_DEVS; j++) {
			const struct diag_dev *d = &ft->devs[j];

			if (!layered(d))
				continue;
			port_list(d, true, ft, ports, sizeof(ports));
			if (!ports[0])
				continue;
			check(r, "devices", true, "flowtable %s %s lists %s %s: "
			      "packets arriving on %s are %s", ft->table,
			      ft->name, kind_name(d->kind), d->name, ports,
			      layer_where(d->kind));
		}
	}
}

/*
 * The connection's input devices (both directions) against its flowtable.
 * Returns true if the walk must stop (device_not_in_flowtable).  A bridge,
 * VLAN or PPP device listed in place of the devices under it passes.
 */
static bool check_conn_devices(const struct diag_facts *f,
			       struct diag_result *r)
{
	static const enum diag_dir dirs[] = { DIAG_ORIG_IN, DIAG_REPLY_IN };
	const struct diag_conn *c = &f->conn;
	const struct diag_flowtable *ft = conn_ft(f);
	char devs[256], missing[128], all[128];
	unsigned int i;

	ft_dev_list(ft, devs, sizeof(devs));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		enum diag_dir dir = dirs[i];
		const struct diag_dev *d;

		if (!c->have_dev[dir])
			continue;
		d = &c->dev[dir];
		if (dir == DIAG_REPLY_IN && c->have_dev[DIAG_ORIG_IN] &&
		    !strcmp(d->name, c->dev[DIAG_ORIG_IN].name))
			continue;

		if (!layered(d)) {
			if (ft_lists(ft, d->name)) {
				check(r, "device", true, "%s device %s is in "
				      "flowtable %s %s", diag_dir_names[dir],
				      d->name, ft->table, ft->name);
				continue;
			}
			check(r, "device", false, "%s device %s is not in "
			      "flowtable %s %s", diag_dir_names[dir], d->name,
			      ft->table, ft->name);
			r->cause = DIAG_DEVICE_NOT_IN_FLOWTABLE;
			EXPLAIN(r, "the %s device of %s is %s, which is not in "
				"flowtable %s %s (devices: %s): its packets "
				"are never caught by the fast path and take the "
				"normal path.", diag_dir_names[dir], c->desc,
				d->name, ft->table, ft->name, devs);
			fix_add_devices(r, ft, d->name);
			return true;
		}

		port_list(d, true, ft, missing, sizeof(missing));
		port_list(d, false, ft, all, sizeof(all));
		if (!missing[0]) {
			check(r, "device", true, "%s device %s: its port %s "
			      "is in flowtable %s %s", diag_dir_names[dir],
			      d->name, all, ft->table, ft->name);
			continue;
		}
		if (ft_lists(ft, d->name)) {
			check(r, "device", true, "%s device %s (%s on %s) is "
			      "in flowtable %s %s: its packets are %s",
			      diag_dir_names[dir], d->name, kind_name(d->kind),
			      missing, ft->table, ft->name,
			      layer_where(d->kind));
			continue;
		}
		check(r, "device", false, "%s device %s (%s on %s): %s is not "
		      "in flowtable %s %s", diag_dir_names[dir], d->name,
		      kind_name(d->kind), all, missing, ft->table, ft->name);
		r->cause = DIAG_DEVICE_NOT_IN_FLOWTABLE;
		EXPLAIN(r, "the %s device of %s is the %s %s, whose packets "
			"arrive on %s; %s is not in flowtable %s %s (devices: "
			"%s), so they are never caught by the fast path and "
			"take the normal path.", diag_dir_names[dir], c->desc,
			kind_name(d->kind), d->name, all, missing, ft->table,
			ft->name, devs);
		fix_add_devices(r, ft, missing);
		FIX(r, " (the port under %s; not %s itself)", d->name,
		    d->name);
		return true;
	}
	return false;
}

/* Larger packets than the egress MTU go the normal path (slow_mtu). */
static bool check_mtu(const struct diag_facts *f, struct diag_result *r)
{
	static const enum diag_dir in[] = { DIAG_ORIG_IN, DIAG_REPLY_IN };
	static const enum diag_dir out[] = { DIAG_ORIG_OUT, DIAG_REPLY_OUT };
	static const enum diag_dir alt[] = { DIAG_REPLY_IN, DIAG_ORIG_IN };
	const struct diag_conn *c = &f->conn;
	uint64_t slow = diag_stat(f, "slow_mtu");
	unsigned int i;

	for (i = 0; i < 2; i++) {
		const struct diag_dev *di, *dout;

		if (!c->have_dev[in[i]])
			continue;
		di = &c->dev[in[i]];
		if (c->have_dev[out[i]])
			dout = &c->dev[out[i]];
		else if (c->have_dev[alt[i]])
			dout = &c->dev[alt[i]];
		else
			continue;
		if (!di->mtu || !dout->mtu || di->mtu <= dout->mtu || !slow)
			continue;
		check(r, "mtu", false, "%s: %s MTU %d, %s MTU %d, slow_mtu %"
		      PRIu64, i ? "reply" : "original", di->name, di->mtu,
		      dout->name, dout->mtu, slow);
		r->cause = DIAG_MTU;
		EXPLAIN(r, "%s is offloaded, but packets of up to %d bytes "
			"arrive on %s (MTU %d) and leave on %s (MTU %d): those "
			"larger than %d bytes take the normal path to be "
			"fragmented or refused (the module counted %" PRIu64
			" such packets, slow_mtu).", c->desc, di->mtu,
			di->name, di->mtu, dout->name, dout->mtu, dout->mtu,
			slow);
		FIX(r, "give %s and %s the same MTU (ip link set dev %s mtu "
		    "%d), or clamp the TCP MSS to the route's MTU (tcp flags "
		    "syn tcp option maxseg size set rt mtu).", di->name,
		    dout->name, di->name, dout->mtu);
		return true;
	}
	check(r, "mtu", true, "no egress MTU smaller than its ingress MTU%s",
	      slow ? "" : " met by offloaded packets (slow_mtu 0)");
	return false;
}

/* The nonzero refused_* statistics, "refused_x N, refused_y M". */
static void refusals(const struct diag_facts *f, char *buf, size_t size)
{
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < f->n_stats && i < DIAG_MAX_STATS; i++)
		if (!strncmp(f->stats[i].name, "refused_", 8) &&
		    f->stats[i].value)
			buf_add(buf, size, "%s%s %" PRIu64, buf[0] ? ", " : "",
				f->stats[i].name, f->stats[i].value);
	if (!buf[0])
		buf_add(buf, size, "none");
}

static bool check_module(const struct diag_facts *f, struct diag_result *r)
{
	if (f->module_loaded) {
		check(r, "module", true, "nft_offload is loaded");
		return false;
	}
	if (f->inkernel_flowtable) {
		check(r, "module", false, "the in-kernel flowtable is "
		      "loaded, nft_offload is not");
		r->cause = DIAG_INKERNEL_FLOWTABLE;
		EXPLAIN(r, "the kernel's own flowtable modules "
			"(nf_flow_table_inet, nft_flow_offload) are loaded "
			"instead of nft_offload; they register what it "
			"registers, so the two refuse to run side by side.");
		FIX(r, "delete the flowtables, unload the in-kernel modules "
		    "(modprobe -r nft_flow_offload nf_flow_table_inet) and "
		    "load the ruleset again; install nft-offload.conf in "
		    "/lib/modprobe.d (the packages and make install do) so "
		    "that nft loads nft_offload, never them.");
		return true;
	}
	check(r, "module", false, "nft_offload is not loaded");
	r->cause = DIAG_MODULE_MISSING;
	EXPLAIN(r, "the nft_offload module is not loaded: nothing can be "
		"offloaded.");
	FIX(r, "modprobe nft_offload (a ruleset with a flowtable loads it "
	    "by itself once it is installed: make install).");
	return true;
}

static bool check_sysctl(const struct diag_facts *f, struct diag_result *r)
{
	if (!f->sysctl_known || f->sysctl_on) {
		check(r, "sysctl", true, "net.netfilter.nf_flow_offload = %s",
		      f->sysctl_known ? "1" : "unknown");
		return false;
	}
	check(r, "sysctl", false, "net.netfilter.nf_flow_offload = 0");
	r->cause = DIAG_SYSCTL_OFF;
	EXPLAIN(r, "net.netfilter.nf_flow_offload is 0 in this network "
		"namespace: `flow add` offloads nothing (refused_sysctl_off %"
		PRIu64 ").", diag_stat(f, "refused_sysctl_off"));
	FIX(r, "sysctl -w net.netfilter.nf_flow_offload=1");
	return true;
}

/*
 * "a, b": the devices a flowtable needs for the connection (its input
 * devices, the ports of layered ones), "" without a connection.
 */
static void conn_devs(const struct diag_facts *f, char *buf, size_t size)
{
	static const enum diag_dir dirs[] = { DIAG_ORIG_IN, DIAG_REPLY_IN };
	const struct diag_conn *c = &f->conn;
	unsigned int i, j;

	buf[0] = '\0';
	if (!f->conn_found)
		return;
	for (i = 0; i < 2; i++) {
		const struct diag_dev *d = &c->dev[dirs[i]];

		if (!c->have_dev[dirs[i]])
			continue;
		if (!layered(d)) {
			if (!i || strcmp(d->name, c->dev[DIAG_ORIG_IN].name))
				buf_add(buf, size, "%s%s", buf[0] ? ", " : "",
					d->name);
			continue;
		}
		for (j = 0; j < d->n_ports && j < DIAG_MAX_PORTS; j++)
			buf_add(buf, size, "%s%s", buf[0] ? ", " : "",
				d->ports[j]);
	}
}

static bool check_flowtables(const struct diag_facts *f,
			     struct diag_result *r)
{
	char devs[256];

	const struct diag_flowtable *rft;
	uint64_t n = diag_stat(f, "hw_bind_refused");
	bool refused = false;

	/*
	 * A refusal still matters while its flowtable is missing, or (a
	 * refused device addition) still asks for hardware offload without
	 * the device; it is fixed once the flowtable exists without the flag
	 * or with the device.
	 */
	if (f->hw_refused_dev[0]) {
		rft = ft_find(f, f->hw_refused_table, f->hw_refused_ft);
		refused = !rft ||
			  (rft->hw_offload && !ft_lists(rft, f->hw_refused_dev));
	}

	if (refused) {
		check(r, "hw_offload", false, "flowtable %s %s refused: %s "
		      "has no hardware offload", f->hw_refused_table,
		      f->hw_refused_ft, f->hw_refused_dev);
		r->cause = DIAG_NO_HW_OFFLOAD;
		EXPLAIN(r, "the kernel refused flowtable %s %s: it has "
			"`flags offload` (hardware offload) and device %s has "
			"no hardware flow offload support (hw_bind_refused %"
			PRIu64 ")%s.", f->hw_refused_table, f->hw_refused_ft,
			f->hw_refused_dev, n,
			f->n_ft ? "" : "; so there is no flowtable at all");
		FIX(r, "drop `flags offload` from flowtable %s %s (software "
		    "offload needs no flag), list only devices whose driver "
		    "supports hardware flow offload, or let such devices run "
		    "in software (sysctl -w "
		    "net.netfilter.nf_flow_offload_hw_mixed=1).",
		    f->hw_refused_table, f->hw_refused_ft);
		return true;
	}
	check(r, "hw_offload", true, "no flowtable refused for hardware "
	      "offload");

	if (!f->n_ft) {
		check(r, "flowtable", false, "no flowtable in this network "
		      "namespace");
		r->cause = DIAG_NO_FLOWTABLE;
		EXPLAIN(r, "there is no flowtable in this network namespace: "
			"`flow add` needs one to put connections in.");
		conn_devs(f, devs, sizeof(devs));
		FIX(r, "create one on the devices traffic is forwarded "
		    "between, e.g. nft add flowtable inet filter ft "
		    "'{ hook ingress priority 0; devices = { %s }; "
		    "counter; }'", devs[0] ? devs : "lan0, wan0");
		return true;
	}
	check(r, "flowtable", true, "%u flowtable%s, first %s %s", f->n_ft,
	      f->n_ft == 1 ? "" : "s", f->ft[0].table, f->ft[0].name);
	return false;
}

static bool check_rules(const struct diag_facts *f, struct diag_result *r)
{
	const struct diag_flowtable *ft = &f->ft[0];
	uint64_t attempts = diag_attempts(f);
	bool counted = false, reached = attempts > 0;
	unsigned int i;

	if (!f->n_rules) {
		check(r, "flow_rule", false, "no rule uses flow add");
		r->cause = DIAG_NO_FLOW_RULE;
		EXPLAIN(r, "no rule uses `flow add @%s` (or `flow offload`): "
			"flowtable %s %s exists, but nothing puts connections "
			"in it.", ft->name, ft->table, ft->name);
		FIX(r, "add one to the forward chain, e.g. nft insert rule %s "
		    "%s forward meta l4proto { tcp, udp } flow add @%s",
		    ft->family[0] ? ft->family : "inet", ft->table, ft->name);
		return true;
	}
	check(r, "flow_rule", true, "%u rule%s with flow add, first in %s %s "
	      "chain %s (@%s)", f->n_rules, f->n_rules == 1 ? "" : "s",
	      f->rules[0].family, f->rules[0].table, f->rules[0].chain,
	      f->rules[0].flowtable);

	for (i = 0; i < f->n_rules && i < DIAG_MAX_RULES; i++) {
		if (!f->rules[i].has_counter)
			continue;
		counted = true;
		if (f->rules[i].packets)
			reached = true;
	}
	if (reached) {
		check(r, "rule_reached", true, "flow add evaluated (%" PRIu64
		      " offload attempts)", attempts);
		return false;
	}
	check(r, "rule_reached", false, "no offload attempt counted%s",
	      counted ? ", rule counters at 0" : "");
	r->cause = DIAG_RULE_NOT_REACHED;
	EXPLAIN(r, "the `flow add @%s` rule in %s %s chain %s was never "
		"evaluated: ", f->rules[0].flowtable, f->rules[0].family,
		f->rules[0].table, f->rules[0].chain);
	if (counted)
		EXPLAIN(r, "its counter is at 0 packets and ");
	EXPLAIN(r, "the module counted no offload attempt (offloaded and "
		"every refused_* statistic are 0).");
	FIX(r, "make sure the traffic reaches it: put it before the rules "
	    "that accept or drop forwarded traffic (nft -a list chain %s %s "
	    "%s), in a chain of the forward hook of a family that sees the "
	    "traffic.", f->rules[0].family, f->rules[0].table,
	    f->rules[0].chain);
	return true;
}

static bool check_helper(const struct diag_facts *f, struct diag_result *r)
{
	const struct diag_conn *c = &f->conn;

	if (!c->helper[0]) {
		check(r, "helper", true, "no conntrack helper");
		return false;
	}
	check(r, "helper", false, "conntrack helper %s attached", c->helper);
	r->cause = DIAG_HELPER;
	EXPLAIN(r, "the conntrack helper \"%s\" is attached to %s: a helper "
		"must see every packet of its connection, so connections "
		"with a helper are never offloaded (refused_helper %" PRIu64
		").", c->helper, c->desc, diag_stat(f, "refused_helper"));
	FIX(r, "expected for a %s control connection (its data connections "
	    "can be offloaded); if the helper is not needed, remove the "
	    "`ct helper set` rule that assigns a helper of type \"%s\" to "
	    "this traffic.", c->helper, c->helper);
	return true;
}

static bool check_state(const struct diag_facts *f, struct diag_result *r)
{
	const struct diag_conn *c = &f->conn;
	bool ok;

	if (c->offloaded) {
		check(r, "ct_state", true, "%s%s", c->tcp ? c->state : "",
		      c->tcp ? ", offloaded" : "offloaded");
		return false;
	}
	if (c->tcp)
		ok = !strcmp(c->state, "ESTABLISHED") && c->assured;
	else
		ok = c->seen_reply;
	if (ok) {
		check(r, "ct_state", true, "%s%sassured", c->tcp ? c->state : "",
		      c->tcp ? ", " : "replied, ");
		return false;
	}
	check(r, "ct_state", false, "%s%s%s", c->tcp ? c->state : "",
	      c->seen_reply ? "" : (c->tcp ? ", unreplied" : "unreplied"),
	      c->assured ? "" : ", not assured");
	r->cause = DIAG_CT_STATE;
	if (c->tcp)
		EXPLAIN(r, "%s is in TCP state %s%s%s: `flow add` offloads a "
			"TCP connection only once it is ESTABLISHED and "
			"assured (refused_not_established %" PRIu64 ").",
			c->desc, c->state,
			c->seen_reply ? "" : ", no reply seen",
			c->assured ? "" : ", not assured",
			diag_stat(f, "refused_not_established"));
	else
		EXPLAIN(r, "%s has seen no reply yet ([UNREPLIED]): it is "
			"offloaded by the next packet `flow add` sees once "
			"both directions passed.", c->desc);
	if (!c->seen_reply)
		FIX(r, "the other end does not answer: check that it listens "
		    "and that nothing drops the replies on their way back.");
	else
		FIX(r, "nothing to change if the connection is young: it is "
		    "offloaded by its next packet once conntrack marks it "
		    "established and assured.");
	return true;
}

/* What a refusal of kind @kind (the listing's hw_err, KIND:ERRNO) means. */
static void hw_refusal_text(const char *err, const char **why,
			    const char **fix)
{
	static const struct {
		const char *kind, *why, *fix;
	} kinds[] = {
		{ "no_driver", "no driver callback is bound to the flowtable: "
		  "its devices have no hardware flow offload (nft-offload "
		  "status lists them as in software)",
		  "list devices whose driver supports TC_SETUP_FT flow "
		  "offload (Ethernet ports of the switch or SoC, not "
		  "bridges, VLAN or PPP devices), or drop `flags offload`" },
		{ "eopnotsupp", "the driver does not support something this "
		  "flow needs (for instance IPv6 NAT, PPPoE, two VLAN layers, "
		  "GRE or an output device it does not own)",
		  "nothing to fix if the flow must be as it is: it stays in "
		  "software; check the driver's limits for this kind of flow" },
		{ "einval", "the driver found the rule invalid (for instance "
		  "an output address it cannot use)",
		  "check the flow's devices and addresses (nft-offload flows)"
		  " and the kernel log" },
		{ "enospc", "the hardware flow table is full",
		  "fewer flows in hardware: shorter timeouts "
		  "(nf_flow_offload_tcp_timeout, _udp_timeout), or offload "
		  "only the long-lived connections" },
		{ "enomem", "memory ran short when the rule was built or sent",
		  "it is retried; check the system's memory" },
		{ "e2big", "the flow needs more actions than a rule holds",
		  "fewer layers (VLAN, PPPoE) on its path" },
		{ "enoent", "the next hop's link-layer address is not known "
		  "yet (or the driver lost the rule)",
		  "it is retried once the neighbour resolves; check "
		  "`ip neigh`" },
		{ "ebusy", "the driver is busy", "it is retried" },
		{ "enodev", "the output device is gone",
		  "the flow ends with it" },
	};
	size_t i, n = strcspn(err, ":");

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strlen(kinds[i].kind) == n &&
		    !strncmp(err, kinds[i].kind, n)) {
			*why = kinds[i].why;
			*fix = kinds[i].fix;
			return;
		}
	}
	*why = "the driver refused the rule";
	*fix = "check the kernel log and the driver's limits";
}

/*
 * A flow of a `flags offload` flowtable that is not in hardware: why.
 * True when that is the cause (the connection is offloaded in software).
 */
static bool check_hw(const struct diag_facts *f, struct diag_result *r)
{
	const struct diag_conn *c = &f->conn;
	const char *why, *fix;

	if (!c->hw[0] || !strcmp(c->hw, "none"))
		return false;
	if (!strcmp(c->hw, "offloaded")) {
		check(r, "hardware", true, "in hardware, %" PRIu64
		      " packets forwarded there", c->hw_packets);
		return false;
	}
	if (!strcmp(c->hw, "off")) {
		check(r, "hardware", false, "nf_flow_offload_hw is 0");
		r->cause = DIAG_HW_OFF;
		EXPLAIN(r, "%s is offloaded in software only: flowtable %s %s "
			"has `flags offload`, but net.netfilter."
			"nf_flow_offload_hw is 0.", c->desc, c->ft_table,
			c->ft_name);
		FIX(r, "sysctl -w net.netfilter.nf_flow_offload_hw=1 (flows "
		    "move to hardware within a second), unless software was "
		    "chosen on purpose (a shaper must see every packet).");
		return true;
	}
	if (!strcmp(c->hw, "pending") || !c->hw_err[0]) {
		check(r, "hardware", false, "hardware state %s", c->hw);
		r->cause = DIAG_HW_PENDING;
		EXPLAIN(r, "%s is offloaded in software; its rules are queued "
			"for the driver of flowtable %s %s (state %s).",
			c->desc, c->ft_table, c->ft_name, c->hw);
		FIX(r, "wait a moment and ask again; if it stays so, check "
		    "the kernel log.");
		return true;
	}
	hw_refusal_text(c->hw_err, &why, &fix);
	/* The count changes with every retry: in the check, not the text. */
	check(r, "hardware", false, "%s, last refusal %s, %" PRIu64 " in a "
	      "row", c->hw, c->hw_err, c->hw_tries);
	r->cause = DIAG_HW_REFUSED;
	EXPLAIN(r, "%s is offloaded in software but %s in hardware: %s "
		"(%s; retried with a growing delay, at most a minute "
		"apart).", c->desc,
		!strcmp(c->hw, "partial") ? "only one direction is" : "not",
		why, c->hw_err);
	FIX(r, "%s.", fix);
	return true;
}

void diag_run(const struct diag_facts *f, struct diag_result *r)
{
	memset(r, 0, sizeof(*r));
	r->cause = DIAG_NONE;

	if (check_module(f, r) || check_sysctl(f, r) ||
	    check_flowtables(f, r) || check_rules(f, r))
		return;

	if (!f->addr_given) {
		note_listed_uppers(f, r);
		EXPLAIN(r, "module, sysctl, flowtable and `flow add` rule are "
			"in place and the rule is evaluated; give an address "
			"(diagnose ADDR[:PORT]) to check a connection.");
		FIX(r, "nothing to do.");
		return;
	}

	if (!f->conn_found) {
		check(r, "connection", false, "no conntrack entry matches %s",
		      f->addr);
		r->cause = DIAG_NO_CONNECTION;
		EXPLAIN(r, "no conntrack entry matches %s in this network "
			"namespace.", f->addr);
		FIX(r, "check the address and port (conntrack -L), that the "
		    "connection is open now, and that its traffic is "
		    "forwarded by this network namespace (-n NAME).");
		return;
	}
	check(r, "connection", true, "%s", f->conn.desc);

	if (check_conn_devices(f, r) || check_helper(f, r) ||
	    check_state(f, r))
		return;

	if (f->conn.offloaded && check_mtu(f, r))
		return;

	if (!f->conn.offloaded) {
		char refused[512];

		refusals(f, refused, sizeof(refused));
		check(r, "offloaded", false, "not offloaded");
		r->cause = DIAG_NOT_OFFLOADED;
		EXPLAIN(r, "%s passes every check but is not offloaded. Offload "
			"refusals the module counted in this network namespace: "
			"%s.", f->conn.desc, refused);
		FIX(r, "look at which refused_* statistic rises while the "
		    "connection runs (nft-offload stats -w), and check that the "
		    "`flow add` rule matches this connection.");
		return;
	}

	if (f->conn.listed && check_hw(f, r))
		return;

	r->cause = DIAG_OFFLOADED;
	if (f->conn.listed) {
		check(r, "offloaded", true, "in flowtable %s %s",
		      f->conn.ft_table, f->conn.ft_name);
		EXPLAIN(r, "%s is offloaded in flowtable %s %s: original "
			"direction %" PRIu64 " packets, %" PRIu64 " bytes; "
			"reply direction %" PRIu64 " packets, %" PRIu64
			" bytes on the fast path.", f->conn.desc,
			f->conn.ft_table, f->conn.ft_name, f->conn.packets[0],
			f->conn.bytes[0], f->conn.packets[1], f->conn.bytes[1]);
	} else {
		check(r, "offloaded", true, "[OFFLOAD] in conntrack");
		EXPLAIN(r, "%s is offloaded ([OFFLOAD] in conntrack).",
			f->conn.desc);
	}
	FIX(r, "nothing to do.");
}
