// SPDX-License-Identifier: GPL-2.0
/* The flow listing: parsing, filters, sorting (see flows.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "flows.h"

static const struct {
	int		num;
	const char	*name;
} nfo_protos[] = {
	{ 1, "icmp" },
	{ 6, "tcp" },
	{ 17, "udp" },
	{ 47, "gre" },
	{ 50, "esp" },
	{ 58, "icmpv6" },
	{ 132, "sctp" },
	{ 136, "udplite" },
};

const char *nfo_proto_name(int l4proto)
{
	size_t i;

	for (i = 0; i < sizeof(nfo_protos) / sizeof(nfo_protos[0]); i++)
		if (nfo_protos[i].num == l4proto)
			return nfo_protos[i].name;
	return NULL;
}

int nfo_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned int)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int nfo_proto_number(const char *s)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(nfo_protos) / sizeof(nfo_protos[0]); i++)
		if (!strcmp(nfo_protos[i].name, s))
			return nfo_protos[i].num;
	if (!strcmp(s, "ipv6-icmp"))
		return 58;
	if (nfo_parse_uint(s, strlen(s), 255, &v))
		return -1;
	return (int)v;
}

int nfo_unescape(const char *in, size_t in_len, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < in_len; i++) {
		char c = in[i];

		/* The kernel escapes '\\' itself: any other is malformed. */
		if (c == '\\') {
			if (in_len - i < 4 ||
			    in[i + 1] < '0' || in[i + 1] > '3' ||
			    in[i + 2] < '0' || in[i + 2] > '7' ||
			    in[i + 3] < '0' || in[i + 3] > '7')
				return -1;
			c = (char)(((in[i + 1] - '0') << 6) |
				   ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
			i += 3;
		}
		if (c == '\0' || o + 1 >= len)
			return -1;
		out[o++] = c;
	}
	if (o >= len)
		return -1;
	out[o] = '\0';
	return 0;
}

static int nfo_copy(const char *v, size_t vlen, char *out, size_t len)
{
	return nfo_unescape(v, vlen, out, len);
}

static int nfo_addr_parse(const char *v, size_t vlen, int family,
			  char *str, union nfo_addr *addr)
{
	if (vlen == 0 || vlen >= NFO_ADDRSTR_MAX)
		return -1;
	memcpy(str, v, vlen);
	str[vlen] = '\0';
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(family, str, addr) != 1)
		return -1;
	return 0;
}

