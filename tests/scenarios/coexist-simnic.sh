#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel's own flowtable with "flags offload" on the tests' simulated
# offload NIC (nfo_simnic, tests/kmod): the rules it pushes, and what
# hardware does with them.  A router r whose ports are simnic ports, peers
# in cl and srv, IPv4 masqueraded:
#   - TCP and UDP over IPv4, TCP over IPv6 (routed): the ASIC forwards the
#     bulk (its counters), conntrack shows [HW_OFFLOAD], the forward chain
#     and the router's own port counters see only the first packets, the
#     data arrives intact; STATS brings the ASIC's counts to conntrack;
#     TTL 1 and oversized packets go to the host;
#   - the kernel unbinds before it destroys: after "nft delete table", with
#     unbind_flush=0 (mtk's way) the rules stay, stale, and keep forwarding;
#     with unbind_flush=1 they go;
#   - mtk's refusals: IPv6 NAT, GRE (no ports), an 802.1ad push (which nf
#     sends as an empty action); and the knobs' failures (BIND, REPLACE
#     refused, table full, lazy binding and the -EEXIST of nf's resends,
#     DESTROY failing);
#   - VLANs: 802.1Q popped and pushed by the ASIC; QinQ on one
#     side: the direction that pushes 802.1ad refused, the other forwarded
#     with the 802.1ad tag dropped by the ASIC on its own; a PPPoE session
#     on the WAN: pushed, and dropped (no action asks) by the ASIC;
#   - a port going takes its rules along; unloading with rules held frees
#     them; ports move between namespaces.
# nft_offload is not loaded: the in-kernel flowtable pushes the rules.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/simnic.bash"

expect_ok modprobe nf_flow_table_inet
expect_ok modprobe nft_flow_offload
modloaded nft_offload && fail "nft_offload is loaded beside the in-kernel flowtable"
simnic_load

simnic_topology 9000 1500
simnic_ruleset masq4
n r sysctl -q -w net.netfilter.nf_conntrack_acct=1
server_probe
udp_server

log "IPv4 TCP, masqueraded"
tcp_case 4 10.0.2.2
masq_rules_ok
pass "IPv4 TCP: a masquerading rule each way, the server saw only the router's address"

log "IPv6 TCP, routed"
tcp_case 6 fd00:2::2
grep -qE ' family=ipv6 proto=tcp src=fd00:1::2 sport=[0-9]+ dst=fd00:2::2 dport=5001 .* nat=- .* out=r-srv ' <<<"$RULES" ||
	simnic_fail "no routed IPv6 rule cl -> srv"

log "IPv4 UDP, masqueraded"
hw0=$(simnic_counter hw_forwarded_bytes)
out=$(n cl udp-pingpong send 10.0.2.2 5001 1500 1200 --sport 4500) ||
	simnic_fail "UDP exchange incomplete or corrupted: $out"
hw_offloaded_in_conntrack || simnic_fail "IPv4 UDP: no [HW_OFFLOAD] in conntrack"
simnic_show_rules proto=udp sport=4500
simnic_show_rules proto=udp dport=4500
[ "$(simnic_nrules proto=udp sport=4500)" = 1 ] && [ "$(simnic_nrules proto=udp dport=4500)" = 1 ] ||
	simnic_fail "IPv4 UDP: not a rule each way"
hw=$(since hw_forwarded_bytes "$hw0")
[ "$hw" -gt $((1500 * 1228)) ] || simnic_fail "IPv4 UDP: the ASIC forwarded $hw bytes"
pass "IPv4 UDP: intact ($out), [HW_OFFLOAD], the ASIC forwarded $hw bytes"

# STATS: nf adds the ASIC's deltas to conntrack's accounting (the
# flowtable has a counter): every datagram counted once, in L3 bytes.
resent=$(awk '{ print $6 }' <<<"$out")
pkts=$((1500 + resent))
wait_for 20 ct_orig_is 4500 "$pkts" $((pkts * 1228)) ||
	simnic_fail "conntrack counts $(ct_orig 4500 packets) packets, $(ct_orig 4500 bytes) bytes for $pkts datagrams of 1228 bytes"
[ "$(simnic_counter stats_ok)" -gt 0 ] || simnic_fail "no STATS answered"
pass "STATS: conntrack counts each of the $pkts datagrams once, $((pkts * 1228)) bytes (stats_ok $(simnic_counter stats_ok))"

