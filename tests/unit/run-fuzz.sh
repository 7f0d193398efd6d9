#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-fuzz.sh BUILD_DIR "LIBFUZZER_OPTIONS" TARGET...
#
# Run each libFuzzer target from BUILD_DIR with the seeds of
# corpus/TARGET (read only) and a working corpus in BUILD_DIR/corpus/,
# print how many inputs it executed, and end with one pass/fail line.
# Crash inputs are written to BUILD_DIR/crash-*.

b=$1
opts=$2
shift 2
status=0
total=0

for t in "$@"; do
	work="$b/corpus/$t"
	log="$b/$t.log"
	mkdir -p "$work"
	# shellcheck disable=SC2086
	if "$b/$t" $opts -print_final_stats=1 -artifact_prefix="$b/" \
		"$work" "corpus/$t" > "$log" 2>&1; then
		res=ok
	else
		res=FAILED
		status=1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	runs=${runs:-0}
	total=$((total + runs))
	echo "$t: $res, $runs executions"
	if [ "$res" != ok ]; then
		grep -E 'ERROR|assertion|runtime error|SUMMARY|Test unit' \
			"$log" | head -20
		echo "(full log: $log)"
	fi
done

if [ $status -eq 0 ]; then
	echo "fuzz: all $# targets passed, $total executions"
else
	echo "fuzz: FAILED"
fi
exit $status
