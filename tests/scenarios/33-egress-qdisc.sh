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

# The client's socket lets go of a forwarded datagram once the router has
# it, as ip_rcv() makes it (veth carries the socket across namespaces): a
# datagram that waits in the router's shaper is not charged to the client.
udp_server
n cl udp-pingpong send 10.0.2.2 5001 3 100 --sport 4400 >/dev/null ||
	fail "UDP exchange failed"
wait_for 5 n r grep -q "sport=4400.*OFFLOAD" /proc/net/nf_conntrack ||
	fail "UDP flow not offloaded"
# 125 bytes/s after a 2000-byte burst: the second datagram waits some 7 s.
# socat keeps the client's socket open meanwhile (udp-pingpong would
# resend, and close it once answered).
expect_ok n r tc qdisc replace dev r-srv root tbf rate 1kbit burst 2000 limit 20000
fast0=$(nfo_stat fast_ipv4_bytes)
rm -f /tmp/udp-in
mkfifo /tmp/udp-in
n cl socat -u -b 1400 OPEN:/tmp/udp-in UDP4:10.0.2.2:5001,sourceport=4400 &
shaping=$!
exec {udp_fd}>/tmp/udp-in
head -c 1400 /dev/zero >&"$udp_fd"
nap 0.3
head -c 1400 /dev/zero >&"$udp_fd"
held() {
	n r tc -s qdisc show dev r-srv | matches "backlog [1-9][0-9]*b "
}
# What the socket is charged, read while a datagram waits in the shaper
# (before and after the read: the debug kernel is slow enough to miss it).
charged=
for _ in $(seq 40); do
	if held; then
		c=$(n cl ss -uHm 'sport = :4400' | sed -n 's/.*skmem:(r[0-9]*,rb[0-9]*,t\([0-9]*\),.*/\1/p')
		if [ -n "$c" ] && held; then
			charged=$c
			break
		fi
	fi
	nap 0.2
done
[ -n "$charged" ] || fail "no datagram ever waited in the shaper while the socket could be read"
wait_for 20 stat_at_least fast_ipv4_bytes $((fast0 + 2800)) ||
	fail "the shaped datagrams did not take the fast path"
exec {udp_fd}>&-
wait "$shaping" || fail "the shaped sender failed"
rm -f /tmp/udp-in
[ "$charged" = 0 ] ||
	fail "a datagram in the router's shaper was charged to the client's socket ($charged bytes)"
pass "a datagram queued at the router is no longer the client's (sk released)"
