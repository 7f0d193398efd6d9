#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# diagnose: net.netfilter.nf_flow_offload = 0 on the router.  A UDP
# exchange is refused offload (refused_sysctl_off rises, no [OFFLOAD]);
# diagnose names sysctl_off and the knob.  Turning it back on (the fix)
# offloads the next exchange and diagnose says offloaded.
# nfo-lanes: stock
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/diag.bash"

topology_router
diag_ruleset 'r-cl, r-srv' 'meta l4proto { tcp, udp } flow add @ft'
n r sysctl -q -w net.netfilter.nf_flow_offload=0
udp_server
off0=$(nfo_stat refused_sysctl_off)
udp_exchange 20
[ "$(nfo_stat refused_sysctl_off)" -gt "$off0" ] || ofail "refused_sysctl_off did not rise"
[ "$(nfo_stat offloaded)" = 0 ] || ofail "offloaded with the sysctl off"
! ct_has OFFLOAD || ofail "[OFFLOAD] with the sysctl off"
[ "$(fwd_packets)" -ge 40 ] || ofail "forward chain saw $(fwd_packets) of 40 packets"
pass "sysctl off: refused_sysctl_off $(nfo_stat refused_sysctl_off), every packet forwarded"

diag_expect sysctl_off 1 10.0.2.2:5001 'net\.netfilter\.nf_flow_offload is 0' \
	'refused_sysctl_off [1-9]' 'sysctl -w net\.netfilter\.nf_flow_offload=1'

n r sysctl -q -w net.netfilter.nf_flow_offload=1
n r conntrack -F >/dev/null 2>&1 || true
udp_exchange 20 200 4401
ct_has 'sport=4401 .*OFFLOAD' || ofail "not offloaded with the sysctl back on"
diag_expect offloaded 0 10.0.2.2:5001 'filter ft'
