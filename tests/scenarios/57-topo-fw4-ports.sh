#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# firewall4's software configuration caught at the ports.  The router is
# firewall4's (fw4.bash: br-lan over lan1 and lan2, the WAN on wan.7 over
# eth1) with firewall4's c-vlan-sw ruleset, whose flowtable lists br-lan
# and wan.7, not their ports.  Port hooks (src/ports.h) take the packets
# at lan1, lan2 and eth1 when the bridge or the VLAN code would hand them
# to br-lan or wan.7 unchanged and unobserved.  Proofs:
# - offloaded traffic is taken at the ports (port_bridge_packets,
#   port_vlan_packets), both directions sent directly, data intact;
# - br-lan's and wan.7's packet counters count every packet, as the
#   normal path's would;
# - the bridge keeps learning the client (port_learn; its forwarding
#   database entry never ages beyond a few seconds under a busy flow);
# - whatever would observe or change the skipped layer sends the packets
#   through it: a packet socket on br-lan (it sees every packet), a bridge
#   chain (it counts every packet), VLAN filtering on the bridge, a port
#   that stops forwarding (its packets are dropped as the bridge drops
#   them), an ingress chain on wan.7, a tc filter on wan.7.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/fw4.bash"

# dev_count DEV rx|tx: packets DEV counted in r.
dev_count() {
	dev_stat r "$1" "$2_packets"
}

# exchange N: N UDP request/replies from cl2 to the server (data checked).
exchange() {
	n cl2 udp-pingpong send "$SRV" 5001 "$1" 200 --sport 4400
}

# ports_took N WHAT: the last exchange of N was taken at the ports, both
# ways (at lan2 and at eth1).
ports_took() {
	local b v

	b=$(( $(nfo_stat port_bridge_packets) - PB0 ))
	v=$(( $(nfo_stat port_vlan_packets) - PV0 ))
	[ "$b" -ge $(( $1 * 9 / 10 )) ] || ofail "$2: $b of $1 requests taken at lan2"
	[ "$v" -ge $(( $1 * 9 / 10 )) ] || ofail "$2: $v of $1 replies taken at eth1"
}

# ports_idle WHAT: the last exchange was not taken at the bridge's ports.
ports_idle() {
	local b

	b=$(( $(nfo_stat port_bridge_packets) - PB0 ))
	[ "$b" = 0 ] || ofail "$1: $b packets taken at the bridge's ports"
}

# settle: after a change that takes the flow down (its bridge path is
# checked again), a few exchanges offload it again, and its old entry is
# collected before anything is measured.  The router's neighbour entry
# for cl2 is made valid first: a disabled port or one that left the
# bridge fails the router's probes, and a flow offloaded before the
# address is resolved again sends that way through the neighbour layer,
# and so is never taken at lan2 (as with the in-kernel flowtable).
settle() {
	n cl2 ping -c 1 -W 2 192.168.1.1 >/dev/null || true
	exchange 10 >/dev/null || true
	nap 0.5
	exchange 10 >/dev/null || true
}

stat_at_most() {
	[ "$(nfo_stat "$1")" -le "$2" ]
}

mark() {
	PB0=$(nfo_stat port_bridge_packets)
	PV0=$(nfo_stat port_vlan_packets)
	FAST0=$(nfo_stat fast_ipv4_packets)
}

fast_rose() {
	local f=$(( $(nfo_stat fast_ipv4_packets) - FAST0 ))

	[ "$f" -ge "$1" ] || ofail "$2: the fast path forwarded $f packets, want $1"
}

fw4_router vlan
expect_ok n r nft -f "$FW4/c-vlan-sw.nft"
n r nft list flowtable inet fw4 ft | matches -E 'devices = \{ "?br-lan"?, "?wan\.7"? \}' ||
	fail "c-vlan-sw: the flowtable does not list br-lan and wan.7"
# The port hooks come with the flowtable: lan1, lan2 and eth1.
wait_for 5 stat_at_least port_hooks 3 ||
	fail "$(nfo_stat port_hooks) port hooks, want 3 (lan1, lan2, eth1)"

# 1. A TCP upload from cl (lan1) and UDP from cl2 (lan2), both ways at
# the ports.
mark
learn0=$(nfo_stat port_learn)
direct0=$(nfo_stat xmit_direct)
bytes=$(bulk 4)
tcp_transfer 4 "$SRV" 5001 "$bytes"
[ "$SAW_OFFLOAD" = 1 ] || ofail "TCP: no [OFFLOAD] in conntrack"
b=$(( $(nfo_stat port_bridge_packets) - PB0 ))
v=$(( $(nfo_stat port_vlan_packets) - PV0 ))
fast=$(( $(nfo_stat fast_ipv4_packets) - FAST0 ))
# Nothing keeps them from the ports: the fast path's packets were taken
# there, but for one a second left to the bridge to learn from.
[ "$fast" -gt 20 ] || ofail "TCP: only $fast packets on the fast path"
[ $(( (b + v) * 10 )) -ge $(( fast * 9 )) ] ||
	ofail "TCP: of $fast fast-path packets, $b taken at lan1 and $v at eth1"
