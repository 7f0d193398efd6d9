#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A Debian 12 kernel of another architecture, for building our module
# against it (cross) and, with --image, booting it in QEMU.
#   scripts/foreign-kernel.sh [--image] DEBARCH FLAVOUR   -> prints
#     release=KVER      e.g. 6.1.0-57-arm64
#     version=VERSION   its Debian package version (that of linux-source-6.1
#                       holding its source)
#     kdir=DIR          the headers: make -C DIR M=... $make
#     make=VARS         what make needs besides (CROSS_COMPILE=...)
#     root=DIR          with --image: boot/vmlinuz-KVER and lib/modules/KVER
# DEBARCH and FLAVOUR as Debian names them: arm64 arm64, s390x s390x,
# armhf armmp, i386 686-pae, arm64 rt-arm64 ...
#
# The newest 6.1 ABI of that flavour in Debian's archive is taken, and only
# if this host's archive also has linux-kbuild-6.1 of the same version: the
# foreign headers' scripts/ point into linux-kbuild, whose programs (fixdep,
# modpost, genksyms) must run here, so the amd64 build of the same source
# stands in for theirs.  Foreign package lists live in a private apt state
# (no dpkg --add-architecture on this host); packages are unpacked with
# dpkg -x, no package scripts.  Everything is cached under
# ${NFO_CACHE:-~/.cache/nft-offload}/foreign; safe to run twice at once.
set -euo pipefail

image=0
if [ "${1:-}" = --image ]; then
	image=1
	shift
fi
[ $# -eq 2 ] || { echo "usage: foreign-kernel.sh [--image] DEBARCH FLAVOUR" >&2; exit 2; }
arch=$1
flavour=$2

case "$arch" in
arm64)	cross=aarch64-linux-gnu- ;;
armhf)	cross=arm-linux-gnueabihf- ;;
i386)	cross=i686-linux-gnu- ;;
s390x)	cross=s390x-linux-gnu- ;;
mips|mipsel|mips64el) cross=$arch-linux-gnu- ;;
*)	echo "foreign-kernel.sh: no cross compiler known for $arch" >&2; exit 2 ;;
esac

cache=${NFO_CACHE:-$HOME/.cache/nft-offload}/foreign
apt=$cache/apt-$arch
mkdir -p "$cache"
exec 9>"$cache/$arch.lock"
flock 9

