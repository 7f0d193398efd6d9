#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# All VM tests, as lanes of scenarios:
#   debug         every scenario on the debug kernel (6.1 without
#                 CONFIG_NF_FLOW_TABLE, with KASAN, lockdep, kmemleak, debug
#                 objects, UBSAN), but those marked "# nfo-lanes: stock"
#   6.1, 6.12     every scenario on Debian's kernels
#   arm64, armhf, s390x
#                 the core set ("# nfo-core:" scenarios) on Debian's 6.1
#                 for arm64, armhf (32-bit) and s390x (big-endian), with
#                 their own userlands (tests/vm/run.sh)
#   6.1-coexist, 6.12-coexist
#                 the coexist-* scenarios, the in-kernel flowtable present
# Each QEMU guest is single-threaded (one TCG thread), so NFO_VM_JOBS guests
# (default: one per core) run at once. Each lane has a queue of scenarios
# (tests/vm/queue.bash) that every guest booted for it draws from, so a
# lane's work spreads over as many guests as are free: the debug lane, by far
# the longest, is taken first and its slowest scenarios first. Where the
# debug kernel is not cached yet it builds meanwhile, at the lowest
# priority, and the Debian lanes run first.
#
# A guest on a Debian kernel waits (for its peers, timers, timeouts) a third
# of its time, and one on the debug kernel a quarter: NFO_VM_EXTRA more
# guests (default 1), at a lower priority (nice 10), run the other lanes
# beside them, to use those waits. They start once the debug kernel is
# there and either no more debug guests can start or the suite's other
# stages are done (the file NFO_VM_STAGES_DONE names exists, when
# scripts/run-tests.sh runs this); never while the debug kernel builds:
# beside that build and the other stages, a third guest on two cores made
# 6.1's scenarios three to nine times slower (15-load-unload-loop hit its
# 300 s limit).
#
# Prints each guest's results as it ends, then the budget: each lane's time
# (from its first guest's start to its last guest's end), its guests' QEMU
# CPU time and its five slowest scenarios; ends with one "N passed, N failed"
# line over all lanes and exits 1 if anything failed.
#   scripts/run-vm-tests.sh [-v|--verbose] [--keep]   (passed to tests/vm/run.sh)
# NFO_VM_ONLY="NAME..." keeps only those scenarios in every lane: the whole
# machinery on a few scenarios.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/vm/queue.bash
. "$top/tests/vm/queue.bash"

opts=()
for arg in "$@"; do
	case "$arg" in
	-v|--verbose|--keep) opts+=("$arg") ;;
	*) echo "usage: run-vm-tests.sh [-v|--verbose] [--keep]" >&2; exit 2 ;;
	esac
done
jobs=${NFO_VM_JOBS:-$(nproc)}
extra=${NFO_VM_EXTRA:-1}

# The packages first, so that no two apt-get run at once.
"$top/scripts/deps.sh"
export NFO_DEPS_DONE=1
history=${NFO_CACHE:-$HOME/.cache/nft-offload}/scenario-times
work=$top/build/vm-tests
rm -rf "$work"
mkdir -p "$work/queues" "$work/running"
t_start=$(date +%s)

lanes=(debug 6.1 6.12 arm64 armhf s390x 6.1-coexist 6.12-coexist)

# run.sh's options for a lane.
lane_args() {
	case "$1" in
	*-coexist) echo "--kernel ${1%-coexist} --coexist" ;;
	*) echo "--kernel $1" ;;
	esac
}

for lane in "${lanes[@]}"; do
	mapfile -t names < <(lane_scenarios "$top/tests/scenarios" "$lane")
	if [ -n "${NFO_VM_ONLY:-}" ]; then
		mapfile -t names < <(printf '%s\n' "${names[@]}" |
			grep -xF -f <(tr ' ' '\n' <<<"$NFO_VM_ONLY") || true)
	fi
	# (An empty queue: no guest boots for the lane.)
	queue_make "$work/queues/$lane" "$history/$lane" ${names[@]+"${names[@]}"}
done

