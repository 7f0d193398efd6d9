// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/net/nft_offload_flows: the offloaded flows of the reading netns,
 * one line per flow of "key=value" fields (the format is documented in
 * tool/logic/flows.h; names are stable, new fields are only appended).
 * No kernel address is printed: flows are named by their tuples and by
 * conntrack's id (the one `conntrack -L -o id` shows).  Mode and owner
 * are those of /proc/net/nf_conntrack: 0440, the netns's root.
 *
 * Reading: a seq_file iterator that shows one flow per record and keeps,
 * between read() calls, only where it stands (struct nfo_flows_iter): no
 * buffer of the whole listing, and no lock held from one call to the
 * next.  Each call runs under RCU, which keeps the flowtables on
 * nfo_net.flowtables (nfo_ft_free() waits for a grace period after
 * unlisting one) and every flow, its conntrack entry, routes and devices
 * alive (all released after a grace period, flow.c).  Flows added or torn
 * down while the listing is read may or may not appear, and a resize of a
 * table between two calls may show a flow twice or skip one.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_tables.h>

#include "nfo.h"
#include "flow.h"
#include "hw.h"
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
		   nfo_counter_read(&fd->packets), dir,
		   nfo_counter_read(&fd->bytes));
}

/*
 * The flow's hardware state: hw=none (not an offload flowtable), else the
 * state, with the last refusal (hw_err=<kind>:<errno>, hw_tries=, and the
 * seconds to the next try) and what the hardware forwarded.
 */
static void nfo_seq_hw(struct seq_file *seq, const struct nfo_flow *flow,
		       u32 now)
{
	struct nfo_hw_flow *hw = nfo_hw_of(flow);
	int state, err;
	u32 left;

	if (!hw) {
		seq_puts(seq, " hw=none");
		return;
	}
	state = READ_ONCE(hw->state);
	seq_printf(seq, " hw=%s", nfo_hw_state_name(state));
	err = READ_ONCE(hw->err);
	if (err && state != NFO_HW_OFFLOADED && state != NFO_HW_OFF) {
		seq_printf(seq, " hw_err=%s:%d hw_tries=%u",
			   nfo_hw_err_name(READ_ONCE(hw->err_kind)), err,
			   READ_ONCE(hw->tries));
		if (state == NFO_HW_REFUSED || state == NFO_HW_PARTIAL) {
			left = READ_ONCE(hw->retry_at) - now;
			if ((s32)left < 0)
				left = 0;
			seq_printf(seq, " hw_retry_in=%u",
				   jiffies_to_msecs(left) / 1000);
		}
	}
	seq_printf(seq, " hw_packets=%llu hw_bytes=%llu",
		   nfo_counter_read(&hw->packets[0]) +
		   nfo_counter_read(&hw->packets[1]),
		   nfo_counter_read(&hw->bytes[0]) +
		   nfo_counter_read(&hw->bytes[1]));
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
	seq_printf(seq, " age=%u idle=%u timeout=%u",
		   jiffies_to_msecs(now - flow->created) / 1000,
		   jiffies_to_msecs(idle) / 1000,
		   jiffies_to_msecs(left) / 1000);
	nfo_seq_hw(seq, flow, now);
	seq_printf(seq, " flags=%s\n",
		   test_bit(NFO_FLOW_TEARDOWN, &flow->flags) ? "teardown" :
							       "none");
}

/*
 * Where a reading stands between read() calls: the flow to show next, by
 * position only, since the flowtables may change meanwhile.  Flowtables
 * are taken in the order of their ids (nfo_ft.id), each table's buckets
 * in order, the table itself before the tables a resize is moving its
 * entries to (future_tbl), and in a bucket the flows (original-direction
 * entries) in chain order, @skip of them shown already.
 */
struct nfo_flows_iter {
	struct seq_net_private	p;	/* first: seq_file_net() */
	loff_t			pos;	/* records shown before the cursor */
	u64			ft_id;
	unsigned int		tbl;	/* 0: ht->tbl, n: its n-th future table */
	unsigned int		bucket;
	unsigned int		skip;
	u32			now;	/* jiffies when the reading began */
	/* Valid from start() to stop() (RCU): the flow's flowtable. */
	struct nfo_ft		*cur;
};

/* The @n-th table of @ht: the current one, or one a resize moves to. */
static struct bucket_table *nfo_iter_table(struct rhashtable *ht,
					   unsigned int n)
{
	struct bucket_table *tbl = rht_dereference_rcu(ht->tbl, ht);

	while (tbl && n--)
		tbl = rht_dereference_rcu(tbl->future_tbl, ht);
	return tbl;
}

