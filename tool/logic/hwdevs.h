/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/net/nft_offload_hw_devices: a line per device of a `flags
 * offload` flowtable, "family=F table=T flowtable=N dev=D state=S" and,
 * when S is "bound", "callbacks=C" (the driver callbacks its bind added;
 * 0 when its driver shares one it added for another device).  S is
 * "bound" (a driver takes the flowtable's rules) or "software" (no
 * hardware offload support; mixed flowtables, nf_flow_offload_hw_mixed).
 * Names are escaped as in the flow listing; unknown keys are skipped.
 */
#ifndef NFO_TOOL_HWDEVS_H
#define NFO_TOOL_HWDEVS_H

#include <stddef.h>
#include <stdint.h>

#include "flows.h"

struct nfo_hwdev {
	char		family[8];
	char		table[NFO_NAME_MAX];
	char		flowtable[NFO_NAME_MAX];
	char		dev[NFO_IFNAME_MAX];
	char		state[16];
	uint64_t	callbacks;
};

struct nfo_hwdevv {
	struct nfo_hwdev	*v;
	size_t			n;
};

/* Parses the whole file; 0, -1 on a malformed line, -2 out of memory. */
int nfo_hwdevs_parse(const char *text, struct nfo_hwdevv *out);
void nfo_hwdevv_free(struct nfo_hwdevv *v);

#endif /* NFO_TOOL_HWDEVS_H */
