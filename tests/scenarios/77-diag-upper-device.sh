#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: the client side of the router is bridge br0 (port r-cl) and the
# flowtable lists br0 itself, not its port, as firewall4's software
# offloading lists br-lan.  That is no fault: the connection is offloaded
# ([OFFLOAD], fast-path statistics), both directions sent directly
# (xmit_direct: the one towards br0 straight to r-cl).  diagnose says offloaded, exit 0, with
# a passing check saying where br0's packets are caught and no advice; none
# and exit 0 without an address.  With the port listed instead, the same
# traffic is sent directly too and diagnose names the port.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/diag.bash"

# diag_line PATTERN: diagnose -v printed a line matching grep -E PATTERN.
diag_line() {
	grep -qE -- "$1" <<<"$DIAG_TEXT"
}

topology_layers bridge plain
diag_ruleset 'br0, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
udp_server
direct0=$(nfo_stat xmit_direct)
fast0=$(nfo_stat fast_ipv4_packets)
udp_exchange 50
ct_has 'sport=4400 .*OFFLOAD' || ofail "not offloaded with br0 listed"
[ "$(nfo_stat fast_ipv4_packets)" -gt "$fast0" ] ||
	ofail "no fast-path packets with br0 listed"
[ "$(nfo_stat xmit_direct)" -ge $((direct0 + 2)) ] ||
	ofail "not both directions sent directly with br0 listed"
pass "br0 listed: offloaded, both directions direct (xmit_direct $(nfo_stat xmit_direct), fast_ipv4_packets $(nfo_stat fast_ipv4_packets))"

diag_expect offloaded 0 10.0.2.2:5001 'offloaded in flowtable filter ft'
diag_line "^  ok +device +original direction's input device br0 \(bridge on r-cl\) is in flowtable filter ft: .*caught at the port, or on it.*to the port directly" ||
	fail "diagnose: no passing check for br0 listed in place of r-cl"
! diag_line 'FAIL|firewall4|instead of' || fail "diagnose: br0 listed is taken for a fault"
pass "diagnose with br0 listed: offloaded, the bridge's check passed"
diag_expect none 0 ""
diag_line '^  ok +devices +flowtable filter ft lists bridge br0: packets arriving on r-cl are caught at the port, or on it' ||
	fail "diagnose without an address: no passing check for br0"

n r nft flush ruleset
n r conntrack -F 2>/dev/null || true
diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
direct0=$(nfo_stat xmit_direct)
udp_exchange 50 200 4401
ct_has 'sport=4401 .*OFFLOAD' || ofail "not offloaded with the port listed"
[ "$(nfo_stat xmit_direct)" -ge $((direct0 + 2)) ] || ofail "not direct with the port listed"
diag_expect offloaded 0 10.0.2.2:5001 'filter ft'
diag_line "^  ok +device +original direction's input device br0: its port r-cl is in flowtable filter ft" ||
	fail "diagnose: the port r-cl is not named with the port listed"
! diag_line 'caught at the port, or on it' || fail "diagnose: br0 said to be listed with only its port listed"
diag_expect none 0 ""
! diag_line '^  ok +devices ' || fail "diagnose without an address: a devices check with only the ports listed"
