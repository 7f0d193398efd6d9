// SPDX-License-Identifier: GPL-2.0
/* nft-offload flows: the offloaded flows, filtered and sorted. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "logic/cli.h"
#include "nft-offload.h"
#include "out.h"
#include "query.h"

static const char *family_name(int family)
{
	return family == AF_INET ? "ipv4" : "ipv6";
}

static void dir_json(struct jw *w, const char *key,
		     const struct nfo_flow_rec_dir *d)
{
	jw_obj_open(w, key);
	jw_str(w, "src", d->src);
	jw_str(w, "dst", d->dst);
	if (d->has_ports) {
		jw_uint(w, "sport", d->sport);
		jw_uint(w, "dport", d->dport);
	}
	jw_str(w, "iif", d->iif);
	jw_str(w, "oif", d->oif);
	jw_str(w, "xmit", d->xmit);
	jw_arr_open(w, "nat");
	if (strcmp(d->nat, "none")) {
		char buf[sizeof(d->nat)], *save, *t;

		snprintf(buf, sizeof(buf), "%s", d->nat);
		for (t = strtok_r(buf, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			jw_str(w, NULL, t);
	}
	jw_arr_close(w);
	jw_uint(w, "packets", d->packets);
	jw_uint(w, "bytes", d->bytes);
	jw_obj_close(w);
}

static void endpoint(char *buf, size_t len, int family, const char *addr,
		     bool ports, unsigned int port)
{
	if (!ports)
		snprintf(buf, len, "%s", addr);
	else if (family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", addr, port);
	else
		snprintf(buf, len, "%s:%u", addr, port);
}

static void dir_text(const char *name, int family,
		     const struct nfo_flow_rec_dir *d)
{
	char s[64], t[64];

	endpoint(s, sizeof(s), family, d->src, d->has_ports, d->sport);
	endpoint(t, sizeof(t), family, d->dst, d->has_ports, d->dport);
	printf("  %-5s %s -> %s  %s -> %s  xmit %s  nat %s  %llu packets %llu bytes\n",
	       name, s, t, d->iif, d->oif, d->xmit, d->nat,
	       (unsigned long long)d->packets, (unsigned long long)d->bytes);
}

/* A flow of a `flags offload` flowtable: where it stands in hardware. */
static void hw_text(const struct nfo_flow_rec *r)
{
	if (!strcmp(r->hw, "none") || !r->hw[0])
		return;
	printf("  hardware %s: %llu packets %llu bytes", r->hw,
	       (unsigned long long)r->hw_packets,
	       (unsigned long long)r->hw_bytes);
	if (r->hw_err[0])
		printf("; last refusal %s, %llu in a row", r->hw_err,
		       (unsigned long long)r->hw_tries);
	if (r->has_retry)
		printf(", next try in %llus",
		       (unsigned long long)r->hw_retry_in);
	printf("\n");
}

int cmd_flows(const struct nfo_opts *o, int argc, char **argv)
{
	const struct nfo_cmd *cmd = &nfo_cmds[NFO_CMD_FLOWS];
	enum nfo_sort sort = NFO_SORT_NONE;
	struct nfo_flow_filter f;
	struct nfo_flowv fl;
	struct jw w;
	size_t i;
	int c, err;

	nfo_filter_init(&f);
	while ((c = getopt_long(argc, argv, cmd->shortopts, cmd->longopts,
				NULL)) != -1) {
		switch (c) {
		case 's':
		case 'd':
			err = nfo_filter_set_addr(&f, c == 'd', optarg);
			break;
		case 'p':
			err = nfo_filter_set_port(&f, optarg);
			break;
		case 'P':
			err = nfo_filter_set_proto(&f, optarg);
			break;
		case 'i':
			err = nfo_filter_set_dev(&f, optarg);
			break;
		case 'S':
			err = nfo_sort_parse(optarg, &sort);
			break;
		default:
			return NFO_EXIT_USAGE;
		}
		if (err) {
			nfo_err("flows: bad value '%s'", optarg);
			return NFO_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		nfo_err("flows: unexpected argument '%s'", argv[optind]);
		return NFO_EXIT_USAGE;
	}
	err = nfq_flows(&fl);
	if (err)
		return nfo_exit_for(err, "/proc/net/nft_offload_flows");
	nfo_flows_filter(&fl, &f);
	nfo_flows_sort(&fl, sort);

	if (o->json) {
		out_json(&w);
		jw_obj_open(&w, NULL);
		jw_arr_open(&w, "flows");
		for (i = 0; i < fl.n; i++) {
			const struct nfo_flow_rec *r = &fl.v[i];

			jw_obj_open(&w, NULL);
			jw_str(&w, "family", family_name(r->family));
			jw_str(&w, "proto", r->proto);
			jw_str(&w, "table_family", r->table_family);
			jw_str(&w, "table", r->table);
			jw_str(&w, "flowtable", r->flowtable);
			jw_uint(&w, "ct_id", r->ct_id);
			dir_json(&w, "orig", &r->dir[0]);
			dir_json(&w, "reply", &r->dir[1]);
			jw_uint(&w, "age", r->age);
			jw_uint(&w, "idle", r->idle);
			jw_uint(&w, "timeout", r->timeout);
			jw_str(&w, "hw", r->hw);
			if (r->hw_err[0]) {
				jw_str(&w, "hw_err", r->hw_err);
				jw_uint(&w, "hw_tries", r->hw_tries);
			}
			if (r->has_retry)
				jw_uint(&w, "hw_retry_in", r->hw_retry_in);
			if (strcmp(r->hw, "none") && r->hw[0]) {
				jw_uint(&w, "hw_packets", r->hw_packets);
				jw_uint(&w, "hw_bytes", r->hw_bytes);
			}
			jw_arr_open(&w, "flags");
			if (strcmp(r->flags, "none") && r->flags[0])
				jw_str(&w, NULL, r->flags);
			jw_arr_close(&w);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_obj_close(&w);
		jw_end(&w);
	} else {
		for (i = 0; i < fl.n; i++) {
			const struct nfo_flow_rec *r = &fl.v[i];

			printf("%s %s flowtable %s %s %s id %u age %llus idle %llus timeout %llus hw %s flags %s\n",
			       family_name(r->family), r->proto,
			       r->table_family, r->table,
			       r->flowtable, r->ct_id,
			       (unsigned long long)r->age,
			       (unsigned long long)r->idle,
			       (unsigned long long)r->timeout, r->hw, r->flags);
			hw_text(r);
			dir_text("orig", r->family, &r->dir[0]);
			dir_text("reply", r->family, &r->dir[1]);
		}
		printf("%zu flow%s\n", fl.n, fl.n == 1 ? "" : "s");
	}
	nfo_flowv_free(&fl);
	return NFO_EXIT_OK;
}
