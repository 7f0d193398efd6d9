// SPDX-License-Identifier: GPL-2.0
/*
 * nft-offload diagnose: walks the chain from module to flow and names the
 * first broken link.  Placeholder until the command is written.
 */
#include "nft-offload.h"

int cmd_diagnose(const struct nfo_opts *o, int argc, char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	nfo_err("diagnose: not implemented yet");
	return NFO_EXIT_SYSTEM;
}
