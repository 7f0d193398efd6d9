#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Software offload transmits through the egress qdisc: SQM and shaping keep
# working.  An fq_codel root qdisc on the router's WAN side must see every
# byte the fast path forwards.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
offload_ruleset route
expect_ok n r tc qdisc replace dev r-srv root fq_codel

qdisc_bytes() {
	n r tc -s qdisc show dev r-srv | awk '/Sent/ { print $2; exit }'
}

q0=$(qdisc_bytes)
fast0=$(nfo_stat fast_ipv4_bytes)
bytes=$(bulk 8)
tcp_transfer 4 10.0.2.2 5001 "$bytes"
[ "$SAW_OFFLOAD" = 1 ] || fail "not offloaded"
fast=$(( $(nfo_stat fast_ipv4_bytes) - fast0 ))
sent=$(( $(qdisc_bytes) - q0 ))
log "fast path forwarded $fast bytes, fq_codel on r-srv sent $sent bytes"
[ "$fast" -gt $((bytes / 2)) ] || fail "fast path carried only $fast bytes"
[ "$sent" -ge "$bytes" ] || fail "qdisc saw only $sent of $bytes bytes"
pass "offloaded traffic went through the egress qdisc ($sent bytes)"
