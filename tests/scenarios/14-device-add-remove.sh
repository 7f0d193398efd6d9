#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Devices come and go on a live flowtable: added and removed by nft, and
# removed by the kernel when the device itself disappears.
. "$NFO_LIB"

netns r
for dev in d0 d1 d2; do
	n r ip link add "$dev" type dummy
	n r ip link set "$dev" up
done

devices() {
	n r nft list flowtable inet t ft | sed -n 's/.*devices = { \(.*\) }.*/\1/p'
}

devices_are() {
	[ "$(devices)" = "$1" ]
}

expect_ok n r nft add table inet t
expect_ok n r nft add flowtable inet t ft '{ hook ingress priority 0; devices = { d0 }; }'
expect_ok n r nft add chain inet t fw '{ type filter hook forward priority 0; }'
expect_ok n r nft add rule inet t fw flow add @ft
[ "$(devices)" = "d0" ] || fail "want d0, have '$(devices)'"

expect_ok n r nft add flowtable inet t ft '{ hook ingress priority 0; devices = { d1, d2 }; }'
[ "$(devices)" = "d0, d1, d2" ] || fail "after add: want 'd0, d1, d2', have '$(devices)'"
pass "devices added to a live flowtable"

expect_ok n r nft delete flowtable inet t ft '{ devices = { d1 }; }'
[ "$(devices)" = "d0, d2" ] || fail "after delete: want 'd0, d2', have '$(devices)'"
pass "device removed from a live flowtable"

# A device that is unregistered leaves the flowtable with it.
expect_ok n r ip link del d2
wait_for 5 devices_are d0 || fail "after ip link del d2: have '$(devices)'"
pass "unregistered device left the flowtable"

# A device set down stays listed (nf_tables keeps the hook), and a new
# device of the same name can be added back.
expect_ok n r ip link set d0 down
expect_ok n r ip link set d0 up
expect_ok n r ip link add d2 type dummy
expect_ok n r nft add flowtable inet t ft '{ hook ingress priority 0; devices = { d2 }; }'
[ "$(devices)" = "d0, d2" ] || fail "re-added d2: have '$(devices)'"
pass "re-created device added back"

expect_ok n r nft delete table inet t
expect_ok rmmod nft_offload
