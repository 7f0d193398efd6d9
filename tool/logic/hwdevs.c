// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of /proc/net/nft_offload_hw_devices (see hwdevs.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hwdevs.h"

struct nfo_hwdev_ctx {
	struct nfo_hwdev	*d;
	unsigned int		seen;
};

static int nfo_hwdev_field(void *arg, const char *k, size_t klen,
			   const char *v, size_t vlen)
{
	struct nfo_hwdev_ctx *c = arg;
	struct nfo_hwdev *d = c->d;
	unsigned int *seen = &c->seen;

#define KEY(s) (klen == sizeof(s) - 1 && !memcmp(k, s, klen))
	if (!klen)
		return -1;
	if (KEY("family")) {
		*seen |= 1;
		return nfo_unescape(v, vlen, d->family, sizeof(d->family));
	}
	if (KEY("table")) {
		*seen |= 2;
		return nfo_unescape(v, vlen, d->table, sizeof(d->table));
	}
	if (KEY("flowtable")) {
		*seen |= 4;
		return nfo_unescape(v, vlen, d->flowtable,
				    sizeof(d->flowtable));
	}
	if (KEY("dev")) {
		*seen |= 8;
		return nfo_unescape(v, vlen, d->dev, sizeof(d->dev));
	}
	if (KEY("state")) {
		*seen |= 16;
		return nfo_unescape(v, vlen, d->state, sizeof(d->state));
	}
	if (KEY("callbacks"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &d->callbacks);
#undef KEY
	return 0;
}

static int nfo_hwdev_line(const char *p, size_t len, struct nfo_hwdev *d)
{
	struct nfo_hwdev_ctx c = { .d = d };

	memset(d, 0, sizeof(*d));
	if (nfo_kv_fields(p, len, nfo_hwdev_field, &c))
		return -1;
	return c.seen == 31 && d->dev[0] ? 0 : -1;
}

int nfo_hwdevs_parse(const char *text, struct nfo_hwdevv *out)
{
	const char *next = text, *line;
	size_t len, cap = 0;

	out->v = NULL;
	out->n = 0;
	while (nfo_next_line(&next, &line, &len)) {
		if (!len)
			continue;
		if (out->n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			struct nfo_hwdev *nv;

			nv = realloc(out->v, ncap * sizeof(*nv));
			if (!nv) {
				nfo_hwdevv_free(out);
				return -2;
			}
			out->v = nv;
			cap = ncap;
		}
		if (nfo_hwdev_line(line, len, &out->v[out->n])) {
			nfo_hwdevv_free(out);
			return -1;
		}
		out->n++;
	}
	return 0;
}

void nfo_hwdevv_free(struct nfo_hwdevv *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}
