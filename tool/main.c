// SPDX-License-Identifier: GPL-2.0
/*
 * nft-offload: status, flows, statistics and diagnosis of the nft_offload
 * module's flow offloading.
 *
 *   nft-offload [--json] [-n|--netns NAME] COMMAND [ARGS]
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/version.h"
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
	fputs("usage: nft-offload [--json] [-n|--netns NAME] COMMAND [ARGS]\n"
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
	      "options: --json (JSON on stdout), -n|--netns NAME (/run/netns/NAME),\n"
	      "-h|--help, -V|--version\n"
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

static const struct {
	const char	*name;
	int		(*fn)(const struct nfo_opts *o, int argc, char **argv);
} commands[] = {
	{ "status", cmd_status },
	{ "flows", cmd_flows },
	{ "stats", cmd_stats },
	{ "diagnose", cmd_diagnose },
	{ "version", cmd_version },
	{ "help", cmd_help },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct nfo_opts o = { .prog = argv[0] };
	size_t i;
	int c, err;

	/* '+': stop at the command; its options are its own. */
	while ((c = getopt_long(argc, argv, "+jn:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'n':
			o.netns = optarg;
			break;
		case 'h':
			usage(stdout);
			return NFO_EXIT_OK;
		case 'V':
			printf("nft-offload %s\n", NFO_VERSION);
			return NFO_EXIT_OK;
		default:
			usage(stderr);
			return NFO_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return NFO_EXIT_USAGE;
	}
	if (o.netns) {
		err = nfq_netns_enter(o.netns);
		if (err) {
			nfo_err("netns %s: %s", o.netns, strerror(-err));
			/*
			 * No such name, a malformed one (nfq_netns_enter) or
			 * a file that setns() says is no namespace: usage.
			 */
			return err == -ENOENT || err == -EINVAL ?
			       NFO_EXIT_USAGE : NFO_EXIT_SYSTEM;
		}
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			argc -= optind;
			argv += optind;
			/* Commands parse their own options from argv[0]. */
			optind = 0;
			return commands[i].fn(&o, argc, argv);
		}
	}
	nfo_err("unknown command '%s'", argv[optind]);
	usage(stderr);
	return NFO_EXIT_USAGE;
}
