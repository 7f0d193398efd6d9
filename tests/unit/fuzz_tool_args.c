// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the argument parsers of `nft-offload flows`
 * (--src/--dst ADDR[/LEN], --port, --proto, --dev, --sort; in
 * tool/logic/flows.c).  Input: the argument's text (cut at its first NUL).
 *
 * Asserted: no access out of bounds (ASan); an accepted address, printed
 * back with its prefix length, parses to the same filter and matches a
 * flow from that address; --port accepts exactly the decimal numbers up
 * to 65535; --proto accepts exactly what names a protocol number.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tool/logic/flows.c"

#include "fuzz.h"

static void fuzz_addr(const char *s, bool dst)
{
	struct nfo_flow_filter f, g;
	struct nfo_flow_rec rec;
	char text[INET6_ADDRSTRLEN + 8];
	const union nfo_addr *a;
	int fam, plen;
	size_t n;

	nfo_filter_init(&f);
	if (nfo_filter_set_addr(&f, dst, s))
		return;
	FUZZ_ASSERT(dst ? f.has_dst && !f.has_src : f.has_src && !f.has_dst);
	fam = dst ? f.dst_family : f.src_family;
	plen = dst ? f.dst_plen : f.src_plen;
	a = dst ? &f.dst : &f.src;
	FUZZ_ASSERT(fam == AF_INET || fam == AF_INET6);
	FUZZ_ASSERT(plen >= 0 && plen <= (fam == AF_INET ? 32 : 128));
	FUZZ_ASSERT(inet_ntop(fam, a, text, INET6_ADDRSTRLEN));
	n = strlen(text);
	snprintf(text + n, sizeof(text) - n, "/%d", plen);
	nfo_filter_init(&g);
	FUZZ_ASSERT(nfo_filter_set_addr(&g, dst, text) == 0);
	FUZZ_ASSERT(!memcmp(&f, &g, sizeof(f)));

	/* A flow whose initiator (or responder) has the address matches. */
	memset(&rec, 0, sizeof(rec));
	rec.family = fam;
	rec.l4proto = 6;
	if (dst)
		rec.dir[0].daddr = *a;
	else
		rec.dir[0].saddr = *a;
	FUZZ_ASSERT(nfo_filter_match(&f, &rec));
	rec.family = fam == AF_INET ? AF_INET6 : AF_INET;
	FUZZ_ASSERT(!nfo_filter_match(&f, &rec));
}

static void fuzz_port(const char *s)
{
	struct nfo_flow_filter f;
	size_t n = strlen(s);
	bool digits = n > 0 && strspn(s, "0123456789") == n;
	bool ok = digits && (n <= 5 || strspn(s, "0") >= n - 5) &&
		  strtoul(s + (n > 5 ? n - 5 : 0), NULL, 10) <= 65535;

	/* Over 20 digits is refused even with leading zeros. */
	if (n > 20)
		ok = false;
	nfo_filter_init(&f);
	FUZZ_ASSERT((nfo_filter_set_port(&f, s) == 0) == ok);
	if (ok)
		FUZZ_ASSERT(f.port == (int)strtoul(s, NULL, 10));
	else
		FUZZ_ASSERT(f.port == -1);
}

static void fuzz_proto(const char *s)
{
	struct nfo_flow_filter f;
	const char *name;
	int n;

	nfo_filter_init(&f);
	if (nfo_filter_set_proto(&f, s)) {
		FUZZ_ASSERT(f.l4proto == -1);
		return;
	}
	n = f.l4proto;
	FUZZ_ASSERT(n >= 0 && n <= 255);
	name = nfo_proto_name(n);
	if (name)
		FUZZ_ASSERT(nfo_proto_number(name) == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nfo_flow_filter f;
	enum nfo_sort how;
	char *s;

	if (size > 512)
		return 0;
	s = fuzz_strndup(data, size);
	fuzz_addr(s, false);
	fuzz_addr(s, true);
	fuzz_port(s);
	fuzz_proto(s);
	nfo_filter_init(&f);
	if (nfo_filter_set_dev(&f, s) == 0)
		FUZZ_ASSERT(!strcmp(f.dev, s) && strlen(s) < NFO_IFNAME_MAX);
	else
		FUZZ_ASSERT(!s[0] || strlen(s) >= NFO_IFNAME_MAX);
	if (nfo_sort_parse(s, &how) == 0)
		FUZZ_ASSERT(how == NFO_SORT_BYTES || how == NFO_SORT_AGE);
	free(s);
	return 0;
}
