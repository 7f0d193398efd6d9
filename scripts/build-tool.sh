#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the nft-offload command for the guest (the host's libc and libraries,
# which the initramfs copies along) into build/tool, and print its path.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/tool
mkdir -p "$out"
if ! make -s -C "$top/tool" O="$out" >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	exit 1
fi
echo "$out/nft-offload"
