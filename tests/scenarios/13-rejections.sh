#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What the in-kernel flowtable rejects, nft_offload rejects with the same
# errors (coexist-same-errors.sh compares against the in-kernel modules
# directly; this checks the expected messages on a kernel without them).
. "$NFO_LIB"
. "$(dirname "$0")/rejections.bash"

netns r
for dev in d0 d1; do
	n r ip link add "$dev" type dummy
	n r ip link set "$dev" up
done

expect_ok modprobe nft_offload
results=$(run_rejections r)
printf '%s\n' "$results"

expect() {
	local label=$1 pattern=$2 line
	line=$(grep "^$label: " <<<"$results") || fail "$label: case did not run"
	grep -q 'rc=0' <<<"$line" && fail "$label: was accepted"
	grep -Eq "$pattern" <<<"$line" || fail "$label: want /$pattern/, got: $line"
	pass "$label rejected: ${line#*rc=? }"
}

EOPNOTSUPP='Operation not supported'
ENOENT='No such file or directory'
expect forward-only "$EOPNOTSUPP"
expect forward-only-prerouting "$EOPNOTSUPP"
expect forward-only-output "$EOPNOTSUPP"
expect missing-flowtable "$ENOENT"
expect flowtable-other-table "$ENOENT"
expect netdev-family "$ENOENT"
expect bridge-family "$ENOENT"
expect arp-family "$ENOENT"
expect unknown-device "$ENOENT"
expect hw-offload-no-support "$EOPNOTSUPP"
expect device-in-two-flowtables 'File exists'
expect hw-flag-toggle "$EOPNOTSUPP"
expect delete-referenced 'Device or resource busy'

# Nothing of the failed transactions is left behind.
[ -z "$(n r nft list ruleset)" ] || fail "ruleset not empty after rejections"
expect_ok rmmod nft_offload