# Every guest slot and the build run in process groups of their own (set -m),
# so that an interrupted run stops all of them.
set -m
# The debug kernel: cached, or built now (or by scripts/run-tests.sh, which
# started it earlier: then this waits for that build). Its lane starts when
# the kernel is there.
build_pid=
if "$top/tests/vm/build-debug-kernel.sh" --cached >"$work/debug-kernel.log" 2>&1; then
	echo 0 >"$work/debug-kernel.ready"
else
	(
		t0=$(date +%s)
		# At the lowest priority: it takes what the guests leave,
		# which is everything once the Debian lanes are done. A
		# guest that shares its core runs longer and, as its timers
		# and polls go on, costs more CPU for the same work.
		if nice -n 19 "$top/tests/vm/build-debug-kernel.sh" >"$work/debug-kernel.log" 2>&1; then
			echo "$(( $(date +%s) - t0 ))" >"$work/debug-kernel.ready"
		else
			echo "$(( $(date +%s) - t0 ))" >"$work/debug-kernel.failed"
		fi
	) &
	build_pid=$!
fi

# running LANE: how many guests run LANE now.
running() {
	local f n=0

	for f in "$work/running/$1".*; do
		[ ! -e "$f" ] || n=$((n + 1))
	done
	echo "$n"
}

# debug_startable: the debug kernel is there and its lane has scenarios left.
debug_startable() {
	[ -e "$work/debug-kernel.ready" ] && [ ! -e "$work/broken-debug" ] &&
		[ "$(queue_left "$work/queues/debug")" -gt 0 ]
}

# stages_done: the suite's other stages are over (or there are none).
stages_done() {
	[ -z "${NFO_VM_STAGES_DONE:-}" ] || [ -e "$NFO_VM_STAGES_DONE" ]
}

# debug_building: the debug kernel is being built.
debug_building() {
	[ ! -e "$work/debug-kernel.ready" ] && [ ! -e "$work/debug-kernel.failed" ]
}

# pick_lane [extra]: the lane a free guest should boot next: the first in
# $lanes with scenarios left whose kernel is there. Waits while only the
# debug lane has scenarios left and its kernel is still being built; returns
# 1 when nothing is left. An extra slot takes the other lanes only, none
# while the debug kernel builds, and none while a debug guest could start
# but the other stages still run.
pick_lane() {
	local lane waiting

	while :; do
		waiting=0
		for lane in "${lanes[@]}"; do
			# No more guests than scenarios left (the coexistence
			# boots have two).
			[ "$(queue_left "$work/queues/$lane")" -gt "$(running "$lane")" ] || continue
			[ ! -e "$work/broken-$lane" ] || continue
			if [ "${1:-}" = extra ]; then
				[ "$lane" != debug ] || continue
				if debug_building || { debug_startable && ! stages_done; }; then
					waiting=1
					continue
				fi
			elif [ "$lane" = debug ]; then
				[ ! -e "$work/debug-kernel.failed" ] || continue
				if [ ! -e "$work/debug-kernel.ready" ]; then
					waiting=1
					continue
				fi
			fi
			echo "$lane"
			return 0
		done
		[ "$waiting" = 1 ] || return 1
		sleep 2
	done
}

# slot NAME [extra]: boot guests one after another, each for the lane
# pick_lane names, until nothing is left. Each run is listed in "runs" when
# it ends: "SLOT.N LANE START END". A run that took no scenario (its
# module did not build, its guest did not boot) marks the lane broken: no
# more guests for it, and what it had left is counted as never run.
slot() {
	local n=0 lane t0 run left prio=()

	while lane=$(pick_lane "${2:-}"); do
		n=$((n + 1))
		run=$1.$n
		t0=$(date +%s)
		left=$(queue_left "$work/queues/$lane")
		: >"$work/running/$lane.$run"
		[ "${2:-}" != extra ] || prio=(nice -n 10)
		# shellcheck disable=SC2046 # lane_args is a word list on purpose
		NFO_TIMES=$work/times ${prio[@]+"${prio[@]}"} "$top/tests/vm/run.sh" $(lane_args "$lane") \
			--queue "$work/queues/$lane" ${opts[@]+"${opts[@]}"} \
			>"$work/run-$run.log" 2>&1 || true
		rm -f "$work/running/$lane.$run"
		[ "$(queue_left "$work/queues/$lane")" -lt "$left" ] ||
			touch "$work/broken-$lane"
		echo "$run $lane $t0 $(date +%s)" >>"$work/runs"
	done
}

