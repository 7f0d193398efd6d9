#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: the client side of the router is bridge br0 (port r-cl) and the
# flowtable lists br0 itself instead of its port.  Offload works, but the
# bridge's direction is sent through the neighbour layer (xmit_neigh)
# rather than directly on the port.  diagnose warns upper_device_listed,
# naming br0 and r-cl; listing the port instead (the fix) gives direct
# transmit and "offloaded".
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/diag.bash"

topology_layers bridge plain
diag_ruleset 'br0, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
udp_server
neigh0=$(nfo_stat xmit_neigh)
udp_exchange 50
ct_has 'sport=4400 .*OFFLOAD' || ofail "not offloaded with br0 listed"
[ "$(nfo_stat xmit_neigh)" -gt "$neigh0" ] ||
	ofail "no direction set up for neighbour transmit with br0 listed"
pass "br0 listed: offloaded, but through the neighbour layer (xmit_neigh $(nfo_stat xmit_neigh))"

diag_expect upper_device_listed 1 10.0.2.2:5001 'bridge br0' 'r-cl' 'slower' \
	'list r-cl in flowtable filter ft instead of br0'
diag_expect upper_device_listed 1 "" 'bridge br0' 'r-cl'

n r nft flush ruleset
n r conntrack -F 2>/dev/null || true
diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
direct0=$(nfo_stat xmit_direct)
udp_exchange 50 200 4401
ct_has 'sport=4401 .*OFFLOAD' || ofail "not offloaded with the port listed"
[ "$(nfo_stat xmit_direct)" -ge $((direct0 + 2)) ] || ofail "not direct with the port listed"
diag_expect offloaded 0 10.0.2.2:5001 'filter ft'
diag_expect none 0 ""
