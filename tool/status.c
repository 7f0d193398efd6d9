// SPDX-License-Identifier: GPL-2.0
/*
 * nft-offload status: the module and its version, the sysctls, and every
 * flowtable of the netns (table, name, family, hook priority, devices,
 * flags, rules using it, the flows it holds).
 */
#include <errno.h>
#include <getopt.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "nft-offload.h"
#include "out.h"
#include "query.h"

static size_t flows_of(const struct nfo_flowv *fl, const struct nfq_flowtable *f)
{
	size_t i, n = 0;

	for (i = 0; i < fl->n; i++)
		if (!strcmp(fl->v[i].table_family, out_nfproto_name(f->family)) &&
		    !strcmp(fl->v[i].table, f->table) &&
		    !strcmp(fl->v[i].flowtable, f->name))
			n++;
	return n;
}

/* Rules of the flowtable's table with `flow add` to it. */
static size_t rules_of(const struct nfq_rules *rl, const struct nfq_flowtable *f)
{
	size_t i, n = 0;

	for (i = 0; i < rl->n; i++)
		if (rl->v[i].flow_offload && rl->v[i].family == f->family &&
		    !strcmp(rl->v[i].table, f->table) &&
		    !strcmp(rl->v[i].flowtable, f->name))
			n++;
	return n;
}

static void flags_text(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s",
		 flags & NFT_FLOWTABLE_HW_OFFLOAD ? "offload" : "",
		 (flags & NFT_FLOWTABLE_HW_OFFLOAD) &&
		 (flags & NFT_FLOWTABLE_COUNTER) ? "," : "",
		 flags & NFT_FLOWTABLE_COUNTER ? "counter" : "");
}

static void sysctl_json(struct jw *w, const char *key, int v)
{
	if (v < 0)
		jw_null(w, key);
	else
		jw_int(w, key, v);
}

static void sysctl_text(const char *name, int v)
{
	if (v < 0)
		printf("  %-28s -\n", name);
	else
		printf("  %-28s %d\n", name, v);
}

/* The binding of device @j of flowtable @f, or NULL. */
static const struct nfo_hwdev *hwdev_of(const struct nfo_hwdevv *hwd,
					const struct nfq_flowtable *f,
					size_t j)
{
	size_t i;

	for (i = 0; i < hwd->n; i++) {
		const struct nfo_hwdev *d = &hwd->v[i];

		if (!strcmp(d->family, out_nfproto_name(f->family)) &&
		    !strcmp(d->table, f->table) &&
		    !strcmp(d->flowtable, f->name) &&
		    !strcmp(d->dev, f->devs[j]))
			return d;
	}
	return NULL;
}

/*
 * A `flags offload` flowtable's devices, as their binds left them, in the
 * flowtable's order.
 */
