// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's command line (tool/logic/cli.c): global options before or
 * after the command, the command's own options left to it.  Checked by
 * cases, against getopt_long() before the command, as "the command's
 * words are unchanged when no global option is among them", and as "a
 * line with the global options moved among the command's words means
 * the same".
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "logic/cli.h"

#define MAXW 32

/* A command line split at spaces ("" for an empty word); argv[0] is ours. */
struct line {
	char	buf[512];
	char	*argv[MAXW + 1];
	int	argc;
};

static void line_set(struct line *l, const char *text)
{
	char *p, *save;

	snprintf(l->buf, sizeof(l->buf), "nft-offload %s", text);
	l->argc = 0;
	for (p = strtok_r(l->buf, " ", &save); p && l->argc < MAXW;
	     p = strtok_r(NULL, " ", &save)) {
		if (!strcmp(p, "\"\""))
			*p = '\0';
		l->argv[l->argc++] = p;
	}
	l->argv[l->argc] = NULL;
}

/* The command's words joined with spaces. */
static void join(char *buf, size_t len, int argc, char **argv)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < argc && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "",
				      argv[i]);
}

struct want {
	const char		*line;
	enum nfo_cli_act	act;
	bool			json;
	const char		*netns;	/* NULL: none */
	const char		*words;	/* RUN: the command's words */
	enum nfo_cli_err	err;	/* USAGE */
	int			at;
};

#define RUN(l, j, ns, w)	{ l, NFO_CLI_RUN, j, ns, w, NFO_CLI_OK, 0 }
#define HELP(l)			{ l, NFO_CLI_HELP, false, NULL, NULL, NFO_CLI_OK, 0 }
#define VERSION(l, j, ns)	{ l, NFO_CLI_VERSION, j, ns, NULL, NFO_CLI_OK, 0 }
#define USAGE(l, e, a)		{ l, NFO_CLI_USAGE, false, NULL, NULL, e, a }

