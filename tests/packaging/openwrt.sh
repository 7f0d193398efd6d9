#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The OpenWrt package (openwrt/nft-offload/Makefile) without an OpenWrt SDK:
# the Makefile runs against stand-ins for OpenWrt's rules.mk, kernel.mk and
# package.mk (tests/packaging/openwrt-stubs), in a copy of the tree's tracked
# files (no build products), with Debian's 6.1 headers as the kernel.
#   fields     package names, PKG_VERSION = src/version.h, and the kernel
#              package's and the command's DEPENDS, PROVIDES, CONFLICTS,
#              KCONFIG, FILES and AUTOLOAD as meant
#   elsewhere  the directory copied out of the tree refuses to parse without
#              NFO_SOURCE_TREE, and parses with it
#   prepare    Build/Prepare copies sources only, not build products
#   compile    Build/Compile as written: src/Makefile with OpenWrt's kernel
#              make flags (KERNEL_MAKE_FLAGS), the command with make
#              variables as OpenWrt passes them; one build, -j2
#   module     FILES names what was built: nft_flow_offload.ko, our
#              aliases, the headers' release, dependencies that DEPENDS
#              covers
#   command    the command built, its version the package's
#   install    the packages' files as the buildroot would lay them out
# Not done: a cross build of the command (Debian's cross compilers need
# foreign-architecture -dev packages of libmnl, libnftnl and
# libnetfilter-conntrack).  Prints PASS/FAIL per check, then
# "N passed, N failed"; exits 1 on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nfo-openwrt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

