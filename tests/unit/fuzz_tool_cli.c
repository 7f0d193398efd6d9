// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the tool's command line (tool/logic/cli.c).
 * Input: the words after the program's name, each ended by a NUL (the
 * last one by the input's end), at most 24.
 *
 * Asserted: no access out of bounds (ASan); the command's words are
 * words of the line, in their order, NULL-terminated, the command's name
 * first; a usage error names a word of the line (or its end); and the
 * line read back with the global options first (--json, -n NAME, then
 * the command's words) means the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tool/logic/cli.c"

#include "fuzz.h"

#define FUZZ_WORDS 24

/* @p lies within one of the @argc words at @argv. */
static bool in_line(const char *p, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return true;
	return false;
}

static void check_run(const struct nfo_cli *c, int argc, char **argv)
{
	char *again[FUZZ_WORDS + 5], *cmd_argv[FUZZ_WORDS + 6];
	char json[] = "--json", netns_opt[] = "-n";
	struct nfo_cli d;
	int i, j, n;

	FUZZ_ASSERT(c->cmd < NFO_CMD_MAX);
	FUZZ_ASSERT(c->argc >= 1 && c->argc < argc && !c->argv[c->argc]);
	FUZZ_ASSERT(!strcmp(c->argv[0], nfo_cmds[c->cmd].name));
	FUZZ_ASSERT(!c->netns || in_line(c->netns, argc, argv));
	/* The line's words, in order. */
	for (i = 0, j = 1; i < c->argc; i++, j++) {
		while (j < argc && argv[j] != c->argv[i])
			j++;
		FUZZ_ASSERT(j < argc);
	}

	n = 0;
	again[n++] = argv[0];
	if (c->json)
		again[n++] = json;
	if (c->netns) {
		again[n++] = netns_opt;
		again[n++] = (char *)c->netns;
	}
	for (i = 0; i < c->argc; i++)
		again[n++] = c->argv[i];
	again[n] = NULL;
	FUZZ_ASSERT(nfo_cli_split(n, again, cmd_argv, &d) == NFO_CLI_RUN);
	FUZZ_ASSERT(d.cmd == c->cmd && d.json == c->json && d.argc == c->argc);
	FUZZ_ASSERT(!d.netns == !c->netns);
	FUZZ_ASSERT(!d.netns || !strcmp(d.netns, c->netns));
	for (i = 0; i < c->argc; i++)
		FUZZ_ASSERT(cmd_argv[i] == c->argv[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_WORDS + 2], *cmd_argv[FUZZ_WORDS + 3];
	char prog[] = "nft-offload";
	struct nfo_cli c;
	int argc = 0;
	char *s, *p;

	if (size > 1024)
		return 0;
	s = fuzz_strndup(data, size);
	argv[argc++] = prog;
	for (p = s; size && argc <= FUZZ_WORDS; ) {
		argv[argc++] = p;
		p += strlen(p);
		if (p >= s + size)
			break;
		p++;
	}
	argv[argc] = NULL;

	switch (nfo_cli_split(argc, argv, cmd_argv, &c)) {
	case NFO_CLI_RUN:
		FUZZ_ASSERT(c.argv == cmd_argv);
		check_run(&c, argc, argv);
		break;
	case NFO_CLI_HELP:
	case NFO_CLI_VERSION:
		FUZZ_ASSERT(c.cmd == NFO_CMD_MAX);
		FUZZ_ASSERT(!c.netns || in_line(c.netns, argc, argv));
		break;
	case NFO_CLI_USAGE:
		FUZZ_ASSERT(c.err > NFO_CLI_OK && c.err <= NFO_CLI_MIXED);
		FUZZ_ASSERT(c.at >= 1 && c.at <= argc);
		FUZZ_ASSERT(c.at < argc || c.err == NFO_CLI_NO_COMMAND);
		FUZZ_ASSERT(c.cmd == NFO_CMD_MAX);
		FUZZ_ASSERT(nfo_cli_strerror(c.err)[0]);
		break;
	default:
		FUZZ_ASSERT(0);
	}
	free(s);
	return 0;
}
