#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite, from a fresh machine: installs what it needs, then
#   unit    userspace unit tests of src/logic and tool/logic (ASan/UBSan)
#   fuzz    a bounded libFuzzer pass over every fuzz target
#   cross   the unit tests and a replay of every fuzz corpus (with what the
#           fuzz stage found) built for MIPS (big-endian, 32-bit) and
#           armhf (32-bit) and run under qemu-user (tests/unit/run-cross.sh)
#   static  checkpatch, and W=1 + sparse builds for Debian 6.1 and 6.12
#           (and their PREEMPT_RT flavours), armhf and i386 6.1
#   package the packaging (tests/packaging): one version, make install and
#           uninstall, DKMS for both kernels and its skips, the Debian
#           packages and lintian, their install/upgrade/remove/purge in a
#           clean Debian 12 root, the OpenWrt package
#   vm      every scenario in QEMU on Debian 6.1 and 6.12, the core set
#           on Debian's arm64, armhf (32-bit) and s390x (big-endian) 6.1
#           kernels, the coexistence scenarios with the in-kernel
#           flowtable present, and
#           every scenario on the debug kernel (6.1 without the in-kernel
#           flowtable, with KASAN, lockdep, kmemleak; built once, cached),
#           as many guests at once as there are cores (run-vm-tests.sh)
# The vm stage is by far the longest, and the debug kernel's build (where
# it is not cached) its longest step: it starts first, in the background,
# and the other stages run beside it; its output follows theirs.
# Each stage's results are summed into one closing "N passed, N failed",
# just after the budget: the time of every stage, and the vm stage's lanes
# with their five slowest scenarios.  Exits 1 on any failure.  Arguments
# choose stages: scripts/run-tests.sh unit static
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(unit fuzz cross static package vm)
t_start=$(date +%s)

"$top/scripts/deps.sh"
export NFO_DEPS_DONE=1

passed=0
failed=0
times=()
budget=()

# The stages beside the vm stage yield to its guests (nice): a guest that
# shares its core runs longer and costs more, its timers and polls going on.
# Not the fuzz stage: its targets run for a time, not a count, and would
# run fewer inputs.
stage_cmd() {
	case "$1" in
	unit) nice -n 10 make -s -C "$top/tests/unit" test ;;
	fuzz) make -s -C "$top/tests/unit" fuzz-smoke ;;
	cross) nice -n 10 make -s -C "$top/tests/unit" cross ;;
	static) nice -n 10 "$top/scripts/check-static.sh" ;;
	package) nice -n 10 "$top/tests/packaging/run.sh" ;;
	vm) "$top/scripts/run-vm-tests.sh" ;;
	*) echo "run-tests.sh: unknown stage $1" >&2; return 2 ;;
	esac
}

# The vm stage in the background, in a process group of its own (set -m) so
# that an interrupted run stops all of it; its output waits in a file.
vm_pid=
vm_log=$top/build/vm-stage.log
# Made when the other stages are done: the vm stage then lets a guest run
# at a low priority beside the debug lane's (scripts/run-vm-tests.sh).
export NFO_VM_STAGES_DONE=$top/build/stages-done
rm -f "$NFO_VM_STAGES_DONE"
if [[ " ${stages[*]} " == *" vm "* ]]; then
	mkdir -p "$top/build"
	set -m
	{ stage_cmd vm || echo "STAGE-FAILED vm"; echo "STAGE-SECONDS $(( $(date +%s) - t_start ))"; } \
		>"$vm_log" 2>&1 &
	vm_pid=$!
	set +m
	trap 'kill -- "-$vm_pid" 2>/dev/null || true' EXIT
fi

# relay STAGE: pass a stage's output through, folding its closing count
# into ours and keeping its budget lines for the end.
relay() {
	local stage=$1 line counts= stage_failed=0 failed0=$failed

	secs=
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
		elif [[ $line =~ ^STAGE-SECONDS\ ([0-9]+)$ ]]; then
			secs=${BASH_REMATCH[1]}
		elif [[ $line == budget:* ]]; then
			budget+=("$line")
			printf '%s\n' "$line"
		elif [[ $line =~ ^fuzz:\ all\ ([0-9]+)\ targets\ passed ]]; then
			counts=1
			passed=$((passed + 1))
			printf '%s\n' "$line"
		else
			printf '%s\n' "$line"
		fi
	done
	if [ -z "$counts" ]; then
		echo "FAIL: stage $stage ended without a result"
		failed=$((failed + 1))
	elif [ "$stage_failed" = 1 ] && [ "$failed" = "$failed0" ]; then
		echo "FAIL: stage $stage exited non-zero"
		failed=$((failed + 1))
	fi
}

for stage in "${stages[@]}"; do
	[ "$stage" != vm ] || continue
	echo "=== stage $stage"
	t0=$(date +%s)
	relay "$stage" < <(stage_cmd "$stage" 2>&1 || echo "STAGE-FAILED $stage")
	times+=("$stage $(( $(date +%s) - t0 ))s")
done
touch "$NFO_VM_STAGES_DONE"

if [ -n "$vm_pid" ]; then
	echo "=== stage vm (started with the suite; waiting for it)"
	wait "$vm_pid" || true
	trap - EXIT
	relay vm <"$vm_log"
	times+=("vm ${secs:-?}s from the start")
fi

echo "=== time per stage: ${times[*]}; the suite: $(( $(date +%s) - t_start ))s"
[ ${#budget[@]} -eq 0 ] || printf '%s\n' "${budget[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
