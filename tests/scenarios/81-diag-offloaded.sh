#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: everything right.  An IPv4 UDP and an IPv6 TCP connection are
# offloaded; diagnose says offloaded (exit 0) with the flowtable and the
# flow's fast-path counters, for ADDR:PORT, [ADDR6]:PORT and through
# -n NETNS; none without an address; no_connection for an address nothing
# talks to; a malformed address is a usage error (exit 2).
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

topology_router
diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
udp_server
udp_exchange 100
ct_has 'sport=4400 .*OFFLOAD' || ofail "UDP not offloaded"
diag_expect offloaded 0 10.0.2.2:5001 'in flowtable filter ft' \
	'udp 10\.0\.1\.2:4400 -> 10\.0\.2\.2:5001' 'original direction [1-9][0-9]* packets'

# From the root netns with -n.
expect_ok nft-offload -n r diagnose 10.0.2.2:5001
grep -q '^cause: offloaded$' <<<"$_out" || fail "-n r: not offloaded"

# IPv6 TCP, held open while it is diagnosed.
tcp_hold_open 6 fd00:2::2 5002 100000
ct_has 'dport=5002 .*OFFLOAD' || ofail "IPv6 TCP not offloaded"
diag_expect offloaded 0 '[fd00:2::2]:5002' 'tcp \[fd00:1::2\]:[0-9]+ -> \[fd00:2::2\]:5002'
tcp_hold_close

diag_expect none 0 ""
diag_expect no_connection 1 10.0.2.99:5001 '10\.0\.2\.99:5001'
n r nft-offload diagnose 10.0.2 && fail "malformed address accepted"
rc=0
n r nft-offload diagnose 10.0.2 || rc=$?
[ "$rc" = 2 ] || fail "malformed address: exit $rc, want 2"
pass "malformed address: exit 2"
