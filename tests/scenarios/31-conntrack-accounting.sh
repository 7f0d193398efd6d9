#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# With the flowtable's `counter` flag, the fast path adds what it forwards
# to the conntrack entry's accounting: `conntrack -L` totals match what the
# two ends received of the connection within 1%.  Without the flag they do
# not (conntrack then sees only the packets of the normal path).
# nfo-core: 64-bit per-flow packet and byte counters into conntrack
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

topology_router
modprobe nf_conntrack
n r sysctl -q -w net.netfilter.nf_conntrack_acct=1

# What each end receives of the connection, in IP bytes, as conntrack
# counts them.
for ns in cl srv; do
	n "$ns" nft -f - <<-'NFT'
	table inet probe {
		counter conn { }
		chain in {
			type filter hook input priority 0;
			tcp sport 5001 counter name conn
			tcp dport 5001 counter name conn
		}
	}
	NFT
done

conn_bytes() {
	nft_counter "$1" inet probe conn bytes
}

ct_bytes() {	# which (1: original, 2: reply) bytes= of the port-5001 entry
	n r conntrack -L -p tcp --dport 5001 2>/dev/null |
		grep -o 'bytes=[0-9]*' | sed -n "${1}s/bytes=//p"
}

within1pct() {
	[ $(( ($1 - $2) * 100 )) -le "$2" ] && [ $(( ($2 - $1) * 100 )) -le "$2" ]
}

for flags in "counter;" ""; do
	n r nft flush ruleset
	n r conntrack -F 2>/dev/null || true
	for ns in cl srv; do
		n "$ns" nft reset counters >/dev/null
	done
	offload_ruleset route "$flags"
	fast0=$(nfo_stat fast_ipv4_bytes)
	off0=$(nfo_stat offloaded)
	tcp_transfer 4 10.0.2.2 5001 $((8 * 1024 * 1024))
	# [OFFLOAD] seen while it ran, or, for a transfer over before the
	# first look at conntrack, the module's count of offloads.
	[ "$SAW_OFFLOAD" = 1 ] || [ "$(nfo_stat offloaded)" -gt "$off0" ] ||
		fail "not offloaded"
	fast=$(( $(nfo_stat fast_ipv4_bytes) - fast0 ))
	log "fast path carried $fast bytes, forward chain saw $(fwd_bytes)"
	[ "$fast" -gt $((4 * 1024 * 1024)) ] || fail "fast path carried only $fast bytes"
	orig=$(ct_bytes 1)
	reply=$(ct_bytes 2)
	at_srv=$(conn_bytes srv)
	at_cl=$(conn_bytes cl)
	log "flags '$flags': conntrack $orig / $reply bytes, received $at_srv / $at_cl"
	if [ -n "$flags" ]; then
		within1pct "$orig" "$at_srv" || fail "original direction: conntrack $orig, server got $at_srv"
		within1pct "$reply" "$at_cl" || fail "reply direction: conntrack $reply, client got $at_cl"
		pass "counter flag: conntrack accounting matches the transfer within 1%"
	else
		[ $((orig * 2)) -lt "$at_srv" ] ||
			fail "without the counter flag conntrack still counted $orig of $at_srv"
		pass "without the counter flag: conntrack sees only the slow path ($orig of $at_srv bytes)"
	fi
done
