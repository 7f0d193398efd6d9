#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The LAN is a bridge: its port in the flowtable, the address on the
# bridge.  No VLAN filtering; then VLAN filtering with the port a tagged
# member of VLAN 5, and an untagged one (PVID 5), the address on br0.5.
# The WAN is a plain port.  IPv4 and IPv6 TCP, masqueraded, offloaded and
# the bridge's (and VLAN device's) counters kept.
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"
. "$(dirname "$0")/layers.bash"

for kind in bridge bridge-tagged bridge-untagged; do
	log "LAN: $kind"
	topology_layers "$kind" plain
	layered_transfer 4
	layered_transfer 6
done
