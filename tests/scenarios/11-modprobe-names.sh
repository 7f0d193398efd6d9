#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module loads by its file name and by the OpenWrt package name, and
# unloads cleanly when nothing uses it.
. "$NFO_LIB"

for name in nft_offload kmod-nft-offload; do
	modloaded nft_offload && expect_ok rmmod nft_offload
	expect_ok modprobe "$name"
	modloaded nft_offload || fail "modprobe $name did not load nft_offload"
	dmesg | tail -n 5 | matches 'nft_offload: version .* loaded' ||
		fail "no load line in the kernel log after modprobe $name"
	expect_ok rmmod nft_offload
	modloaded nft_offload && fail "rmmod left nft_offload loaded"
	pass "modprobe $name"
done

# insmod of the file itself (the path modprobe would use).
ko=$(modinfo -n nft_offload)
expect_ok insmod "$ko"
modloaded nft_offload || fail "insmod $ko did not load"
expect_ok rmmod nft_offload
pass "insmod $ko"
