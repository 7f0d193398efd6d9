# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for scenario scripts. A scenario is a bash script that starts with
#   #!/bin/bash
#   set -euo pipefail
#   . "$NFO_LIB"
# and exits 0 on success. In the VM, guest-run.sh sets NFO_LIB and cleans up
# between scenarios (namespaces, ruleset, stray processes, our module).
#
# Note: fail (and a failed expect_*) exits the shell it runs in; inside a
# subshell or a pipeline that is only the subshell.

set -euo pipefail

# Real tools, never busybox applets of the same name (busybox fills only gaps).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# Name the failing file, line and command when set -e ends the scenario
# (errtrace: also inside functions, such as topology_router's steps).
_on_err() {
	case "$3" in
	return*) echo "FAIL: $2 (exit $1)" ;;
	*) echo "FAIL: $2: $3 (exit $1)" ;;
	esac
}
set -E
trap '_on_err $? "${BASH_SOURCE[0]##*/}:$LINENO" "$BASH_COMMAND"' ERR

log() {
	echo "# $*"
}

fail() {
	echo "FAIL: $*"
	exit 1
}

pass() {
	echo "ok: $*"
}

# Print a command line, shell-quoted, as "+ cmd".
_show() {
	local q

	printf -v q '%q ' "$@"
	echo "+ ${q% }"
}

# Run a command, print its combined output indented; sets _out and _rc.
_run() {
	_show "$@"
	if _out=$("$@" 2>&1); then
		_rc=0
	else
		_rc=$?
	fi
	if [ -n "$_out" ]; then
		printf '%s\n' "$_out" | sed 's/^/  | /'
	fi
}

# expect_ok CMD...: CMD must succeed.
expect_ok() {
	_run "$@"
	[ "$_rc" = 0 ] || fail "expected success, got exit $_rc: $*"
}

# expect_fail CMD...: CMD must fail.
expect_fail() {
	_run "$@"
	[ "$_rc" != 0 ] || fail "expected failure, got success: $*"
}

# expect_err PATTERN CMD...: CMD must fail and its output match grep -E PATTERN.
expect_err() {
	local pattern=$1

	shift
	_run "$@"
	[ "$_rc" != 0 ] || fail "expected failure, got success: $*"
	grep -qE -- "$pattern" <<<"$_out" ||
		fail "output of '$*' does not match /$pattern/"
}

# CMD | matches [GREP-OPTIONS] PATTERN: like grep -q, but reads all of its
# input, so that under pipefail a writer never dies of SIGPIPE (and fails
# the pipeline) because grep stopped reading at the first match.
matches() {
	grep "$@" >/dev/null
}

# Milliseconds since boot, from /proc/uptime (always two decimals).
_uptime_ms() {
	local ms

	_uptime_ms_to ms
	echo "$ms"
}

