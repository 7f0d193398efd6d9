#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark, not a test: the same iperf3 TCP transfer (client -> masquerading
# router -> server) through the normal path and through the fast path, in
# one VM run, side by side.  Wall-clock numbers under emulation are noisy:
# compare the two columns, not absolute values.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

secs=${NFO_BENCH_SECONDS:-8}
topology_router
offload_ruleset masq

run() {	# SYSCTL STREAMS -> Mbit/s at the receiver
	local spid

	n r sysctl -q -w net.netfilter.nf_flow_offload="$1"
	n srv iperf3 -s -1 >/dev/null 2>&1 &
	spid=$!
	wait_listen srv 5201 tcp 6 >&2 || wait_listen srv 5201 tcp 4 >&2
	n cl iperf3 -c 10.0.2.2 -t "$secs" -P "$2" -f m 2>&1 |
		awk '/receiver/ { v = $(NF - 2) } END { print v }'
	wait "$spid" || true
}

for streams in 1 4; do
	normal=$(run 0 "$streams")
	fast=$(run 1 "$streams")
	echo "BENCH tcp-ipv4-masq streams=$streams normal_path_mbit=$normal fast_path_mbit=$fast"
done
echo "BENCH fast-path packets: $(nfo_stat fast_ipv4_packets)"