result() {	# NAME STATUS(0=pass) [DETAILS...]
	local name=$1 status=$2

	shift 2
	if [ "$status" = 0 ]; then
		echo "PASS: openwrt $name"
		passed=$((passed + 1))
	else
		echo "FAIL: openwrt $name"
		[ $# = 0 ] || printf '  | %s\n' "$@"
		failed=$((failed + 1))
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	exit $((failed > 0))
}

kver=$("$top/scripts/kernels.sh" 6.1)
kdir=/usr/src/linux-headers-$kver
[ -d "$kdir" ] || { echo "openwrt.sh: no headers at $kdir (scripts/deps.sh)" >&2; exit 1; }

# The tree's files as they are, tracked or new, but not what .gitignore
# leaves out (build products).
tree=$tmp/tree
mkdir -p "$tree"
(cd "$top" && git ls-files -z --cached --others --exclude-standard | cpio -0pdm --quiet "$tree")
# Build products a build in the repository would leave, which Build/Prepare
# must not take along.
mkdir -p "$tree/tool/obj"
for f in src/compat/compat-gen.h src/main.o src/nft_offload.ko src/nft_offload.mod.c \
	 tool/nft-offload tool/obj/main.o; do
	echo stale >"$tree/$f"
done

stubs=$top/tests/packaging/openwrt-stubs
out=$tmp/out
pkg=$tree/openwrt/nft-offload
# make -C DIR with the stand-ins; further arguments follow.
pkgmake() {
	local dir=$1

	shift
	make --no-print-directory -C "$dir" TOPDIR="$stubs" STUB_OUT="$out" \
		STUB_KDIR="$kdir" STUB_KVER="$kver" "$@"
}

# --- fields -------------------------------------------------------------------

fields=$tmp/fields
if ! pkgmake "$pkg" STUB_MODE=dump stub-dump >"$fields" 2>&1; then
	result "fields (the Makefile parses)" 1 "$(cat "$fields")"
	finish
fi
# field PACKAGE KEY: its value, as the stand-ins printed it.
field() {
	sed -n "s/^field $1 $2=//p" "$fields"
}
# has_words PACKAGE KEY WORD...: KEY lists every WORD.
has_words() {
	local value word

	value=" $(field "$1" "$2") "
	shift 2
	for word in "$@"; do
		[[ $value == *" $word "* ]] || return 1
	done
}

errs=()
pkgs=$(grep -o '^field [^ ]* ' "$fields" | awk '$2 != "source" { print $2 }' | sort -u | xargs)
[ "$pkgs" = "kmod-nft-offload-standalone nft-offload" ] || errs+=("packages: $pkgs")
version=$(sed -n 's/^#define NFO_VERSION "\(.*\)"$/\1/p' "$top/src/version.h")
[ -n "$version" ] || errs+=("no NFO_VERSION in src/version.h")
[ "$(field source PKG_VERSION)" = "$version" ] ||
	errs+=("PKG_VERSION '$(field source PKG_VERSION)', src/version.h '$version'")
k=kmod-nft-offload-standalone
[ "$(field $k SUBMENU)" = "Netfilter Extensions" ] || errs+=("$k SUBMENU: $(field $k SUBMENU)")
has_words $k DEPENDS @IPV6 +kmod-nft-core +kmod-nf-conntrack +kmod-nft-nat ||
	errs+=("$k DEPENDS: $(field $k DEPENDS)")
[ "$(field $k PROVIDES)" = kmod-nft-offload ] || errs+=("$k PROVIDES: $(field $k PROVIDES)")
[ "$(field $k CONFLICTS)" = kmod-nft-offload ] || errs+=("$k CONFLICTS: $(field $k CONFLICTS)")
has_words $k KCONFIG CONFIG_NETFILTER_INGRESS=y || errs+=("$k KCONFIG: $(field $k KCONFIG)")
builddir=$(field source PKG_BUILD_DIR)
kofile=$builddir/src/nft_flow_offload.ko
[ "$(field $k FILES)" = "$kofile" ] || errs+=("$k FILES: $(field $k FILES), not $kofile")
[ "$(field $k AUTOLOAD)" = "0 0 nft_flow_offload" ] ||
	errs+=("$k AUTOLOAD (AutoProbe): $(field $k AUTOLOAD)")
[ "$(field nft-offload SECTION)/$(field nft-offload CATEGORY)" = net/Network ] ||
	errs+=("nft-offload SECTION/CATEGORY: $(field nft-offload SECTION)/$(field nft-offload CATEGORY)")
has_words nft-offload DEPENDS +libmnl +libnftnl +libnetfilter-conntrack $k ||
	errs+=("nft-offload DEPENDS: $(field nft-offload DEPENDS)")
result "fields (names, version $version, DEPENDS, PROVIDES, CONFLICTS, KCONFIG, FILES, AUTOLOAD)" \
	"${#errs[@]}" ${errs[@]+"${errs[@]}"}

# --- the directory copied elsewhere -------------------------------------------

mkdir -p "$tmp/feed"
cp -R "$pkg" "$tmp/feed/"
errs=()
if pkgmake "$tmp/feed/nft-offload" STUB_MODE=dump stub-dump >"$tmp/elsewhere" 2>&1; then
	errs+=("parsed without NFO_SOURCE_TREE")
elif ! grep -q 'NFO_SOURCE_TREE' "$tmp/elsewhere"; then
	errs+=("no word of NFO_SOURCE_TREE:" "$(cat "$tmp/elsewhere")")
fi
if ! pkgmake "$tmp/feed/nft-offload" STUB_MODE=dump NFO_SOURCE_TREE="$tree" stub-dump \
	>"$tmp/elsewhere" 2>&1; then
	errs+=("does not parse with NFO_SOURCE_TREE:" "$(cat "$tmp/elsewhere")")
elif ! grep -qx "field source PKG_VERSION=$version" "$tmp/elsewhere"; then
	errs+=("PKG_VERSION with NFO_SOURCE_TREE: $(grep PKG_VERSION "$tmp/elsewhere")")
fi
result "elsewhere (a copied directory needs NFO_SOURCE_TREE)" "${#errs[@]}" ${errs[@]+"${errs[@]}"}

# --- prepare, compile ---------------------------------------------------------

if ! pkgmake "$pkg" stub-prepare >"$log" 2>&1; then
	result "prepare" 1 "$(cat "$log")"
	finish
fi
stale=$(cd "$builddir" && { grep -rlx stale . || true; } | xargs)
result "prepare (sources only)" "$([ -z "$stale" ]; echo $?)" "copied build products: $stale"

start=$(date +%s)
if ! pkgmake "$pkg" stub-compile >"$log" 2>&1; then
	result "compile" 1 "$(tail -n 30 "$log")"
	finish
fi
result "compile (Build/Compile with KERNEL_MAKE_FLAGS, $kver, $(($(date +%s) - start)) s)" 0

# --- what was built -----------------------------------------------------------

errs=()
for f in $(field $k FILES); do
	[ -f "$f" ] || errs+=("FILES names $f, which Build/Compile did not make")
done
if [ ! -f "$kofile" ]; then
	errs+=("no $kofile")
else
	[ "$(modinfo -F name "$kofile")" = nft_flow_offload ] ||
		errs+=("name: $(modinfo -F name "$kofile")")
	aliases=$(modinfo -F alias "$kofile")
	for alias in nf-flowtable-1 nf-flowtable-2 nf-flowtable-10 nft-expr-flow_offload \
		     kmod-nft-offload nft_offload; do
		grep -qxF "$alias" <<<"$aliases" || errs+=("no alias $alias")
	done
	[ "$(modinfo -F version "$kofile")" = "$version" ] ||
		errs+=("version: $(modinfo -F version "$kofile")")
	vermagic=$(modinfo -F vermagic "$kofile")
	[[ $vermagic == "$kver "* ]] || errs+=("vermagic: $vermagic")
	# Each module it needs, and the OpenWrt package that has it.
	IFS=, read -r -a deps <<<"$(modinfo -F depends "$kofile")"
	for dep in "${deps[@]}"; do
		case "$dep" in
		nf_tables) want=+kmod-nft-core ;;
		nf_conntrack) want=+kmod-nf-conntrack ;;
		nf_nat) want=+kmod-nf-nat ;;
		*) errs+=("depends on $dep: which package has it?"); continue ;;
		esac
		has_words $k DEPENDS "$want" || errs+=("depends on $dep, DEPENDS lacks $want")
	done
fi
result "module (nft_flow_offload.ko, aliases, $kver, DEPENDS covers ${deps[*]:-nothing})" \
	"${#errs[@]}" ${errs[@]+"${errs[@]}"}

tool=$builddir/tool/nft-offload
said=$("$tool" version 2>&1 | head -n 1 || true)
result "command (nft-offload version: $said)" "$([ "$said" = "nft-offload $version" ]; echo $?)" \
	"expected 'nft-offload $version'"

# --- install ------------------------------------------------------------------

errs=()
if ! pkgmake "$pkg" stub-install >"$log" 2>&1; then
	errs+=("$(cat "$log")")
else
	root=$out/root
	[ -f "$root/$k/lib/modules/$kver/nft_flow_offload.ko" ] ||
		errs+=("no lib/modules/$kver/nft_flow_offload.ko in $k")
	loads=$(cat "$root/$k/etc/modules.d/nft-offload-standalone" 2>/dev/null || true)
	[ "$loads" = nft_flow_offload ] ||
		errs+=("etc/modules.d/nft-offload-standalone: '$loads'")
	[ -x "$root/nft-offload/usr/sbin/nft-offload" ] || errs+=("no usr/sbin/nft-offload in nft-offload")
fi
result "install (lib/modules/$kver/nft_flow_offload.ko, etc/modules.d, usr/sbin/nft-offload)" \
	"${#errs[@]}" ${errs[@]+"${errs[@]}"}

finish
