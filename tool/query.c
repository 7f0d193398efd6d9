// SPDX-License-Identifier: GPL-2.0
/*
 * System queries (see query.h): files under /proc and /sys, nf_tables
 * objects through libnftnl, devices and routes through rtnetlink, and
 * conntrack through ctnetlink, all over libmnl sockets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <arpa/inet.h>
/* The kernel's headers first: libnetfilter_conntrack carries an older copy. */
#include <linux/if_link.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/flowtable.h>
#include <libnftnl/rule.h>
#include <time.h>

#include "logic/module.h"
#include "query.h"

/* Reads a whole (small, proc) file into a NUL-terminated buffer. */
static int nfq_read_file(const char *path, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	for (;;) {
		ssize_t r;

		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static int nfq_read_int(const char *path, int *val)
{
	char *s, *end;
	long v;
	int err;

	err = nfq_read_file(path, &s);
	if (err)
		return err;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < -2147483647L || v > 2147483647L) {
		free(s);
		return -EINVAL;
	}
	free(s);
	*val = (int)v;
	return 0;
}

int nfq_netns_enter(const char *name)
{
	char path[4096];
	int fd, err;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	/*
	 * /proc/net follows the reading task's netns; /sys shows the netns
	 * of whoever mounted it, so mount a private sysfs as ip netns exec
	 * does for device facts read from /sys.  Failure is harmless: the
	 * tool reads devices over rtnetlink.
	 */
	if (!unshare(CLONE_NEWNS)) {
		if (!mount("", "/", "none", MS_SLAVE | MS_REC, NULL) &&
		    !umount2("/sys", MNT_DETACH))
			mount(name, "/sys", "sysfs", 0, NULL);
	}
	return 0;
}

int nfq_module(struct nfq_module *m)
{
	const struct nfo_mod_seen seen = {
		.nft_offload = !access("/sys/module/" NFO_MOD_NAME, F_OK),
		.nft_flow_offload = !access("/sys/module/" NFO_MOD_ALT_NAME,
					    F_OK),
		.nf_flow_table_inet = !access("/sys/module/nf_flow_table_inet",
					      F_OK),
		.own_file = !access(NFO_MOD_OWN_FILE, F_OK),
	};
	const char *name = nfo_mod_ours(&seen);
	char path[64];
	size_t len;
	char *s;

	memset(m, 0, sizeof(*m));
	if (name) {
		m->loaded = true;
		snprintf(m->name, sizeof(m->name), "%s", name);
		snprintf(path, sizeof(path), "/sys/module/%s/version", name);
		if (!nfq_read_file(path, &s)) {
			len = strcspn(s, "\n");
			if (len >= sizeof(m->version))
				len = sizeof(m->version) - 1;
			memcpy(m->version, s, len);
			m->version[len] = '\0';
			free(s);
		}
	}
	/* The modules nft_offload cannot load beside (not their core). */
	m->inkernel_flowtable = nfo_mod_inkernel(&seen);
	return 0;
}

int nfq_sysctls(struct nfq_sysctls *s)
{
	static const char dir[] = "/proc/sys/net/netfilter/";
	static const struct {
		const char	*name;
		size_t		off;
	} knobs[] = {
		{ "nf_flow_offload", offsetof(struct nfq_sysctls, enabled) },
		{ "nf_flow_offload_tcp_timeout",
		  offsetof(struct nfq_sysctls, tcp_timeout) },
		{ "nf_flow_offload_udp_timeout",
		  offsetof(struct nfq_sysctls, udp_timeout) },
		{ "nf_flow_offload_max_flows",
		  offsetof(struct nfq_sysctls, max_flows) },
		{ "nf_flow_offload_hw", offsetof(struct nfq_sysctls, hw) },
		{ "nf_flow_offload_hw_mixed",
		  offsetof(struct nfq_sysctls, hw_mixed) },
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int *v = (int *)((char *)s + knobs[i].off);
		int err;

		snprintf(path, sizeof(path), "%s%s", dir, knobs[i].name);
		err = nfq_read_int(path, v);
		if (err == -ENOENT)
			*v = -1;
		else if (err)
			return err;
	}
	return 0;
}

int nfq_stats(struct nfo_statv *out)
{
	char *s;
	int err;

	err = nfq_read_file("/proc/net/stat/nft_offload", &s);
	if (err)
		return err;
	err = nfo_stats_parse(s, out) ? -EPROTO : 0;
	free(s);
	return err;
}

int nfq_flows(struct nfo_flowv *out)
{
	char *s;
	int err;

	err = nfq_read_file("/proc/net/nft_offload_flows", &s);
	if (err)
		return err;
	err = nfo_flows_parse(s, out) ? -EPROTO : 0;
	free(s);
	return err;
}

int nfq_hw_devices(struct nfo_hwdevv *out)
{
	char *s;
	int err;

	out->v = NULL;
	out->n = 0;
	err = nfq_read_file("/proc/net/nft_offload_hw_devices", &s);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = nfo_hwdevs_parse(s, out);
	free(s);
	return err == -2 ? -ENOMEM : err ? -EPROTO : 0;
}

/* Grows @*v (elements of @size) to hold one more; returns the new slot. */
static void *nfq_grow(void *pv, size_t *n, size_t size)
{
	void **v = pv;
	char *nv;

	/* Doubling at powers of two keeps the number of reallocs small. */
	if ((*n & (*n - 1)) == 0) {
		nv = realloc(*v, (*n ? *n * 2 : 1) * size);
		if (!nv)
			return NULL;
		*v = nv;
	}
	nv = (char *)*v + *n * size;
	memset(nv, 0, size);
	(*n)++;
	return nv;
}

static void nfq_strcpy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/*
 * Sends the request in @nlh on a @bus socket and runs @cb on every reply
 * message until the dump or the acknowledgement ends.
 */
static int nfq_talk(int bus, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[32768];	/* a dump's messages, as libmnl advises */
	struct mnl_socket *nl;
	unsigned int portid, seq;
	int ret, err = 0;

	nl = mnl_socket_open(bus);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = (unsigned int)time(NULL);
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto out;
	}
	for (;;) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			err = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)ret, seq, portid, cb, data);
		if (ret < 0) {
			err = errno ? -errno : -EPROTO;
			break;
		}
		if (ret == MNL_CB_STOP)
			break;
	}
