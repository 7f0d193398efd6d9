// SPDX-License-Identifier: GPL-2.0
/* nft-offload stats: the module's counters, or their rates (-w). */
#include "nft-offload.h"
#include "out.h"
#include "query.h"

int cmd_stats(const struct nfo_opts *o, int argc, char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	nfo_err("stats: not implemented yet");
	return NFO_EXIT_SYSTEM;
}
