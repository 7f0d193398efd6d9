# SPDX-License-Identifier: GPL-2.0
# Router topologies with layers between the IP address and the port: VLANs,
# QinQ, bridges with and without VLAN filtering.  Sourced after lib.sh and
# offload.bash.  The flowtable lists the ports (r-cl, r-srv), as firewall4
# does; the fast path must find them under the devices that carry the
# addresses, push and pop the layers itself, and keep those devices'
# counters.
#
#   cl [LAY_CL] --- [LAN] r [WAN] --- [LAY_SRV] srv
#   10.0.1.2 / fd00:1::2        10.0.2.2 / fd00:2::2

# layer_side RNS RDEV PNS PDEV KIND: stack KIND on a link (router end
# RDEV, peer end PDEV).  Sets LAY_R and LAY_P, the devices that get the
# addresses on each end.
#   plain            nothing
#   vlan             802.1Q VLAN 10 on both ends
#   qinq             802.1ad 100 outside, 802.1Q 20 inside, on both ends
#   bridge           the router's port in bridge br0, address on br0
#   bridge-tagged    br0 filters VLANs; the port carries VLAN 5 tagged, the
#                    peer tags it; the router's address is on br0.5
#   bridge-untagged  br0 filters VLANs; the port is an untagged member of
#                    VLAN 5 (its PVID); the router's address is on br0.5
layer_side() {
	local rns=$1 rdev=$2 pns=$3 pdev=$4 kind=$5

	LAY_R=$rdev
	LAY_P=$pdev
	ip -n "$rns" link set "$rdev" up
	ip -n "$pns" link set "$pdev" up
	case "$kind" in
	plain) ;;
	vlan)
		ip -n "$rns" link add link "$rdev" name "$rdev.10" type vlan id 10
		ip -n "$pns" link add link "$pdev" name "$pdev.10" type vlan id 10
		LAY_R=$rdev.10
		LAY_P=$pdev.10
		;;
	qinq)
		ip -n "$rns" link add link "$rdev" name "$rdev.100" type vlan proto 802.1ad id 100
		ip -n "$rns" link add link "$rdev.100" name "$rdev.100.20" type vlan id 20
		ip -n "$pns" link add link "$pdev" name "$pdev.100" type vlan proto 802.1ad id 100
		ip -n "$pns" link add link "$pdev.100" name "$pdev.100.20" type vlan id 20
		ip -n "$rns" link set "$rdev.100" up
		ip -n "$pns" link set "$pdev.100" up
		LAY_R=$rdev.100.20
		LAY_P=$pdev.100.20
		;;
	bridge)
		ip -n "$rns" link add name br0 type bridge
		ip -n "$rns" link set "$rdev" master br0
		LAY_R=br0
		;;
	bridge-tagged | bridge-untagged)
		ip -n "$rns" link add name br0 type bridge vlan_filtering 1
		ip -n "$rns" link set "$rdev" master br0
		bridge -n "$rns" vlan add dev br0 vid 5 self
		if [ "$kind" = bridge-tagged ]; then
			bridge -n "$rns" vlan add dev "$rdev" vid 5
			ip -n "$pns" link add link "$pdev" name "$pdev.5" type vlan id 5
			LAY_P=$pdev.5
		else
			bridge -n "$rns" vlan del dev "$rdev" vid 1
			bridge -n "$rns" vlan add dev "$rdev" vid 5 pvid untagged
		fi
		ip -n "$rns" link set br0 up
		ip -n "$rns" link add link br0 name br0.5 type vlan id 5
		LAY_R=br0.5
		;;
	*) fail "unknown layer kind $kind" ;;
	esac
	ip -n "$rns" link set "$LAY_R" up
	ip -n "$pns" link set "$LAY_P" up
}

