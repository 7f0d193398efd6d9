#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft-offload flows and /proc/net/nft_offload_flows after an offloaded TCP
# and UDP transfer through a masquerading router: both tuples, NAT,
# devices, transmit type, packet and byte counts against what was sent and
# against conntrack's counters, filters, sorting, --json.  On Debian's
# kernels only: what it checks is the command's; the listing's kernel side
# runs on the debug kernel in 46 and 49.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

# One TCP flow in the listing, and its original direction carried at least
# $1 bytes.
_tcp_listed_with() {
	n r awk -v min="$1" '/proto=tcp/ {
			n++
			for (i = 1; i <= NF; i++)
				if ($i ~ /^orig_bytes=/) { sub(/.*=/, "", $i); b = $i + 0 }
		}
		END { exit !(n == 1 && b >= min) }' /proc/net/nft_offload_flows
}

_no_tcp_listed() {
	! n r grep -q proto=tcp /proc/net/nft_offload_flows
}

topology_router
offload_ruleset masq "counter;"
n r sysctl -q -w net.netfilter.nf_conntrack_acct=1
# Long enough for every check below, even on the debug kernel.
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=300 net.netfilter.nf_flow_offload_tcp_timeout=300
udp_server

# UDP: 100 datagrams of 1000 bytes (1028 on the wire at L3), echoed.
out=$(n cl udp-pingpong send 10.0.2.2 5001 100 1000 --sport 40000) || fail "udp exchange: $out"
sleep 2
# TCP: 400 kB, then the connection stays open (no FIN) while we look.
tcp_hold_open 4 10.0.2.2 5001 400000 41000
wait_for 20 _tcp_listed_with 380000 ||
	ofail "TCP flow not listed with its bytes: $(n r cat /proc/net/nft_offload_flows)"
sleep 1

list=$(n r cat /proc/net/nft_offload_flows)
echo "$list" | sed 's/^/# /'
[ "$(wc -l <<<"$list")" = 2 ] || fail "listing has not 2 lines"
mode=$(n r stat -c %a /proc/net/nft_offload_flows)
[ "$mode" = 440 ] || fail "listing mode $mode, expected 440"
[ "$(n r stat -c %u:%g /proc/net/nft_offload_flows)" = 0:0 ] || fail "listing not owned by root"
# Like /proc/net/nf_conntrack: not for other users (exit 3), while the
# statistics are.
rc=0
run-as 1000 nft-offload flows >/dev/null 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "flows as uid 1000: exit $rc, expected 3"
run-as 1000 nft-offload stats >/dev/null || fail "stats as uid 1000 failed"
grep -q 'ffff' <<<"$(grep -oE '=[0-9a-f]{12,}' <<<"$list")" && fail "listing shows something address-like"

# field LINE KEY
field() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}
tcp=$(grep 'proto=tcp' <<<"$list")
udp=$(grep 'proto=udp' <<<"$list")
for l in "$tcp" "$udp"; do
	[ "$(field "$l" family)" = ipv4 ] || fail "family: $l"
	[ "$(field "$l" table)" = filter ] || fail "table: $l"
	[ "$(field "$l" table_family)" = inet ] || fail "table_family: $l"
	[ "$(field "$l" flowtable)" = ft ] || fail "flowtable: $l"
	[ "$(field "$l" orig_src)" = 10.0.1.2 ] || fail "orig_src: $l"
	[ "$(field "$l" orig_dst)" = 10.0.2.2 ] || fail "orig_dst: $l"
	[ "$(field "$l" orig_dport)" = 5001 ] || fail "orig_dport: $l"
	[ "$(field "$l" reply_src)" = 10.0.2.2 ] || fail "reply_src: $l"
	[ "$(field "$l" reply_sport)" = 5001 ] || fail "reply_sport: $l"
	# Masquerade: replies come back to the router's address.
	[ "$(field "$l" reply_dst)" = 10.0.2.1 ] || fail "reply_dst: $l"
	[ "$(field "$l" reply_dport)" = "$(field "$l" orig_sport)" ] ||
		fail "masquerade changed the port unexpectedly: $l"
	[ "$(field "$l" orig_nat)" = saddr ] || fail "orig_nat: $l"
	[ "$(field "$l" reply_nat)" = daddr ] || fail "reply_nat: $l"
	[ "$(field "$l" orig_iif)" = r-cl ] || fail "orig_iif: $l"
	[ "$(field "$l" orig_oif)" = r-srv ] || fail "orig_oif: $l"
	[ "$(field "$l" reply_iif)" = r-srv ] || fail "reply_iif: $l"
	[ "$(field "$l" reply_oif)" = r-cl ] || fail "reply_oif: $l"
	[ "$(field "$l" orig_xmit)" = direct ] || fail "orig_xmit: $l"
	[ "$(field "$l" reply_xmit)" = direct ] || fail "reply_xmit: $l"
	[ "$(field "$l" hw)" = none ] || fail "hw: $l"
	[ "$(field "$l" flags)" = none ] || fail "flags: $l"
	[ "$(field "$l" timeout)" -le 300 ] && [ "$(field "$l" timeout)" -ge 200 ] || fail "timeout: $l"
	[ $(( $(field "$l" timeout) + $(field "$l" idle) )) -ge 298 ] || fail "timeout + idle: $l"
	[ "$(field "$l" idle)" -le "$(field "$l" age)" ] || fail "idle above age: $l"
