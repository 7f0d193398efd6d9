#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Offloaded traffic leaving through a VLAN or PPP device still gets what
# that device's own transmit does on the normal path:
#   a shaper on the WAN VLAN device (SQM) sees and paces every packet;
#   the VLAN's egress-qos-map puts the 802.1p bits into the tag;
#   the PPPoE session's device sees every packet: pppd's `idle` reads its
#   transmit time, and a shaper on it paces them.
# Each with the connection offloaded (layered_transfer's proofs); without
# any of these, the fast path sends on the port directly (50-topo-vlan).
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"

# qdisc_bytes NS DEV: bytes the root qdisc of DEV sent.
qdisc_bytes() {
	n "$1" tc -s qdisc show dev "$2" | awk '$1 == "Sent" { print $2; exit }'
}

# priority_bytes NAME: bytes of the server's input counter NAME.
priority_bytes() {
	nft_counter srv inet prio "$1" bytes
}

topology_layers plain vlan

# A shaper on the WAN VLAN device: 20 Mbit/s.
RATE=20000000
expect_ok n r tc qdisc add dev "$WAN_L3" root tbf rate "$RATE"bit burst 32k latency 400ms
bytes=$(bulk 4)
q0=$(qdisc_bytes r "$WAN_L3")
_uptime_ms_to t0
layered_transfer 4 "$bytes"
_uptime_ms_to t1
q=$(( $(qdisc_bytes r "$WAN_L3") - q0 ))
ms=$((t1 - t0))
log "shaper on $WAN_L3: sent $q bytes for a $bytes-byte transfer in $ms ms"
[ "$q" -ge "$bytes" ] || ofail "the shaper on $WAN_L3 saw $q bytes of a $bytes-byte offloaded transfer"
# Paced: no faster than the rate allows (less the burst).
min_ms=$(( (bytes - 32768) * 8 / (RATE / 1000) ))
[ "$ms" -ge $((min_ms * 9 / 10)) ] ||
	ofail "$bytes bytes in $ms ms through a $RATE bit/s shaper (at least $min_ms ms)"
pass "shaper on $WAN_L3: every offloaded packet went through it, paced ($ms ms, at least $min_ms)"
expect_ok n r tc qdisc del dev "$WAN_L3" root

# The VLAN's egress-qos-map: priority 0 (every packet here) leaves with
# PCP 5; the server maps PCP 5 back to priority 5 and counts.
expect_ok n r ip link set "$WAN_L3" type vlan egress-qos-map 0:5
expect_ok n srv ip link set "$SRV_L3" type vlan ingress-qos-map 5:5
n srv nft -f - <<-'NFT'
table inet prio {
	counter pcp5 { }
	counter total { }
	chain in {
		type filter hook input priority 0;
		tcp dport 5001 counter name total
		tcp dport 5001 meta priority 0:5 counter name pcp5
	}
}
NFT
bytes=$(bulk 4)
layered_transfer 4 "$bytes"
all=$(priority_bytes total)
pcp5=$(priority_bytes pcp5)
log "egress-qos-map: $pcp5 of $all bytes arrived with PCP 5"
[ "$all" -ge "$bytes" ] || ofail "the server counted $all bytes of $bytes"
[ "$pcp5" = "$all" ] || ofail "only $pcp5 of $all bytes arrived with PCP 5"
pass "egress-qos-map on $WAN_L3: every offloaded packet tagged with PCP 5"

# PPPoE, with pppd's `idle 10`: a shaper on the session's device (SQM on
# pppoe-wan) sees every packet; then a session busy with nothing but
# offloaded traffic for 25 s is not hung up as idle (pppd reads the PPP
# device's last transmit and receive times).  No step may leave the
# session without traffic for 10 s.
PPPD_EXTRA="idle 10" topology_pppoe
expect_ok n r tc qdisc replace dev ppp-wan root pfifo limit 1000
q0=$(qdisc_bytes r ppp-wan)
bytes=$(bulk 4)
layered_transfer 4 "$bytes"
q=$(( $(qdisc_bytes r ppp-wan) - q0 ))
log "a queue on ppp-wan sent $q bytes"
[ "$q" -ge "$bytes" ] || ofail "a queue on ppp-wan saw $q bytes of a $bytes-byte offloaded transfer"
pass "PPPoE: every offloaded packet went through ppp-wan's queue"

udp_server
fast0=$(nfo_stat fast_ipv4_packets)
_uptime_ms_to t0
t=$t0
while [ $((t - t0)) -lt 25000 ]; do
	n cl udp-pingpong send 10.0.2.2 5001 100 200 --sport 4900 >/dev/null ||
		ofail "the UDP exchange over the session failed after $((t - t0)) ms"
	nap 0.2
	_uptime_ms_to t
done
fast=$(( $(nfo_stat fast_ipv4_packets) - fast0 ))
n r grep -q "sport=4900 .*OFFLOAD" /proc/net/nf_conntrack || ofail "the exchange was not offloaded"
_ppp_up r ppp-wan 10.0.2.1 || { cat /tmp/pppd.log; ofail "pppd hung up the busy session"; }
! grep -q "lack of activity" /tmp/pppd.log || { cat /tmp/pppd.log; ofail "pppd took the session for idle"; }
pass "PPPoE with idle 10: 25 s of offloaded traffic ($fast fast-path packets), the session stays up"
