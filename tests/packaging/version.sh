#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One version, from src/version.h: everything that states one agrees.
set -uo pipefail
. "$(dirname "$0")/lib.bash"

[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "make version gives '$version'"
changelog=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
check "debian/changelog's version ($changelog) is src/version.h's ($version)" \
	[ "${changelog%-*}" = "$version" ]
readme=$(sed -n 's/^This README describes version \(.*\)\.$/\1/p' "$top/README.md")
check "the README's version ($readme) is src/version.h's" [ "$readme" = "$version" ]
# dkms.conf as dkms reads it: sourced by bash.
dkms_version=$(bash -c '. "$1"; echo "$PACKAGE_VERSION"' _ "$top/src/dkms.conf")
check "dkms.conf's PACKAGE_VERSION ($dkms_version) is src/version.h's" [ "$dkms_version" = "$version" ]
tool=$("$top/scripts/build-tool.sh" | tail -n 1)
check "nft-offload --version names $version" \
	grep -qx "nft-offload $version" <("$tool" --version 2>&1)
ko=$("$top/scripts/build-module.sh" "$kver_61" | tail -n 1)
check "modinfo's version of the module is $version" [ "$(modinfo -F version "$ko")" = "$version" ]
finish
