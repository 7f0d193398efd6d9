// SPDX-License-Identifier: GPL-2.0
/* nft-offload flows: the offloaded flows, filtered and sorted. */
#include "nft-offload.h"
#include "out.h"
#include "query.h"

int cmd_flows(const struct nfo_opts *o, int argc, char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	nfo_err("flows: not implemented yet");
	return NFO_EXIT_SYSTEM;
}