[ "$v" -gt 0 ] || ofail "TCP: the server's acknowledgements not taken at eth1"
[ $(( $(nfo_stat xmit_direct) - direct0 )) -ge 2 ] ||
	ofail "TCP: not both directions sent directly"
[ "$(nfo_stat port_learn)" -gt "$learn0" ] ||
	ofail "TCP: no packet left to the bridge to learn the client"
pass "TCP upload through br-lan and wan.7: intact, [OFFLOAD], of $fast fast-path packets $b taken at lan1 and $v at eth1, both directions sent directly"

# 2. br-lan's and wan.7's counters: every packet, as the normal path's.
N=300
mark
brx0=$(dev_count br-lan rx) btx0=$(dev_count br-lan tx)
vrx0=$(dev_count wan.7 rx) vtx0=$(dev_count wan.7 tx)
exchange "$N" || ofail "UDP exchange incomplete or corrupted"
ports_took "$N" "UDP"
fast_rose $((2 * N * 9 / 10)) "UDP"
for c in "br-lan rx $brx0" "br-lan tx $btx0" "wan.7 rx $vrx0" "wan.7 tx $vtx0"; do
	set -- $c
	d=$(( $(dev_count "$1" "$2") - $3 ))
	[ "$d" -ge "$N" ] && [ "$d" -le $((N + 20)) ] ||
		ofail "$1 counted $d $2 packets for $N UDP exchanges"
done
pass "UDP: taken at lan2 and eth1; br-lan and wan.7 counted each of the $N packets each way"

# 3. The bridge keeps learning the client under a busy flow: after 5 s of
# exchanges, all taken at lan2 but for one a second, the entry of cl2's
# MAC was updated within the last few seconds (without the learning, 5).
mac2=$(mac_of cl2 cl2-r)
mark
learn0=$(nfo_stat port_learn)
for i in 1 2 3 4 5; do
	exchange 50 || ofail "learning: UDP exchange incomplete"
	nap 1
done
fdb=$(bridge -n r -s fdb show br br-lan)
upd=$(awk -v m="$mac2" 'tolower($1) == tolower(m) && / master br-lan/ && !f { for (i = 1; i <= NF; i++) if ($i == "used") { split($(i + 1), a, "/"); print a[2]; f = 1 } }' <<<"$fdb")
ports_took 250 "learning"
learned=$(( $(nfo_stat port_learn) - learn0 ))
[ -n "$upd" ] || ofail "learning: no forwarding database entry for cl2 ($mac2)"
[ "$upd" -le 2 ] || ofail "learning: cl2's entry last updated $upd s ago ($learned packets left to the bridge)"
[ "$learned" -ge 2 ] || ofail "learning: only $learned packets left to the bridge in 5 s"
pass "the bridge learns the client under a busy flow: $learned packets left to it in 5 s, entry updated $upd s ago"

# 4. A packet socket on br-lan sees every packet it receives: none taken
# at lan2.
mark
rm -f /tmp/br.sniff
n r pktcraft sniff br-lan 2 /tmp/br.sniff 2>/tmp/br.sniff.log & spid=$!
wait_for 5 test -e /tmp/br.sniff || fail "sniffer did not start"
exchange 20 || ofail "tap: UDP exchange incomplete"
wait "$spid" || true
ports_idle "a packet socket on br-lan"
fast_rose 20 "a packet socket on br-lan"
frames=$(sed -n 's/.*: \([0-9]*\) frames recorded.*/\1/p' /tmp/br.sniff.log)
[ "${frames:-0}" -ge 20 ] ||
	ofail "a packet socket on br-lan recorded ${frames:-0} frames, want the 20 requests"
pass "a packet socket on br-lan: it saw every request ($frames frames), nothing taken at the bridge's ports, flows still fast at br-lan"

# 5. A bridge chain sees every packet.
n r nft -f - <<'NFT'
table bridge watch {
	counter seen { }
	chain pre {
		type filter hook prerouting priority 0;
		ip daddr 203.0.113.1 udp dport 5001 counter name seen
	}
}
NFT
mark
exchange 50 || ofail "bridge chain: UDP exchange incomplete"
seen=$(nft_counter r bridge watch seen packets)
[ "$seen" -ge 50 ] || ofail "bridge chain: counted $seen of 50"
ports_idle "a bridge prerouting chain"
n r nft delete table bridge watch
pass "a bridge chain: it counted all $seen packets, none taken at the ports"

