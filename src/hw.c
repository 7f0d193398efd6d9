// SPDX-License-Identifier: GPL-2.0
/*
 * Hardware offload: binding a flowtable to drivers through the kernel's
 * flow block API, the contract that ndo_setup_tc(TC_SETUP_FT) drivers
 * implement.  On FLOW_BLOCK_BIND a driver appends its callbacks to the list
 * in the flow_block_offload we hand it; we then move them onto the
 * flowtable's flow_block, where the rule push/remove/stats requests will
 * find them.  UNBIND hands back the callbacks to free.
 *
 * Locking: ft->flow_block_lock (an rw_semaphore inside struct nf_flowtable)
 * guards ft->flow_block.cb_list.  nf_tables calls ->setup with its commit
 * mutex held, or from netdevice events under RTNL; both may sleep.
 *
 * A refused bind fails the flowtable (or the device's addition to it):
 * it is counted (hw_bind_refused) and the device and flowtable are
 * remembered per netns for /proc/net/nft_offload_hw_refused, where
 * `nft-offload diagnose` finds them.  With nf_flow_offload_hw_mixed set, a
 * device with no offload support at all (-EOPNOTSUPP) is counted the same
 * but joins the flowtable anyway, in software only, as on OpenWrt's
 * kernels; it is remembered (nfo_net.hw_devs, with the devices bound) so
 * that its unbind, which no driver expects, is not sent.
 */
#include <linux/netdevice.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/flow_offload.h>
#include <net/pkt_cls.h>
#include <net/netfilter/nf_tables.h>

#include "nfo.h"
#include "hw.h"
#include "stats.h"

static void nfo_hw_bo_init(struct flow_block_offload *bo,
			   struct nf_flowtable *ft, struct net_device *dev,
			   enum flow_block_command cmd,
			   struct netlink_ext_ack *extack)
{
	memset(bo, 0, sizeof(*bo));
	bo->net = dev_net(dev);
	bo->block = &ft->flow_block;
	bo->command = cmd;
	bo->binder_type = FLOW_BLOCK_BINDER_TYPE_CLSACT_INGRESS;
	bo->extack = extack;
	bo->cb_list_head = &ft->flow_block.cb_list;
	INIT_LIST_HEAD(&bo->cb_list);
}

/*
 * An indirect driver (one that offloads on behalf of devices it does not
 * own, e.g. tunnels) is going away and returns a callback it bound earlier.
 */
static void nfo_hw_indr_cleanup(struct flow_block_cb *block_cb)
{
	struct nf_flowtable *ft = block_cb->indr.data;

	down_write(&ft->flow_block_lock);
	list_del(&block_cb->list);
	list_del(&block_cb->driver_list);
	flow_block_cb_free(block_cb);
	up_write(&ft->flow_block_lock);
}

static int nfo_hw_bind_cmd(struct flow_block_offload *bo,
			   struct nf_flowtable *ft, struct net_device *dev,
			   enum flow_block_command cmd,
			   struct netlink_ext_ack *extack)
{
	int err;

	nfo_hw_bo_init(bo, ft, dev, cmd, extack);

	if (dev->netdev_ops->ndo_setup_tc) {
		down_write(&ft->flow_block_lock);
		err = dev->netdev_ops->ndo_setup_tc(dev, TC_SETUP_FT, bo);
		up_write(&ft->flow_block_lock);
		return err < 0 ? err : 0;
	}

	err = flow_indr_dev_setup_offload(dev, NULL, TC_SETUP_FT, ft, bo,
					  nfo_hw_indr_cleanup);
	if (err < 0 && cmd == FLOW_BLOCK_BIND) {
		struct flow_block_offload undo;

		/*
		 * The indirect layer remembers every BIND it saw, even one no
		 * driver accepted, so that drivers registering later can be
		 * replayed.  Nobody will UNBIND a device whose BIND failed:
		 * drop that record now rather than leak it.
		 */
		nfo_hw_bo_init(&undo, ft, dev, FLOW_BLOCK_UNBIND, extack);
		flow_indr_dev_setup_offload(dev, NULL, TC_SETUP_FT, ft, &undo,
					    nfo_hw_indr_cleanup);
	}
	return err < 0 ? err : 0;
}

