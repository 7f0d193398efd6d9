#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An idle flow leaves the fast path after the (per-netns, tunable) timeout,
# and its conntrack entry lives on with a normal timeout.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset route
expect_ok n r sysctl -w net.netfilter.nf_flow_offload_udp_timeout=2
[ "$(n r sysctl -n net.netfilter.nf_flow_offload_udp_timeout)" = 2 ] ||
	fail "timeout did not stick"
expect_fail n r sysctl -w net.netfilter.nf_flow_offload_udp_timeout=0
expect_fail n r sysctl -w net.netfilter.nf_flow_offload_tcp_timeout=-5
# The knob is per netns: the initial netns keeps the default.
[ "$(sysctl -n net.netfilter.nf_flow_offload_udp_timeout)" = 30 ] ||
	fail "timeout leaked into the initial netns"

udp_server
idle0=$(nfo_stat teardown_idle)
n cl udp-pingpong send 10.0.2.2 5001 50 200 || fail "UDP exchange failed"
offloaded_in_conntrack || fail "UDP flow not offloaded"
# Keep it busy for longer than both the flow's idle timeout and
# conntrack's own UDP timeouts (cut to 2 s here): it must stay offloaded,
# and conntrack must not expire an entry it no longer sees packets for.
n r sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=2 \
	net.netfilter.nf_conntrack_udp_timeout_stream=2
n cl udp-pingpong send 10.0.2.2 5001 30 200 --sport 4000 >/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
	n cl udp-pingpong send 10.0.2.2 5001 1 200 --sport 4000 >/dev/null ||
		fail "busy flow lost a datagram"
	sleep 0.5
done
n r grep 'dport=5001' /proc/net/nf_conntrack | grep 'sport=4000' | matches OFFLOAD ||
	fail "busy flow was not kept offloaded past the idle and conntrack timeouts"
# Conntrack's timeouts back to normal, then one more datagram: the flow
# goes idle only after it, so the entry it hands back gets the normal
# timeouts even where this shell is slow (the debug kernel, a loaded host).
n r sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=30 \
	net.netfilter.nf_conntrack_udp_timeout_stream=120
n cl udp-pingpong send 10.0.2.2 5001 1 200 --sport 4000 >/dev/null ||
	fail "busy flow lost a datagram"

wait_for 10 not_offloaded_in_conntrack ||
	fail "idle flows still offloaded after 10 s with a 2 s timeout"
[ "$(nfo_stat teardown_idle)" -gt "$idle0" ] || fail "no idle teardown counted"
entry=$(n r grep 'sport=4000' /proc/net/nf_conntrack) || fail "conntrack entry gone with the flow"
timeout=$(awk '{ print $5 }' <<<"$entry")
[ "$timeout" -gt 2 ] || fail "conntrack entry left with timeout $timeout: $entry"
pass "idle UDP flow handed back after the 2 s timeout, conntrack entry kept ($timeout s)"
