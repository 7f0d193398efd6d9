#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A stock ruleset autoloads nft_offload: no insmod or modprobe by hand.
# Each family's flowtable type (inet, ip, ip6) is found through its alias.
. "$NFO_LIB"

netns r
n r ip link add va type veth peer name vb
n r ip link set va up
n r ip link set vb up

for family in inet ip ip6; do
	modloaded nft_offload && expect_ok rmmod nft_offload
	modloaded nft_offload && fail "nft_offload still loaded before $family test"

	expect_ok n r nft -f - <<-NFT
	table $family t {
		flowtable ft {
			hook ingress priority 0
			devices = { va, vb }
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			meta l4proto { tcp, udp } flow add @ft
		}
	}
	NFT
	modloaded nft_offload || fail "$family: ruleset loaded but nft_offload was not autoloaded"
	listing=$(n r nft list flowtable $family t ft)
	grep -Eq 'devices = \{ (va, vb|vb, va) \}' <<<"$listing" ||
		fail "$family: flowtable not listed with its devices: $listing"
	pass "$family flowtable autoloaded nft_offload"
	expect_ok n r nft delete table $family t
done

# The expression alone autoloads too: with the flowtable created while the
# module was loaded, unloading is impossible, so check via modinfo aliases.
aliases=$(modinfo -F alias nft_offload)
for want in nf-flowtable-1 nf-flowtable-2 nf-flowtable-10 nft-expr-flow_offload kmod-nft-offload; do
	grep -qx "$want" <<<"$aliases" || fail "alias $want missing (have: $aliases)"
done
pass "all standard aliases present"