/* A key of one direction, "orig_" or "reply_" stripped. */
static int nfo_dir_field(struct nfo_flow_rec *rec, int d, const char *k,
			 size_t klen, const char *v, size_t vlen,
			 unsigned int *seen)
{
	struct nfo_flow_rec_dir *dir = &rec->dir[d];
	uint64_t n;

#define KEY(s) (klen == sizeof(s) - 1 && !memcmp(k, s, klen))
	if (KEY("src")) {
		seen[d] |= 1;
		return nfo_addr_parse(v, vlen, rec->family, dir->src,
				      &dir->saddr);
	}
	if (KEY("dst")) {
		seen[d] |= 2;
		return nfo_addr_parse(v, vlen, rec->family, dir->dst,
				      &dir->daddr);
	}
	if (KEY("sport") || KEY("dport")) {
		if (nfo_parse_uint(v, vlen, 65535, &n))
			return -1;
		dir->has_ports = true;
		if (k[0] == 's')
			dir->sport = (uint16_t)n;
		else
			dir->dport = (uint16_t)n;
		return 0;
	}
	if (KEY("iif"))
		return nfo_copy(v, vlen, dir->iif, sizeof(dir->iif));
	if (KEY("oif"))
		return nfo_copy(v, vlen, dir->oif, sizeof(dir->oif));
	if (KEY("xmit"))
		return nfo_copy(v, vlen, dir->xmit, sizeof(dir->xmit));
	if (KEY("nat"))
		return nfo_copy(v, vlen, dir->nat, sizeof(dir->nat));
	if (KEY("packets"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &dir->packets);
	if (KEY("bytes"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &dir->bytes);
#undef KEY
	return 0;
}

static int nfo_field(struct nfo_flow_rec *rec, const char *k, size_t klen,
		     const char *v, size_t vlen, unsigned int *seen)
{
	uint64_t n;

#define KEY(s) (klen == sizeof(s) - 1 && !memcmp(k, s, klen))
#define PREFIX(s) (klen > sizeof(s) - 1 && !memcmp(k, s, sizeof(s) - 1))
	if (PREFIX("orig_"))
		return nfo_dir_field(rec, 0, k + 5, klen - 5, v, vlen, seen);
	if (PREFIX("reply_"))
		return nfo_dir_field(rec, 1, k + 6, klen - 6, v, vlen, seen);
	if (KEY("proto")) {
		if (nfo_copy(v, vlen, rec->proto, sizeof(rec->proto)))
			return -1;
		rec->l4proto = nfo_proto_number(rec->proto);
		return 0;
	}
	if (KEY("table"))
		return nfo_copy(v, vlen, rec->table, sizeof(rec->table));
	if (KEY("table_family"))
		return nfo_copy(v, vlen, rec->table_family,
				sizeof(rec->table_family));
	if (KEY("flowtable"))
		return nfo_copy(v, vlen, rec->flowtable,
				sizeof(rec->flowtable));
	if (KEY("ct_id")) {
		if (nfo_parse_uint(v, vlen, UINT32_MAX, &n))
			return -1;
		rec->ct_id = (uint32_t)n;
		return 0;
	}
	if (KEY("age"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &rec->age);
	if (KEY("idle"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &rec->idle);
	if (KEY("timeout"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &rec->timeout);
	if (KEY("hw"))
		return nfo_copy(v, vlen, rec->hw, sizeof(rec->hw));
	if (KEY("hw_err"))
		return nfo_copy(v, vlen, rec->hw_err, sizeof(rec->hw_err));
	if (KEY("hw_tries"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &rec->hw_tries);
	if (KEY("hw_retry_in")) {
		rec->has_retry = true;
		return nfo_parse_uint(v, vlen, UINT64_MAX, &rec->hw_retry_in);
	}
	if (KEY("hw_packets"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &rec->hw_packets);
	if (KEY("hw_bytes"))
		return nfo_parse_uint(v, vlen, UINT64_MAX, &rec->hw_bytes);
	if (KEY("flags"))
		return nfo_copy(v, vlen, rec->flags, sizeof(rec->flags));
#undef PREFIX
#undef KEY
	return 0;
}

/* Splits the line into key=value fields; calls @fn for each. */
int nfo_kv_fields(const char *line, size_t len,
		  int (*fn)(void *arg, const char *k, size_t klen,
			    const char *v, size_t vlen),
		  void *arg)
{
	const char *p = line, *end = line + len;

	while (p < end) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *fend = sp ? sp : end;
		const char *eq = memchr(p, '=', (size_t)(fend - p));

		if (!eq || fn(arg, p, (size_t)(eq - p), eq + 1,
			      (size_t)(fend - eq - 1)))
			return -1;
		p = sp ? sp + 1 : end;
	}
	return 0;
}

struct nfo_fields_ctx {
	struct nfo_flow_rec	*rec;
	unsigned int		*seen;
	bool			family_only;
};

static int nfo_fields_one(void *arg, const char *k, size_t klen,
			  const char *v, size_t vlen)
{
	struct nfo_fields_ctx *c = arg;

	if (!klen)
		return -1;
	if (!c->family_only)
		return nfo_field(c->rec, k, klen, v, vlen, c->seen);
	if (klen == 6 && !memcmp(k, "family", 6)) {
		if (vlen == 4 && !memcmp(v, "ipv4", 4))
			c->rec->family = AF_INET;
		else if (vlen == 4 && !memcmp(v, "ipv6", 4))
			c->rec->family = AF_INET6;
		else
			return -1;
	}
	return 0;
}

/* The fields of @line, up to its end or newline, into @rec. */
static int nfo_fields(const char *line, struct nfo_flow_rec *rec,
		      unsigned int *seen, bool family_only)
{
	struct nfo_fields_ctx c = {
		.rec = rec, .seen = seen, .family_only = family_only,
	};

	return nfo_kv_fields(line, strcspn(line, "\n"), nfo_fields_one, &c);
}

int nfo_flow_parse_line(const char *line, struct nfo_flow_rec *rec)
{
	unsigned int seen[2] = { 0, 0 };

	memset(rec, 0, sizeof(*rec));
	rec->l4proto = -1;
	/* Addresses need the family first, wherever it is on the line. */
	if (nfo_fields(line, rec, seen, true) || !rec->family)
		return -1;
	if (nfo_fields(line, rec, seen, false))
		return -1;
	if (seen[0] != 3 || seen[1] != 3 || !rec->proto[0])
		return -1;
	return 0;
}

bool nfo_next_line(const char **p, const char **line, size_t *len)
{
	const char *nl;

	if (!**p)
		return false;
	nl = strchr(*p, '\n');
	*line = *p;
	*len = nl ? (size_t)(nl - *p) : strlen(*p);
	*p += *len;
	if (**p == '\n')
		(*p)++;
	return true;
}

int nfo_flows_parse(const char *text, struct nfo_flowv *out)
{
	const char *p = text, *l;
	size_t cap = 0, len;

	out->v = NULL;
	out->n = 0;
	while (nfo_next_line(&p, &l, &len)) {
		char *line;
		int err;

		if (!len)
			continue;
		line = strndup(l, len);
		if (!line)
			goto fail;
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *nv = realloc(out->v, ncap * sizeof(*out->v));

			if (!nv) {
				free(line);
				goto fail;
			}
			out->v = nv;
			cap = ncap;
		}
		err = nfo_flow_parse_line(line, &out->v[out->n]);
		free(line);
		if (err)
			goto fail;
		out->n++;
	}
	return 0;
fail:
	nfo_flowv_free(out);
	return -1;
}

void nfo_flowv_free(struct nfo_flowv *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void nfo_filter_init(struct nfo_flow_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->port = -1;
	f->l4proto = -1;
}

int nfo_filter_set_addr(struct nfo_flow_filter *f, bool dst, const char *s)
{
	char buf[NFO_ADDRSTR_MAX];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	union nfo_addr a;
	int family, max;
	uint64_t plen;

	if (alen == 0 || alen >= sizeof(buf))
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, buf, &a) == 1) {
		family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, &a) == 1) {
		family = AF_INET6;
		max = 128;
	} else {
		return -1;
	}
	plen = (uint64_t)max;
	if (slash && nfo_parse_uint(slash + 1, strlen(slash + 1),
				    (uint64_t)max, &plen))
		return -1;
	if (dst) {
		f->has_dst = true;
		f->dst_family = family;
		f->dst = a;
		f->dst_plen = (int)plen;
	} else {
		f->has_src = true;
		f->src_family = family;
		f->src = a;
		f->src_plen = (int)plen;
	}
	return 0;
}

int nfo_filter_set_port(struct nfo_flow_filter *f, const char *s)
{
	uint64_t v;

	if (nfo_parse_uint(s, strlen(s), 65535, &v))
		return -1;
	f->port = (int)v;
	return 0;
}

int nfo_filter_set_proto(struct nfo_flow_filter *f, const char *s)
{
	f->l4proto = nfo_proto_number(s);
	return f->l4proto < 0 ? -1 : 0;
}

int nfo_filter_set_dev(struct nfo_flow_filter *f, const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(f->dev))
		return -1;
	memcpy(f->dev, s, len + 1);
	return 0;
}

static bool nfo_prefix_match(const union nfo_addr *a, const union nfo_addr *p,
			     int plen)
{
	int full = plen / 8, rest = plen % 8;

	if (memcmp(a->b, p->b, (size_t)full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((a->b[full] ^ p->b[full]) & mask)
			return false;
	}
	return true;
}

bool nfo_filter_match(const struct nfo_flow_filter *f,
		      const struct nfo_flow_rec *rec)
{
	const struct nfo_flow_rec_dir *o = &rec->dir[0], *r = &rec->dir[1];

	if (f->has_src &&
	    (f->src_family != rec->family ||
	     (!nfo_prefix_match(&o->saddr, &f->src, f->src_plen) &&
	      !nfo_prefix_match(&r->daddr, &f->src, f->src_plen))))
		return false;
	if (f->has_dst &&
	    (f->dst_family != rec->family ||
	     (!nfo_prefix_match(&o->daddr, &f->dst, f->dst_plen) &&
	      !nfo_prefix_match(&r->saddr, &f->dst, f->dst_plen))))
		return false;
	if (f->port >= 0 &&
	    (!o->has_ports ||
	     (o->sport != f->port && o->dport != f->port &&
	      r->sport != f->port && r->dport != f->port)))
		return false;
	if (f->l4proto >= 0 && rec->l4proto != f->l4proto)
		return false;
	if (f->dev[0] &&
	    strcmp(o->iif, f->dev) && strcmp(o->oif, f->dev) &&
	    strcmp(r->iif, f->dev) && strcmp(r->oif, f->dev))
		return false;
	return true;
}

void nfo_flows_filter(struct nfo_flowv *v, const struct nfo_flow_filter *f)
{
	size_t i, n = 0;

	for (i = 0; i < v->n; i++)
		if (nfo_filter_match(f, &v->v[i]))
			v->v[n++] = v->v[i];
	v->n = n;
}

int nfo_sort_parse(const char *s, enum nfo_sort *out)
{
	if (!strcmp(s, "bytes"))
		*out = NFO_SORT_BYTES;
	else if (!strcmp(s, "age"))
		*out = NFO_SORT_AGE;
	else
		return -1;
	return 0;
}

static uint64_t nfo_rec_bytes(const struct nfo_flow_rec *r)
{
	return r->dir[0].bytes + r->dir[1].bytes;
}

/* Ties keep a fixed order (conntrack id), so output is reproducible. */
static int nfo_cmp_bytes(const void *pa, const void *pb)
{
	const struct nfo_flow_rec *a = pa, *b = pb;
	uint64_t x = nfo_rec_bytes(a), y = nfo_rec_bytes(b);

	if (x != y)
		return x > y ? -1 : 1;
	return a->ct_id < b->ct_id ? -1 : a->ct_id > b->ct_id;
}

static int nfo_cmp_age(const void *pa, const void *pb)
{
	const struct nfo_flow_rec *a = pa, *b = pb;

	if (a->age != b->age)
		return a->age > b->age ? -1 : 1;
	return a->ct_id < b->ct_id ? -1 : a->ct_id > b->ct_id;
}

void nfo_flows_sort(struct nfo_flowv *v, enum nfo_sort how)
{
	if (v->n < 2 || how == NFO_SORT_NONE)
		return;
	qsort(v->v, v->n, sizeof(*v->v),
	      how == NFO_SORT_BYTES ? nfo_cmp_bytes : nfo_cmp_age);
}
