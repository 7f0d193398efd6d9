#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark (reports, never fails on numbers): the same iperf3 TCP transfer
# through a masquerading router by the normal path and by the fast path,
# side by side in one VM run, 1 and 4 streams.  Under emulation wall-clock
# numbers move between runs; the ratio of the two columns is the result.
#   scripts/bench.sh [--kernel 6.1|6.12]     NFO_BENCH_SECONDS=8 per run
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=6.1
if [ "${1:-}" = --kernel ] && [ -n "${2:-}" ]; then
	kernel=$2
fi

"$top/scripts/deps.sh"
out=$("$top/tests/vm/run.sh" --kernel "$kernel" --scenario bench-throughput --show 2>&1) || {
	printf '%s\n' "$out"
	exit 1
}
kver=$("$top/scripts/kernels.sh" "$kernel")
echo "Throughput, client -> router (masquerade) -> server, iperf3 TCP, kernel $kver, TCG"
echo
printf '| %-8s | %-18s | %-18s | %-7s |\n' streams "normal path Mbit/s" "fast path Mbit/s" ratio
printf '|----------|--------------------|--------------------|---------|\n'
grep '^BENCH tcp-' <<<"$out" | while read -r _ _ streams normal fast; do
	n=${normal#*=}
	f=${fast#*=}
	ratio=$(awk -v a="$n" -v b="$f" 'BEGIN { if (a > 0) printf "%.2fx", b / a; else print "-" }')
	printf '| %-8s | %-18s | %-18s | %-7s |\n' "${streams#*=}" "$n" "$f" "$ratio"
done
grep '^BENCH fast-path' <<<"$out" | sed 's/^BENCH /\n/'
