#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Booted with the kernel's own flowtable modules present: nft_offload never
# runs beside the ones that register what it registers (nf_flow_table_inet:
# the flowtable types, nft_flow_offload: the expression), whichever comes
# first, and says why in the kernel log.  Their core, nf_flow_table, and
# tc's act_ct, which needs only the core, load beside it, and offloading
# works with them there.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

ko=$(modinfo -n nft_offload)
rivals=(nft_flow_offload nf_flow_table_inet)

# In-kernel first: we refuse to load, beside both and beside each.
expect_ok modprobe nf_flow_table_inet
expect_ok modprobe nft_flow_offload
expect_fail insmod "$ko"
modloaded nft_offload && fail "nft_offload loaded beside the in-kernel flowtable"
dmesg | matches "nft_offload: the in-kernel flowtable's nf_flow_table_inet registers what nft_offload does; refusing to load" ||
	fail "no clear refusal line in the kernel log"
expect_ok rmmod nft_flow_offload
expect_fail modprobe nft_offload
expect_ok rmmod nf_flow_table_inet
expect_ok modprobe nft_flow_offload
expect_fail modprobe nft_offload
dmesg | matches "nft_offload: the in-kernel flowtable's nft_flow_offload registers" ||
	fail "no refusal line naming nft_flow_offload"
expect_ok rmmod nft_flow_offload
pass "refused beside nf_flow_table_inet and nft_flow_offload, together and alone"

# The core alone, as act_ct has it: we load beside it and act_ct, and
# offload.
modloaded nf_flow_table || expect_ok modprobe nf_flow_table
expect_ok modprobe act_ct
expect_ok modprobe nft_offload
netns tc
n tc ip link add d0 type dummy
n tc ip link set d0 up
expect_ok n tc tc qdisc add dev d0 ingress
expect_ok n tc tc filter add dev d0 ingress matchall action ct
topology_router
offload_ruleset route
udp_server
fast0=$(nfo_stat fast_ipv4_bytes)
n cl udp-pingpong send 10.0.2.2 5001 40 500 --sport 4500 >/dev/null ||
	fail "UDP exchange failed"
offloaded_in_conntrack || fail "not offloaded beside nf_flow_table and act_ct"
[ "$(nfo_stat fast_ipv4_bytes)" -gt "$fast0" ] ||
	fail "the fast path forwarded nothing beside nf_flow_table and act_ct"
pass "loaded and offloading beside nf_flow_table and act_ct (a tc ct action in place)"

# Ours first: the rivals are refused, the core and act_ct are not.
# (A namespace goes after its deletion returns: act_ct is in use until.)
for ns in cl r srv tc; do ip netns delete "$ns"; done
unload() { rmmod "$@" 2>/dev/null; }
wait_for 10 unload act_ct || fail "act_ct still in use"
expect_ok rmmod nf_flow_table
for m in nf_flow_table act_ct; do
	expect_ok modprobe "$m"
done
for m in "${rivals[@]}"; do
	expect_fail modprobe "$m"
	modloaded "$m" && fail "$m loaded beside nft_offload"
	dmesg | matches "nft_offload: refusing to let the in-kernel flowtable module $m load" ||
		fail "no veto line for $m"
done
pass "nf_flow_table_inet and nft_flow_offload refused while nft_offload is loaded; nf_flow_table and act_ct not"

expect_ok rmmod nft_offload
expect_ok modprobe nft_flow_offload
expect_ok modprobe nf_flow_table_inet
for m in "${rivals[@]}" act_ct nf_flow_table; do
	if modloaded "$m"; then
		expect_ok rmmod "$m"
	fi
done
pass "in-kernel flowtable loads again once nft_offload is gone"
