#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Differential check against the kernel's own flowtable: the same ruleset
# operations give the same results and the same listings with either.
. "$NFO_LIB"
. "$(dirname "$0")/rejections.bash"

netns r
for dev in d0 d1 br-lan eth1; do
	n r ip link add "$dev" type dummy
	n r ip link set "$dev" up
done

fw4='table inet fw4 {
	flowtable ft { hook ingress priority 0; devices = { "br-lan", "eth1" }; counter; }
	chain forward {
		type filter hook forward priority filter; policy drop;
		meta l4proto { tcp, udp } flow offload @ft;
		ct state vmap { established : accept, related : accept, invalid : drop }
	}
}'

with() {
	run_rejections r
	n r nft -f - <<<"$fw4" || echo "fw4 ruleset failed to load"
	n r nft list ruleset
	n r nft flush ruleset
}

expect_ok modprobe nf_flow_table_inet
expect_ok modprobe nft_flow_offload
theirs=$(with)
expect_ok rmmod nft_flow_offload nf_flow_table_inet nf_flow_table

expect_ok modprobe nft_offload
ours=$(with)
expect_ok rmmod nft_offload

printf 'in-kernel flowtable:\n%s\n' "$theirs"
if [ "$theirs" != "$ours" ]; then
	diff <(echo "$theirs") <(echo "$ours")
	fail "nft_offload differs from the in-kernel flowtable"
fi
pass "same errors and listings as the in-kernel flowtable ($(wc -l <<<"$theirs") lines compared)"
