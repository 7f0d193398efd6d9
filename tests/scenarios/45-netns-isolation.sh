#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two routers in two network namespaces with identical addresses, devices
# and flowtables: the traffic, flows, statistics and sysctls of one never
# affect the other, even for flows with identical tuples.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
NS_SUFFIX=2 topology_router
offload_ruleset route
n r nft list ruleset | n r2 nft -f - || fail "could not copy the ruleset"

stat_in() {	# NS NAME
	n "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/stat/nft_offload
}

udp_from() {	# COPY(""|2) SPORT: an exchange that must end up offloaded
	n "srv$1" udp-pingpong serve 5001 &
	wait_listen "srv$1" 5001 udp 6
	n "cl$1" udp-pingpong send 10.0.2.2 5001 50 300 --sport "$2" >/dev/null ||
		fail "exchange in copy '$1' failed"
}

# Knobs are per netns.
expect_ok n r2 sysctl -w net.netfilter.nf_flow_offload_udp_timeout=3
[ "$(n r sysctl -n net.netfilter.nf_flow_offload_udp_timeout)" = 30 ] ||
	fail "a timeout set in r2 changed r"

# Traffic in the first copy only.
udp_from "" 4900
n r grep -q "sport=4900 .*OFFLOAD" /proc/net/nf_conntrack || fail "not offloaded in r"
[ "$(stat_in r flows)" = 1 ] || fail "r: $(stat_in r flows) flows"
[ "$(stat_in r2 flows)" = 0 ] || fail "r2 sees r's flow"
[ "$(stat_in r2 fast_ipv4_packets)" = 0 ] || fail "r2 counted r's packets"
[ "$(stat_in r2 offloaded)" = 0 ] || fail "r2 counted r's offload"
n r2 grep -q OFFLOAD /proc/net/nf_conntrack && fail "r2 conntrack shows r's flow"
pass "flows and statistics of r invisible in r2"

# The same tuple in the second copy: two flows, one per netns.
udp_from 2 4900
[ "$(stat_in r flows)" = 1 ] && [ "$(stat_in r2 flows)" = 1 ] ||
	fail "identical tuples: r $(stat_in r flows), r2 $(stat_in r2 flows) flows"
fast_r=$(stat_in r fast_ipv4_packets)
n cl2 udp-pingpong send 10.0.2.2 5001 50 300 --sport 4900 >/dev/null || fail "exchange in r2 failed"
[ "$(stat_in r fast_ipv4_packets)" = "$fast_r" ] || fail "r2's traffic counted in r"
pass "identical tuples in both netns, each counted in its own"

# Switching off in r2 hands back r2's flow only.
expect_ok n r2 sysctl -w net.netfilter.nf_flow_offload=0
[ "$(stat_in r2 flows)" = 0 ] || fail "r2 kept its flow"
[ "$(stat_in r flows)" = 1 ] || fail "switching r2 off touched r's flow"
[ "$(n r sysctl -n net.netfilter.nf_flow_offload)" = 1 ] || fail "switch leaked into r"
pass "the switch of r2 acts on r2 only"

# Deleting r2 leaves r alone.
expect_ok ip netns del r2
n cl udp-pingpong send 10.0.2.2 5001 50 300 --sport 4900 >/dev/null || fail "r broken by r2's deletion"
[ "$(stat_in r flows)" = 1 ] || fail "r lost its flow when r2 went away"
pass "r2 deleted, r unaffected"
