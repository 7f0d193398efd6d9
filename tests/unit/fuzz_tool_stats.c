// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the tool's parsers of /proc/net/stat/nft_offload
 * (tool/logic/stats.c) and /proc/net/nft_offload_hw_refused
 * (tool/logic/diag.c).  Input: byte 0 bit 0 picks the parser, the rest
 * is the file's text (cut at its first NUL).
 *
 * Asserted: no access out of bounds (ASan); parsed names are terminated
 * and hold no space or newline; a parsed file written back in the
 * kernel's format parses to the same values; rates are finite and never
 * negative; a refusal record's names, written back \ooo-escaped, parse
 * to the same names.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tool/logic/stats.c"
#include "../../tool/logic/flows.c"
#include "../../tool/logic/diag.c"

#include "fuzz.h"

static void fuzz_stats(const char *s)
{
	struct nfo_statv v, again;
	char *out = NULL;
	size_t olen = 0, i;
	FILE *f;

	if (nfo_stats_parse(s, &v)) {
		FUZZ_ASSERT(v.v == NULL && v.n == 0);
		return;
	}
	f = open_memstream(&out, &olen);
	FUZZ_ASSERT(f);
	for (i = 0; i < v.n; i++) {
		const char *name = v.v[i].name;
		double r;
		uint64_t x;

		FUZZ_ASSERT(memchr(name, '\0', sizeof(v.v[i].name)));
		FUZZ_ASSERT(name[0] && !strpbrk(name, " \n"));
		fprintf(f, "%s %llu\n", name,
			(unsigned long long)v.v[i].value);
		FUZZ_ASSERT(nfo_stat_get(&v, name, &x));
		FUZZ_ASSERT(nfo_stat_rate(&v, &v, name, 1.5, &r));
		FUZZ_ASSERT(isfinite(r) && r >= 0);
	}
	fclose(f);
	FUZZ_ASSERT(nfo_stats_parse(out, &again) == 0);
	FUZZ_ASSERT(again.n == v.n);
	for (i = 0; i < v.n; i++) {
		FUZZ_ASSERT(!strcmp(again.v[i].name, v.v[i].name));
		FUZZ_ASSERT(again.v[i].value == v.v[i].value);
	}
	free(out);
	nfo_statv_free(&again);
	nfo_statv_free(&v);
}

static void put_name(FILE *f, const char *key, const char *s)
{
	fprintf(f, " %s=", key);
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\' ||
		    *s == '=')
			fprintf(f, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static void fuzz_hw_refused(const char *s)
{
	static struct diag_facts a, b;
	char *out = NULL;
	size_t olen = 0;
	FILE *f;

	memset(&a, 0x5a, sizeof(a));
	if (diag_parse_hw_refused(s, &a))
		return;
	FUZZ_ASSERT(memchr(a.hw_refused_dev, '\0', sizeof(a.hw_refused_dev)));
	FUZZ_ASSERT(memchr(a.hw_refused_table, '\0',
			   sizeof(a.hw_refused_table)));
	FUZZ_ASSERT(memchr(a.hw_refused_ft, '\0', sizeof(a.hw_refused_ft)));
	if (!a.hw_refused_dev[0]) {
		/* Nothing recorded: only empty lines. */
		FUZZ_ASSERT(!s[strspn(s, "\n")]);
		return;
	}
	f = open_memstream(&out, &olen);
	FUZZ_ASSERT(f);
	fputs("family=ipv4", f);
	put_name(f, "table", a.hw_refused_table);
	put_name(f, "flowtable", a.hw_refused_ft);
	put_name(f, "dev", a.hw_refused_dev);
	fputs(" error=-95\n", f);
	fclose(f);
	memset(&b, 0, sizeof(b));
	FUZZ_ASSERT(diag_parse_hw_refused(out, &b) == 0);
	FUZZ_ASSERT(!strcmp(a.hw_refused_dev, b.hw_refused_dev));
	FUZZ_ASSERT(!strcmp(a.hw_refused_table, b.hw_refused_table));
	FUZZ_ASSERT(!strcmp(a.hw_refused_ft, b.hw_refused_ft));
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 16384)
		return 0;
	s = fuzz_strndup(data + 1, size - 1);
	if (data[0] & 1)
		fuzz_hw_refused(s);
	else
		fuzz_stats(s);
	free(s);
	return 0;
}