static const struct want cases[] = {
	/* Before the command, as nft has them, and after it. */
	RUN("--json flows", true, NULL, "flows"),
	RUN("flows --json", true, NULL, "flows"),
	RUN("flows --proto udp --json --sort bytes", true, NULL,
	    "flows --proto udp --sort bytes"),
	RUN("-n r flows --json --proto udp", true, "r", "flows --proto udp"),
	RUN("flows -n r", false, "r", "flows"),
	RUN("flows -nr", false, "r", "flows"),
	RUN("flows --netns r", false, "r", "flows"),
	RUN("flows --netns=r --src 10.0.0.1", false, "r",
	    "flows --src 10.0.0.1"),
	RUN("flows -jn r", true, "r", "flows"),
	RUN("flows -j", true, NULL, "flows"),
	RUN("-n a flows -n b", false, "b", "flows"),
	RUN("status -n r --json", true, "r", "status"),
	RUN("version --json", true, NULL, "version"),
	RUN("help --json", true, NULL, "help"),
	/* Abbreviations, as getopt_long() takes them. */
	RUN("--js --net r flows", true, "r", "flows"),
	RUN("flows --js --net=r", true, "r", "flows"),
	RUN("flows --so bytes", false, NULL, "flows --so bytes"),
	/* Ambiguous for flows (--src, --sort): flows says so. */
	RUN("flows --s x", false, NULL, "flows --s x"),
	/* --ver is diagnose's --verbose, and the global --version else. */
	RUN("diagnose --ver", false, NULL, "diagnose --ver"),
	VERSION("flows --ver", false, NULL),
	/* An option's argument is the option's, whatever it looks like. */
	RUN("flows --src --json", false, NULL, "flows --src --json"),
	RUN("flows -s --json", false, NULL, "flows -s --json"),
	RUN("flows --dev -n", false, NULL, "flows --dev -n"),
	RUN("flows -S -V", false, NULL, "flows -S -V"),
	RUN("-n --json flows", false, "--json", "flows"),
	RUN("flows -n -V", false, "-V", "flows"),
	RUN("stats -c --json", false, NULL, "stats -c --json"),
	RUN("stats -c3 --json", true, NULL, "stats -c3"),
	/* -w's optional argument: in its word, or the next word (stats). */
	RUN("stats -w 2 --json -c 3", true, NULL, "stats -w 2 -c 3"),
	RUN("stats -wj", false, NULL, "stats -wj"),
	RUN("stats --watch=2 -j", true, NULL, "stats --watch=2"),
	/* diagnose's -h and --help are its own. */
	RUN("diagnose -h", false, NULL, "diagnose -h"),
	RUN("diagnose --help --json", true, NULL, "diagnose --help"),
	RUN("diagnose --he", false, NULL, "diagnose --he"),
	RUN("diagnose --json -v 10.0.0.1:22", true, NULL,
	    "diagnose -v 10.0.0.1:22"),
	RUN("diagnose 10.0.0.1 -n r", false, "r", "diagnose 10.0.0.1"),
	RUN("diagnose -vh", false, NULL, "diagnose -vh"),
	HELP("-h diagnose"),
	HELP("flows -h"),
	HELP("flows --help --bogus"),
	HELP("status --he"),
	/* -V, --version: the version command, with the options before. */
	VERSION("-V", false, NULL),
	VERSION("--json -V", true, NULL),
	VERSION("-V --json", false, NULL),
	VERSION("flows --json --version", true, NULL),
	VERSION("flows --version --json", false, NULL),
	VERSION("-n r flows -jV --bogus", true, "r"),
	VERSION("-Vx", false, NULL),
	VERSION("-V bogus", false, NULL),
	/* -- ends the options: the rest is the command's. */
	RUN("flows -- --json", false, NULL, "flows -- --json"),
	RUN("-- flows --json", true, NULL, "flows"),
	RUN("flows --json -- -n r", true, NULL, "flows -- -n r"),
	RUN("flows --src -- --json", true, NULL, "flows --src --"),
	/* What neither knows is the command's to refuse. */
	RUN("flows --bogus --json", true, NULL, "flows --bogus"),
	RUN("flows -x", false, NULL, "flows -x"),
	RUN("flows -xj", false, NULL, "flows -xj"),
	RUN("flows --=x", false, NULL, "flows --=x"),
	RUN("flows - --json", true, NULL, "flows -"),
	RUN("flows extra --json", true, NULL, "flows extra"),
	RUN("status \"\" -j", true, NULL, "status "),
	/* Usage errors. */
	USAGE("", NFO_CLI_NO_COMMAND, 1),
	USAGE("--json", NFO_CLI_NO_COMMAND, 2),
	USAGE("--", NFO_CLI_NO_COMMAND, 2),
	USAGE("bogus --json", NFO_CLI_BAD_COMMAND, 1),
	/* The command's name comes first: an unknown one is refused. */
	USAGE("bogus -V", NFO_CLI_BAD_COMMAND, 1),
	USAGE("- flows", NFO_CLI_BAD_COMMAND, 1),
	USAGE("\"\" flows", NFO_CLI_BAD_COMMAND, 1),
	USAGE("--bogus flows", NFO_CLI_BAD_OPTION, 1),
	USAGE("-x flows", NFO_CLI_BAD_OPTION, 1),
	USAGE("-xV flows", NFO_CLI_BAD_OPTION, 1),
	USAGE("-v flows", NFO_CLI_BAD_OPTION, 1),
	USAGE("--=x flows", NFO_CLI_BAD_OPTION, 1),
	USAGE("-n", NFO_CLI_NEEDS_ARG, 1),
	USAGE("flows -n", NFO_CLI_NEEDS_ARG, 2),
	USAGE("flows --json --netns", NFO_CLI_NEEDS_ARG, 3),
	USAGE("flows -jn", NFO_CLI_NEEDS_ARG, 2),
	USAGE("--json=1 flows", NFO_CLI_TAKES_NO_ARG, 1),
	USAGE("flows --json=", NFO_CLI_TAKES_NO_ARG, 2),
	USAGE("flows --version=1", NFO_CLI_TAKES_NO_ARG, 2),
	USAGE("diagnose -vj", NFO_CLI_MIXED, 2),
	USAGE("stats -jw", NFO_CLI_MIXED, 2),
	USAGE("flows -jS bytes", NFO_CLI_MIXED, 2),
	USAGE("flows --json -n r -jn", NFO_CLI_NEEDS_ARG, 5),
};

