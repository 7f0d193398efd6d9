#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A TCP connection's FIN reaches the fast path, which hands the flow back:
# the connection closes normally through conntrack, [OFFLOAD] disappears
# and the entry carries on in its closing state.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset route
fin0=$(nfo_stat teardown_fin_rst)

tcp_transfer 4 10.0.2.2 5001 "$(bulk 4)"
[ "$SAW_OFFLOAD" = 1 ] || fail "transfer was never offloaded"

wait_for 5 not_offloaded_in_conntrack ||
	fail "flow still offloaded after the connection closed"
[ "$(nfo_stat teardown_fin_rst)" -gt "$fin0" ] || fail "no FIN/RST teardown counted"
entry=$(n r grep 'dport=5001' /proc/net/nf_conntrack) || fail "conntrack entry vanished"
log "$entry"
grep -Eq 'TIME_WAIT|CLOSE|FIN_WAIT|LAST_ACK|CLOSE_WAIT' <<<"$entry" ||
	fail "conntrack did not follow the close: $entry"
wait_for 5 no_flows ||
	fail "flow count did not return to zero"
pass "FIN handed the flow back; conntrack saw the close"
