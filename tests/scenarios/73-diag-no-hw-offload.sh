#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: a flowtable with `flags offload` (hardware offload) on veth
# devices, which have no hardware flow offload.  The kernel refuses the
# ruleset; the module counts the refusal (hw_bind_refused) and records the
# device in /proc/net/nft_offload_hw_refused; traffic is not offloaded.
# diagnose names no_hw_offload with the device and the flowtable.  Without
# the flag (the fix) the next exchange is offloaded.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

expect_ok modprobe nft_offload
topology_router
[ -z "$(n r cat /proc/net/nft_offload_hw_refused)" ] || fail "a refusal recorded in a fresh netns"
[ "$(n r stat -c %a /proc/net/nft_offload_hw_refused)" = 440 ] || fail "refusal record not mode 0440"
hw0=$(nfo_stat hw_bind_refused)
expect_fail diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft' 'flags offload'
[ "$(nfo_stat hw_bind_refused)" -gt "$hw0" ] || fail "hw_bind_refused did not rise"
rec=$(n r cat /proc/net/nft_offload_hw_refused)
echo "# /proc/net/nft_offload_hw_refused: $rec"
dev=$(sed -n 's/.* dev=\([^ ]*\) .*/\1/p' <<<"$rec")
case "$dev" in
r-cl | r-srv) ;;
*) fail "refusal record names device '$dev'" ;;
esac
grep -q '^family=inet table=filter flowtable=ft dev=[^ ]* error=-95$' <<<"$rec" ||
	fail "refusal record malformed: $rec"
# Another netns sees none of it.
NS_SUFFIX=2 topology_router
[ -z "$(n r2 cat /proc/net/nft_offload_hw_refused)" ] || fail "refusal visible in another netns"
[ "$(n r2 awk '$1 == "hw_bind_refused" { print $2 }' /proc/net/stat/nft_offload)" = 0 ] ||
	fail "hw_bind_refused counted in another netns"

udp_server
udp_exchange 20
! ct_has OFFLOAD || ofail "[OFFLOAD] without a flowtable"
[ "$(nfo_stat offloaded)" = 0 ] || ofail "offloaded without a flowtable"
pass "flags offload on veth: refused (hw_bind_refused, $dev recorded), nothing offloaded"

diag_expect no_hw_offload 1 10.0.2.2:5001 "device $dev " 'flowtable filter ft' \
	'flags offload' 'hw_bind_refused [1-9]'
diag_expect no_hw_offload 1 "" "device $dev "

diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
n r conntrack -F >/dev/null 2>&1 || true
udp_exchange 20 200 4401
ct_has 'sport=4401 .*OFFLOAD' || ofail "not offloaded without the flag"
diag_expect offloaded 0 10.0.2.2:5001 'filter ft'
