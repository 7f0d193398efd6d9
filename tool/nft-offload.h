/* SPDX-License-Identifier: GPL-2.0 */
/* nft-offload: options, exit codes and the commands. */
#ifndef NFO_TOOL_H
#define NFO_TOOL_H

#include <stdbool.h>

/* Exit codes (documented in nft-offload.8). */
enum {
	NFO_EXIT_OK		= 0,	/* done; diagnose: offloaded or nothing wrong */
	NFO_EXIT_PROBLEM	= 1,	/* diagnose named a problem */
	NFO_EXIT_USAGE		= 2,	/* bad command line */
	NFO_EXIT_SYSTEM		= 3,	/* the system could not be read */
	NFO_EXIT_NOMODULE	= 4,	/* nft_offload is not loaded */
};

/* The global options (before the command or among its arguments). */
struct nfo_opts {
	bool		json;		/* --json */
	const char	*netns;		/* -n NAME, already entered; or NULL */
	const char	*prog;		/* argv[0] for messages */
};

/*
 * Commands: argv[0] is the command's name, getopt-style options follow.
 * Each returns an exit code.
 */
int cmd_status(const struct nfo_opts *o, int argc, char **argv);
int cmd_flows(const struct nfo_opts *o, int argc, char **argv);
int cmd_stats(const struct nfo_opts *o, int argc, char **argv);
int cmd_diagnose(const struct nfo_opts *o, int argc, char **argv);

/* Prints "nft-offload: <message>" on stderr (printf format). */
void nfo_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Maps a failed query's negative errno to an exit code, with a message:
 * -ENOENT on a file of the module means the module is not loaded.
 */
int nfo_exit_for(int err, const char *what);

#endif /* NFO_TOOL_H */
