#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build and install nft_offload.ko for one kernel release with DKMS, as the
# nft-offload-dkms package has it built: from the tree "make dkms-source"
# exports (src/dkms.conf, no build products), into private dkms, source and
# install trees under build/dkms/KVER, so that the host's own /usr/src,
# /var/lib/dkms and /lib/modules stay untouched (but for DKMS's signing key,
# /var/lib/dkms/mok.key, which it makes on its first build anywhere).
#   scripts/build-module-dkms.sh KVER
# prints the installed module's path (updates/dkms/nft_offload.ko, .ko.xz
# where the kernel's modules are compressed) and writes module.info beside
# build/dkms/KVER: its sha256, build ID and signer, for a guest to compare
# with what it loaded.  Also builds the tests' modules (build-module.sh).
# The coexistence lanes boot with this module (scripts/run-vm-tests.sh).
set -euo pipefail

kver=${1:?usage: build-module-dkms.sh KERNEL-RELEASE}
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=${KDIR:-/usr/src/linux-headers-$kver}
out=$top/build/dkms/$kver

[ -d "$kdir" ] || { echo "build-module-dkms.sh: no headers at $kdir" >&2; exit 1; }
command -v dkms >/dev/null || { echo "build-module-dkms.sh: no dkms (scripts/deps.sh)" >&2; exit 1; }
# The tests' modules (tests/kmod) come from the ordinary build.
"$top/scripts/build-module.sh" "$kver" >/dev/null

mkdir -p "$out"
exec 9>"$out.lock"
flock 9
version=$(make -s -C "$top" version)
# Built already from the same sources for the same headers (the packaging
# tests and the coexistence lanes both ask): that build stands, and the
# files a guest may be copying stay where they are.
rm -rf "$out/next"
make -s -C "$top" dkms-source DESTDIR="$out/next"
key=$({ echo "$kdir"; cd "$out/next" && find . -type f -print0 | LC_ALL=C sort -z |
	xargs -0 sha256sum; } | sha256sum | cut -c1-16)
ko=$(ls "$out/install/$kver/updates/dkms"/nft_offload.ko* 2>/dev/null | head -n 1 || true)
if [ -n "$ko" ] && [ -f "$out/module.info" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	rm -rf "$out/next"
	echo "$ko"
	exit 0
fi
rm -rf "$out/root" "$out/tree" "$out/install" "$out/key" "$out/module.info"
mv "$out/next" "$out/root"
mkdir -p "$out/tree" "$out/install/$kver"
trees=(--sourcetree "$out/root/usr/src" --dkmstree "$out/tree" --installtree "$out/install")
log=$out/dkms.log
: >"$log"
for step in add build install; do
	args=(-m nft-offload -v "$version")
	[ "$step" = add ] || args+=(-k "$kver" --kernelsourcedir "$kdir")
	[ "$step" != install ] || args+=(--no-depmod)
	if ! dkms "$step" "${args[@]}" "${trees[@]}" >>"$log" 2>&1; then
		cat "$log" >&2
		make_log=$out/tree/nft-offload/$version/build/make.log
		[ ! -f "$make_log" ] || tail -n 40 "$make_log" >&2
		echo "build-module-dkms.sh: dkms $step failed" >&2
		exit 1
	fi
done
ko=$(ls "$out/install/$kver/updates/dkms"/nft_offload.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ] || { cat "$log" >&2; echo "build-module-dkms.sh: dkms installed no module" >&2; exit 1; }

# The module's build ID: the one the guest's /sys/module/*/notes shows.
plain=$out/nft_offload.ko
case "$ko" in
*.xz) xz -dc "$ko" >"$plain" ;;
*) cp "$ko" "$plain" ;;
esac
{
	echo "sha256=$(sha256sum "$ko" | cut -d' ' -f1)"
	echo "build_id=$(readelf -n "$plain" | sed -n 's/^ *Build ID: *//p')"
	echo "signer=$(modinfo -F signer "$ko")"
	echo "version=$(modinfo -F version "$ko")"
	echo "file=${ko#"$out/install/$kver/"}"
} >"$out/module.info"
rm -f "$plain"
echo "$key" >"$out/key"
echo "$ko"
