#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: the module is loaded but the router has no flowtable (and so
# no flow add).  A UDP exchange is forwarded without any offload attempt;
# diagnose names no_flowtable and shows how to create one.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

expect_ok modprobe nft_offload
topology_router
n r nft -f - <<-'NFT'
table inet filter {
	counter forwarded { }
	chain forward {
		type filter hook forward priority 0; policy accept;
		ct state new,established counter name forwarded
	}
}
NFT
udp_server
udp_exchange 20
[ "$(nfo_stat offloaded)" = 0 ] || ofail "offloaded without a flowtable"
! ct_has OFFLOAD || ofail "[OFFLOAD] without a flowtable"
[ "$(fwd_packets)" -ge 40 ] || ofail "forward chain saw $(fwd_packets) of 40 packets"
ruleset=$(n r nft list ruleset)
! grep -q flowtable <<<"$ruleset" || fail "a flowtable exists"
ct_has 'dport=5001' || fail "no conntrack entry for the exchange"
pass "no flowtable: every packet forwarded, nothing offloaded"

diag_expect no_flowtable 1 10.0.2.2:5001 'no flowtable' 'nft add flowtable' \
	'devices = \{ r-cl, r-srv \}'
diag_expect no_flowtable 1 "" 'no flowtable'
