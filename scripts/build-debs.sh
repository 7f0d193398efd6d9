#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the Debian packages (debian/): nft-offload-dkms and nft-offload,
# with the source package, from a clean export of this tree
# (scripts/export-tree.sh), so that nothing built here leaks in.  dpkg-buildpackage writes beside the tree it builds: all of it lands
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
"$top/scripts/export-tree.sh" "$tree"

cd "$tree"
if ! DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "build-debs.sh: dpkg-buildpackage failed (all of it in $out/build.log)" >&2
	exit 1
fi
ls "$out"/nft-offload_"$version"_*.changes | grep -v _source.changes
