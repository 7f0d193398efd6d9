#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# net.ipv6.conf.all.forwarding=0 stops the router forwarding IPv6, offloaded
# flows included: their next packet is handed back (and ip6_forward() drops
# it, as it drops everything), none reaches the server.  IPv4 carries on.
# Switched on again, IPv6 is forwarded and offloaded again.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset route
udp_server
server_probe

n cl udp-pingpong send fd00:2::2 5001 50 300 --sport 4600 || ofail "IPv6 exchange failed"
n r grep "sport=4600 " /proc/net/nf_conntrack | matches OFFLOAD || ofail "IPv6 flow not offloaded"
n cl udp-pingpong send 10.0.2.2 5001 50 300 --sport 4601 || ofail "IPv4 exchange failed"

expect_ok n r sysctl -q -w net.ipv6.conf.all.forwarding=0
route0=$(nfo_stat teardown_route)
before=$(probe_bytes from_client)
n cl udp-pingpong send fd00:2::2 5001 20 300 --sport 4600 --noecho || fail "sending failed"
nap 0.5
[ "$(probe_bytes from_client)" = "$before" ] ||
	ofail "IPv6 forwarded with forwarding off: $(( $(probe_bytes from_client) - before )) bytes reached the server"
[ "$(nfo_stat teardown_route)" -gt "$route0" ] || ofail "the offloaded IPv6 flow was not handed back"
n cl udp-pingpong send 10.0.2.2 5001 50 300 --sport 4601 || ofail "IPv4 stopped too"
pass "IPv6 forwarding off: nothing forwarded, the flow handed back; IPv4 unaffected"

expect_ok n r sysctl -q -w net.ipv6.conf.all.forwarding=1
wait_for 10 _settled r r-cl r-srv
fast0=$(nfo_stat fast_ipv6_packets)
n cl udp-pingpong send fd00:2::2 5001 100 300 --sport 4602 || ofail "IPv6 exchange failed after switching on"
n r grep "sport=4602 " /proc/net/nf_conntrack | matches OFFLOAD || ofail "IPv6 not offloaded again"
[ "$(nfo_stat fast_ipv6_packets)" -gt $((fast0 + 50)) ] || ofail "IPv6 fast path unused again"
pass "IPv6 forwarding on again: offloaded"
