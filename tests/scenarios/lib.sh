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
	local up rest

	read -r up rest </proc/uptime
	up=${up/./}
	echo $((10#$up * 10))
}

# wait_for TIMEOUT_S CMD...: poll CMD every 0.1 s until it succeeds; after
# TIMEOUT_S seconds (fractions allowed) print why and return 1 (set -e then
# ends the scenario).
wait_for() {
	local timeout=$1 deadline

	shift
	deadline=$(( $(_uptime_ms) + $(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000 }') ))
	until "$@" >/dev/null 2>&1; do
		if [ "$(_uptime_ms)" -ge "$deadline" ]; then
			echo "wait_for: gave up after ${timeout}s: $*"
			return 1
		fi
		sleep 0.1
	done
}

# netns NAME: a fresh network namespace NAME with lo up.
netns() {
	if [ -e "/run/netns/$1" ]; then
		ip netns delete "$1"
	fi
	ip netns add "$1"
	ip -n "$1" link set lo up
}

# n NAME CMD...: run CMD in namespace NAME.
n() {
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# modloaded NAME: true if module NAME is loaded.
modloaded() {
	grep -q "^${1//-/_} " /proc/modules
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
# identical copy beside the first.
topology_router() {
	local mtu_cl=${1:-} mtu_srv=${2:-}
	local cl=cl${NS_SUFFIX:-} r=r${NS_SUFFIX:-} srv=srv${NS_SUFFIX:-}

	netns "$cl"
	netns "$r"
	netns "$srv"
	ip link add name cl-r netns "$cl" type veth peer name r-cl netns "$r"
	ip link add name srv-r netns "$srv" type veth peer name r-srv netns "$r"
	if [ -n "$mtu_cl" ]; then
		ip -n "$cl" link set cl-r mtu "$mtu_cl"
		ip -n "$r" link set r-cl mtu "$mtu_cl"
	fi
	if [ -n "$mtu_srv" ]; then
		ip -n "$srv" link set srv-r mtu "$mtu_srv"
		ip -n "$r" link set r-srv mtu "$mtu_srv"
	fi

	ip -n "$cl" addr add 10.0.1.2/24 dev cl-r
	ip -n "$cl" addr add fd00:1::2/64 dev cl-r nodad
	ip -n "$r" addr add 10.0.1.1/24 dev r-cl
	ip -n "$r" addr add fd00:1::1/64 dev r-cl nodad
	ip -n "$r" addr add 10.0.2.1/24 dev r-srv
	ip -n "$r" addr add fd00:2::1/64 dev r-srv nodad
	ip -n "$srv" addr add 10.0.2.2/24 dev srv-r
	ip -n "$srv" addr add fd00:2::2/64 dev srv-r nodad

	ip -n "$cl" link set cl-r up
	ip -n "$r" link set r-cl up
	ip -n "$r" link set r-srv up
	ip -n "$srv" link set srv-r up

	ip -n "$cl" route add default via 10.0.1.1
	ip -n "$cl" -6 route add default via fd00:1::1
	ip -n "$srv" route add default via 10.0.2.1
	ip -n "$srv" -6 route add default via fd00:2::1
	n "$r" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	wait_for 5 _link_up "$cl" cl-r
	wait_for 5 _link_up "$r" r-cl
	wait_for 5 _link_up "$r" r-srv
	wait_for 5 _link_up "$srv" srv-r
	# IPv6 address configuration (link-local DAD) changes routes for a
	# second or two after link up, which rightly invalidates cached IPv6
	# routes; let it settle before traffic.
	wait_for 10 _no_tentative "$cl"
	wait_for 10 _no_tentative "$r"
	wait_for 10 _no_tentative "$srv"
}

_no_tentative() {
	[ -z "$(ip -n "$1" -6 addr show tentative)" ]
}

_link_up() {
	ip -n "$1" link show "$2" | matches 'state UP'
}