out:
	mnl_socket_close(nl);
	return err;
}

/*
 * nf_tables (and rtnetlink) mark a dump NLM_F_DUMP_INTR when the ruleset
 * (the device list) changed while it ran, and libmnl then fails with EINTR: the dump is started again from an
 * empty @out (freed with @free_fn), a few times, before giving up.
 */
#define NFQ_DUMP_TRIES 4
#define NFQ_DUMP(err, bus, nlh, cb, out, free_fn)			\
	do {								\
		int try_;						\
									\
		for (try_ = 0; try_ < NFQ_DUMP_TRIES; try_++) {		\
			memset((out), 0, sizeof(*(out)));		\
			(err) = nfq_talk((bus), (nlh), (cb), (out));	\
			if ((err) != -EINTR)				\
				break;					\
			free_fn(out);					\
		}							\
	} while (0)

/* A dump request of nf_tables. */
static struct nlmsghdr *nfq_nft_dump(char *buf, int msg)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | msg;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

static int nfq_flowtable_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfq_flowtables *out = data;
	struct nftnl_flowtable *t = nftnl_flowtable_alloc();
	const char *const *devs;
	struct nfq_flowtable *f;
	size_t i, n = 0;

	if (!t)
		return MNL_CB_ERROR;
	if (nftnl_flowtable_nlmsg_parse(nlh, t) < 0)
		goto err;
	f = nfq_grow(&out->v, &out->n, sizeof(*f));
	if (!f)
		goto err;
	f->family = (int)nftnl_flowtable_get_u32(t, NFTNL_FLOWTABLE_FAMILY);
	nfq_strcpy(f->table, sizeof(f->table),
		   nftnl_flowtable_get_str(t, NFTNL_FLOWTABLE_TABLE));
	nfq_strcpy(f->name, sizeof(f->name),
		   nftnl_flowtable_get_str(t, NFTNL_FLOWTABLE_NAME));
	f->hooknum = (int)nftnl_flowtable_get_u32(t, NFTNL_FLOWTABLE_HOOKNUM);
	f->prio = nftnl_flowtable_get_s32(t, NFTNL_FLOWTABLE_PRIO);
	f->flags = nftnl_flowtable_get_u32(t, NFTNL_FLOWTABLE_FLAGS);
	f->use = nftnl_flowtable_get_u32(t, NFTNL_FLOWTABLE_USE);
	devs = nftnl_flowtable_is_set(t, NFTNL_FLOWTABLE_DEVICES) ?
	       nftnl_flowtable_get_array(t, NFTNL_FLOWTABLE_DEVICES) : NULL;
	while (devs && devs[n])
		n++;
	if (n) {
		f->devs = calloc(n, sizeof(*f->devs));
		if (!f->devs)
			goto err;
		for (i = 0; i < n; i++)
			nfq_strcpy(f->devs[i], sizeof(f->devs[i]), devs[i]);
		f->ndevs = n;
	}
	nftnl_flowtable_free(t);
	return MNL_CB_OK;
