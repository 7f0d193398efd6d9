#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the scenarios in a QEMU guest on a stock Debian kernel or the debug one.
#   tests/vm/run.sh [--kernel 6.1|6.12|KVER|debug|arm64|s390x] [--scenario NAME]... [--coexist]
#                   [--queue DIR] [--inkernel-flowtable] [--icount] [--mem MB]
#                   [--keep] [--show] [-v|--verbose]
# --kernel    a Debian 12 kernel line (newest ABI in apt) or a release (default 6.1);
#             debug: Debian's 6.1 source built without CONFIG_NF_FLOW_TABLE and
#             with KASAN, lockdep, kmemleak, debug objects and UBSAN
#             (tests/vm/build-debug-kernel.sh; built once, then cached);
#             arm64, armhf, s390x: Debian's 6.1 kernel of that architecture
#             (scripts/foreign-kernel.sh) with a userland of that
#             architecture (tests/vm/foreign-userland.sh), under
#             qemu-system-aarch64, -arm or -s390x; armhf is 32-bit,
#             s390x big-endian
# --scenario  run only these (repeatable); default: the lane's scenarios
#             (tests/vm/queue.bash, lane_scenarios)
# --coexist   guest also carries the in-kernel flowtable; runs coexist-* scenarios.
#             Its nft_offload is the one DKMS builds and installs, as the
#             nft-offload-dkms package has it (scripts/build-module-dkms.sh):
#             in updates/dkms, its build facts in the guest's /nfo/module.info
# --queue DIR take scenarios from a queue that other guests of the same lane
#             share (queue_make in tests/vm/queue.bash; scripts/run-vm-tests.sh)
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
# scripts/build-module.sh), NFO_CACHE (kernel and initramfs cache),
# NFO_TIMES (a file to append "LANE NAME SECONDS CPU-SECONDS" to, a line per
# scenario and one "LANE _boot" for the boot).
#
# Prints "PASS: <kver> <name>" / "FAIL: <kver> <name>" per scenario as the
# guest reports it, the time of each phase, QEMU's CPU time, the five slowest
# scenarios, then one closing line "N passed, N failed"; exits 1 if anything
# failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/vm/queue.bash
. "$here/queue.bash"

usage() {
	awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0" >&2
	exit 2
}

