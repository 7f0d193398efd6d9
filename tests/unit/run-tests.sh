#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the unit test binaries given as arguments.  Each prints its own
# line; this adds up their counts and ends with "N passed, N failed".
# A binary that dies without reporting (sanitizer, crash) counts as one
# failed check.  Exit status 1 if anything failed.

results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0

for t in "$@"; do
	before=$(wc -l < "$results")
	if ! NFO_UNIT_RESULTS="$results" "$t"; then
		status=1
	fi
	after=$(wc -l < "$results")
	if [ "$after" -eq "$before" ]; then
		echo "$(basename "$t").c       CRASHED (no result reported)"
		echo "0 1" >> "$results"
		status=1
	fi
done

awk '{ p += $1; f += $2 } END { printf "%d passed, %d failed\n", p, f }' \
	"$results"
if awk '{ f += $2 } END { exit f ? 0 : 1 }' "$results"; then
	status=1
fi
exit $status