: >"$work/runs"
: >"$work/times"
pids=()
for i in $(seq "$jobs"); do
	slot "$i" &
	pids+=($!)
done
for i in $(seq "$extra"); do
	slot "x$i" extra &
	pids+=($!)
done
set +m
trap 'for p in "${pids[@]}" $build_pid; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done' EXIT

passed=0
failed=0

# relay RUN LANE SECONDS: a guest's output, but run.sh's closing count line,
# so that the only "N passed, N failed" line is the total below.
relay() {
	local line counts=

	while IFS= read -r line; do
		if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			counts="${BASH_REMATCH[1]} pass, ${BASH_REMATCH[2]} fail"
			passed=$((passed + BASH_REMATCH[1]))
			failed=$((failed + BASH_REMATCH[2]))
		else
			printf '%s\n' "$line"
		fi
	done <"$work/run-$1.log"
	if [ -z "$counts" ]; then
		echo "FAIL: guest $1 ($2) ended without its count line"
		failed=$((failed + 1))
	else
		echo "=== guest $1 ($2): $counts (${3}s)"
	fi
}

# Show each guest's output as it ends.
shown=0
relay_new() {
	local run lane t0 t1

	# (Counted as read: a line added meanwhile is shown next time.)
	while read -r run lane t0 t1; do
		shown=$((shown + 1))
		echo "=== guest $run: tests/vm/run.sh $(lane_args "$lane") --queue ($lane)"
		relay "$run" "$lane" $((t1 - t0))
	done < <(tail -n +"$((shown + 1))" "$work/runs")
}
for pid in "${pids[@]}"; do
	while kill -0 "$pid" 2>/dev/null; do
		relay_new
		sleep 2
	done
	wait "$pid" || true
done
relay_new
[ -z "$build_pid" ] || wait "$build_pid" || true
trap - EXIT

if [ -e "$work/debug-kernel.failed" ]; then
	echo "FAIL: debug kernel build ($(cat "$work/debug-kernel.failed")s); the end of its log:"
	tail -n 30 "$work/debug-kernel.log"
	failed=$((failed + 1))
fi
# A lane whose scenarios were not all handed out (its guests never asked).
for lane in "${lanes[@]}"; do
	[ "$lane" = debug ] && [ -e "$work/debug-kernel.failed" ] && continue
	left=$(queue_left "$work/queues/$lane")
	if [ "$left" -gt 0 ]; then
		echo "FAIL: lane $lane: $left scenarios never ran"
		failed=$((failed + 1))
	fi
done

# The budget: where the stage's time went.
echo "budget: vm stage $(( $(date +%s) - t_start ))s, $jobs guests at a time (and $extra for Debian lanes); debug kernel build $(
	cat "$work/debug-kernel.ready" 2>/dev/null || echo '?')s (0 when cached)"
for lane in "${lanes[@]}"; do
	awk -v lane="$lane" '
		FILENAME ~ /runs$/ && $2 == lane {
			n++
			if (first == "" || $3 < first) first = $3
			if ($4 > last) last = $4
		}
		FILENAME ~ /times$/ && $1 == lane { cpu += $4; if ($2 !~ /^_/) t[$2] = $3 }
		END {
			if (n == 0) exit
			printf "budget: lane %s: %ds, %d guests, qemu cpu %ds; slowest:", lane, last - first, n, cpu
			m = 0
			while (m < 5) {
				best = ""
				for (s in t)
					if (s != "kernel-log-clean" && (best == "" || t[s] > t[best] ||
					    (t[s] == t[best] && s < best)))
						best = s
				if (best == "") break
				printf "%s %s %ss", m ? "," : "", best, t[best]
				delete t[best]
				m++
			}
			printf "\n"
		}' "$work/runs" "$work/times"
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] || exit 1