# topology_layers LAN_KIND WAN_KIND: cl -- r -- srv with layers on each
# side.  Sets LAN_L3 and WAN_L3 (the router's devices with the addresses)
# and CL_L3 and SRV_L3.  The links are veth pairs, or of the kind
# TOPOLOGY_LINK names (as for topology_router).
topology_layers() {
	local kind=${TOPOLOGY_LINK:-veth}

	netns cl
	netns r
	netns srv
	ip link add name cl-r netns cl type "$kind" peer name r-cl netns r
	ip link add name srv-r netns srv type "$kind" peer name r-srv netns r

	layer_side r r-cl cl cl-r "$1"
	LAN_L3=$LAY_R
	CL_L3=$LAY_P
	layer_side r r-srv srv srv-r "$2"
	WAN_L3=$LAY_R
	SRV_L3=$LAY_P

	end_host cl "$CL_L3" 10.0.1.2/24 fd00:1::2/64 10.0.1.1 fd00:1::1
	ip -n r -batch - <<-EOF
	addr add 10.0.1.1/24 dev $LAN_L3
	addr add fd00:1::1/64 dev $LAN_L3 nodad
	addr add 10.0.2.1/24 dev $WAN_L3
	addr add fd00:2::1/64 dev $WAN_L3 nodad
	EOF
	end_host srv "$SRV_L3" 10.0.2.2/24 fd00:2::2/64 10.0.2.1 fd00:2::1
	n r sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	wait_for 10 _settled cl "$CL_L3"
	wait_for 10 _settled r "$LAN_L3" "$WAN_L3"
	wait_for 10 _settled srv "$SRV_L3"
	# The bridge learns where the client is from its first frames.
	n cl ping -c 1 -W 2 10.0.1.1 >/dev/null || fail "client cannot reach the router"
	n srv ping -c 1 -W 2 10.0.2.1 >/dev/null || fail "server cannot reach the router"
}

# The router's ruleset: the ports in the flowtable (FT_DEVICES, default
# r-cl and r-srv), masquerade out of WAN, and the tables in LAYERS_EXTRA.
layers_ruleset() {
	n r nft -f - <<-NFT
	table inet filter {
		counter forwarded { }
		flowtable ft {
			hook ingress priority 0
			devices = { ${FT_DEVICES:-r-cl, r-srv} }
			counter
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			meta l4proto { tcp, udp } flow add @ft
			counter name forwarded
		}
	}
	table inet nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "$WAN_L3" masquerade
		}
	}
	${LAYERS_EXTRA:-}
	NFT
}

# dev_stat NS DEV FIELD: an interface counter (rx_packets, tx_bytes, ...).
dev_stat() {
	nsys "$1" cat "/sys/class/net/$2/statistics/$3"
}

# layered_transfer FAMILY [BYTES]: BYTES (bulk 8) over TCP, client to server,
# masqueraded.
# Offload proven (forward counter, [OFFLOAD] or the offloaded statistic,
# direct transmit and fast-path statistics), data intact, and the router's L3 devices (above the ports)
# count about as many packets as their ports: the fast path kept their
# counters.
layered_transfer() {
	local fam=$1 dst bytes=${2-$(bulk 8)} fwd what
	local fast0 direct0 off0 lan_rx0 port_rx0 wan_tx0 port_tx0
	local lan_rx port_rx wan_tx port_tx

	n r nft flush ruleset
	n r conntrack -F 2>/dev/null || true
	layers_ruleset
	dst=$(target_addr "$fam" masq)
	fast0=$(nfo_stat "fast_ipv${fam}_bytes")
	direct0=$(nfo_stat xmit_direct)
	off0=$(nfo_stat offloaded)
	lan_rx0=$(dev_stat r "$LAN_L3" rx_packets)
	port_rx0=$(dev_stat r r-cl rx_packets)
	wan_tx0=$(dev_stat r "$WAN_L3" tx_packets)
	port_tx0=$(dev_stat r r-srv tx_packets)

	tcp_transfer "$fam" "$dst" 5001 "$bytes"
	what="IPv$fam over $LAN_L3/$WAN_L3"
	# A short transfer on the debug kernel may end between two looks at
	# conntrack: then the module's own count of offloads must have risen.
	[ "$SAW_OFFLOAD" = 1 ] || [ "$(nfo_stat offloaded)" -gt "$off0" ] ||
		ofail "$what: neither [OFFLOAD] in conntrack nor an offload counted"
	fwd=$(fwd_bytes)
	[ $((fwd * 10)) -lt "$bytes" ] ||
		ofail "$what: forward chain saw $fwd of $bytes bytes"
	[ "$(nfo_stat xmit_direct)" -ge $((direct0 + 2)) ] ||
		ofail "$what: the flow's directions were not set up for direct transmit"
	[ $(( $(nfo_stat "fast_ipv${fam}_bytes") - fast0 )) -gt $((bytes / 2)) ] ||
		ofail "$what: the fast path carried too few bytes"

	lan_rx=$(( $(dev_stat r "$LAN_L3" rx_packets) - lan_rx0 ))
	port_rx=$(( $(dev_stat r r-cl rx_packets) - port_rx0 ))
	wan_tx=$(( $(dev_stat r "$WAN_L3" tx_packets) - wan_tx0 ))
	port_tx=$(( $(dev_stat r r-srv tx_packets) - port_tx0 ))
	if [ "$LAN_L3" != r-cl ]; then
		[ $((lan_rx * 100)) -ge $((port_rx * 95)) ] ||
			ofail "$what: $LAN_L3 counted $lan_rx received packets, its port $port_rx"
	fi
	if [ "$WAN_L3" != r-srv ]; then
		[ $((wan_tx * 100)) -ge $((port_tx * 95)) ] ||
			ofail "$what: $WAN_L3 counted $wan_tx sent packets, its port $port_tx"
	fi
	pass "$what: intact, [OFFLOAD], direct, forward chain saw $fwd of $bytes bytes; $LAN_L3 rx $lan_rx/$port_rx, $WAN_L3 tx $wan_tx/$port_tx"
}