done
[ "$(field "$tcp" orig_sport)" = 41000 ] || fail "tcp orig_sport"
[ "$(field "$udp" orig_sport)" = 40000 ] || fail "udp orig_sport"
[ "$(field "$udp" age)" -ge "$(field "$tcp" age)" ] || fail "udp flow is younger than the tcp one"

# Counts against what was sent: UDP datagrams are 1028 bytes at L3.
for d in orig reply; do
	p=$(field "$udp" ${d}_packets)
	b=$(field "$udp" ${d}_bytes)
	[ "$b" = $((p * 1028)) ] || fail "udp $d: $b bytes for $p packets of 1028"
	[ "$p" -ge 90 ] && [ "$p" -le 100 ] || fail "udp $d: $p fast-path packets of 100 sent"
done
tb=$(field "$tcp" orig_bytes)
[ "$tb" -ge 380000 ] && [ "$tb" -le 440000 ] || fail "tcp orig: $tb bytes for 400000 sent"
[ "$(field "$tcp" reply_packets)" -ge 10 ] || fail "tcp reply: too few ACKs"

# Against conntrack's counters (the flowtable's counter flag): conntrack
# counts every packet, the listing only the fast path's; the rest went
# through the forward chain.
fwd=$(fwd_bytes)
for l in "$tcp" "$udp"; do
	id=$(field "$l" ct_id)
	ct=$(n r conntrack -L -o id 2>/dev/null | grep "id=$id\b") || fail "no conntrack entry with id $id: $(n r conntrack -L -o id 2>&1)"
	ctp=($(grep -oE 'packets=[0-9]+' <<<"$ct" | cut -d= -f2))
	ctb=($(grep -oE 'bytes=[0-9]+' <<<"$ct" | cut -d= -f2))
	for i in 0 1; do
		d=$([ $i = 0 ] && echo orig || echo reply)
		lp=$(field "$l" ${d}_packets)
		lb=$(field "$l" ${d}_bytes)
		[ "${ctp[$i]}" -ge "$lp" ] && [ "${ctb[$i]}" -ge "$lb" ] ||
			fail "$d: listing $lp/$lb above conntrack ${ctp[$i]}/${ctb[$i]}"
		[ $(( ${ctb[$i]} - lb )) -le "$fwd" ] ||
			fail "$d: conntrack ${ctb[$i]} - listing $lb exceeds the forward chain's $fwd bytes"
	done
done

# The tool: text, filters, sorting.
out=$(nft-offload -n r flows) || fail "flows failed"
echo "$out" | sed 's/^/# /'
[ "$(tail -n 1 <<<"$out")" = "2 flows" ] || fail "flows: not 2 flows"
grep -q "^  orig  10.0.1.2:41000 -> 10.0.2.2:5001  r-cl -> r-srv  xmit direct  nat saddr  $(field "$tcp" orig_packets) packets $(field "$tcp" orig_bytes) bytes" <<<"$out" ||
	fail "flows: tcp orig line"
count() {
	nft-offload -n r flows "$@" | tail -n 1
}
[ "$(count --proto udp)" = "1 flow" ] || fail "--proto udp"
[ "$(count --proto 6)" = "1 flow" ] || fail "--proto 6"
[ "$(count --proto icmp)" = "0 flows" ] || fail "--proto icmp"
[ "$(count --src 10.0.1.2)" = "2 flows" ] || fail "--src client"
[ "$(count --src 10.0.2.1)" = "2 flows" ] || fail "--src masquerade address"
[ "$(count --src 10.0.1.0/24)" = "2 flows" ] || fail "--src prefix"
[ "$(count --src 10.0.3.0/24)" = "0 flows" ] || fail "--src other prefix"
[ "$(count --dst 10.0.2.2)" = "2 flows" ] || fail "--dst server"
[ "$(count --dst 10.0.1.2)" = "0 flows" ] || fail "--dst client"
[ "$(count --port 41000)" = "1 flow" ] || fail "--port 41000"
[ "$(count --port 5001)" = "2 flows" ] || fail "--port 5001"
[ "$(count --port 1)" = "0 flows" ] || fail "--port 1"
[ "$(count --dev r-srv)" = "2 flows" ] || fail "--dev r-srv"
[ "$(count --dev lo)" = "0 flows" ] || fail "--dev lo"
[ "$(count --proto tcp --port 40000)" = "0 flows" ] || fail "combined filters"
first() {
	nft-offload -n r flows --sort "$1" | head -n 1 | awk '{ print $2 }'
}
[ "$(first bytes)" = tcp ] || fail "--sort bytes: tcp (400 kB) not first"
[ "$(first age)" = udp ] || fail "--sort age: udp (older) not first"
rc=0
nft-offload -n r flows --sort size >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--sort size: exit $rc, expected 2"
rc=0
nft-offload -n r flows --src 10.0.1.300 >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--src 10.0.1.300: exit $rc, expected 2"

