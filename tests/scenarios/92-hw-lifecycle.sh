#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The life of nft_offload's rules in hardware (the simulated NIC,
# nfo_simnic, which like mtk_eth_soc keeps its rules when a flowtable
# unbinds: unbind_flush=0).  With flows in the ASIC:
#   - nf_flow_offload_hw=0 takes them out within seconds, the flows go on
#     in software (hw=off), and 1 puts them back;
#   - a firewall4 reload (the table flushed, the flowtable deleted and
#     added again in one transaction, as fw4 reload sends it) and `nft
#     flush ruleset` leave no rule in the ASIC: ours are destroyed before
#     the unbind (the in-kernel flowtable leaves them stale,
#     coexist-simnic);
#   - a driver that reports counters but no lastused: a busy flow stays;
#   - a port unregistered, the driver unloaded and the router's netns
#     deleted, with rules in the ASIC: they go with them, nothing leaks;
#     both modules unload.
# nfo-core: hardware counters polled into conntrack, rule removal and expiry
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/simnic.bash"
. "$(dirname "$0")/hw.bash"

count_flow_objects
expect_ok modprobe nft_offload
simnic_load
simnic_topology
simnic_ruleset masq4
udp_server

# udp_flow SPORT: a short exchange from cl's SPORT; its rules in the ASIC.
udp_flow() {
	local out

	out=$(n cl udp-pingpong send 10.0.2.2 5001 20 200 --sport "$1") ||
		simnic_fail "UDP exchange from $1: $out"
	wait_for 10 eval "[ \"\$(simnic_nrules proto=udp sport=$1)\" = 1 ]" ||
		simnic_fail "the flow from $1 is not in the ASIC"
}

# fresh_router: the topology and ruleset again, from new namespaces.
fresh_router() {
	ip netns del srv 2>/dev/null || true
	ip netns del cl 2>/dev/null || true
	ip netns del r 2>/dev/null || true
	simnic_topology
	simnic_ruleset masq4
	udp_server
}

# udp_paced SPORT SECONDS: exchanges from SPORT for SECONDS, in the
# background (UDP_PID).
udp_paced() {
	(
		start=$(_uptime_ms)
		while [ $(($(_uptime_ms) - start)) -lt $(($2 * 1000)) ]; do
			n cl udp-pingpong send 10.0.2.2 5001 10 200 --sport "$1" >/dev/null ||
				exit 1
			nap 0.3
		done
	) &
	UDP_PID=$!
}

log "nf_flow_offload_hw switched off and on under a live flow"
udp_flow 4700
udp_paced 4700 12
fast0=$(nfo_stat fast_ipv4_packets)
n r sysctl -q -w net.netfilter.nf_flow_offload_hw=0
wait_for 5 eval '[ "$(simnic_nrules sport=4700)" = 0 ]' ||
	simnic_fail "nf_flow_offload_hw=0 left the flow's rules in the ASIC"
wait_for 5 flow_hw_is off || fail "the flow does not say hw=off"
! hw_offloaded_in_conntrack || fail "[HW_OFFLOAD] with nf_flow_offload_hw=0"
offloaded_in_conntrack || fail "the flow left the software fast path too"
wait_for 5 stat_at_least fast_ipv4_packets $((fast0 + 10)) ||
	fail "the software fast path does not carry the flow"
pass "nf_flow_offload_hw=0: rules out, the flow in software (fast path +$(($(nfo_stat fast_ipv4_packets) - fast0)) packets)"
n r sysctl -q -w net.netfilter.nf_flow_offload_hw=1
wait_for 5 eval '[ "$(simnic_nrules sport=4700)" = 1 ]' ||
	simnic_fail "nf_flow_offload_hw=1 did not put the flow back in the ASIC"
wait_for 5 flow_hw_is offloaded || fail "the flow does not say hw=offloaded again"
wait "$UDP_PID" || fail "the exchanges failed while the flow moved"
pass "nf_flow_offload_hw=1: the same flow back in the ASIC, no datagram lost"

log "a firewall4 reload with flows in the ASIC"
udp_flow 4701
[ "$(simnic_counter rules)" -ge 2 ] || simnic_fail "no rules before the reload"
d0=$(nfo_stat hw_destroyed)
{
	printf 'table inet filter\nflush table inet filter\ndelete flowtable inet filter ft\n'
	simnic_ruleset_text none
} | n r nft -f -
[ "$(simnic_counter rules)" = 0 ] && [ "$(simnic_counter rules_stale)" = 0 ] ||
	simnic_fail "rules left in the ASIC after the reload"
[ "$(nfo_stat hw_destroyed)" -ge $((d0 + 2)) ] || fail "hw_destroyed did not count the reload's rules"
udp_flow 4702
pass "reload: the old rules destroyed before the unbind, none stale; new flows in the ASIC again"
n r nft flush ruleset
[ "$(simnic_counter rules)" = 0 ] || simnic_fail "rules left after nft flush ruleset"
pass "nft flush ruleset: no rule left"

log "a driver without lastused"
simnic_ruleset masq4
simnic_knob stats_no_lastused 1
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=3
udp_flow 4703
offloaded0=$(nfo_stat offloaded)
udp_paced 4703 9
wait "$UDP_PID" || fail "the exchanges failed"
[ "$(nfo_stat offloaded)" = "$offloaded0" ] ||
	fail "the busy flow expired and was offloaded again ($(($(nfo_stat offloaded) - offloaded0)) times)"
pass "no lastused from the driver: the flow busy in hardware for 9 s (timeout 3 s) stays"
simnic_knob stats_no_lastused 0
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=30

log "a port unregistered with rules in the ASIC"
udp_flow 4704
n r ip link del r-srv
wait_for 10 eval '[ "$(simnic_counter rules)" = 0 ]' || simnic_fail "rules left after r-srv went"
wait_for 10 no_flows || fail "flows left after r-srv went"
[ -z "$(n r cat /proc/net/nft_offload_hw_devices | grep r-srv)" ] ||
	fail "r-srv still listed as bound"
pass "r-srv unregistered: its flows and rules gone"

log "the driver unloaded with rules in it"
fresh_router
udp_flow 4706
wait_for 10 rmmod nfo_simnic || fail "nfo_simnic did not unload with our rules in it"
wait_for 10 no_flows || fail "flows left after the driver went"
[ -z "$(n r cat /proc/net/nft_offload_hw_devices)" ] || fail "bindings left after the driver went"
simnic_load
pass "the driver unloaded with rules in it: its ports, bindings and our flows gone"

log "the router's netns deleted with rules in the ASIC"
fresh_router
udp_flow 4705
ip netns del r
wait_for 20 eval '[ "$(simnic_counter rules)" = 0 ]' || simnic_fail "rules left after the netns went"
wait_for 20 no_flow_objects || fail "flow objects left after the netns went"
expect_ok rmmod nfo_flow_count
expect_ok wait_for 10 rmmod nft_offload
expect_ok wait_for 10 rmmod nfo_simnic
pass "netns deleted: rules and flows gone; both modules unload"
