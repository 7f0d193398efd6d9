#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of the VM tests, started by /init. Asks the host for scenarios
# one at a time and runs each from a clean state, then checks the kernel log.
# The console (ttyS0) gets everything; the result port (ttyS1, a pair of
# pipes on the host, tests/vm/run.sh) carries, from the guest:
#   NFO-START <uptime>          guest userland is up
#   NFO-NEXT                    ready for a scenario
#   NFO-RESULT PASS|FAIL <name> <s>  one per scenario (with its seconds), then
#                               kernel-log-clean
#   NFO-DONE                    the last line; missing if anything broke
# and from the host, one answer to each NFO-NEXT:
#   NFO-RUN <name>              run tests/scenarios/<name>.sh
#   NFO-END                     nothing left: check the kernel log, power off
# The host hands out the scenarios of a lane to every guest that boots its
# kernel (tests/vm/queue.bash), so several guests can share a lane.
# nfo.timeout=SECONDS overrides the per-scenario limit (NFO_SCENARIO_TIMEOUT).
set -euo pipefail

export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
export NFO_LIB=/nfo/lib.sh

# Value of nfo.$1= on the kernel command line (empty if absent).
param() {
	local arg args

	read -r -a args </proc/cmdline
	for arg in "${args[@]}"; do
		case "$arg" in
		"nfo.$1="*) echo "${arg#*=}"; return 0 ;;
		esac
	done
}

# The result port (ttyS1, or the device nfo.port names) stays open on fd 7
# from start to end: input the host sends while nothing holds the port open
# would be lost.
port=$(param port)
exec 7<>"/dev/${port:-ttyS1}"

# One line to the host.
report() {
	echo "$*" >&7
}

# The host's answer to NFO-NEXT: the next scenario's name, or nothing (and
# return 1) when the host has no more. A host that does not answer within
# ten minutes is gone: stop as if it had said NFO-END.
next_scenario() {
	local line

	report NFO-NEXT
	while IFS= read -r -t 600 -u 7 line; do
		line=${line%$'\r'}
		case "$line" in
		"NFO-RUN "*) echo "${line#NFO-RUN }"; return 0 ;;
		NFO-END) return 1 ;;
		esac
	done
	echo "nfo: no answer from the host to NFO-NEXT" >&2
	return 1
}

# (Builtins only here and below: on the debug kernel under TCG every program
# started costs a tenth of a second or more, twice per scenario.)
modloaded() {
	local name rest

	while read -r name rest; do
		[ "$name" != "$1" ] || return 0
	done </proc/modules
	return 1
}

