// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/nft_offload_flows: the offloaded flows of the reading netns,
 * one line per flow of "key=value" fields (the format is documented in
 * tool/logic/flows.h; names are stable, new fields are only appended).
 * No kernel address is printed: flows are named by their tuples and by
 * conntrack's id (the one `conntrack -L -o id` shows).  Mode and owner
 * are those of /proc/net/nf_conntrack: 0440, the netns's root.
 *
 * Locking: the whole listing is produced by one show() call (single_open;
 * seq_file calls it again with a larger buffer when the text does not
 * fit).  It holds nfo_net.lock, which keeps every flowtable on the list
 * alive (nfo_ft_free() takes it before freeing), and walks each
 * flowtable's rhashtable under RCU, which keeps each flow, its conntrack
 * entry, routes and devices alive (all are released after a grace
 * period, flow.c).  The walk may list a flow twice, or miss one, when the
 * table is resized meanwhile (the rhashtable walker's guarantee); flows
 * added or torn down during the walk may or may not appear.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_tables.h>

#include "nfo.h"
#include "flow.h"
#include "stats.h"

/* IP protocols the fast path knows, and whether their tuple has ports. */
static const struct {
	u8		proto;
	bool		ports;
	const char	*name;
} nfo_proto_names[] = {
	{ IPPROTO_TCP, true, "tcp" },
	{ IPPROTO_UDP, true, "udp" },
	{ IPPROTO_GRE, false, "gre" },
};

static const char *nfo_proto_name(u8 proto, bool *ports)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nfo_proto_names); i++) {
		if (nfo_proto_names[i].proto == proto) {
			*ports = nfo_proto_names[i].ports;
			return nfo_proto_names[i].name;
		}
	}
	*ports = false;
	return NULL;
}

/* The table's family as nft names it. */
const char *nfo_nfproto_name(u8 family)
{
	switch (family) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	default:
		return "unknown";
	}
}

/*
 * A name as a value: every byte but printable ASCII, and space, backslash
 * and '=', as \ooo.  nf_tables takes any bytes in table and flowtable
 * names, so a carriage return or a terminal escape must not reach the
 * reader as is.
 */
void nfo_seq_escape_name(struct seq_file *seq, const char *name)
{
	const unsigned char *c;

	for (c = (const unsigned char *)name; *c; c++) {
		if (*c <= ' ' || *c >= 0x7f || *c == '\\' || *c == '=')
			seq_printf(seq, "\\%03o", *c);
		else
			seq_putc(seq, *c);
	}
}

static void nfo_seq_name(struct seq_file *seq, const char *key,
			 const char *name)
{
	seq_printf(seq, " %s=", key);
	nfo_seq_escape_name(seq, name);
}

static void nfo_seq_addr(struct seq_file *seq, const char *dir,
			 const char *key, const __be32 *a, u8 family)
{
	if (family == NFO_FAMILY_IPV4)
		seq_printf(seq, " %s_%s=%pI4", dir, key, a);
	else
		seq_printf(seq, " %s_%s=%pI6c", dir, key, a);
}

static void nfo_seq_dev(struct seq_file *seq, struct net *net,
			const char *dir, const char *key, int ifindex)
{
	const struct net_device *dev = dev_get_by_index_rcu(net, ifindex);

	seq_printf(seq, " %s_%s=", dir, key);
	if (dev)
		nfo_seq_escape_name(seq, dev->name);
	else
		seq_printf(seq, "%d", ifindex);
}

static void nfo_seq_nat(struct seq_file *seq, const char *dir, u8 nat)
{
	static const char * const names[] = {
		"saddr", "daddr", "sport", "dport",
	};
	const char *sep = "=";
	unsigned int i;

	seq_printf(seq, " %s_nat", dir);
	if (!nat)
		seq_puts(seq, "=none");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (nat & BIT(i)) {
			seq_printf(seq, "%s%s", sep, names[i]);
			sep = ",";
		}
	}
}

static void nfo_seq_dir(struct seq_file *seq, struct net *net,
			const struct nfo_flow_dir *fd, bool ports)
{
	const char *dir = fd->dir == IP_CT_DIR_ORIGINAL ? "orig" : "reply";
	const struct nfo_tuple *t = &fd->tuple;
	const struct net_device *out;

	nfo_seq_addr(seq, dir, "src", t->src, t->family);
	nfo_seq_addr(seq, dir, "dst", t->dst, t->family);
	if (ports)
		seq_printf(seq, " %s_sport=%u %s_dport=%u", dir,
			   ntohs(t->sport), dir, ntohs(t->dport));
	nfo_seq_dev(seq, net, dir, "iif", t->iif);
	out = fd->xmit == NFO_XMIT_DIRECT ? nfo_dir_dev(fd) : fd->dst->dev;
	seq_printf(seq, " %s_oif=", dir);
	nfo_seq_escape_name(seq, out->name);
	seq_printf(seq, " %s_xmit=%s", dir, nfo_xmit_name(fd->xmit));
	nfo_seq_nat(seq, dir, fd->nat);
	seq_printf(seq, " %s_packets=%llu %s_bytes=%llu", dir,
		   READ_ONCE(fd->packets), dir, READ_ONCE(fd->bytes));
}

