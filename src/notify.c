// SPDX-License-Identifier: GPL-2.0
/*
 * Device events.  A flow caches its devices (input ifindex, output route,
 * next hop), so when one of them goes down, changes its address or goes
 * away, the flows through it are handed back to the normal path, and the
 * references they hold are dropped before the device is unregistered.
 */
#include <linux/netdevice.h>
#include <linux/notifier.h>

#include "nfo.h"

static int nfo_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_DOWN:
	case NETDEV_CHANGEADDR:
	case NETDEV_CHANGEMTU:
	case NETDEV_UNREGISTER:
		nfo_flowtables_teardown(nfo_pernet(dev_net(dev)), dev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nfo_netdev_nb = {
	.notifier_call	= nfo_netdev_event,
};

int nfo_notify_init(void)
{
	return register_netdevice_notifier(&nfo_netdev_nb);
}

void nfo_notify_exit(void)
{
	unregister_netdevice_notifier(&nfo_netdev_nb);
}