static void check_case(const struct want *w)
{
	char *cmd_argv[MAXW + 2], words[512];
	struct nfo_cli c;
	struct line l;

	line_set(&l, w->line);
	CHECK_CTX("line '%s'", w->line);
	CHECK_EQ(nfo_cli_split(l.argc, l.argv, cmd_argv, &c), w->act);
	CHECK_EQ(c.act, w->act);
	if (w->act == NFO_CLI_USAGE) {
		CHECK_EQ(c.err, w->err);
		CHECK_EQ(c.at, w->at);
		CHECK_EQ(c.cmd, NFO_CMD_MAX);
		return;
	}
	CHECK_EQ(c.json, w->json);
	CHECK_STREQ(c.netns ? c.netns : "(none)",
		    w->netns ? w->netns : "(none)");
	if (w->act != NFO_CLI_RUN) {
		CHECK_EQ(c.cmd, NFO_CMD_MAX);
		return;
	}
	CHECK(c.argv == cmd_argv);
	CHECK(c.argc >= 1 && !cmd_argv[c.argc]);
	CHECK(c.cmd < NFO_CMD_MAX);
	if (c.cmd < NFO_CMD_MAX)
		CHECK_STREQ(cmd_argv[0], nfo_cmds[c.cmd].name);
	join(words, sizeof(words), c.argc, cmd_argv);
	CHECK_CTX("line '%s': words '%.60s'", w->line, words);
	CHECK(!strcmp(words, w->words));
}

static void test_cases(void)
{
	char *cmd_argv[MAXW + 2];
	struct nfo_cli c;
	struct line l;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(&cases[i]);

	/* No words at all (an exec with an empty argv). */
	CHECK_EQ(nfo_cli_split(0, l.argv, cmd_argv, &c), NFO_CLI_USAGE);
	CHECK_EQ(c.err, NFO_CLI_NO_COMMAND);
	/* The words are the line's, not copies. */
	line_set(&l, "--json diagnose -v x");
	CHECK_EQ(nfo_cli_split(l.argc, l.argv, cmd_argv, &c), NFO_CLI_RUN);
	CHECK(cmd_argv[0] == l.argv[2] && cmd_argv[1] == l.argv[3] &&
	      cmd_argv[2] == l.argv[4]);
	line_set(&l, "flows --netns=abc");
	CHECK_EQ(nfo_cli_split(l.argc, l.argv, cmd_argv, &c), NFO_CLI_RUN);
	CHECK(c.netns == l.argv[2] + 8);

	for (i = 0; i <= NFO_CLI_MIXED; i++)
		CHECK(nfo_cli_strerror((enum nfo_cli_err)i)[0]);
	for (i = 0; i < NFO_CMD_MAX; i++)
		CHECK(nfo_cmds[i].name && nfo_cmds[i].shortopts &&
		      nfo_cmds[i].longopts);
}

static char *pick(char * const *v, size_t n)
{
	return v[check_below((unsigned int)n)];
}

/*
 * Before the command, the global options read as the tool read them
 * before options could follow it: getopt_long("+jn:hV").
 */