static void nfo_seq_flow(struct seq_file *seq, struct net *net,
			 const struct nft_flowtable *nft,
			 const struct nfo_flow *flow, u32 now)
{
	const struct nfo_tuple *t = &flow->dir[0].tuple;
	const char *proto;
	u32 expires, timeout, left, idle;
	bool ports;

	proto = nfo_proto_name(t->l4proto, &ports);
	seq_printf(seq, "family=%s",
		   t->family == NFO_FAMILY_IPV4 ? "ipv4" : "ipv6");
	if (proto)
		seq_printf(seq, " proto=%s", proto);
	else
		seq_printf(seq, " proto=%u", t->l4proto);
	seq_printf(seq, " table_family=%s", nfo_nfproto_name(nft->table->family));
	nfo_seq_name(seq, "table", nft->table->name);
	nfo_seq_name(seq, "flowtable", nft->name);
	/* ctnetlink sends the id as is in a big-endian attribute. */
	seq_printf(seq, " ct_id=%u",
		   be32_to_cpu((__force __be32)nf_ct_get_id(flow->ct)));
	nfo_seq_dir(seq, net, &flow->dir[0], ports);
	nfo_seq_dir(seq, net, &flow->dir[1], ports);

	/*
	 * The fast path moves expires to now + timeout at most every
	 * NFO_REFRESH_SLACK: idle is that precise.
	 */
	expires = READ_ONCE(flow->expires);
	left = (s32)(expires - now) > 0 ? expires - now : 0;
	timeout = nfo_flow_timeout(nfo_pernet(net), t->l4proto);
	idle = timeout > left ? timeout - left : 0;
	seq_printf(seq, " age=%u idle=%u timeout=%u hw=none flags=%s\n",
		   jiffies_to_msecs(now - flow->created) / 1000,
		   jiffies_to_msecs(idle) / 1000,
		   jiffies_to_msecs(left) / 1000,
		   test_bit(NFO_FLOW_TEARDOWN, &flow->flags) ? "teardown" :
							       "none");
}

struct nfo_seq_walk {
	struct seq_file			*seq;
	struct net			*net;
	const struct nft_flowtable	*nft;
	u32				now;
};

static bool nfo_seq_flow_one(struct nfo_flow *flow, void *arg)
{
	const struct nfo_seq_walk *w = arg;

	nfo_seq_flow(w->seq, w->net, w->nft, flow, w->now);
	return false;
}

static void nfo_seq_flowtable(struct seq_file *seq, struct net *net,
			      struct nf_flowtable *ft)
{
	struct nfo_seq_walk w = {
		.seq	= seq,
		.net	= net,
		.nft	= container_of(ft, struct nft_flowtable, data),
		.now	= (u32)jiffies,
	};

	nfo_flows_walk(ft, nfo_seq_flow_one, &w);
}

static int nfo_flows_show(struct seq_file *seq, void *v)
{
	struct net *net = seq_file_single_net(seq);
	struct nfo_net *nn = nfo_pernet(net);
	struct nfo_ft *f;

	mutex_lock(&nn->lock);
	list_for_each_entry(f, &nn->flowtables, list)
		nfo_seq_flowtable(seq, net, f->ft);
	mutex_unlock(&nn->lock);
	return 0;
}

/*
 * A /proc/net file that names nf_tables objects: mode 0440 and owned by
 * the netns's root, as /proc/net/nf_conntrack is.
 */
int nfo_proc_create_private(struct net *net, const char *name,
			    int (*show)(struct seq_file *, void *))
{
	struct proc_dir_entry *pde;
	kuid_t uid;
	kgid_t gid;

	pde = proc_create_net_single(name, 0440, net->proc_net, show, NULL);
	if (!pde)
		return -ENOMEM;
	uid = make_kuid(net->user_ns, 0);
	gid = make_kgid(net->user_ns, 0);
	if (uid_valid(uid) && gid_valid(gid))
		proc_set_user(pde, uid, gid);
	return 0;
}

int nfo_listing_net_init(struct net *net)
{
	return nfo_proc_create_private(net, "nft_offload_flows",
				       nfo_flows_show);
}

void nfo_listing_net_exit(struct net *net)
{
	remove_proc_entry("nft_offload_flows", net->proc_net);
}
