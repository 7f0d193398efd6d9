// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of any fast path at the netdev ingress hook, for the benchmark
 * only (scripts/bench.sh, mode hookfloor): every IPv4 packet that arrives
 * on one device leaves by another with a precomputed Ethernet header and
 * its TTL decremented.  No lookup, no checks, no NAT, no counters: what a
 * forwarding decision costs at this hook when it costs nothing.
 *
 * Loaded in the router's network namespace, whose devices it names:
 *   ip netns exec r insmod nfo_floor.ko in=r-cl out=r-srv dst=MAC
 * Never a part of the tests, never installed.
 */
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/sched.h>
#include <net/ip.h>
#include <net/net_namespace.h>

static char *in;
module_param(in, charp, 0444);
MODULE_PARM_DESC(in, "device whose IPv4 packets are forwarded");
static char *out;
module_param(out, charp, 0444);
MODULE_PARM_DESC(out, "device they leave by");
static char *dst;
module_param(dst, charp, 0444);
MODULE_PARM_DESC(dst, "Ethernet address they are sent to");

/* Set up by init, read-only while the hook is registered. */
static struct {
	struct net		*net;
	struct net_device	*in;
	struct net_device	*out;
	struct ethhdr		eth;
} floor;

static unsigned int nfo_floor_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	if (skb->protocol != htons(ETH_P_IP) ||
	    skb_ensure_writable(skb, sizeof(struct iphdr)))
		return NF_ACCEPT;
	ip_decrease_ttl(ip_hdr(skb));
	memcpy(skb_push(skb, ETH_HLEN), &floor.eth, ETH_HLEN);
	skb_reset_mac_header(skb);
	skb->dev = floor.out;
	dev_queue_xmit(skb);
	return NF_STOLEN;
}

static struct nf_hook_ops nfo_floor_ops = {
	.hook		= nfo_floor_hook,
	.pf		= NFPROTO_NETDEV,
	.hooknum	= NF_NETDEV_INGRESS,
	.priority	= INT_MIN,
};

static int __init nfo_floor_init(void)
{
	int err = -EINVAL;

	if (!in || !out || !dst || !mac_pton(dst, floor.eth.h_dest))
		return -EINVAL;
	floor.net = get_net(current->nsproxy->net_ns);
	floor.in = dev_get_by_name(floor.net, in);
	floor.out = dev_get_by_name(floor.net, out);
	if (!floor.in || !floor.out) {
		err = -ENODEV;
		goto fail;
	}
	ether_addr_copy(floor.eth.h_source, floor.out->dev_addr);
	floor.eth.h_proto = htons(ETH_P_IP);
	nfo_floor_ops.dev = floor.in;
	err = nf_register_net_hook(floor.net, &nfo_floor_ops);
	if (!err)
		return 0;
fail:
	dev_put(floor.out);
	dev_put(floor.in);
	put_net(floor.net);
	return err;
}

static void __exit nfo_floor_exit(void)
{
	nf_unregister_net_hook(floor.net, &nfo_floor_ops);
	dev_put(floor.out);
	dev_put(floor.in);
	put_net(floor.net);
}

module_init(nfo_floor_init);
module_exit(nfo_floor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nft-offload benchmark: the floor of a fast path at the ingress hook");
