#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPv6 tcp through the fast path: plain routing, masquerade and DNAT,
# client MTU 9000, server MTU 1500.  Offload proven three ways, data intact.
# nfo-core: IPv6 addresses in tuples, hashes and NAT, TCP pseudo-header checksums
. "$NFO_LIB"
. "$(dirname "$0")/offload.bash"

offload_matrix 6 tcp
