// SPDX-License-Identifier: GPL-2.0
/*
 * nft-offload stats: the module's counters, or with -w [SECONDS] their
 * rates per second over each interval (gauges as values), until killed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logic/cli.h"
#include "nft-offload.h"
#include "out.h"
#include "query.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_once(const struct nfo_opts *o, const struct nfo_statv *st)
{
	struct jw w;
	size_t i;

	if (o->json) {
		out_json(&w);
		jw_obj_open(&w, NULL);
		for (i = 0; i < st->n; i++)
			jw_uint(&w, st->v[i].name, st->v[i].value);
		jw_obj_close(&w);
		jw_end(&w);
		return;
	}
	for (i = 0; i < st->n; i++)
		printf("%-32s %llu\n", st->v[i].name,
		       (unsigned long long)st->v[i].value);
}

static void print_rates(const struct nfo_opts *o, const struct nfo_statv *a,
			const struct nfo_statv *b, double dt)
{
	struct jw w;
	double r;
	size_t i;

	if (o->json) {
		out_json(&w);
		jw_obj_open(&w, NULL);
		jw_double(&w, "interval", dt);
		jw_obj_open(&w, "rates");
		for (i = 0; i < b->n; i++)
			if (!nfo_stat_is_gauge(b->v[i].name) &&
			    nfo_stat_rate(a, b, b->v[i].name, dt, &r))
				jw_double(&w, b->v[i].name, r);
		jw_obj_close(&w);
		jw_obj_open(&w, "values");
		for (i = 0; i < b->n; i++)
			jw_uint(&w, b->v[i].name, b->v[i].value);
		jw_obj_close(&w);
		jw_obj_close(&w);
		jw_end(&w);
		return;
	}
	printf("--- %.1f s\n", dt);
	for (i = 0; i < b->n; i++) {
		const char *n = b->v[i].name;

		if (nfo_stat_is_gauge(n))
			printf("%-32s %llu\n", n,
			       (unsigned long long)b->v[i].value);
		else if (nfo_stat_rate(a, b, n, dt, &r) && r > 0)
			printf("%-32s %.1f/s\n", n, r);
	}
	fflush(stdout);
}

int cmd_stats(const struct nfo_opts *o, int argc, char **argv)
{
	const struct nfo_cmd *cmd = &nfo_cmds[NFO_CMD_STATS];
	struct nfo_statv a, b;
	double interval = 0, t0, t1;
	long count = -1;
	char *end;
	int c, err;

	while ((c = getopt_long(argc, argv, cmd->shortopts, cmd->longopts,
				NULL)) != -1) {
		switch (c) {
		case 'w':
			interval = 1;
			/* -w 2 as well as -w2 and --watch=2. */
			if (!optarg && optind < argc && argv[optind][0] &&
			    strspn(argv[optind], "0123456789.") ==
			    strlen(argv[optind]))
				optarg = argv[optind++];
			if (optarg) {
				interval = strtod(optarg, &end);
				if (*end || !(interval > 0) || interval > 86400) {
					nfo_err("stats: bad interval '%s'", optarg);
					return NFO_EXIT_USAGE;
				}
			}
			break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || count <= 0) {
				nfo_err("stats: bad count '%s'", optarg);
				return NFO_EXIT_USAGE;
			}
			break;
		default:
			return NFO_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		nfo_err("stats: unexpected argument '%s'", argv[optind]);
		return NFO_EXIT_USAGE;
	}
	err = nfq_stats(&a);
	if (err)
		return nfo_exit_for(err, "/proc/net/stat/nft_offload");
	if (!(interval > 0)) {
		print_once(o, &a);
		nfo_statv_free(&a);
		return NFO_EXIT_OK;
	}
	t0 = now_s();
	while (count < 0 || count-- > 0) {
		struct timespec ts = {
			.tv_sec = (time_t)interval,
			.tv_nsec = (long)((interval - (double)(time_t)interval) * 1e9),
		};

		nanosleep(&ts, NULL);
		err = nfq_stats(&b);
		if (err) {
			nfo_statv_free(&a);
			return nfo_exit_for(err, "/proc/net/stat/nft_offload");
		}
		t1 = now_s();
		print_rates(o, &a, &b, t1 - t0);
		nfo_statv_free(&a);
		a = b;
		t0 = t1;
	}
	nfo_statv_free(&a);
	return NFO_EXIT_OK;
}
