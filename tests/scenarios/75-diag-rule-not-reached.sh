#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: the flow add rule sits behind a rule that accepts the traffic,
# so it is never evaluated: its counter stays at 0 and the module counts no
# attempt.  diagnose names rule_not_reached, the chain and the counter.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

topology_router
diag_ruleset 'r-cl, r-srv' 'counter name forwarded
			meta l4proto { tcp, udp } accept
			meta l4proto { tcp, udp } counter flow add @ft'
udp_server
udp_exchange 20
attempts=$(n r awk '$1 == "offloaded" || $1 ~ /^refused_/ { s += $2 } END { print s }' /proc/net/stat/nft_offload)
[ "$attempts" = 0 ] || ofail "$attempts offload attempts, yet the rule is behind an accept"
chain=$(n r nft list chain inet filter forward)
grep -q 'counter packets 0 bytes 0 flow add @ft' <<<"$chain" ||
	ofail "the flow add rule's counter is not 0"
[ "$(fwd_packets)" -ge 40 ] || ofail "forward chain saw $(fwd_packets) of 40 packets"
! ct_has OFFLOAD || ofail "[OFFLOAD] although the rule is not reached"
pass "flow add behind an accept: counter 0, no attempt, every packet forwarded"

diag_expect rule_not_reached 1 10.0.2.2:5001 'chain forward' 'counter is at 0' \
	'no offload attempt' 'nft -a list chain inet filter forward'
diag_expect rule_not_reached 1 "" 'chain forward'
