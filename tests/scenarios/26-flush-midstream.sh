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
	head -c "$bytes" /dev/urandom >/tmp/tx
	rm -f /tmp/rx
	n srv socat -u TCP4-LISTEN:5001,reuseaddr OPEN:/tmp/rx,creat,trunc &
	spid=$!
	wait_listen srv 5001 tcp 4
	n cl socat -u OPEN:/tmp/tx TCP4:10.0.2.2:5001 &
	cpid=$!
	wait_for 20 offloaded_in_conntrack || fail "transfer never offloaded"
	kill -0 "$cpid" 2>/dev/null || fail "transfer finished before '$action' (too fast to test)"
	expect_ok n r $action
	wait "$cpid" || fail "client failed after '$action'"
	wait "$spid" || fail "server failed after '$action'"
	[ "$(sha256sum </tmp/tx)" = "$(sha256sum </tmp/rx)" ] ||
		fail "data corrupted across '$action'"
	if [ "$action" = "conntrack -F" ]; then
		[ "$(nfo_stat teardown_ct_gone)" -gt "$gone0" ] || fail "no ct_gone teardown counted"
	else
		[ "$(nfo_stat teardown_flowtable)" -gt "$ft0" ] || fail "no flowtable teardown counted"
	fi
	pass "'$action' mid-transfer: $((bytes / 1024 / 1024)) MiB intact"
done
wait_for 5 no_flows || fail "flows left over"
