# SPDX-License-Identifier: GPL-2.0
# Helpers for the faults-under-traffic scenarios (4x-faults-*.sh): long TCP
# and UDP streams over IPv4 and IPv6 through offloaded flows, and a case
# ending that requires everything to be released.  Sourced after lib.sh and
# offload.bash.
#
# Each case ends with: no splat (the kernel-log check after the scenarios),
# no leaked flow object (debugfs counter back to 0, the module unloads),
# and, where the fault changes the path, no packet on the old path once
# the change took effect.

pids=()
count_flow_objects

start_traffic() {	# TCP and UDP, IPv4 and IPv6, until stopped
	n srv socat -u TCP4-LISTEN:5001,reuseaddr OPEN:/dev/null &
	pids+=($!)
	n srv socat -u TCP6-LISTEN:5002,reuseaddr OPEN:/dev/null &
	pids+=($!)
	n srv udp-pingpong serve 5003 &
	pids+=($!)
	wait_listen srv 5001 tcp 4
	wait_listen srv 5002 tcp 6
	wait_listen srv 5003 udp 6
	n cl socat -u OPEN:/dev/zero TCP4:10.0.2.2:5001 &
	pids+=($!)
	n cl socat -u OPEN:/dev/zero 'TCP6:[fd00:2::2]:5002' &
	pids+=($!)
	n cl udp-pingpong send 10.0.2.2 5003 10000000 500 --sport 4800 >/dev/null &
	pids+=($!)
	n cl udp-pingpong send fd00:2::2 5003 10000000 500 --sport 4801 >/dev/null &
	pids+=($!)
	wait_for 15 flows_at_least 4 || ofail "traffic never got offloaded"
	# The leak check counts: live flows are objects too.
	[ "$(flow_objects)" -ge 4 ] || fail "$(flow_objects) flow objects counted for 4 flows"
}

flows_at_least() {
	[ "$(nfo_stat flows)" -ge "$1" ]
}

stop_traffic() {
	# (A bare `wait` would wait for every background job: never call it
	# with an empty list.)
	if [ ${#pids[@]} -gt 0 ]; then
		kill "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
	pids=()
}

# Stop traffic, take everything down, and require that nothing is left.
finish_case() {
	stop_traffic
	for ns in cl r srv; do
		[ ! -e "/run/netns/$ns" ] || ip netns del "$ns"
	done
	if modloaded nft_offload; then
		wait_for 10 no_flow_objects || fail "$1: $(flow_objects) flow objects left"
		wait_for 10 rmmod nft_offload || fail "$1: module does not unload"
	fi
	pass "$1"
}

fresh() {	# MODE
	topology_router
	offload_ruleset "$1"
	start_traffic
}

fast_grows() {	# the fast path is forwarding packets right now
	local a
	a=$(nfo_stat fast_ipv4_packets)
	sleep 0.5
	[ "$(nfo_stat fast_ipv4_packets)" -gt "$a" ]
}

