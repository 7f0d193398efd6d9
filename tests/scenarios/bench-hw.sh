#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark (scripts/bench-hw.sh; never a test): how fast nft_offload puts
# flows into hardware, on the simulated offload NIC (nfo_simnic).  A router
# on simnic ports routes NFO_BENCH_HW_FLOWS new UDP flows (nfo.bench_hw_flows
# on the kernel command line, default 2000; flowgen: two datagrams each,
# the second offloaded), for each number of them at once, and reports
#   BENCH hw flows= traffic_ms= all_in_hw_ms= flows_per_s= accept_us=
# traffic_ms: what sending the flows' datagrams took; all_in_hw_ms: from
# the first datagram until every flow is in the ASIC; flows_per_s: flows
# over that; accept_us: the mean time from `flow add` to the driver taking
# a flow's first rule (the module's hw_accept_ns / hw_accept_flows).
# Times are the guest's, under TCG: compare them with each other.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/simnic.bash"

param() {	# NAME DEFAULT: nfo.NAME from the kernel command line
	local v

	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^nfo\.$1=//p")
	echo "${v:-$2}"
}

expect_ok modprobe nft_offload
simnic_load
simnic_topology
simnic_ruleset none udp
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=600
mac=$(mac_of r r-cl)
port=10000
for flows in $(param bench_hw_flows 2000 | tr , ' '); do
	f0=$(nfo_stat hw_accept_flows)
	ns0=$(nfo_stat hw_accept_ns)
	start=$(_uptime_ms)
	n cl flowgen cl-r "$mac" 10.0.1.2 1 "$port" $((port + flows - 1)) \
		10.0.2.2 5001 2 >/dev/null || fail "flowgen failed"
	sent=$(_uptime_ms)
	wait_for 300 stat_at_least hw_accept_flows $((f0 + flows)) ||
		fail "only $(($(nfo_stat hw_accept_flows) - f0)) of $flows flows in hardware"
	done_ms=$(($(_uptime_ms) - start))
	[ "$done_ms" -gt 0 ] || done_ms=1
	n=$(($(nfo_stat hw_accept_flows) - f0))
	ns=$(($(nfo_stat hw_accept_ns) - ns0))
	echo "BENCH hw flows=$flows traffic_ms=$((sent - start)) all_in_hw_ms=$done_ms" \
		"flows_per_s=$((flows * 1000 / done_ms)) accept_us=$((ns / n / 1000))"
	port=$((port + flows))
	n r conntrack -F >/dev/null 2>&1 || true
	wait_for 60 no_flows || fail "flows left after the flush"
done
pass "hardware push measured"
