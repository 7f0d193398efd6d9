#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# VLANs: QinQ (802.1ad 100 + 802.1Q 20) on the LAN, 802.1Q 10 on the WAN;
# the flowtable lists the ports.  IPv4 and IPv6 TCP, masqueraded, offloaded
# with the tags popped and pushed by the fast path, VLAN counters kept.
# nfo-core: VLAN tags pushed and popped (TPID, TCI)
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"

topology_layers qinq vlan
layered_transfer 4
layered_transfer 6
