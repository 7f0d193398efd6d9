#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A client that moves between two ports of the LAN bridge (Wi-Fi roaming)
# in the middle of an offloaded upload: same MAC, same addresses, the old
# port still up.  The transfer completes intact; from the moment the
# bridge shows the client on the new port, no TCP frame for the client
# leaves the old port (counted where that port delivers), the stale flow
# is torn down (teardown_path or _neigh) and the connection is offloaded again on
# the new port.  IPv4 and IPv6 with the ports in the flowtable; IPv4 with
# the bridge in it instead, as firewall4 lists it: then the client's
# packets are taken at its port by a port hook (port_bridge_packets), and
# those arriving on the new port go to the bridge, which learns the move.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"

# The client's second attachment: cl-b, its peer r-cl2 a port of br0 too,
# listed in the flowtable like the first.  Only the attachment with the
# address answers ARP for it (arp_ignore).
FT_DEVICES="r-cl, r-cl2, r-srv"
topology_layers bridge plain
n cl sysctl -q -w net.ipv4.conf.all.arp_ignore=1
ip link add name cl-b netns cl type veth peer name r-cl2 netns r
ip -n r link set r-cl2 master br0
ip -n r link set r-cl2 up
ip -n cl link set cl-b up
mac=$(mac_of cl cl-r)

# In cl, count the client's TCP frames arriving on each attachment.
n cl nft -f - <<NFT
table netdev watch {
	counter old { }
	counter new { }
	chain a {
		type filter hook ingress device cl-r priority 0;
		ether daddr $mac meta l4proto tcp counter name old
	}
	chain b {
		type filter hook ingress device cl-b priority 0;
		ether daddr $mac meta l4proto tcp counter name new
	}
}
NFT
watch() {
	nft_counter cl netdev watch "$1" packets
}

on_port() {
	bridge -n r fdb show br br0 | matches -i "^$mac dev $1 "
}

# Move the client: its MAC and addresses go from cl-r to cl-b.
roam() {
	local other=02:00:00:00:00:99

	ip -n cl link set cl-r address "$other"
	ip -n cl link set cl-b address "$mac"
	ip -n cl addr flush dev cl-r
	ip -n cl addr add 10.0.1.2/24 dev cl-b
	ip -n cl addr add fd00:1::2/64 dev cl-b nodad
	ip -n cl route replace default via 10.0.1.1 dev cl-b
	ip -n cl -6 route replace default via fd00:1::1 dev cl-b
}

# And back, for the next round.
roam_back() {
	ip -n cl link set cl-b address 02:00:00:00:00:98
	ip -n cl link set cl-r address "$mac"
	ip -n cl addr flush dev cl-b
	ip -n cl addr add 10.0.1.2/24 dev cl-r
	ip -n cl addr add fd00:1::2/64 dev cl-r nodad
	ip -n cl route replace default via 10.0.1.1 dev cl-r
	ip -n cl -6 route replace default via fd00:1::1 dev cl-r
	n cl ping -c 1 -W 2 10.0.1.1 >/dev/null
	wait_for 5 on_port r-cl
}

for FT_DEVICES in "r-cl, r-cl2, r-srv" "br0, r-srv"; do
for fam in 4 6; do
	# The port hooks' part is the same for both families.
	[ "$FT_DEVICES:$fam" != "br0, r-srv:6" ] || continue
	what="IPv$fam, flowtable { $FT_DEVICES }"
	n r nft flush ruleset
	n r conntrack -F 2>/dev/null || true
	layers_ruleset
	dst=$(target_addr "$fam" masq)
	listen=TCP4-LISTEN
	connect=TCP4:$dst:5001
	if [ "$fam" = 6 ]; then
		listen=TCP6-LISTEN
		connect=TCP6:[$dst]:5001
	fi
	off0=$(nfo_stat offloaded)
	port0=$(nfo_stat port_bridge_packets)
	td0=$(( $(nfo_stat teardown_path) + $(nfo_stat teardown_neigh) ))

	# About 6 MB in 30 chunks, a fifth of a second apart: long enough to
	# move in the middle. (nap, not sleep: on the debug kernel each
	# program started here costs as much as the pause.)
	rm -f /tmp/rx /tmp/tx
	n srv socat -u "$listen:5001,reuseaddr" OPEN:/tmp/rx,creat,trunc &
	spid=$!
	wait_listen srv 5001 tcp "$fam"
	(for i in {1..30}; do head -c 200000 /dev/urandom; nap 0.2; done) |
		tee /tmp/tx | n cl socat -u - "$connect" &
	cpid=$!

	wait_for 10 offloaded_in_conntrack || ofail "$what: not offloaded before the move"
	sleep 1
	roam
	# The client's next frames teach the bridge where it is now.
	wait_for 5 on_port r-cl2 || ofail "$what: the bridge never saw the client on r-cl2"
	sleep 0.5
	old_after=$(watch old)
	new0=$(watch new)
	fastb0=$(nfo_stat "fast_ipv${fam}_bytes")
	log "$what: the bridge sees the client on r-cl2; $(n r awk '$1 ~ /^(offloaded|teardown_|slow_stale|xmit_)/ && $2 != 0 { printf "%s %s, ", $1, $2 }' /proc/net/stat/nft_offload)"

	wait "$cpid" || ofail "$what: client failed"
	wait "$spid" || ofail "$what: server failed"
	[ "$(sha256sum </tmp/tx)" = "$(sha256sum </tmp/rx)" ] ||
		ofail "$what: data corrupted ($(wc -c </tmp/rx) of $(wc -c </tmp/tx) bytes)"
	old_end=$(watch old)
	[ "$old_end" = "$old_after" ] ||
		ofail "$what: $((old_end - old_after)) TCP frames for the client left the old port after the move"
	[ $(( $(watch new) - new0 )) -gt 50 ] ||
		ofail "$what: the client got only $(( $(watch new) - new0 )) TCP frames on its new port"
	# Torn down as the bridge moved the client (path), or as the router's
	# neighbour entry followed the client's other interface for a moment
	# (neigh): either way, on the first packet after the change.
	[ $(( $(nfo_stat teardown_path) + $(nfo_stat teardown_neigh) )) -gt "$td0" ] ||
		ofail "$what: the stale flow was not torn down"
	[ "$(nfo_stat offloaded)" -ge $((off0 + 2)) ] ||
		ofail "$what: not offloaded again after the move"
	[ $(( $(nfo_stat "fast_ipv${fam}_bytes") - fastb0 )) -gt 1000000 ] ||
		ofail "$what: the fast path carried only $(( $(nfo_stat "fast_ipv${fam}_bytes") - fastb0 )) bytes after the move"
	port=$(( $(nfo_stat port_bridge_packets) - port0 ))
	case "$FT_DEVICES" in
	br0*) [ "$port" -gt 100 ] ||
		ofail "$what: only $port packets taken at the bridge's ports" ;;
	*) [ "$port" = 0 ] || ofail "$what: $port packets taken by port hooks" ;;
	esac
	pass "$what: moved mid-transfer, intact, nothing on the old port after the move, offloaded again, $port packets taken at the bridge's ports"
	roam_back
done
done
