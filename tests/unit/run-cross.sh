#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-cross.sh BUILD_DIR "TESTS" "FUZZERS" TARGET:QEMU...
#
# For each TARGET: build the unit tests and the corpus replays for it
# (make cross-build-TARGET, into BUILD_DIR/cross/TARGET), then run each
# under qemu-user (QEMU, e.g. qemu-mips-static): every unit test, and
# every fuzz target over its seed corpus (corpus/NAME) and over what the
# fuzz stage found (BUILD_DIR/corpus/NAME), when it ran before.  One line
# per target and binary, a budget line per target (its build and run
# time), and the closing "N passed, N failed": one per target and binary,
# one that did not build counting as failed.  Exit 1 if anything failed.
set -uo pipefail

b=$1
read -r -a tests <<<"$2"
read -r -a fuzzers <<<"$3"
shift 3

passed=0
failed=0
log=$(mktemp)
results=$(mktemp)
tms=$(mktemp)
trap 'rm -f "$log" "$results" "$tms"' EXIT

# Wall clock in ns; CPU seconds of the children waited for (compilers and
# qemu), which a loaded machine does not inflate as it does the wall clock.
now() { date +%s%N; }
# (times in this shell, not in a $(...) subshell that has no children.)
cpu_now() {
	times >"$tms"
	cpu=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
		printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$tms")
}
secs() { awk -v n="$1" 'BEGIN { printf "%.1f", n / 1e9 }'; }
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# One binary under qemu: its output with the target in front, its verdict.
run_one() {
	local target=$1 what=$2 before after ok=1
	shift 2

	if [ ! -x "$2" ]; then
		echo "$target: $(basename "$2"): FAILED, not built"
		failed=$((failed + 1))
		return
	fi
	before=$(wc -l <"$results")
	NFO_UNIT_RESULTS="$results" "$@" >"$log" 2>&1 || ok=0
	after=$(wc -l <"$results")
	sed "s/^/$target: /" "$log"
	# A unit test must also have reported its counts, with no failure.
	if [ "$what" = test ]; then
		if [ "$after" -eq "$before" ]; then
			echo "$target: $(basename "$2").c CRASHED (no result reported)"
			ok=0
		elif [ "$(tail -n 1 "$results" | cut -d' ' -f2)" != 0 ]; then
			ok=0
		fi
	fi
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

for spec in "$@"; do
	target=${spec%%:*}
	qemu=${spec#*:}
	dir=$b/cross/$target
	t0=$(now)
	cpu_now
	c0=$cpu
	# -k: what did build still runs; what did not counts as failed.
	if ! ${MAKE:-make} -s -k "cross-build-$target" >"$log" 2>&1; then
		echo "$target: build FAILED"
		sed "s/^/$target: /" "$log" | tail -n 30
	fi
	t1=$(now)
	cpu_now
	c1=$cpu
	if ! command -v "$qemu" >/dev/null; then
		echo "$target: FAILED: no $qemu (scripts/deps.sh installs qemu-user-static)"
		failed=$((failed + 1))
		continue
	fi
	for t in "${tests[@]}"; do
		run_one "$target" test "$qemu" "$dir/$t"
	done
	for f in "${fuzzers[@]}"; do
		corpora=("corpus/$f")
		[ ! -d "$b/corpus/$f" ] || corpora+=("$b/corpus/$f")
		run_one "$target" replay "$qemu" "$dir/replay_$f" "${corpora[@]}"
	done
	t2=$(now)
	cpu_now
	c2=$cpu
	echo "budget: cross $target: build $(secs $((t1 - t0)))s (cpu $(since "$c0" "$c1")s)," \
		"run $(secs $((t2 - t1)))s (cpu $(since "$c1" "$c2")s)"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