err:
	nftnl_flowtable_free(t);
	return MNL_CB_ERROR;
}

static int nfq_devcmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int nfq_flowtables(struct nfq_flowtables *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	NFQ_DUMP(err, NETLINK_NETFILTER,
		 nfq_nft_dump(buf, NFT_MSG_GETFLOWTABLE), nfq_flowtable_cb,
		 out, nfq_flowtables_free);
	if (err) {
		nfq_flowtables_free(out);
		return err;
	}
	/* The kernel lists devices newest first: sort for stable output. */
	for (size_t i = 0; i < out->n; i++)
		qsort(out->v[i].devs, out->v[i].ndevs, sizeof(*out->v[i].devs),
		      nfq_devcmp);
	return 0;
}
void nfq_flowtables_free(struct nfq_flowtables *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->v[i].devs);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

static int nfq_chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfq_chains *out = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nfq_chain *ch;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0)
		goto err;
	ch = nfq_grow(&out->v, &out->n, sizeof(*ch));
	if (!ch)
		goto err;
	ch->family = (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	nfq_strcpy(ch->table, sizeof(ch->table),
		   nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	nfq_strcpy(ch->name, sizeof(ch->name),
		   nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	ch->base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
	ch->hooknum = ch->base ?
		      (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) : -1;
	ch->prio = ch->base ? nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO) : 0;
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE))
		nfq_strcpy(ch->type, sizeof(ch->type),
			   nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
	ch->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
		     (int)nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : -1;
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_DEV))
		nfq_strcpy(ch->dev, sizeof(ch->dev),
			   nftnl_chain_get_str(c, NFTNL_CHAIN_DEV));
	nftnl_chain_free(c);
	return MNL_CB_OK;
err:
	nftnl_chain_free(c);
	return MNL_CB_ERROR;
}

int nfq_chains(struct nfq_chains *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	NFQ_DUMP(err, NETLINK_NETFILTER, nfq_nft_dump(buf, NFT_MSG_GETCHAIN),
		 nfq_chain_cb, out, nfq_chains_free);
	if (err)
		nfq_chains_free(out);
	return err;
}

void nfq_chains_free(struct nfq_chains *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

static int nfq_expr_cb(struct nftnl_expr *e, void *data)
{
	struct nfq_rule *r = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	size_t len = strlen(r->exprs);

	if (!name)
		return 0;
	snprintf(r->exprs + len, sizeof(r->exprs) - len, "%s%s",
		 len ? "," : "", name);
	if (!strcmp(name, "flow_offload")) {
		r->flow_offload = true;
		nfq_strcpy(r->flowtable, sizeof(r->flowtable),
			   nftnl_expr_get_str(e, NFTNL_EXPR_FLOW_TABLE_NAME));
	} else if (!strcmp(name, "counter") && !r->has_counter) {
		r->has_counter = true;
		r->packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		r->bytes = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	}
	return 0;
}

static int nfq_rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfq_rules *out = data;
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct nfq_rule *r;

	if (!nr)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, nr) < 0)
		goto err;
	r = nfq_grow(&out->v, &out->n, sizeof(*r));
	if (!r)
		goto err;
	r->family = (int)nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY);
	nfq_strcpy(r->table, sizeof(r->table),
		   nftnl_rule_get_str(nr, NFTNL_RULE_TABLE));
	nfq_strcpy(r->chain, sizeof(r->chain),
		   nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN));
	r->handle = nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE);
	nftnl_expr_foreach(nr, nfq_expr_cb, r);
	nftnl_rule_free(nr);
	return MNL_CB_OK;