static void test_getopt(void)
{
	static char * const vocab[] = {
		"--json", "--js", "--j", "-j", "-n", "-nX", "--netns",
		"--netns=Y", "--net", "-jn", "-nj", "-jj", "--", "-h",
		"--help", "--he", "-V", "--vers", "-jV", "-x", "-xj",
		"--bogus", "--json=1", "--help=", "-", "", "flows", "stats",
		"Z", "-=",
	};
	static const struct option gopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *argv[MAXW + 1], *cmd_argv[MAXW + 2], *gv[MAXW + 1];
	struct nfo_cli c;
	int round, argc, i, o, stop;
	const char *netns;
	bool json;

	opterr = 0;
	for (round = 0; round < 20000; round++) {
		argc = 1 + (int)check_below(7);
		argv[0] = "nft-offload";
		for (i = 1; i < argc; i++)
			argv[i] = pick(vocab, ARRAY_SIZE(vocab));
		argv[argc] = NULL;
		memcpy(gv, argv, sizeof(gv));
		json = false;
		netns = NULL;
		stop = 0;
		optind = 0;
		while ((o = getopt_long(argc, gv, "+jn:hV", gopts, NULL)) != -1) {
			if (o == 'j') {
				json = true;
			} else if (o == 'n') {
				netns = optarg;
			} else {
				stop = o;
				break;
			}
		}
		join(check_ctx, sizeof(check_ctx), argc, argv);
		nfo_cli_split(argc, argv, cmd_argv, &c);
		if (stop == 'h') {
			CHECK_EQ(c.act, NFO_CLI_HELP);
			continue;
		}
		if (stop == 'V') {
			CHECK_EQ(c.act, NFO_CLI_VERSION);
			CHECK_EQ(c.json, json);
			continue;
		}
		if (stop) {
			CHECK(c.act == NFO_CLI_USAGE &&
			      c.err >= NFO_CLI_BAD_OPTION);
			continue;
		}
		if (optind >= argc) {
			CHECK(c.act == NFO_CLI_USAGE &&
			      c.err == NFO_CLI_NO_COMMAND);
			continue;
		}
		if (strcmp(argv[optind], "flows") &&
		    strcmp(argv[optind], "stats")) {
			CHECK(c.act == NFO_CLI_USAGE &&
			      c.err == NFO_CLI_BAD_COMMAND && c.at == optind);
			continue;
		}
		/* Options after the command may add to these, not undo them. */
		CHECK(c.json || !json);
		if (c.act != NFO_CLI_RUN) {
			/* -h, -V or a usage error after the command. */
			CHECK(c.act == NFO_CLI_HELP ||
			      c.act == NFO_CLI_VERSION ||
			      c.err >= NFO_CLI_NEEDS_ARG);
			continue;
		}
		CHECK(cmd_argv[0] == argv[optind]);
		if (c.argc == argc - optind) {
			CHECK_EQ(c.json, json);
			CHECK(c.netns == netns);
		}
	}
	opterr = 1;
}

/*
 * A command line without global options: every word after the command
 * is the command's, as it was before global options could follow it.
 */
static void test_unchanged(void)
{
	static char * const flows[] = {
		"--src", "--src=10.0.0.1", "-s", "-s10.0.0.1", "--dst", "-d",
		"--port", "-p", "--proto=udp", "-P", "--dev", "-i", "--sort",
		"-S", "--so", "--s", "--d", "--", "-", "x", "10.0.0.1",
		"--bogus", "-x", "-sx", "--=", "",
	};
	static char * const stats[] = {
		"-w", "-w2", "-wj", "--watch", "--watch=1", "--w", "-c", "-c3",
		"2", "--", "-x", "-cn", "-wV",
	};
	static char * const diagnose[] = {
		"-v", "-h", "-vh", "--verbose", "--help", "--he", "--ver",
		"--v", "10.0.0.1", "[fd00::1]:22", "--", "-x", "--h",
	};
	static const struct {
		char			*name;
		char * const		*vocab;
		size_t			n;
	} cmds[] = {
		{ "flows", flows, ARRAY_SIZE(flows) },
		{ "stats", stats, ARRAY_SIZE(stats) },
		{ "diagnose", diagnose, ARRAY_SIZE(diagnose) },
	};
	char *argv[MAXW + 1], *cmd_argv[MAXW + 2];
	struct nfo_cli c;
	int round, argc, i, k;

	for (round = 0; round < 20000; round++) {
		k = (int)check_below(ARRAY_SIZE(cmds));
		argc = 2 + (int)check_below(8);
		argv[0] = "nft-offload";
		argv[1] = cmds[k].name;
		for (i = 2; i < argc; i++)
			argv[i] = pick(cmds[k].vocab, cmds[k].n);
		argv[argc] = NULL;
		join(check_ctx, sizeof(check_ctx), argc, argv);
		CHECK_EQ(nfo_cli_split(argc, argv, cmd_argv, &c), NFO_CLI_RUN);
		CHECK(!c.json && !c.netns);
		CHECK_EQ(c.argc, argc - 1);
		for (i = 1; i < argc && c.argc == argc - 1; i++)
			CHECK(cmd_argv[i - 1] == argv[i]);
	}
}

