#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: a flowtable, but no rule with flow add.  A UDP exchange makes
# no offload attempt (offloaded and every refused_* stay 0, no [OFFLOAD]);
# diagnose names no_flow_rule and the rule to add.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

topology_router
diag_ruleset 'r-cl, r-srv' ''
udp_server
udp_exchange 20
attempts=$(n r awk '$1 == "offloaded" || $1 ~ /^refused_/ { s += $2 } END { print s }' /proc/net/stat/nft_offload)
[ "$attempts" = 0 ] || ofail "$attempts offload attempts without a flow add rule"
! ct_has OFFLOAD || ofail "[OFFLOAD] without a flow add rule"
[ "$(fwd_packets)" -ge 40 ] || ofail "forward chain saw $(fwd_packets) of 40 packets"
pass "no flow add rule: no offload attempt, every packet forwarded"

diag_expect no_flow_rule 1 10.0.2.2:5001 'flow add @ft' 'flowtable filter ft' \
	'nft insert rule inet filter forward'
