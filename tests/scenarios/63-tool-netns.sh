#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Per netns: a second router netns sees none of the first's flows or
# counters, through /proc/net/nft_offload_flows, /proc/net/stat/nft_offload
# and nft-offload -n; and the first none of the second's.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset masq "counter;"
NS_SUFFIX=2 topology_router
n r2 nft -f - <<-'NFT'
table inet filter {
	flowtable ft2 {
		hook ingress priority 0
		devices = { r-cl, r-srv }
	}
	chain forward {
		type filter hook forward priority 0; policy accept;
		meta l4proto { tcp, udp } flow add @ft2
	}
}
NFT

# stat NS NAME
stat() {
	n "$1" awk -v k="$2" '$1 == k { print $2 }' /proc/net/stat/nft_offload
}
listed() {
	n "$1" cat /proc/net/nft_offload_flows | wc -l
}

# Traffic through r only, held open.
udp_server
n cl udp-pingpong send 10.0.2.2 5001 50 300 --sport 40001 >/dev/null || fail "udp exchange in r failed"
[ "$(listed r)" = 1 ] || ofail "r does not list its flow"
[ "$(listed r2)" = 0 ] || fail "r2 lists r's flow: $(n r2 cat /proc/net/nft_offload_flows)"
[ "$(listed srv)" = 0 ] || fail "srv lists r's flow"
[ "$(cat /proc/net/nft_offload_flows | wc -l)" = 0 ] || fail "the initial netns lists r's flow"
[ "$(stat r fast_ipv4_packets)" -ge 90 ] || fail "r counted $(stat r fast_ipv4_packets) fast packets"
for k in fast_ipv4_packets fast_ipv4_bytes offloaded flows flows_peak xmit_direct; do
	[ "$(stat r2 "$k")" = 0 ] || fail "r2 has $k $(stat r2 "$k")"
done

# The tool, by -n and from inside the netns.
[ "$(nft-offload -n r flows | tail -n 1)" = "1 flow" ] || fail "tool: r not 1 flow"
[ "$(nft-offload -n r2 flows | tail -n 1)" = "0 flows" ] || fail "tool: r2 not 0 flows"
[ "$(n r2 nft-offload flows | tail -n 1)" = "0 flows" ] || fail "tool inside r2: not 0 flows"
[ "$(nft-offload -n r2 --json flows)" = '{"flows":[]}' ] || fail "tool: r2 --json flows not empty"
nft-offload -n r2 stats | matches -x 'fast_ipv4_packets \+0' || fail "tool: r2 fast packets not 0"
nft-offload -n r2 status | matches -x '  inet filter ft2: hook ingress priority 0; devices { r-cl, r-srv }; flags none; rules 1; flows 0' ||
	fail "tool: r2 status: $(nft-offload -n r2 status)"
nft-offload -n r status | matches -x '  inet filter ft: hook ingress priority 0; devices { r-cl, r-srv }; flags counter; rules 1; flows 1' ||
	fail "tool: r status: $(nft-offload -n r status)"
nft-offload -n r status | matches ft2 && fail "tool: r status shows r2's flowtable"
rc=0
nft-offload -n nosuchns status >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "-n nosuchns: exit $rc, expected 2"
# A malformed name, and a file that is no namespace, are usage errors too.
for bad in '' a/b ..; do
	rc=0
	nft-offload -n "$bad" status >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] || fail "-n '$bad': exit $rc, expected 2"
done
mkdir -p /run/netns && : > /run/netns/notans
rc=0
nft-offload -n notans status >/dev/null 2>&1 || rc=$?
rm -f /run/netns/notans
[ "$rc" = 2 ] || fail "-n notans (a plain file): exit $rc, expected 2"

# Now traffic through r2: each netns keeps its own.
r_pk=$(stat r fast_ipv4_packets)
n srv2 udp-pingpong serve 5001 &
wait_listen srv2 5001 udp 6
n cl2 udp-pingpong send 10.0.2.2 5001 30 300 --sport 40002 >/dev/null || fail "udp exchange in r2 failed"
[ "$(listed r2)" = 1 ] || fail "r2 does not list its flow"
[ "$(listed r)" = 1 ] || fail "r's listing changed"
n r2 grep -q 'flowtable=ft2 .*orig_sport=40002 ' /proc/net/nft_offload_flows || fail "r2's flow is not its own"
n r grep -q 'flowtable=ft .*orig_sport=40001 ' /proc/net/nft_offload_flows || fail "r's flow is not its own"
[ "$(stat r fast_ipv4_packets)" = "$r_pk" ] || fail "r's fast packets moved with r2's traffic"
p2=$(stat r2 fast_ipv4_packets)
[ "$p2" -ge 50 ] && [ "$p2" -le 60 ] || fail "r2 counted $p2 fast packets for 60 sent"
[ "$(nft-offload -n r2 flows --port 40001 | tail -n 1)" = "0 flows" ] || fail "tool: r2 shows r's port"
pass
