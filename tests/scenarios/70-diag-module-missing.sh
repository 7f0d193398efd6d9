#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: nft_offload not loaded.  The router forwards a UDP exchange on
# the normal path only (no statistics file, no [OFFLOAD]); diagnose names
# module_missing, with and without an address, and exit 1.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

if modloaded nft_offload; then
	expect_ok rmmod nft_offload
fi
topology_router
# A forward chain without a flowtable: nothing loads the module.
n r nft -f - <<-'NFT'
table inet filter {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ct state new,established counter
	}
}
NFT
udp_server
udp_exchange 20
modloaded nft_offload && fail "nft_offload got loaded"
[ ! -e /proc/net/stat/nft_offload ] || fail "statistics file without the module"
ct_has 'dport=5001' || fail "no conntrack entry for the exchange"
! ct_has OFFLOAD || fail "[OFFLOAD] without the module"
pass "without the module: forwarded on the normal path, no [OFFLOAD]"

diag_expect module_missing 1 10.0.2.2:5001 'nft_offload' 'modprobe nft_offload'
diag_expect module_missing 1 "" 'not loaded'
# Only the module check ran.
[ "$(json_str checks.#)" = 1 ] ||
	fail "more checks than the module's"
