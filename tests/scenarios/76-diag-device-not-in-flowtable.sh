#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: the client side of the router is VLAN 10 (r-cl.10 on port
# r-cl) and the flowtable lists only the server side's r-srv.  The client's
# datagrams arrive on r-cl, which has no hook: every one of them takes the
# forward chain.  diagnose names device_not_in_flowtable with the VLAN
# device and the port to add (r-cl, not r-cl.10).  Running the fix it
# prints offloads the next exchange.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"
. "$(dirname "$0")/diag.bash"

topology_layers vlan plain
[ "$LAN_L3" = r-cl.10 ] || fail "unexpected LAN device $LAN_L3"
diag_ruleset 'r-srv' 'meta l4proto { tcp, udp } flow add @ft'
udp_server
udp_exchange 20
fwd=$(fwd_packets)
[ "$fwd" -ge 20 ] || ofail "forward chain saw $fwd packets: the client's 20 datagrams did not all take the normal path"
pass "r-cl not in the flowtable: all 20 client datagrams forwarded by the normal path ($fwd packets)"

diag_expect device_not_in_flowtable 1 10.0.2.2:5001 'r-cl\.10' 'VLAN' \
	'original direction' 'devices = \{ r-cl \}' 'port under r-cl\.10' \
	'flowtable filter ft'

# The fix, as printed.
cmd=$(json_str fix | sed -n "s/.*: \(nft add flowtable [^']*'[^']*'\).*/\1/p")
[ -n "$cmd" ] || fail "no nft command in the fix"
log "running the fix: $cmd"
eval "n r $cmd" || fail "the fix's command failed"
ft=$(n r nft list flowtable inet filter ft)
grep -q 'r-cl' <<<"$ft" || fail "r-cl not added"
n r conntrack -F >/dev/null 2>&1 || true
fwd0=$(fwd_packets)
udp_exchange 50 200 4401
ct_has 'sport=4401 .*OFFLOAD' || ofail "not offloaded after the fix"
fwd=$(( $(fwd_packets) - fwd0 ))
[ "$fwd" -lt 20 ] || ofail "forward chain still saw $fwd of 100 packets after the fix"
diag_expect offloaded 0 10.0.2.2:5001 'filter ft'
