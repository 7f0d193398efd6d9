#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall, staged (DESTDIR): what install puts
# where, that uninstall takes all of it back, and that install refuses
# where DKMS manages the module.
set -uo pipefail
. "$(dirname "$0")/lib.bash"

kdir=/usr/src/linux-headers-$kver_61
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
files() {
	(cd "$stage" && find . -type f | LC_ALL=C sort)
}

# Built once, into a copy, so the checkout's src/ stays clean.
tree=$stage/tree
"$top/scripts/export-tree.sh" "$tree"
root=$stage/root
if ! make -s -C "$tree" KDIR="$kdir" DESTDIR="$root" install >"$stage/install.log" 2>&1; then
	cat "$stage/install.log"
	fail "make install DESTDIR=... failed"
	finish
	exit 1
fi
want=$(printf '%s\n' "./root/lib/modules/$kver_61/extra/nft_offload.ko" \
	./root/usr/local/lib/modprobe.d/nft-offload.conf \
	./root/usr/local/sbin/nft-offload ./root/usr/local/share/man/man8/nft-offload.8 |
	LC_ALL=C sort)
got=$(files | grep '^\./root/')
check "make install puts the module in extra/, the alias file, the command and its man page" \
	[ "$got" = "$want" ]
[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got")
check "the installed alias file is modprobe.d/nft-offload.conf" \
	cmp -s "$root/usr/local/lib/modprobe.d/nft-offload.conf" "$top/modprobe.d/nft-offload.conf"
check "the installed module is version $version" \
	[ "$(modinfo -F version "$root/lib/modules/$kver_61/extra/nft_offload.ko")" = "$version" ]

make -s -C "$tree" KDIR="$kdir" DESTDIR="$root" uninstall >"$stage/uninstall.log" 2>&1 ||
	{ cat "$stage/uninstall.log"; fail "make uninstall failed"; }
left=$(files | grep '^\./root/' || true)
check "make uninstall removes every file make install put there" [ -z "$left" ]
[ -z "$left" ] || echo "$left"

# DKMS's module for that kernel: install refuses, and installs nothing.
mkdir -p "$root/lib/modules/$kver_61/updates/dkms"
: >"$root/lib/modules/$kver_61/updates/dkms/nft_offload.ko"
if make -s -C "$tree" KDIR="$kdir" DESTDIR="$root" install >"$stage/refused.log" 2>&1; then
	fail "make install went ahead beside DKMS's module"
else
	check "make install refuses beside DKMS's module, and says why" \
		grep -q "DKMS manages nft-offload" "$stage/refused.log"
fi
check "the refused install left nothing" \
	[ "$(files | grep '^\./root/')" = "./root/lib/modules/$kver_61/updates/dkms/nft_offload.ko" ]
finish
