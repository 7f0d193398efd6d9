#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hardware offload by nft_offload on the tests' simulated offload NIC
# (nfo_simnic, tests/kmod), whose ASIC validates rules as mtk_eth_soc does
# and forwards their packets itself.  A router r whose ports are simnic
# ports, a `flags offload` flowtable with `counter`, IPv4 masqueraded:
#   - TCP over IPv4 and IPv6 (routed): the ASIC forwards the bulk, the host
#     (forward chain, the router's port counters and our software fast
#     path) sees only the first packets, conntrack shows [HW_OFFLOAD], the
#     data is intact; the listing says hw=offloaded; the FIN that ends a
#     connection takes its rules out of the ASIC;
#   - UDP: the ASIC's counters reach conntrack's accounting, every
#     datagram counted once, and the flow's listing (hw_packets,
#     hw_bytes: what the ASIC forwarded for it);
#   - a flow busy in hardware for three of its timeouts stays (one flow,
#     one rule each way), though the host sees none of its packets; idle,
#     it expires and its rules go.
# nfo-core: hardware rules: match keys and mangle words in network order, counters
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/simnic.bash"
. "$(dirname "$0")/hw.bash"

expect_ok modprobe nft_offload
simnic_load
simnic_topology
simnic_ruleset masq4
n r sysctl -q -w net.netfilter.nf_conntrack_acct=1
server_probe
udp_server

devs=$(n r cat /proc/net/nft_offload_hw_devices)
for dev in r-cl r-srv; do
	matches -E "^family=inet table=filter flowtable=ft dev=$dev state=bound callbacks=[01]$" <<<"$devs" ||
		fail "$dev not bound: $devs"
done
[ "$(simnic_counter rules)" = 0 ] || fail "rules in the ASIC before any flow"

# hw_tcp FAMILY DST: tcp_case, and our software fast path carried little.
hw_tcp() {
	local fast0 fast

	fast0=$(nfo_stat "fast_ipv$1_bytes")
	tcp_case "$@"
	fast=$(($(nfo_stat "fast_ipv$1_bytes") - fast0))
	[ $((fast * 10)) -lt "$(bulk 8)" ] ||
		simnic_fail "IPv$1 TCP: the software fast path carried $fast bytes"
	matches -E ' hw=offloaded ' <<<"$HW_LINE" ||
		simnic_fail "IPv$1 TCP: the listing did not say hw=offloaded: $HW_LINE"
}

log "IPv4 TCP, masqueraded"
pushed0=$(nfo_stat hw_pushed)
hw_tcp 4 10.0.2.2
masq_rules_ok
[ "$(($(nfo_stat hw_pushed) - pushed0))" = 2 ] || fail "not one push per direction"

log "IPv6 TCP, routed"
hw_tcp 6 fd00:2::2
grep -qE ' family=ipv6 proto=tcp src=fd00:1::2 sport=[0-9]+ dst=fd00:2::2 dport=5001 .* nat=- .* out=r-srv ' <<<"$RULES" ||
	simnic_fail "no routed IPv6 rule cl -> srv"

# The connections ended with FIN (punted by the ASIC): their rules go.
wait_for 10 eval '[ "$(simnic_nrules proto=tcp)" = 0 ]' ||
	simnic_fail "TCP rules left in the ASIC after the connections closed"
[ "$(nfo_stat teardown_fin_rst)" -ge 2 ] || simnic_fail "no FIN/RST teardown counted"
pass "FIN/RST: both connections' rules out of the ASIC (hw_destroyed $(nfo_stat hw_destroyed))"

log "IPv4 UDP, masqueraded: accounting"
hw0=$(simnic_counter hw_forwarded_bytes)
hwp0=$(simnic_counter hw_forwarded)
out=$(n cl udp-pingpong send 10.0.2.2 5001 1500 1200 --sport 4500) ||
	simnic_fail "UDP exchange incomplete or corrupted: $out"
hw_offloaded_in_conntrack || simnic_fail "IPv4 UDP: no [HW_OFFLOAD] in conntrack"
hw=$(since hw_forwarded_bytes "$hw0")
[ "$hw" -gt $((1400 * 1228)) ] || simnic_fail "IPv4 UDP: the ASIC forwarded only $hw bytes"
resent=$(awk '{ print $6 }' <<<"$out")
pkts=$((1500 + resent))
# The first datagrams by conntrack itself, the rest by the polls (with
# the flowtable's counter): each once.
wait_for 20 ct_orig_is 4500 "$pkts" $((pkts * 1228)) ||
	simnic_fail "conntrack counts $(ct_orig 4500 packets) packets, $(ct_orig 4500 bytes) bytes for $pkts datagrams of 1228 bytes"
pass "IPv4 UDP: intact ($out), the ASIC forwarded $hw bytes, conntrack counts each of the $pkts datagrams once"
# Only this flow was in the ASIC meanwhile: the flow's hardware counters
# in the listing are all the ASIC forwarded, once the polls have it all.
hwp=$(since hw_forwarded "$hwp0")
wait_for 10 flow_says 4500 " hw_packets=$hwp hw_bytes=$hw( |\$)" ||
	simnic_fail "the listing counts otherwise than the ASIC's $hwp packets, $hw bytes: $(flow_line 4500)"
pass "IPv4 UDP: the listing counts the $hwp packets, $hw bytes the ASIC forwarded"

log "a UDP flow busy in hardware for three timeouts, then idle"
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=3
offloaded0=$(nfo_stat offloaded)
destroyed0=$(nfo_stat hw_destroyed)
out=$(n cl udp-pingpong send 10.0.2.2 5001 5 100 --sport 4600) || fail "UDP: $out"
wait_for 10 eval '[ "$(simnic_nrules proto=udp sport=4600)" = 1 ]' ||
	simnic_fail "the busy flow is not in the ASIC"
cookie=$(simnic_rules proto=udp sport=4600 | awk '{ print $1 }')
fast0=$(nfo_stat fast_ipv4_packets)
udp_busy 4600 10000
[ "$(simnic_rules proto=udp sport=4600 | awk '{ print $1 }')" = "$cookie" ] ||
	simnic_fail "the busy flow's rule was replaced"
[ "$(nfo_stat offloaded)" = $((offloaded0 + 1)) ] ||
	fail "the busy flow was offloaded $(($(nfo_stat offloaded) - offloaded0)) times"
[ $(($(nfo_stat fast_ipv4_packets) - fast0)) -lt 20 ] ||
	fail "the software fast path carried the busy flow"
line=$(flow_line 4600) || fail "the busy flow is gone"
echo "# $line"
age=$(sed -n 's/.* age=\([0-9]*\) .*/\1/p' <<<"$line")
[ "$age" -ge 9 ] || fail "the busy flow is $age s old"
[ "$(nfo_stat hw_polls)" -gt 0 ] || fail "no hardware counters polled"
pass "busy in hardware for 10 s (timeout 3 s): one flow, $age s old, the same rule, hw_polls $(nfo_stat hw_polls)"
wait_for 15 eval '! flow_line 4600 >/dev/null' ||
	fail "the idle flow did not expire"
# The GC unhashes the flow (it leaves the listing), then reaps it: after
# a grace period and its work item, its rules leave the ASIC.
wait_for 5 eval '[ "$(simnic_nrules proto=udp sport=4600)" = 0 ]' ||
	simnic_fail "the expired flow's rules stay in the ASIC"
[ "$(nfo_stat hw_destroyed)" -ge $((destroyed0 + 2)) ] || fail "hw_destroyed did not count both directions"
pass "idle: the flow expired and its rules left the ASIC"
