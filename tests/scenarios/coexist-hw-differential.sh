#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Differential against the in-kernel flowtable's hardware offload: for the
# same connections on the same router, the rules the simulated NIC
# (nfo_simnic) is asked to take from the in-kernel flowtable and from
# nft_offload are the same, field by field (keys, masks, actions in their
# order, priority, chain, protocol), cookies aside.  Routers: plain ports
# (IPv4 masqueraded, IPv6 routed; UDP and TCP), a VLAN on the WAN, a
# bridge on the LAN, a PPPoE session on the WAN.  Both flowtables list
# the ports, with flags offload, as firewall4's hardware offloading does.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/simnic.bash"

export TOPOLOGY_LINK=simnic
simnic_load

theirs_load() {
	modprobe nf_flow_table_inet && modprobe nft_flow_offload
}

theirs_unload() {
	! modloaded nf_flow_table ||
		rmmod nft_flow_offload nf_flow_table_inet nf_flow_table 2>/dev/null
}

ours_unload() {
	! modloaded nft_offload || rmmod nft_offload 2>/dev/null
}

# connections: UDP over IPv4 from port 4500, TCP over IPv4 from 4501 and
# UDP over IPv6 from 4502, each until the ASIC holds its rules.
connections() {
	local out

	out=$(n cl udp-pingpong send 10.0.2.2 5001 20 200 --sport 4500) ||
		fail "UDP over IPv4: $out"
	# The same port for both flowtables: the first connection's
	# TIME_WAIT must not keep the second from it.
	n cl sysctl -q -w net.ipv4.tcp_tw_reuse=1
	tcp_hold_open 4 10.0.2.2 5002 20000 4501,reuseaddr
	out=$(n cl udp-pingpong send fd00:2::2 5001 20 200 --sport 4502) ||
		fail "UDP over IPv6: $out"
	wait_for 10 eval '[ "$(simnic_nrules)" -ge 6 ]' ||
		simnic_fail "the ASIC does not hold the 6 rules"
	tcp_hold_close
}

# requests WHO: into /tmp/requests.WHO, the REPLACE requests the ASIC got
# while WHO's flowtable offloaded the connections, each once, sorted.
requests() {
	n r nft flush ruleset
	n r conntrack -F 2>/dev/null || true
	echo 1 >"$SIMNIC_DEBUGFS/requests_clear"
	echo 1 >"$SIMNIC_DEBUGFS/flush"
	case "$1" in
	theirs)
		wait_for 10 ours_unload >&2 || fail "nft_offload stays loaded"
		theirs_load || fail "no in-kernel flowtable"
		;;
	ours)
		wait_for 10 theirs_unload >&2 || fail "the in-kernel flowtable stays loaded"
		modprobe nft_offload || fail "no nft_offload"
		;;
	esac
	simnic_ruleset masq4
	connections
	sort -u "$SIMNIC_DEBUGFS/requests" >"/tmp/requests.$1"
}

# compare NAME: the two flowtables' requests on the router just built.
compare() {
	local theirs ours

	udp_server
	requests theirs
	requests ours
	theirs=$(cat /tmp/requests.theirs)
	ours=$(cat /tmp/requests.ours)
	n r nft flush ruleset
	pkill -f 'udp-pingpong serve' 2>/dev/null || true
	echo "# $1, the in-kernel flowtable's requests:"
	sed 's/^/#   /' <<<"$theirs"
	[ "$(wc -l <<<"$theirs")" -ge 6 ] || fail "$1: fewer than 6 distinct requests"
	if [ "$theirs" != "$ours" ]; then
		echo "# $1, the difference (- in-kernel, + nft_offload):"
		{ diff <(echo "$theirs") <(echo "$ours") || true; } | sed 's/^/#   /'
		fail "$1: nft_offload's rules differ from the in-kernel flowtable's"
	fi
	pass "$1: $(wc -l <<<"$ours") distinct requests, the same from both"
}

topology_router
WAN_L3=r-srv
compare "plain ports"

topology_layers plain vlan
compare "VLAN 10 on the WAN"

topology_layers bridge plain
compare "the LAN port in a bridge"

topology_pppoe
# Routed IPv6 back to the client, through the session.
ip -n srv -6 route add fd00:1::/64 dev "$SRV_L3"
compare "a PPPoE session on the WAN"
