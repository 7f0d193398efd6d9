#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A packet of an offloaded flow whose TTL / hop limit would expire at the
# router goes to the normal path, which answers with ICMP time exceeded.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset route
udp_server

icmp_counter() {	# NS FAMILY: ICMP time exceeded messages received
	if [ "$2" = 4 ]; then
		snmp "$1" Icmp InTimeExcds
	else
		snmp "$1" snmp6 Icmp6InTimeExcds
	fi
}

icmp_grew() { [ "$(icmp_counter cl "$1")" -gt "$2" ]; }

for fam in 4 6; do
	dst=$(target_addr "$fam" route)
	n cl udp-pingpong send "$dst" 5001 20 300 --sport 4200 || fail "exchange failed"
	n r grep -q "sport=4200.*OFFLOAD" /proc/net/nf_conntrack ||
		fail "IPv$fam flow not offloaded"
	ttl0=$(nfo_stat slow_ttl)
	te0=$(icmp_counter cl "$fam")
	n cl udp-pingpong send "$dst" 5001 3 300 --sport 4200 --ttl 1 --noecho
	wait_for 5 stat_at_least slow_ttl $((ttl0 + 3)) ||
		fail "IPv$fam: TTL-1 packets not sent to the normal path"
	wait_for 5 icmp_grew "$fam" "$te0" ||
		fail "IPv$fam: client got no ICMP time exceeded"
	pass "IPv$fam TTL 1 on an offloaded flow: normal path, ICMP time exceeded ($(icmp_counter cl "$fam") received)"
done
