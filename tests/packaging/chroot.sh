#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The packages' life in a clean Debian 12 root (mmdebstrap; built once and
# cached): install, upgrade to a newer version, remove, purge.  The root has
# the 6.1 headers, the stock kernel's netfilter modules (from the image the
# VM tests use) so that modprobe resolves nft's names as on a real system,
# and a second "kernel" whose headers have the in-kernel flowtable built in,
# which the package must skip, not fail on.  Needs root; uses build/deb
# (tests/packaging/debian.sh).
set -uo pipefail
. "$(dirname "$0")/lib.bash"

kver=$kver_61
arch=$(dpkg --print-architecture)
cache=${NFO_CACHE:-$HOME/.cache/nft-offload}/chroot
debs=$top/build/deb
for f in "nft-offload-dkms_${version}_all.deb" "nft-offload_${version}_$arch.deb"; do
	[ -f "$debs/$f" ] || { fail "no $debs/$f (tests/packaging/debian.sh first)"; finish; exit 1; }
done

# The cached root: Debian 12 minbase with dkms, openssl (DKMS's signing
# key), the headers, kmod, and the command's libraries: the packages install
# from their files, with no package lists in the root.
include=dkms,openssl,kmod,xz-utils,libmnl0,libnftnl11,libnetfilter-conntrack3,linux-headers-$kver
key=$(echo "chroot 1 $include" | sha256sum | cut -c1-16)
tarball=$cache/bookworm-$key.tar
mkdir -p "$cache"
(
	flock 9
	[ -f "$tarball" ] && exit 0
	echo "chroot.sh: mmdebstrap (once; cached as $tarball)"
	mmdebstrap --quiet --mode=root --variant=minbase --include="$include" \
		bookworm "${tarball%.tar}.part.tar" /etc/apt/sources.list.d/debian.sources \
		>"$cache/mmdebstrap.log" 2>&1 ||
		{ tail -n 20 "$cache/mmdebstrap.log" >&2; exit 1; }
	mv "${tarball%.tar}.part.tar" "$tarball"
) 9>"$cache/chroot.lock" || { fail "mmdebstrap a Debian 12 root"; finish; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/nfo-chroot.XXXXXX")
root=$work/root
cleanup() {
	umount "$root/proc" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$root"
tar -C "$root" -xf "$tarball"
mount -t proc proc "$root/proc"
in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

# The stock kernel's netfilter modules, then its indexes.
kroot=$("$top/tests/vm/fetch-kernel.sh" "$kver")
mods=lib/modules/$kver
for d in kernel/net/netfilter kernel/net/ipv4/netfilter kernel/net/ipv6/netfilter kernel/lib; do
	mkdir -p "$root/$mods/$d"
	cp -a "$kroot/$mods/$d/." "$root/$mods/$d/"
done
cp "$kroot/$mods"/modules.{order,builtin,builtin.modinfo} "$root/$mods/"
in_root depmod -a "$kver"
# A kernel the compatibility probes refuse: the in-kernel flowtable built in.
fake=$kver-builtinft
in_root bash -c "$(declare -f config_variant)
	config_variant /usr/src/linux-headers-$kver /usr/src/linux-headers-$fake \
		's/^CONFIG_NF_FLOW_TABLE=m\$/CONFIG_NF_FLOW_TABLE=y/' &&
	mkdir -p /lib/modules/$fake && ln -s /usr/src/linux-headers-$fake /lib/modules/$fake/build"

resolves() {
	in_root modprobe -S "$kver" -R "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}
# Every file and link, but what apt and dpkg keep of their own.
snapshot() {
	(cd "$root" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./var/cache \
		-o -path ./var/log -o -path ./var/lib/apt -o -path ./var/lib/dpkg \) -prune \
		-o ! -type d -print | LC_ALL=C sort)
}

check "stock: nf-flowtable-1 resolves to the in-kernel flowtable" \
	[ "$(resolves nf-flowtable-1)" = nf_flow_table_inet ]
snapshot >"$work/before"

# install_debs DIR VERSION LOG WHAT: apt-get install both packages of
# VERSION from DIR into the root, PASS or FAIL as WHAT (the log shown).
install_debs() {
	local dkms=nft-offload-dkms_${2}_all.deb tool=nft-offload_${2}_$arch.deb

	cp "$1/$dkms" "$1/$tool" "$root/tmp/"
	if in_root apt-get install -y --no-install-recommends "/tmp/$dkms" "/tmp/$tool" \
		>"$work/$3" 2>&1; then
		pass "$4"
	else
		cat "$work/$3"
		fail "$4"
	fi
}

# Install.
install_debs "$debs" "$version" install.log "apt-get install of both packages"
ko=$root/$mods/updates/dkms/nft_offload.ko
check "install: DKMS built and installed nft_offload $version for $kver" \
	[ "$(modinfo -F version "$ko" 2>/dev/null)" = "$version" ]
# dkms's "Skipped." (its exit 77), just after our reason.
skipped_with_reason() {
	grep -A3 "CONFIG_NF_FLOW_TABLE=y" "$work/install.log" | grep -qx "Skipped." ||
		{ cat "$work/install.log"; false; }
}
check "install: the kernel with the in-kernel flowtable built in was skipped, with the reason" \
	skipped_with_reason
[ ! -e "$root/lib/modules/$fake/updates" ] || fail "install: something was installed for $fake"
for a in nf-flowtable-1 nf-flowtable-2 nf-flowtable-10 nft-expr-flow_offload; do
	check "install: $a resolves to nft_offload only" [ "$(resolves "$a")" = nft_offload ]
done
check "install: nft-offload --version" grep -qx "nft-offload $version" \
	<(in_root nft-offload --version 2>&1)

# Upgrade: the same tree as a newer version (version.h and a changelog
# entry), built as the release after this one would be.
next=$version+1
tree=$work/nft-offload-$next
cp -a "$debs/nft-offload-$version" "$tree"
sed -i "s/^#define NFO_VERSION \".*\"$/#define NFO_VERSION \"$next\"/" "$tree/src/version.h"
{
	printf 'nft-offload (%s) unstable; urgency=medium\n\n  * Upgrade test.\n\n' "$next"
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -l "$tree/debian/changelog" -S Maintainer)" \
		"$(date -R)"
	cat "$tree/debian/changelog"
} >"$work/changelog"
mv "$work/changelog" "$tree/debian/changelog"
if (cd "$tree" && DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck" dpkg-buildpackage -us -uc -b \
	>"$work/build-next.log" 2>&1); then
	install_debs "$work" "$next" upgrade.log "apt-get install of $next over $version (upgrade)"
else
	tail -n 30 "$work/build-next.log"
	fail "dpkg-buildpackage of $next"
fi
check "upgrade: DKMS rebuilt nft_offload as $next" \
	[ "$(modinfo -F version "$ko" 2>/dev/null)" = "$next" ]
check "upgrade: only $next is left in DKMS and /usr/src" \
	[ "$(in_root dkms status 2>/dev/null | cut -d, -f1 | sort -u | tr '\n' ' ')" = "nft-offload/$next " ] &&
	[ ! -e "$root/usr/src/nft-offload-$version" ]
check "upgrade: nf-flowtable-1 still resolves to nft_offload" [ "$(resolves nf-flowtable-1)" = nft_offload ]

# Remove: the module and the aliases go, the stock resolution is back.
if in_root apt-get remove -y nft-offload-dkms nft-offload >"$work/remove.log" 2>&1; then
	pass "apt-get remove"
else
	cat "$work/remove.log"
	fail "apt-get remove"
fi
check "remove: no nft_offload left for $kver" [ -z "$(find "$root/lib/modules" -name 'nft_offload.ko*')" ]
check "remove: nf-flowtable-1 resolves to the in-kernel flowtable again" \
	[ "$(resolves nf-flowtable-1)" = nf_flow_table_inet ]
check "remove: nft-expr-flow_offload resolves to the in-kernel module again" \
	[ "$(resolves nft-expr-flow_offload)" = nft_flow_offload ]

# Purge: nothing of ours anywhere, and dpkg forgets the packages.  (With
# no conffiles, removal already made them unknown to apt: dpkg purges.)
in_root dpkg --purge nft-offload-dkms nft-offload >"$work/purge.log" 2>&1 ||
	{ cat "$work/purge.log"; fail "dpkg --purge"; }
check "purge: dpkg knows no nft-offload package" \
	[ -z "$(in_root dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' 'nft-offload*' 2>/dev/null)" ]
snapshot >"$work/after"
# What DKMS itself keeps: its signing key, made at the first signed build
# for every module it will ever sign (and perhaps enrolled as a MOK).
new=$(comm -13 "$work/before" "$work/after" | grep -vxE '\./var/lib/dkms/mok\.(key|pub)')
gone=$(comm -23 "$work/before" "$work/after")
check "purge: no file left behind (but DKMS's signing key), none taken away" [ -z "$new$gone" ]
[ -z "$new$gone" ] || { echo "left: $new"; echo "gone: $gone"; }
ours_indexed() {
	grep -qs nft_offload "$root/$mods"/modules.{dep,alias}
}
check "purge: the module indexes name nothing of ours" [ -n "$(ours_indexed || echo none)" ]
finish