_ppp_up() {
	ip -n "$1" -4 addr show dev "$2" 2>/dev/null | matches "inet $3"
}

# topology_pppoe: the LAN a plain port, the WAN a PPPoE session (pppd
# with the options in PPPD_EXTRA too, if set).  srv is
# the access concentrator (pppoe-server on srv-r) and the server behind
# it; r dials with pppd's kernel PPPoE plugin on r-srv, as routers do.  The
# session's interface in r is ppp-wan, with 10.0.2.1 (IPCP) and
# fd00:2::1 (added once up); srv's end has 10.0.2.2 and fd00:2::2.  The
# links are veth pairs, or of the kind TOPOLOGY_LINK names.
topology_pppoe() {
	local kind=${TOPOLOGY_LINK:-veth} srv_ppp

	# /dev/ppp comes with ppp_generic; pppd does not load it.  The
	# concentrator runs PPPoE in user space (Debian's pppoe-server has no
	# kernel mode) over a pty: ppp_async.
	modprobe ppp_generic
	modprobe pppoe
	modprobe ppp_async
	netns cl
	netns r
	netns srv
	ip link add name cl-r netns cl type "$kind" peer name r-cl netns r
	ip link add name srv-r netns srv type "$kind" peer name r-srv netns r
	layer_side r r-cl cl cl-r plain
	LAN_L3=r-cl
	CL_L3=cl-r
	ip -n r link set r-srv up
	ip -n srv link set srv-r up

	ip -n cl addr add 10.0.1.2/24 dev cl-r
	ip -n cl addr add fd00:1::2/64 dev cl-r nodad
	ip -n r addr add 10.0.1.1/24 dev r-cl
	ip -n r addr add fd00:1::1/64 dev r-cl nodad
	ip -n cl route add default via 10.0.1.1
	ip -n cl -6 route add default via fd00:1::1
	n r sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	printf '%s\n' noauth lcp-echo-interval 0 +ipv6 mtu 1492 mru 1492 \
		'logfile /tmp/pppd-srv.log' >/tmp/pppoe-server-options
	n srv pppoe-server -I srv-r -L 10.0.2.2 -R 10.0.2.1 -N 1 \
		-O /tmp/pppoe-server-options || fail "pppoe-server did not start"
	# shellcheck disable=SC2086 # PPPD_EXTRA: more options, split
	n r pppd plugin pppoe.so nic-r-srv ifname ppp-wan noauth nodetach \
		noipdefault nodefaultroute lcp-echo-interval 0 +ipv6 \
		mtu 1492 mru 1492 ${PPPD_EXTRA:-} logfd 2 >/tmp/pppd.log 2>&1 &
	wait_for 20 _ppp_up r ppp-wan 10.0.2.1 ||
		{ cat /tmp/pppd.log /tmp/pppd-srv.log; fail "the PPPoE session did not come up"; }
	srv_ppp=$(ip -n srv -o link show type ppp | awk -F': ' '{ print $2; exit }')
	[ -n "$srv_ppp" ] || fail "no PPP interface on the concentrator"
	wait_for 10 _ppp_up srv "$srv_ppp" 10.0.2.2
	ip -n r addr add fd00:2::1/64 dev ppp-wan nodad
	ip -n srv addr add fd00:2::2/64 dev "$srv_ppp" nodad
	ip -n srv route add 10.0.2.1 dev "$srv_ppp" 2>/dev/null || true
	WAN_L3=ppp-wan
	SRV_L3=$srv_ppp
	wait_for 10 _settled cl cl-r
	wait_for 10 _no_tentative r
	wait_for 10 _no_tentative srv
	n srv ping -c 1 -W 2 10.0.2.1 >/dev/null || fail "no IPv4 over the session"
	n srv ping -c 1 -W 2 fd00:2::1 >/dev/null || fail "no IPv6 over the session"
}
