// SPDX-License-Identifier: GPL-2.0
/*
 * The man page (tool/nft-offload.8) and `nft-offload help` (the usage
 * text in tool/main.c) name the same commands, options and diagnose
 * causes.  Run from tests/unit (make -C tests/unit test).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "logic/diag.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = calloc(1, (size_t)n + 1);
		if (buf)
			len = fread(buf, 1, (size_t)n, f);
		if (buf)
			buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

static int has(const char *text, const char *fmt, const char *word)
{
	char pat[128];

	snprintf(pat, sizeof(pat), fmt, word);
	return strstr(text, pat) != NULL;
}

int main(void)
{
	static const char * const cmds[] = {
		"status", "flows", "stats", "diagnose", "version", "help",
	};
	static const char * const opts[] = {
		"--json", "--netns", "--help", "--version", "--watch",
		"--src", "--dst", "--port", "--proto", "--dev", "--sort",
	};
	char *man = slurp("../../tool/nft-offload.8");
	char *src = slurp("../../tool/main.c");
	size_t i;
	int c;

	CHECK(man && src);
	if (!man || !src)
		return check_finish("test_tool_docs.c");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		CHECK(has(man, "\n.B %s\n", cmds[i]) ||
		      has(man, "\n\\fB%s\\fR ", cmds[i]));
		CHECK(has(src, "\"  %s ", cmds[i]));
	}
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		/* The man page writes '-' as "\-". */
		CHECK(has(man, "\\-\\-%s", opts[i] + 2));
		CHECK(has(src, "%s", opts[i]));
	}
	/* Both say that the options may follow the command. */
	CHECK(strstr(man, "\\fBnft\\-offload flows \\-\\-json\\fR is"));
	CHECK(strstr(src, "options, before the command or among its"));
	for (c = 0; c < DIAG_CAUSE_MAX; c++) {
		const char *name = diag_cause_name((enum diag_cause)c);

		CHECK(has(man, "\n.B %s\n", name));
		/* In the usage text: after a space or at a line's start. */
		CHECK(has(src, " %s,", name) || has(src, "\"%s,", name) ||
		      has(src, " %s;", name) || has(src, " %s and", name) ||
		      has(src, " %s when", name));
	}
	free(man);
	free(src);
	return check_finish("test_tool_docs.c");
}
