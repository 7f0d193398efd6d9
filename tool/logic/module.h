/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which loaded module is ours.  nft_offload is also built under the name
 * of the in-kernel flowtable's expression module, nft_flow_offload (on
 * OpenWrt, so that LuCI, which checks /sys/module/nft_flow_offload, shows
 * its offloading settings).  A /sys/module/nft_flow_offload directory is
 * then ours when our module's own files exist too: the in-kernel module
 * creates no NFO_MOD_OWN_FILE.  query.c looks at the files; this decides.
 */
#ifndef NFO_TOOL_MODULE_H
#define NFO_TOOL_MODULE_H

#include <stdbool.h>

#define NFO_MOD_NAME		"nft_offload"
#define NFO_MOD_ALT_NAME	"nft_flow_offload"
/* Created in every netns while the module is loaded (src/stats.c). */
#define NFO_MOD_OWN_FILE	"/proc/net/stat/nft_offload"

/* What exists, under /sys/module and /proc/net. */
struct nfo_mod_seen {
	bool	nft_offload;		/* /sys/module/nft_offload */
	bool	nft_flow_offload;	/* /sys/module/nft_flow_offload */
	bool	nf_flow_table_inet;	/* /sys/module/nf_flow_table_inet */
	bool	own_file;		/* NFO_MOD_OWN_FILE */
};

/* The name ours is loaded under (its /sys/module directory), or NULL. */
const char *nfo_mod_ours(const struct nfo_mod_seen *s);

/*
 * The kernel's own flowtable is loaded: its flowtable types
 * (nf_flow_table_inet) or its expression (nft_flow_offload, not ours).
 */
bool nfo_mod_inkernel(const struct nfo_mod_seen *s);

#endif /* NFO_TOOL_MODULE_H */
