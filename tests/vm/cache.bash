# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# What the VM tests fetch or build once and keep under
# ${NFO_CACHE:-~/.cache/nft-offload}: sourced by the scripts that fill it.

# cache_fill LOCK DEST CMD [ARG...]: make directory DEST unless a complete
# one is there.  CMD ARG... DIR builds it in DIR, a fresh directory beside
# DEST (DIR's parent is scratch space that goes with it), which becomes
# DEST once CMD succeeded.  One filler at a time (flock on LOCK): a second
# run waits and then finds DEST complete.
cache_fill() {
	local lock=$1 dest=$2

	shift 2
	mkdir -p "$(dirname "$dest")"
	(
		flock 9
		[ ! -f "$dest/.complete" ] || exit 0
		tmp=$(mktemp -d "$(dirname "$dest")/.$(basename "$dest").XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		mkdir "$tmp/dir"
		"$@" "$tmp/dir"
		touch "$tmp/dir/.complete"
		rm -rf "$dest"
		mv "$tmp/dir" "$dest"
	) 9>"$lock"
}
