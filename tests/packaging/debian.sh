#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages: built from debian/ (scripts/build-debs.sh, into
# build/deb), lintian-clean (no error, no warning), and holding what they
# should: the DKMS tree exactly as "make dkms-source" exports it, the alias
# file, the command and its man page.
set -uo pipefail
. "$(dirname "$0")/lib.bash"

out=$top/build/deb
if ! changes=$("$top/scripts/build-debs.sh" "$out"); then
	fail "dpkg-buildpackage"
	finish
	exit 1
fi
pass "dpkg-buildpackage: $(cd "$out" && ls ./*.deb ./*.dsc | tr '\n' ' ')"
dkms_deb=$out/nft-offload-dkms_${version}_all.deb
tool_deb=$out/nft-offload_${version}_$(dpkg --print-architecture).deb

# Errors and warnings fail; pedantic notes and infos are shown.
lintian -I -E --pedantic "$changes" >"$out/lintian.log" 2>&1
grep -v '^running with root' "$out/lintian.log"
check "lintian: no error, no warning (source and binaries)" \
	[ "$(grep -c '^[EW]: ' "$out/lintian.log")" = 0 ]

contents() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | LC_ALL=C sort
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s -C "$top" dkms-source DESTDIR="$work/export"
want=$({ (cd "$work/export" && find . -type f | sed 's|^\./||')
	 echo lib/modprobe.d/nft-offload.conf
	 echo usr/share/doc/nft-offload-dkms/changelog.gz
	 echo usr/share/doc/nft-offload-dkms/copyright; } | LC_ALL=C sort)
got=$(contents "$dkms_deb")
check "nft-offload-dkms holds the exported DKMS tree, the alias file, its docs, nothing else" \
	[ "$got" = "$want" ]
[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got")
dpkg-deb -x "$dkms_deb" "$work/dkms"
check "its alias file is modprobe.d/nft-offload.conf" \
	cmp -s "$work/dkms/lib/modprobe.d/nft-offload.conf" "$top/modprobe.d/nft-offload.conf"
check "its dkms.conf is src/dkms.conf" \
	cmp -s "$work/dkms/usr/src/nft-offload-$version/dkms.conf" "$top/src/dkms.conf"
check "nft-offload-dkms depends on dkms" \
	grep -q '^ Depends:.*\bdkms\b' <(dpkg-deb -I "$dkms_deb")

want=$(printf '%s\n' usr/sbin/nft-offload usr/share/doc/nft-offload/changelog.gz \
	usr/share/doc/nft-offload/copyright usr/share/man/man8/nft-offload.8.gz | LC_ALL=C sort)
got=$(contents "$tool_deb")
check "nft-offload holds the command, its man page and its docs, nothing else" [ "$got" = "$want" ]
[ "$got" = "$want" ] || diff <(echo "$want") <(echo "$got")
dpkg-deb -x "$tool_deb" "$work/tool"
check "the packaged command is version $version" \
	grep -qx "nft-offload $version" <("$work/tool/usr/sbin/nft-offload" --version 2>&1)
check "the packaged command is built with fortify (Debian's hardening flags reached it)" \
	grep -q '^__[a-z]*_chk$' <(nm -D --undefined-only "$work/tool/usr/sbin/nft-offload" |
		awk '{ sub(/@.*/, "", $2); print $2 }' | grep -vx __stack_chk_fail)
finish
