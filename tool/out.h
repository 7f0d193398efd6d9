/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output: JSON through one writer (logic/json.h) on stdout, text helpers
 * for the human form.
 */
#ifndef NFO_TOOL_OUT_H
#define NFO_TOOL_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "logic/json.h"

/* A writer on stdout. */
void out_json(struct jw *w);

/* Family names as nft spells them: ip, ip6, inet, netdev, ... */
const char *out_nfproto_name(int nfproto);

/* "1.2 MB"-style human sizes for text output (@buf of 16 bytes). */
const char *out_bytes(uint64_t v, char *buf, size_t len);

#endif /* NFO_TOOL_OUT_H */
