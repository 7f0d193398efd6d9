#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the scenarios in a QEMU guest on a stock Debian kernel or the debug one.
#   tests/vm/run.sh [--kernel 6.1|6.12|KVER|debug] [--scenario NAME]... [--coexist]
#                   [--inkernel-flowtable] [--icount] [--mem MB] [--keep] [--show] [-v|--verbose]
# --kernel    a Debian 12 kernel line (newest ABI in apt) or a release (default 6.1);
#             debug: Debian's 6.1 source built without CONFIG_NF_FLOW_TABLE and
#             with KASAN, lockdep, kmemleak, debug objects and UBSAN
#             (tests/vm/build-debug-kernel.sh; built once, then cached)
# --scenario  run only these (repeatable; default: all but coexist-*)
# --coexist   guest also carries the in-kernel flowtable; runs coexist-* scenarios
# --inkernel-flowtable  guest carries the in-kernel flowtable and no nft_offload
#             (benchmarks against the in-kernel flowtable)
# --icount    one vCPU under -icount shift=0: one guest ns is one guest
#             instruction (benchmarks count instructions this way)
# --mem MB    guest memory (default 1024; debug 2048)
# --keep      keep the run's initramfs next to its logs
# -v          show the guest console live (it is always saved)
# --show      print each scenario's console section, passed or not, without
#             kernel log lines (for the demo and benchmarks)
# Environment: NFO_VM_TIMEOUT (QEMU limit, default 1500 s; debug 4800 s),
# NFO_SCENARIO_TIMEOUT (per scenario, default 300 s; debug 600 s: scenarios
# take 2-2.5 times as long on it under TCG), NFO_APPEND (extra kernel parameters),
# NFO_BUILD_MODULE (builder called as CMD KVER printing the .ko path; default
# scripts/build-module.sh), NFO_CACHE (kernel and initramfs cache).
#
# Prints "PASS: <kver> <name>" / "FAIL: <kver> <name>" per scenario as the
# guest reports it, the time of each phase, then one closing line
# "N passed, N failed"; exits 1 if anything failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0" >&2
	exit 2
}

kernel=6.1
scenarios=()
coexist=0
inkernel=0
icount=0
mem_opt=
keep=0
show=0
verbose=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || usage; kernel=$2; shift ;;
	--scenario) [ $# -ge 2 ] || usage; scenarios+=("$2"); shift ;;
	--coexist) coexist=1 ;;
	--inkernel-flowtable) inkernel=1 ;;
	--icount) icount=1 ;;
	--mem) [ $# -ge 2 ] || usage; mem_opt=$2; shift ;;
	--keep) keep=1 ;;
	--show) show=1 ;;
	-v|--verbose) verbose=1 ;;
	*) usage ;;
	esac
	shift
done

