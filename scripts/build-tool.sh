#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the nft-offload command for the guest (the host's libc and libraries,
# which the initramfs copies along) into build/tool, and print its path.
# For a guest of another architecture, NFO_CROSS (a cross compiler's
# prefix) and NFO_SYSROOT (its Debian userland, tests/vm/foreign-userland.sh)
# build it against that userland's libraries, into build/tool-MULTIARCH.
# Safe to run twice at once: the second waits for the first.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/tool
vars=()
if [ -n "${NFO_SYSROOT:-}" ]; then
	cc="${NFO_CROSS:-}gcc --sysroot=$NFO_SYSROOT"
	multiarch=$($cc -print-multiarch)
	out+=-$multiarch
	vars=(CC="$cc" PKG_CONFIG="env PKG_CONFIG_SYSROOT_DIR=$NFO_SYSROOT PKG_CONFIG_LIBDIR=$NFO_SYSROOT/usr/lib/$multiarch/pkgconfig:$NFO_SYSROOT/usr/share/pkgconfig pkg-config")
fi
mkdir -p "$out"
# Guests of several lanes start at once: one build at a time.
exec 9>"$out/.lock"
flock 9
if ! make -s -C "$top/tool" O="$out" ${vars[@]+"${vars[@]}"} >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	exit 1
fi
echo "$out/nft-offload"
