// SPDX-License-Identifier: GPL-2.0
/*
 * Which module is ours (tool/logic/module.c): nft_offload under its own
 * name or as nft_flow_offload (OpenWrt), told from the in-kernel
 * nft_flow_offload by our /proc/net files.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "logic/module.h"

static const char *name(const char *s)
{
	return s ? s : "(none)";
}

int main(void)
{
	static const struct {
		struct nfo_mod_seen	s;
		const char		*ours;
		bool			inkernel;
	} cases[] = {
		/* nft_offload, nft_flow_offload, nf_flow_table_inet, file */
		{ { false, false, false, false }, NULL, false },
		{ { true, false, false, true }, "nft_offload", false },
		/* Loading or going: its directory is what counts. */
		{ { true, false, false, false }, "nft_offload", false },
		/* The OpenWrt build, named nft_flow_offload. */
		{ { false, true, false, true }, "nft_flow_offload", false },
		/* The in-kernel expression module: no file of ours. */
		{ { false, true, false, false }, NULL, true },
		{ { false, true, true, false }, NULL, true },
		{ { false, false, true, false }, NULL, true },
		/* Ours, and the kernel's expression module beside it. */
		{ { true, true, false, true }, "nft_offload", true },
		{ { true, false, true, true }, "nft_offload", true },
		/* Ours as nft_flow_offload beside the kernel's inet types. */
		{ { false, true, true, true }, "nft_flow_offload", true },
		/* Our file but no directory of ours: not loaded as we know it. */
		{ { false, false, false, true }, NULL, false },
		{ { false, false, true, true }, NULL, true },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct nfo_mod_seen *s = &cases[i].s;

		CHECK_CTX("case %zu: %d %d %d %d", i, s->nft_offload,
			  s->nft_flow_offload, s->nf_flow_table_inet,
			  s->own_file);
		CHECK_STREQ(name(nfo_mod_ours(s)), name(cases[i].ours));
		CHECK_EQ(nfo_mod_inkernel(s), cases[i].inkernel);
	}
	return check_finish("test_tool_module.c");
}
