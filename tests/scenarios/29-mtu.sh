#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Packets of an offloaded flow larger than the egress MTU go to the normal
# path: with DF (path MTU discovery on) the sender gets ICMP fragmentation
# needed / packet too big; without DF (IPv4) they are fragmented and
# arrive intact.  Client MTU 9000, server 1500.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router 9000 1500
offload_ruleset route
udp_server

unreach() {	# FAMILY: "destination unreachable"/"packet too big" at cl
	if [ "$1" = 4 ]; then
		snmp cl Icmp InDestUnreachs
	else
		snmp cl snmp6 Icmp6InPktTooBigs
	fi
}

unreach_grew() { [ "$(unreach "$1")" -gt "$2" ]; }

for fam in 4 6; do
	dst=$(target_addr "$fam" route)
	n cl udp-pingpong send "$dst" 5001 20 500 --sport 4300 --df || fail "exchange failed"
	n r grep -q "sport=4300.*OFFLOAD" /proc/net/nf_conntrack ||
		fail "IPv$fam flow not offloaded"

	# PMTU discovery on: too big with DF -> ICMP back to the client.
	mtu0=$(nfo_stat slow_mtu)
	u0=$(unreach "$fam")
	n cl udp-pingpong send "$dst" 5001 2 3000 --sport 4300 --df --noecho || true
	wait_for 5 unreach_grew "$fam" "$u0" ||
		fail "IPv$fam: no ICMP fragmentation needed / packet too big at the client"
	[ "$(nfo_stat slow_mtu)" -gt "$mtu0" ] || fail "IPv$fam: over-MTU packet not counted as slow_mtu"
	pass "IPv$fam over-MTU with DF: normal path, ICMP to the sender"

	# PMTU discovery off: fragmented on the way (by the router for IPv4,
	# by the sender after the ICMP for IPv6) and delivered intact.
	n cl udp-pingpong send "$dst" 5001 20 3000 --sport 4301 --nodf ||
		fail "IPv$fam: large datagrams without DF did not arrive intact"
	pass "IPv$fam over-MTU without DF: fragmented and intact"
done
[ "$(nfo_stat slow_fragment)" -gt 0 ] || fail "fragments never seen on the slow path"

# An egress MTU above 65535: IPv6 forwards up to IP6_MAX_MTU (65575), so a
# dummy device of MTU 70000 fits every packet, and none may go slow for its
# size.  The dummy drops what it sends; the server's datagrams, the flow's
# reply, still reach the router over r-srv and establish the connection.
n r ip link add d0 mtu 70000 type dummy
n r ip link set d0 up
n r ip -6 route add fd00:2::2/128 dev d0
n cl udp-pingpong send fd00:2::2 5002 1 100 --sport 4310 --noecho
n srv udp-pingpong send fd00:1::2 4310 1 100 --sport 5002 --noecho
n cl udp-pingpong send fd00:2::2 5002 1 100 --sport 4310 --noecho
wait_for 5 n r grep -q "orig_sport=4310 .*orig_oif=d0 " /proc/net/nft_offload_flows ||
	fail "no flow out of d0"
mtu0=$(nfo_stat slow_mtu)
n cl udp-pingpong send fd00:2::2 5002 20 1000 --sport 4310 --noecho
pkts=$(n r sed -n 's/.*orig_sport=4310 .*orig_packets=\([0-9]*\) .*/\1/p' \
	/proc/net/nft_offload_flows)
[ "$(nfo_stat slow_mtu)" = "$mtu0" ] ||
	fail "IPv6 through MTU 70000: packets went slow for their size"
[ "${pkts:-0}" -ge 20 ] || fail "IPv6 through MTU 70000: $pkts packets forwarded fast, not 20"
pass "IPv6 egress MTU above 65535: every packet on the fast path"
