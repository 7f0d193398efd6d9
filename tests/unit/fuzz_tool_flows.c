// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the parser of /proc/net/nft_offload_flows
 * (tool/logic/flows.c).  Input: the listing's text (cut at its first NUL).
 *
 * Asserted: no read or write out of bounds (ASan); every parsed string
 * is terminated inside its member; a parsed record written back in the
 * kernel's format (names \ooo-escaped) parses to the same record; and a
 * record matches a filter made of its own original source, destination,
 * port, protocol and input device.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tool/logic/flows.c"

#include "fuzz.h"

#define TERMINATED(m) FUZZ_ASSERT(memchr((m), '\0', sizeof(m)) != NULL)

/* The kernel's escaping of a name: space, tab, newline, '\' and '='. */
static void put_name(FILE *f, const char *key, const char *s)
{
	fprintf(f, " %s=", key);
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\' ||
		    *s == '=')
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static void put_rec(FILE *f, const struct nfo_flow_rec *r)
{
	static const char * const dn[2] = { "orig", "reply" };
	char k[32];
	int d;

	fprintf(f, "family=%s", r->family == AF_INET ? "ipv4" : "ipv6");
	put_name(f, "proto", r->proto);
	if (r->table_family[0])
		put_name(f, "table_family", r->table_family);
	put_name(f, "table", r->table);
	put_name(f, "flowtable", r->flowtable);
	fprintf(f, " ct_id=%u", r->ct_id);
	for (d = 0; d < 2; d++) {
		const struct nfo_flow_rec_dir *x = &r->dir[d];

		fprintf(f, " %s_src=%s %s_dst=%s", dn[d], x->src, dn[d],
			x->dst);
		if (x->has_ports)
			fprintf(f, " %s_sport=%u %s_dport=%u", dn[d], x->sport,
				dn[d], x->dport);
		snprintf(k, sizeof(k), "%s_iif", dn[d]);
		put_name(f, k, x->iif);
		snprintf(k, sizeof(k), "%s_oif", dn[d]);
		put_name(f, k, x->oif);
		snprintf(k, sizeof(k), "%s_xmit", dn[d]);
		put_name(f, k, x->xmit);
		snprintf(k, sizeof(k), "%s_nat", dn[d]);
		put_name(f, k, x->nat);
		fprintf(f, " %s_packets=%llu %s_bytes=%llu", dn[d],
			(unsigned long long)x->packets, dn[d],
			(unsigned long long)x->bytes);
	}
	fprintf(f, " age=%llu idle=%llu timeout=%llu",
		(unsigned long long)r->age, (unsigned long long)r->idle,
		(unsigned long long)r->timeout);
	put_name(f, "hw", r->hw);
	put_name(f, "hw_err", r->hw_err);
	fprintf(f, " hw_tries=%llu hw_packets=%llu hw_bytes=%llu",
		(unsigned long long)r->hw_tries,
		(unsigned long long)r->hw_packets,
		(unsigned long long)r->hw_bytes);
	if (r->has_retry)
		fprintf(f, " hw_retry_in=%llu",
			(unsigned long long)r->hw_retry_in);
	put_name(f, "flags", r->flags);
	fputc('\n', f);
}

/* Field by field: a key given twice leaves bytes after the NUL. */
static bool same_rec(const struct nfo_flow_rec *a, const struct nfo_flow_rec *b)
{
	int d;

#define S(m) (!strcmp(a->m, b->m))
#define N(m) (a->m == b->m)
	if (!(N(family) && S(proto) && N(l4proto) && S(table_family) &&
	      S(table) && S(flowtable) && N(ct_id) && N(age) && N(idle) &&
	      N(timeout) && S(hw) && S(hw_err) && N(hw_tries) &&
	      N(has_retry) && N(hw_retry_in) && N(hw_packets) &&
	      N(hw_bytes) && S(flags)))
		return false;
	for (d = 0; d < 2; d++) {
		if (!(S(dir[d].src) && S(dir[d].dst) &&
		      !memcmp(&a->dir[d].saddr, &b->dir[d].saddr, 16) &&
		      !memcmp(&a->dir[d].daddr, &b->dir[d].daddr, 16) &&
		      N(dir[d].has_ports) && N(dir[d].sport) &&
		      N(dir[d].dport) && S(dir[d].iif) && S(dir[d].oif) &&
		      S(dir[d].xmit) && S(dir[d].nat) && N(dir[d].packets) &&
		      N(dir[d].bytes)))
			return false;
	}
#undef S
#undef N
	return true;
}

static void check_rec(const struct nfo_flow_rec *r)
{
	struct nfo_flow_filter flt;
	struct nfo_flow_rec again;
	char *out = NULL;
	size_t olen = 0;
	FILE *f;
	int d;

	FUZZ_ASSERT(r->family == AF_INET || r->family == AF_INET6);
	TERMINATED(r->proto);
	TERMINATED(r->table_family);
	TERMINATED(r->table);
	TERMINATED(r->flowtable);
	TERMINATED(r->hw);
	TERMINATED(r->hw_err);
	TERMINATED(r->flags);
	FUZZ_ASSERT(r->proto[0]);
	FUZZ_ASSERT(r->l4proto >= -1 && r->l4proto <= 255);
	for (d = 0; d < 2; d++) {
		TERMINATED(r->dir[d].src);
		TERMINATED(r->dir[d].dst);
		TERMINATED(r->dir[d].iif);
		TERMINATED(r->dir[d].oif);
		TERMINATED(r->dir[d].xmit);
		TERMINATED(r->dir[d].nat);
	}

	f = open_memstream(&out, &olen);
	FUZZ_ASSERT(f);
	put_rec(f, r);
	fclose(f);
	FUZZ_ASSERT(nfo_flow_parse_line(out, &again) == 0);
	FUZZ_ASSERT(same_rec(r, &again));
	free(out);

	nfo_filter_init(&flt);
	FUZZ_ASSERT(nfo_filter_set_addr(&flt, false, r->dir[0].src) == 0);
	FUZZ_ASSERT(nfo_filter_set_addr(&flt, true, r->dir[0].dst) == 0);
	if (r->dir[0].has_ports)
		flt.port = r->dir[0].dport;
	flt.l4proto = r->l4proto;
	if (r->dir[0].iif[0])
		FUZZ_ASSERT(nfo_filter_set_dev(&flt, r->dir[0].iif) == 0);
	FUZZ_ASSERT(nfo_filter_match(&flt, r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfo_flowv v;
	enum nfo_sort how;
	char *s;
	size_t i;

	if (size > 16384)
		return 0;
	s = fuzz_strndup(data, size);
	if (nfo_flows_parse(s, &v) == 0) {
		for (i = 0; i < v.n; i++)
			check_rec(&v.v[i]);
		how = size & 1 ? NFO_SORT_BYTES : NFO_SORT_AGE;
		nfo_flows_sort(&v, how);
		for (i = 1; i < v.n; i++) {
			if (how == NFO_SORT_AGE)
				FUZZ_ASSERT(v.v[i - 1].age >= v.v[i].age);
		}
		nfo_flowv_free(&v);
	} else {
		FUZZ_ASSERT(v.v == NULL && v.n == 0);
	}
	free(s);
	return 0;
}
