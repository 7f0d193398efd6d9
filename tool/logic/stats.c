// SPDX-License-Identifier: GPL-2.0
/* /proc/net/stat/nft_offload: parsing and rates (see stats.h). */
#include <stdlib.h>
#include <string.h>

#include "flows.h"
#include "stats.h"

static int nfo_stat_line(const char *p, size_t len, struct nfo_stat *s)
{
	const char *sp = memchr(p, ' ', len);
	size_t nlen, i;
	uint64_t v = 0;

	if (!sp || sp == p)
		return -1;
	nlen = (size_t)(sp - p);
	if (nlen >= sizeof(s->name) || sp + 1 == p + len)
		return -1;
	for (i = nlen + 1; i < len; i++) {
		unsigned int d;

		if (p[i] < '0' || p[i] > '9')
			return -1;
		d = (unsigned int)(p[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	memcpy(s->name, p, nlen);
	s->name[nlen] = '\0';
	s->value = v;
	return 0;
}

int nfo_stats_parse(const char *text, struct nfo_statv *out)
{
	const char *p = text, *line;
	size_t cap = 0, len;

	out->v = NULL;
	out->n = 0;
	while (nfo_next_line(&p, &line, &len)) {
		if (!len)
			continue;
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *nv = realloc(out->v, ncap * sizeof(*out->v));

			if (!nv)
				goto fail;
			out->v = nv;
			cap = ncap;
		}
		if (nfo_stat_line(line, len, &out->v[out->n]))
			goto fail;
		out->n++;
	}
	return 0;
fail:
	nfo_statv_free(out);
	return -1;
}

void nfo_statv_free(struct nfo_statv *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

bool nfo_stat_get(const struct nfo_statv *v, const char *name, uint64_t *val)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		if (!strcmp(v->v[i].name, name)) {
			*val = v->v[i].value;
			return true;
		}
	}
	return false;
}

bool nfo_stat_is_gauge(const char *name)
{
	static const char *const gauges[] = {
		"enabled", "flows", "flows_peak", "port_hooks", "hw_enabled",
		"hw_flows",
	};
	size_t i;

	for (i = 0; i < sizeof(gauges) / sizeof(gauges[0]); i++)
		if (!strcmp(name, gauges[i]))
			return true;
	return false;
}

bool nfo_stat_rate(const struct nfo_statv *a, const struct nfo_statv *b,
		   const char *name, double seconds, double *rate)
{
	uint64_t va = 0, vb;

	if (!nfo_stat_get(b, name, &vb))
		return false;
	if (nfo_stat_is_gauge(name)) {
		*rate = (double)vb;
		return true;
	}
	if (!(seconds > 0))
		return false;
	if (!nfo_stat_get(a, name, &va) || vb < va)
		va = 0;
	*rate = (double)(vb - va) / seconds;
	return true;
}
