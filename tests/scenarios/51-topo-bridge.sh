#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The LAN is a bridge: its port in the flowtable, the address on the
# bridge.  No VLAN filtering; then VLAN filtering with the port a tagged
# member of VLAN 5, and an untagged one (PVID 5), the address on br0.5.
# The WAN is a plain port.  IPv4 and IPv6 TCP, masqueraded, offloaded and
# the bridge's (and VLAN device's) counters kept.
# nfo-core: bridge paths and the cached Ethernet header
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"

for kind in bridge bridge-tagged bridge-untagged; do
	log "LAN: $kind"
	topology_layers "$kind" plain
	layered_transfer 4
	layered_transfer 6
done

# A bridge with an address of its own, not its port's: the client's frames
# for it reach the port as another host's (PACKET_OTHERHOST), and the
# bridge takes them in.  Forwarded, they are the router's (PACKET_HOST), as
# on the normal path: the WAN port's egress hook sees no other kind.
topology_layers bridge plain
n r ip link set br0 address 02:00:00:00:0b:01
n cl ip neigh flush dev cl-r
LAYERS_EXTRA='table netdev types {
	counter lan_other { }
	counter wan_not_host { }
	chain in {
		type filter hook ingress device r-cl priority -500;
		meta pkttype other counter name lan_other
	}
	chain out {
		type filter hook egress device r-srv priority 0;
		meta pkttype != host counter name wan_not_host
	}
}'
# A quarter of the others' size: enough frames to count.
layered_transfer 4 "$(bulk 2)"
unset LAYERS_EXTRA
other=$(nft_counter r netdev types lan_other packets)
# GSO frames on veth: a few dozen carry the transfer.
[ "$other" -ge 20 ] || fail "only $other frames reached r-cl for another host"
not_host=$(nft_counter r netdev types wan_not_host packets)
[ "$not_host" = 0 ] || fail "$not_host forwarded packets left r-srv not the router's own"
pass "frames for the bridge's own address: $other taken in, forwarded as the router's"
