# SPDX-License-Identifier: GPL-2.0
# A router shaped like firewall4's, for its own rulesets (fw4/): the LAN
# is bridge br-lan with ports lan1 and lan2, a client behind each; the
# WAN is wan, VLAN wan.7 on eth1, or a PPPoE session pppoe-wan over wan.
# Sourced after lib.sh, offload.bash and layers.bash.

FW4=$(dirname "$0")/fw4
SRV=203.0.113.1
# firewall4's rulesets include /etc/nftables.d/*.nft: the directory must exist.
mkdir -p /etc/nftables.d

# fw4_router WAN: namespaces cl and cl2 (192.168.1.2 and .3, behind lan1
# and lan2 of br-lan in r) and srv ($SRV behind r's WAN, which gets
# 203.0.113.10).  WAN: plain (wan), vlan (wan.7 on eth1) or pppoe
# (pppoe-wan over wan, srv the access concentrator).  The links are veth
# pairs, or of the kind TOPOLOGY_LINK names (simnic: the simulated
# offload NIC, tests/kmod/nfo_simnic.c).
fw4_router() {
	local wan=$1 port=wan l3=wan srv_ppp kind=${TOPOLOGY_LINK:-veth}

	# (A PPP device's operstate is never UP: _ppp_up waits for it.)
	[ "$wan" != vlan ] || { port=eth1; l3=wan.7; }
	netns cl
	netns cl2
	netns r
	netns srv
	ip link add name cl-r netns cl type "$kind" peer name lan1 netns r
	ip link add name cl2-r netns cl2 type "$kind" peer name lan2 netns r
	ip link add name srv-r netns srv type "$kind" peer name "$port" netns r
	end_host cl cl-r 192.168.1.2/24 fd00:1234:5678::2/64 192.168.1.1 fd00:1234:5678::1
	end_host cl2 cl2-r 192.168.1.3/24 fd00:1234:5678::3/64 192.168.1.1 fd00:1234:5678::1
	ip -n r -batch - <<-EOF
	link add name br-lan type bridge
	link set lan1 master br-lan
	link set lan2 master br-lan
	link set lan1 up
	link set lan2 up
	link set br-lan up
	addr add 192.168.1.1/24 dev br-lan
	addr add fd00:1234:5678::1/64 dev br-lan nodad
	link set $port up
	EOF
	n r sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	ip -n srv link set srv-r up
	case "$wan" in
	plain)
		ip -n r addr add 203.0.113.10/24 dev wan
		ip -n srv addr add "$SRV/24" dev srv-r
		;;
	vlan)
		ip -n r -batch - <<-EOF
		link add link eth1 name wan.7 type vlan id 7
		link set wan.7 up
		addr add 203.0.113.10/24 dev wan.7
		EOF
		ip -n srv -batch - <<-EOF
		link add link srv-r name srv-r.7 type vlan id 7
		link set srv-r.7 up
		addr add $SRV/24 dev srv-r.7
		EOF
		;;
	pppoe)
		# As topology_pppoe (layers.bash), with firewall4's names.
		modprobe ppp_generic
		modprobe pppoe
		modprobe ppp_async
		printf '%s\n' noauth lcp-echo-interval 0 mtu 1492 mru 1492 \
			'logfile /tmp/pppd-srv.log' >/tmp/pppoe-server-options
		n srv pppoe-server -I srv-r -L "$SRV" -R 203.0.113.10 -N 1 \
			-O /tmp/pppoe-server-options || fail "pppoe-server did not start"
		n r pppd plugin pppoe.so nic-wan ifname pppoe-wan noauth nodetach \
			noipdefault nodefaultroute lcp-echo-interval 0 \
			mtu 1492 mru 1492 logfd 2 >/tmp/pppd.log 2>&1 &
		wait_for 20 _ppp_up r pppoe-wan 203.0.113.10 ||
			{ cat /tmp/pppd.log /tmp/pppd-srv.log; fail "the PPPoE session did not come up"; }
		srv_ppp=$(ip -n srv -o link show type ppp | awk -F': ' '{ print $2; exit }')
		[ -n "$srv_ppp" ] || fail "no PPP interface on the concentrator"
		wait_for 10 _ppp_up srv "$srv_ppp" "$SRV"
		;;
	*) fail "unknown WAN $wan" ;;
	esac
	wait_for 10 _settled cl cl-r
	wait_for 10 _settled cl2 cl2-r
	wait_for 10 _settled r br-lan lan1 lan2 "$port" "$l3"
	wait_for 10 _no_tentative srv
	# The bridge learns where each client is from its first frames.
	n cl ping -c 1 -W 2 192.168.1.1 >/dev/null || fail "cl cannot reach the router"
	n cl2 ping -c 1 -W 2 192.168.1.1 >/dev/null || fail "cl2 cannot reach the router"
	n srv ping -c 1 -W 2 203.0.113.10 >/dev/null || fail "the server cannot reach the router"
	udp_server
}