if [ ${#scenarios[@]} -gt 0 ]; then
	selection=$(IFS=,; echo "${scenarios[*]}")
elif [ "$coexist" = 1 ]; then
	selection=coexist
else
	selection=all
fi

if [ "$kernel" = debug ] && [ "$coexist$inkernel" != 00 ]; then
	echo "run.sh: --coexist and --inkernel-flowtable need the in-kernel flowtable, which the debug kernel lacks" >&2
	exit 2
fi

kver=$kernel
logdir=
passed=0
failed=0
failures=()
timings=()

pass() {
	echo "PASS: $kver $1"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL: $kver $1"
	failed=$((failed + 1))
	failures+=("$1")
}

now() {
	date +%s.%N
}

# Seconds since $1, one decimal.
since() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

finish() {
	local t

	if [ ${#timings[@]} -gt 0 ]; then
		printf -v t '%s, ' "${timings[@]}"
		echo "time: $kver ${t%, }"
	fi
	[ -z "$logdir" ] || echo "logs: $logdir"
	echo "$passed passed, $failed failed"
	if [ "$failed" = 0 ]; then
		exit 0
	fi
	exit 1
}

# Run one setup phase; on failure the run ends with that phase as the failure.
# The phase's stdout is left in $phase_out.
phase() {
	local name=$1 t

	shift
	t=$(now)
	if ! phase_out=$("$@"); then
		fail "$name"
		finish
	fi
	timings+=("$name $(since "$t")s")
}

# Guest memory, QEMU's limit, the per-scenario limit and how much of the
# console to show when the guest never finished. The debug kernel's KASAN
# shadow and kmemleak's metadata need the memory; its splats the lines.
mem=1024
vm_timeout=${NFO_VM_TIMEOUT:-1500}
scenario_timeout=${NFO_SCENARIO_TIMEOUT:-}
tail_lines=60
build_env=()
phase deps "$top/scripts/deps.sh"
case "$kernel" in
6.1|6.12)
	phase release "$top/scripts/kernels.sh" "$kernel"
	kver=$phase_out
	;;
debug)
	phase kernel-build "$here/build-debug-kernel.sh"
	kver=$(sed -n 's/^release=//p' <<<"$phase_out")
	kroot=$(sed -n 's/^root=//p' <<<"$phase_out")
	build_env=(env KDIR="$(sed -n 's/^kdir=//p' <<<"$phase_out")")
	if [ -z "$kver" ] || [ ! -f "$kroot/boot/vmlinuz-$kver" ]; then
		echo "run.sh: build-debug-kernel.sh gave no kernel:"
		echo "$phase_out"
		fail kernel-build
		finish
	fi
	mem=2048
	vm_timeout=${NFO_VM_TIMEOUT:-4800}
	scenario_timeout=${NFO_SCENARIO_TIMEOUT:-600}
	tail_lines=200
	;;
esac
[ -z "$mem_opt" ] || mem=$mem_opt

logdir=$top/build/logs/$kver-$(date +%Y%m%d-%H%M%S)
[ ! -e "$logdir" ] || logdir=$logdir-$$
mkdir -p "$logdir"
console=$logdir/console.log
result=$logdir/result.txt
initrd=$logdir/initrd.cpio.gz

if [ "$kernel" != debug ]; then
	phase kernel-fetch "$here/fetch-kernel.sh" "$kver"
	kroot=$phase_out
fi
# The debug kernel's modules build against its build tree (KDIR).
phase module-build ${build_env[@]+"${build_env[@]}"} \
	"${NFO_BUILD_MODULE:-$top/scripts/build-module.sh}" "$kver"
module=$(tail -n 1 <<<"$phase_out")
phase tool-build "$top/scripts/build-tool.sh"
tool=$(tail -n 1 <<<"$phase_out")
flowtable=()
[ "$coexist" = 0 ] || flowtable=(--with-inkernel-flowtable)
[ "$inkernel" = 0 ] || flowtable=(--with-inkernel-flowtable --without-nft-offload)
phase initramfs env NFO_MODULE="$module" NFO_TOOL="$tool" NFO_KERNEL_ROOT="$kroot" \
	"$here/mkinitramfs.sh" "$kver" "$initrd" "${flowtable[@]}"

# no_timer_check: under TCG on a loaded host the boot-time IO-APIC timer
# check can fail and panic the guest before it starts.
append="console=ttyS0 panic_on_warn=1 oops=panic panic=-1 log_buf_len=4M no_timer_check nfo.scenarios=$selection"
[ -z "$scenario_timeout" ] || append+=" nfo.timeout=$scenario_timeout"
[ "$kernel" != debug ] || append+=" nfo.lane=debug"
[ -z "${NFO_APPEND:-}" ] || append+=" $NFO_APPEND"

: >"$console"
: >"$result"
start=$(now)
# thread=single: both vCPUs run on one TCG thread.  With one host thread per
# vCPU, the guest kernel's live code patching (static keys flipped when
# netfilter hooks come and go) raced QEMU's translation and crashed guests
# at patch sites ("Oops: int3", soft lockups on a patched NOP).
cpus=(-smp 2)
[ "$icount" = 0 ] || cpus=(-smp 1 -icount shift=0)
timeout "$vm_timeout" qemu-system-x86_64 \
	-nodefaults -nographic -no-reboot -machine q35 -cpu max -accel tcg,thread=single "${cpus[@]}" -m "$mem" \
	-kernel "$kroot/boot/vmlinuz-$kver" -initrd "$initrd" -append "$append" \
	-serial "file:$console" -serial "file:$result" -monitor none \
	</dev/null >"$logdir/qemu.log" 2>&1 &
qemu=$!
trap 'kill "$qemu" 2>/dev/null || true' EXIT

# Follow the result port (and with -v the console) while the guest runs.
done=0
booted=
results_seen=0
console_seen=0
follow() {
	local line n=0 size

	if [ "$verbose" = 1 ]; then
		size=$(stat -c %s "$console")
		if [ "$size" -gt "$console_seen" ]; then
			# (head stops early when the file grew meanwhile: tail's SIGPIPE is fine)
			{ tail -c +"$((console_seen + 1))" "$console" | head -c "$((size - console_seen))" |
				tr -d '\r'; } || true
			console_seen=$size
		fi
	fi
	# Whole lines only: read skips a last line still without its newline.
	while IFS= read -r line; do
		n=$((n + 1))
		[ "$n" -gt "$results_seen" ] || continue
		results_seen=$n
		case "$line" in
		NFO-START*) booted=$(since "$start") ;;
		"NFO-RESULT PASS "*) pass "${line#NFO-RESULT PASS }" ;;
		"NFO-RESULT FAIL "*) fail "${line#NFO-RESULT FAIL }" ;;
		NFO-DONE) done=1 ;;
		esac
	done < <(tr -d '\r' <"$result")
}
while kill -0 "$qemu" 2>/dev/null; do
	follow
	sleep 0.2
