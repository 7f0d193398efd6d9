// SPDX-License-Identifier: GPL-2.0
/*
 * Never run beside the in-kernel flowtable modules whose registrations
 * collide with ours, nor beside this module built under its other name.
 *
 * nf_flow_table_inet (on older kernels also _ipv4 and _ipv6) registers the
 * same flowtable types as this module, nft_flow_offload the same
 * "flow_offload" expression.  nf_tables serves a ruleset from whichever
 * registration it finds first, so with both present the module that
 * handles a flowtable would depend on load order.  Instead:
 *
 *  - at load time, refuse while one of them is loaded, or when the
 *    in-kernel flowtable is built in (what else is built in beside its
 *    core we cannot tell);
 *  - while loaded, veto them from loading.
 *
 * Their core, nf_flow_table, registers nothing of the kind: it, and what
 * needs it without them (tc's act_ct), may load beside us.
 *
 * This module is nft_offload, or nft_flow_offload when built for OpenWrt
 * (kbuild's NFO_MODNAME; LuCI looks for that name).  Whichever name is ours
 * names no rival; the other one does (two builds of this module would
 * register everything twice, down to the /proc files).
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/string.h>

#include "nfo.h"

/*
 * The modules registering what we register, across the kernels we know,
 * and this module's default name, a rival of its renamed build.
 */
#define NFO_DEFAULT_NAME "nft_offload"

static const char * const nfo_rivals[] = {
	"nf_flow_table_inet",
	"nf_flow_table_ipv4",
	"nf_flow_table_ipv6",
	"nft_flow_offload",
	NFO_DEFAULT_NAME,
};

/* Exported by nf_flow_table and by nothing else. */
#define NFO_CORE_SYMBOL "nf_flow_table_init"

static bool nfo_is_rival(const char *name)
{
	unsigned int i;

	if (!strcmp(name, KBUILD_MODNAME))
		return false;	/* ourselves */
	for (i = 0; i < ARRAY_SIZE(nfo_rivals); i++)
		if (!strcmp(name, nfo_rivals[i]))
			return true;
	return false;
}

/*
 * A module of that name is loaded: every loaded module has its kobject in
 * the set ours is in (/sys/module), from before its init runs.  Built-in
 * code has one only when it has parameters.
 */
static bool nfo_module_present(const char *name)
{
	struct kobject *kobj;

	kobj = kset_find_obj(THIS_MODULE->mkobj.kobj.kset, name);
	if (!kobj)
		return false;
	kobject_put(kobj);
	return true;
}

/*
 * A rival loaded or built in: its name, else NULL.  The names first: this
 * module's other build needs no flowtable core.
 */
static const char *nfo_rival_present(void)
{
	unsigned int i;
	void *sym;

	for (i = 0; i < ARRAY_SIZE(nfo_rivals); i++)
		if (nfo_is_rival(nfo_rivals[i]) &&
		    nfo_module_present(nfo_rivals[i]))
			return nfo_rivals[i];

	sym = __symbol_get(NFO_CORE_SYMBOL);
	if (!sym)
		return NULL;	/* no core: nothing in-kernel registers */
	__symbol_put(NFO_CORE_SYMBOL);
	/* The core's symbols, but no module of it: built in. */
	if (!nfo_module_present("nf_flow_table"))
		return "nf_flow_table (built in)";
	return NULL;
}

static int nfo_guard_module_event(struct notifier_block *nb,
				  unsigned long state, void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_COMING || !nfo_is_rival(mod->name))
		return NOTIFY_DONE;

	if (!strcmp(mod->name, NFO_DEFAULT_NAME))
		pr_err("refusing to let this module's other build, %s, load while %s is loaded; rmmod %s first\n",
		       mod->name, KBUILD_MODNAME, KBUILD_MODNAME);
	else
		pr_err("refusing to let the in-kernel flowtable module %s load while %s is loaded; rmmod %s first\n",
		       mod->name, KBUILD_MODNAME, KBUILD_MODNAME);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block nfo_guard_nb = {
	.notifier_call	= nfo_guard_module_event,
};

int nfo_guard_init(void)
{
	const char *rival;
	int err;

	/*
	 * Watch first, then look: a rival that comes in between is vetoed.
	 * (One that passed its veto point just before, and has no kobject
	 * yet, is missed: that takes two module loads racing.)
	 */
	err = register_module_notifier(&nfo_guard_nb);
	if (err)
		return err;

	rival = nfo_rival_present();
	if (rival) {
		if (!strcmp(rival, NFO_DEFAULT_NAME))
			pr_err("this module's other build, %s, is loaded and registers what %s does; refusing to load. rmmod %s and load %s again\n",
			       rival, KBUILD_MODNAME, rival, KBUILD_MODNAME);
		else
			pr_err("the in-kernel flowtable's %s registers what %s does; refusing to load. Unload it and load %s again; the alias file nft-offload.conf in /lib/modprobe.d makes nft load %s only\n",
			       rival, KBUILD_MODNAME, KBUILD_MODNAME, KBUILD_MODNAME);
		unregister_module_notifier(&nfo_guard_nb);
		/* Not -EEXIST: modprobe would take that for "already loaded". */
		return -EBUSY;
	}
	return 0;
}

void nfo_guard_exit(void)
{
	unregister_module_notifier(&nfo_guard_nb);
}