# --json: field by field (fixed order), values from the listing.
js=$(nft-offload -n r --json flows --proto udp) || fail "flows --json failed"
echo "# $js"
want="{\"flows\":[{\"family\":\"ipv4\",\"proto\":\"udp\",\"table_family\":\"inet\",\"table\":\"filter\",\"flowtable\":\"ft\",\"ct_id\":$(field "$udp" ct_id),"
want+="\"orig\":{\"src\":\"10.0.1.2\",\"dst\":\"10.0.2.2\",\"sport\":40000,\"dport\":5001,\"iif\":\"r-cl\",\"oif\":\"r-srv\",\"xmit\":\"direct\",\"nat\":[\"saddr\"],"
want+="\"packets\":$(field "$udp" orig_packets),\"bytes\":$(field "$udp" orig_bytes)},"
want+="\"reply\":{\"src\":\"10.0.2.2\",\"dst\":\"10.0.2.1\",\"sport\":5001,\"dport\":40000,\"iif\":\"r-srv\",\"oif\":\"r-cl\",\"xmit\":\"direct\",\"nat\":[\"daddr\"],"
want+="\"packets\":$(field "$udp" reply_packets),\"bytes\":$(field "$udp" reply_bytes)},"
grep -qF -- "$want" <<<"$js" || fail "flows --json: expected $want"
grep -qE '"age":[0-9]+,"idle":[0-9]+,"timeout":[0-9]+,"hw":"none","flags":\[\]\}\]\}$' <<<"$js" ||
	fail "flows --json: tail fields"
[ "$(nft-offload -n r --json flows --proto icmp)" = '{"flows":[]}' ] || fail "flows --json empty"

# --json parsed (json-get), every field of both flows against the listing.
js=$(nft-offload -n r --json flows --sort bytes) || fail "flows --json --sort bytes failed"
[ "$(json-get flows.# <<<"$js")" = 2 ] || fail "flows --json: not 2 flows"
[ "$(json-get flows.0.proto <<<"$js")" = tcp ] || fail "flows --json --sort bytes: tcp not first"
for i in 0 1; do
	j() {
		json-get "flows.$i.$1" <<<"$js" || fail "flows --json: no flows.$i.$1"
	}
	l=$(grep "proto=$(j proto) " <<<"$list")
	for k in family table_family table flowtable ct_id hw; do
		[ "$(j $k)" = "$(field "$l" $k)" ] || fail "flows --json $i: $k $(j $k), listing $(field "$l" $k)"
	done
	for d in orig reply; do
		for k in src dst sport dport iif oif xmit packets bytes; do
			[ "$(j $d.$k)" = "$(field "$l" ${d}_$k)" ] ||
				fail "flows --json $i: $d.$k $(j $d.$k), listing $(field "$l" ${d}_$k)"
		done
		[ "$(j $d.nat.#)" = 1 ] && [ "$(j $d.nat.0)" = "$(field "$l" ${d}_nat)" ] ||
			fail "flows --json $i: $d.nat"
	done
	[ "$(j flags.#)" = 0 ] || fail "flows --json $i: flags not empty"
	[ "$(j timeout)" -le 300 ] && [ "$(j idle)" -le "$(j age)" ] || fail "flows --json $i: times"
done

# Options after the command, as users type them: the same document
# (age, idle and timeout may tick between the two runs).
untimed() {
	sed -E 's/"(age|idle|timeout)":[0-9]+/"\1":0/g' <<<"$1"
}
before=$(nft-offload -n r --json flows) || fail "--json flows failed"
after=$(nft-offload flows --json -n r) || fail "flows --json -n r failed"
[ -n "$before" ] && [ "$(untimed "$after")" = "$(untimed "$before")" ] ||
	fail "flows --json -n r: $after, --json flows: $before"

tcp_hold_close
# Torn down on FIN: the listing forgets the flow.
wait_for 10 _no_tcp_listed || fail "TCP flow still listed after FIN"
pass
