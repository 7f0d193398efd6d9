// SPDX-License-Identifier: GPL-2.0
/*
 * Device events.  A flow caches its devices (input ifindex, output route,
 * next hop), so when one of them goes down, changes its address or goes
 * away, the flows through it are handed back to the normal path, and the
 * references they hold are dropped before the device is unregistered.
 * Bridge forwarding database changes make bridge paths be checked again.
 * Ports joining or leaving a device, and devices going, bring the port
 * hooks (ports.h) up to date.
 */
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <net/switchdev.h>

#include "nfo.h"
#include "flow.h"
#include "ports.h"

atomic_t nfo_fdb_gen = ATOMIC_INIT(0);

/*
 * Bridges tell switchdev about every forwarding database change (atomic
 * context, often softirq): a new generation makes the datapath check the
 * bridge paths it uses before the next packet goes out on them.
 */
static int nfo_switchdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	switch (event) {
	case SWITCHDEV_FDB_ADD_TO_DEVICE:
	case SWITCHDEV_FDB_DEL_TO_DEVICE:
		atomic_inc(&nfo_fdb_gen);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nfo_switchdev_nb = {
	.notifier_call	= nfo_switchdev_event,
};

/* Without switchdev there are no such events: the GC ticks instead. */
void nfo_fdb_gen_tick(void)
{
	if (!IS_ENABLED(CONFIG_NET_SWITCHDEV))
		atomic_inc(&nfo_fdb_gen);
}

static int nfo_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_DOWN:
	case NETDEV_CHANGEADDR:
	case NETDEV_CHANGEMTU:
		nfo_flowtables_teardown(nfo_pernet(dev_net(dev)), dev);
		break;
	case NETDEV_UNREGISTER:
		/* Its port hooks go before it does. */
		nfo_ports_sync(nfo_pernet(dev_net(dev)));
		nfo_flowtables_teardown(nfo_pernet(dev_net(dev)), dev);
		break;
	case NETDEV_CHANGEUPPER:
		nfo_ports_sync(nfo_pernet(dev_net(dev)));
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block nfo_netdev_nb = {
	.notifier_call	= nfo_netdev_event,
};

int nfo_notify_init(void)
{
	int err;

	err = register_switchdev_notifier(&nfo_switchdev_nb);
	if (err)
		return err;
	err = nfo_ports_init();
	if (err)
		goto err_switchdev;
	err = register_netdevice_notifier(&nfo_netdev_nb);
	if (err)
		goto err_ports;
	return 0;

err_ports:
	nfo_ports_exit();
err_switchdev:
	unregister_switchdev_notifier(&nfo_switchdev_nb);
	return err;
}

void nfo_notify_exit(void)
{
	unregister_netdevice_notifier(&nfo_netdev_nb);
	nfo_ports_exit();
	unregister_switchdev_notifier(&nfo_switchdev_nb);
}
