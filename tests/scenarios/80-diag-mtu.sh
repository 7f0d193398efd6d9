#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: client side MTU 9000, server side 1500.  An offloaded UDP flow
# then carries datagrams larger than 1500 bytes: each takes the normal path
# to be fragmented (slow_mtu rises) while conntrack shows [OFFLOAD].
# diagnose names mtu with both devices and their MTUs.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

topology_router 9000 1500
diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
udp_server
udp_exchange 20 500 4300
ct_has 'sport=4300 .*OFFLOAD' || ofail "small datagrams not offloaded"
mtu0=$(nfo_stat slow_mtu)
n cl udp-pingpong send 10.0.2.2 5001 20 3000 --sport 4300 --nodf ||
	ofail "large datagrams did not arrive intact"
[ $(( $(nfo_stat slow_mtu) - mtu0 )) -ge 15 ] ||
	ofail "slow_mtu rose by $(( $(nfo_stat slow_mtu) - mtu0 )), want about 20"
ct_has 'sport=4300 .*OFFLOAD' || ofail "flow no longer offloaded"
pass "MTU 9000 -> 1500: offloaded, yet $(( $(nfo_stat slow_mtu) - mtu0 )) datagrams took the normal path (slow_mtu)"

diag_expect mtu 1 10.0.2.2:5001 'r-cl \(MTU 9000\)' 'r-srv \(MTU 1500\)' 'slow_mtu' \
	'ip link set dev r-cl mtu 1500'
