#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Faults under traffic, the module and the ruleset: unload attempt, rmmod
# after the ruleset is gone, netns deleted, device removed from the
# flowtable, flowtable deleted, ruleset flushed.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/faults.bash"

# 1. Unload attempt while flows are live.
fresh masq
expect_err 'in use|busy' rmmod nft_offload
fast_grows || ofail "fast path stopped after the unload attempt"
finish_case "unload refused under traffic, fast path unaffected"

# 2. Ruleset gone while packets still arrive, then rmmod.
fresh route
expect_ok n r nft flush ruleset
wait_for 10 rmmod nft_offload || fail "rmmod after the ruleset went away failed"
sleep 0.5
finish_case "rmmod right after the ruleset went away, packets still arriving"

# 3. Netns deleted under traffic.
fresh masq
expect_ok ip netns del r
finish_case "router netns deleted under traffic"

# 4. Device removed from the flowtable.
fresh route
dev0=$(nfo_stat teardown_device)
expect_ok n r nft delete flowtable inet filter ft '{ devices = { r-srv }; }'
# All four were handed back (the client side may offload them again, with
# the server side now on the normal path).
[ "$(nfo_stat teardown_device)" -ge $((dev0 + 4)) ] ||
	ofail "flows through r-srv were not all handed back"
finish_case "device removed from the flowtable under traffic"

# 5. Flowtable deleted (its rule first).
fresh masq
expect_ok n r nft flush chain inet filter forward
expect_ok n r nft delete flowtable inet filter ft
wait_for 5 no_flows || ofail "flows survived their flowtable"
finish_case "flowtable deleted under traffic"

# 6. Ruleset flushed.
fresh route
expect_ok n r nft flush ruleset
wait_for 5 no_flows || ofail "flows survived the flush"
finish_case "ruleset flushed under traffic"