err:
	nftnl_rule_free(nr);
	return MNL_CB_ERROR;
}

int nfq_rules(struct nfq_rules *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	NFQ_DUMP(err, NETLINK_NETFILTER, nfq_nft_dump(buf, NFT_MSG_GETRULE),
		 nfq_rule_cb, out, nfq_rules_free);
	if (err)
		nfq_rules_free(out);
	return err;
}

void nfq_rules_free(struct nfq_rules *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

static int nfq_linkinfo_cb(const struct nlattr *a, void *data)
{
	struct nfq_dev *d = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
	    !mnl_attr_validate(a, MNL_TYPE_STRING))
		nfq_strcpy(d->kind, sizeof(d->kind), mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int nfq_link_attr_cb(const struct nlattr *a, void *data)
{
	struct nfq_dev *d = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME:
		if (!mnl_attr_validate(a, MNL_TYPE_STRING))
			nfq_strcpy(d->name, sizeof(d->name),
				   mnl_attr_get_str(a));
		break;
	case IFLA_MTU:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			d->mtu = mnl_attr_get_u32(a);
		break;
	case IFLA_MASTER:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			d->master = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINK:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			d->link = (int)mnl_attr_get_u32(a);
		break;
	case IFLA_LINKINFO:
		mnl_attr_parse_nested(a, nfq_linkinfo_cb, d);
		break;
	}
	return MNL_CB_OK;
}

static int nfq_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfq_devs *out = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct nfq_dev *d;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	d = nfq_grow(&out->v, &out->n, sizeof(*d));
	if (!d)
		return MNL_CB_ERROR;
	d->ifindex = ifi->ifi_index;
	d->type = ifi->ifi_type;
	d->flags = ifi->ifi_flags;
	mnl_attr_parse(nlh, sizeof(*ifi), nfq_link_attr_cb, d);
	/* A device that is its own link (no lower device) says so with 0. */
	if (d->link == d->ifindex)
		d->link = 0;
	return MNL_CB_OK;
}

int nfq_devices(struct nfq_devs *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int err;

	memset(out, 0, sizeof(*out));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	NFQ_DUMP(err, NETLINK_ROUTE, nlh, nfq_link_cb, out, nfq_devices_free);
	if (err)
		nfq_devices_free(out);
	return err;
}

void nfq_devices_free(struct nfq_devs *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

const struct nfq_dev *nfq_dev_by_name(const struct nfq_devs *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

const struct nfq_dev *nfq_dev_by_index(const struct nfq_devs *d, int ifindex)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].ifindex == ifindex)
			return &d->v[i];
	return NULL;
}

static int nfq_metrics_cb(const struct nlattr *a, void *data)
{
	struct nfq_route *r = data;

	if (mnl_attr_get_type(a) == RTAX_MTU &&
	    !mnl_attr_validate(a, MNL_TYPE_U32))
		r->mtu = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

struct nfq_route_ctx {
	struct nfq_route	*r;
	int			family;
	bool			found;
};

static int nfq_route_attr_cb(const struct nlattr *a, void *data)
{
	struct nfq_route_ctx *ctx = data;
	struct nfq_route *r = ctx->r;
	size_t alen = ctx->family == AF_INET ? 4 : 16;

	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		if (!mnl_attr_validate(a, MNL_TYPE_U32))
			r->oif = (int)mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(a) == alen) {
			memcpy(r->gw.b, mnl_attr_get_payload(a), alen);
			r->has_gw = true;
		}
		break;
	case RTA_METRICS:
		mnl_attr_parse_nested(a, nfq_metrics_cb, r);
		break;
	}
	return MNL_CB_OK;
}

static int nfq_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfq_route_ctx *ctx = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	ctx->found = true;
	ctx->r->type = rtm->rtm_type;
	mnl_attr_parse(nlh, sizeof(*rtm), nfq_route_attr_cb, ctx);
	return MNL_CB_STOP;
}

