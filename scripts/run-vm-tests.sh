#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# All VM tests: every scenario on Debian's 6.1 and 6.12 kernels, then the
# coexist-* scenarios (in-kernel flowtable present) on both, then every
# scenario again on the debug kernel (6.1 without CONFIG_NF_FLOW_TABLE, with
# KASAN, lockdep, kmemleak, debug objects, UBSAN; built on first use, in the
# background while the Debian lanes run, then cached). Prints each run's time and ends with one
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

# Where the debug kernel is not cached yet it takes 12-20 minutes to build:
# build it at low priority while the Debian lanes run.  run.sh --kernel
# debug then finds it built, or waits on the build's lock.  The packages
# are installed first, so that two apt-get never run at once.
"$top/scripts/deps.sh"
mkdir -p "$top/build"
build_log=$top/build/debug-kernel-build.log
nice -n 19 "$top/tests/vm/build-debug-kernel.sh" >"$build_log" 2>&1 &
build_pid=$!

passed=0
failed=0
for run in "--kernel 6.1" "--kernel 6.12" "--kernel 6.1 --coexist" "--kernel 6.12 --coexist" \
	   "--kernel debug"; do
	if [ "$run" = "--kernel debug" ] && ! wait "$build_pid"; then
		echo "=== the debug kernel's build failed; the end of $build_log:"
		tail -n 30 "$build_log"
	fi
	echo "=== tests/vm/run.sh $run"
	t0=$(date +%s)
	# Pass the output through live, except run.sh's closing count line, so
	# the only "N passed, N failed" line is the total below. run.sh exits 1
	# on failures; the counts are what matter here.
	counts=
	# shellcheck disable=SC2086 # $run is a word list on purpose
	while IFS= read -r line; do
		if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			counts=$line
			passed=$((passed + BASH_REMATCH[1]))
			failed=$((failed + BASH_REMATCH[2]))
			echo "=== $run: ${BASH_REMATCH[1]} pass, ${BASH_REMATCH[2]} fail ($(( $(date +%s) - t0 ))s)"
		else
			printf '%s\n' "$line"
		fi
	done < <("$top/tests/vm/run.sh" $run ${opts[@]+"${opts[@]}"} 2>&1 || true)
	if [ -z "$counts" ]; then
		echo "FAIL: tests/vm/run.sh $run ended without its count line"
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || exit 1
