#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The guest userland of another architecture: Debian 12's packages of the
# tools the scenarios run (real nft, ip, conntrack ...) and the -dev
# packages our command and test tools build against, unpacked (mmdebstrap's
# extract variant: no package scripts, so no emulation of the foreign CPU).
#   tests/vm/foreign-userland.sh DEBARCH   -> prints the directory (a sysroot)
# tests/vm/mkinitramfs.sh takes the guest's programs from it (NFO_SYSROOT),
# and the cross compiler builds against it (--sysroot).  Cached under
# ${NFO_CACHE:-~/.cache/nft-offload}/foreign, keyed by the package list.
set -euo pipefail

arch=${1:?usage: foreign-userland.sh DEBARCH}

packages=(bash nftables iproute2 conntrack kmod socat iperf3 procps coreutils
	  diffutils busybox-static ppp pppoe
	  libc6-dev libmnl-dev libnftnl-dev libnetfilter-conntrack-dev)

# shellcheck source=tests/vm/cache.bash
. "$(dirname "$0")/cache.bash"
cache=${NFO_CACHE:-$HOME/.cache/nft-offload}/foreign
key=$(printf '%s\n' "userland 1" "$arch" "${packages[@]}" | sha256sum | cut -c1-12)
dest=$cache/userland-$arch-$key

# unpack DIR [SOURCES...]: the packages into DIR (which mmdebstrap wants
# empty or absent).
unpack() {
	local dir=$1

	shift
	rm -rf "$dir"
	mmdebstrap --quiet --variant=extract --arch="$arch" \
		--include="$(IFS=,; echo "${packages[*]}")" \
		bookworm "$dir" "$@" >&2
}

# fill DIR: from this host's sources, so that the guest's tools are the
# same versions as the host's (security updates included).  A mirror
# caught mid-sync serves some lists with the wrong size, which mmdebstrap
# does not forgive: then from the main suite alone.
fill() {
	local sources=() f

	echo "foreign-userland.sh: unpacking Debian 12 $arch packages" >&2
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
		[ ! -f "$f" ] || sources+=("$f")
	done
	[ ${#sources[@]} -gt 0 ] || sources=(http://deb.debian.org/debian)
	if ! unpack "$1" "${sources[@]}"; then
		echo "foreign-userland.sh: again from bookworm's main suite alone" >&2
		unpack "$1" http://deb.debian.org/debian
	fi
}

cache_fill "$cache/userland-$arch.lock" "$dest" fill
echo "$dest"
