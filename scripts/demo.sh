#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job on an embedded default: boot a virtual router in QEMU (Debian's
# stock 6.1 kernel, without the in-kernel flowtable), load a firewall4-shaped
# ruleset with stock nft, and show connections being offloaded by
# nft_offload: autoload, [OFFLOAD] in conntrack, the module's statistics and
# the forward chain that no longer sees the bulk of the traffic.
#   scripts/demo.sh [--kernel 6.1|6.12]
# Sets up everything it needs on a fresh machine (apt packages, kernel image).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=6.1
if [ "${1:-}" = --kernel ] && [ -n "${2:-}" ]; then
	kernel=$2
fi

"$top/scripts/deps.sh"
exec "$top/tests/vm/run.sh" --kernel "$kernel" --scenario demo-router --show
