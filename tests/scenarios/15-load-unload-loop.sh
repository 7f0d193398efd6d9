#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Load and unload 100 times, with a flowtable created and destroyed in
# between every other round: nothing may leak or stick.  25 times on the
# debug kernel, where each round costs two seconds: every round takes the
# same paths, which its checkers judge in the first, and kmemleak finds a
# leak of one round as surely as of a hundred.
. "$NFO_LIB"

ROUNDS=$(scaled 100)

netns r
n r ip link add d0 type dummy

modloaded nft_offload && expect_ok rmmod nft_offload
for i in $(seq 1 "$ROUNDS"); do
	modprobe nft_offload || fail "round $i: modprobe failed"
	if [ $((i % 2)) -eq 0 ]; then
		# (One nft, one transaction: each start of nft costs half a
		# second on the debug kernel.)
		n r nft 'add table ip t; add flowtable ip t ft { hook ingress priority 0; devices = { d0 }; }' ||
			fail "round $i: add table and flowtable"
		n r nft delete table ip t || fail "round $i: delete table"
	fi
	rmmod nft_offload || fail "round $i: rmmod failed"
done
modloaded nft_offload && fail "still loaded after the loop"
loads=$(dmesg | grep -c 'nft_offload: version .* loaded')
unloads=$(dmesg | grep -c 'nft_offload: unloaded')
[ "$loads" -eq "$unloads" ] || fail "kernel log: $loads loads but $unloads unloads"
[ "$loads" -ge "$ROUNDS" ] || fail "kernel log shows only $loads loads"
pass "$ROUNDS load/unload rounds, $loads loads and $unloads unloads logged"
