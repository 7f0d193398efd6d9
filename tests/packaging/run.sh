#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The packaging tests, in order (the chroot's cycle installs what the
# Debian packages' test built), each with its own closing line; then the
# sum: "N passed, N failed", exit 1 on any failure.
#   tests/packaging/run.sh [NAME...]   (default: all; NAME as version, dkms)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(version install dkms debian chroot openwrt)
passed=0
failed=0
for name in "${names[@]}"; do
	[ -x "$here/$name.sh" ] || { echo "run.sh: no test $name"; failed=$((failed + 1)); continue; }
	echo "--- packaging: $name"
	t0=$(date +%s)
	counts=
	while IFS= read -r line; do
		if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			counts=1
			passed=$((passed + BASH_REMATCH[1]))
			failed=$((failed + BASH_REMATCH[2]))
		else
			printf '%s\n' "$line"
		fi
	done < <("$here/$name.sh" 2>&1)
	if [ -z "$counts" ]; then
		echo "FAIL: $name ended without a result"
		failed=$((failed + 1))
	fi
	echo "--- packaging: $name took $(( $(date +%s) - t0 ))s"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
