#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A route with lightweight-tunnel encapsulation (here MPLS: `encap mpls`)
# is never offloaded: the fast path has no way to push the encapsulation,
# so every packet must leave as the normal path sends it, labelled.  The
# refusal is counted (refused_lwtunnel).  Then, without the encapsulation,
# the same traffic is offloaded (the check above is not vacuous).
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

# frames NAME: the server port's ingress counter NAME, packets.
frames() {
	nft_counter srv netdev probe "$1" packets
}

frames_at_least() {	# NAME N
	[ "$(frames "$1")" -ge "$2" ]
}

topology_router
offload_ruleset route
expect_ok modprobe mpls_iptunnel
n srv nft -f - <<-'NFT'
table netdev probe {
	counter mpls { }
	counter udp_ip { }
	chain in {
		type filter hook ingress device srv-r priority 0;
		ether type 0x8847 counter name mpls
		ether type ip ip protocol udp counter name udp_ip
	}
}
NFT
expect_ok n r ip route add 10.0.2.2/32 encap mpls 100 via inet 10.0.2.2 dev r-srv
udp_server

lwt0=$(nfo_stat refused_lwtunnel)
# One way (the server does not speak MPLS): offload needs no reply.
n cl udp-pingpong send 10.0.2.2 5001 200 300 --sport 4500 --noecho ||
	ofail "sending through the MPLS route failed"
line=$(n r grep "sport=4500 " /proc/net/nf_conntrack) || ofail "no conntrack entry"
[[ $line != *OFFLOAD* ]] || ofail "offloaded through an MPLS route: $line"
[ "$(nfo_stat refused_lwtunnel)" -gt "$lwt0" ] || ofail "no lwtunnel refusal counted"
wait_for 5 frames_at_least mpls 200 ||
	ofail "only $(frames mpls) MPLS frames reached the server for 200 datagrams"
mpls=$(frames mpls)
ip4=$(frames udp_ip)
[ "$ip4" = 0 ] || ofail "$ip4 UDP datagrams left the router without their MPLS label"
pass "MPLS route: not offloaded (refused_lwtunnel), $mpls frames labelled, none bare"

# The same route without the encapsulation: offloaded.  (The server's
# counters stop here: it gets the datagrams, and answers.)
expect_ok n r ip route replace 10.0.2.2/32 via 10.0.2.2 dev r-srv
fast0=$(nfo_stat fast_ipv4_packets)
n cl udp-pingpong send 10.0.2.2 5001 200 300 --sport 4501 ||
	ofail "UDP exchange without the MPLS route failed"
n r grep "sport=4501 " /proc/net/nf_conntrack | matches OFFLOAD ||
	ofail "not offloaded without the encapsulation"
[ "$(nfo_stat fast_ipv4_packets)" -gt $((fast0 + 100)) ] ||
	ofail "fast path unused without the encapsulation"
pass "plain route: offloaded"
