// SPDX-License-Identifier: GPL-2.0
/*
 * nft-offload: status, flows, statistics and diagnosis of the nft_offload
 * module's flow offloading.
 *
 *   nft-offload [--json] [-n|--netns NAME] COMMAND [ARGS]
 *
 * The options may follow the command too (logic/cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/version.h"
#include "logic/cli.h"
#include "nft-offload.h"
#include "query.h"

void nfo_err(const char *fmt, ...)
{
	va_list ap;

	fputs("nft-offload: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int nfo_exit_for(int err, const char *what)
{
	if (err == -ENOENT) {
		nfo_err("%s: module nft_offload is not loaded", what);
		return NFO_EXIT_NOMODULE;
	}
	nfo_err("%s: %s", what, strerror(-err));
	return NFO_EXIT_SYSTEM;
}

static void usage(FILE *f)
{
	fputs("usage: nft-offload [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  status                       module, sysctls, flowtables\n"
	      "  flows [--src A] [--dst A] [--port P] [--proto P] [--dev D]\n"
	      "        [--sort bytes|age]     the offloaded flows\n"
	      "  stats [-w|--watch [SECONDS]] [-c COUNT]\n"
	      "                               the module's counters (rates with -w)\n"
	      "  diagnose [-v] [ADDR[:PORT] | ADDR6 | [ADDR6]:PORT]\n"
	      "                               why a connection is (not) offloaded\n"
	      "  version                      the tool's and the module's version\n"
	      "  help                         this text\n"
	      "\n"
	      "options, before the command or among its arguments:\n"
	      "  --json                       JSON on stdout\n"
	      "  -n|--netns NAME              in the netns /run/netns/NAME\n"
	      "  -h|--help                    this text\n"
	      "  -V|--version                 as the version command\n"
	      "after the command, the command's own options win (diagnose -h is\n"
	      "diagnose's); -- ends the options\n"
	      "\n"
	      "diagnose causes, in the order checked: module_missing,\n"
	      "inkernel_flowtable, sysctl_off, no_hw_offload, no_flowtable,\n"
	      "no_flow_rule, rule_not_reached, no_connection,\n"
	      "device_not_in_flowtable, helper, ct_state,\n"
	      "mtu, not_offloaded, hw_pending,\n"
	      "hw_refused, hw_off; offloaded and none when all is well\n"
	      "\n"
	      "exit codes: 0 ok, 1 diagnose found a problem, 2 usage error,\n"
	      "3 the system could not be read, 4 module not loaded\n"
	      "(see nft-offload(8))\n", f);
}

static int cmd_version(const struct nfo_opts *o, int argc, char **argv)
{
	struct nfq_module m;
	int err;

	(void)argv;
	if (argc > 1) {
		usage(stderr);
		return NFO_EXIT_USAGE;
	}
	err = nfq_module(&m);
	if (err)
		return nfo_exit_for(err, "module");
	if (o->json) {
		printf("{\"tool\":\"%s\",\"module\":", NFO_VERSION);
		if (m.loaded)
			printf("\"%s\"}\n", m.version);
		else
			printf("null}\n");
	} else {
		printf("nft-offload %s\n", NFO_VERSION);
		printf("module %s\n", m.loaded ? m.version : "not loaded");
	}
	return NFO_EXIT_OK;
}

static int cmd_help(const struct nfo_opts *o, int argc, char **argv)
{
	(void)o;
	(void)argc;
	(void)argv;
	usage(stdout);
	return NFO_EXIT_OK;
}

/* The commands, by logic/cli.h's ids. */
static int (*const commands[NFO_CMD_MAX])(const struct nfo_opts *o, int argc,
					   char **argv) = {
	[NFO_CMD_STATUS]	= cmd_status,
	[NFO_CMD_FLOWS]		= cmd_flows,
	[NFO_CMD_STATS]		= cmd_stats,
	[NFO_CMD_DIAGNOSE]	= cmd_diagnose,
	[NFO_CMD_VERSION]	= cmd_version,
	[NFO_CMD_HELP]		= cmd_help,
};

static void cli_error(const struct nfo_cli *c, int argc, char **argv)
{
	const char *w = c->at < argc ? argv[c->at] : "";

	switch (c->err) {
	case NFO_CLI_NO_COMMAND:
		break;
	case NFO_CLI_BAD_COMMAND:
		nfo_err("unknown command '%s'", w);
		break;
	default:
		nfo_err("'%s': %s", w, nfo_cli_strerror(c->err));
		break;
	}
}

int main(int argc, char **argv)
{
	char version[] = "version", *version_argv[] = { version, NULL };
	struct nfo_opts o = { .prog = argv[0] };
	struct nfo_cli c;
	char **cmd_argv;
	int err, ret;

	cmd_argv = calloc((size_t)argc + 2, sizeof(*cmd_argv));
	if (!cmd_argv) {
		nfo_err("out of memory");
		return NFO_EXIT_SYSTEM;
	}
	switch (nfo_cli_split(argc, argv, cmd_argv, &c)) {
	case NFO_CLI_HELP:
		usage(stdout);
		ret = NFO_EXIT_OK;
		goto out;
	case NFO_CLI_USAGE:
		cli_error(&c, argc, argv);
		usage(stderr);
		ret = NFO_EXIT_USAGE;
		goto out;
	case NFO_CLI_VERSION:
		/* As `nft-offload version`, with the options read. */
		c.cmd = NFO_CMD_VERSION;
		c.argc = 1;
		c.argv = version_argv;
		break;
	case NFO_CLI_RUN:
		break;
	}
	o.json = c.json;
	o.netns = c.netns;
	if (o.netns) {
		err = nfq_netns_enter(o.netns);
		if (err) {
			nfo_err("netns %s: %s", o.netns, strerror(-err));
			/*
			 * No such name, a malformed one (nfq_netns_enter) or
			 * a file that setns() says is no namespace: usage.
			 */
			ret = err == -ENOENT || err == -EINVAL ?
			      NFO_EXIT_USAGE : NFO_EXIT_SYSTEM;
			goto out;
		}
	}
	/* Commands parse their own options from argv[0]. */
	optind = 0;
	ret = commands[c.cmd](&o, c.argc, c.argv);
out:
	free(cmd_argv);
	return ret;
}
