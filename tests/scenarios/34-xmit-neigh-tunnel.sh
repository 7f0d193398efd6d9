#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Transmit through the neighbour layer: towards a GRE tunnel (not plain
# Ethernet) the fast path hands packets to the neighbour layer with the
# cached route, and the tunnel encapsulates them; packets coming out of the
# tunnel are caught at the tunnel device's own ingress.  The other side is
# plain Ethernet and uses direct transmit: both paths in one connection.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

# Client link MTU 1400: everything fits the tunnel (1476), so no path MTU
# discovery reshapes the flow while it is measured.
topology_router 1400
expect_ok n r ip link add gre1 type gre local 10.0.2.1 remote 10.0.2.2
expect_ok n srv ip link add gre1 type gre local 10.0.2.2 remote 10.0.2.1
expect_ok n r ip addr add 10.0.3.1/30 dev gre1
expect_ok n srv ip addr add 10.0.3.2/30 dev gre1
expect_ok n r ip link set gre1 up
expect_ok n srv ip link set gre1 up
# The server answers the client through the tunnel too.
expect_ok n srv ip route add 10.0.1.0/24 dev gre1

n r nft -f - <<'NFT'
table ip filter {
	counter forwarded { }
	flowtable ft {
		hook ingress priority 0
		devices = { r-cl, gre1 }
	}
	chain forward {
		type filter hook forward priority 0; policy accept;
		meta l4proto { tcp, udp } flow add @ft
		counter name forwarded
	}
}
NFT

neigh0=$(nfo_stat xmit_neigh)
direct0=$(nfo_stat xmit_direct)
fast0=$(nfo_stat fast_ipv4_bytes)
bytes=$(bulk 8)
tcp_transfer 4 10.0.3.2 5001 "$bytes"
[ "$SAW_OFFLOAD" = 1 ] || fail "not offloaded"
fast=$(( $(nfo_stat fast_ipv4_bytes) - fast0 ))
fwd=$(nft_counter r ip filter forwarded bytes)
log "fast path $fast bytes, forward chain $fwd bytes"
[ "$(nfo_stat xmit_neigh)" -gt "$neigh0" ] || fail "no flow direction used the neighbour layer"
[ "$(nfo_stat xmit_direct)" -gt "$direct0" ] || fail "no flow direction used direct transmit"
[ "$fast" -gt $((bytes / 2)) ] || fail "fast path carried only $fast bytes"
[ $((fwd * 10)) -lt "$bytes" ] || fail "forward chain saw $fwd of $bytes bytes"
pass "through a GRE tunnel: neighbour-layer and direct transmit, intact"