# The private apt state: this host's sources, another architecture.
if [ ! -f "$apt/apt.conf" ]; then
	mkdir -p "$apt"/{state/lists/partial,cache/archives/partial,etc/sources.list.d}
	mkdir -p "$apt"/etc/{preferences.d,apt.conf.d}
	touch "$apt/state/status"
	cp /etc/apt/sources.list.d/*.sources "$apt/etc/sources.list.d/" 2>/dev/null || true
	[ ! -f /etc/apt/sources.list ] || cp /etc/apt/sources.list "$apt/etc/"
	cat >"$apt/apt.conf" <<-EOF
	APT::Architecture "$arch";
	APT::Architectures { "$arch"; };
	Dir::State "$apt/state";
	Dir::State::status "$apt/state/status";
	Dir::Cache "$apt/cache";
	Dir::Etc "$apt/etc";
	Dir::Etc::sourcelist "sources.list";
	Dir::Etc::sourceparts "sources.list.d";
	Dir::Etc::parts "apt.conf.d";
	Dir::Etc::preferencesparts "preferences.d";
	APT::Sandbox::User "root";
	Acquire::Languages "none";
	EOF
fi
fapt() {
	APT_CONFIG=$apt/apt.conf "$@"
}

# Newest release of the flavour whose headers (and image) and amd64 kbuild
# the archives hold, as "KVER VERSION"; fails when the lists have none.
pick() {
	local kver ver images

	images=$(fapt apt-cache pkgnames linux-image- 2>/dev/null)
	for kver in $(fapt apt-cache pkgnames linux-headers- 2>/dev/null |
		      sed -nE "s/^linux-headers-(6\\.1\\.0-[0-9]+-$flavour)\$/\\1/p" | sort -Vr); do
		if [ "$image" = 1 ] &&
		   ! grep -qxE "linux-image-$kver(-unsigned)?" <<<"$images"; then
			continue
		fi
		ver=$(fapt apt-cache show "linux-headers-$kver" | sed -n 's/^Version: //p' | head -n 1)
		if apt-cache show "linux-kbuild-6.1=$ver" >/dev/null 2>&1; then
			echo "$kver $ver"
			return 0
		fi
	done
	return 1
}

# A mirror caught mid-sync serves some lists with the wrong size, and
# apt-get update fails for them: go on with the lists it did get.
update() {
	echo "foreign-kernel.sh: apt-get update for $arch${1:+ ($1)}" >&2
	fapt apt-get update -qq >&2 ||
		echo "foreign-kernel.sh: apt-get update for $arch failed in part; going on with the lists it got" >&2
}

if [ -z "$(ls "$apt/state/lists" 2>/dev/null | grep -v -e '^partial$' -e '^lock$')" ]; then
	update
fi
if ! found=$(pick); then
	update "no usable $flavour kernel listed"
	apt-get update -qq >&2 || true
	found=$(pick) || {
		echo "foreign-kernel.sh: no 6.1 $arch $flavour kernel whose amd64 linux-kbuild-6.1 is in the archive" >&2
		exit 1
	}
fi
read -r kver ver <<<"$found"
abi=${kver%-"$flavour"}
dest=$cache/$kver

if [ ! -f "$dest/.headers" ] || { [ "$image" = 1 ] && [ ! -f "$dest/.image" ]; }; then
	tmp=$(mktemp -d "$cache/.$kver.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/debs" "$tmp/root"
	if [ -d "$dest" ]; then
		cp -a "$dest/." "$tmp/root/"
	fi
	if [ ! -f "$dest/.headers" ]; then
		echo "foreign-kernel.sh: downloading the headers of $kver ($ver)" >&2
		(cd "$tmp/debs" &&
		 fapt apt-get download -qq "linux-headers-$kver=$ver" "linux-headers-$abi-common=$ver" >&2 &&
		 apt-get download -qq -o APT::Sandbox::User=root "linux-kbuild-6.1=$ver" >&2)
		for deb in "$tmp"/debs/*.deb; do
			dpkg -x "$deb" "$tmp/root"
		done
		rm -f "$tmp"/debs/*.deb
		# The flavour's Makefile includes the common part by its
		# absolute path under /usr/src: point it into the cache.
		sed -i "s|^include /usr/src/|include $dest/usr/src/|" \
			"$tmp/root/usr/src/linux-headers-$kver/Makefile"
		touch "$tmp/root/.headers"
	fi
	if [ "$image" = 1 ] && [ ! -f "$dest/.image" ]; then
		pkg=linux-image-$kver
		fapt apt-cache show "$pkg=$ver" >/dev/null 2>&1 || pkg=$pkg-unsigned
		echo "foreign-kernel.sh: downloading $pkg ($ver)" >&2
		(cd "$tmp/debs" && fapt apt-get download -qq "$pkg=$ver" >&2)
		dpkg -x "$tmp"/debs/*.deb "$tmp/root"
		if [ ! -d "$tmp/root/lib/modules/$kver/kernel" ] &&
		   [ -d "$tmp/root/usr/lib/modules/$kver/kernel" ]; then
			ln -sfn usr/lib "$tmp/root/lib"
		fi
		[ -f "$tmp/root/boot/vmlinuz-$kver" ] ||
			{ echo "foreign-kernel.sh: no boot/vmlinuz-$kver in $pkg" >&2; exit 1; }
		# modules.dep, which the package's postinst would make.
		depmod -b "$tmp/root" "$kver"
		touch "$tmp/root/.image"
	fi
	rm -rf "$tmp/debs" "$dest"
	mv "$tmp/root" "$dest"
fi

echo "release=$kver"
echo "version=$ver"
echo "kdir=$dest/usr/src/linux-headers-$kver"
echo "make=CROSS_COMPILE=$cross"
[ "$image" = 0 ] || echo "root=$dest"
