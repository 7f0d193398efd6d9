#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The WAN is a PPPoE session, dialled with pppd against pppoe-server (both
# in kernel mode); the flowtable lists the ports.  IPv4 and IPv6 TCP,
# masqueraded, offloaded with the PPPoE and PPP headers popped and pushed
# by the fast path, the PPP device's counters kept; the session's frames
# taken from its peer only, and handed back whole to the normal path.
# nfo-core: PPPoE session headers pushed and stripped (session, length, protocol)
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"

# The concentrator's PPPoE runs in user space: 4 MB is plenty.
topology_pppoe
layered_transfer 4 "$(bulk 4)"
layered_transfer 6 "$(bulk 4)"

# Frames of the session from its peer only: pppoe_rcv() finds a session
# by its id and the frame's source address, so the normal path drops a
# frame with the session's id from any other address, whatever it
# carries.  A reply of an offloaded UDP flow, forged with the session's
# id, crossed the router from the concentrator's own address (the forgery
# is right) and not from another one.
sid=$(awk '/PPP session is/ { print $NF }' /tmp/pppd.log | tail -n 1)
[ -n "$sid" ] || { cat /tmp/pppd.log; fail "no session id in pppd's log"; }
n cl nft -f - <<'NFT'
table netdev probe {
	counter forged { }
	chain in {
		type filter hook ingress device cl-r priority 0;
		udp sport 5001 @ih,0,64 0x4e464f434153453a counter name forged
	}
}
NFT
udp_server
n cl udp-pingpong send 10.0.2.2 5001 20 200 --sport 4700 >/dev/null ||
	ofail "UDP over the session failed"
wait_for 10 n r grep -q "sport=4700 .*OFFLOAD" /proc/net/nf_conntrack ||
	ofail "the UDP flow was not offloaded"
# The reply tuple's destination port: masquerade may have changed it.
port=$(n r conntrack -L -p udp --orig-port-src 4700 2>/dev/null |
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^dport=/) p = substr($i, 7) } END { print p }')
[ -n "$port" ] || ofail "no conntrack entry for the UDP flow"
forge() {	# SOURCE-MAC [CASE]
	n srv pktcraft send srv-r "$(mac_of r r-srv)" --src "$1" --sid "$sid" \
		"udp4=10.0.2.2,5001,10.0.2.1,$port" "${2:-pppoe}" >/dev/null
}
forged_is() {	# N: the client got N forged replies
	[ "$(nft_counter cl netdev probe forged packets)" = "$1" ]
}
fast0=$(nfo_stat fast_ipv4_packets)
forge "$(mac_of srv srv-r)"
wait_for 5 forged_is 1 ||
	ofail "a forged reply from the concentrator's address did not reach the client"
[ "$(nfo_stat fast_ipv4_packets)" -gt "$fast0" ] ||
	ofail "the forged reply from the concentrator's address took the normal path"
forge 02:00:00:00:00:77
! wait_for 3 forged_is 2 >/dev/null ||
	ofail "a frame of the session from another address reached the client"
[ "$(nfo_stat slow_pppoe_peer)" = 1 ] ||
	ofail "slow_pppoe_peer is $(nfo_stat slow_pppoe_peer), not 1"
pass "PPPoE: frames of the session are forwarded from its peer's address only"

# Padding inside the session's payload, past the IP packet: the normal
# path forwards such a frame (the IP layer trims the padding), so it must
# still be whole when the fast path hands it back: here because a route
# change made the flow's cached route stale.
expect_ok n r ip route add 192.0.2.0/24 dev lo
forge "$(mac_of srv srv-r)" pppoe-pad
wait_for 5 forged_is 2 ||
	ofail "a padded frame of the session, handed back to the normal path, did not reach the client"
pass "PPPoE: a frame padded inside the session reaches the client by the normal path"
