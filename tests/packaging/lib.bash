# SPDX-License-Identifier: GPL-2.0
# Shared by the packaging tests: a PASS/FAIL line per check, one closing
# "N passed, N failed" line (finish), exit 1 on any failure.
# shellcheck shell=bash

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0
failed=0

pass() {
	echo "PASS: $*"
	passed=$((passed + 1))
}

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# check DESCRIPTION CMD...: PASS if CMD succeeds, else FAIL.
check() {
	local what=$1

	shift
	if "$@"; then
		pass "$what"
	else
		fail "$what"
	fi
}

# config_variant FROM TO SED: TO, kernel headers like FROM (links to its
# files) but for their configuration, which the sed script SED edits: a
# kernel the module cannot serve, for the tests of its refusal.  Plain
# commands only: chroot.sh runs it in its root (declare -f).
config_variant() {
	local f

	cp -as "$1" "$2" || return
	for f in .config include/config/auto.conf; do
		rm "$2/$f" && sed "$3" "$1/$f" >"$2/$f" || return
	done
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# The Debian kernels the suite builds for: their releases.
kver_61=$("$top/scripts/kernels.sh" 6.1)
kver_612=$("$top/scripts/kernels.sh" 6.12)
version=$(make -s -C "$top" version)
