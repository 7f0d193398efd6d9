#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A table too big for the GC to visit whole every second: each run visits
# a share, and a pass takes several runs (src/logic/timeout.h).  Every
# flow must still go in time, when it goes idle and when conntrack drops
# its entries with no packet left to notice, while the table shrinks
# (rehashes) under the GC's iterator.  Never before its timeout.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

FLOWS=30000		# 60000 entries: a pass in 4 runs of 16384
TIMEOUT=20		# a pass may take 5 runs (a quarter of it)
PASS=5

topology_router
offload_ruleset route
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=$TIMEOUT
n r sysctl -q -w net.netfilter.nf_conntrack_udp_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout_stream=600
sysctl -q -w net.netfilter.nf_conntrack_max=$((FLOWS * 3))
# The server drops what arrives: one-way flows, no replies, no ICMP.
n srv nft -f - <<-'NFT'
table netdev sink {
	chain in {
		type filter hook ingress device "srv-r" priority 0;
		meta l4proto udp drop
	}
}
NFT
n r ping -c 1 -W 2 10.0.2.2 >/dev/null || fail "no route to the server"
modprobe pktgen
RMAC=$(n r cat /sys/class/net/r-cl/address)

pg() {
	n cl bash -c "echo '$2' >/proc/net/pktgen/$1" ||
		fail "pktgen $1 '$2'"
}

# COUNT frames over FLOWS source ports, each port once per FLOWS frames.
send() {
	local c

	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device cl-r"
	# Paced: frames the router cannot take yet would be dropped.
	for c in "pkt_size 60" "clone_skb 0" "delay 20000" "count $1" \
		 "dst 10.0.2.2" "dst_mac $RMAC" \
		 "src_min 10.0.1.2" "src_max 10.0.1.2" \
		 "udp_src_min 1024" "udp_src_max $((1024 + FLOWS))" \
		 "udp_dst_min 9000" "udp_dst_max 9000"; do
		pg cl-r "$c"
	done
	pg pgctrl start
}

# Set up the flows: the first frame of each port creates its conntrack
# entry, the second offloads it, a third catches up on any frame lost.
# Sets T1 (the first flow is offloaded no earlier) and T0 (the last
# frame), in ms of uptime, and OFF, the flows offloaded.
setup() {
	local f0 fast0 rx0 rx

	send "$FLOWS"
	f0=$(nfo_stat flows)
	fast0=$(nfo_stat fast_ipv4_packets)
	rx0=$(n r cat /sys/class/net/r-cl/statistics/rx_packets)
	T1=$(_uptime_ms)
	send "$FLOWS"
	# Each port once in this pass, none offloaded before its frame came:
	# a fast-path packet here took another connection's flow.
	rx=$(( $(n r cat /sys/class/net/r-cl/statistics/rx_packets) - rx0 ))
	[ "$(nfo_stat fast_ipv4_packets)" = "$fast0" ] ||
		fail "$(( $(nfo_stat fast_ipv4_packets) - fast0 )) of $rx frames took the fast path before their flows existed"
	send "$FLOWS"
	T0=$(_uptime_ms)
	OFF=$(( $(nfo_stat flows) - f0 ))
	# A pass takes several runs only above 3 x 16384 entries.
	[ "$OFF" -gt 24576 ] ||
		fail "only $OFF of $FLOWS flows offloaded: too few to pace the GC"
	log "$OFF flows offloaded in $(( (T0 - T1) / 1000 )) s"
}

# Idle flows: none before its timeout, all within a pass after it.
idle0=$(nfo_stat teardown_idle)
setup
[ $((T0 - T1)) -lt $(( (TIMEOUT - 5) * 1000 )) ] ||
	fail "setting up took $(( (T0 - T1) / 1000 )) s: no time left before the timeout"
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
wait_for 10 bash -c '[ "$(ip netns exec r conntrack -C)" = 0 ]' ||
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
