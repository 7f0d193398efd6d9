/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/net/stat/nft_offload: "name value" lines.  Most values are
 * counters that only grow; enabled, flows and flows_peak are gauges.
 */
#ifndef NFO_TOOL_STATS_H
#define NFO_TOOL_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFO_STAT_NAME_MAX 64

struct nfo_stat {
	char		name[NFO_STAT_NAME_MAX];
	uint64_t	value;
};

struct nfo_statv {
	struct nfo_stat	*v;
	size_t		n;
};

/* -1 on a malformed line; empty lines are skipped. */
int nfo_stats_parse(const char *text, struct nfo_statv *out);
void nfo_statv_free(struct nfo_statv *v);

/* Looks @name up; false when absent. */
bool nfo_stat_get(const struct nfo_statv *v, const char *name, uint64_t *val);

/* Gauges are shown as values, not rates. */
bool nfo_stat_is_gauge(const char *name);

/*
 * Per-second rate of @name between snapshot @a and a later @b taken
 * @seconds apart.  A counter that went down (module reloaded) restarts
 * from zero: its rate is its new value over the interval.  Gauges give
 * their value in @b.  Returns false when @name is missing from @b or
 * @seconds is not positive.
 */
bool nfo_stat_rate(const struct nfo_statv *a, const struct nfo_statv *b,
		   const char *name, double seconds, double *rate);

#endif /* NFO_TOOL_STATS_H */
