#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module as OpenWrt's package builds it (NFO_MODNAME=nft_flow_offload,
# put in the guest at /nfo/openwrt/nft_flow_offload.ko): it loads under that
# name, which is what LuCI looks for (/sys/module/nft_flow_offload/refcnt),
# it is ours (its version is the tool's), it offloads a masqueraded TCP
# transfer, the default build cannot load beside it nor it beside the
# default build, and it unloads.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

ko=/nfo/openwrt/nft_flow_offload.ko
[ -f "$ko" ] || fail "no $ko in the guest (scripts/build-module.sh builds it)"

# The file: OpenWrt's module name, our aliases, and the default name as
# one more.
name=$(modinfo -F name "$ko")
[ "$name" = nft_flow_offload ] || fail "$ko is named '$name'"
aliases=$(modinfo -F alias "$ko")
for alias in nf-flowtable-1 nf-flowtable-2 nf-flowtable-10 nft-expr-flow_offload \
	     kmod-nft-offload nft_offload; do
	grep -qxF "$alias" <<<"$aliases" || fail "$ko lacks the alias $alias"
done
pass "$ko: name nft_flow_offload, the flowtable and expression aliases, kmod-nft-offload, nft_offload"

# Loaded in place of the default build.
version=$(nft-offload version | awk '$1 == "nft-offload" { print $2 }')
[ -n "$version" ] || fail "nft-offload version printed no version"
modloaded nft_offload && expect_ok rmmod nft_offload
# insmod loads no dependencies (OpenWrt's kmodloader would): its own list.
IFS=, read -r -a deps <<<"$(modinfo -F depends "$ko")"
[ ${#deps[@]} -gt 0 ] || fail "$ko names no dependencies"
expect_ok modprobe -a "${deps[@]}"
expect_ok insmod "$ko"
modloaded nft_flow_offload || fail "insmod $ko did not load nft_flow_offload"
[ -e /sys/module/nft_flow_offload/refcnt ] ||
	fail "no /sys/module/nft_flow_offload/refcnt: LuCI would not offer offloading"
loaded=$(cat /sys/module/nft_flow_offload/version)
[ "$loaded" = "$version" ] ||
	fail "/sys/module/nft_flow_offload/version is '$loaded', not the tool's $version"
dmesg | matches "nft_flow_offload: version $version loaded" ||
	fail "no load line under the name nft_flow_offload in the kernel log"
# The command knows it under that name, and not as the in-kernel flowtable.
status=$(nft-offload --json status)
json-get module.loaded <<<"$status" | grep -qx true ||
	fail "nft-offload status does not see nft_flow_offload as loaded: $status"
json-get module.inkernel_flowtable <<<"$status" | grep -qx false ||
	fail "nft-offload status takes nft_flow_offload for the in-kernel flowtable: $status"
pass "loaded as nft_flow_offload, version $version, /sys/module/nft_flow_offload/refcnt there; nft-offload status sees it"

# It serves a stock ruleset: offload proven three ways, as in
# offload_matrix, and nothing autoloads the default build.
topology_router 9000 1500
offload_ruleset masq
off0=$(nfo_stat offloaded)
fastb0=$(nfo_stat fast_ipv4_bytes)
bytes=$(bulk 8)
tcp_transfer 4 10.0.2.2 5001 "$bytes"
[ "$SAW_OFFLOAD" = 1 ] || ofail "no [OFFLOAD] in conntrack"
fwd=$(fwd_bytes)
[ $((fwd * 10)) -lt "$bytes" ] || ofail "the forward chain saw $fwd of $bytes bytes"
[ "$(nfo_stat offloaded)" -gt "$off0" ] || ofail "the offloaded counter did not rise"
[ $(($(nfo_stat fast_ipv4_bytes) - fastb0)) -gt $((bytes / 2)) ] ||
	ofail "the fast path carried too few bytes"
modloaded nft_offload && fail "the ruleset loaded nft_offload beside nft_flow_offload"
pass "masqueraded IPv4 TCP offloaded: intact, [OFFLOAD], forward chain saw $fwd of $bytes bytes"

# The default build is refused beside it.
expect_fail modprobe nft_offload
modloaded nft_offload && fail "nft_offload loaded beside nft_flow_offload"
dmesg | matches "nft_flow_offload: refusing to let this module's other build, nft_offload, load while nft_flow_offload is loaded" ||
	fail "no veto line for nft_offload"
pass "nft_offload refused while nft_flow_offload is loaded"

# Unloads once its flowtable is gone (a namespace goes after its deletion
# returns).
ip -all netns delete
unload() { rmmod "$@" 2>/dev/null; }
wait_for 10 unload nft_flow_offload || fail "nft_flow_offload stays loaded"
[ ! -e /sys/module/nft_flow_offload ] || fail "/sys/module/nft_flow_offload outlived rmmod"
pass "nft_flow_offload unloaded"

# And it is refused beside the default build.
expect_ok modprobe nft_offload
expect_fail insmod "$ko"
modloaded nft_flow_offload && fail "nft_flow_offload loaded beside nft_offload"
dmesg | matches "nft_offload: refusing to let .* nft_flow_offload load while nft_offload is loaded" ||
	fail "no veto line for nft_flow_offload"
expect_ok rmmod nft_offload
pass "nft_flow_offload refused while nft_offload is loaded"
