#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv4 udp through the fast path: plain routing, masquerade and DNAT,
# client MTU 9000, server MTU 1500.  Offload proven three ways, data intact.
# nfo-core: IPv4 NAT rewrites with UDP checksums (zero and not)
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

offload_matrix 4 udp