# _uptime_ms_to VAR: the same into VAR, without a subshell.
_uptime_ms_to() {
	local up rest

	read -r up rest </proc/uptime
	up=${up/./}
	printf -v "$1" '%d' $((10#$up * 10))
}

# Starting a program is what scenarios spend most of their time on under
# TCG, on the debug kernel above all (a third of a second for ip, nft or
# bash there; see tests/tools/netns-exec.c): the helpers that poll start as
# few as they can.

# nap SECONDS: sleep (fractions allowed) without starting sleep(1): a read
# that times out on a FIFO that nobody writes to.
_nap_fd=
nap() {
	local fifo

	if [ -z "$_nap_fd" ]; then
		fifo=$(mktemp -u /tmp/nap.XXXXXX)
		mkfifo "$fifo"
		exec {_nap_fd}<>"$fifo"
		rm -f "$fifo"
	fi
	read -r -t "$1" -u "$_nap_fd" _ || true
}

# wait_for TIMEOUT_S CMD...: poll CMD until it succeeds; after TIMEOUT_S
# seconds (fractions allowed) print why and return 1 (set -e then ends the
# scenario). Between polls it naps 0.1 s, or as long as the last poll took
# when that was longer: on the debug kernel a poll that starts a program or
# two costs a few tenths of a second, and polling back to back would take
# most of the guest's CPU from what it waits for.
wait_for() {
	local timeout=$1 deadline now whole frac start pause

	shift
	whole=${timeout%.*}
	frac=000
	if [ "$whole" != "$timeout" ]; then
		frac=${timeout#*.}000
	fi
	_uptime_ms_to start
	deadline=$((start + 10#${whole:-0} * 1000 + 10#${frac:0:3}))
	until "$@" >/dev/null 2>&1; do
		_uptime_ms_to now
		if [ "$now" -ge "$deadline" ]; then
			echo "wait_for: gave up after ${timeout}s: $*"
			return 1
		fi
		pause=$((now - start))
		[ "$pause" -ge 100 ] || pause=100
		[ "$pause" -le 1000 ] || pause=1000
		printf -v pause '%d.%03d' $((pause / 1000)) $((pause % 1000))
		nap "$pause"
		_uptime_ms_to start
	done
}

# debug_kernel: true on the debug lane's kernel (tests/vm/build-debug-kernel.sh).
debug_kernel() {
	local release

	read -r release </proc/sys/kernel/osrelease
	[[ $release == *-nfo-debug ]]
}

# scaled N: N on Debian's kernels, a quarter of it on the debug kernel,
# where its checkers make traffic five times as slow. For amounts of
# traffic that only have to be long enough, or whose checks are ratios.
scaled() {
	if debug_kernel; then
		echo $(($1 / 4))
	else
		echo "$1"
	fi
}

# bulk MIB: the bytes of a bulk transfer of MIB MiB, scaled. For transfers
# that carry what a check compares in ratios (forward chain against fast
# path, device against port): a few MiB are thousands of packets, against
# the handful that take the normal path before offload.
bulk() {
	scaled $(($1 * 1024 * 1024))
}

# netns NAME: a fresh network namespace NAME with lo up.
netns() {
	if [ -e "/run/netns/$1" ]; then
		ip netns delete "$1"
	fi
	ip netns add "$1"
	ip -n "$1" link set lo up
}

# n NAME CMD...: run CMD in network namespace NAME: /proc/net and
# /proc/sys/net are NAME's, and the netlink tools (ip, nft, conntrack, tc)
# speak to NAME. /sys is left as it is, showing the devices of the
# namespace that mounted it: for NAME's /sys/class/net, use nsys. Started by
# netns-exec (tests/tools/netns-exec.c): a scenario starts thousands of
# these, and under TCG on the debug kernel `ip netns exec` costs 0.7 s of
# guest time for each, netns-exec --net-only little more than the command.
n() {
	local ns=$1

	shift
	netns-exec --net-only "$ns" "$@"
}

# nsys NAME CMD...: CMD in namespace NAME as `ip netns exec` runs it, in a
# mount namespace of its own with /sys mounted again from inside NAME.
nsys() {
	local ns=$1

	shift
	netns-exec "$ns" "$@"
}

# nft_counter NS FAMILY TABLE NAME packets|bytes: a named counter of NS.
nft_counter() {
	n "$1" nft list counter "$2" "$3" "$4" |
		awk -v f="$5" '{ for (i = 1; i < NF; i++) if ($i == f) print $(i + 1) }'
}

# count_flow_objects: from now on, count nft_offload's flow objects alive
# with the test module nfo_flow_count (tests/kmod), which counts from the
# moment nft_offload loads: a loaded nft_offload goes first, so that no
# flow escapes the count.  flow_objects prints the count; no_flow_objects
# holds when it is 0 and the count missed nothing.
count_flow_objects() {
	if ! modloaded nfo_flow_count && modloaded nft_offload; then
		wait_for 5 rmmod nft_offload ||
			fail "nft_offload stays loaded: its flows cannot be counted"
	fi
	modprobe nfo_flow_count || fail "no test module nfo_flow_count"
}

flow_objects() {
	cat /sys/module/nfo_flow_count/parameters/objects
}

no_flow_objects() {
	[ "$(flow_objects)" = 0 ] &&
		[ "$(cat /sys/module/nfo_flow_count/parameters/missed)" = 0 ]
}

# mac_of NS DEV: the Ethernet address of DEV in namespace NS.
mac_of() {
	nsys "$1" cat "/sys/class/net/$2/address"
}

# modloaded NAME: true if module NAME is loaded.
modloaded() {
	local name rest

	while read -r name rest; do
		[ "$name" != "${1//-/_}" ] || return 0
	done </proc/modules
	return 1
}

# topology_router [MTU_CL] [MTU_SRV]: three namespaces in a line,
#
#   cl                     r                       srv
#   cl-r  <--- veth --->  r-cl   r-srv  <--- veth ---> srv-r
#   10.0.1.2/24           10.0.1.1/24  10.0.2.1/24     10.0.2.2/24
#   fd00:1::2/64          fd00:1::1/64 fd00:2::1/64    fd00:2::2/64
#
# with default routes via r and forwarding on in r. The MTUs, if given, are
# set on both ends of the client link and the server link respectively.
# With NS_SUFFIX set (e.g. 2), the namespaces are cl2, r2 and srv2: a second,
# identical copy beside the first. With TOPOLOGY_LINK set, the links are of
# that kind instead of veth (one that takes veth's "peer" syntax: simnic,
# tests/scenarios/simnic.bash).
topology_router() {
	local mtu_cl=${1:-} mtu_srv=${2:-}
	local cl=cl${NS_SUFFIX:-} r=r${NS_SUFFIX:-} srv=srv${NS_SUFFIX:-}
	local kind=${TOPOLOGY_LINK:-veth} ns gone=

	# One ip for the namespaces (fresh ones: any left of the same name
	# go) and links, one per namespace after (-batch): each start of ip
	# costs more than what it does here.
	for ns in "$cl" "$r" "$srv"; do
		[ ! -e "/run/netns/$ns" ] || gone+="netns delete $ns"$'\n'
	done
	ip -batch - <<-EOF
	$gone
	netns add $cl
	netns add $r
	netns add $srv
	link add name cl-r netns $cl type $kind peer name r-cl netns $r
	link add name srv-r netns $srv type $kind peer name r-srv netns $r
	EOF
	end_host "$cl" cl-r 10.0.1.2/24 fd00:1::2/64 10.0.1.1 fd00:1::1 "$mtu_cl"
	ip -n "$r" -batch - <<-EOF
	link set lo up
	${mtu_cl:+link set r-cl mtu $mtu_cl}
	${mtu_srv:+link set r-srv mtu $mtu_srv}
	addr add 10.0.1.1/24 dev r-cl
	addr add fd00:1::1/64 dev r-cl nodad
	addr add 10.0.2.1/24 dev r-srv
	addr add fd00:2::1/64 dev r-srv nodad
	link set r-cl up
	link set r-srv up
	EOF
	end_host "$srv" srv-r 10.0.2.2/24 fd00:2::2/64 10.0.2.1 fd00:2::1 "$mtu_srv"
	n "$r" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	# Links up, and IPv6 address configuration done: link-local DAD
	# changes routes for a second or two after link up, which rightly
	# invalidates cached IPv6 routes; let it settle before traffic.
	wait_for 10 _settled "$cl" cl-r
	wait_for 10 _settled "$r" r-cl r-srv
	wait_for 10 _settled "$srv" srv-r
}

# end_host NS DEV ADDR4 ADDR6 GW4 GW6 [MTU]: an end of a topology, with
# one ip: lo and DEV (MTU if given) up, DEV with both addresses (no DAD for
# ADDR6), and default routes via GW4 and GW6.
end_host() {
	ip -n "$1" -batch - <<-EOF
	link set lo up
	${7:+link set $2 mtu $7}
	addr add $3 dev $2
	addr add $4 dev $2 nodad
	link set $2 up
	route add default via $5
	route add default via $6
	EOF
}

# _link_up NS DEV...: every DEV of NS is up (operstate UP).
_link_up() {
	local ns=$1

	shift
	_links_up "$(ip -n "$ns" -o link show up)" "$@"
}

# _no_tentative NS: no IPv6 address of NS is still tentative (DAD).
_no_tentative() {
	[[ $(ip -n "$1" -o addr show tentative) != *" tentative"* ]]
}

# _settled NS DEV...: both of the above, with one start of ip.
_settled() {
	local ns=$1 out

	shift
	out=$(ip -n "$ns" -o -batch - <<-'EOF'
	link show up
	addr show tentative
	EOF
	) || return 1
	[[ $out != *" tentative"* ]] && _links_up "$out" "$@"
}

# _links_up OUTPUT DEV...: `ip -o link` OUTPUT shows each DEV in state UP.
_links_up() {
	local out=$1 dev line

	shift
	for dev in "$@"; do
		while IFS= read -r line; do
			case "$line" in
			*": $dev: "*"state UP"* | *": $dev@"*"state UP"*) continue 2 ;;
			esac
		done <<<"$out"
		return 1
	done
}
