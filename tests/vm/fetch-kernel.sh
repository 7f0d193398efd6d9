#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Unpack a Debian kernel image package into a cache outside the repository.
#   tests/vm/fetch-kernel.sh 6.1.0-56-amd64   -> prints the directory holding
#   boot/vmlinuz-KVER and lib/modules/KVER/
# The .deb is unpacked with dpkg -x: no package scripts, no initramfs-tools.
# Safe to run twice, and two runs at once: the second waits on a lock.
set -euo pipefail

kver=${1:?usage: fetch-kernel.sh KERNEL-RELEASE}
cache=${NFO_CACHE:-$HOME/.cache/nft-offload}/kernels
dest=$cache/$kver

mkdir -p "$cache"
exec 9>"$cache/$kver.lock"
flock 9

if [ -f "$dest/.complete" ]; then
	echo "$dest"
	exit 0
fi

# The signed image package is the usual name; some releases only have -unsigned.
pkg=
for name in "linux-image-$kver" "linux-image-$kver-unsigned"; do
	if apt-cache show "$name" >/dev/null 2>&1; then
		pkg=$name
		break
	fi
done
[ -n "$pkg" ] || { echo "fetch-kernel.sh: no image package for $kver (apt-get update?)" >&2; exit 1; }
version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')

tmp=$(mktemp -d "$cache/.$kver.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Reuse a .deb apt already holds (same package and version), else download it.
deb=
for f in /var/cache/apt/archives/"${pkg}"_*.deb; do
	[ -f "$f" ] || continue
	if [ "$(dpkg-deb -f "$f" Package)" = "$pkg" ] &&
	   [ "$(dpkg-deb -f "$f" Version)" = "$version" ]; then
		deb=$f
		break
	fi
done
if [ -z "$deb" ]; then
	echo "fetch-kernel.sh: downloading $pkg $version" >&2
	# Sandbox user root: _apt could not write into our cache directory.
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg=$version" >&2)
	deb=$(echo "$tmp"/*.deb)
fi

mkdir "$tmp/root"
dpkg -x "$deb" "$tmp/root"
# Newer packages ship /usr/lib/modules; give both trees the same shape.
if [ ! -d "$tmp/root/lib/modules" ] && [ -d "$tmp/root/usr/lib/modules" ]; then
	ln -s usr/lib "$tmp/root/lib"
fi
[ -f "$tmp/root/boot/vmlinuz-$kver" ] || { echo "fetch-kernel.sh: no boot/vmlinuz-$kver in $pkg" >&2; exit 1; }
[ -d "$tmp/root/lib/modules/$kver/kernel" ] || { echo "fetch-kernel.sh: no lib/modules/$kver in $pkg" >&2; exit 1; }
# modules.dep is made by the package's postinst, which we skip: make it here.
depmod -b "$tmp/root" "$kver"

echo "$pkg $version" >"$tmp/root/.complete"
rm -rf "$dest"
mv "$tmp/root" "$dest"
echo "$dest"
