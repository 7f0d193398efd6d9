#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# As with the in-kernel expression, `flow add` that does not offload ends
# its rule: what follows it in the rule runs only for packets whose
# connection it offloaded (rulesets count offloads this way).
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
n r nft -f - <<'NFT'
table inet t {
	counter after_icmp { }
	counter after_udp { }
	flowtable ft { hook ingress priority 0; devices = { r-cl, r-srv }; }
	chain forward {
		type filter hook forward priority 0; policy accept;
		meta l4proto icmp flow add @ft counter name after_icmp
		meta l4proto udp flow add @ft counter name after_udp
	}
}
NFT
udp_server
expect_ok n cl ping -c 5 -i 0.2 10.0.2.2
n cl udp-pingpong send 10.0.2.2 5001 50 300 --sport 4950 || fail "exchange failed"

count() {
	n r nft list counter inet t "$1" | grep -o 'packets [0-9]*' | awk '{ print $2 }'
}
[ "$(count after_icmp)" = 0 ] || fail "statement after a refused flow add ran ($(count after_icmp) ICMP packets)"
# One UDP connection, offloaded once: the statement after it ran exactly once.
[ "$(count after_udp)" = 1 ] || fail "statement after flow add ran $(count after_udp) times for one offload"
[ "$(nfo_stat offloaded)" = 1 ] || fail "$(nfo_stat offloaded) offloads"
pass "the rest of the rule runs only when flow add offloaded"
