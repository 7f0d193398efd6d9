// SPDX-License-Identifier: GPL-2.0
/*
 * Never run beside the kernel's own flowtable.
 *
 * The kernel's nf_flow_table modules register the same flowtable types and
 * the same "flow_offload" expression as this module.  nf_tables serves a
 * ruleset from whichever registration it finds first, so with both present
 * the module that handles a flowtable would depend on load order.  Instead:
 *
 *  - at load time, refuse when the in-kernel core is there (loaded as a
 *    module or built in), detected by a symbol only it exports;
 *  - while loaded, veto the in-kernel modules from loading.
 */
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/string.h>

#include "nfo.h"

/* Modules of the in-kernel flowtable, across the kernels we know of. */
static const char * const nfo_rivals[] = {
	"nf_flow_table",
	"nf_flow_table_inet",
	"nf_flow_table_ipv4",
	"nf_flow_table_ipv6",
	"nft_flow_offload",
};

/* Exported by nf_flow_table and by nothing else. */
#define NFO_RIVAL_SYMBOL "nf_flow_table_init"

static bool nfo_is_rival(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nfo_rivals); i++)
		if (!strcmp(name, nfo_rivals[i]))
			return true;
	return false;
}

static int nfo_guard_module_event(struct notifier_block *nb,
				  unsigned long state, void *data)
{
	struct module *mod = data;

	if (state != MODULE_STATE_COMING || !nfo_is_rival(mod->name))
		return NOTIFY_DONE;

	pr_err("refusing to let the in-kernel flowtable module %s load while nft_offload is loaded; rmmod nft_offload first\n",
	       mod->name);
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block nfo_guard_nb = {
	.notifier_call	= nfo_guard_module_event,
};

int nfo_guard_init(void)
{
	void *sym;
	int err;

	/* Watch first, then look: a rival loading in between is caught. */
	err = register_module_notifier(&nfo_guard_nb);
	if (err)
		return err;

	sym = __symbol_get(NFO_RIVAL_SYMBOL);
	if (sym) {
		__symbol_put(NFO_RIVAL_SYMBOL);
		pr_err("the in-kernel flowtable (nf_flow_table) is present; refusing to load. Unload nft_flow_offload, nf_flow_table_inet and nf_flow_table (or blacklist them) and load nft_offload again\n");
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
