#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel's own PPP and PPPoE drivers for a kernel that leaves
# them out (Debian's s390x kernels: CONFIG_PPP is not set there), so that
# the PPPoE scenarios run on it too.
#   KDIR=HEADERS NFO_MAKE="CROSS_COMPILE=..." \
#     tests/vm/build-ppp-modules.sh VERSION OUT-DIR   -> prints the .ko paths
# VERSION is the kernel's Debian package version: the drivers come from
# linux-source-6.1 of exactly that version (downloaded, not installed; only
# their files are kept, cached under ${NFO_CACHE:-~/.cache/nft-offload}),
# built against the headers as they are, so they fit the kernel as its own
# would.  Nothing of them is in this repository.
set -euo pipefail

ver=${1:?usage: build-ppp-modules.sh VERSION OUT-DIR}
out=${2:?usage: build-ppp-modules.sh VERSION OUT-DIR}
kdir=${KDIR:?KDIR must name the kernel headers}
read -r -a make_vars <<<"${NFO_MAKE:-}"

files=(drivers/net/ppp/ppp_generic.c drivers/net/ppp/ppp_async.c
       drivers/net/ppp/pppox.c drivers/net/ppp/pppoe.c drivers/net/slip/slhc.c)

# shellcheck source=tests/vm/cache.bash
. "$(dirname "$0")/cache.bash"
src=${NFO_CACHE:-$HOME/.cache/nft-offload}/foreign/ppp-source-$ver

# fill DIR: the drivers' files, out of the source package (downloaded
# into DIR's parent).
fill() {
	local scratch

	scratch=$(dirname "$1")
	echo "build-ppp-modules.sh: downloading linux-source-6.1 $ver for its PPP drivers" >&2
	(cd "$scratch" && apt-get download -qq -o APT::Sandbox::User=root "linux-source-6.1=$ver" >&2)
	dpkg-deb --fsys-tarfile "$scratch"/linux-source-6.1_*.deb |
		tar -xO ./usr/src/linux-source-6.1.tar.xz |
		tar -xJ -C "$1" --strip-components=1 "${files[@]/#/linux-source-6.1/}"
}

cache_fill "$src.lock" "$src" fill

mkdir -p "$out"
exec 8>"$out/.lock"
flock 8
objs=()
for f in "${files[@]}"; do
	cp -p "$src/$f" "$out/"
	b=${f##*/}
	objs+=("${b%.c}.o")
done
echo "obj-m := ${objs[*]}" >"$out/Kbuild"
if ! make -s -C "$kdir" M="$out" ${make_vars[@]+"${make_vars[@]}"} modules >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	exit 1
fi
for o in "${objs[@]}"; do
	echo "$out/${o%.o}.ko"
done