log "TTL 1 and too big for r-srv: to the host"
t0=$(simnic_counter punt_ttl)
n cl udp-pingpong send 10.0.2.2 5001 3 300 --sport 4500 --ttl 1 --noecho >/dev/null || true
[ "$(since punt_ttl "$t0")" -ge 3 ] || simnic_fail "TTL 1 datagrams not punted"
m0=$(simnic_counter punt_mtu)
n cl udp-pingpong send 10.0.2.2 5001 1 3000 --sport 4500 --df --noecho >/dev/null || true
[ "$(since punt_mtu "$m0")" -ge 1 ] || simnic_fail "a 3028-byte datagram towards MTU 1500 not punted"
pass "TTL 1 and oversized packets of an offloaded flow go to the host"

log "stale rules: nft delete table with unbind_flush=0"
[ "$(simnic_nrules proto=udp sport=4500)" = 1 ] || simnic_fail "the UDP flow's rules went early"
k0=$(simnic_counter unbind_kept)
expect_ok n r nft delete table inet filter
simnic_show_rules sport=4500
simnic_show_rules dport=4500
[ "$(simnic_nrules sport=4500 stale=1)" = 1 ] && [ "$(simnic_nrules dport=4500 stale=1)" = 1 ] ||
	simnic_fail "the UDP flow's rules are not there, stale, after the flowtable went"
[ "$(since unbind_kept "$k0")" -ge 2 ] || simnic_fail "unbind_kept did not count them"
hw0=$(simnic_counter hw_forwarded)
n cl udp-pingpong send 10.0.2.2 5001 50 500 --sport 4500 >/dev/null ||
	simnic_fail "the stale rules broke the flow"
[ "$(since hw_forwarded "$hw0")" -ge 100 ] ||
	simnic_fail "the stale rules forwarded $(since hw_forwarded "$hw0") of 100 datagrams"
pass "after nft delete table (UNBIND before DESTROY, the kernel's known behaviour) the rules stay, stale, and the ASIC still forwards their flow"
echo 1 >"$SIMNIC_DEBUGFS/flush"
[ "$(simnic_nrules)" = 0 ] || simnic_fail "flush left rules"

log "unbind_flush=1"
simnic_knob unbind_flush 1
simnic_ruleset none
n cl udp-pingpong send 10.0.2.2 5001 50 500 --sport 4501 >/dev/null || simnic_fail "UDP exchange failed"
wait_for 5 hw_offloaded_in_conntrack || simnic_fail "no [HW_OFFLOAD] for the flow from 4501"
[ "$(simnic_nrules sport=4501)" = 1 ] || simnic_fail "no rule for the flow from 4501"
f0=$(simnic_counter unbind_flushed)
expect_ok n r nft delete table inet filter
[ "$(simnic_nrules)" = 0 ] || simnic_fail "rules left after the flowtable went with unbind_flush=1"
[ "$(since unbind_flushed "$f0")" -ge 2 ] || simnic_fail "unbind_flushed did not count them"
pass "with unbind_flush=1 the last UNBIND removes the flowtable's rules"
simnic_knob unbind_flush 0

log "IPv6 NAT: refused, as mtk refuses it"
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true
simnic_ruleset masq
r0=$(simnic_counter replace_refused_ipv6_nat)
n cl udp-pingpong send fd00:2::2 5001 100 500 --sport 4600 >/dev/null || simnic_fail "IPv6 UDP exchange failed"
wait_for 5 offloaded_in_conntrack || simnic_fail "the IPv6 flow is not even in the flowtable"
wait_for 5 counter_rose replace_refused_ipv6_nat "$r0" || simnic_fail "no IPv6 NAT refusal counted"
! hw_offloaded_in_conntrack || simnic_fail "IPv6 NAT flow [HW_OFFLOAD]"
[ "$(simnic_nrules family=ipv6)" = 0 ] || simnic_fail "an IPv6 NAT rule was accepted"
pass "IPv6 masquerade: the IP6 mangles refused (-EOPNOTSUPP), the flow stays in software ([OFFLOAD])"

log "knobs: bind_errno, refuse, table_size, lazy_bind, destroy_errno"
n r nft flush ruleset
n r conntrack -F 2>/dev/null || true
simnic_knob bind_errno 95
b0=$(simnic_counter bind_failed)
expect_err 'Operation not supported|Not supported' n r nft add table inet t '{ flowtable ft { hook ingress priority 0; devices = { r-cl, r-srv }; flags offload; }; }'
[ "$(since bind_failed "$b0")" -ge 1 ] || simnic_fail "no failed BIND counted"
simnic_knob bind_errno 0
pass "bind_errno=95: the flowtable cannot be added"