# 6. VLAN filtering on the bridge: the bridge decides, not the port hook.
ip -n r link set br-lan type bridge vlan_filtering 1
settle
mark
exchange 50 || ofail "VLAN filtering: UDP exchange incomplete"
ports_idle "VLAN filtering"
fast_rose 50 "VLAN filtering"
ip -n r link set br-lan type bridge vlan_filtering 0
settle
mark
exchange 50 || ofail "VLAN filtering off again: UDP exchange incomplete"
ports_took 50 "VLAN filtering off again"
pass "VLAN filtering on br-lan: packets through the bridge, fast at br-lan; off again, at the ports"

# 7. A port that stops forwarding: its frames are dropped, as the bridge
# drops them, and none is taken.
# (Disabled: without STP the bridge makes a blocking port forward again
# at once.)
expect_ok n r bridge link set dev lan2 state 0
mark
! timeout 2 netns-exec --net-only cl2 udp-pingpong send "$SRV" 5001 1 200 --sport 4400 >/dev/null 2>&1 ||
	ofail "disabled port: the exchange went through"
ports_idle "disabled port"
[ $(( $(nfo_stat port_vlan_packets) - PV0 )) = 0 ] ||
	ofail "disabled port: replies forwarded"
expect_ok n r bridge link set dev lan2 state 3
settle
mark
exchange 50 || ofail "forwarding again: UDP exchange incomplete"
ports_took 50 "forwarding again"
pass "lan2 disabled: nothing through, nothing taken; forwarding again: taken at the port"

# 8. A chain of the user's on wan.7's ingress sees every packet: none
# taken at eth1.
n r nft -f - <<'NFT'
table netdev watch {
	counter seen { }
	chain in {
		type filter hook ingress device "wan.7" priority -10;
		ip saddr 203.0.113.1 udp sport 5001 counter name seen
	}
}
NFT
mark
exchange 50 || ofail "wan.7 chain: UDP exchange incomplete"
v=$(( $(nfo_stat port_vlan_packets) - PV0 ))
[ "$v" = 0 ] || ofail "a chain on wan.7: $v replies taken at eth1"
seen=$(nft_counter r netdev watch seen packets)
[ "$seen" -ge 50 ] || ofail "a chain on wan.7: it counted $seen of 50 replies"
fast_rose 50 "a chain on wan.7"
n r nft delete table netdev watch
pass "an ingress chain on wan.7: it counted all $seen replies, none taken at eth1, still fast at wan.7"

# 9. The port hooks follow the ports and the flowtable: a port that leaves
# the bridge loses its hook, one that joins gets one, and none outlives
# the flowtable.
expect_ok n r ip link set lan2 nomaster
[ "$(nfo_stat port_hooks)" = 2 ] ||
	ofail "lan2 left br-lan: $(nfo_stat port_hooks) port hooks, want 2"
expect_ok n r ip link set lan2 master br-lan
[ "$(nfo_stat port_hooks)" = 3 ] ||
	ofail "lan2 back in br-lan: $(nfo_stat port_hooks) port hooks, want 3"
expect_ok n r nft delete table inet fw4
# nf_tables frees a deleted flowtable from a work item.
wait_for 5 stat_at_most port_hooks 0 ||
	ofail "flowtable deleted: $(nfo_stat port_hooks) port hooks left"
pass "port hooks follow the bridge's ports (3, 2, 3) and go with the flowtable"

# 10. A tc filter on wan.7's ingress sees every packet: none taken at eth1.
n r nft -f "$FW4/c-vlan-sw.nft"
wait_for 5 stat_at_least port_hooks 3 || fail "no port hooks after reloading"
expect_ok n r tc qdisc add dev wan.7 clsact
expect_ok n r tc filter add dev wan.7 ingress protocol ip prio 1 matchall action ok
settle
mark
exchange 50 || ofail "tc: UDP exchange incomplete"
v=$(( $(nfo_stat port_vlan_packets) - PV0 ))
[ "$v" = 0 ] || ofail "a tc filter on wan.7: $v replies taken at eth1"
fast_rose 50 "a tc filter on wan.7"
hits=$(n r tc -s filter show dev wan.7 ingress | awk '/Sent/ && !f { print $4; f = 1 }')
[ "${hits:-0}" -ge 50 ] || ofail "a tc filter on wan.7 saw ${hits:-0} packets, want 50 or more"
expect_ok n r tc qdisc del dev wan.7 clsact
mark
exchange 50 || ofail "tc removed: UDP exchange incomplete"
ports_took 50 "tc removed"
pass "a tc filter on wan.7: it saw all $hits packets, none taken at eth1; removed, taken at eth1 again"
