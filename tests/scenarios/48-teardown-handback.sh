#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Teardown hands the connection back to conntrack at once, as the kernel's
# flowtable does: from the packet that ends the offload on, conntrack shows
# no [OFFLOAD] (so its GC no longer extends the entry by a day), the entry
# has the timeout conntrack gives its state, and TCP tracking takes the
# connection's close for what it is.
#   RST: an RST after the server sent data through the offloaded flow
#        takes the entry to CLOSE (with conntrack's highest ACKs from before
#        the offload, its RST check would keep the entry ESTABLISHED).
#   FIN: the entry follows the close.
#   a route change: a UDP entry gets UDP's stream timeout, never a day.
# Each check runs at once after the teardown and again after the GC.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

# ct_line MATCH: the router's conntrack line of the connection.
ct_line() {
	n r grep -- "$1" /proc/net/nf_conntrack
}

# ct_timeout LINE: its timeout, seconds (/proc/net/nf_conntrack's 5th field).
ct_timeout() {
	awk '{ print $5 }' <<<"$1"
}

# handed_back WHAT MATCH MAX_S [STATE]: the entry shows no [OFFLOAD], a
# timeout of at most MAX_S and, if given, the TCP STATE.
handed_back() {
	local what=$1 line t

	line=$(ct_line "$2") || ofail "$what: no conntrack entry"
	log "$what: $line"
	[[ $line != *OFFLOAD* ]] || ofail "$what: still [OFFLOAD] after the teardown"
	t=$(ct_timeout "$line")
	[ "$t" -le "$3" ] || ofail "$what: timeout $t s, more than $3 s"
	[ -z "${4:-}" ] || [[ $line == *" $4 "* ]] || ofail "$what: not in state $4"
}

stat_rose() {	# NAME FROM
	[ "$(nfo_stat "$1")" -gt "$2" ]
}

topology_router
offload_ruleset route
udp_server

# RST: the server sends data to the client through the offloaded flow, so
# its sequence numbers move on while conntrack sees nothing; then its input
# chain answers the client's next ACK with a reset, whose sequence number
# is the server's current one, far past the ACKs conntrack last saw.
fin0=$(nfo_stat teardown_fin_rst)
bytes=$(bulk 2)
head -c "$bytes" /dev/urandom >/tmp/tx
rm -f /tmp/rx /tmp/hold
mkfifo /tmp/hold
# Held open (read-write: no wait for a reader) before the server opens it.
exec {hold}<>/tmp/hold
n srv socat -u OPEN:/tmp/hold TCP4-LISTEN:5001,reuseaddr &
spid=$!
wait_listen srv 5001 tcp 4
n cl socat -u TCP4:10.0.2.2:5001,sourceport=40001 OPEN:/tmp/rx,creat,trunc &
cpid=$!
cat /tmp/tx >&"$hold"
wait_for 30 _received "$bytes" || ofail "RST case: the client did not receive $bytes bytes"
cmp -s /tmp/tx /tmp/rx || fail "RST case: TCP data corrupted"
offloaded_in_conntrack || ofail "RST case: never offloaded"
n srv nft -f - <<-'NFT'
table inet rst {
	chain in {
		type filter hook input priority 0;
		tcp dport 5001 reject with tcp reset
	}
}
NFT
echo more >&"$hold"
wait_for 10 stat_rose teardown_fin_rst "$fin0" || ofail "RST case: no FIN/RST teardown"
handed_back "RST, at once" "sport=40001 " 10 CLOSE
exec {hold}>&-
kill "$cpid" "$spid" 2>/dev/null || true
wait "$cpid" "$spid" 2>/dev/null || true
rm -f /tmp/hold
nap 2
handed_back "RST, after the GC" "sport=40001 " 10 CLOSE
n srv nft delete table inet rst
pass "RST: the entry went to CLOSE, no [OFFLOAD], conntrack's timeout"

# FIN: the close goes through conntrack.
fin0=$(nfo_stat teardown_fin_rst)
tcp_hold_open 4 10.0.2.2 5001 "$(bulk 2)" 40002
wait_for 10 offloaded_in_conntrack || ofail "FIN case: never offloaded"
tcp_hold_close
wait_for 10 stat_rose teardown_fin_rst "$fin0" || ofail "FIN case: no FIN/RST teardown"
tw=$(n r sysctl -n net.netfilter.nf_conntrack_tcp_timeout_time_wait)
handed_back "FIN, at once" "sport=40002 " "$tw"
nap 2
handed_back "FIN, after the GC" "sport=40002 " "$tw" TIME_WAIT
pass "FIN: the entry followed the close, no [OFFLOAD], conntrack's timeout"

# A route change: the next datagram hands the UDP flow back.
stream=$(n r sysctl -n net.netfilter.nf_conntrack_udp_timeout_stream)
n cl udp-pingpong send 10.0.2.2 5001 20 300 --sport 4400 || ofail "UDP exchange failed"
ct_line "sport=4400 " | matches OFFLOAD || ofail "UDP flow not offloaded"
route0=$(nfo_stat teardown_route)
expect_ok n r ip route add 10.0.2.2/32 dev r-srv
# One datagram, which srv drops: a reply would offload the connection
# again at once, with the new route (a refused re-offload runs the GC
# then), and the handback could no longer be seen.
n srv nft -f - <<'NFT'
table inet mute {
	chain in {
		type filter hook input priority 0;
		udp sport 4400 drop
	}
}
NFT
n cl udp-pingpong send 10.0.2.2 5001 1 300 --sport 4400 --noecho >/dev/null ||
	ofail "UDP datagram not sent after the route change"
wait_for 5 stat_rose teardown_route "$route0" || ofail "no route teardown counted"
handed_back "route change, at once" "sport=4400 " "$stream"
nap 2
handed_back "route change, after the GC" "sport=4400 " "$stream"
n srv nft delete table inet mute
pass "route change: UDP entry handed back with conntrack's timeout"
