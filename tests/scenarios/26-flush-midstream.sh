#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pulling the rug mid-transfer: `conntrack -F`, then `nft flush ruleset`,
# while a TCP transfer runs through offloaded flows.  The normal path takes
# the connection over and the data arrives intact.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router

for action in "conntrack -F" "nft flush ruleset"; do
	n r nft flush ruleset
	offload_ruleset route
	gone0=$(nfo_stat teardown_ct_gone)
	ft0=$(nfo_stat teardown_flowtable)
	bytes=$(bulk 48)
	tcp_start 4 10.0.2.2 5001 "$bytes"
	wait_for 20 offloaded_in_conntrack || fail "transfer never offloaded"
	kill -0 "$TCP_CPID" 2>/dev/null || fail "transfer finished before '$action' (too fast to test)"
	expect_ok n r $action
	tcp_finish "after '$action'"
	if [ "$action" = "conntrack -F" ]; then
		[ "$(nfo_stat teardown_ct_gone)" -gt "$gone0" ] || fail "no ct_gone teardown counted"
	else
		[ "$(nfo_stat teardown_flowtable)" -gt "$ft0" ] || fail "no flowtable teardown counted"
	fi
	pass "'$action' mid-transfer: $((bytes / 1024 / 1024)) MiB intact"
done
wait_for 5 no_flows || fail "flows left over"
