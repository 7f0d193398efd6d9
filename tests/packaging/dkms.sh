#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS: dkms.conf builds and installs the module for both Debian kernels
# from the exported tree (scripts/build-module-dkms.sh, which the
# coexistence lanes boot with), and kernels the compatibility probes refuse
# are skipped (dkms's exit 77, "BUILD_EXCLUSIVE"), with the reason, rather
# than failed.
set -uo pipefail
. "$(dirname "$0")/lib.bash"

for kver in "$kver_61" "$kver_612"; do
	if ! ko=$("$top/scripts/build-module-dkms.sh" "$kver" 2>"$top/build/dkms-$kver.err"); then
		cat "$top/build/dkms-$kver.err"
		fail "dkms add, build, install for $kver"
		continue
	fi
	pass "dkms add, build, install for $kver: ${ko#"$top/"}"
	out=$top/build/dkms/$kver
	check "dkms status: installed for $kver" grep -qx \
		"nft-offload/$version, $kver, $(uname -m): installed" \
		<(dkms status --sourcetree "$out/root/usr/src" --dkmstree "$out/tree" \
			--installtree "$out/install" 2>/dev/null)
	check "$kver: vermagic names the kernel" \
		grep -q "^$kver " <(modinfo -F vermagic "$ko")
	check "$kver: version $version, signed by DKMS's key" \
		[ "$(modinfo -F version "$ko"):$(modinfo -F signer "$ko")" = "$version:DKMS module signing key" ]
	check "$kver: the aliases nft asks for" [ "$(modinfo -F alias "$ko" | LC_ALL=C sort | tr '\n' ' ')" = \
		"kmod-nft-offload nf-flowtable-1 nf-flowtable-10 nf-flowtable-2 nft-expr-flow_offload " ]
done

# Kernels it cannot serve: a copy of the 6.1 headers (links, but for the
# configuration) with the in-kernel flowtable built in, and one without
# the netfilter ingress hook.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree"
make -s -C "$top" dkms-source DESTDIR="$work/root"
trees=(--sourcetree "$work/root/usr/src" --dkmstree "$work/tree")
dkms add -m nft-offload -v "$version" "${trees[@]}" >/dev/null 2>&1 || fail "dkms add (unsupported kernels)"
unsupported() {
	local name=$1 sed=$2 reason=$3 hdr=$work/$1 rc

	config_variant "/usr/src/linux-headers-$kver_61" "$hdr" "$sed"
	dkms build -m nft-offload -v "$version" -k "$kver_61-$name" --kernelsourcedir "$hdr" \
		"${trees[@]}" >"$work/$name.log" 2>&1
	rc=$?
	if [ "$rc" = 77 ] && grep -q "BUILD_EXCLUSIVE" "$work/$name.log" &&
	   grep -q "$reason" "$work/$name.log"; then
		pass "dkms skips a kernel $name (exit 77) and says why: $reason"
	else
		cat "$work/$name.log"
		fail "dkms build for a kernel $name: exit $rc, not 77 with the reason"
	fi
	# A plain build says the same, instead of compiler errors.
	if make -s -C "$work/root/usr/src/nft-offload-$version" KDIR="$hdr" module >"$work/$name.make" 2>&1; then
		fail "make module built for a kernel $name"
	else
		check "make module for a kernel $name stops with the reason" grep -q "$reason" "$work/$name.make"
	fi
}
unsupported builtin-flowtable 's/^CONFIG_NF_FLOW_TABLE=m$/CONFIG_NF_FLOW_TABLE=y/' \
	"CONFIG_NF_FLOW_TABLE=y: the in-kernel flowtable is built in"
unsupported without-ingress '/^CONFIG_NETFILTER_INGRESS=/d' \
	"CONFIG_NETFILTER_INGRESS is not set"
finish
