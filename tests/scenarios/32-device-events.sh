#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Devices of offloaded flows change under them: removed from the flowtable,
# set down, unregistered, their netns deleted.  Each hands the flows back
# at once, traffic goes on through the normal path, nothing leaks (the
# module unloads cleanly at the end).
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset route
udp_server

offload_flow() {	# SPORT: a UDP exchange that must end up offloaded
	n cl udp-pingpong send 10.0.2.2 5001 20 300 --sport "$1" >/dev/null ||
		fail "exchange from port $1 failed"
	n r grep -q "sport=$1 .*OFFLOAD" /proc/net/nf_conntrack ||
		fail "flow from port $1 not offloaded"
}

# Removed from the flowtable.
offload_flow 4500
dev0=$(nfo_stat teardown_device)
expect_ok n r nft delete flowtable inet filter ft '{ devices = { r-srv }; }'
[ "$(nfo_stat flows)" = 0 ] || fail "flows left after the device left the flowtable"
[ "$(nfo_stat teardown_device)" -gt "$dev0" ] || fail "no device teardown counted"
n cl udp-pingpong send 10.0.2.2 5001 20 300 --sport 4500 >/dev/null ||
	fail "traffic broken after the device left the flowtable"
expect_ok n r nft add flowtable inet filter ft '{ hook ingress priority 0; devices = { r-srv }; }'
pass "device removed from the flowtable: flows handed back, traffic continues"

# Set down (and up again).
offload_flow 4501
dev0=$(nfo_stat teardown_device)
expect_ok n r ip link set r-srv down
[ "$(nfo_stat flows)" = 0 ] || fail "flows left after link down"
[ "$(nfo_stat teardown_device)" -gt "$dev0" ] || fail "no device teardown counted"
expect_ok n r ip link set r-srv up
wait_for 5 _link_up r r-srv
offload_flow 4501
pass "device down: flows handed back; up again: offloaded again"

# Unregistered while flows hold its route and neighbour.
offload_flow 4502
dev0=$(nfo_stat teardown_device)
expect_ok n r ip link del r-srv
[ "$(nfo_stat flows)" = 0 ] || fail "flows left after the device went away"
[ "$(nfo_stat teardown_device)" -gt "$dev0" ] || fail "no device teardown counted"
pass "device unregistered: flows gone, the device did not hang on our references"

# The whole router netns deleted with offloaded flows in it.
topology_router
offload_ruleset masq
udp_server
n cl udp-pingpong send 10.0.2.2 5001 50 300 || fail "exchange failed"
n cl udp-pingpong send fd00:2::2 5001 50 300 || fail "exchange failed"
offloaded_in_conntrack || fail "nothing offloaded before the netns deletion"
expect_ok ip netns del r
wait_for 10 rmmod nft_offload || fail "module still busy after its netns went away"
pass "netns with offloaded flows deleted: everything released, module unloads"
