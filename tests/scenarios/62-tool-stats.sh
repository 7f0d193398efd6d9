#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nft-offload stats against the traffic sent: the tool prints exactly the
# module's counters; fast-path packets and bytes equal what the flow
# listing says the flow forwarded and what the transfer pushed; a seeded
# refusal (offload switched off) is counted; -w prints rates whose
# product with the interval is the counters' increase.  On Debian's kernels
# only: what it checks is the command's; the counters' kernel side runs on
# the debug kernel in every offload scenario.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

# The one flow's original direction carried at least $1 bytes.
_carried() {
	n r awk -v min="$1" '{
			for (i = 1; i <= NF; i++)
				if ($i ~ /^orig_bytes=/) { sub(/.*=/, "", $i); b = $i + 0 }
		}
		END { exit !(NR == 1 && b >= min) }' /proc/net/nft_offload_flows
}

topology_router
offload_ruleset route "counter;"

# stat JSON NAME: a value of a `stats --json` object.
jstat() {
	grep -oE "\"$2\":[0-9.]+" <<<"$1" | head -n 1 | cut -d: -f2
}

# between P1 P2 GOT: GOT ("name value" lines) has the names of the proc
# reads P1 and P2 in their order, each value within the two reads' values.
# Freshly upped links still send neighbour discovery through the ingress
# hook, so a counter may move while the tool reads.
between() {
	awk 'FILENAME == ARGV[1] { a[FNR] = $1; lo[FNR] = $2 + 0; n = FNR; next }
	     FILENAME == ARGV[2] { if ($1 != a[FNR]) exit 1; hi[FNR] = $2 + 0; next }
	     { g++; if ($1 != a[g]) exit 1
	       l = lo[g] < hi[g] ? lo[g] : hi[g]; h = lo[g] < hi[g] ? hi[g] : lo[g]
	       if ($2 + 0 < l || $2 + 0 > h) exit 1 }
	     END { exit !(g == n) }' <(echo "$1") <(echo "$2") <(echo "$3")
}
# The tool's text and JSON are the proc file, name for name.
p1=$(n r cat /proc/net/stat/nft_offload)
out=$(nft-offload -n r stats) || fail "stats failed"
p2=$(n r cat /proc/net/stat/nft_offload)
between "$p1" "$p2" "$(awk '{ print $1, $2 }' <<<"$out")" ||
	fail "stats text differs from the proc file: $(diff <(echo "$p1") <(awk '{ print $1, $2 }' <<<"$out") | tr '\n' ' ')"
