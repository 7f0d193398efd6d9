#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# net.netfilter.nf_flow_offload: 0 means no offload and hands existing flows
# back at once; 1 offloads again.  Per netns.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset route
udp_server
[ "$(n r sysctl -n net.netfilter.nf_flow_offload)" = 1 ] || fail "default is not 1"

# Off: traffic flows, nothing is offloaded, refusals say why.
expect_ok n r sysctl -w net.netfilter.nf_flow_offload=0
off0=$(nfo_stat refused_sysctl_off)
fast0=$(nfo_stat fast_ipv4_packets)
n cl udp-pingpong send 10.0.2.2 5001 200 500 || fail "UDP exchange failed while off"
offloaded_in_conntrack && fail "[OFFLOAD] while switched off"
[ "$(nfo_stat fast_ipv4_packets)" = "$fast0" ] || fail "fast path used while switched off"
[ "$(nfo_stat refused_sysctl_off)" -gt "$off0" ] || fail "refusals not counted as sysctl_off"
pass "switched off: no offload, refusals counted"

# On: the same traffic is offloaded.
expect_ok n r sysctl -w net.netfilter.nf_flow_offload=1
n cl udp-pingpong send 10.0.2.2 5001 200 500 --sport 4100 || fail "UDP exchange failed"
offloaded_in_conntrack || fail "not offloaded after switching on"
[ "$(nfo_stat fast_ipv4_packets)" -gt "$fast0" ] || fail "fast path unused after switching on"
pass "switched on: offloaded"

# Off again with a live flow: handed back at once, not at the idle timeout.
admin0=$(nfo_stat teardown_admin)
expect_ok n r sysctl -w net.netfilter.nf_flow_offload=0
offloaded_in_conntrack && fail "flow still offloaded right after switching off"
[ "$(nfo_stat teardown_admin)" -gt "$admin0" ] || fail "no admin teardown counted"
[ "$(nfo_stat flows)" = 0 ] || fail "flows left after switching off"
n cl udp-pingpong send 10.0.2.2 5001 100 500 --sport 4100 || fail "flow broken by switching off"
pass "switched off live: flows handed back immediately, traffic continues"

# Per netns: another netns still has its own switch on.
netns other
[ "$(n other sysctl -n net.netfilter.nf_flow_offload)" = 1 ] ||
	fail "the switch leaked into another netns"
expect_err 'Invalid argument' n r sysctl -w net.netfilter.nf_flow_offload=2
pass "switch is per netns and only takes 0 or 1"

# Only the netns's admin may flip it: not an unprivileged user...
expect_err 'denied|not permitted' n r run-as 65534 sysctl -w net.netfilter.nf_flow_offload=1
[ "$(n r sysctl -n net.netfilter.nf_flow_offload)" = 0 ] || fail "an unprivileged user changed the switch"
# ...while the root of a user namespace owns the netns it creates.
out=$(run-as --userns 65534 sh -c 'sysctl -w net.netfilter.nf_flow_offload=0 &&
	sysctl -n net.netfilter.nf_flow_offload') || fail "userns root could not set its own netns's switch: $out"
[ "$(tail -n 1 <<<"$out")" = 0 ] || fail "userns write did not stick: $out"
[ "$(sysctl -n net.netfilter.nf_flow_offload)" = 1 ] || fail "userns write leaked into the initial netns"
pass "writable only by the netns's admin (unprivileged user refused, userns-owned netns allowed)"
