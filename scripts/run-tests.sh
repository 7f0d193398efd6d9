#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite, from a fresh machine: installs what it needs, then
#   unit    userspace unit tests of src/logic (ASan/UBSan)
#   fuzz    a bounded libFuzzer pass over the parser and checksum code
#   static  checkpatch, and W=1 + sparse builds for Debian 6.1 and 6.12
#   vm      every scenario in QEMU on Debian 6.1 and 6.12, the
#           coexistence scenarios with the in-kernel flowtable present, and
#           every scenario on the debug kernel (6.1 without the in-kernel
#           flowtable, with KASAN, lockdep, kmemleak; built once, cached)
# Each stage's results are summed into one closing "N passed, N failed";
# the time of every stage and the slowest one are reported.  Exits 1 on any
# failure.  Arguments choose stages: scripts/run-tests.sh unit static
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit fuzz static vm)

"$top/scripts/deps.sh"

passed=0
failed=0
times=()
slowest=
slowest_s=-1

stage_cmd() {
	case "$1" in
	unit) make -s -C "$top/tests/unit" test ;;
	fuzz) make -s -C "$top/tests/unit" fuzz-smoke ;;
	static) "$top/scripts/check-static.sh" ;;
	vm) "$top/scripts/run-vm-tests.sh" ;;
	*) echo "run-tests.sh: unknown stage $1" >&2; return 2 ;;
	esac
}

for stage in "${stages[@]}"; do
	echo "=== stage $stage"
	t0=$(date +%s)
	counts=
	stage_failed=0
	failed0=$failed
	# Relay the stage's output; its own closing count is folded into ours.
	while IFS= read -r line; do
		if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			counts=1
			# The unit and fuzz stages count checks and targets; the
			# suite counts one test per stage for them.
			case "$stage" in
			unit|fuzz)
				if [ "${BASH_REMATCH[2]}" = 0 ]; then
					passed=$((passed + 1))
				else
					failed=$((failed + 1))
				fi
				echo "=== $stage: ${BASH_REMATCH[1]} checks passed, ${BASH_REMATCH[2]} failed" ;;
			*)
				passed=$((passed + BASH_REMATCH[1]))
				failed=$((failed + BASH_REMATCH[2]))
				echo "=== $stage: ${BASH_REMATCH[1]} pass, ${BASH_REMATCH[2]} fail" ;;
			esac
		elif [[ $line == "STAGE-FAILED $stage" ]]; then
			stage_failed=1
		elif [[ $line =~ ^fuzz:\ all\ ([0-9]+)\ targets\ passed ]]; then
			counts=1
			passed=$((passed + 1))
			printf '%s\n' "$line"
		else
			printf '%s\n' "$line"
		fi
	done < <(stage_cmd "$stage" 2>&1 || echo "STAGE-FAILED $stage")
	if [ -z "$counts" ]; then
		echo "FAIL: stage $stage ended without a result"
		failed=$((failed + 1))
	elif [ "$stage_failed" = 1 ] && [ "$failed" = "$failed0" ]; then
		echo "FAIL: stage $stage exited non-zero"
		failed=$((failed + 1))
	fi
	s=$(( $(date +%s) - t0 ))
	times+=("$stage ${s}s")
	if [ "$s" -gt "$slowest_s" ]; then
		slowest_s=$s
		slowest=$stage
	fi
done

echo "=== time per stage: ${times[*]}; slowest: $slowest (${slowest_s}s)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
