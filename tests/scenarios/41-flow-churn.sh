#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Churn: more than 100000 UDP flows offloaded and expired, in rounds (a
# quarter of that on the debug kernel: there the rounds take a hundred
# times as long, only a few hundred flows are alive at any time, and
# kmemleak, not the slab totals, finds a single leaked object).
# After each round the flow count returns to zero and so does the count of
# live flow objects (the test module nfo_flow_count); at the end the ruleset
# goes, the module unloads cleanly, and the kernel's unreclaimable slab
# memory is back near where it started.
#
# flowgen (tests/tools/flowgen.c) sends from cl, from 4 source addresses
# and ROUND_PORTS source ports each, CHUNK tuples at a time, one datagram
# per tuple and then a second one: the first makes the conntrack entry, the
# second is offloaded by `flow add`.  Each round uses new ports.  The
# server drops them all without an answer.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

ROUNDS=2
NSRC=4			# 10.0.1.10 - 10.0.1.13
ROUND_PORTS=$(scaled 13000)	# source ports per address and round: 52000 tuples
MIN_TOTAL=$(scaled 100000)
CHUNK=4096		# tuples per flowgen chunk: seconds apart on a debug kernel
TIMEOUT=2		# nf_flow_offload_udp_timeout
SLAB_TOLERANCE_KB=4096

kb() {	# /proc/meminfo field, kB
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# Give back what caches can: page cache, reclaimable slab, empty slabs of
# every cache (SLUB), so that two readings compare what is in use.
settle_memory() {
	local f

	sync
	echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null || true
	done
}

# Free pages parked on per-CPU lists (/proc/zoneinfo "count:"), kB: not
# in MemFree, and since 6.7 those lists grow after bursts of frees.
pcp_kb() {
	awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo
}

memline() {
	echo "SUnreclaim $(kb SUnreclaim) kB, MemAvailable $(kb MemAvailable) kB, MemFree $(kb MemFree) kB, per-CPU free lists $(pcp_kb) kB, VmallocUsed $(kb VmallocUsed) kB, Percpu $(kb Percpu) kB"
}

ct_count() {
	n r cat /proc/sys/net/netfilter/nf_conntrack_count
}

no_ct() {
	[ "$(ct_count)" = 0 ]
}

modprobe nf_conntrack
old_max=$(sysctl -n net.netfilter.nf_conntrack_max)
old_buckets=$(sysctl -n net.netfilter.nf_conntrack_buckets)
trap 'sysctl -q -w net.netfilter.nf_conntrack_max=$old_max net.netfilter.nf_conntrack_buckets=$old_buckets || true' EXIT
# Global (initial netns only): room for two rounds of entries.
sysctl -q -w net.netfilter.nf_conntrack_max=300000 net.netfilter.nf_conntrack_buckets=262144

count_flow_objects
topology_router
for i in $(seq 10 $((10 + NSRC - 1))); do
	ip -n cl addr add "10.0.1.$i/24" dev cl-r
done
offload_ruleset route
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout="$TIMEOUT"
udp_sink
mac=$(mac_of r r-cl)

settle_memory
base_su=$(kb SUnreclaim)
base_av=$(kb MemAvailable)
base_pcp=$(pcp_kb)
log "baseline: $(memline)"

total=0
for round in $(seq "$ROUNDS"); do
	lo=$((10000 + (round - 1) * ROUND_PORTS))
	hi=$((lo + ROUND_PORTS - 1))
	tuples=$((NSRC * ROUND_PORTS))
	off0=$(nfo_stat offloaded)
	out=$(n cl flowgen cl-r "$mac" 10.0.1.10 "$NSRC" "$lo" "$hi" 10.0.2.2 5001 2 "$CHUNK") ||
		fail "round $round: flowgen: $out"
	flows=$(nfo_stat flows)
	log "round $round: flowgen $out"
	# The last frames may still be in the router's backlog.
	wait_for 10 stat_at_least offloaded $((off0 + tuples * 95 / 100)) ||
		ofail "round $round: only $(( $(nfo_stat offloaded) - off0 )) of $tuples tuples offloaded"
	# Each flow lives TIMEOUT s after its second datagram: the tuples of
	# the last TIMEOUT seconds are alive when flowgen ends (all of them on
	# Debian's kernels under TCG, where a round takes about 1.5 s; a few
	# hundred on the debug kernel, 100 times slower).  Half of those, at
	# least.
	secs=$(echo "$out" | awk '{ for (i = 2; i <= NF; i++) if ($i == "s,") print $(i - 1) }')
	alive=$(awk -v t="$tuples" -v d="$secs" -v to="$TIMEOUT" \
		'BEGIN { a = d > to ? t * to / d : t; printf "%d", a }')
	[ "$flows" -ge $((alive / 2)) ] ||
		ofail "round $round: only $flows flows alive when flowgen ended, of about $alive sent in its last $TIMEOUT s"
	done_off=$(( $(nfo_stat offloaded) - off0 ))
	total=$((total + done_off))
	log "round $round: $done_off offloaded, $flows flows live when flowgen ended (peak so far $(nfo_stat flows_peak)), $(ct_count) conntrack entries"
	t0=$(_uptime_ms)
	wait_for $((TIMEOUT + 15)) no_flows ||
		ofail "round $round: $(nfo_stat flows) flows left $((TIMEOUT + 15)) s after the traffic"
	log "round $round: flows back to 0 after $(( ($(_uptime_ms) - t0) / 100 ))00 ms; teardown_idle $(nfo_stat teardown_idle)"
	wait_for 5 no_flow_objects ||
		fail "round $round: $(flow_objects) flow objects still allocated with no flows"
	settle_memory
	log "round $round: $(memline)"
done
[ "$total" -ge "$MIN_TOTAL" ] || fail "only $total flows offloaded in $ROUNDS rounds"
pass "$total flows offloaded and expired in $ROUNDS rounds, flow count back to 0 after each"

expect_ok n r nft flush ruleset
n r conntrack -F 2>/dev/null || true
wait_for 10 no_ct ||
	fail "conntrack entries left after conntrack -F: $(ct_count)"
wait_for 5 no_flow_objects || fail "$(flow_objects) flow objects left after the flush"
# Namespaces going away may hold the module for a moment: retry briefly.
wait_for 5 rmmod nft_offload || fail "rmmod nft_offload: $(rmmod nft_offload 2>&1)"
! modloaded nft_offload || fail "nft_offload still loaded"
pass "ruleset flushed, nft_offload unloaded"

settle_memory
su=$(kb SUnreclaim)
av=$(kb MemAvailable)
log "after unload: $(memline)"
log "after unload: SUnreclaim $((su - base_su)) kB from the baseline, MemAvailable $((av - base_av)) kB, MemAvailable + per-CPU free lists $((av + $(pcp_kb) - base_av - base_pcp)) kB"
[ $((su - base_su)) -le "$SLAB_TOLERANCE_KB" ] ||
	fail "unreclaimable slab grew by $((su - base_su)) kB (tolerance $SLAB_TOLERANCE_KB kB)"
pass "unreclaimable slab within $SLAB_TOLERANCE_KB kB of the baseline ($((su - base_su)) kB)"
