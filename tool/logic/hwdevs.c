// SPDX-License-Identifier: GPL-2.0
/*
 * Parser of /proc/net/nft_offload_hw_devices (see hwdevs.h).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hwdevs.h"

static int nfo_hwdev_field(struct nfo_hwdev *d, const char *k, size_t klen,
			   const char *v, size_t vlen, unsigned int *seen)
{
	char num[24];
	char *end;

#define KEY(s) (klen == sizeof(s) - 1 && !memcmp(k, s, klen))
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
	if (KEY("callbacks")) {
		if (!vlen || vlen >= sizeof(num) || v[0] < '0' || v[0] > '9')
			return -1;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		d->callbacks = strtoull(num, &end, 10);
		return *end ? -1 : 0;
	}
#undef KEY
	return 0;
}

static int nfo_hwdev_line(const char *p, size_t len, struct nfo_hwdev *d)
{
	const char *end = p + len;
	unsigned int seen = 0;

	memset(d, 0, sizeof(*d));
	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *fend = sp ? sp : end;
		const char *eq = memchr(p, '=', (size_t)(fend - p));

		if (!eq || eq == p)
			return -1;
		if (nfo_hwdev_field(d, p, (size_t)(eq - p), eq + 1,
				    (size_t)(fend - eq - 1), &seen))
			return -1;
		p = sp ? sp + 1 : end;
	}
	return seen == 31 && d->dev[0] ? 0 : -1;
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
