#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The WAN is a PPPoE session, dialled with pppd against pppoe-server (both
# in kernel mode); the flowtable lists the ports.  IPv4 and IPv6 TCP,
# masqueraded, offloaded with the PPPoE and PPP headers popped and pushed
# by the fast path, the PPP device's counters kept.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"

# The concentrator's PPPoE runs in user space: 4 MB is plenty.
topology_pppoe
layered_transfer 4 "$(bulk 4)"
layered_transfer 6 "$(bulk 4)"
