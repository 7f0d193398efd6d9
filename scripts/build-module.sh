#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build nft_offload.ko for one kernel release in a private copy of src/, so
# several kernels can be built side by side without cleaning in between.
# Safe to run twice at once for one release: the second waits for the first.
#   scripts/build-module.sh 6.1.0-56-amd64   -> prints build/6.1.0-56-amd64/nft_offload.ko
# and builds the tests' modules (tests/kmod) into build/6.1.0-56-amd64/kmod/,
# and the module under OpenWrt's name (NFO_MODNAME=nft_flow_offload) into
# build/6.1.0-56-amd64/openwrt/nft_flow_offload.ko.
# KDIR names the headers when they are not /usr/src/linux-headers-KVER;
# NFO_MAKE adds make variables (CROSS_COMPILE=... for a foreign kernel,
# scripts/foreign-kernel.sh).  NFO_OPENWRT_BUILD=0 leaves out the build
# under OpenWrt's name (for guests that do not run scenario 17).
set -euo pipefail

kver=${1:?usage: build-module.sh KERNEL-RELEASE}
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${KDIR:-/usr/src/linux-headers-$kver}
out=$top/build/$kver
read -r -a make_vars <<<"${NFO_MAKE:-}"

[ -d "$kdir" ] || { echo "build-module.sh: no headers at $kdir" >&2; exit 1; }
mkdir -p "$out"
# Guests of one lane start at once: one build per release at a time.
exec 9>"$out/.lock"
flock 9
# Copy the module's sources (make module-sources: not build products) into
# $1 and keep timestamps, so make stays incremental.
copy_src() {
	make -s --no-print-directory -C "$top" module-sources | (cd "$top/src" && cpio -pdmu --quiet "$1")
}

# Build the module in $1 with make variables $2...; show warnings, but not
# kbuild's note that Debian's headers carry no vmlinux for BTF.
build() {
	local dir=$1

	shift
	if ! make -s -C "$dir" KDIR="$kdir" ${make_vars[@]+"${make_vars[@]}"} "$@" module >"$dir/build.log" 2>&1; then
		cat "$dir/build.log" >&2
		exit 1
	fi
	grep -v '^Skipping BTF generation' "$dir/build.log" >&2 || true
}

copy_src "$out"
build "$out" W=1
# OpenWrt's name, in a copy of its own (the two builds' objects differ):
# tests/vm/mkinitramfs.sh puts it in the guest outside /lib/modules.
if [ "${NFO_OPENWRT_BUILD:-1}" = 1 ]; then
	mkdir -p "$out/openwrt"
	copy_src "$out/openwrt"
	build "$out/openwrt" W=1 NFO_MODNAME=nft_flow_offload
fi
# The tests' own modules (tests/kmod), in kmod/ beside it: tests/vm/run.sh
# puts them in the guest; nothing installs them.
mkdir -p "$out/kmod"
cp -p "$top"/tests/kmod/*.c "$top/tests/kmod/Kbuild" "$out/kmod/"
if ! make -s -C "$kdir" M="$out/kmod" W=1 ${make_vars[@]+"${make_vars[@]}"} modules >"$out/kmod/build.log" 2>&1; then
	cat "$out/kmod/build.log" >&2
	exit 1
fi
grep -v '^Skipping BTF generation' "$out/kmod/build.log" >&2 || true
echo "$out/nft_offload.ko"
