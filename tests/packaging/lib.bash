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

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# The Debian kernels the suite builds for: their releases.
kver_61=$("$top/scripts/kernels.sh" 6.1)
kver_612=$("$top/scripts/kernels.sh" 6.12)
version=$(make -s -C "$top" version)
