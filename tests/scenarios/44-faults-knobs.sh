#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Faults under traffic, the knobs: the sysctl toggled repeatedly, the flow
# table filled to its limit.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/faults.bash"

# 1. The switch toggled 0/1 repeatedly.
fresh masq
for i in $(seq 1 20); do
	n r sysctl -q -w net.netfilter.nf_flow_offload=0
	n r sysctl -q -w net.netfilter.nf_flow_offload=1
done
wait_for 15 flows_at_least 1 || ofail "nothing offloaded after the toggling"
finish_case "sysctl toggled 20 times under traffic"

# 2. Flow table full: the rest stays on the normal path, intact.
topology_router
offload_ruleset route
expect_ok n r sysctl -w net.netfilter.nf_flow_offload_max_flows=2
start_traffic_limited() {
	udp_server
	pids+=($!)
	for p in 4820 4821 4822 4823; do
		n cl udp-pingpong send 10.0.2.2 5001 100 300 --sport "$p" >/dev/null ||
			ofail "UDP exchange from port $p failed with the table full"
	done
}
start_traffic_limited
[ "$(nfo_stat flows)" -le 2 ] || ofail "$(nfo_stat flows) flows with a limit of 2"
[ "$(nfo_stat refused_table_full)" -gt 0 ] || ofail "no table_full refusal counted"
finish_case "flow table full: extra flows stay on the normal path, all intact"
