#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark: how fast nft_offload puts flows into hardware, on the tests'
# simulated offload NIC (tests/kmod/nfo_simnic.c), per kernel: flows per
# second pushed and taken, and the mean time from `flow add` to the driver
# taking a flow (tests/scenarios/bench-hw.sh).  It reports and never fails
# on numbers; it fails only when it cannot measure.
#   scripts/bench-hw.sh [--kernel 6.1|6.12]...
# Environment: NFO_BENCH_HW_FLOWS (flows at once, comma-separated; default
# 200,2000).  Times are the guest's under TCG (no KVM): they compare runs
# and kernels with each other, not with real hardware.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernels=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || { echo "bench-hw.sh: --kernel needs 6.1 or 6.12" >&2; exit 2; }
		  kernels+=("$2"); shift ;;
	*) sed -n '3,8s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)
flows=${NFO_BENCH_HW_FLOWS:-200,2000}

printf '| kernel | flows | traffic (ms) | all in hardware (ms) | flows/s | flow add to taken (us) |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for k in "${kernels[@]}"; do
	log=$(mktemp)
	if ! NFO_APPEND="nfo.bench_hw_flows=$flows" NFO_SCENARIO_TIMEOUT=1200 \
	     "$top/tests/vm/run.sh" --kernel "$k" --scenario bench-hw --show >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "bench-hw.sh: the $k run failed" >&2
		exit 1
	fi
	sed -n 's/^BENCH hw //p' "$log" | while read -r line; do
		declare -A v=()
		for kv in $line; do
			v[${kv%%=*}]=${kv#*=}
		done
		printf '| %s | %s | %s | %s | %s | %s |\n' "$k" "${v[flows]}" \
			"${v[traffic_ms]}" "${v[all_in_hw_ms]}" "${v[flows_per_s]}" \
			"${v[accept_us]}"
	done
	rm -f "$log"
done