kernel=6.1
scenarios=()
coexist=0
queue=
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
	--queue) [ $# -ge 2 ] || usage; queue=$2; shift ;;
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

if [ -n "$queue" ] && [ ${#scenarios[@]} -gt 0 ]; then
	echo "run.sh: --queue and --scenario do not go together" >&2
	exit 2
fi
if [ -n "$queue" ] && [ ! -f "$queue/list" ]; then
	echo "run.sh: $queue is no queue (queue_make)" >&2
	exit 2
fi
# The lane's name for the scenario history: its kernel, and whether the
# in-kernel flowtable rides along.
lane=$kernel
[ "$coexist" = 0 ] || lane+=-coexist
[ "$inkernel" = 0 ] || lane+=-inkernel
history=${NFO_CACHE:-$HOME/.cache/nft-offload}/scenario-times/$lane
if [ -z "$queue" ] && [ ${#scenarios[@]} -eq 0 ]; then
	mapfile -t scenarios < <(lane_scenarios "$top/tests/scenarios" "$lane")
fi

if [ "$kernel" = debug ] && [ "$coexist$inkernel" != 00 ]; then
	echo "run.sh: --coexist and --inkernel-flowtable need the in-kernel flowtable, which the debug kernel lacks" >&2
	exit 2
fi
# A guest of another architecture: its Debian architecture, and its
# kernel's flavour.
foreign=
case "$kernel" in
arm64|armhf|s390x)
	foreign=$kernel
	if [ "$coexist$inkernel$icount" != 000 ]; then
		echo "run.sh: --coexist, --inkernel-flowtable and --icount are for amd64 guests" >&2
		exit 2
	fi
	;;
esac

kver=$kernel
logdir=
passed=0
failed=0
failures=()
timings=()
# "name guest-seconds qemu-cpu-seconds" per scenario, as the results come.
scenario_times=()

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
	if [ ${#scenario_times[@]} -gt 0 ]; then
		echo "slowest: $kver $(printf '%s\n' "${scenario_times[@]}" | sort -k2,2nr -k1,1 |
			awk 'NR <= 5 { printf "%s%s %ss (cpu %ss)", (NR > 1 ? ", " : ""), $1, $2, $3 }')"
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
foreign_env=()
ppp_kos=()
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
	# (Without the build under OpenWrt's name: scenario 17 is for the
	# stock lanes.)
	build_env=(env KDIR="$(sed -n 's/^kdir=//p' <<<"$phase_out")" NFO_OPENWRT_BUILD=0)
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
arm64|armhf|s390x)
	flavour=$foreign
	[ "$foreign" != armhf ] || flavour=armmp
	phase kernel-fetch "$top/scripts/foreign-kernel.sh" --image "$foreign" "$flavour"
	kver=$(sed -n 's/^release=//p' <<<"$phase_out")
	kroot=$(sed -n 's/^root=//p' <<<"$phase_out")
	kdir=$(sed -n 's/^kdir=//p' <<<"$phase_out")
	cross=$(sed -n 's/^make=CROSS_COMPILE=//p' <<<"$phase_out")
	build_env=(env KDIR="$kdir" NFO_MAKE="CROSS_COMPILE=$cross" NFO_OPENWRT_BUILD=0)
	kversion=$(sed -n 's/^version=//p' <<<"$phase_out")
	phase userland "$here/foreign-userland.sh" "$foreign"
	sysroot=$phase_out
	# A kernel without PPP (s390x) gets the kernel's own PPP drivers,
	# built from its source, for the PPPoE scenarios.
	if ! grep -q '/ppp_generic\.ko' "$kroot/lib/modules/$kver/modules.dep" \
		"$kroot/lib/modules/$kver/modules.builtin"; then
		phase ppp-build "${build_env[@]}" "$here/build-ppp-modules.sh" "$kversion" \
			"$top/build/$kver/ppp"
		mapfile -t ppp_kos <<<"$phase_out"
	fi
	foreign_env=(NFO_SYSROOT="$sysroot" NFO_CROSS="$cross")
	# The result port's driver (nfo.load below).
	export NFO_EXTRA_MODULES="${NFO_EXTRA_MODULES:-} virtio_mmio virtio_console"
	;;
esac
[ -z "$mem_opt" ] || mem=$mem_opt

# Guests of one lane start in the same second: mkdir (not -p) claims the
# name, so that no two share a directory (and its fifos).
logdir=$top/build/logs/$kver-$(date +%Y%m%d-%H%M%S)
mkdir -p "$top/build/logs"
mkdir "$logdir" 2>/dev/null || { logdir=$logdir-$$; mkdir "$logdir"; }
console=$logdir/console.log
result=$logdir/result.txt
port=$logdir/port
initrd=$logdir/initrd.cpio.gz
if [ -z "$queue" ]; then
	if [ ${#scenarios[@]} -eq 0 ]; then
		echo "run.sh: no scenario to run" >&2
		fail selection
		finish
	fi
	queue=$logdir/queue
	queue_make "$queue" "$history" "${scenarios[@]}"
fi

if [ "$kernel" != debug ] && [ -z "$foreign" ]; then
	phase kernel-fetch "$here/fetch-kernel.sh" "$kver"
	kroot=$phase_out
fi
# The debug kernel's modules build against its build tree (KDIR).
builder=$top/scripts/build-module.sh
[ "$coexist" = 0 ] || builder=$top/scripts/build-module-dkms.sh
phase module-build ${build_env[@]+"${build_env[@]}"} "${NFO_BUILD_MODULE:-$builder}" "$kver"
module=$(tail -n 1 <<<"$phase_out")
module_env=(NFO_MODULE="$module")
if [ "$coexist" = 1 ] && [ -z "${NFO_BUILD_MODULE:-}" ]; then
	module_env+=(NFO_MODULE_DEST="updates/dkms/$(basename "$module")"
		     NFO_MODULE_INFO="$top/build/dkms/$kver/module.info")
fi
phase tool-build env ${foreign_env[@]+"${foreign_env[@]}"} "$top/scripts/build-tool.sh"
tool=$(tail -n 1 <<<"$phase_out")
flowtable=()
[ "$coexist" = 0 ] || flowtable=(--with-inkernel-flowtable)
[ "$inkernel" = 0 ] || flowtable=(--with-inkernel-flowtable --without-nft-offload)
# The tests' own modules (tests/kmod), built beside ours.
test_kos=("$top/build/$kver"/kmod/*.ko ${ppp_kos[@]+"${ppp_kos[@]}"})
[ -z "$foreign" ] || module_env+=("${foreign_env[@]}" NFO_KDIR="$kdir")
phase initramfs env "${module_env[@]}" NFO_TOOL="$tool" NFO_KERNEL_ROOT="$kroot" \
	NFO_EXTRA_KO="${NFO_EXTRA_KO:-} ${test_kos[*]}" \
	"$here/mkinitramfs.sh" "$kver" "$initrd" "${flowtable[@]}"

# no_timer_check: under TCG on a loaded host the boot-time IO-APIC timer
# check can fail and panic the guest before it starts. tsc=reliable: TCG's
# TSC is one clock for every vCPU, but the kernel's synchronisation check
# finds it "unsynchronized" and falls back to the HPET, whose every read is
# an emulated MMIO access; the TSC makes the debug lane's scenarios 10 %
# cheaper.
append="panic_on_warn=1 oops=panic panic=-1 log_buf_len=4M"
# The machine, and the console and result port (nfo.port, the guest's
# device for it; modules it needs first in nfo.load) on it: two serial
# ports on x86, the native console and a virtio console elsewhere.
case "$foreign" in
"")
	qemu_cmd=(qemu-system-x86_64 -machine q35 -cpu max
		  -serial "file:$console" -chardev "pipe,id=result,path=$port" -serial chardev:result)
	append="console=ttyS0 $append no_timer_check tsc=reliable"
	;;
arm64|armhf)
	# arm64 without pointer authentication (-cpu max has it): TCG
	# emulates its every signing and check.
	qemu_cmd=(qemu-system-aarch64 -cpu cortex-a57)
	[ "$foreign" = arm64 ] || qemu_cmd=(qemu-system-arm -cpu cortex-a15)
	qemu_cmd+=(-machine virt -serial "file:$console" -chardev "pipe,id=result,path=$port"
		   -device virtio-serial-device -device virtconsole,chardev=result)
	append="console=ttyAMA0 $append nfo.port=hvc0 nfo.load=virtio_mmio,virtio_console"
	;;
s390x)
	qemu_cmd=(qemu-system-s390x -machine s390-ccw-virtio -cpu max
		  -chardev "file,id=con,path=$console" -device sclpconsole,chardev=con
		  -chardev "pipe,id=result,path=$port"
		  -device virtio-serial-ccw -device virtconsole,chardev=result)
	append="console=ttysclp0 $append nfo.port=hvc0 nfo.load=virtio_console"
	;;
esac
[ -z "$scenario_timeout" ] || append+=" nfo.timeout=$scenario_timeout"
[ -z "${NFO_APPEND:-}" ] || append+=" $NFO_APPEND"

: >"$console"
: >"$result"
# The result port is QEMU's pipe chardev: it reads what the guest receives
# from $port.in and writes what the guest sends to $port.out. Both are opened
# read-write here, so neither side's open waits for the other.
mkfifo "$port.in" "$port.out"
exec {to_guest}<>"$port.in" {from_guest}<>"$port.out"
start=$(now)
# thread=single: both vCPUs run on one TCG thread.  With one host thread per
# vCPU, the guest kernel's live code patching (static keys flipped when
# netfilter hooks come and go) raced QEMU's translation and crashed guests
# at patch sites ("Oops: int3", soft lockups on a patched NOP).
cpus=(-smp 2)
[ "$icount" = 0 ] || cpus=(-smp 1 -icount shift=0)
# Debian's armmp kernel hangs before init with two CPUs on QEMU's 32-bit
# virt machine (after the console opens); one boots.
[ "$foreign" != armhf ] || cpus=(-smp 1)
timeout "$vm_timeout" "${qemu_cmd[@]}" \
	-nodefaults -nographic -no-reboot -accel tcg,thread=single "${cpus[@]}" -m "$mem" \
	-kernel "$kroot/boot/vmlinuz-$kver" -initrd "$initrd" -append "$append" \
	-monitor none \
	</dev/null >"$logdir/qemu.log" 2>&1 &
qemu=$!
trap 'kill "$qemu" 2>/dev/null || true' EXIT

# Follow the result port (and with -v the console) while the guest runs.
done=0
booted=
console_seen=0
qemu_pid=
cpu_seen=0
cpu_now=0
partial=

# CPU time QEMU has used so far (user + system), in tenths of a second,
# into cpu_now; QEMU is timeout's child. What a scenario cost the host is
# the difference between its result and the one before. Builtins only, but
# for finding QEMU once: it runs at every result.
clk_tck=$(getconf CLK_TCK)
qemu_cpu() {
	local stat f

	[ -n "$qemu_pid" ] || qemu_pid=$(pgrep -P "$qemu" | head -n 1) || true
	if [ -n "$qemu_pid" ] && read -r stat 2>/dev/null <"/proc/$qemu_pid/stat"; then
		read -r -a f <<<"${stat##*) }"
		cpu_now=$(((f[11] + f[12]) * 10 / clk_tck))
	else
		cpu_now=$cpu_seen
	fi
}

# Tenths of a second as seconds, one decimal.
tenths() {
	echo "$(($1 / 10)).$(($1 % 10))"
}

# A result line's "NAME SECONDS": record the scenario's guest time and the
# host CPU it took, and keep the time for the next queue's order.
record() {
	local name=${1%% *} secs=${1#* }

	[[ $secs =~ ^[0-9]+$ ]] || secs=0
	qemu_cpu
	scenario_times+=("$name $secs $(tenths $((cpu_now - cpu_seen)))")
	cpu_seen=$cpu_now
	[ -z "${NFO_TIMES:-}" ] || echo "$lane ${scenario_times[-1]}" >>"$NFO_TIMES"
	[ "$name" = kernel-log-clean ] || queue_remember "$history" "$name" "$secs"
}

# One line from the guest.
on_line() {
	local line=${1%$'\r'} name

	echo "$line" >>"$result"
	case "$line" in
	NFO-START*)
		booted=$(since "$start")
		qemu_cpu
		cpu_seen=$cpu_now
		[ -z "${NFO_TIMES:-}" ] ||
			echo "$lane _boot ${booted%.*} $(tenths "$cpu_seen")" >>"$NFO_TIMES" ;;
	NFO-NEXT)
		if name=$(queue_take "$queue"); then
			echo "NFO-RUN $name" >&"$to_guest"
		else
			echo NFO-END >&"$to_guest"
		fi
		;;
	"NFO-RESULT PASS "*)
		record "${line#NFO-RESULT PASS }"
		pass "${scenario_times[-1]%% *}" ;;
	"NFO-RESULT FAIL "*)
		record "${line#NFO-RESULT FAIL }"
		fail "${scenario_times[-1]%% *}" ;;
	NFO-DONE)
		done=1
		qemu_cpu
		cpu_seen=$cpu_now ;;
	esac
}

# Read what the guest sent within $1 seconds. A line cut by the time limit
# is kept and completed by the next call.
follow() {
	local part size

	if [ "$verbose" = 1 ]; then
		size=$(stat -c %s "$console")
		if [ "$size" -gt "$console_seen" ]; then
			# (head stops early when the file grew meanwhile: tail's SIGPIPE is fine)
			{ tail -c +"$((console_seen + 1))" "$console" | head -c "$((size - console_seen))" |
				tr -d '\r'; } || true
			console_seen=$size
		fi
	fi
	while IFS= read -r -t "$1" -u "$from_guest" part; do
		on_line "$partial$part"
		partial=
	done
	partial+=$part
}
while kill -0 "$qemu" 2>/dev/null; do
	follow 0.2
done
qemu_rc=0
wait "$qemu" || qemu_rc=$?
trap - EXIT
follow 0.1
[ -z "$partial" ] || on_line "$partial"
exec {to_guest}>&- {from_guest}>&-
rm -f "$port.in" "$port.out"
timings+=("boot ${booted:-?}s" "boot+run $(since "$start")s" "qemu cpu $(tenths "$cpu_seen")s up to the last result")

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
