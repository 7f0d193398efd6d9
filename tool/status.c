// SPDX-License-Identifier: GPL-2.0
/* nft-offload status: module, sysctls, flowtables and their flows. */
#include "nft-offload.h"
#include "out.h"
#include "query.h"

int cmd_status(const struct nfo_opts *o, int argc, char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	nfo_err("status: not implemented yet");
	return NFO_EXIT_SYSTEM;
}