static void hw_json(struct jw *w, const struct nfo_hwdevv *hwd,
		    const struct nfq_flowtable *f)
{
	size_t j;

	jw_arr_open(w, "hardware");
	for (j = 0; j < f->ndevs; j++) {
		const struct nfo_hwdev *d = hwdev_of(hwd, f, j);

		if (!d)
			continue;
		jw_obj_open(w, NULL);
		jw_str(w, "device", d->dev);
		jw_str(w, "state", d->state);
		if (!strcmp(d->state, "bound"))
			jw_uint(w, "callbacks", d->callbacks);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void hw_text(const struct nfo_hwdevv *hwd,
		    const struct nfq_flowtable *f)
{
	bool any = false;
	size_t j;

	printf("    hardware:");
	for (j = 0; j < f->ndevs; j++) {
		const struct nfo_hwdev *d = hwdev_of(hwd, f, j);

		if (!d)
			continue;
		printf("%s %s %s", any ? "," : "", d->dev,
		       !strcmp(d->state, "bound") ? "bound to a driver" :
		       !strcmp(d->state, "software") ?
		       "in software (no hardware offload support)" : d->state);
		any = true;
	}
	printf("%s\n", any ? "" : " no device bound");
}

int cmd_status(const struct nfo_opts *o, int argc, char **argv)
{
	struct nfq_flowtables fts;
	struct nfo_hwdevv hwd;
	struct nfq_rules rl;
	struct nfq_sysctls sc;
	struct nfq_module m;
	struct nfo_flowv fl;
	uint64_t flows = 0;
	struct nfo_statv st;
	struct jw w;
	size_t i, j;
	int err;

	(void)argv;
	if (argc > 1) {
		nfo_err("status takes no arguments");
		return NFO_EXIT_USAGE;
	}
	nfq_module(&m);
	if (!m.loaded) {
		if (o->json) {
			out_json(&w);
			jw_obj_open(&w, NULL);
			jw_obj_open(&w, "module");
			jw_bool(&w, "loaded", false);
			jw_bool(&w, "inkernel_flowtable", m.inkernel_flowtable);
			jw_obj_close(&w);
			jw_obj_close(&w);
			jw_end(&w);
		} else {
			printf("module: not loaded%s\n", m.inkernel_flowtable ?
			       " (the kernel's own flowtable is)" : "");
		}
		return NFO_EXIT_NOMODULE;
	}
	err = nfq_sysctls(&sc);
	if (err)
		return nfo_exit_for(err, "sysctls");
	err = nfq_stats(&st);
	if (err)
		return nfo_exit_for(err, "/proc/net/stat/nft_offload");
	nfo_stat_get(&st, "flows", &flows);
	nfo_statv_free(&st);
	err = nfq_flows(&fl);
	if (err)
		return nfo_exit_for(err, "/proc/net/nft_offload_flows");
	err = nfq_flowtables(&fts);
	if (err) {
		nfo_flowv_free(&fl);
		return nfo_exit_for(err == -ENOENT ? -EIO : err, "flowtables");
	}
	err = nfq_rules(&rl);
	if (err) {
		nfo_flowv_free(&fl);
		nfq_flowtables_free(&fts);
		return nfo_exit_for(err == -ENOENT ? -EIO : err, "rules");
	}
	err = nfq_hw_devices(&hwd);
	if (err) {
		nfq_rules_free(&rl);
		nfo_flowv_free(&fl);
		nfq_flowtables_free(&fts);
		return nfo_exit_for(err, "/proc/net/nft_offload_hw_devices");
	}

	if (o->json) {
		out_json(&w);
		jw_obj_open(&w, NULL);
		jw_obj_open(&w, "module");
		jw_bool(&w, "loaded", true);
		jw_str(&w, "version", m.version);
		jw_bool(&w, "inkernel_flowtable", m.inkernel_flowtable);
		jw_obj_close(&w);
		jw_obj_open(&w, "sysctl");
		sysctl_json(&w, "nf_flow_offload", sc.enabled);
		sysctl_json(&w, "nf_flow_offload_tcp_timeout", sc.tcp_timeout);
		sysctl_json(&w, "nf_flow_offload_udp_timeout", sc.udp_timeout);
		sysctl_json(&w, "nf_flow_offload_max_flows", sc.max_flows);
		sysctl_json(&w, "nf_flow_offload_hw", sc.hw);
		sysctl_json(&w, "nf_flow_offload_hw_mixed", sc.hw_mixed);
		jw_obj_close(&w);
		jw_uint(&w, "flows", flows);
		jw_arr_open(&w, "flowtables");
		for (i = 0; i < fts.n; i++) {
			const struct nfq_flowtable *f = &fts.v[i];

			jw_obj_open(&w, NULL);
			jw_str(&w, "family", out_nfproto_name(f->family));
			jw_str(&w, "table", f->table);
			jw_str(&w, "name", f->name);
			jw_str(&w, "hook", "ingress");
			jw_int(&w, "priority", f->prio);
			jw_arr_open(&w, "devices");
			for (j = 0; j < f->ndevs; j++)
				jw_str(&w, NULL, f->devs[j]);
			jw_arr_close(&w);
			jw_arr_open(&w, "flags");
			if (f->flags & NFT_FLOWTABLE_HW_OFFLOAD)
				jw_str(&w, NULL, "offload");
			if (f->flags & NFT_FLOWTABLE_COUNTER)
				jw_str(&w, NULL, "counter");
			jw_arr_close(&w);
			jw_bool(&w, "counter",
				f->flags & NFT_FLOWTABLE_COUNTER);
			jw_uint(&w, "use", f->use);
			jw_uint(&w, "rules", rules_of(&rl, f));
			jw_uint(&w, "flows", flows_of(&fl, f));
			if (f->flags & NFT_FLOWTABLE_HW_OFFLOAD)
				hw_json(&w, &hwd, f);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_obj_close(&w);
		jw_end(&w);
	} else {
		/* OpenWrt's build is named after the in-kernel module. */
		if (strcmp(m.name, "nft_offload"))
			printf("module: nft_offload %s (loaded as %s)\n",
			       m.version, m.name);
		else
			printf("module: nft_offload %s\n", m.version);
		printf("sysctls:\n");
		sysctl_text("nf_flow_offload", sc.enabled);
		sysctl_text("nf_flow_offload_tcp_timeout", sc.tcp_timeout);
		sysctl_text("nf_flow_offload_udp_timeout", sc.udp_timeout);
		sysctl_text("nf_flow_offload_max_flows", sc.max_flows);
		sysctl_text("nf_flow_offload_hw", sc.hw);
		sysctl_text("nf_flow_offload_hw_mixed", sc.hw_mixed);
		printf("flows: %llu\n", (unsigned long long)flows);
		printf("flowtables: %zu\n", fts.n);
		for (i = 0; i < fts.n; i++) {
			const struct nfq_flowtable *f = &fts.v[i];
			char flags[32];

			flags_text(f->flags, flags, sizeof(flags));
			printf("  %s %s %s: hook ingress priority %d; devices {",
			       out_nfproto_name(f->family), f->table, f->name,
			       f->prio);
			for (j = 0; j < f->ndevs; j++)
				printf("%s %s", j ? "," : "", f->devs[j]);
			printf(" }; flags %s; rules %zu; flows %zu\n",
			       flags[0] ? flags : "none", rules_of(&rl, f),
			       flows_of(&fl, f));
			if (f->flags & NFT_FLOWTABLE_HW_OFFLOAD)
				hw_text(&hwd, f);
		}
	}
	nfo_hwdevv_free(&hwd);
	nfq_rules_free(&rl);
	nfq_flowtables_free(&fts);
	nfo_flowv_free(&fl);
	return NFO_EXIT_OK;
}