static void nfo_hw_record_refusal(struct nf_flowtable *ft,
				  struct net_device *dev, int err)
{
	struct nft_flowtable *nft = container_of(ft, struct nft_flowtable,
						 data);
	struct nfo_net *nn = nfo_pernet(dev_net(dev));
	struct nfo_hw_refusal *rec = &nn->hw_refused;

	this_cpu_inc(nn->stats->hw_bind_refused);
	spin_lock(&nn->hw_refused_lock);
	rec->set = true;
	rec->family = ft->type->family;
	rec->err = err;
	strscpy(rec->dev, dev->name, sizeof(rec->dev));
	strscpy(rec->table, nft->table->name, sizeof(rec->table));
	strscpy(rec->flowtable, nft->name, sizeof(rec->flowtable));
	spin_unlock(&nn->hw_refused_lock);
}

/*
 * One line, "family=F table=T flowtable=N dev=D error=E", or nothing while
 * no bind was refused in this netns.  Names are escaped as in the flow
 * listing (nfo_seq_escape_name()).
 */
int nfo_hw_refused_show(struct seq_file *seq, void *v)
{
	struct nfo_net *nn = nfo_pernet(seq_file_single_net(seq));
	struct nfo_hw_refusal *rec;

	rec = kmalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec)
		return -ENOMEM;
	spin_lock(&nn->hw_refused_lock);
	*rec = nn->hw_refused;
	spin_unlock(&nn->hw_refused_lock);

	if (rec->set) {
		seq_printf(seq, "family=%s table=", nfo_nfproto_name(rec->family));
		nfo_seq_escape_name(seq, rec->table);
		seq_puts(seq, " flowtable=");
		nfo_seq_escape_name(seq, rec->flowtable);
		seq_puts(seq, " dev=");
		nfo_seq_escape_name(seq, rec->dev);
		seq_printf(seq, " error=%d\n", rec->err);
	}
	kfree(rec);
	return 0;
}

/*
 * A device of an offload flowtable, as its bind left it: with the driver
 * callbacks it added to the flowtable (@bound), or in software only
 * (@soft, mixed flowtables), for /proc/net/nft_offload_hw_devices.
 */
struct nfo_hw_dev {
	struct list_head	list;		/* nfo_net.hw_devs */
	const struct nf_flowtable *ft;
	int			ifindex;
	bool			soft;
	u8			family;
	unsigned int		callbacks;	/* added to the flowtable */
	char			dev[IFNAMSIZ];
	char			table[NFT_NAME_MAXLEN];
	char			flowtable[NFT_NAME_MAXLEN];
};

static struct nfo_hw_dev *nfo_hw_dev_find(struct nfo_net *nn,
					  const struct nf_flowtable *ft,
					  const struct net_device *dev)
{
	struct nfo_hw_dev *d;

	lockdep_assert_held(&nn->lock);
	list_for_each_entry(d, &nn->hw_devs, list)
		if (d->ft == ft && d->ifindex == dev->ifindex)
			return d;
	return NULL;
}

/* Record @dev's bind to @ft.  Process context. */
static void nfo_hw_dev_add(struct nfo_net *nn, struct nf_flowtable *ft,
			   const struct net_device *dev, bool soft,
			   unsigned int callbacks)
{
	struct nft_flowtable *nft = container_of(ft, struct nft_flowtable,
						 data);
	struct nfo_hw_dev *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return;		/* only the listing misses it */
	d->ft = ft;
	d->ifindex = dev->ifindex;
	d->soft = soft;
	d->family = ft->type->family;
	d->callbacks = callbacks;
	strscpy(d->dev, dev->name, sizeof(d->dev));
	strscpy(d->table, nft->table->name, sizeof(d->table));
	strscpy(d->flowtable, nft->name, sizeof(d->flowtable));
	mutex_lock(&nn->lock);
	list_add_tail(&d->list, &nn->hw_devs);
	mutex_unlock(&nn->lock);
}

/*
 * Forget @dev's bind to @ft; returns whether it ran in software only (and
 * so has no driver to unbind).  Process context.
 */
