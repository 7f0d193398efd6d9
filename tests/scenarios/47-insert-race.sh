#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# New flows inserted while everything that removes flows runs at once:
# `conntrack -F`, the nf_flow_offload sysctl switched off and on, and
# device events (MTU changes of the router's ports), for a bounded time.
# The test module nfo_insert_race (tests/kmod) makes each insertion wait
# milliseconds between the moment it hashes its first direction and its
# second, the window in which the GC must not free a half-inserted flow.
# No splat (KASAN on the debug kernel), no leaked flow object, and the
# module unloads.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/faults.bash"

# Longer where KASAN and lockdep watch, and the removers less often:
# everything is some 20 times slower there, flows need time to be made.
secs=20
pause=0.3
if debug_kernel; then
	secs=40
	pause=1.5
fi

# New UDP tuples from cl, 256 at a time, two datagrams each (the second is
# offloaded), each round on new source ports.
new_flows() {
	local mac port=10000

	mac=$(mac_of r r-cl)
	while :; do
		n cl flowgen cl-r "$mac" 10.0.1.2 1 "$port" $((port + 255)) \
			10.0.2.2 5001 2 >/dev/null || true
		port=$((port + 256))
		[ "$port" -lt 60000 ] || port=10000
	done
}

flush_loop() {
	while :; do
		n r conntrack -F >/dev/null 2>&1 || true
		nap "$pause"
	done
}

sysctl_loop() {
	while :; do
		n r sysctl -q -w net.netfilter.nf_flow_offload=0
		nap 0.1
		n r sysctl -q -w net.netfilter.nf_flow_offload=1
		nap "$pause"
	done
}

mtu_loop() {
	while :; do
		ip -n r -batch - <<-'EOF2'
		link set r-srv mtu 1400
		link set r-srv mtu 1500
		link set r-cl mtu 1400
		link set r-cl mtu 1500
		EOF2
		nap "$pause"
	done
}

topology_router
offload_ruleset route
udp_sink
expect_ok modprobe nfo_insert_race
trap 'stop_traffic; rmmod nfo_insert_race 2>/dev/null || true' EXIT

off0=$(nfo_stat offloaded)
new_flows &
pids+=($!)
flush_loop &
pids+=($!)
sysctl_loop &
pids+=($!)
mtu_loop &
pids+=($!)
log "racing for $secs s"
nap "$secs"
stop_traffic

widened=$(cat /sys/module/nfo_insert_race/parameters/widened)
offloaded=$(( $(nfo_stat offloaded) - off0 ))
log "$offloaded flows offloaded, $widened insertions widened; teardowns: ct_gone $(nfo_stat teardown_ct_gone), admin $(nfo_stat teardown_admin), device $(nfo_stat teardown_device); refused: ct_dying $(nfo_stat refused_ct_dying), insert $(nfo_stat refused_insert), sysctl_off $(nfo_stat refused_sysctl_off)"
[ "$offloaded" -ge 20 ] || ofail "only $offloaded flows offloaded while racing"
[ "$widened" -ge $((2 * offloaded)) ] ||
	fail "only $widened waits for $offloaded insertions: the window was not widened"
[ "$(nfo_stat teardown_ct_gone)" -gt 0 ] || fail "no flow went with a conntrack flush"
[ "$(nfo_stat teardown_admin)" -gt 0 ] || fail "no flow went with the sysctl"
[ "$(nfo_stat teardown_device)" -gt 0 ] || fail "no flow went with a device event"
pass "$secs s of insertions racing flushes, the sysctl and device events"

expect_ok rmmod nfo_insert_race
trap - EXIT
expect_ok n r nft flush ruleset
n r conntrack -F >/dev/null 2>&1 || true
wait_for 10 no_flow_objects || fail "$(flow_objects) flow objects left"
wait_for 5 rmmod nft_offload || fail "rmmod nft_offload: $(rmmod nft_offload 2>&1)"
pass "no flow object left; nft_offload unloaded"