simnic_ruleset masq4
simnic_knob refuse 2
r0=$(simnic_counter replace_refused_knob)
n cl udp-pingpong send 10.0.2.2 5001 50 500 --sport 4502 >/dev/null || simnic_fail "UDP exchange failed"
wait_for 5 offloaded_in_conntrack || simnic_fail "the flow from 4502 is not in the flowtable"
wait_for 5 counter_rose replace_refused_knob "$r0" 2 || simnic_fail "refuse=2 refused nothing"
! hw_offloaded_in_conntrack || simnic_fail "a refused flow [HW_OFFLOAD]"
simnic_knob refuse 0
pass "refuse=2 (IPv4): both directions refused, the flow stays in software"

n r conntrack -F 2>/dev/null || true
simnic_knob table_size 0
s0=$(simnic_counter replace_enospc)
n cl udp-pingpong send 10.0.2.2 5001 50 500 --sport 4503 >/dev/null || simnic_fail "UDP exchange failed"
wait_for 5 offloaded_in_conntrack || simnic_fail "the flow from 4503 is not in the flowtable"
wait_for 5 counter_rose replace_enospc "$s0" 2 || simnic_fail "a full table refused nothing"
! hw_offloaded_in_conntrack || simnic_fail "a flow [HW_OFFLOAD] with the table full"
simnic_knob table_size 16384
pass "table_size=0: REPLACE refused with -ENOSPC"

# A rule that never binds leaves the flow on nf's software path, which
# sends REPLACE again (at most once a second): -EEXIST.
n r conntrack -F 2>/dev/null || true
simnic_knob lazy_bind 1000000
e0=$(simnic_counter replace_eexist)
u0=$(simnic_counter punt_unbound)
for _ in $(seq 20); do
	n cl udp-pingpong send 10.0.2.2 5001 5 200 --sport 4504 >/dev/null || simnic_fail "UDP exchange failed"
	[ "$(since replace_eexist "$e0")" = 0 ] || break
	nap 0.3
done
[ "$(since replace_eexist "$e0")" -ge 1 ] || simnic_fail "nf's REPLACE of a held cookie was not refused"
[ "$(since punt_unbound "$u0")" -ge 5 ] || simnic_fail "the unbound rule punted nothing"
simnic_show_rules sport=4504
[ "$(simnic_nrules sport=4504 state=lazy)" = 1 ] || simnic_fail "the rule is not waiting to bind"
simnic_knob lazy_bind 0
pass "lazy_bind: the rule punts to the host, nf's resent REPLACE gets -EEXIST ($(since replace_eexist "$e0") times)"

simnic_knob destroy_errno 5
d0=$(simnic_counter destroy_failed)
n r conntrack -D -p udp --sport 4504 >/dev/null 2>&1 || true
wait_for 10 counter_rose destroy_failed "$d0" || simnic_fail "no DESTROY failed"
[ "$(simnic_nrules sport=4504)" = 1 ] || simnic_fail "the rule went although DESTROY failed"
simnic_knob destroy_errno 0
pass "destroy_errno=5: DESTROY fails and the rule stays"

log "unloading with rules held"
n r conntrack -F 2>/dev/null || true
n cl udp-pingpong send 10.0.2.2 5001 20 500 --sport 4505 >/dev/null || simnic_fail "UDP exchange failed"
wait_for 5 hw_offloaded_in_conntrack || simnic_fail "no [HW_OFFLOAD] for the flow from 4505"
held=$(simnic_nrules)
[ "$held" -ge 2 ] || simnic_fail "$held rules held"
expect_ok rmmod nfo_simnic
n r ip link show r-cl >/dev/null 2>&1 && fail "r-cl outlived its module"
pass "nfo_simnic unloads holding $held rules (its ports go, flowtable unbound)"

log "a port going takes its rules along; ports move between namespaces"
simnic_load
simnic_topology
simnic_ruleset none
udp_server
n cl udp-pingpong send 10.0.2.2 5001 20 500 --sport 4506 >/dev/null || simnic_fail "UDP exchange failed"
wait_for 5 hw_offloaded_in_conntrack || simnic_fail "no [HW_OFFLOAD] for the flow from 4506"
[ "$(simnic_nrules)" = 2 ] || simnic_fail "not 2 rules"
# The port's NETDEV_DOWN has nf destroy its flows first: let those
# DESTROYs fail, so that it is the port's going that takes the rules.
simnic_knob destroy_errno 5
g0=$(simnic_counter rules_port_gone)
expect_ok n r ip link del r-cl
[ "$(simnic_nrules)" = 0 ] || simnic_fail "rules outlived their port"
[ "$(since rules_port_gone "$g0")" = 2 ] || simnic_fail "rules_port_gone did not count 2"
simnic_knob destroy_errno 0
netns mv
expect_ok ip link add sx0 type simnic peer name sx1
expect_ok ip link set sx1 netns mv
expect_ok n mv ip link set sx1 up
expect_ok ip link set sx0 up
wait_for 5 _link_up mv sx1 || fail "sx1 has no carrier in its new namespace"
expect_ok ip link del sx0
n mv ip link show sx1 >/dev/null 2>&1 && fail "sx1 outlived its peer"
pass "deleting r-cl dropped the 2 rules through it; a port moved to another namespace keeps its peer"

