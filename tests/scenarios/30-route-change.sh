#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A route change on the router hands offloaded flows back at their next
# packet: traffic then follows the new route (here, a blackhole: nothing
# more reaches the server), and follows the old one again once it returns.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

# The flow of source port 4400 to $dst, offloaded again after two more
# packets (the torn-down flow may still await the GC's next pass, and
# until then conntrack keeps it from being added anew).
_reoffloaded() {
	n cl udp-pingpong send "$dst" 5001 2 300 --sport 4400 &&
		n r grep -q "sport=4400.*OFFLOAD" /proc/net/nf_conntrack
}

topology_router
offload_ruleset route
udp_server
server_probe

for fam in 4 6; do
	dst=$(target_addr "$fam" route)
	plen=32
	[ "$fam" = 6 ] && plen=128
	n cl udp-pingpong send "$dst" 5001 20 300 --sport 4400 || fail "exchange failed"
	n r grep -q "sport=4400.*OFFLOAD" /proc/net/nf_conntrack ||
		fail "IPv$fam flow not offloaded"

	route0=$(nfo_stat teardown_route)
	expect_ok n r ip -"$fam" route add blackhole "$dst/$plen"
	before=$(probe_bytes from_client)
	n cl udp-pingpong send "$dst" 5001 5 300 --sport 4400 --noecho
	sleep 0.5
	[ "$(probe_bytes from_client)" = "$before" ] ||
		fail "IPv$fam: packets reached the server through the stale route"
	[ "$(nfo_stat teardown_route)" -gt "$route0" ] || fail "IPv$fam: no route teardown counted"
	pass "IPv$fam route changed: flow handed back, new route (blackhole) obeyed"

	expect_ok n r ip -"$fam" route del blackhole "$dst/$plen"
	n cl udp-pingpong send "$dst" 5001 20 300 --sport 4400 ||
		fail "IPv$fam: traffic does not resume after the route returns"
	wait_for 10 _reoffloaded || fail "IPv$fam flow not offloaded again"
	pass "IPv$fam route restored: traffic resumes and is offloaded again"
done