/*
 * Global options moved from before the command to anywhere between the
 * command's (self-contained) groups of words: the same line.
 */
static void test_moved(void)
{
	/* Groups of words, "|" between the words of one group. */
	static char * const flows[] = {
		"--src|10.0.0.1", "--src=10.0.0.1", "-s|10.0.0.1", "-s10.0.0.1",
		"--sort|bytes", "--so|age", "-S|-n", "--dev|--json", "-i|-V",
		"x", "-", "--bogus", "--port|-h",
	};
	static char * const stats[] = {
		"-w", "-w|2", "-c|3", "--watch=2", "-w2", "-c|--json", "-wj",
	};
	static char * const diagnose[] = {
		"-v", "-h", "--help", "--verb", "10.0.0.1", "-vh",
	};
	static char * const globals[] = {
		"--json", "-j", "-n|a", "-nb", "--netns|c", "--netns=d",
		"-jn|e", "--js", "--net|f", "-jj",
	};
	static const struct {
		char			*name;
		char * const		*vocab;
		size_t			n;
	} cmds[] = {
		{ "flows", flows, ARRAY_SIZE(flows) },
		{ "stats", stats, ARRAY_SIZE(stats) },
		{ "diagnose", diagnose, ARRAY_SIZE(diagnose) },
	};
	char *cmd_argv[MAXW + 2], wa[512], wb[512];
	const char *g[4], *t[6];
	struct nfo_cli a, b;
	struct line la, lb;
	int round, k, ng, nt, i, j, at[4];
	char text[400];
	size_t len;

	for (round = 0; round < 20000; round++) {
		k = (int)check_below(ARRAY_SIZE(cmds));
		ng = 1 + (int)check_below(4);
		nt = (int)check_below(6);
		for (i = 0; i < ng; i++) {
			g[i] = pick(globals, ARRAY_SIZE(globals));
			/* Before which group of the command's it goes. */
			at[i] = (int)check_below((unsigned int)nt + 1);
			if (i && at[i] < at[i - 1])
				at[i] = at[i - 1];
		}
		for (i = 0; i < nt; i++)
			t[i] = pick(cmds[k].vocab, cmds[k].n);

		/* a: globals first; b: globals among the command's words. */
		len = 0;
		for (i = 0; i < ng; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%s ", g[i]);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s",
					cmds[k].name);
		for (i = 0; i < nt; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						" %s", t[i]);
		for (i = 0; text[i]; i++)
			text[i] = text[i] == '|' ? ' ' : text[i];
		line_set(&la, text);

		len = (size_t)snprintf(text, sizeof(text), "%s", cmds[k].name);
		for (i = 0, j = 0; i <= nt; i++) {
			for (; j < ng && at[j] == i; j++)
				len += (size_t)snprintf(text + len,
							sizeof(text) - len,
							" %s", g[j]);
			if (i < nt)
				len += (size_t)snprintf(text + len,
							sizeof(text) - len,
							" %s", t[i]);
		}
		for (i = 0; text[i]; i++)
			text[i] = text[i] == '|' ? ' ' : text[i];
		line_set(&lb, text);

		CHECK_CTX("%.150s", text);
		nfo_cli_split(la.argc, la.argv, cmd_argv, &a);
		join(wa, sizeof(wa), a.argc, cmd_argv);
		nfo_cli_split(lb.argc, lb.argv, cmd_argv, &b);
		join(wb, sizeof(wb), b.argc, cmd_argv);
		CHECK_EQ(a.act, NFO_CLI_RUN);
		CHECK_EQ(b.act, NFO_CLI_RUN);
		CHECK_EQ(a.cmd, b.cmd);
		CHECK_EQ(a.json, b.json);
		CHECK_STREQ(a.netns ? a.netns : "", b.netns ? b.netns : "");
		CHECK(!strcmp(wa, wb));
	}
}

int main(void)
{
	test_cases();
	test_getopt();
	test_unchanged();
	test_moved();
	return check_finish("test_tool_cli.c");
}
