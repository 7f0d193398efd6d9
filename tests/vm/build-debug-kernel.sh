#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the debug lane's kernel (tests/vm/run.sh --kernel debug) from Debian's
# linux-source-6.1: allnoconfig plus the fragments in tests/vm/kernel-config/
# (checked by check-kernel-config.sh), so no CONFIG_NF_FLOW_TABLE, and KASAN,
# lockdep, kmemleak, debug objects and UBSAN on.
#   tests/vm/build-debug-kernel.sh [--cached]   -> prints on stdout
#     key=KEY          what the build is cached under
#     release=RELEASE  its kernel release (uname -r)
#     root=DIR         DIR/boot/vmlinuz-RELEASE, DIR/lib/modules/RELEASE/
#     kdir=DIR         the build tree, for out-of-tree modules (KDIR=)
# --cached only looks: it prints the same when the build is cached, and
# exits 1 at once when it is not.
# The build is cached in ${NFO_CACHE:-~/.cache/nft-offload}/debug-kernel/KEY/,
# KEY a hash of the source package's version, the compiler, the fragments and
# the build steps below: a machine builds each combination once (8 minutes on
# 2 idle cores), later runs return at once. An interrupted build resumes
# where it stopped. Two runs at once: the second waits. Old builds are not
# removed (about 2 GB each): rm -rf the directory when the cache grows.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${NFO_CACHE:-$HOME/.cache/nft-offload}/debug-kernel
src_pkg=linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
fragments=("$here"/kernel-config/*.config)

cached_only=0
case "${1:-}" in
--cached) cached_only=1 ;;
"") ;;
*) echo "usage: build-debug-kernel.sh [--cached]" >&2; exit 2 ;;
esac

[ "$cached_only" = 1 ] || "$top/scripts/deps.sh"
version=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null) ||
	{ echo "build-debug-kernel.sh: $src_pkg is not installed (scripts/deps.sh)" >&2; exit 1; }
[ -f "$tarball" ] || { echo "build-debug-kernel.sh: no $tarball" >&2; exit 1; }

# Nothing from the caller's environment steers the kernel's build: not a
# make we were started from (make test), not kbuild's own variables.
unset MAKEFLAGS MFLAGS MAKELEVEL ARCH CROSS_COMPILE LOCALVERSION KBUILD_OUTPUT \
      KCONFIG_CONFIG KCONFIG_ALLCONFIG KBUILD_EXTMOD

# --- the build steps: their text is part of the cache key ------------------

# allnoconfig, the fragments merged over it, kconfig's defaults for the rest.
configure() {
	make -C "$1" allnoconfig
	(cd "$1" && scripts/kconfig/merge_config.sh -m .config "${fragments[@]}")
	make -C "$1" olddefconfig
}

compile() {
	make -C "$1" -j"$(nproc)" bzImage modules
}

# Uncompressed modules and the image, laid out like an unpacked Debian
# linux-image package (tests/vm/fetch-kernel.sh), with depmod's indexes.
install_root() {
	local src=$1 root=$2 release=$3

	make -C "$src" modules_install INSTALL_MOD_PATH="$root"
	install -D -m 644 "$src/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$release"
	install -m 644 "$src/System.map" "$root/boot/System.map-$release"
	install -m 644 "$src/.config" "$root/boot/config-$release"
	depmod -b "$root" "$release"
}

key=$({
	echo "nfo debug kernel 1"
	echo "$src_pkg $version"
	gcc --version | head -n 1
	for f in "${fragments[@]}"; do
		echo "--- ${f##*/}"
		cat "$f"
	done
	declare -f configure compile install_root
} | sha256sum | cut -c1-16)
dir=$cache/$key
src=$dir/src
root=$dir/root
log=$dir/build.log

result() {
	echo "key=$key"
	echo "release=$1"
	echo "root=$root"
	echo "kdir=$src"
}

if [ "$cached_only" = 1 ]; then
	[ -f "$dir/.complete" ] || exit 1
	result "$(cat "$dir/.complete")"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/$key.lock"
if ! flock -n 9; then
	echo "build-debug-kernel.sh: waiting for another build of $key" >&2
	flock 9
fi

if [ -f "$dir/.complete" ]; then
	result "$(cat "$dir/.complete")"
	exit 0
fi

mkdir -p "$dir"
start=$(date +%s)
echo "build-debug-kernel.sh: building $src_pkg $version as $key (8 to 20 min on 2 cores, by load); log: $log" >&2
: >"$log"

# Run a step with its output in the log; on failure show the log's end.
step() {
	local name=$1

	shift
	echo "=== $name" >>"$log"
	if ! "$@" >>"$log" 2>&1; then
		echo "build-debug-kernel.sh: $name failed; end of $log:" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
}

if [ ! -f "$src/.nfo-extracted" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	step extract tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.nfo-extracted"
fi
step configure configure "$src"
# Kconfig drops what it cannot give: compare before spending the build time.
if ! "$here/check-kernel-config.sh" "$src/.config" "${fragments[@]}"; then
	echo "build-debug-kernel.sh: fix tests/vm/kernel-config/ (kconfig log: $log)" >&2
	exit 1
fi
step compile compile "$src"
release=$(make -s -C "$src" kernelrelease)
rm -rf "$root"
step install install_root "$src" "$root" "$release"

echo "$release" >"$dir/.complete"
echo "build-debug-kernel.sh: built $release in $(( $(date +%s) - start ))s" >&2
result "$release"
