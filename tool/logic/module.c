// SPDX-License-Identifier: GPL-2.0
/* Which loaded module is ours (see module.h). */
#include <stddef.h>

#include "module.h"

/*
 * nft_flow_offload is ours when our files exist and no nft_offload made
 * them (two of ours cannot load: they register the same names).
 */
static bool nfo_mod_alt_is_ours(const struct nfo_mod_seen *s)
{
	return s->nft_flow_offload && s->own_file && !s->nft_offload;
}

const char *nfo_mod_ours(const struct nfo_mod_seen *s)
{
	if (s->nft_offload)
		return NFO_MOD_NAME;
	if (nfo_mod_alt_is_ours(s))
		return NFO_MOD_ALT_NAME;
	return NULL;
}

bool nfo_mod_inkernel(const struct nfo_mod_seen *s)
{
	return s->nf_flow_table_inet ||
	       (s->nft_flow_offload && !nfo_mod_alt_is_ours(s));
}