log "GRE: no ports, refused as mtk refuses it"
simnic_topology
simnic_ruleset none 'tcp, udp, gre'
for end in "cl 10.0.1.2 10.0.2.2 10.9.0.1/30" "srv 10.0.2.2 10.0.1.2 10.9.0.2/30"; do
	read -r ns local remote addr <<<"$end"
	ip -n "$ns" -batch - <<-EOF
	link add gt type gre local $local remote $remote
	addr add $addr dev gt
	link set gt up
	EOF
done
p0=$(simnic_counter replace_refused_no_ports)
expect_ok n cl ping -c 5 -i 0.2 -W 2 10.9.0.2
wait_for 5 offloaded_in_conntrack || simnic_fail "the GRE flow is not in the flowtable"
n r conntrack -L -p gre 2>/dev/null | sed 's/^/#   /'
wait_for 5 counter_rose replace_refused_no_ports "$p0" || simnic_fail "GRE not refused for want of ports"
! hw_offloaded_in_conntrack || simnic_fail "a GRE flow [HW_OFFLOAD]"
pass "GRE: refused (no PORTS key), the flow stays in software"

# nf fills in VLAN keys but does not flag them in used_keys: its rules
# match no tag (vlan=-), pop the 802.1Q ones and push the egress's.
log "802.1Q 10 on both sides: popped and pushed by the ASIC"
TOPOLOGY_LINK=simnic topology_layers vlan vlan
simnic_ruleset masq4
tcp_case 4 10.0.2.2
grep -qE ' in=r-cl .* vlan=- .* pop=1 push=vlan:10 out=r-srv ' <<<"$RULES" &&
	grep -qE ' in=r-srv .* vlan=- .* pop=1 push=vlan:10 out=r-cl ' <<<"$RULES" ||
	simnic_fail "no rule each way popping and pushing VLAN 10"
pass "VLAN 10: both rules pop the tag and push it (and match none: no VLAN key in used_keys)"

log "QinQ (802.1ad 100, 802.1Q 20) on the LAN, 802.1Q 10 on the WAN"
TOPOLOGY_LINK=simnic topology_layers qinq vlan
WAN_L3=r-srv.10 simnic_ruleset masq4
udp_server
# nf has no action for an 802.1ad push: it leaves the entry empty (id 0,
# FLOW_ACTION_ACCEPT), which mtk's list of actions, and the ASIC's, refuses.
a0=$(simnic_counter replace_refused_action)
hw0=$(simnic_counter hw_forwarded)
out=$(n cl udp-pingpong send 10.0.2.2 5001 300 500 --sport 4700) ||
	simnic_fail "UDP exchange over QinQ incomplete or corrupted: $out"
simnic_show_rules sport=4700
wait_for 5 counter_rose replace_refused_action "$a0" || simnic_fail "the 802.1ad push was not refused"
hw_offloaded_in_conntrack || simnic_fail "no [HW_OFFLOAD]: one direction was accepted"
grep -qE ' in=r-cl .* vlan=- .* pop=1 push=vlan:10 out=r-srv ' <<<"$(simnic_rules sport=4700)" ||
	simnic_fail "no rule cl -> srv popping 802.1Q 20 and pushing 10"
[ "$(simnic_nrules dport=4700)" = 0 ] || simnic_fail "the reply's 802.1ad push was accepted"
[ "$(since hw_forwarded "$hw0")" -ge 200 ] || simnic_fail "the ASIC forwarded $(since hw_forwarded "$hw0") datagrams"
pass "QinQ: the reply (802.1ad push, an empty action) refused, [HW_OFFLOAD] all the same; cl -> srv forwarded by the ASIC, its 802.1ad tag dropped, intact ($out)"

log "PPPoE on the WAN: the session header dropped and pushed by the ASIC"
TOPOLOGY_LINK=simnic topology_pppoe
simnic_ruleset masq4
tcp_case 4 10.0.2.2
grep -qE ' in=r-cl .* pop=0 push=pppoe:[0-9]+ out=r-srv ' <<<"$RULES" &&
	grep -qE ' in=r-srv .* pop=0 push=- out=r-cl ' <<<"$RULES" ||
	simnic_fail "no rule pushing the PPPoE session towards srv, and none the other way"
pass "PPPoE: pushed towards the concentrator, dropped from its frames without an action, intact"
