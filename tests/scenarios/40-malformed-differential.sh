#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Malformed and edge-case packets into offloaded flows, judged by the
# kernel's own normal path: a differential oracle.
#
# pktcraft (tests/tools/pktcraft.c) sends from cl, into the tuples of an
# offloaded IPv4 and IPv6 UDP flow, TCP flow and GRE flow, every
# case of `pktcraft cases` (truncated headers, IHL and length lies,
# options, fragments, TTL 0-2, extension headers, UDP length and TCP data
# offset lies, bad checksums, VLAN and PPPoE framing, GRE versions, flags
# and optional fields, ...) and 200 random mutations of the valid UDP
# packet and 50 of the valid GRE packet per family.  pktcraft sniff records in
# srv, below the IP layer, every frame that arrives.
#
# The same sequence runs twice per NAT mode (route, masq), each time on a
# fresh topology set up identically: once with the flows offloaded, once
# with them handed back to the normal path (nf_flow_offload=0) just before
# the sequence.  What reaches the server must be identical, frame for
# frame: offload never delivers what the normal path drops and never
# changes what it delivers.  Fresh namespaces, rather than one pair of
# runs in the same ones, because the first run leaves state the second
# would trip over: fragments waiting for reassembly, conntrack entries
# made by mutated packets, a TCP flow closed by its FIN and RST cases.
#
# Also checked: the fast path took the valid cases (fast_ipv*_packets)
# and sent the others back for the expected reasons (slow_*), the
# handed-back run used no fast path at all, and the control cases arrived.
# nfo-core: every header parser (lengths, offsets, fragments, VLAN, PPPoE, GRE)
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

work=/tmp/nfo40
rm -rf "$work"
mkdir -p "$work"

PAYLOAD=64		# data bytes of pktcraft's data frames
UPORT=4700		# client port of the UDP flows (server: 5001)
TSPORT=4701		# client port of the TCP flows
TDPORT=5002		# server port of the TCP flows (nothing listens)
TSEQ=$((1001 + PAYLOAD))	# client sequence number after tcp_flow

# What pktcraft sends, in one run, in this order.  FIN and RST close each
# TCP part; "end" tells the sniffer the sequence is over.
spec=(
	"udp4=10.0.1.2,$UPORT,10.0.2.2,5001" all random=200
	"udp6=fd00:1::2,$UPORT,fd00:2::2,5001" all random=200
	"tcp4=10.0.1.2,$TSPORT,10.0.2.2,$TDPORT,$TSEQ,5001" all
	"tcp6=fd00:1::2,$TSPORT,fd00:2::2,$TDPORT,$TSEQ,5001" all
	"gre4=10.0.1.2,10.0.2.2" all random=50
	"gre6=fd00:1::2,fd00:2::2" all random=50
	"udp4=10.0.1.2,$UPORT,10.0.2.2,5001" end
)
# Cases that must arrive in every run, or the test itself is broken.
controls=(u4-valid u6-valid t4-valid t6-valid g4-valid g6-valid end)
# What some cases must look like on arrival, whatever the other run did
# (CASE:PATTERN, an extended regular expression on the sniffer's summary).
absolute=(
	"u4-ttl2:,ttl=1," "t4-ttl2:,ttl=1," "u6-ttl2:,hl=1," "t6-ttl2:,hl=1,"
	"g4-ttl2:,ttl=1," "g6-ttl2:,hl=1,"
	"u4-udpcsum0:l4cs=zero" "u6-udpcsum0:l4cs=zero"
	"u4-valid:l4cs=ok" "u6-valid:l4cs=ok" "t4-valid:l4cs=ok" "t6-valid:l4cs=ok"
)

# Differences accepted as known, as MODE:CASE words: reported, not failed.
# Empty: every difference fails the scenario.
known=()

problems=()

problem() {
	echo "PROBLEM: $*"
	problems+=("$*")
}

