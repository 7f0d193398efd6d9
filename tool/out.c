// SPDX-License-Identifier: GPL-2.0
/* Output helpers (see out.h). */
#include <linux/netfilter.h>

#include "out.h"

void out_json(struct jw *w)
{
	jw_init(w, stdout);
}

const char *out_nfproto_name(int nfproto)
{
	switch (nfproto) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_NETDEV:
		return "netdev";
	case NFPROTO_BRIDGE:
		return "bridge";
	default:
		return "unknown";
	}
}

const char *out_bytes(uint64_t v, char *buf, size_t len)
{
	static const char * const unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double d = (double)v;
	unsigned int i = 0;

	while (d >= 1000 && i < sizeof(unit) / sizeof(unit[0]) - 1) {
		d /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)v);
	else
		snprintf(buf, len, "%.1f %s", d, unit[i]);
	return buf;
}
