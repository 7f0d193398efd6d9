#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# While any flowtable exists, in any netns, the module cannot be unloaded;
# once the last one is gone, rmmod is clean.
. "$NFO_LIB"

netns a
netns b
n a ip link add d0 type dummy
n b ip link add d0 type dummy

expect_ok n a nft add table inet t
expect_ok n a nft add flowtable inet t ft '{ hook ingress priority 0; devices = { d0 }; }'
expect_ok n b nft add table ip6 t
expect_ok n b nft add flowtable ip6 t ft '{ hook ingress priority 0; devices = { d0 }; }'

expect_err 'in use|busy' rmmod nft_offload
modloaded nft_offload || fail "rmmod succeeded while flowtables exist"
pass "unload refused with two flowtables"

expect_ok n a nft delete table inet t
expect_err 'in use|busy' rmmod nft_offload
pass "unload refused with one flowtable left (other netns)"

# Deleting the netns destroys its flowtable.
expect_ok ip netns del b
wait_for 10 rmmod nft_offload || fail "rmmod refused after the last flowtable went away"
modloaded nft_offload && fail "still loaded"
pass "unload clean once no flowtable is left"