p1=$(n r cat /proc/net/stat/nft_offload)
js=$(nft-offload -n r --json stats) || fail "stats --json failed"
p2=$(n r cat /proc/net/stat/nft_offload)
# The JSON object as "name value" lines; it is one flat object.
[[ "$js" =~ ^\{(\"[a-z0-9_]+\":[0-9]+,)*\"[a-z0-9_]+\":[0-9]+\}$ ]] || fail "stats --json is not a flat object of counters: $js"
between "$p1" "$p2" "$(sed 's/^{//; s/}$//' <<<"$js" | tr ',' '\n' | tr -d '"' | tr ':' ' ')" ||
	fail "stats --json differs from the proc file: $js"
[ "$(json-get fast_ipv4_packets <<<"$js")" = "$(jstat "$js" fast_ipv4_packets)" ] || fail "stats --json does not parse"
p0=$(nfo_stat fast_ipv4_packets)
b0=$(nfo_stat fast_ipv4_bytes)
o0=$(nfo_stat offloaded)

# 600 kB over TCP, then the connection idles open while we compare.
tcp_hold_open 4 10.0.2.2 5001 600000
wait_for 20 _carried 580000 ||
	ofail "flow did not carry the data: $(n r cat /proc/net/nft_offload_flows)"
sleep 1
line=$(n r cat /proc/net/nft_offload_flows)
js=$(nft-offload -n r --json stats)
field() {
	tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"
}
lp=$(( $(field "$line" orig_packets) + $(field "$line" reply_packets) ))
lb=$(( $(field "$line" orig_bytes) + $(field "$line" reply_bytes) ))
dp=$(( $(jstat "$js" fast_ipv4_packets) - p0 ))
db=$(( $(jstat "$js" fast_ipv4_bytes) - b0 ))
echo "# fast path: $dp packets $db bytes; listing: $lp packets $lb bytes"
# The listing's per-flow counts may lose an increment to concurrent CPUs.
[ "$dp" -ge "$lp" ] && [ $((dp - lp)) -le 2 ] || fail "fast_ipv4_packets rose by $dp, the flow forwarded $lp"
[ "$db" -ge "$lb" ] && [ $((db - lb)) -le 3000 ] || fail "fast_ipv4_bytes rose by $db, the flow forwarded $lb"
[ "$db" -ge 580000 ] && [ "$db" -le 700000 ] || fail "fast_ipv4_bytes rose by $db for 600000 bytes sent"
[ "$(( $(jstat "$js" offloaded) - o0 ))" = 1 ] || fail "offloaded did not rise by 1"
[ "$(jstat "$js" flows)" = 1 ] || fail "flows is not 1"
[ "$(jstat "$js" fast_ipv6_packets)" = 0 ] || fail "IPv6 packets counted"
tcp_hold_close
wait_for 10 no_flows || fail "flow not gone after FIN"
[ "$(nfo_stat teardown_fin_rst)" -ge 1 ] || fail "teardown_fin_rst not counted"

# Seeded refusal: offload switched off, then a UDP exchange.
r0=$(nfo_stat refused_sysctl_off)
udp_server
n r sysctl -q -w net.netfilter.nf_flow_offload=0
n cl udp-pingpong send 10.0.2.2 5001 20 200 >/dev/null || fail "udp exchange failed"
r1=$(jstat "$(nft-offload -n r --json stats)" refused_sysctl_off)
[ "$r1" -ge $((r0 + 1)) ] || fail "refused_sysctl_off $r0 -> $r1"
grep -qx "enabled 0" <<<"$(nft-offload -n r stats | awk '{ print $1, $2 }')" || fail "stats: enabled not 0"
n r sysctl -q -w net.netfilter.nf_flow_offload=1

# -w: rates while UDP datagrams are forwarded (after the first few,
# offloaded), for at least the first of the three seconds below.
n cl udp-pingpong send 10.0.2.2 5001 "$(scaled 15000)" 500 --sport 42000 >/dev/null &
upid=$!
# Meanwhile, the listing is read over and over: the stream (every datagram
# checked by udp-pingpong) must not notice.
(while kill -0 "$upid" 2>/dev/null; do n r cat /proc/net/nft_offload_flows >/dev/null; done) &
rpid=$!
watch=$(nft-offload -n r --json stats -w 1 -c 3) || fail "stats -w failed"
wait "$upid" || fail "udp stream failed"
wait "$rpid"
echo "$watch" | sed 's/^/# /'
[ "$(wc -l <<<"$watch")" = 3 ] || fail "stats -w -c 3: not 3 lines"
json-get -l interval <<<"$watch" >/dev/null || fail "stats -w --json: a line is not a JSON object with an interval"
prev=
moved=0
while IFS= read -r l; do
	iv=$(jstat "$l" interval)
	rate=$(grep -oE '"rates":\{[^}]*' <<<"$l" | grep -oE '"fast_ipv4_packets":[0-9.]+' | cut -d: -f2)
	val=$(grep -oE '"values":\{[^}]*' <<<"$l" | grep -oE '"fast_ipv4_packets":[0-9]+' | cut -d: -f2)
	[ -n "$iv" ] && [ -n "$rate" ] && [ -n "$val" ] || fail "stats -w line lacks fields: $l"
	awk -v i="$iv" 'BEGIN { exit !(i >= 0.9 && i <= 3) }' || fail "interval $iv"
	if [ -n "$prev" ]; then
		# The interval is printed to the millisecond.
		awk -v r="$rate" -v i="$iv" -v d=$((val - prev)) \
			'BEGIN { x = r * i - d; if (x < 0) x = -x; exit !(x <= 1 + r * 0.001) }' ||
			fail "rate $rate over $iv s, but the counter rose by $((val - prev))"
	fi
	awk -v r="$rate" 'BEGIN { exit !(r > 0) }' && moved=1
	prev=$val
done <<<"$watch"
[ "$moved" = 1 ] || fail "stats -w saw no fast-path rate while traffic flowed"
txt=$(nft-offload -n r stats -w 1 -c 1) || fail "stats -w text failed"
grep -q '^--- [0-9.]* s$' <<<"$txt" || fail "stats -w text: no interval line"
grep -qE '^flows +[0-9]+$' <<<"$txt" || fail "stats -w text: no flows gauge"
rc=0
nft-offload -n r stats -w 0 >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "stats -w 0: exit $rc, expected 2"
pass