done
qemu_rc=0
wait "$qemu" || qemu_rc=$?
trap - EXIT
follow
timings+=("boot ${booted:-?}s" "boot+run $(since "$start")s")

# The console between a scenario's header and the next header.
section() {
	tr -d '\r' <"$console" | awk -v h="=== SCENARIO $1 ===" '
		$0 == h { on = 1; print; next }
		/^=== SCENARIO / { on = 0 }
		on { print }'
}

if [ "$show" = 1 ]; then
	for name in $(tr -d '\r' <"$console" | sed -n 's/^=== SCENARIO \(.*\) ===$/\1/p'); do
		section "$name" | grep -v '^\[ *[0-9]*\.[0-9]*\] ' |
			sed '/^--- kernel log during/,$d'
	done
fi
for name in ${failures[@]+"${failures[@]}"}; do
	echo "----- console of $name ($console) -----"
	section "$name" | tail -n 400
	echo "----- end of $name -----"
done
if [ "$done" = 0 ]; then
	fail "vm-$kver-incomplete"
	if [ "$qemu_rc" = 124 ]; then
		echo "QEMU stopped after ${vm_timeout}s"
	elif [ -s "$logdir/qemu.log" ]; then
		echo "----- qemu (exit $qemu_rc) -----"
		cat "$logdir/qemu.log"
	fi
	last=$(tr -d '\r' <"$console" | sed -n 's/^=== SCENARIO \(.*\) ===$/\1/p' | tail -n 1)
	[ -z "$last" ] || echo "last scenario started: $last"
	# A guest that died of a splat (panic_on_warn): its first report whole,
	# which the panic's own trace would push out of a tail.
	splat=$(tr -d '\r' <"$console" |
		grep -nE '\] (BUG|WARNING|INFO):|\] (Oops|general protection|Kernel panic|UBSAN:)' |
		head -n 1 | cut -d: -f1)
	if [ -n "$splat" ]; then
		echo "----- console from the first report ($console) -----"
		tr -d '\r' <"$console" | tail -n +"$(( splat > 3 ? splat - 3 : 1 ))" | head -n 250
	else
		echo "----- console tail ($console) -----"
		tr -d '\r' <"$console" | tail -n "$tail_lines"
	fi
	echo "----- end of console -----"
fi
[ "$keep" = 1 ] || rm -f "$initrd"
finish
