#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: the server drops the client's SYNs, so the connection never
# gets established: flow add refuses it (refused_not_established rises),
# conntrack holds it in SYN_SENT, [UNREPLIED].  diagnose names ct_state
# and the state.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

topology_router
diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
n srv nft -f - <<-'NFT'
table inet srvfw {
	chain in {
		type filter hook input priority 0;
		tcp dport 5001 drop
	}
}
NFT
ref0=$(nfo_stat refused_not_established)
expect_fail n cl timeout 10 socat -u /dev/null TCP4:10.0.2.2:5001,connect-timeout=2
[ "$(nfo_stat refused_not_established)" -gt "$ref0" ] || ofail "refused_not_established did not rise"
ct_has 'SYN_SENT .*dport=5001 .*UNREPLIED' || ofail "no SYN_SENT [UNREPLIED] entry"
! ct_has OFFLOAD || ofail "an unestablished connection was offloaded"
pass "SYNs dropped: SYN_SENT, refused_not_established $(nfo_stat refused_not_established)"

diag_expect ct_state 1 10.0.2.2:5001 'TCP state SYN_SENT' 'no reply seen' \
	'refused_not_established [1-9]' 'does not answer'
