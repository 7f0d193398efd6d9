#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mixed flowtables (net.netfilter.nf_flow_offload_hw_mixed): `flags
# offload` over devices without hardware offload support (veth).  Off (the
# default, as upstream): the ruleset is refused.  On (OpenWrt's kernels'
# behaviour): it loads, firewall4's `nft -c` probe passes, connections are
# offloaded in software, and each flow shows why it is not in hardware
# (hw=refused, no driver bound) with its retries; no hardware state leaks
# through a flush.  nf_flow_offload_hw=0 keeps such flows in software by
# choice (hw=off).
# nfo-core: hardware state of flows no driver takes: refusal kinds, retry timers
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/simnic.bash"
. "$(dirname "$0")/hw.bash"
. "$(dirname "$0")/diag.bash"

expect_ok modprobe nft_offload
topology_router
[ "$(nsys r cat /proc/sys/net/netfilter/nf_flow_offload_hw_mixed)" = 0 ] ||
	fail "nf_flow_offload_hw_mixed is not 0 by default"
[ "$(nsys r cat /proc/sys/net/netfilter/nf_flow_offload_hw)" = 1 ] ||
	fail "nf_flow_offload_hw is not 1 by default"

probe='add table inet fw4-hw-offload-test
add flowtable inet fw4-hw-offload-test ft { hook ingress priority 0; devices = { "r-cl", "r-srv" }; flags offload; }'
expect_fail n r nft -c -f - <<<"$probe"
expect_fail simnic_ruleset none
pass "flags offload on veth: refused while mixed flowtables are off"

n r sysctl -q -w net.netfilter.nf_flow_offload_hw_mixed=1
expect_ok n r nft -c -f - <<<"$probe"
[ -z "$(n r cat /proc/net/nft_offload_hw_devices)" ] || fail "device bindings listed after the probe"
simnic_ruleset masq4
devs=$(n r cat /proc/net/nft_offload_hw_devices)
echo "# /proc/net/nft_offload_hw_devices: $devs"
for dev in r-cl r-srv; do
	matches -x "family=inet table=filter flowtable=ft dev=$dev state=software" <<<"$devs" ||
		fail "$dev not listed as software-only"
done
pass "flags offload on veth: firewall4's probe and the ruleset load with mixed flowtables, the devices in software"

refused0=$(nfo_stat hw_refused_no_driver)
dst=$(target_addr 4 masq)
tcp_hold_open 4 "$dst" 5001 200000
offloaded_in_conntrack || ofail "not offloaded in software"
! n r grep -q HW_OFFLOAD /proc/net/nf_conntrack || ofail "[HW_OFFLOAD] with no driver"
line=$(n r cat /proc/net/nft_offload_flows)
echo "# $line"
matches -E ' hw=(refused|retrying) hw_err=no_driver:-67 hw_tries=[1-9]' <<<"$line" ||
	ofail "the flow does not say it is refused for want of a driver"
[ "$(nfo_stat hw_refused_no_driver)" -gt "$refused0" ] || ofail "hw_refused_no_driver did not rise"
# Retried with a backoff (1 s, then 2 s), whatever the software path does.
retries0=$(nfo_stat hw_retries)
wait_for 10 stat_at_least hw_retries $((retries0 + 2)) || ofail "not retried after a refusal"
line=$(n r cat /proc/net/nft_offload_flows)
matches -E ' hw_tries=([3-9]|[1-9][0-9]+) ' <<<"$line" || ofail "hw_tries does not count the retries: $line"
[ "$(nfo_stat hw_flows)" = 0 ] || ofail "hw_flows counts a refused flow"
pass "refused flow: in software, hw_err=no_driver, retried ($(nfo_stat hw_retries) tries)"

# What the tool tells.
out=$(n r nft-offload status)
echo "$out"
matches -F 'hardware: r-cl in software (no hardware offload support), r-srv in software' <<<"$out" ||
	fail "status does not show the devices in software"
matches -E '^  nf_flow_offload_hw_mixed +1$' <<<"$out" || fail "status does not show nf_flow_offload_hw_mixed"
out=$(n r nft-offload flows)
matches -E '^  hardware (refused|retrying): 0 packets 0 bytes; last refusal no_driver:-67, [0-9]+ in a row' <<<"$out" ||
	fail "flows does not show the refusal: $out"
diag_expect hw_refused 1 10.0.2.2:5001 'no driver callback' 'no_driver:-67' 'TC_SETUP_FT'
pass "status, flows and diagnose name the missing driver"

n r sysctl -q -w net.netfilter.nf_flow_offload_hw=0
wait_for 5 flow_hw_is off || ofail "hw=off not shown with nf_flow_offload_hw=0"
offloaded_in_conntrack || ofail "nf_flow_offload_hw=0 took the software offload away"
diag_expect hw_off 1 10.0.2.2:5001 'nf_flow_offload_hw is 0' 
pass "nf_flow_offload_hw=0: the flow stays in software, hw=off"
tcp_hold_close

n r nft flush ruleset
wait_for 10 no_flows || fail "flows left after the flush"
[ -z "$(n r cat /proc/net/nft_offload_hw_devices)" ] || fail "device bindings listed after the flush"
n r sysctl -q -w net.netfilter.nf_flow_offload_hw=1
simnic_ruleset none
n r nft flush ruleset
n r sysctl -q -w net.netfilter.nf_flow_offload_hw_mixed=0
expect_fail simnic_ruleset none
pass "flush and reload with software-only devices: no state left behind"
