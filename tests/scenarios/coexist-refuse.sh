#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Booted with the kernel's own flowtable modules present: nft_offload never
# runs beside them, whichever comes first, and says why in the kernel log.
. "$NFO_LIB"

ko=$(modinfo -n nft_offload)
inkernel=(nft_flow_offload nf_flow_table_inet nf_flow_table)

# In-kernel first: we refuse to load.
expect_ok modprobe nf_flow_table_inet
expect_ok modprobe nft_flow_offload
expect_fail insmod "$ko"
modloaded nft_offload && fail "nft_offload loaded beside nf_flow_table"
dmesg | matches 'nft_offload: the in-kernel flowtable (nf_flow_table) is present; refusing to load' ||
	fail "no clear refusal line in the kernel log"
pass "refused to load beside the in-kernel flowtable"

# nf_flow_table alone (as act_ct would pull it in) is enough to refuse.
expect_ok rmmod nft_flow_offload nf_flow_table_inet
expect_fail modprobe nft_offload
expect_ok rmmod nf_flow_table
pass "refused beside nf_flow_table alone"

# Ours first: the in-kernel modules are refused.
expect_ok modprobe nft_offload
for m in "${inkernel[@]}"; do
	expect_fail modprobe "$m"
	modloaded "$m" && fail "$m loaded beside nft_offload"
	dmesg | matches "nft_offload: refusing to let the in-kernel flowtable module nf_flow_table load" ||
		fail "no veto line for $m"
done
pass "in-kernel flowtable modules refused while nft_offload is loaded"

expect_ok rmmod nft_offload
expect_ok modprobe nft_flow_offload
modloaded nf_flow_table || fail "in-kernel flowtable does not load after rmmod nft_offload"
for m in "${inkernel[@]}"; do
	if modloaded "$m"; then
		expect_ok rmmod "$m"
	fi
done
pass "in-kernel flowtable loads again once nft_offload is gone"