is_known() {	# MODE CASE
	local k

	for k in ${known[@]+"${known[@]}"}; do
		[ "$k" != "$1:$2" ] || return 0
	done
	return 1
}

client_addr() { [ "$1" = 4 ] && echo 10.0.1.2 || echo fd00:1::2; }
server_addr() { [ "$1" = 4 ] && echo 10.0.2.2 || echo fd00:2::2; }
router_srv_addr() { [ "$1" = 4 ] && echo 10.0.2.1 || echo fd00:2::1; }

# ct_line FAMILY(4|6) PROTO SPORT: the router's conntrack entry of the flow.
ct_line() {
	n r awk -v f="ipv$1" -v p="$2" -v s="sport=$3" '
		$1 == f && $3 == p { for (i = 4; i <= NF; i++) if ($i == s) { print; next } }' \
		/proc/net/nf_conntrack
}

ct_has() {	# FAMILY PROTO SPORT WORD
	ct_line "$1" "$2" "$3" | matches -w -- "$4"
}

cl_send() {
	n cl pktcraft send cl-r "$mac_rcl" "$@" >>"$work/setup.log"
}

srv_send() {
	n srv pktcraft send srv-r "$mac_rsrv" "$@" >>"$work/setup.log"
}

# UDP flows of both families, offloaded by real traffic (udp-pingpong).
udp_flows() {
	local fam pid

	ip netns exec srv udp-pingpong serve 5001 &
	pid=$!
	wait_listen srv 5001 udp 6
	for fam in 4 6; do
		n cl udp-pingpong send "$(server_addr "$fam")" 5001 20 300 \
			--sport "$UPORT" >/dev/null || fail "IPv$fam UDP exchange failed"
		wait_for 5 ct_has "$fam" udp "$UPORT" OFFLOAD ||
			ofail "IPv$fam UDP flow not offloaded"
	done
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

# From here on nothing in cl or srv answers what arrives (no echo, no RST,
# no port unreachable): the sniffer reads below the IP layer anyway.
quiet_endpoints() {
	local ns

	for ns in cl srv; do
		n "$ns" nft -f - <<-'NFT'
		table inet quiet {
			chain in {
				type filter hook input priority -10; policy accept;
				meta l4proto { tcp, udp, gre } drop
			}
		}
		NFT
	done
}

# tcp_flow FAMILY MODE: a TCP connection crafted on both ends, with fixed
# sequence numbers so that every run sends the same bytes: client ISN 1000,
# server ISN 5000, one data frame from the client, the server's ACK.  The
# client's next sequence number is then TSEQ.
tcp_flow() {
	local fam=$1 mode=$2 c s back

	c=$(client_addr "$fam")
	s=$(server_addr "$fam")
	back=$c
	[ "$mode" = masq ] && back=$(router_srv_addr "$fam")
	cl_send "tcp$fam=$c,$TSPORT,$s,$TDPORT,1000,0" open
	wait_for 5 ct_has "$fam" tcp "$TSPORT" SYN_SENT ||
		ofail "IPv$fam TCP: no SYN_SENT entry"
	ct_line "$fam" tcp "$TSPORT" | matches "sport=$TDPORT dport=$TSPORT " ||
		ofail "IPv$fam TCP: reply tuple not to port $TSPORT: $(ct_line "$fam" tcp "$TSPORT")"
	srv_send "tcp$fam=$s,$TDPORT,$back,$TSPORT,5000,1001" synack
	wait_for 5 ct_has "$fam" tcp "$TSPORT" SYN_RECV ||
		ofail "IPv$fam TCP: no SYN_RECV"
	cl_send "tcp$fam=$c,$TSPORT,$s,$TDPORT,1001,5001" ack data
	wait_for 5 ct_has "$fam" tcp "$TSPORT" OFFLOAD ||
		ofail "IPv$fam TCP flow not offloaded"
	srv_send "tcp$fam=$s,$TDPORT,$back,$TSPORT,5001,$TSEQ" ack
}

# gre_flow FAMILY MODE: a GRE version 0 connection (keys 0), one crafted
# packet each way, offloaded by a rule of its own in the forward chain.
gre_flow() {
	local fam=$1 mode=$2 c s back

	c=$(client_addr "$fam")
	s=$(server_addr "$fam")
	back=$c
	[ "$mode" = masq ] && back=$(router_srv_addr "$fam")
	cl_send "gre$fam=$c,$s" valid
	wait_for 5 gre_ct "$fam" UNREPLIED ||
		ofail "IPv$fam GRE: no conntrack entry"
	srv_send "gre$fam=$s,$back" valid
	cl_send "gre$fam=$c,$s" valid
	wait_for 5 gre_ct "$fam" OFFLOAD ||
		ofail "IPv$fam GRE flow not offloaded"
}

gre_ct() {	# FAMILY WORD: the router's gre entry of FAMILY has WORD
	n r awk -v f="ipv$1" '$1 == f && $3 == "gre"' /proc/net/nf_conntrack |
		grep -qw -- "$2"
}

# run MODE on|off: the whole sequence from a fresh topology.  Leaves
# $work/MODE-STATE.{sent,sniff,stats0,stats1}.
run() {
	local mode=$1 state=$2 base=$work/$1-$2 pid t0 mac_srv txdrop

	log "$mode, offload $state: setting up"
	# Client link MTU 9000, server link 1500: room for frames longer than
	# what the router may send on (case trailer-big).
	topology_router 9000 1500
	offload_ruleset "$mode"
	n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=600 \
		net.netfilter.nf_flow_offload_tcp_timeout=600
	mac_rcl=$(mac_of r r-cl)
	mac_rsrv=$(mac_of r r-srv)
	mac_srv=$(mac_of srv srv-r)
	udp_flows
	quiet_endpoints
	tcp_flow 4 "$mode"
	tcp_flow 6 "$mode"
	n r nft insert rule inet filter forward meta l4proto gre flow add @ft
	gre_flow 4 "$mode"
	gre_flow 6 "$mode"
	[ "$(n r grep -c OFFLOAD /proc/net/nf_conntrack)" = 6 ] ||
		ofail "$mode: expected 6 offloaded flows before the sequence"
	if [ "$state" = off ]; then
		n r sysctl -q -w net.netfilter.nf_flow_offload=0
		wait_for 5 not_offloaded_in_conntrack ||
			ofail "$mode: flows still offloaded after nf_flow_offload=0"
	fi

	n r cat /proc/net/stat/nft_offload >"$base.stats0"
	txdrop=$(nsys r cat /sys/class/net/r-srv/statistics/tx_dropped)
	ip netns exec srv pktcraft sniff srv-r 120 "$base.sniff" --stop-tag end \
		2>"$base.sniff.log" &
	pid=$!
	wait_for 5 test -e "$base.sniff" || fail "sniffer did not start"
	t0=$(date +%s.%N)
	n cl pktcraft send cl-r "$mac_rcl" --seed 40 "${spec[@]}" >"$base.sent" ||
		fail "$mode/$state: pktcraft send failed"
	if ! wait "$pid"; then
		problem "$mode/$state: the end marker never reached the server ($(cat "$base.sniff.log"))"
	fi
	n r cat /proc/net/stat/nft_offload >"$base.stats1"
	log "$mode, offload $state: $(wc -l <"$base.sent") frames sent, $(wc -l <"$base.sniff") received in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s, r-srv dropped $(( $(nsys r cat /sys/class/net/r-srv/statistics/tx_dropped) - txdrop )) on transmit"
	# MAC addresses are new in every topology: name them.
	sed -i "s/$mac_rsrv/r-srv/g; s/$mac_srv/srv-r/g" "$base.sniff"
	# Case names for frames that lost their tag, noise (ND, MLD) out.
	awk 'FNR == NR { if (!("#" $1 in name)) name["#" $1] = $2; next }
	     $1 in name { $1 = name[$1] }
	     $1 != "noise" { print }' "$base.sent" "$base.sniff" >"$base.got"
}

stat_delta() {	# BASE NAME
	awk -v k="$2" 'FNR == NR { if ($1 == k) a = $2; next }
		       $1 == k { print $2 - a }' "$1.stats0" "$1.stats1"
}

# Frames of the manifest with expectation EXPECT, of FAMILY (4|6|any).
expected() {	# MANIFEST FAMILY EXPECT
	awk -v f="$2" -v e="$3" '$6 == e && (f == "any" || $3 == f) { n++ }
		END { print n + 0 }' "$1"
}

check_stats() {
	local mode=$1 on=$work/$1-on off=$work/$1-off fam want got reason

	for fam in 4 6; do
		want=$(expected "$on.sent" "$fam" fast)
		got=$(stat_delta "$on" "fast_ipv${fam}_packets")
		if [ "$got" -ge "$want" ]; then
			log "$mode: IPv$fam fast path: $got packets, $want valid cases sent"
		else
			problem "$mode: IPv$fam fast path took $got packets, fewer than the $want valid cases"
		fi
		got=$(stat_delta "$off" "fast_ipv${fam}_packets")
		[ "$got" = 0 ] ||
			problem "$mode: IPv$fam fast path took $got packets with offload off"
	done
	# PPTP's GRE (version 1, keyed) makes a connection of its own, which
	# flow add must refuse.
	got=$(stat_delta "$on" refused_gre_keyed)
	log "$mode: refused_gre_keyed rose by $got"
	[ "$got" -ge 2 ] ||
		problem "$mode: refused_gre_keyed rose by $got, the gre-pptp cases of both families expect it"
	log "$mode: slow path reasons, offload on (expected from the cases / counted):"
	for reason in $(awk '$6 !~ /^(fast|none|any|slow)$/ { print $6 }' "$on.sent" | sort -u); do
		want=$(expected "$on.sent" any "$reason")
		got=$(stat_delta "$on" "slow_$reason")
		log "  slow_$reason: $want / $got"
		[ "$got" -ge "$want" ] ||
			problem "$mode: slow_$reason rose by $got, $want cases expect it"
	done
	log "$mode: non-zero slow_* deltas, offload on: $(
		awk 'FNR == NR { a[$1] = $2; next }
		     $1 ~ /^slow_/ && $2 - a[$1] { printf "%s=%d ", $1, $2 - a[$1] }' \
		     "$on.stats0" "$on.stats1")"
	log "$mode: non-zero slow_* deltas, offload off: $(
		awk 'FNR == NR { a[$1] = $2; next }
		     $1 ~ /^slow_/ && $2 - a[$1] { printf "%s=%d ", $1, $2 - a[$1] }' \
		     "$off.stats0" "$off.stats1")"
}

# One line per case: what each run delivered, and whether that matches.
table() {	# MODE DIFFS
	local on=$work/$1-on off=$work/$1-off

	awk -v mode="$1" '
	function desc(line,   f, s, out) {
		split(line, f, " ")
		s = f[5]
		out = f[2]
		if (match(s, /,(ttl|hl)=[0-9]+/))
			out = out " " substr(s, RSTART + 1, RLENGTH - 1)
		if (match(s, /,[0-9a-f.:]+>[0-9a-f.:]+/))
			out = out " " substr(s, RSTART + 1, RLENGTH - 1)
		if (match(s, /l4cs=[a-z]+/))
			out = out " " substr(s, RSTART, RLENGTH)
		return out
	}
	FILENAME == ARGV[1] { diff[$1] = 1; next }
	FILENAME == ARGV[2] {
		if (!($2 in expect)) { order[++n] = $2; expect[$2] = $6 }
		next
	}
	FILENAME == ARGV[3] { on[$1] = on[$1] (on[$1] == "" ? "" : " + ") desc($0); non[$1]++; next }
	FILENAME == ARGV[4] { off[$1] = off[$1] (off[$1] == "" ? "" : " + ") desc($0); noff[$1]++; next }
	END {
		printf "# %-20s %-11s %-44s %-44s %s\n", "case (" mode ")", "expect", "offload on: L3 bytes, TTL, addresses, L4 csum", "offload off", ""
		for (i = 1; i <= n; i++) {
			c = order[i]
			if (c ~ /-rnd-/) {
				fam = substr(c, 1, 2)
				rs[fam]++
				if (non[c]) ron[fam]++
				if (noff[c]) roff[fam]++
				if (c in diff) rdiff[fam]++
				continue
			}
			printf "# %-20s %-11s %-44s %-44s %s\n", c, expect[c], non[c] ? on[c] : "-", noff[c] ? off[c] : "-", (c in diff) ? "DIFF" : "same"
		}
		for (fam in rs)
			printf "# %s random: %d sent, delivered %d (on) / %d (off), %d differ\n", fam, rs[fam], ron[fam], roff[fam], rdiff[fam]
		for (c in diff)
			if (!(c in expect))
				printf "# %-20s (not a case sent) differs\n", c
	}' "$2" "$on.sent" "$on.got" "$off.got"
}

compare() {
	local mode=$1 on=$work/$1-on off=$work/$1-off diffs=$work/$1.diffs c

	cmp -s <(cut -d' ' -f1-5 "$on.sent") <(cut -d' ' -f1-5 "$off.sent") ||
		problem "$mode: the two runs did not send the same frames"
	for c in "${controls[@]}"; do
		grep -q "^$c " "$on.got" || problem "$mode: control case $c did not arrive with offload on"
		grep -q "^$c " "$off.got" || problem "$mode: control case $c did not arrive with offload off"
	done
	for c in "${absolute[@]}"; do
		awk -v c="${c%%:*}" -v p="${c#*:}" '$1 == c && $5 !~ p { bad = 1 }
			END { exit bad }' "$on.got" "$off.got" ||
			problem "$mode: case ${c%%:*} arrived without ${c#*:}"
	done
	# Differing cases: labels of lines (all but the hex) that the two runs
	# received a different number of times.
	awk '{ k = $1 " " $2 " " $3 " " $4 " " $5 }
	     FNR == NR { a[k]++; next }
	     { b[k]++ }
	     END {
		for (k in a) if (a[k] != b[k]) { split(k, f, " "); print f[1] }
		for (k in b) if (a[k] != b[k]) { split(k, f, " "); print f[1] }
	     }' "$on.got" "$off.got" | sort -u >"$diffs"
	table "$mode" "$diffs"
	while read -r c; do
		if is_known "$mode" "$c"; then
			log "$mode: case $c differs (known)"
		else
			problem "$mode: case $c differs"
		fi
		echo "#   offload on, $c received:"
		awk -v c="$c" '$1 == c { print "#     " $0 }' "$on.got"
		grep -q "^$c " "$on.got" || echo "#     (nothing)"
		echo "#   offload off, $c received:"
		awk -v c="$c" '$1 == c { print "#     " $0 }' "$off.got"
		grep -q "^$c " "$off.got" || echo "#     (nothing)"
		echo "#   sent:"
		awk -v c="$c" '$2 == c { print "#     " $0 }' "$on.sent"
	done <"$diffs"
	if [ ! -s "$diffs" ]; then
		pass "$mode: $(wc -l <"$on.sent") crafted frames, the server received the same $(wc -l <"$on.got") with offload on and off"
	fi
}

log "kernel $(uname -r); cases:"
pktcraft cases | sed 's/^/#   /'
for mode in route masq; do
	run "$mode" on
	run "$mode" off
	check_stats "$mode"
	compare "$mode"
done

if [ ${#problems[@]} -gt 0 ]; then
	printf '# %s\n' "${problems[@]}"
	fail "${#problems[@]} problem(s), the first: ${problems[0]}"
fi
pass "fast path and normal path agree on every crafted frame, in both NAT modes"
