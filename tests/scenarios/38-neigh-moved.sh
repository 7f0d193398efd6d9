#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The server's address moves to another MAC address without a gratuitous
# ARP while a UDP stream flows to it.  The normal path finds out through
# the neighbour state machine (STALE, DELAY, PROBE, then resolution
# again); offloaded, the stream must find the new address as soon, not be
# sent to the old one for as long as it keeps the flow alive.  Both are
# measured, the normal path first (no `flow add`), with short neighbour
# timers on the router.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

LIMIT=30	# s: beyond this the stream is lost, whatever the path

old_mac=02:00:00:00:02:02
new_mac=02:00:00:00:02:03

stream() {	# UDP to the server, a burst every 50 ms, one tuple
	while :; do
		n cl udp-pingpong send 10.0.2.2 5001 5 200 --sport 4700 --noecho >/dev/null 2>&1 || true
		nap 0.05
	done
}

received() {	# bytes the server took from the client
	probe_bytes from_client
}

grows_from() {	# BYTES
	[ "$(received)" -gt "$1" ]
}

# recovery [offloaded]: start the stream (and see it offloaded), move the
# server's address; RECOVERY is then the ms until the server receives
# again, or "lost".
recovery() {
	local pid t0 t1 b

	stream &
	pid=$!
	wait_for 10 grows_from "$(received)" || { kill "$pid"; ofail "the stream never arrived"; }
	if [ "${1:-}" = offloaded ]; then
		wait_for 10 n r grep -q "sport=4700 .*OFFLOAD" /proc/net/nf_conntrack ||
			{ kill "$pid"; ofail "the stream was not offloaded"; }
	fi
	# Long enough for the neighbour to have gone STALE at least once.
	nap 4
	n srv ip link set srv-r address "$new_mac"
	_uptime_ms_to t0
	nap 0.2
	b=$(received)
	RECOVERY=lost
	if wait_for "$LIMIT" grows_from "$b"; then
		_uptime_ms_to t1
		RECOVERY=$((t1 - t0))
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

reset_server() {
	n srv ip link set srv-r address "$old_mac"
	n r ip neigh flush dev r-srv
	n r conntrack -F 2>/dev/null || true
}

topology_router
n srv ip link set srv-r address "$old_mac"
n srv sysctl -q -w net.ipv4.conf.all.arp_notify=0 net.ipv4.conf.srv-r.arp_notify=0
n r sysctl -q -w net.ipv4.neigh.r-srv.base_reachable_time_ms=2000 \
	net.ipv4.neigh.r-srv.delay_first_probe_time=1 \
	net.ipv4.neigh.r-srv.retrans_time_ms=300 \
	net.ipv4.neigh.r-srv.ucast_solicit=2
server_probe

# The normal path.
n r nft -f - <<-'NFT'
table inet filter {
	chain forward {
		type filter hook forward priority 0; policy accept;
	}
}
NFT
recovery
normal=$RECOVERY
[ "$normal" != lost ] || fail "the normal path lost the stream for $LIMIT s"
log "normal path: the stream reached the new address after $normal ms"

# Offloaded.
reset_server
n r nft flush ruleset
offload_ruleset route
td0=$(nfo_stat teardown_neigh)
recovery offloaded
fast=$RECOVERY
line=$(n r grep "sport=4700 " /proc/net/nf_conntrack) || true
log "offloaded: $fast ms; conntrack: $line; teardown_neigh $(( $(nfo_stat teardown_neigh) - td0 ))"
[ "$fast" != lost ] || ofail "offloaded, the stream went to the old address for $LIMIT s"
[ "$fast" -le $((normal * 2 + 3000)) ] ||
	ofail "offloaded, the stream took $fast ms to reach the new address, the normal path $normal ms"
pass "address moved: normal path $normal ms, offloaded $fast ms"