/* The @skip-th flow of bucket @bucket of @tbl, if there is one. */
static struct nfo_flow *nfo_iter_bucket(struct bucket_table *tbl,
					unsigned int bucket, unsigned int skip)
{
	struct rhash_head *he;

	rht_for_each_rcu(he, tbl, bucket) {
		struct nfo_flow_dir *d = container_of(he, struct nfo_flow_dir,
						      node);

		if (d->dir == IP_CT_DIR_ORIGINAL && !skip--)
			return nfo_flow_of(d);
	}
	return NULL;
}

/*
 * The flow at the cursor or, when it is gone, the next one, moving the
 * cursor there; NULL at the end.  Under rcu_read_lock().
 */
static struct nfo_flow *nfo_iter_find(struct nfo_flows_iter *it,
				      struct nfo_net *nn)
{
	struct nfo_ft *f;

	list_for_each_entry_rcu(f, &nn->flowtables, list) {
		struct rhashtable *ht = &f->ft->rhashtable;
		struct bucket_table *tbl;

		if (f->id < it->ft_id)
			continue;
		if (f->id > it->ft_id) {
			it->ft_id = f->id;
			it->tbl = 0;
			it->bucket = 0;
			it->skip = 0;
		}
		it->cur = f;
		while ((tbl = nfo_iter_table(ht, it->tbl))) {
			for (; it->bucket < tbl->size; it->bucket++) {
				struct nfo_flow *flow;

				flow = nfo_iter_bucket(tbl, it->bucket,
						       it->skip);
				if (flow)
					return flow;
				it->skip = 0;
			}
			it->tbl++;
			it->bucket = 0;
		}
		/* Past this flowtable: the next one starts afresh. */
		it->ft_id = f->id + 1;
		it->tbl = 0;
	}
	return NULL;
}

static void *nfo_flows_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct nfo_flows_iter *it = seq->private;
	struct nfo_net *nn = nfo_pernet(seq_file_net(seq));
	struct nfo_flow *flow;

	rcu_read_lock();
	/* From the top, or somewhere the cursor is not (lseek): walk there. */
	if (!*pos || *pos != it->pos) {
		it->pos = 0;
		it->ft_id = 0;
		it->tbl = 0;
		it->bucket = 0;
		it->skip = 0;
		it->now = (u32)jiffies;
	}
	for (;;) {
		flow = nfo_iter_find(it, nn);
		if (!flow || it->pos == *pos)
			return flow;
		it->skip++;
		it->pos++;
	}
}

static void *nfo_flows_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct nfo_flows_iter *it = seq->private;

	it->skip++;
	it->pos++;
	*pos = it->pos;
	return nfo_iter_find(it, nfo_pernet(seq_file_net(seq)));
}

static void nfo_flows_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	struct nfo_flows_iter *it = seq->private;

	it->cur = NULL;
	rcu_read_unlock();
}

static int nfo_flows_show(struct seq_file *seq, void *v)
{
	struct nfo_flows_iter *it = seq->private;

	nfo_seq_flow(seq, seq_file_net(seq),
		     container_of(it->cur->ft, struct nft_flowtable, data), v,
		     it->now);
	return 0;
}

static const struct seq_operations nfo_flows_seq_ops = {
	.start	= nfo_flows_start,
	.next	= nfo_flows_next,
	.stop	= nfo_flows_stop,
	.show	= nfo_flows_show,
};

/* Mode 0440, owned by the netns's root, as /proc/net/nf_conntrack is. */
static void nfo_proc_set_private(struct proc_dir_entry *pde, struct net *net)
{
	kuid_t uid = make_kuid(net->user_ns, 0);
	kgid_t gid = make_kgid(net->user_ns, 0);

	if (uid_valid(uid) && gid_valid(gid))
		proc_set_user(pde, uid, gid);
}

/*
 * A /proc/net file that names nf_tables objects, written by one show():
 * private to the netns's root (nfo_proc_set_private()).
 */
int nfo_proc_create_private(struct net *net, const char *name,
			    int (*show)(struct seq_file *, void *))
{
	struct proc_dir_entry *pde;

	pde = proc_create_net_single(name, 0440, net->proc_net, show, NULL);
	if (!pde)
		return -ENOMEM;
	nfo_proc_set_private(pde, net);
	return 0;
}

int nfo_listing_net_init(struct net *net)
{
	struct proc_dir_entry *pde;

	pde = proc_create_net("nft_offload_flows", 0440, net->proc_net,
			      &nfo_flows_seq_ops, sizeof(struct nfo_flows_iter));
	if (!pde)
		return -ENOMEM;
	nfo_proc_set_private(pde, net);
	return 0;
}

void nfo_listing_net_exit(struct net *net)
{
	remove_proc_entry("nft_offload_flows", net->proc_net);
}
