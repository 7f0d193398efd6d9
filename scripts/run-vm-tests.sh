#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# All VM tests: every scenario on Debian's 6.1 and 6.12 kernels, then the
# coexist-* scenarios (in-kernel flowtable present) on both, and every
# scenario again on the debug kernel (6.1 without CONFIG_NF_FLOW_TABLE, with
# KASAN, lockdep, kmemleak, debug objects, UBSAN).
#
# The guests are single-threaded (one TCG thread each), so the two lanes run
# side by side on two cores: the Debian lanes in the foreground, and in the
# background the debug kernel's build (at low priority, only where it is not
# cached yet) followed by the debug lane, whose output is shown when the
# Debian lanes are done.  Prints each run's time and ends with one
# "N passed, N failed" line over all runs; exits 1 if anything failed.
#   scripts/run-vm-tests.sh [-v|--verbose] [--keep]   (passed to tests/vm/run.sh)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

opts=()
for arg in "$@"; do
	case "$arg" in
	-v|--verbose|--keep) opts+=("$arg") ;;
	*) echo "usage: run-vm-tests.sh [-v|--verbose] [--keep]" >&2; exit 2 ;;
	esac
done

# The packages first, so that two apt-get never run at once.
"$top/scripts/deps.sh"
mkdir -p "$top/build"
build_log=$top/build/debug-kernel-build.log
debug_out=$top/build/debug-lane.log

# The debug lane: build (cached after the first time), then run.  Its
# closing lines say how long the lane took.  It runs in a process group of
# its own (set -m), so that an interrupted run can stop all of it.
set -m
(
	if ! nice -n 19 "$top/tests/vm/build-debug-kernel.sh" >"$build_log" 2>&1; then
		echo "=== the debug kernel's build failed; the end of $build_log:"
		tail -n 30 "$build_log"
	fi
	t0=$(date +%s)
	"$top/tests/vm/run.sh" --kernel debug ${opts[@]+"${opts[@]}"} 2>&1 || true
	echo "LANE-TIME $(( $(date +%s) - t0 ))"
) >"$debug_out" 2>&1 &
debug_pid=$!
set +m
trap 'kill -- "-$debug_pid" 2>/dev/null || true' EXIT

passed=0
failed=0

# relay RUN T0: pass a run's output through, except run.sh's closing count
# line, so the only "N passed, N failed" line is the total below.
relay() {
	local run=$1 t0=$2 line counts= secs=

	while IFS= read -r line; do
		if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			counts="${BASH_REMATCH[1]} pass, ${BASH_REMATCH[2]} fail"
			passed=$((passed + BASH_REMATCH[1]))
			failed=$((failed + BASH_REMATCH[2]))
		elif [[ $line =~ ^LANE-TIME\ ([0-9]+)$ ]]; then
			secs=${BASH_REMATCH[1]}
		else
			printf '%s\n' "$line"
		fi
	done
	[ -n "$secs" ] || secs=$(( $(date +%s) - t0 ))
	if [ -z "$counts" ]; then
		echo "FAIL: tests/vm/run.sh $run ended without its count line"
		failed=$((failed + 1))
	else
		echo "=== $run: $counts (${secs}s)"
	fi
}

for run in "--kernel 6.1" "--kernel 6.12" "--kernel 6.1 --coexist" "--kernel 6.12 --coexist"; do
	echo "=== tests/vm/run.sh $run"
	t0=$(date +%s)
	# run.sh exits 1 on failures; the counts are what matter here.
	# shellcheck disable=SC2086 # $run is a word list on purpose
	relay "$run" "$t0" < <("$top/tests/vm/run.sh" $run ${opts[@]+"${opts[@]}"} 2>&1 || true)
done

echo "=== tests/vm/run.sh --kernel debug (ran beside the Debian lanes; waiting for it)"
t0=$(date +%s)
wait "$debug_pid" || true
trap - EXIT
echo "=== waited $(( $(date +%s) - t0 ))s for the debug lane"
relay "--kernel debug" "$t0" <"$debug_out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || exit 1
