#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the Debian packages (debian/): nft-offload-dkms and nft-offload,
# with the source package, from a clean export of this tree (its files as
# git sees them, without build products), so that nothing built here leaks
# in.  dpkg-buildpackage writes beside the tree it builds: all of it lands
# in OUT (default build/deb).
#   scripts/build-debs.sh [OUT]       prints the .changes file's path
# Needs dpkg-dev, debhelper, dh-dkms and the tool's -dev libraries
# (scripts/deps.sh installs them).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$top/build/deb}" && cd "${1:-$top/build/deb}" && pwd)
version=$(make -s -C "$top" version)
tree=$out/nft-offload-$version

rm -rf "$tree"
mkdir -p "$tree"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	# Tracked and new files, as they are in the work tree.
	(cd "$top" && git ls-files -z -c -o --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		cpio -0pdm --quiet "$tree")
else
	(cd "$top" && find . -path ./build -prune -o -type f -print0 |
		cpio -0pdm --quiet "$tree")
fi

cd "$tree"
if ! DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "build-debs.sh: dpkg-buildpackage failed (all of it in $out/build.log)" >&2
	exit 1
fi
ls "$out"/nft-offload_"$version"_*.changes | grep -v _source.changes
