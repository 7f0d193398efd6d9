#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The main job: a virtual home router with the ruleset OpenWrt's firewall4
# generates (flow offloading on, masquerade towards the WAN), a LAN client
# and a WAN server.  Shows the module autoloading, a download and an upload
# being offloaded, and what the module, conntrack and nft-offload report.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

say() { printf '\n== %s\n' "$*"; }

topology_router
say "Router ruleset (firewall4 shape), loaded with stock nft: nft_offload autoloads"
modloaded nft_offload && fail "module loaded before the ruleset"
n r nft -f - <<'NFT'
table inet fw4 {
	flowtable ft {
		hook ingress priority 0;
		devices = { "r-cl", "r-srv" };
		counter;
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		meta l4proto { tcp, udp } flow offload @ft;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iifname "r-cl" counter accept comment "lan to wan"
	}
	chain srcnat {
		type nat hook postrouting priority srcnat;
		oifname "r-srv" masquerade
	}
}
NFT
n r nft list ruleset
modloaded nft_offload || fail "nft_offload was not autoloaded"
dmesg | grep 'nft_offload: version' | tail -n 1

n r sysctl -q -w net.netfilter.nf_conntrack_acct=1

timed_transfer() {	# label: 64 MiB client -> server, prints MiB/s
	local t0 t1
	t0=$(_uptime_ms)
	tcp_transfer 4 10.0.2.2 5001 $((64 * 1024 * 1024))
	t1=$(_uptime_ms)
	echo "$1: 64 MiB in $(( t1 - t0 )) ms, $(( 64 * 1000 / (t1 - t0 + 1) )) MiB/s (emulated CPU), intact (sha256 match)"
}

say "Upload through the fast path"
udp_server
timed_transfer "fast path"
[ "$SAW_OFFLOAD" = 1 ] || fail "transfer was not offloaded"
say "While it ran, conntrack showed the connection as [OFFLOAD]; a UDP flow now:"
n cl udp-pingpong send 10.0.2.2 5001 200 1000 || fail "UDP exchange failed"
n r conntrack -L 2>/dev/null | grep OFFLOAD || fail "no [OFFLOAD] entry"

say "What nft-offload says: the flowtable, the offloaded UDP flow, and diagnose"
nft-offload -n r status
nft-offload -n r flows --proto udp
nft-offload -n r diagnose 10.0.2.2:5001 ||
	fail "diagnose does not find the UDP flow offloaded"

say "Module statistics (/proc/net/stat/nft_offload in the router's netns), non-zero lines"
n r awk '$2 != 0' /proc/net/stat/nft_offload

say "The forward chain saw only the first packets of each connection"
n r nft list chain inet fw4 forward | grep -E 'counter|flow'

say "Same upload with offloading switched off (net.netfilter.nf_flow_offload=0)"
n r sysctl -w net.netfilter.nf_flow_offload=0
timed_transfer "normal path"
[ "$SAW_OFFLOAD" = 0 ] || fail "offloaded although switched off"
n r sysctl -q -w net.netfilter.nf_flow_offload=1
pass "demo complete"
