/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: which words are the global options (--json,
 * -n|--netns NAME, -h|--help, -V|--version) and which the command's.
 *
 * The global options come before the command, as nft has them, or
 * anywhere among the command's arguments (`nft-offload flows --json`):
 *
 *  - before the command, every option is a global one, as
 *    getopt_long("+jn:hV") reads them; the first other word is the
 *    command ("--" may stand before it);
 *  - after it, a word that is one of the command's options (exactly, as
 *    an abbreviation getopt_long() accepts, or a short one) stays the
 *    command's, with the argument it takes: the command's option wins a
 *    spelling both have (diagnose's -h, --help).  A word that is no
 *    option of the command but a global one is global; any other word
 *    goes to the command, which reports what it does not know;
 *  - short options grouped in one word ("-jn NAME") must all be global
 *    or all the command's;
 *  - "--" ends the options: it and every word after it go to the
 *    command;
 *  - words are read from left to right, and the first of a usage error,
 *    -h (the usage text) and -V (the version command, with the options
 *    read so far) ends the reading.
 *
 * Nothing here prints or exits: main.c does, from struct nfo_cli.
 */
#ifndef NFO_TOOL_CLI_H
#define NFO_TOOL_CLI_H

#include <getopt.h>
#include <stdbool.h>

enum nfo_cmd_id {
	NFO_CMD_STATUS,
	NFO_CMD_FLOWS,
	NFO_CMD_STATS,
	NFO_CMD_DIAGNOSE,
	NFO_CMD_VERSION,
	NFO_CMD_HELP,
	NFO_CMD_MAX,
};

/*
 * A command and its options, as the command's own getopt_long() call
 * reads them (the val of each long option is what that call returns).
 */
struct nfo_cmd {
	const char		*name;
	const char		*shortopts;
	const struct option	*longopts;	/* ends with a NULL name */
};

extern const struct nfo_cmd nfo_cmds[NFO_CMD_MAX];

enum nfo_cli_act {
	NFO_CLI_RUN,		/* run cmd with argc, argv */
	NFO_CLI_HELP,		/* -h, --help: the usage text */
	NFO_CLI_VERSION,	/* -V, --version: run the version command */
	NFO_CLI_USAGE,		/* a usage error: err, at */
};

enum nfo_cli_err {
	NFO_CLI_OK,
	NFO_CLI_NO_COMMAND,	/* the line ends before a command */
	NFO_CLI_BAD_COMMAND,	/* no command of that name */
	NFO_CLI_BAD_OPTION,	/* no global option, before the command */
	NFO_CLI_NEEDS_ARG,	/* -n, --netns as the last word */
	NFO_CLI_TAKES_NO_ARG,	/* --json=..., --help=..., --version=... */
	NFO_CLI_MIXED,		/* global and command options in one word */
};

struct nfo_cli {
	enum nfo_cli_act	act;
	bool			json;		/* --json */
	const char		*netns;		/* -n NAME (the last), or NULL */
	enum nfo_cmd_id		cmd;		/* RUN; else NFO_CMD_MAX */
	/*
	 * RUN: the command's words, argv[0] its name, NULL-terminated, in
	 * the caller's array.
	 */
	int			argc;
	char			**argv;
	enum nfo_cli_err	err;		/* USAGE */
	int			at;		/* USAGE: index of the word */
};

/*
 * Reads the line @argc, @argv (argv[0] the program) into @c; @cmd_argv,
 * of @argc + 1 pointers, receives the command's words (pointers into
 * @argv, in their order).  Returns c->act.
 */
enum nfo_cli_act nfo_cli_split(int argc, char **argv, char **cmd_argv,
			       struct nfo_cli *c);

/* A short phrase for a usage error ("option needs an argument"). */
const char *nfo_cli_strerror(enum nfo_cli_err err);

#endif /* NFO_TOOL_CLI_H */
