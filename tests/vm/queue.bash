# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# A lane's scenario queue, shared by the guests that run the lane: each guest
# asks for its next scenario when it is ready for one (tests/vm/run.sh answers
# from the queue), so guests that boot the same kernel split the lane between
# them and none idles while another has a backlog.
#
# A queue is a directory: "list" holds the names in the order they are handed
# out, "next" how many have been taken, "lock" serialises takers. History of
# earlier runs, when there is one, orders the list slowest first, so the last
# scenarios handed out are short ones and the guests finish together.

# queue_make DIR HISTORY-DIR [NAME...]: a new queue of NAMEs (none: an
# empty queue). HISTORY-DIR holds a file per scenario with its last time in
# seconds (queue_remember); names without one go first, in the order given
# (their cost is unknown), then the rest slowest first.
queue_make() {
	local dir=$1 history=$2 name t

	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	for name in "$@"; do
		t=-1
		[ ! -f "$history/$name" ] || read -r t <"$history/$name" || t=-1
		[[ $t =~ ^[0-9]+$ ]] || t=-1
		# Unknown first; known by time, longest first; ties by name.
		if [ "$t" = -1 ]; then
			printf '0 %s\n' "$name"
		else
			printf '1 %s %s\n' "$((1000000 - t))" "$name"
		fi
	done | sort -s -k1,1n -k2,2n | awk '{ print $NF }' >"$dir/list"
	# (With no name, printf above printed nothing: an empty list.)
	echo 0 >"$dir/next"
	: >"$dir/lock"
}

# queue_take DIR: print the next name and mark it taken; return 1 when none
# is left.
queue_take() {
	local dir=$1

	(
		flock 9
		read -r next <"$dir/next"
		name=$(sed -n "$((next + 1))p" "$dir/list")
		[ -n "$name" ] || exit 1
		echo $((next + 1)) >"$dir/next"
		echo "$name"
	) 9<"$dir/lock"
}

# queue_left DIR: how many names have not been taken.
queue_left() {
	local dir=$1 next total

	read -r next <"$dir/next"
	total=$(wc -l <"$dir/list")
	echo $((total - next))
}

# queue_remember HISTORY-DIR NAME SECONDS: keep a scenario's time for the
# next queue_make.
queue_remember() {
	mkdir -p "$1"
	echo "$3" >"$1/$2.tmp" && mv "$1/$2.tmp" "$1/$2"
}

# lane_scenarios SCENARIO-DIR LANE: the scenarios a lane runs, by name. A
# lane is named after its kernel (run.sh --kernel), with -coexist when the
# in-kernel flowtable rides along:
#   6.1, 6.12...  every scenario (lib.sh is none) but coexist-*, demo-* and
#                 bench-* (those need a boot of their own, or are run by
#                 name: scripts/demo.sh, bench.sh)
#   debug         the same, less those with a line "# nfo-lanes: stock": tool
#                 logic over kernel state that other scenarios already put
#                 under the debug kernel's checkers
#   *-coexist*    only coexist-*
#   arm64, armhf, s390x
#                 the core set: scenarios with a line "# nfo-core: WHAT",
#                 WHAT being the code that depends on byte order, word
#                 size or alignment which they put to work (foreign CPUs
#                 under TCG run a few, chosen so that all of it runs)
lane_scenarios() {
	local dir=$1 kind=stock f name

	case "$2" in
	*-coexist*) kind=coexist ;;
	debug*) kind=debug ;;
	arm64*|armhf*|s390x*) kind=core ;;
	esac
	for f in "$dir"/*.sh; do
		[ -e "$f" ] || continue
		name=${f##*/}
		name=${name%.sh}
		case "$kind:$name" in
		*:lib) ;;	# the helpers every scenario sources (NFO_LIB)
		coexist:coexist-*) echo "$name" ;;
		coexist:*|*:coexist-*|*:demo-*|*:bench-*) ;;
		debug:*) grep -qx '# nfo-lanes: stock' "$f" || echo "$name" ;;
		core:*) ! grep -q '^# nfo-core: ' "$f" || echo "$name" ;;
		*) echo "$name" ;;
		esac
	done
}