static bool nfo_hw_dev_del(struct nfo_net *nn, const struct nf_flowtable *ft,
			   const struct net_device *dev)
{
	struct nfo_hw_dev *d;
	bool soft = false;

	mutex_lock(&nn->lock);
	d = nfo_hw_dev_find(nn, ft, dev);
	if (d) {
		soft = d->soft;
		list_del(&d->list);
		kfree(d);
	}
	mutex_unlock(&nn->lock);
	return soft;
}

/* The netns is gone: forget what its unbinds did not. */
void nfo_hw_devs_flush(struct nfo_net *nn)
{
	struct nfo_hw_dev *d, *next;

	list_for_each_entry_safe(d, next, &nn->hw_devs, list) {
		list_del(&d->list);
		kfree(d);
	}
}

/*
 * A line per device of an offload flowtable: "family=F table=T
 * flowtable=N dev=D state=bound callbacks=C" (C: the driver callbacks its
 * bind added; 0 when the driver shares one it added for another device)
 * or "... state=software" (mixed flowtables).  Names escaped as in the
 * flow listing.
 */
int nfo_hw_devs_show(struct seq_file *seq, void *v)
{
	struct nfo_net *nn = nfo_pernet(seq_file_single_net(seq));
	struct nfo_hw_dev *d;

	mutex_lock(&nn->lock);
	list_for_each_entry(d, &nn->hw_devs, list) {
		seq_printf(seq, "family=%s table=", nfo_nfproto_name(d->family));
		nfo_seq_escape_name(seq, d->table);
		seq_puts(seq, " flowtable=");
		nfo_seq_escape_name(seq, d->flowtable);
		seq_puts(seq, " dev=");
		nfo_seq_escape_name(seq, d->dev);
		if (d->soft)
			seq_puts(seq, " state=software\n");
		else
			seq_printf(seq, " state=bound callbacks=%u\n",
				   d->callbacks);
	}
	mutex_unlock(&nn->lock);
	return 0;
}

int nfo_hw_setup(struct nf_flowtable *ft, struct net_device *dev,
		 enum flow_block_command cmd)
{
	struct nfo_net *nn = nfo_pernet(dev_net(dev));
	struct flow_block_cb *block_cb, *next;
	struct netlink_ext_ack extack = {};
	struct flow_block_offload bo;
	unsigned int callbacks = 0;
	int err;

	if (!nf_flowtable_hw_offload(ft))
		return 0;
	if (cmd == FLOW_BLOCK_UNBIND && nfo_hw_dev_del(nn, ft, dev))
		return 0;

	err = nfo_hw_bind_cmd(&bo, ft, dev, cmd, &extack);
	if (err < 0) {
		if (cmd == FLOW_BLOCK_BIND)
			nfo_hw_record_refusal(ft, dev, err);
		if (extack._msg)
			pr_info("%s: hardware offload %s failed: %s\n",
				dev->name,
				cmd == FLOW_BLOCK_BIND ? "bind" : "unbind",
				extack._msg);
		if (cmd == FLOW_BLOCK_BIND && err == -EOPNOTSUPP &&
		    READ_ONCE(nn->hw_mixed)) {
			nfo_hw_dev_add(nn, ft, dev, true, 0);
			return 0;
		}
		return err;
	}

	down_write(&ft->flow_block_lock);
	switch (cmd) {
	case FLOW_BLOCK_BIND:
		list_for_each_entry(block_cb, &bo.cb_list, list)
			callbacks++;
		list_splice(&bo.cb_list, &ft->flow_block.cb_list);
		break;
	case FLOW_BLOCK_UNBIND:
		list_for_each_entry_safe(block_cb, next, &bo.cb_list, list) {
			list_del(&block_cb->list);
			flow_block_cb_free(block_cb);
		}
		break;
	default:
		err = -EOPNOTSUPP;
		break;
	}
	up_write(&ft->flow_block_lock);

	if (cmd == FLOW_BLOCK_BIND && !err)
		nfo_hw_dev_add(nn, ft, dev, false, callbacks);
	return err;
}
