#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A table too big for the GC to visit whole every second: each run visits
# a share, and a pass takes several runs (src/logic/timeout.h).  Every
# flow must still go in time, when it goes idle and when conntrack drops
# its entries with no packet left to notice, while the table shrinks
# (rehashes) under the GC's iterator.  Never before its timeout.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/pktgen.bash"

FLOWS=9000		# 18000 entries: more than one run's 16384
PASS=8			# runs a pass may take at most

topology_router
offload_ruleset route
n r sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=3600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=3600
sysctl -q -w net.netfilter.nf_conntrack_max=$((FLOWS * 3))
# pktgen counts only the frames the link took, and goes on round the
# ports for those it dropped: some ports would come twice in a pass.  A
# backlog that never overflows keeps every pass one frame per port.
backlog=$(sysctl -n net.core.netdev_max_backlog)
sysctl -q -w net.core.netdev_max_backlog=$((FLOWS * 4))
trap 'sysctl -q -w net.core.netdev_max_backlog=$backlog' EXIT
# The server counts and drops what arrives: one-way flows, no replies.
drop_at srv srv-r
n r ping -c 1 -W 2 10.0.2.2 >/dev/null || fail "no route to the server"
# The server's address, fixed: an ARP reply queued behind thousands of
# frames in the backlog would come too late, and the neighbour would
# fail and drop what it queued.
n r ip neigh replace 10.0.2.2 dev r-srv nud permanent \
	lladdr "$(mac_of srv srv-r)"
modprobe pktgen
RMAC=$(mac_of r r-cl)
NPORTS=$FLOWS
NDST=1

no_ct() {
	[ "$(n r conntrack -C)" = 0 ]
}

sink_at_least() {
	[ "$(rx_count srv)" -ge "$1" ]
}

# One frame for each of FLOWS source ports, in a row; returns once the
# router has forwarded them all.
send() {
	local want errors

	want=$(( $(rx_count srv) + FLOWS ))
	pktgen_send "$FLOWS"
	errors=$(pktgen_errors)
	[ "$errors" = 0 ] || fail "the link dropped $errors frames: not one frame per port"
	wait_for 300 sink_at_least "$want" ||
		fail "the server got $(( $(rx_count srv) - want + FLOWS )) of $FLOWS frames"
}

# Set up the flows: the first frame of each port creates its conntrack
# entry, the second offloads it, a third takes the fast path.  The idle
# timeout leaves time for the last two passes, however slow the kernel
# (the debug one), with a pass's worth and 12 s to spare.  Sets TIMEOUT,
# T1 (no flow was offloaded before) and T0 (the last frame), in ms of
# uptime, and OFF, the flows offloaded.
setup() {
	local t f0 fast0

	t=$(_uptime_ms)
	send
	TIMEOUT=$(( ($(_uptime_ms) - t) * 3 / 1000 + 12 ))
	n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=$TIMEOUT
	f0=$(nfo_stat flows)
	fast0=$(nfo_stat fast_ipv4_packets)
	T1=$(_uptime_ms)
	send
	# Each port once in this pass, none offloaded before its frame came.
	[ "$(nfo_stat fast_ipv4_packets)" = "$fast0" ] ||
		fail "$(( $(nfo_stat fast_ipv4_packets) - fast0 )) of $FLOWS frames took the fast path before their flows existed"
	OFF=$(( $(nfo_stat flows) - f0 ))
	[ "$OFF" = "$FLOWS" ] || fail "$OFF of $FLOWS flows offloaded"
	send
	T0=$(_uptime_ms)
	[ $(( $(nfo_stat fast_ipv4_packets) - fast0 )) = "$FLOWS" ] ||
		fail "$(( $(nfo_stat fast_ipv4_packets) - fast0 )) of $FLOWS frames of offloaded flows took the fast path"
	log "$OFF flows offloaded in $(( (T0 - T1) / 1000 )) s, idle timeout $TIMEOUT s"
}

# Idle flows: none before its timeout, all within a pass after it.
idle0=$(nfo_stat teardown_idle)
setup
[ $((T0 - T1)) -lt $(( (TIMEOUT - 5) * 1000 )) ] ||
	fail "setting up took $(( (T0 - T1) / 1000 )) s: no time left before the $TIMEOUT s timeout"
while [ "$(_uptime_ms)" -lt $((T1 + (TIMEOUT - 4) * 1000)) ]; do
	sleep 0.5
done
now=$(nfo_stat flows)
[ "$now" = "$OFF" ] ||
	fail "$((OFF - now)) flows gone $(( ($(_uptime_ms) - T1) / 1000 )) s into a ${TIMEOUT} s timeout"
left=$(( (T0 + (TIMEOUT + PASS + 6) * 1000 - $(_uptime_ms)) / 1000 + 1 ))
wait_for "$left" no_flows ||
	fail "$(nfo_stat flows) of $OFF idle flows left $(( ($(_uptime_ms) - T0) / 1000 )) s after the last packet (timeout $TIMEOUT s, pass $PASS runs)"
gone=$(( ($(_uptime_ms) - T0) / 1000 ))
[ $(( $(nfo_stat teardown_idle) - idle0 )) -ge "$OFF" ] ||
	fail "only $(( $(nfo_stat teardown_idle) - idle0 )) idle teardowns for $OFF flows"
pass "$OFF idle flows kept for their ${TIMEOUT} s timeout, all gone ${gone} s after the last packet"

# Conntrack entries flushed with no packet to notice: the GC finds them.
n r conntrack -F >/dev/null 2>&1 || true
wait_for 30 no_ct ||
	fail "conntrack entries left after the flush"
gone0=$(nfo_stat teardown_ct_gone)
setup
n r conntrack -F >/dev/null 2>&1 || fail "conntrack -F failed"
t=$(_uptime_ms)
wait_for $((PASS + 6)) no_flows ||
	fail "$(nfo_stat flows) of $OFF flows left $(( ($(_uptime_ms) - t) / 1000 )) s after conntrack -F"
[ $(( $(nfo_stat teardown_ct_gone) - gone0 )) -ge "$OFF" ] ||
	fail "only $(( $(nfo_stat teardown_ct_gone) - gone0 )) ct_gone teardowns for $OFF flows"
pass "$OFF flows of flushed conntrack entries gone within $(( ($(_uptime_ms) - t) / 1000 + 1 )) s"
