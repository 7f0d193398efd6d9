#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The flow listing of a big table (100000 flows; 10000 on the debug kernel,
# where everything is some 20 times slower) is read while a link event
# happens.  The reader holds no lock a link event needs: the event takes
# about as long with a reader as without (each event walks the flows
# itself, so that is its own cost).  The kernel buffers one page of the
# listing at a time, not the whole of it: vmalloc'd memory does not grow
# while it is read.  And the listing is whole: one line per flow.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

NSRC=4
PORTS=25000
! debug_kernel || PORTS=2500
FLOWS=$((NSRC * PORTS))

kb() {	# /proc/meminfo field, kB
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# event_ms: how long a link going down and up in the router takes (a dummy
# device: every flowtable's flows are walked for each event).
event_ms() {
	local t0 t1

	_uptime_ms_to t0
	n r ip link set dummy0 down
	n r ip link set dummy0 up
	_uptime_ms_to t1
	echo $((t1 - t0))
}

modprobe nf_conntrack
old_max=$(sysctl -n net.netfilter.nf_conntrack_max)
trap 'sysctl -q -w net.netfilter.nf_conntrack_max=$old_max || true' EXIT
sysctl -q -w net.netfilter.nf_conntrack_max=$((FLOWS * 2))

topology_router
for i in $(seq 10 $((10 + NSRC - 1))); do
	ip -n cl addr add "10.0.1.$i/24" dev cl-r
done
ip -n r link add dummy0 type dummy
ip -n r link set dummy0 up
offload_ruleset route
n r sysctl -q -w net.netfilter.nf_flow_offload_udp_timeout=3600 \
	net.netfilter.nf_conntrack_udp_timeout=3600
udp_sink
mac=$(mac_of r r-cl)
out=$(n cl flowgen cl-r "$mac" 10.0.1.10 "$NSRC" 10000 $((10000 + PORTS - 1)) \
	10.0.2.2 5001 2 4096) || fail "flowgen: $out"
log "flowgen: $out"
wait_for 60 stat_at_least flows $((FLOWS * 95 / 100)) ||
	ofail "only $(nfo_stat flows) of $FLOWS flows offloaded"
flows=$(nfo_stat flows)
log "$flows flows offloaded"

alone=$(event_ms)
log "a link event alone: $alone ms"

vm0=$(kb VmallocUsed)
n r cat /proc/net/nft_offload_flows >/tmp/listing &
reader=$!
nap 0.2
kill -0 "$reader" 2>/dev/null || log "note: the reader finished within 0.2 s"
with=$(event_ms)
peak=$vm0
while kill -0 "$reader" 2>/dev/null; do
	vm=$(kb VmallocUsed)
	[ "$vm" -le "$peak" ] || peak=$vm
	nap 0.05
done
wait "$reader" || fail "reading the listing failed"
lines=$(grep -c '^family=ipv4 proto=udp ' /tmp/listing) || true
log "a link event while the listing is read: $with ms; vmalloc'd memory grew by at most $((peak - vm0)) kB while it was read; $lines lines of $flows flows"
[ "$lines" -ge $((flows * 99 / 100)) ] || fail "the listing has $lines lines for $flows flows"
[ $((peak - vm0)) -lt 2048 ] ||
	fail "vmalloc'd memory grew by $((peak - vm0)) kB while the listing was read"
[ "$with" -le $((alone * 3 + 1000)) ] ||
	fail "a link event took $with ms while the listing was read, $alone ms alone"
pass "$flows flows listed; a link event waited $with ms (alone $alone ms); vmalloc growth $((peak - vm0)) kB"

n r nft flush ruleset
rm -f /tmp/listing
