#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The nft-offload-dkms package on a stock kernel that ships the in-kernel
# flowtable as modules.  The guest's nft_offload is the file DKMS built and
# installed (the coexistence lanes boot scripts/build-module-dkms.sh's,
# whose facts are in /nfo/module.info), and /nfo/package holds the
# package's alias file.  Without that file nft loads the in-kernel
# flowtable; with it, ours and never theirs; removing what the package
# removes (the file, the module, depmod) gives the stock behaviour back.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

info=/nfo/module.info
aliases=(nf-flowtable-1 nf-flowtable-2 nf-flowtable-10 nft-expr-flow_offload)
rivals=(nft_flow_offload nf_flow_table_inet nf_flow_table)
[ -f "$info" ] || fail "no $info: this lane's module is not DKMS's (tests/vm/run.sh --coexist)"
field() { sed -n "s/^$1=//p" "$info"; }

# The one nft_offload here is the file DKMS installed: its place, its
# bytes, DKMS's signature.
ko=$(modinfo -n nft_offload)
[ "$ko" = "/lib/modules/$(uname -r)/$(field file)" ] ||
	fail "modprobe finds nft_offload at $ko, not at DKMS's $(field file)"
[ "$(find /lib/modules -name 'nft_offload.ko*' | wc -l)" = 1 ] ||
	fail "more than one nft_offload in the module tree: $(find /lib/modules -name 'nft_offload.ko*')"
[ "$(sha256sum "$ko" | cut -d' ' -f1)" = "$(field sha256)" ] ||
	fail "$ko is not the file DKMS installed (sha256 differs)"
[ "$(modinfo -F signer "$ko")" = "DKMS module signing key" ] ||
	fail "$ko is not signed by DKMS's key: $(modinfo -F signer "$ko")"
pass "the guest's nft_offload is DKMS's build: $(field file), sha256 and signer match"

# The names nft asks for, as modprobe resolves them.
resolves() {
	modprobe -R "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'
}

# A router whose ruleset has a flowtable: nft autoloads its providers.
# Then one UDP exchange, offloaded by whichever module serves it.
route_and_offload() {
	topology_router
	offload_ruleset route
	udp_server
	n cl udp-pingpong send 10.0.2.2 5001 40 500 --sport 4500 >/dev/null ||
		fail "UDP exchange failed"
	offloaded_in_conntrack || fail "the exchange was not offloaded ($1)"
}

# No namespace, no ruleset, and none of the flowtable modules loaded.
reset_modules() {
	local ns m

	for ns in cl r srv; do
		[ ! -e "/run/netns/$ns" ] || ip netns delete "$ns"
	done
	for m in nft_offload "${rivals[@]}"; do
		modloaded "$m" || continue
		wait_for 10 rmmod "$m" 2>/dev/null || fail "cannot unload $m"
	done
}

# Before the package: the kernel's own answer, the in-kernel flowtable
# first (ours, asked next, refuses beside it).
for a in "${aliases[@]}"; do
	case " $(resolves "$a") " in
	*" nft_offload "*) ;;
	*) fail "$a does not resolve to nft_offload at all: $(resolves "$a")" ;;
	esac
done
[ "$(resolves nf-flowtable-1 | cut -d' ' -f1)" = nf_flow_table_inet ] ||
	fail "without the package's file, nf-flowtable-1 resolves first to $(resolves nf-flowtable-1)"
route_and_offload "stock"
modloaded nf_flow_table_inet || fail "stock: nft did not load the in-kernel flowtable"
modloaded nft_offload && fail "stock: nft_offload loaded beside the in-kernel flowtable"
pass "without the package's aliases nft loads the in-kernel flowtable (stock behaviour)"
reset_modules

# Installed: the package's file in /lib/modprobe.d.
mkdir -p /lib/modprobe.d
cp /nfo/package/nft-offload.conf /lib/modprobe.d/
for a in "${aliases[@]}"; do
	[ "$(resolves "$a")" = nft_offload ] ||
		fail "with the package's file, $a resolves to: $(resolves "$a")"
done
fast0=0
route_and_offload "package installed"
modloaded nft_offload || fail "nft did not autoload nft_offload"
for m in nft_flow_offload nf_flow_table_inet; do
	modloaded "$m" && fail "nft loaded the in-kernel $m beside nft_offload"
done
[ "$(nfo_stat fast_ipv4_bytes)" -gt "$fast0" ] ||
	fail "nft_offload's fast path forwarded nothing"
# The running code is that file: the build ID the kernel keeps for the
# module is the one DKMS's build has.
note=$(od -An -v -tx1 /sys/module/nft_offload/notes/.note.gnu.build-id | tr -d ' \n')
[ -n "$(field build_id)" ] && [ "${note%"$(field build_id)"}" != "$note" ] ||
	fail "the loaded module's build ID ($note) is not DKMS's ($(field build_id))"
[ "$(cat /sys/module/nft_offload/version)" = "$(field version)" ] ||
	fail "loaded version $(cat /sys/module/nft_offload/version), DKMS built $(field version)"
pass "with the package's aliases nft autoloads nft_offload only, which offloads; it runs DKMS's build"
reset_modules

# Removed: dpkg deletes the alias file, dkms the module, then depmod.
# (The module comes back at the end, for the lane's next scenarios.)
cp "$ko" /tmp/nft_offload.keep
rm /lib/modprobe.d/nft-offload.conf "$ko"
depmod -a
for a in "${aliases[@]}"; do
	case " $(resolves "$a") " in
	*" nft_offload "*) fail "after removal $a still resolves to nft_offload" ;;
	esac
done
route_and_offload "package removed"
modloaded nf_flow_table_inet || fail "after removal nft did not load the in-kernel flowtable"
pass "after removal nft loads the in-kernel flowtable again, and it offloads"
reset_modules
mv /tmp/nft_offload.keep "$ko"
depmod -a