int nfq_route_get(int family, const union nfo_addr *dst,
		  const union nfo_addr *src, int iif, struct nfq_route *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nfq_route_ctx ctx = { .r = out, .family = family };
	size_t alen = family == AF_INET ? 4 : 16;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int err;

	memset(out, 0, sizeof(*out));
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, dst->b);
	if (src) {
		rtm->rtm_src_len = (unsigned char)(alen * 8);
		mnl_attr_put(nlh, RTA_SRC, alen, src->b);
	}
	if (iif)
		mnl_attr_put_u32(nlh, RTA_IIF, (uint32_t)iif);
	err = nfq_talk(NETLINK_ROUTE, nlh, nfq_route_cb, &ctx);
	if (!err && !ctx.found)
		err = -ENETUNREACH;
	return err;
}

static void nfq_ct_addr(const struct nf_conntrack *ct, int family,
			int a4, int a6, union nfo_addr *out)
{
	const void *p = nfct_get_attr(ct, family == AF_INET ? a4 : a6);

	if (p)
		memcpy(out->b, p, family == AF_INET ? 4 : 16);
}

static int nfq_ct_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nfq_cts *out = data;
	struct nf_conntrack *ct = nfct_new();
	struct nfq_ct *c;
	const char *helper;

	if (!ct)
		return MNL_CB_ERROR;
	if (nfct_nlmsg_parse(nlh, ct) < 0) {
		nfct_destroy(ct);
		return MNL_CB_OK;
	}
	c = nfq_grow(&out->v, &out->n, sizeof(*c));
	if (!c) {
		nfct_destroy(ct);
		return MNL_CB_ERROR;
	}
	c->family = nfct_get_attr_u8(ct, ATTR_L3PROTO);
	c->l4proto = nfct_get_attr_u8(ct, ATTR_L4PROTO);
	nfq_ct_addr(ct, c->family, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC,
		    &c->t[0].src);
	nfq_ct_addr(ct, c->family, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST,
		    &c->t[0].dst);
	nfq_ct_addr(ct, c->family, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC,
		    &c->t[1].src);
	nfq_ct_addr(ct, c->family, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST,
		    &c->t[1].dst);
	if (nfct_attr_is_set(ct, ATTR_ORIG_PORT_SRC) > 0) {
		c->t[0].sport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
		c->t[0].dport = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
		c->t[1].sport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
		c->t[1].dport = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST));
	}
	c->id = nfct_get_attr_u32(ct, ATTR_ID);
	c->status = nfct_get_attr_u32(ct, ATTR_STATUS);
	c->mark = nfct_get_attr_u32(ct, ATTR_MARK);
	c->zone = nfct_get_attr_u16(ct, ATTR_ZONE);
	c->timeout = nfct_get_attr_u32(ct, ATTR_TIMEOUT);
	c->tcp_state = nfct_attr_is_set(ct, ATTR_TCP_STATE) > 0 ?
		       nfct_get_attr_u8(ct, ATTR_TCP_STATE) : -1;
	helper = nfct_attr_is_set(ct, ATTR_HELPER_NAME) > 0 ?
		 nfct_get_attr(ct, ATTR_HELPER_NAME) : NULL;
	nfq_strcpy(c->helper, sizeof(c->helper), helper);
	if (nfct_attr_is_set(ct, ATTR_ORIG_COUNTER_PACKETS) > 0) {
		c->has_counters = true;
		c->packets[0] = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_PACKETS);
		c->bytes[0] = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_BYTES);
		c->packets[1] = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_PACKETS);
		c->bytes[1] = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_BYTES);
	}
	nfct_destroy(ct);
	return MNL_CB_OK;
}

int nfq_conntrack(struct nfq_cts *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	int err;

	memset(out, 0, sizeof(*out));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	NFQ_DUMP(err, NETLINK_NETFILTER, nlh, nfq_ct_cb, out,
		 nfq_conntrack_free);
	if (err)
		nfq_conntrack_free(out);
	return err;
}

void nfq_conntrack_free(struct nfq_cts *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}
