#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Faults under traffic, changes of the path: device unregistered and
# re-added, conntrack flushed, route change, egress MTU change, neighbour
# change.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/faults.bash"

# 1. Device unregistered and re-added.
fresh route
expect_ok n r ip link del r-srv
[ "$(nfo_stat flows)" = 0 ] || ofail "flows survived their device"
expect_ok ip link add srv-r netns srv type veth peer name r-srv netns r
expect_ok n r ip addr add 10.0.2.1/24 dev r-srv
expect_ok n r ip addr add fd00:2::1/64 dev r-srv nodad
expect_ok n srv ip addr add 10.0.2.2/24 dev srv-r
expect_ok n srv ip addr add fd00:2::2/64 dev srv-r nodad
expect_ok n r ip link set r-srv up
expect_ok n srv ip link set srv-r up
expect_ok n srv ip route add default via 10.0.2.1
expect_ok n srv ip -6 route add default via fd00:2::1
expect_ok n r nft add flowtable inet filter ft '{ hook ingress priority 0; devices = { r-srv }; }'
wait_for 20 flows_at_least 1 || ofail "UDP not offloaded again after the device came back"
finish_case "device unregistered and re-added: flows dropped, then offloaded again"

# 2. Conntrack flushed: handed back, then offloaded again.
fresh route
gone0=$(nfo_stat teardown_ct_gone)
expect_ok n r conntrack -F
wait_for 5 stat_at_least teardown_ct_gone $((gone0 + 1)) || ofail "no ct_gone teardown"
wait_for 15 flows_at_least 1 || ofail "nothing offloaded again after conntrack -F"
finish_case "conntrack flushed under traffic"

# 3. Route change: nothing more may reach the server by the old route.
fresh route
server_probe
expect_ok n r ip route add blackhole 10.0.2.2/32
expect_ok n r ip -6 route add blackhole fd00:2::2/128
sleep 0.3
before=$(probe_bytes from_client)
sleep 1
after=$(probe_bytes from_client)
[ "$before" = "$after" ] || ofail "$((after - before)) bytes reached the server by the old route"
finish_case "route change under traffic: old path unused"

# 4. Egress MTU lowered: no packet above it leaves any more.
fresh route
n srv nft -f - <<'NFT'
table netdev probe {
	counter big { }
	chain in {
		type filter hook ingress device srv-r priority 0;
		meta l4proto udp meta length > 1400 counter name big
	}
}
NFT
n cl udp-pingpong send 10.0.2.2 5003 20 1450 --sport 4810 --nodf >/dev/null ||
	ofail "large UDP exchange failed"
# (Both ends: a veth drops what exceeds its own MTU on receive.)
expect_ok n r ip link set r-srv mtu 1400
expect_ok n srv ip link set srv-r mtu 1400
sleep 0.2
big0=$(n srv nft list counter netdev probe big | grep -o 'packets [0-9]*')
n cl udp-pingpong send 10.0.2.2 5003 20 1450 --sport 4810 --nodf >/dev/null ||
	ofail "large UDP exchange failed after the MTU change"
big1=$(n srv nft list counter netdev probe big | grep -o 'packets [0-9]*')
[ "$big0" = "$big1" ] || ofail "packets above the new MTU still sent ($big0 -> $big1)"
finish_case "egress MTU lowered under traffic: nothing above it sent"

# 5. Neighbour change: IPv4 frames go to the new MAC, none to the old one
# (only the IPv4 neighbour changes; IPv6 keeps its own).
fresh route
old=$(n r ip neigh show 10.0.2.2 dev r-srv | awk '{ print $3 }')
fake=02:00:00:00:00:99
n srv nft -f - <<NFT
table netdev probe {
	counter to_old { }
	counter to_new { }
	chain in {
		type filter hook ingress device srv-r priority 0;
		ether daddr $old meta protocol ip counter name to_old
		ether daddr $fake meta protocol ip counter name to_new
	}
}
NFT
expect_ok n r ip neigh replace 10.0.2.2 lladdr "$fake" dev r-srv nud permanent
sleep 0.3
o0=$(n srv nft list counter netdev probe to_old | grep -o 'packets [0-9]*')
sleep 1
o1=$(n srv nft list counter netdev probe to_old | grep -o 'packets [0-9]*')
newc=$(n srv nft list counter netdev probe to_new | grep -o 'packets [0-9]*')
[ "$o0" = "$o1" ] || ofail "IPv4 frames still sent to the old MAC ($o0 -> $o1)"
[ "$newc" != "packets 0" ] || ofail "no frame sent to the new MAC"
finish_case "neighbour change under traffic: new MAC used at once"