# SIGKILL every user process but init, us and the pids given: leftovers of a
# scenario (servers it forgot) must not reach the next one. Kernel threads
# have no /proc/PID/exe.
kill_strays() {
	local dir pid keep

	for dir in /proc/[0-9]*; do
		pid=${dir#/proc/}
		if [ "$pid" = 1 ] || [ "$pid" = $$ ]; then
			continue
		fi
		for keep in "$@"; do
			[ "$pid" != "$keep" ] || continue 2
		done
		[ -e "$dir/exe" ] || continue
		kill -9 "$pid" 2>/dev/null || true
	done
}

# Unload module $1 once nothing holds it. Namespaces die asynchronously and
# may hold it for a moment, so try for up to 2 s; report, never fail.
unload_idle() {
	local i refcnt

	modloaded "$1" || return 0
	for i in {1..20}; do
		refcnt=
		read -r refcnt <"/sys/module/$1/refcnt" 2>/dev/null || true
		if [ "$refcnt" = 0 ] && rmmod "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "note: $1 still loaded (refcnt $refcnt)"
}

# Back to a clean guest: no stray processes, no namespaces, no rules, our
# module (and the tests' flow counter and simulated NIC) unloaded; in
# coexist runs the in-kernel flowtable too (users first).
clean_state() {
	local m

	kill_strays "$@"
	ip -all netns delete 2>/dev/null || true
	# Only if loaded: nft would autoload nf_tables otherwise.
	if modloaded nf_tables; then
		nft flush ruleset 2>/dev/null || true
	fi
	unload_idle nfo_flow_count
	unload_idle nft_offload
	unload_idle nfo_simnic
	for m in nft_flow_offload nf_flow_table_inet nf_flow_table; do
		unload_idle "$m"
	done
}

dmesg_lines() {
	dmesg | wc -l
}

# "line name" for each scenario run: the first kernel log line it could
# have caused.
started=()

# Which scenario kernel log line $1 came in.
scenario_at() {
	local entry at=boot

	for entry in ${started[@]+"${started[@]}"}; do
		[ "${entry%% *}" -le "$1" ] || break
		at="during ${entry#* }"
	done
	echo "$at"
}

run_scenario() {
	local name=$1 file=/nfo/scenarios/$1.sh log=/tmp/$1.log
	local before rc tee_pid start secs

	echo "=== SCENARIO $name ==="
	if [ ! -f "$file" ]; then
		echo "FAIL: no scenario $file"
		report "NFO-RESULT FAIL $name"
		return 0
	fi
	clean_state
	before=$(dmesg_lines)
	started+=("$((before + 1)) $name")
	start=$(date +%s)
	# Output to the console and the log. tee runs beside us, not in a
	# pipeline we wait on, so a background job the scenario left holding
	# the pipe cannot hold us up: clean_state kills it, then tee ends.
	# Neither gets the result port (fd 7).
	exec 3> >(tee "$log" 7>&-)
	tee_pid=$!
	if timeout -k 10 "$NFO_SCENARIO_TIMEOUT" bash "$file" </dev/null >&3 2>&1 7>&-; then
		rc=0
	else
		rc=$?
	fi
	exec 3>&-
	clean_state "$tee_pid"
	wait "$tee_pid" 2>/dev/null || true

	secs=$(( $(date +%s) - start ))
	if [ "$rc" = 0 ]; then
		echo "--- PASS $name (${secs}s)"
		report "NFO-RESULT PASS $name $secs"
		return 0
	fi
	if [ "$secs" -ge "$NFO_SCENARIO_TIMEOUT" ]; then
		echo "--- timed out after ${NFO_SCENARIO_TIMEOUT}s"
	fi
	echo "--- kernel log during $name:"
	dmesg | tail -n +"$((before + 1))"
	echo "--- FAIL $name (exit $rc, ${secs}s)"
	report "NFO-RESULT FAIL $name $secs"
}

kmemleak=/sys/kernel/debug/kmemleak

# Ask kmemleak for a scan (it returns when the scan is done).
kmemleak_scan() {
	echo scan 2>/dev/null >"$kmemleak"
}

# The whole kernel log must be free of splats, and kmemleak (when the kernel
# has it) must find nothing. kmemleak's own "N new suspected memory leaks"
# lines are left to its report: that is what decides, and it drops objects
# found referenced again (kmemleak's false positives).
check_kernel_log() {
	local bad='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kmemleak|lockdep|possible recursive locking|suspicious RCU usage|unreferenced object|blocked for more than|detected stall|unregister_netdevice: waiting'
	local benign='kmemleak: (Kernel memory leak detector (initialized|disabled)|Automatic memory scanning thread (started|ended)|[0-9]+ new suspected memory leaks)|rcu:[[:space:]]+RCU lockdep checking is enabled|Kernel command line:|\] Command line:'
	local ok=1 hits leaks n first start=$(date +%s) secs

	echo "=== SCENARIO kernel-log-clean ==="
	hits=$(dmesg | grep -nE "$bad" | grep -vE "$benign" || true)
	if [ -n "$hits" ]; then
		echo "FAIL: kernel log:"
		cut -d: -f2- <<<"$hits"
		# The first report whole (lockdep's, say, which does not
		# panic), with the scenario it came in.
		first=${hits%%:*}
		echo "--- the first report in full ($(scenario_at "$first")):"
		dmesg | tail -n +"$(( first > 3 ? first - 3 : 1 ))" | head -n 150
		ok=0
	fi
	# An object counts as leaked once it is 5 s old and no scan finds a
	# pointer to it: scan, wait for what the last scenario freed to settle
	# and its last objects to age, scan again. The report lists what the
	# last scan still found unreferenced.
	if [ -e "$kmemleak" ]; then
		if kmemleak_scan && sleep 6 && kmemleak_scan; then
			leaks=$(cat "$kmemleak")
			if [ -n "$leaks" ]; then
				n=$(grep -c '^unreferenced object' <<<"$leaks" || true)
				echo "FAIL: kmemleak: $n unreferenced objects:"
				head -n 400 <<<"$leaks"
				ok=0
			else
				echo "nfo: kmemleak: two scans after the scenarios, no unreferenced object"
			fi
		else
			echo "FAIL: kmemleak cannot scan (disabled: see the kernel log)"
			dmesg | grep -E 'kmemleak' | tail -n 20
			ok=0
		fi
	fi
	secs=$(( $(date +%s) - start ))
	if [ "$ok" = 1 ]; then
		echo "--- PASS kernel-log-clean (${secs}s)"
		report "NFO-RESULT PASS kernel-log-clean $secs"
	else
		echo "--- FAIL kernel-log-clean (${secs}s)"
		report "NFO-RESULT FAIL kernel-log-clean $secs"
	fi
}

# Raw both ways on the result port: no \r added to each \n, no echo of
# what the host sends, no line editing.
stty raw -echo clocal <&7 2>/dev/null || true
report "NFO-START $(cut -d' ' -f1 /proc/uptime)"
echo "nfo: kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime)s"
echo "nfo: cmdline $(cat /proc/cmdline)"

timeout_param=$(param timeout)
export NFO_SCENARIO_TIMEOUT=${timeout_param:-${NFO_SCENARIO_TIMEOUT:-300}}
# Leaks from boot are not ours: start kmemleak from a clean slate. "clear"
# forgets only what a scan has reported, so scan first. (A failing scan is
# reported by the check at the end.)
if [ -e "$kmemleak" ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	if kmemleak_scan; then
		echo clear >"$kmemleak"
		echo "nfo: kmemleak: boot-time reports cleared (the scan took $(awk -v t="$t0" '{ printf "%.1f", $1 - t }' /proc/uptime) s)"
	fi
fi

while name=$(next_scenario); do
	run_scenario "${name##*/}"
done
check_kernel_log

report NFO-DONE
echo "nfo: done, up $(cut -d' ' -f1 /proc/uptime)s"
# The last close of the port waits until the UART has sent everything.
exec 7>&-
sync
reboot -f
