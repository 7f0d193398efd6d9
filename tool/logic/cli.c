// SPDX-License-Identifier: GPL-2.0
/* The command line: global options and the command's words (see cli.h). */
#include <string.h>

#include "cli.h"

static const struct option nfo_no_opts[] = {
	{ NULL, 0, NULL, 0 },
};

static const struct option nfo_flows_opts[] = {
	{ "src", required_argument, NULL, 's' },
	{ "dst", required_argument, NULL, 'd' },
	{ "port", required_argument, NULL, 'p' },
	{ "proto", required_argument, NULL, 'P' },
	{ "dev", required_argument, NULL, 'i' },
	{ "sort", required_argument, NULL, 'S' },
	{ NULL, 0, NULL, 0 },
};

static const struct option nfo_stats_opts[] = {
	{ "watch", optional_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 },
};

static const struct option nfo_diagnose_opts[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* '+': flows and stats stop at their first operand, as before. */
const struct nfo_cmd nfo_cmds[NFO_CMD_MAX] = {
	[NFO_CMD_STATUS]	= { "status", "", nfo_no_opts },
	[NFO_CMD_FLOWS]		= { "flows", "+s:d:p:P:i:S:", nfo_flows_opts },
	[NFO_CMD_STATS]		= { "stats", "+w::c:", nfo_stats_opts },
	[NFO_CMD_DIAGNOSE]	= { "diagnose", "vh", nfo_diagnose_opts },
	[NFO_CMD_VERSION]	= { "version", "", nfo_no_opts },
	[NFO_CMD_HELP]		= { "help", "", nfo_no_opts },
};

static const struct option nfo_global_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "netns", required_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char nfo_global_short[] = "jn:hV";

/* Whose the options of a word are. */
enum nfo_owner {
	NFO_OWN_NONE,		/* an option neither has */
	NFO_OWN_CMD,
	NFO_OWN_GLOBAL,
	NFO_OWN_MIXED,
};

/* An option word: "-x...", "--x...", "--"; not "-" alone (an operand). */
static bool nfo_is_opt(const char *w)
{
	return w[0] == '-' && w[1];
}

/*
 * The short option @ch in @shortopts, as getopt() reads it: its has_arg,
 * or -1 when it is none.
 */
static int nfo_short_find(const char *shortopts, char ch)
{
	const char *p;

	if (*shortopts == '+' || *shortopts == '-')
		shortopts++;
	if (ch == ':' || ch == ';')
		return -1;
	p = strchr(shortopts, ch);
	if (!p || !ch)
		return -1;
	if (p[1] != ':')
		return no_argument;
	return p[2] == ':' ? optional_argument : required_argument;
}

/*
 * The long option named by the @len bytes at @name, as getopt_long()
 * reads it: spelled out, else the one option it abbreviates.  NULL when
 * none; *ambiguous when it abbreviates several.
 */
static const struct option *nfo_long_find(const struct option *opts,
					  const char *name, size_t len,
					  bool *ambiguous)
{
	const struct option *o, *found = NULL;

	*ambiguous = false;
	if (!len)
		return NULL;
	for (o = opts; o->name; o++)
		if (!strncmp(o->name, name, len) && !o->name[len])
			return o;
	for (o = opts; o->name; o++) {
		if (strncmp(o->name, name, len))
			continue;
		if (found)
			*ambiguous = true;
		found = o;
	}
	return *ambiguous ? NULL : found;
}

static bool nfo_usage(struct nfo_cli *c, enum nfo_cli_err err, int at)
{
	c->act = NFO_CLI_USAGE;
	c->err = err;
	c->at = at;
	return true;
}

/* Takes the global option @val; true when it ends the line (-h, -V). */
static bool nfo_global_take(struct nfo_cli *c, int val, const char *arg)
{
	switch (val) {
	case 'j':
		c->json = true;
		return false;
	case 'n':
		c->netns = arg;
		return false;
	case 'h':
		c->act = NFO_CLI_HELP;
		return true;
	default:	/* 'V' */
		c->act = NFO_CLI_VERSION;
		return true;
	}
}

/*
 * Reads the option word argv[*i] (and the next word when it is an
 * argument) as global options, moving *i past them.  True when the
 * line ends there: -h, -V or a usage error.
 */
static bool nfo_global_word(struct nfo_cli *c, int argc, char **argv,
			    int *i)
{
	const char *w = argv[*i], *eq, *arg, *p;
	const struct option *o;
	bool ambiguous;
	int at = (*i)++, has_arg;

	if (w[1] == '-') {
		eq = strchr(w + 2, '=');
		o = nfo_long_find(nfo_global_opts, w + 2,
				  eq ? (size_t)(eq - (w + 2)) : strlen(w + 2),
				  &ambiguous);
		if (!o)
			return nfo_usage(c, NFO_CLI_BAD_OPTION, at);
		if (o->has_arg == no_argument) {
			if (eq)
				return nfo_usage(c, NFO_CLI_TAKES_NO_ARG, at);
			return nfo_global_take(c, o->val, NULL);
		}
		if (eq)
			arg = eq + 1;
		else if (*i < argc)
			arg = argv[(*i)++];
		else
			return nfo_usage(c, NFO_CLI_NEEDS_ARG, at);
		return nfo_global_take(c, o->val, arg);
	}
	for (p = w + 1; *p; p++) {
		has_arg = nfo_short_find(nfo_global_short, *p);
		if (has_arg < 0)
			return nfo_usage(c, NFO_CLI_BAD_OPTION, at);
		if (has_arg == no_argument) {
			if (nfo_global_take(c, *p, NULL))
				return true;
			continue;
		}
		/* The rest of the word is the argument, else the next word. */
		if (p[1])
			arg = p + 1;
		else if (*i < argc)
			arg = argv[(*i)++];
		else
			return nfo_usage(c, NFO_CLI_NEEDS_ARG, at);
		return nfo_global_take(c, *p, arg);
	}
	return false;
}

/*
 * Whose the long option word @w ("--name[=arg]") is, after the command
 * @cmd; *next: the next word is its argument.
 */
static enum nfo_owner nfo_long_owner(const struct nfo_cmd *cmd,
				     const char *w, bool *next)
{
	const char *name = w + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *o;
	bool ambiguous;

	*next = false;
	o = nfo_long_find(cmd->longopts, name, len, &ambiguous);
	/* An ambiguous abbreviation too: the command says so. */
	if (o || ambiguous) {
		*next = o && o->has_arg == required_argument && !eq;
		return NFO_OWN_CMD;
	}
	if (nfo_long_find(nfo_global_opts, name, len, &ambiguous))
		return NFO_OWN_GLOBAL;
	return NFO_OWN_NONE;
}

/*
 * Whose the short options of the word @w ("-abc") are, after the command
 * @cmd.  As getopt() reads them, an option taking an argument takes the
 * rest of the word, else (a required one) the next word: *next.
 */
static enum nfo_owner nfo_short_owner(const struct nfo_cmd *cmd,
				      const char *w, bool *next)
{
	bool mine = false, global = false;
	const char *p;
	int has_arg;

	*next = false;
	for (p = w + 1; *p; p++) {
		has_arg = nfo_short_find(cmd->shortopts, *p);
		if (has_arg >= 0) {
			mine = true;
		} else {
			has_arg = nfo_short_find(nfo_global_short, *p);
			if (has_arg < 0)
				return NFO_OWN_NONE;
			global = true;
		}
		if (has_arg != no_argument) {
			*next = has_arg == required_argument && !p[1];
			break;
		}
	}
	if (mine && global)
		return NFO_OWN_MIXED;
	return mine ? NFO_OWN_CMD : NFO_OWN_GLOBAL;
}

static int nfo_cmd_find(const char *name)
{
	int i;

	for (i = 0; i < NFO_CMD_MAX; i++)
		if (!strcmp(nfo_cmds[i].name, name))
			return i;
	return -1;
}

enum nfo_cli_act nfo_cli_split(int argc, char **argv, char **cmd_argv,
			       struct nfo_cli *c)
{
	const struct nfo_cmd *cmd;
	enum nfo_owner own;
	int i = 1, n = 0, id;
	bool next;

	memset(c, 0, sizeof(*c));
	c->cmd = NFO_CMD_MAX;
	c->argv = cmd_argv;
	cmd_argv[0] = NULL;

	/* Before the command: global options only. */
	while (i < argc && nfo_is_opt(argv[i])) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (nfo_global_word(c, argc, argv, &i))
			return c->act;
	}
	if (i >= argc) {
		nfo_usage(c, NFO_CLI_NO_COMMAND, argc);
		return c->act;
	}
	id = nfo_cmd_find(argv[i]);
	if (id < 0) {
		nfo_usage(c, NFO_CLI_BAD_COMMAND, i);
		return c->act;
	}
	cmd = &nfo_cmds[id];
	cmd_argv[n++] = argv[i++];

	/* After it: the command's words, with global options among them. */
	while (i < argc) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				cmd_argv[n++] = argv[i++];
			break;
		}
		if (!nfo_is_opt(argv[i])) {
			cmd_argv[n++] = argv[i++];
			continue;
		}
		if (argv[i][1] == '-')
			own = nfo_long_owner(cmd, argv[i], &next);
		else
			own = nfo_short_owner(cmd, argv[i], &next);
		if (own == NFO_OWN_MIXED) {
			nfo_usage(c, NFO_CLI_MIXED, i);
			return c->act;
		}
		if (own == NFO_OWN_GLOBAL) {
			if (nfo_global_word(c, argc, argv, &i))
				return c->act;
			continue;
		}
		/* The command's, or unknown to both: the command says. */
		cmd_argv[n++] = argv[i++];
		if (next && i < argc)
			cmd_argv[n++] = argv[i++];
	}
	cmd_argv[n] = NULL;
	c->cmd = (enum nfo_cmd_id)id;
	c->argc = n;
	c->act = NFO_CLI_RUN;
	return c->act;
}

const char *nfo_cli_strerror(enum nfo_cli_err err)
{
	switch (err) {
	case NFO_CLI_OK:
		return "no error";
	case NFO_CLI_NO_COMMAND:
		return "no command";
	case NFO_CLI_BAD_COMMAND:
		return "unknown command";
	case NFO_CLI_BAD_OPTION:
		return "unknown option";
	case NFO_CLI_NEEDS_ARG:
		return "option needs an argument";
	case NFO_CLI_TAKES_NO_ARG:
		return "option takes no argument";
	case NFO_CLI_MIXED:
		return "global options grouped with the command's (write them apart)";
	}
	return "usage error";
}
